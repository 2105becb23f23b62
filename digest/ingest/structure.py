"""Recognising the parts of an article: title, subtitle, dateline, headings, byline, editor, date.

Input is the cleaned, non-blank lines of one article with their line numbers.
The rules only use the shape of a line and its place:

- the title is the first line; the subtitle is a short second line without
  sentence-final punctuation (and not a numbered heading);
- at the end, an editor line (``责任编辑：…``), a byline (a line made only of
  2-4-character names separated by spaces, or a parenthesised ``（记者 …）``
  standing alone or closing the last paragraph) and a line holding only a date
  move to the front matter;
- the dateline (``金山网讯``, ``新华社北京5月6日电（记者 …）``) is taken from
  the start of the first paragraph when a space or parenthesis separates it;
- section headings are short lines without sentence-final punctuation; a
  heading-like last line is a paragraph (nothing follows it to head).

Dates in body text are events, not publication dates, so only a date line or
a date inside the dateline sets ``date``.
"""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from ..article import Block
from ..chars import HAN_CLASS
from .paragraphs import heading_like, rejoin

H = f"[{HAN_CLASS}]"
EDITOR_RE = re.compile(r"^[（(]?(?:责任编辑|编辑|责编)\s*[：:]\s*(\S.{0,30}?)[）)]?$")
NAMES_RE = re.compile(f"^{H}{{2,4}}(?: {H}{{2,4}}){{1,7}}$")
PAREN_BYLINE_RE = re.compile(r"[（(]\s*(?:本报)?(?:记者|通讯员|见习记者|特约记者|文|图|摄影?|作者|撰稿)"
                             r"[^（）()\n]{0,60}[）)]$")
DATE_RE = re.compile(r"(\d{4})\s*(?:年|-|/|\.)\s*(\d{1,2})\s*(?:月|-|/|\.)\s*(\d{1,2})\s*日?")
DATE_LINE_RE = re.compile(r"^(?:(?:发布|发表|更新)?(?:时间|日期)\s*[：:]?\s*)?"
                          r"\d{4}\s*(?:年|-|/|\.)\s*\d{1,2}\s*(?:月|-|/|\.)\s*\d{1,2}\s*日?"
                          r"(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?$")
DATELINE_RE = re.compile(f"^((?:{H}|\\d){{0,16}}?(?:网讯|讯|电)(?:（[^（）]{{1,40}}）)?)(?: |(?<=）))")
NUMBERED_RE = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+[.、])")


@dataclass
class Structure:
    title: str
    subtitle: str | None = None
    dateline: str | None = None
    byline: str | None = None
    editor: str | None = None
    date: str | None = None
    blocks: list[Block] = field(default_factory=list)
    page_breaks: int = 0
    dropped: list[str] = field(default_factory=list)      # date lines: in front matter as `date`


def iso_date(text: str) -> str | None:
    m = DATE_RE.search(text)
    if not m:
        return None
    try:                                   # a real day of the calendar: not 2025-02-30
        return datetime.date(*(int(g) for g in m.groups())).isoformat()
    except ValueError:
        return None


def _tail_line(text: str) -> bool:
    """A line that _take_tail would move to the front matter (editor, date or byline)."""
    return bool(EDITOR_RE.match(text) or (DATE_LINE_RE.match(text) and iso_date(text))
                or NAMES_RE.match(text) or PAREN_BYLINE_RE.fullmatch(text))


def _take_tail(body: list[tuple[int, str]], s: Structure) -> None:
    """Pop editor, byline and date lines from the end of the body."""
    for _ in range(6):
        if not body:
            return
        text = body[-1][1]
        if len(body) < 2:                      # the only paragraph: only a trailing byline may go
            m = PAREN_BYLINE_RE.search(text)
            if s.byline is None and m and m.start() > 0:
                s.byline = m.group()
                body[-1] = (body[-1][0], text[: m.start()].rstrip())
            return
        m = EDITOR_RE.match(text)
        if m and s.editor is None:
            s.editor = m.group(1).strip()
            body.pop()
            continue
        if s.date is None and DATE_LINE_RE.match(text) and iso_date(text):
            s.date = iso_date(text)
            s.dropped.append(text)
            body.pop()
            continue
        if s.byline is None and (NAMES_RE.match(text) or PAREN_BYLINE_RE.fullmatch(text)):
            s.byline = text
            body.pop()
            continue
        if s.byline is None:
            m = PAREN_BYLINE_RE.search(text)
            if m and m.start() > 0:
                s.byline = m.group()
                body[-1] = (body[-1][0], text[: m.start()].rstrip())
                continue
        return


def recognise(lines: list[tuple[int, str]]) -> Structure:
    """``lines``: non-blank cleaned lines (line number, text); the first is the title."""
    (_, title), body = lines[0], list(lines[1:])
    s = Structure(title=title)
    if body and s.date is None and DATE_LINE_RE.match(body[0][1]) and iso_date(body[0][1]):
        s.date = iso_date(body[0][1])
        s.dropped.append(body.pop(0)[1])
    if len(body) >= 2 and heading_like(body[0][1]) and not NUMBERED_RE.match(body[0][1]) \
            and not all(_tail_line(text) for _, text in body[1:]):     # a subtitle needs a body below it
        s.subtitle = body.pop(0)[1]
    _take_tail(body, s)
    body, s.page_breaks = rejoin(body)
    if body:
        no, first = body[0]
        m = DATELINE_RE.match(first)
        if m and len(first) > m.end() and not heading_like(first):
            s.dateline = m.group(1)
            body[0] = (no, first[m.end():].lstrip())
            if s.date is None:
                s.date = iso_date(s.dateline)
    for i, (_, text) in enumerate(body):
        last = i == len(body) - 1
        s.blocks.append(Block("heading" if heading_like(text) and not last else "paragraph", text))
    return s
