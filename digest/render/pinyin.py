"""Pinyin readings for learners: one small script file per article, loaded on demand.

The Chinese and side-by-side pages carry a switch (``site.js``); switched on, it adds
``<script src="<slug>.pinyin.js">`` to the page, which hands the readings to the page's
script, and that puts them over the characters as ``<ruby>``. A page without the switch on
costs nothing but the switch.

Readings are by word: the text is segmented as everywhere else in the project
(the build's :class:`digest.segment.Segmenter`, jieba's words with the glossary's terms), and each word goes to
pypinyin whole, so its phrase dictionary resolves heteronyms (银行 yín háng, 行走 xíng zǒu).
Names take no ruby (jieba's person-name tags, and words of two to four characters its
dictionary does not know: what its HMM found is nearly always a name, though a new word such
as 颜值 is skipped too), and numbers take none (words of numerals, and numeral-tagged words
with a numeral in them: 三千, 第一; 年 alone keeps its ruby).

The data: ``{"id": [[text, "rea dings"], ...], ...}`` where ``id`` is a block's anchor
(``p3``, a heading's id) or ``title`` / ``subtitle``, and the pairs are the block's words in
order, with one syllable per character of ``text``.
"""
from __future__ import annotations

import functools
import json
import re

from ..article import Article
from ..chars import HAN_RUN_RE as _HAN_RUN
from ..segment import Segmenter
from .pinyin_table import ReadingsTable, run_reading, table_in

_NUMERALS = frozenset("零〇一二三四五六七八九十百千万亿两壹贰叁肆伍陆柒捌玖拾佰仟第几半")
_DIGITS = re.compile(r"[0-9０-９%％]")
NAME_TAGS = frozenset(("nr", "nrfg", "nrt"))
NUMBER_TAGS = frozenset(("m", "mq"))


def plain(text: str) -> str:
    """The text of a block as the page shows it (inline Markdown rendered, tags dropped)."""
    from .markdown import plain_text
    return plain_text(text)


def skip_word(word: str, tag: str | None, known: bool, after_number: bool = False) -> bool:
    """No ruby for names (tagged so, or unknown to the dictionary) and numbers (with the unit
    or date word right after a number: 11月, 18个, 3点半)."""
    if all(ch in _NUMERALS for ch in word):
        return True
    if after_number and (tag in NUMBER_TAGS or tag == "q" or not known):
        return True
    if tag in NUMBER_TAGS and any(ch in _NUMERALS for ch in word):
        return True
    if tag in NAME_TAGS:
        return True
    return not known and 2 <= len(word) <= 4


def word_readings(words, reading=None) -> list[list[str]]:
    """[[Han text, "syllable per character"], ...] for the words that take ruby; ``words`` are
    (word, dictionary tag or None, whether the dictionary knows it), as the segmenter gives;
    ``reading`` gives a run's reading (default: pypinyin's, :func:`run_reading`)."""
    out: list[list[str]] = []
    after_number = False
    memo = _READINGS
    reading = reading or run_reading
    for w in words:
        key = (w, after_number)
        found = memo.get(key)
        if found is None:
            if len(memo) > 200_000:
                memo.clear()
            word, tag, known = w
            found = memo[key] = (word_pairs(word, tag, known, after_number, reading), ends_number(word))
        pairs, after_number = found
        if pairs:
            out += map(list, pairs)
    return out


# (word, tag, known), after a number -> (its pairs, whether it ends a number): words repeat.
# A run's reading is pypinyin's whether pypinyin or the readings table (which holds what
# pypinyin gave) answers, so the memo is the same whichever did.
_READINGS: dict = {}


@functools.lru_cache(maxsize=200_000)
def ends_number(word: str) -> bool:
    """Whether the word after ``word`` follows a number (``word`` ends in a digit or is all
    numerals)."""
    return bool(_DIGITS.search(word[-1:]) or word and all(c in _NUMERALS for c in word))


def word_pairs(word: str, tag: str | None, known: bool, after_number: bool,
               reading=run_reading) -> tuple[tuple[str, str], ...]:
    """One word's ((Han run, reading), ...): none for a word without Han characters or one that
    takes no ruby; ``reading`` gives a run's reading (pypinyin's)."""
    if not _HAN_RUN.search(word) or skip_word(word, tag, known, after_number):
        return ()
    return tuple((run, syl) for run in _HAN_RUN.findall(word) if (syl := reading(run)) is not None)


def article_readings(a: Article, anchors: dict[int, str], seg: Segmenter,
                     table: ReadingsTable | None | bool = True) -> dict[str, list[list[str]]]:
    """Every block's readings (and the title's and subtitle's), keyed by the element's id.
    ``table``: where pypinyin's answers are kept (True: the readings table of the segmenter's
    cache folder, none without one; None or False: pypinyin alone). The same either way."""
    texts = {"title": plain(a.title)}
    if a.subtitle:
        texts["subtitle"] = plain(a.subtitle)
    for i, b in enumerate(a.blocks):
        texts[anchors.get(i, f"p{i + 1}")] = plain(b.text)
    tagged = [(key, seg.tagged(text.replace("\n", " "))) for key, text in texts.items()]
    if table is True:
        table = table_in(seg.cache_dir) if seg.cache_dir is not None else None
    if not table:
        return {key: word_readings(words) for key, words in tagged}
    if table.reads_per_run():     # the article's runs in one query (names' too: a lookup is cheap)
        table.prefetch(run for word in {w[0] for _, words in tagged for w in words} for run in _HAN_RUN.findall(word))
    out = {key: word_readings(words, table.reading) for key, words in tagged}
    table.save()
    return out


def article_script(a: Article, seg: Segmenter) -> bytes:
    """An article's ``<slug>.pinyin.js``."""
    from .pages import _heading_ids
    return pinyin_js(article_readings(a, _heading_ids(a), seg))


def pinyin_js(readings: dict[str, list[list[str]]]) -> bytes:
    """The script file: it hands the readings to site.js (which is loaded before it)."""
    data = json.dumps(readings, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return f"window.digestPinyin&&window.digestPinyin({data});\n".encode("utf-8")
