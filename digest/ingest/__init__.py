"""Ingest: raw scraped ``.txt`` bytes in, a clean :class:`~digest.article.Article` out.

One module per concern, applied in this order by :func:`normalise` (pure, no I/O):

1. ``decode``       bytes -> text (UTF-8, BOM, UTF-16 BOM, GB18030, Big5); binary refused
2. ``whitespace``   line endings, invisible characters (spaces are tidied at step 7)
3. ``mojibake``     GBK byte-misalignment repair where verifiable, warnings otherwise
4. ``annotations``  ``發(fā)`` -> ``發`` when ``fā`` is a reading of ``發``
5. ``script``       OpenCC t2s; ``original_script`` recorded
6. ``punctuation``  half-width -> full-width in Chinese text
7. ``whitespace``   stray spaces
8. ``structure``    title, subtitle, dateline, headings, byline, editor, date;
                    ``paragraphs`` rejoins page-break splits (then step 6 again on rejoined text)

Steps 3-4 run before 5 because their evidence (rare characters, a character's
readings) is about the characters as written. :func:`ingest_paths` (in
``files.py``) is the I/O edge: it reads sources and writes content files.

A source that is only a title (no body line after it) is refused with
``no body text after the title``: an article page without text is a scraping
failure, not an article.
"""
from __future__ import annotations

import re

from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..article import Article
from ..content import has_words
from ..errors import InputError
from .annotations import strip_annotations
from ..chars import han_count
from .decode import decode
from .language import model as language_model
from .mojibake import remnant_spans, repair_line, unrepaired_run
from .punctuation import fullwidth
from .script import detect_script, to_simplified
from .slug import slugify
from .structure import Structure, recognise
from .whitespace import clean_invisible, split_lines, tidy_spaces


@dataclass
class NormalResult:
    article: Article
    warnings: list[tuple[int | None, str]] = field(default_factory=list)
    encoding: str = "utf-8"
    han_delta: int = 0              # Han characters added (+) or removed (-) by mojibake repairs
    dropped: list[str] = field(default_factory=list)   # lines moved to front matter as `date`


# a line made only of rule characters (a scraped horizontal rule or separator)
DECORATION = re.compile(r"[-=_*~#+|.·•─━═—\s]{3,}")


def _punctuate(line: str) -> tuple[str, int]:
    """Full-width punctuation and tidy spaces, repeated until stable: dropping a space can
    put a half-width mark next to Chinese (``，\t,``), and normalising must be idempotent."""
    source, total = line, 0
    while True:
        line, n = fullwidth(line, remnant_spans(line))
        tidied = tidy_spaces(line)
        total += n
        if n == 0 and tidied == line:
            break
        line = tidied
    if total and repair_line(line)[1]:
        # a full-width mark would make an unrepaired damaged run look repairable (``犂;_``
        # -> ``犂；_``), and a second ingest would then "repair" it: leave the marks as they were
        return tidy_spaces(source), 0
    return line, total


def _recognise_punctuated(numbered: list[tuple[int, str]], repairs: Counter[str]) -> Structure:
    s = recognise(numbered)
    repairs["page_breaks"] += s.page_breaks
    if s.page_breaks:
        # a rejoined line can put a half-width mark (a lone "," line) next to Chinese text
        for i, b in enumerate(s.blocks):
            text, n = _punctuate(b.text)
            if n:
                s.blocks[i] = replace(b, text=text)
                repairs["punctuation"] += n
    return s


def _recognise_stable(numbered: list[tuple[int, str]], repairs: Counter[str]) -> Structure:
    """Recognise the structure, then recognise the result again until nothing moves.

    A rejoined page break can make a line that reads as an editor or byline line, or
    a subtitle can turn out to have no body below it; recognising the recognised
    text again settles such cases, so ingesting normalised text changes nothing.
    """
    s = _recognise_punctuated(numbered, repairs)
    for _ in range(3):
        lines = _structure_lines(s.title, s.subtitle, s.dateline, s.blocks, s.byline, s.editor)
        if not s.blocks or len(lines) < 2:
            break
        again = _recognise_punctuated(list(enumerate(lines, 1)), Counter())
        if not again.blocks or _parts(again) == _parts(s):
            break
        again.date = again.date or s.date
        again.dropped = s.dropped + again.dropped
        again.page_breaks += s.page_breaks
        s = again
    return s


def _parts(s: Structure) -> tuple:
    return (s.title, s.subtitle, s.dateline, s.byline, s.editor, s.blocks)


def _structure_lines(title, subtitle, dateline, blocks, byline, editor) -> list[str]:
    """The parts of an article as the lines of a raw source, in the order ingest reads them."""
    parts = [title] + ([subtitle] if subtitle else [])
    for i, b in enumerate(blocks):
        parts.append(f"{dateline} {b.text}" if i == 0 and dateline else b.text)
    if byline:
        parts.append(byline)
    if editor:
        parts.append(f"责任编辑：{editor}")
    return parts


def normalise(raw: bytes, name: str, cache_dir: Path | None = None) -> NormalResult:
    """Normalise one source; raise InputError when it cannot be an article. ``cache_dir``: where
    the mojibake check's language model keeps its tables (the Settings' cache folder)."""
    language_model(cache_dir)
    text, encoding = decode(raw, name)
    lines = [clean_invisible(line) for line in split_lines(text)]
    repairs: Counter[str] = Counter()
    warnings: list[tuple[int | None, str]] = []
    han_delta = 0
    unrepaired: list[tuple[int, str]] = []
    for i, line in enumerate(lines):
        line, fixed, msgs = repair_line(line)
        repairs["mojibake"] += len(fixed)
        han_delta += sum(han_count(r.repaired) - han_count(r.damaged) for r in fixed)
        warnings.extend((i + 1, m) for m in msgs)
        unrepaired.extend((i + 1, run) for run in map(unrepaired_run, msgs) if run)
        line, n = strip_annotations(line)
        repairs["pinyin_annotations"] += n
        lines[i] = line
    original = "\n".join(lines)
    converted = to_simplified(original)
    script = detect_script(original, converted)
    out_lines = converted.split("\n")
    if len(out_lines) != len(lines):            # never expected: OpenCC keeps line breaks
        out_lines = [to_simplified(line) for line in lines]
    numbered: list[tuple[int, str]] = []
    for i, line in enumerate(out_lines):
        line, n = _punctuate(line)
        repairs["punctuation"] += n
        if line and DECORATION.fullmatch(line):
            repairs["separator_lines"] += 1      # ----, ****, ====: page furniture, not text
            continue
        if line:
            numbered.append((i + 1, line))
    if not numbered:
        raise InputError("no text: the file holds only whitespace", name, None)
    if len(numbered) == 1:
        raise InputError("no body text after the title", name, numbered[0][0])
    if not has_words(numbered[0][1]):
        raise InputError(f"the title {numbered[0][1][:40]!r} has no words, only punctuation or symbols",
                         name, numbered[0][0])
    s = _recognise_stable(numbered, repairs)
    if not s.blocks:
        raise InputError("no body text after the title", name, numbered[0][0])
    article = Article(
        slug=slugify(s.title), title=s.title, blocks=s.blocks, subtitle=s.subtitle,
        dateline=s.dateline, byline=s.byline, editor=s.editor, date=s.date,
        original_script=script, repairs={k: v for k, v in repairs.items() if v}, unrepaired=unrepaired,
    )
    return NormalResult(article, warnings, encoding, han_delta, s.dropped)


def article_to_text(article: Article) -> str:
    """An article back as raw text, in the shape ingest reads (for round trips and tests)."""
    parts = _structure_lines(article.title, article.subtitle, article.dateline, article.blocks,
                             article.byline, article.editor)
    if article.date:
        parts.append(article.date)
    return "\n\n".join(parts) + "\n"


def describe(result: NormalResult) -> str:
    """What was repaired, for the one line ingest prints per file."""
    a = result.article
    r = a.repairs
    parts = []
    if a.original_script == "traditional":
        parts.append("traditional→simplified")
    if result.encoding not in ("utf-8",):
        parts.append(f"decoded from {result.encoding}")
    for key, one, many in (("pinyin_annotations", "pinyin annotation", "pinyin annotations"),
                           ("mojibake", "mojibake repair", "mojibake repairs"),
                           ("page_breaks", "page break rejoined", "page breaks rejoined"),
                           ("punctuation", "punctuation mark made full-width",
                            "punctuation marks made full-width")):
        n = r.get(key, 0)
        if n:
            parts.append(f"{n} {one if n == 1 else many}")
    return ", ".join(parts) if parts else "clean"


from .files import IngestResult, ingest_paths  # noqa: E402  (the I/O edge, after the pure core)

__all__ = ["normalise", "NormalResult", "article_to_text", "describe", "ingest_paths", "IngestResult"]
