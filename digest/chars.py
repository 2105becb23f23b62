"""Character classes shared by every stage: Han, common Han, CJK punctuation.

A leaf module (it imports nothing from the package), so ingest, keywords, translation and
render all read the same definition of "a Han character": the CJK Unified Ideographs with
Extension A, the compatibility ideographs, and the supplementary planes (Extensions B-G,
U+20000-U+3134F, where newer simplified forms such as 𫫇 live). U+4DC0-U+4DFF (the Yijing
hexagram symbols, between Extension A and the main block) is not Han.

"Common" means a character a news text uses every day: GB2312 level 1 (the
3755 most frequent simplified characters) or Big5 level 1 (the 5401
frequently used traditional characters). The set is built from the codecs
themselves, so no data file is needed. The decoder's plausibility score (GB18030
or Big5?) relies on it; the mojibake rule does not (a set like this misses
ordinary characters of either script, such as 羣 or 「」, and is no language
signal): it uses the character bigram model of :mod:`digest.ingest.language`.
"""
from __future__ import annotations

import re
from functools import lru_cache

HAN_CLASS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
HAN_RE = re.compile(f"[{HAN_CLASS}]")                 # one Han character (search, findall)
HAN_RUN_RE = re.compile(f"[{HAN_CLASS}]+")            # a run of Han characters
HAN_WORD_RE = re.compile(rf"\A[{HAN_CLASS}]+\Z")     # a string of Han only (match = fullmatch)
# full-width / CJK punctuation and the curly quotes Chinese text uses
CJK_PUNCT = "\u3000-\u303f\uff00-\uffef\u2018\u2019\u201c\u201d\u2014\u2026\u00b7"
SENTENCE_FINAL = "。！？；…”」』）!?;：:"


def is_han(ch: str) -> bool:
    return bool(HAN_RE.match(ch))


def han_count(text: str) -> int:
    return len(HAN_RE.findall(text))


def is_cjk(ch: str) -> bool:
    """Han or CJK punctuation: the characters that make a neighbour 'Chinese text'."""
    return is_han(ch) or bool(re.match(f"[{CJK_PUNCT}]", ch))


@lru_cache(maxsize=1)
def common_han() -> frozenset[str]:
    chars: set[str] = set()
    for lead in range(0xB0, 0xD8):              # GB2312 level 1: rows 16-55
        for trail in range(0xA1, 0xFF):
            try:
                chars.add(bytes((lead, trail)).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    trails = list(range(0x40, 0x7F)) + list(range(0xA1, 0xFF))
    for lead in range(0xA4, 0xC7):              # Big5 level 1: A440-C67E
        for trail in trails:
            if lead == 0xC6 and trail > 0x7E:
                break
            try:
                chars.add(bytes((lead, trail)).decode("big5"))
            except UnicodeDecodeError:
                pass
    return frozenset(c for c in chars if is_han(c))


def is_common_han(ch: str) -> bool:
    return ch in common_han()
