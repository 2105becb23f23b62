"""GBK byte-misalignment repair, only where the repair can be verified.

When one byte of a GBK stream is lost, every following pair of bytes is read
off by one: ``改革試點`` (b8c4 b8ef d487 fc63) without its first byte reads as
``母镌圏c`` (c4b8 efd4 87fc 63). Alignment comes back at the first character
whose second byte is ASCII (here the ``c``), so a damaged run is always a run
of non-ASCII characters ended by one ASCII byte in 0x40-0x7E. Re-encoding the
run to GBK and dropping its first byte gives the original back.

A run is only touched when there is evidence (a rare character in it: real
prose is made of common characters) and the repair verifies (every repaired
character is common). A real rare character such as ``犇`` has neither a
trailing ASCII byte nor a shifted reading made of common characters, so it is
left alone. The half character before the run is lost; it and any other
unrecoverable remnant (``?`` or U+FFFD with a dangling ``pinyin)``) are kept
as they are and reported as warnings, never guessed.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from functools import lru_cache
from dataclasses import dataclass

from .annotations import PINYIN_LETTERS, TONED
from .chars import HAN_RE, common_han, is_common_han

MAX_RUN = 32
# remnants of lost bytes: replacement characters, or "?" + a dangling "pinyin)" after a Han char
REMNANT_RE = re.compile(f"\ufffd+|(?<=[^\\x00-\\x7f])\\?(?=[{PINYIN_LETTERS}]*[{TONED}])"
                        f"[{PINYIN_LETTERS}]{{1,7}}\\)")
REPAIRED_OK = "，。、；：！？“”"


@dataclass(frozen=True)
class Repair:
    damaged: str
    repaired: str


def _shifted(run: str) -> str | None:
    try:
        return run.encode("gbk")[1:].decode("gbk")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return None


def _realigns(ch: str) -> bool:
    """Can the misaligned reading end at ``ch``? Only if its second byte is an ASCII byte."""
    if ch.isascii():
        return 0x40 <= ord(ch) <= 0x7E
    try:
        data = ch.encode("gbk")
    except UnicodeEncodeError:
        return False
    return len(data) == 2 and 0x40 <= data[1] <= 0x7E


def _verified(repaired: str | None) -> bool:
    if repaired is None or len(repaired) < 2 or not HAN_RE.search(repaired):
        return False
    body = repaired[:-1] if repaired[-1].isascii() and repaired[-1].isalnum() else repaired
    return all(is_common_han(c) or c in REPAIRED_OK for c in body)


def repair_line(line: str) -> tuple[str, list[Repair], list[str]]:
    """Repair verifiable damaged runs; return (line, repairs, warning messages).

    Candidate runs end where the stream can realign (``_realigns``) within
    MAX_RUN characters after a rare character, and start at most MAX_RUN
    characters before, inside the same run of non-ASCII characters: the work
    is bounded per rare character, so the scan stays linear.
    """
    if line.isascii() or not _rare_re().search(line):
        return line, [], _remnant_warnings(line)
    rare = [m.start() for m in _rare_re().finditer(line)]
    repairs: list[Repair] = []
    warnings: list[str] = []
    out: list[str] = []
    last = 0
    ends = sorted({j for r in rare for j in range(r, min(len(line), r + MAX_RUN + 1))})
    for j in ends:
        c = line[j]
        if j < last or not _realigns(c):
            continue
        if c.isascii() and (j == 0 or line[j - 1].isascii()):
            continue
        lo = max(last, j - MAX_RUN)
        k = j - 1
        while k >= lo and not line[k].isascii():
            k -= 1
        lo = k + 1
        in_reach = [r for r in rare[bisect_left(rare, lo):bisect_right(rare, j)]]
        if not in_reach:
            continue                                   # no evidence: nothing rare in reach
        # the run's start first (damage usually begins at a boundary, as after a lost
        # annotation), then the shortest window that still covers every rare character
        for i in [lo] + list(range(in_reach[0], lo, -1)):
            if i >= j:
                continue
            fixed = _shifted(line[i:j + 1])
            if _verified(fixed):
                out.append(line[last:i])
                out.append(fixed)
                repairs.append(Repair(line[i:j + 1], fixed))
                warnings.append(f"mojibake: '{line[i:j + 1]}' repaired as '{fixed}' (GBK bytes "
                                f"shifted by one); the character before it lost a byte and is kept "
                                f"as it is, not guessed")
                last = j + 1
                break
    out.append(line[last:])
    line = "".join(out)
    return line, repairs, warnings + _remnant_warnings(line)


def _remnant_warnings(line: str) -> list[str]:
    return [f"mojibake: '{m.group()}' is what is left of characters whose bytes were lost; "
            f"kept as it is" for m in REMNANT_RE.finditer(line)]


@lru_cache(maxsize=1)
def _rare_re() -> re.Pattern:
    """A character that is evidence of damage: not common Han, CJK punctuation, Latin or general punctuation."""
    ok = "".join(sorted(common_han())) + REPAIRED_OK
    # Latin letters (pinyin tone marks) and general punctuation are never evidence
    return re.compile("[^\\x00-\\u024f\\u2000-\\u206f" + re.escape(ok) + "]")


def remnant_spans(line: str) -> list[tuple[int, int]]:
    """Spans of unrecoverable remnants, which later rules (punctuation) must leave alone."""
    return [m.span() for m in REMNANT_RE.finditer(line)]
