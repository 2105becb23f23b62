"""Pinyin annotation removal: ``發(fā)`` becomes ``發``.

Scraped pages sometimes carry ruby text flattened into the line: a Han
character followed by its own tone-marked reading in parentheses. Only that
exact shape is removed, and only when the reading really is one of the
character's readings (pypinyin, heteronyms included): ``(諫壁街道)``,
``(GDP)``, ``Porter(1990)``, ``(+1)305`` and ``(英語:Shanghai)`` are text, not
annotations. pypinyin knows both traditional and simplified characters, so the
rule runs before script conversion, on the characters as they were written.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pypinyin import Style, pinyin

from ..chars import HAN_CLASS

TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
PINYIN_LETTERS = "a-zA-Züv" + TONED + TONED.upper() + "ÜV"
# Han char, "(", 1-7 pinyin letters, ")", with at most two stray spaces at each joint
# (``發 ( fā )``, which space tidying would otherwise turn into a new annotation):
# a bounded pattern, linear on any line
SP = "[ \t\u3000]{0,2}"
ONE = f"{SP}[(（]{SP}[{PINYIN_LETTERS}]{{1,7}}{SP}[)）]"
ANNOTATION_RE = re.compile(f"([{HAN_CLASS}])((?:{ONE})+)")
ONE_RE = re.compile(f"{SP}[(（]{SP}([{PINYIN_LETTERS}]{{1,7}}){SP}[)）]")


def _fold(syllable: str) -> str:
    s = unicodedata.normalize("NFC", syllable.lower()).replace("v", "ü")
    return s.replace("u:", "ü")


@lru_cache(maxsize=8192)
def readings(ch: str) -> frozenset[str]:
    """Tone-marked readings of one character, folded for comparison."""
    try:
        found = pinyin(ch, heteronym=True, style=Style.TONE)[0]
    except Exception:          # pypinyin never should, but a reading lookup must not crash ingest
        return frozenset()
    return frozenset(_fold(r) for r in found if r != ch)


def is_annotation(ch: str, syllable: str) -> bool:
    return _fold(syllable) in readings(ch)


def strip_annotations(line: str) -> tuple[str, int]:
    """Remove verified annotations; return (line, how many were removed)."""
    count = 0

    def repl(m: re.Match) -> str:
        """Strip leading annotations of the character (a repeated ``(fā)(fā)`` too)."""
        nonlocal count
        ch, rest = m.group(1), m.group(2)
        pos = 0
        for a in ONE_RE.finditer(rest):
            if not is_annotation(ch, a.group(1)):
                break
            count += 1
            pos = a.end()
        return ch + rest[pos:]

    if "(" not in line and "（" not in line:
        return line, 0
    return ANNOTATION_RE.sub(repl, line), count
