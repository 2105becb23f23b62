"""Rejoining paragraphs that a page break split mid-sentence.

Scraped pages cut long paragraphs where the source paginated, leaving
``…主要领导担任`` + blank lines + ``支部副书记…``. A line is rejoined with the
next one when it does not end a sentence and either

- the next line starts with a character no paragraph starts with (``，``,
  ``。``, a closing quote…), or
- it is too long to be a heading (headings are short lines without
  sentence-final punctuation) and the next line is not heading-like either.

The fold runs until nothing changes, so that normalising its own output joins
nothing more (idempotence).
"""
from __future__ import annotations

from ..chars import SENTENCE_FINAL

HEADING_MAX = 32           # characters; section headings in news pages are short
NON_OPENING = "，。、；：！？）》」』”’…,.;:!?)%"


def ends_sentence(line: str) -> bool:
    return bool(line) and line[-1] in SENTENCE_FINAL


HEADING_NOT_END = "。！？；…!?;：:，,、"


def heading_like(line: str) -> bool:
    """Short, no sentence inside, not ending like a sentence (a closing quote may end a heading:
    ``下好融合发展“一盘棋”``)."""
    return (len(line) <= HEADING_MAX and bool(line) and line[-1] not in HEADING_NOT_END
            and not any(c in line for c in "。！？!?"))


def should_join(a: str, b: str) -> bool:
    if not a or not b or ends_sentence(a):
        return False
    if b[0] in NON_OPENING:
        return True
    return not heading_like(a) and not heading_like(b)


def join_text(a: str, b: str) -> str:
    """Chinese lines join without a space; two Latin words get one."""
    if a[-1].isascii() and a[-1].isalnum() and b[0].isascii() and b[0].isalnum():
        return a + " " + b
    return a + b


def rejoin(lines: list[tuple[int, str]]) -> tuple[list[tuple[int, str]], int]:
    """Fold broken lines together; return ((first line number, text) list, joins made)."""
    joins = 0
    while True:
        out: list[tuple[int, str]] = []
        changed = False
        for no, text in lines:
            if out and should_join(out[-1][1], text):
                out[-1] = (out[-1][0], join_text(out[-1][1], text))
                joins += 1
                changed = True
            else:
                out.append((no, text))
        lines = out
        if not changed:
            return lines, joins
