"""GBK byte-misalignment repair, only where the repair can be verified.

When one byte of a GBK stream is lost, every following pair of bytes is read
off by one: ``改革試點`` (b8c4 b8ef d487 fc63) without its first byte reads as
``母镌圏c`` (c4b8 efd4 87fc 63). Alignment comes back at the first character
whose second byte is ASCII (here the ``c``), or where a pair is not GBK at all
(the decoder writes U+FFFD for its first byte). A misread pair never ends in an
ASCII byte, so a damaged run is a stretch of non-ASCII characters in which only
the last one can realign. Re-encoding the run to GBK and dropping its first
byte gives the original back; the character that lost the byte cannot come
back, and before a U+FFFD the last character's second byte is gone too (the
U+FFFD stays in its place).

The rule (constants below). Evidence is a character prose uses in neither
script (a Han character jieba's dictionary hardly knows, itself or after t2s;
kana, box drawing, U+FFFD…) or an ASCII letter right after Chinese. The run
around it is shifted back, from each possible start, and the best reading under
the character bigram model of :mod:`.language` (both scripts, via t2s) is
repaired only when

* it restores at least ``MIN_HAN`` Han characters (shorter shifts decode to
  something plausible by chance),
* it is made of Han characters and prose punctuation only,
* it is at least ``MIN_GAIN`` nats per character more likely than the damaged
  run and at least ``MIN_REPAIRED`` per character likely on its own,
* no start one character earlier or later reads within ``AMBIGUOUS`` nats
  (which character lost the byte must be clear, or a repair could invent one),
* the first character it consumes is itself evidence (see above) or follows
  right after a remnant of a lost byte: a common character there may be sound,
  and shifting from it would replace it with an invented one.

What fails this but looks damaged is kept as it is and reported: a reading that
passes all but the last test, a short run that scores below ``DAMAGED_BELOW``
per character and would gain ``MIN_GAIN``, a lone ASCII byte after Chinese
(``飄P，``: the lead byte of ``揚`` was lost; ``示W絡``: 是 lost its second byte and
示W shifted back is 網; ``l村`` opening a line), any U+FFFD or ``?pinyin)``
remnant. Nothing is ever guessed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from .annotations import PINYIN_LETTERS, TONED
from ..chars import HAN_CLASS, HAN_RE
from .language import PROSE_SYMBOLS, char_count, in_word, logprob

MAX_RUN = 32
MIN_HAN = 3               # a repair restores at least three Han characters
MIN_GAIN = 3.0            # nats per character the repaired text must gain over the damaged one
MIN_REPAIRED = -9.0       # nats per character the repaired text must reach on its own
DAMAGED_BELOW = -11.0     # a run not repaired is reported when it scores below this per character
AMBIGUOUS = 3.0           # nats: a rival start this close makes a repair ambiguous
RARE = 100                # a Han character the dictionary uses fewer times (either script) is evidence
# remnants of lost bytes: replacement characters, or "?" + a dangling "pinyin)" after a Han char
REMNANT_RE = re.compile(f"\ufffd+|(?<=[^\\x00-\\x7f])\\?(?=[{PINYIN_LETTERS}]*[{TONED}])"
                        f"[{PINYIN_LETTERS}]{{1,7}}\\)")
# a lone ASCII byte that a GBK pair can end with, right after Chinese: a symbol such as "_" or
# "`" anywhere, a letter when Chinese follows. A capital is reported when neither it and the
# next character nor the two characters after it are part of a dictionary word ("A股", "B计划"
# and "X光" are prose; "黨M織" is 組 without its first byte), or when a GBK character ending
# in that byte would make words on both sides (see _fits)
LONE_AFTER = re.compile(f"[{HAN_CLASS}《“”「（，、]")
LONE_SYMBOLS = "[\\]^_`{|}~"
LONE_BEFORE = re.compile(f"[{HAN_CLASS}，。、；：！？”」]")
# a lone lower-case letter or symbol starting a line of Chinese (``l村振興``: 鄉 lost its first byte),
# when a GBK character ending in it would make a word with the next one (not ``e租宝``, a name)
LINE_START = re.compile(f"[a-z@\\[\\]^_`{{|}}~](?=[{HAN_CLASS}])")
# an ASCII byte that can end a GBK pair (0x40-0x7E), right after a character that is not Latin
_ASCII_AFTER_WIDE = re.compile("[^\x00-\u024f][@-~]")

@dataclass(frozen=True)
class Repair:
    damaged: str
    repaired: str


@dataclass(frozen=True)
class Candidate:
    start: int
    end: int                  # exclusive
    damaged: str
    repaired: str | None      # None: the run does not shift back into GBK text
    gain: float               # nats per character, repaired over damaged
    repaired_score: float     # nats per character of the repaired text
    damaged_score: float      # nats per character of the damaged run
    ambiguous: bool = False   # a window one character longer or shorter reads almost as well


def _shift(run: str, before_fffd: bool) -> str | None:
    """The run re-encoded to GBK without its first byte (and, before a U+FFFD, without the
    last byte, whose partner was lost), decoded again; None when that is not GBK text."""
    try:
        data = run.encode("gbk")[1:]
        return (data[:-1] if before_fffd else data).decode("gbk")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return None


@lru_cache(maxsize=65536)
def _realigns(ch: str) -> bool:
    """Can the misaligned reading end at ``ch``? Only if its second byte is an ASCII byte."""
    if ch.isascii():
        return 0x40 <= ord(ch) <= 0x7E
    try:
        data = ch.encode("gbk")
    except UnicodeEncodeError:
        return False
    return len(data) == 2 and 0x40 <= data[1] <= 0x7E


@lru_cache(maxsize=65536)
def _suspect(ch: str) -> bool:
    """A character sound prose in neither script uses: evidence that a run may be damaged."""
    if ch.isascii() or ch in PROSE_SYMBOLS or "\u00a0" <= ch <= "\u024f" or "\u2000" <= ch <= "\u206f":
        return False
    if ch == "\ufffd" or not HAN_RE.match(ch):
        return True
    return char_count(ch) < RARE


_PLAIN: set[str] = set()        # characters already found not to be suspects (a memo)


def _prose(text: str) -> bool:
    return all(HAN_RE.match(c) or c in PROSE_SYMBOLS for c in text)


def _per_char(text: str) -> float:
    score, n = logprob(text)
    return score / n if n else 0.0


def segment(line: str, s: int, floor: int) -> tuple[int, int] | None:
    """(start, end) of the stretch around position ``s`` that one lost byte could have misread:
    non-ASCII characters none of which realigns but the last, at most ``MAX_RUN`` each side of
    ``s``, and not before ``floor``. A run that ends at a U+FFFD ends before it."""
    j = s
    while j < len(line) and j - s <= MAX_RUN and not line[j].isascii() and line[j] != "\ufffd" \
            and not _realigns(line[j]):
        j += 1
    if j >= len(line) or j - s > MAX_RUN or (line[j].isascii() and j == s):
        return None
    end = j if line[j] == "\ufffd" else j + 1
    lo = s
    while lo > floor and s - lo < MAX_RUN and not line[lo - 1].isascii() \
            and line[lo - 1] != "\ufffd" and not _realigns(line[lo - 1]):
        lo -= 1
    return (lo, end) if end - lo >= 2 or line[j] == "\ufffd" else None


def candidate(line: str, lo: int, end: int, last_start: int, floor: int) -> Candidate | None:
    """The most likely shift-back of a run starting in ``lo..last_start`` and ending at ``end``.

    The windows share the span ``lo..end`` (what precedes a window is scored as it stands), so
    their total scores compare, and the best total wins. Which character is the first misread
    one is the weak point: when a window one character longer or shorter scores within
    ``AMBIGUOUS`` nats and would itself pass as a repair, the best is marked ambiguous.
    """
    before_fffd = line[end:end + 1] == "\ufffd"
    left, right = line[max(floor, lo - 2):lo], "" if before_fffd else line[end:end + 2]
    base, _ = logprob(left + line[lo:end].rstrip(_ASCII_TAIL) + right)
    scored: list[tuple[float, Candidate]] = []
    for i in range(lo, min(last_start, end - 1) + 1):
        damaged = line[i:end]
        repaired = _shift(damaged, before_fffd)
        if repaired is None:
            continue
        core = repaired[:-1] if repaired and repaired[-1].isascii() else repaired
        if not core or not _prose(core):
            continue
        rep, _ = logprob(left + line[lo:i] + repaired + right)
        n = max(1, sum(not c.isascii() for c in damaged))
        scored.append((rep - base, Candidate(i, end, damaged, repaired, (rep - base) / n,
                                             _per_char(repaired), _per_char(damaged))))
    if not scored:
        return None
    top, best = max(scored, key=lambda tc: tc[0])
    rivals = [c for total, c in scored if abs(c.start - best.start) == 1 and total >= top - AMBIGUOUS
              and plausible(c)]
    # the shift consumes line[best.start]: unless that character is itself one prose does not
    # use, or follows right after the remnant of a lost byte (``?lián)母镌圏c``), it may be
    # sound, and starting there would replace it with an invented one (``营造良玫慕…`` shifted
    # from 良 instead of 玫 turns 良 into 济): the language model cannot tell which
    forced = _suspect(line[best.start]) or any(
        m.end() == best.start for m in REMNANT_RE.finditer(line, max(floor, best.start - 9), best.start))
    return replace(best, ambiguous=True) if rivals or not forced else best


_ASCII_TAIL = "@[\\]^_`{|}~abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def plausible(c: Candidate) -> bool:
    """Would the shift-back pass as a repair (leaving aside where exactly it starts)?"""
    return (c.repaired is not None and len(HAN_RE.findall(c.repaired)) >= MIN_HAN
            and c.gain >= MIN_GAIN and c.repaired_score >= MIN_REPAIRED)


def verified(c: Candidate) -> bool:
    return plausible(c) and not c.ambiguous


def repair_line(line: str) -> tuple[str, list[Repair], list[str]]:
    """Repair verifiable damaged runs; return (line, repairs, warning messages).

    Each suspect character (see :func:`_suspect`) is looked at once, with at
    most ``MAX_RUN`` characters either side: the work is bounded per suspect,
    so the scan stays linear.
    """
    if line.isascii():
        return line, [], _remnant_warnings(line)
    repairs: list[Repair] = []
    warnings: list[str] = []
    out: list[str] = []
    last = 0
    before_fffd: dict[int, str] = {}    # U+FFFD's place in the output -> the misread run before it
    chars = set(line) - _PLAIN                          # the distinct characters, at C speed
    odd = {c for c in chars if _suspect(c)}
    if len(_PLAIN) < 100_000:
        _PLAIN.update(chars - odd)
    suspects = [k for k, c in enumerate(line) if c in odd] if odd else []
    # an ASCII letter right after Chinese may end a run misread without any rare character
    after_wide = [m.start() + 1 for m in _ASCII_AFTER_WIDE.finditer(line)]
    triggers = sorted(set(suspects).union(k - 1 for k in after_wide))
    for s in triggers:
        if s < last:
            continue
        seg = segment(line, s, last)
        if seg is None:
            continue
        lo, end = seg
        inside = [k for k in suspects if lo <= k < end]
        c = candidate(line, lo, end, inside[-1] if inside else end - 1, last)
        if c is None:
            continue
        if line[c.end:c.end + 1] == "\ufffd" and not verified(c) and c.gain >= MIN_GAIN:
            before_fffd[sum(map(len, out)) + c.end - last] = c.damaged
        if verified(c):
            out.append(line[last:c.start])
            out.append(c.repaired)
            repairs.append(Repair(c.damaged, c.repaired))
            lost = ("; so is the last one, whose second byte went with the U+FFFD after it"
                    if line[c.end:c.end + 1] == "\ufffd" else "")
            warnings.append(f"mojibake: '{c.damaged}' repaired as '{c.repaired}' (GBK bytes shifted "
                            f"by one); the character that lost a byte is gone and not guessed{lost}")
            last = c.end
        elif plausible(c) or inside and c.damaged_score < DAMAGED_BELOW and c.gain >= MIN_GAIN \
                and (len(HAN_RE.findall(c.repaired or "")) >= MIN_HAN or c.damaged[-1].isascii()):
            warnings.append(f"mojibake: '{c.damaged}' looks like GBK bytes read one byte off, but the "
                            f"repair '{c.repaired}' cannot be verified; kept as it is")
    out.append(line[last:])
    if repairs:
        line = "".join(out)
        after_wide = [m.start() + 1 for m in _ASCII_AFTER_WIDE.finditer(line)]
    found = warnings + _remnant_warnings(line, before_fffd) + _lone_warnings(line, after_wide)
    return line, repairs, list(dict.fromkeys(found))       # a run two suspects lead to, once


_NAMED = re.compile(r"mojibake: '(.+?)'(?=[: ])")


def unrepaired_run(message: str) -> str | None:
    """The run a mojibake warning of this module reports as damaged and kept, or None (a repair,
    or a remnant, which stays visible in the text itself)."""
    m = _NAMED.match(message)
    if m is None or message.startswith("repaired as ", m.end() + 1) or " holds what is left" in message:
        return None
    return m.group(1)


def _remnant_warnings(line: str, runs: dict[int, str] | None = None) -> list[str]:
    """Remnants of lost bytes. A U+FFFD is named with the run before it that one lost byte
    misread (``runs``: its start -> that run, found by shifting back); without one, with the
    non-ASCII characters just before it."""
    runs = runs or {}
    return [f"mojibake: '{runs[m.start()] + m.group() if m.start() in runs else _around(line, *m.span())}' holds what is left of characters whose bytes "
            f"were lost ('{m.group()}'); kept as it is" for m in REMNANT_RE.finditer(line)]


def _around(line: str, a: int, b: int) -> str:
    """The span with the non-ASCII characters just before it (the run that may be misread)."""
    k = a
    while k > 0 and a - k < 8 and not line[k - 1].isascii():
        k -= 1
    return line[k:b]


def _lone_warnings(line: str, after_wide: list[int]) -> list[str]:
    """Lone ASCII bytes (see LONE_AFTER) among ``after_wide``, the ASCII bytes 0x40-0x7E that
    follow a character that is not Latin."""
    out = []
    if LINE_START.match(line) and _ends_word_start(line[0], line[1]):
        out.append(f"mojibake: '{line[:2]}': '{line[0]}' at the start of the line looks like the second "
                   f"byte of a GBK character whose first byte was lost; kept as it is")
    for k in after_wide:
        byte, before, after = line[k], line[k - 1], line[k + 1:k + 2]
        if not LONE_AFTER.match(before):
            continue
        if byte not in LONE_SYMBOLS:
            if not ((byte.isalpha() or byte == "@") and after and LONE_BEFORE.match(after)):
                continue
            if not _misread_pair(line[k - 2:k - 1], before, byte, after) and (
                    byte == "@" or byte.isupper() and (in_word(line[k:k + 2]) or in_word(line[k + 1:k + 3]))) \
                    and not _fits(before, byte, after):
                continue
        out.append(f"mojibake: '{line[k - 1:k + 2]}': '{byte}' after a Chinese character looks like "
                   f"the second byte of a GBK character whose first byte was lost; kept as it is")
    return out


@lru_cache(maxsize=4096)
def _ends_word_start(byte: str, after: str) -> bool:
    """Is there a GBK character ending in ``byte`` that makes a dictionary word with ``after``
    (``l村``: 鄉 is 0xE0 0x6C, 鄉村 is a word; ``e租宝``, a name, has none)?"""
    return any(in_word(ch + after) for ch in _ending_in(byte))


@lru_cache(maxsize=4096)
def _misread_pair(prev: str, before: str, byte: str, after: str) -> bool:
    """Is ``before`` + ``byte`` a character whose second byte was lost, read together with the
    first byte of the next (``示W絡``: 是網絡 without the second byte of 是 reads 示 + W, and 示W
    without its first byte is 網)? Only when ``before`` makes no word with the character before
    it and the shifted character makes one with the character after it."""
    ch = _shift(before + byte, False)
    return (ch is not None and len(ch) == 1 and bool(HAN_RE.match(ch)) and in_word(ch + after)
            and not (prev and in_word(prev + before)))


@lru_cache(maxsize=4096)
def _fits(before: str, byte: str, after: str) -> bool:
    """Is there a GBK character ending in ``byte`` that makes a dictionary word with the
    character before and with the one after (``府W絡``: 網 is 0xBE 0x57, 政府 and 網絡 are words)?"""
    return any(in_word(before + ch) and in_word(ch + after) for ch in _ending_in(byte))


@lru_cache(maxsize=128)
def _ending_in(byte: str) -> tuple[str, ...]:
    """The GBK characters whose second byte is the ASCII ``byte``."""
    out = []
    for lead in range(0x81, 0xFF):
        try:
            out.append(bytes((lead, ord(byte))).decode("gbk"))
        except UnicodeDecodeError:
            pass
    return tuple(out)


def remnant_spans(line: str) -> list[tuple[int, int]]:
    """Spans of unrecoverable remnants, which later rules (punctuation) must leave alone."""
    return [m.span() for m in REMNANT_RE.finditer(line)]
