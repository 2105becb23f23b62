"""Sentence pairs for the side-by-side view: each Chinese sentence with its English.

A block is shown as sentence pairs only when the pairing can be verified; otherwise it keeps
the paragraph pairing (the view without script is the same either way: the spans change no
layout). Machine blocks: the translate stage keeps the English of each Chinese sentence
(``Translation.sentences``), and they are used when they join up to the block's English.
Human blocks: the English is split at sentence ends and paired one to one when it has as many
sentences as the Chinese. Blocks with inline Markdown (a link, emphasis) are not split: a
sentence end inside a link would break it.
"""
from __future__ import annotations

import html
import re

from markupsafe import Markup

from ..translate.sentences import join_english, split_sentences
from .environment import escape_text
from .markdown import inline_html

# an English sentence ends at . ! ? (and closing quotes or brackets), before a space and a
# capital, a digit or an opening quote: "Mr. Li" gives one pair too many and is not paired
_EN_END = re.compile(r"(?<=[.!?])[\"”’')\]]*\s+(?=[\"“‘(]?[A-Z0-9])")


def split_english(text: str) -> list[str]:
    parts = []
    start = 0
    for m in _EN_END.finditer(text):
        end = m.start() + len(m.group(0).rstrip())
        parts.append(text[start:end].strip())
        start = m.end()
    parts.append(text[start:].strip())
    return [p for p in parts if p]


def _plain(text: str) -> bool:
    """True when the text's HTML is the text, escaped: no inline Markdown to keep whole."""
    return html.unescape(str(inline_html(text))) == text


def sentence_pairs(zh: str, en: str | None, en_sentences: list[str] | None) -> list[tuple[str, str]] | None:
    """(Chinese, English) per sentence of one block, or None when they cannot be paired."""
    if en is None or not _plain(zh) or not _plain(en):
        return None
    zs = split_sentences(zh)
    if len(zs) < 2:
        return None                               # one sentence: the paragraph pair says it all
    if en_sentences is not None:
        es = [s.strip() for s in en_sentences]
        if len(es) != len(zs) or not all(es) or join_english(es) != " ".join(en.split()):
            return None
    else:
        es = split_english(en)
        if len(es) != len(zs):
            return None
    return list(zip(zs, es))


def spans(row_id: str, sentences: list[str], sep: str) -> Markup:
    """The sentences as ``<span class="s" data-s="p3-2">``, joined by ``sep``."""
    # (what Markup.format makes, each value escaped, without its string.Formatter: 3x faster;
    # escaped as text, without a Markup made of each value)
    rid = escape_text(row_id)
    return Markup(sep.join(f'<span class="s" data-s="{rid}-{n}">{escape_text(s)}</span>'
                           for n, s in enumerate(sentences, 1)))
