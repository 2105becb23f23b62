"""The search index: built here with the build's segmenter (:mod:`digest.segment`), read by themes/default/static/search.js.

It is a few JavaScript files (``static/search-index-<n>.js``, each adding its
documents to ``window.DIGEST_SEARCH_SHARDS``) loaded with ``<script src>`` tags,
so search works from ``file://`` where ``fetch`` does not. Articles go to shards
by a hash of their slug (:func:`digest.render.urls.search_shard_of`).

It holds, per document (one article in one language), its URL relative to the
site root, title and plain text (for substring matches and snippets), and its
jieba search-mode tokens (Chinese) or stemmed words (English) with their counts
(``k``), used for ranking. Each document's entry is made once and kept (memo
tables ``search`` and ``search-article``), so a shard is rebuilt by joining
strings. The stemmer must stay the same as search.js's.
"""
from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections import Counter
from functools import lru_cache

from . import memo
from ..chars import HAN_RE as _HAN
from ..segment import Segmenter

_ALNUM = re.compile(r"[a-z0-9]+")
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


@lru_cache(maxsize=65536)
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


def tokens_zh(text: str, seg: Segmenter) -> list[str]:
    """jieba search-mode tokens, normalised (NFKC, lower case, English stemmed); the text is
    segmented as written, so lines the keyword stage already segmented cost nothing."""
    out = []
    for t in seg.search_words(seg.cut(text)):
        t = _zh_token(t)
        if t is not None:
            out.append(t)
    return out


@lru_cache(maxsize=262144)
def _zh_token(word: str) -> str | None:
    """A segment as an index term: normalised; Chinese kept, English stemmed, the rest dropped
    (memoised: the same words recur across a site)."""
    t = normalise(word).strip()
    if not t:
        return None
    if _HAN.search(t):
        return t
    if _ALNUM.fullmatch(t):
        return stem(t)
    return None


def tokens_en(text: str) -> list[str]:
    return [stem(w) for w in _WORD.findall(normalise(text))]


def _doc_terms(lang: str, text: str, seg: Segmenter) -> dict[str, int]:
    counts = Counter(tokens_zh(text, seg) if lang == "zh" else tokens_en(text))
    return dict(sorted(counts.items()))


def _dumps(value) -> str:
    body = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return body.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def doc_entry(doc: dict, seg: Segmenter) -> str:
    """One document as JSON, with ``k``: its terms and their counts (what search.js ranks by)."""
    return _dumps({**doc, "k": _doc_terms(doc["l"], doc["t"] + "\n" + doc["x"], seg)})


def entry_key(doc: dict, seg: Segmenter) -> str:
    """The memo key of a document's entry: a hash of its fields and the segmenter's version."""
    return hashlib.sha256(_dumps([doc, seg.version if doc["l"] == "zh" else ""]).encode("utf-8")).hexdigest()


def entries(docs: list[dict], seg: Segmenter) -> list[str]:
    """Index entries of documents (u, l, t, d, x), memoised (memo table ``search``)."""
    return [memo.get("search", entry_key(d, seg), lambda d=d: doc_entry(d, seg)) for d in docs]


def index_js(entries: list[str]) -> bytes:
    """One shard of the index: its finished entries joined (a rebuild after one edit makes one
    article's entries and joins one shard's strings). The search page loads every shard with
    a script tag; each appends its documents to ``window.DIGEST_SEARCH_SHARDS``, and search.js
    reads each document's own term counts."""
    return ("/* digest search index: generated, do not edit */\n"
            "(window.DIGEST_SEARCH_SHARDS=window.DIGEST_SEARCH_SHARDS||[]).push({\"v\":2,\"docs\":["
            + ",".join(entries) + "]});\n").encode("utf-8")
