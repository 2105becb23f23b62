"""The search index: built here with jieba, read by themes/default/static/search.js.

It is a JavaScript file (``window.DIGEST_SEARCH = {...}``) loaded with a
``<script src>`` tag, so search works from ``file://`` where ``fetch`` does not.
It holds, per document (one article in one language), its URL relative to the
site root, title and plain text (for substring matches and snippets), and an
inverted index of jieba search-mode tokens (Chinese) and stemmed words (English)
with their counts, used for ranking. The stemmer must stay the same as search.js's.
"""
from __future__ import annotations

import json
import logging
import re
import unicodedata
from collections import Counter

from . import memo
from ..keywords import terms_version

_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def stem(word: str) -> str:
    """A tiny English stemmer (plurals, -ing, -ed); the same rules as ``stem`` in search.js."""
    w = word.lower()
    if w.endswith("'s"):
        w = w[:-2]
    if len(w) > 4 and w.endswith("ies"):
        w = w[:-3] + "y"
    elif w.endswith("sses"):
        w = w[:-2]
    elif len(w) > 3 and re.search(r"(s|x|z|ch|sh)es$", w):
        w = w[:-2]
    elif len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    if len(w) > 5 and w.endswith("ing"):
        w = w[:-3]
    elif len(w) > 4 and w.endswith("ed"):
        w = w[:-2]
    return w


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def tokens_zh(text: str) -> list[str]:
    from ..keywords import segmenter
    jieba = segmenter()
    out = []
    for t in jieba.cut_for_search(normalise(text)):
        t = t.strip()
        if _HAN.search(t) or re.fullmatch(r"[a-z0-9]+", t):
            out.append(stem(t) if not _HAN.search(t) else t)
    return out


def tokens_en(text: str) -> list[str]:
    return [stem(w) for w in _WORD.findall(normalise(text))]


def _doc_terms(lang: str, text: str) -> tuple:
    counts = Counter(tokens_zh(text) if lang == "zh" else tokens_en(text))
    return tuple(sorted(counts.items()))


def build_index(docs: list[dict]) -> dict:
    """docs: dicts with u (URL from the site root), l (zh|en), t (title), x (plain text).

    Each document's (term, count) pairs are memoised by its text, so a rebuild only merges."""
    terms: dict[str, list] = {}
    version = terms_version()
    for i, d in enumerate(docs):
        text = d["t"] + "\n" + d["x"]
        pairs = memo.get("tokens", (d["l"], text, version if d["l"] == "zh" else ""),
                         lambda: _doc_terms(d["l"], text))
        for term, n in pairs:
            posting = terms.get(term)
            if posting is None:
                terms[term] = [[i, n]]
            else:
                posting.append([i, n])
    return {"v": 1, "docs": docs, "terms": dict(sorted(terms.items()))}


def index_js(index: dict) -> bytes:
    body = json.dumps(index, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    body = body.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return ("/* digest search index: generated, do not edit */\nwindow.DIGEST_SEARCH=" + body + ";\n").encode("utf-8")
