"""Keywords: 5 to 8 per article, from jieba's TF-IDF with a stopword list.

Nouns, places, organisations and names are preferred (part-of-speech filter);
when an article is too short for five of those, other content words fill up.
Deterministic: same article, same keywords, same order.
"""
from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .article import Article
from .settings import default_cache_dir

STOPWORDS_PATH = Path(__file__).parent / "data" / "stopwords.txt"
PREFERRED_POS = ("ns", "nt", "nz", "nr", "n", "vn", "nrt", "j", "l", "eng")
_lock = threading.Lock()
_HAN = re.compile(r"[\u3400-\u9fff]")


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    words = set()
    for line in STOPWORDS_PATH.read_text(encoding="utf-8").splitlines():
        words.update(line.split("#", 1)[0].split())
    return frozenset(words)


@dataclass
class _Idf:
    idf_freq: dict
    median_idf: float
    stop_words: frozenset


@lru_cache(maxsize=1)
def _tfidf() -> _Idf:
    """jieba's IDF table, read once and kept as a marshal file in the cache: parsing jieba's
    350,000-line idf.txt (what ``import jieba.analyse`` does) takes 1 s, loading the cache 0.1 s."""
    import marshal
    import os

    import jieba
    src = Path(jieba.__file__).parent / "analyse" / "idf.txt"
    st = src.stat()
    cache = default_cache_dir() / f"jieba-idf-{st.st_size}-{int(st.st_mtime)}.marshal"
    table = None
    try:
        with open(cache, "rb") as f:
            table = marshal.load(f)
    except (OSError, EOFError, ValueError, TypeError):
        pass
    if not isinstance(table, dict):
        table = {}
        for line in src.read_text(encoding="utf-8").splitlines():
            word, _, freq = line.strip().partition(" ")
            if freq:
                table[word] = float(freq)
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            tmp = cache.with_suffix(f".{os.getpid()}.tmp")
            with open(tmp, "wb") as f:
                marshal.dump(table, f)
            os.replace(tmp, cache)
        except OSError:
            pass                  # no cache: slower, not wrong
    median = sorted(table.values())[len(table) // 2] if table else 0.0
    return _Idf(table, median, frozenset(stopwords()) | _JIEBA_STOP)


# jieba.analyse's own English stop words, which its TF-IDF always applies
_JIEBA_STOP = frozenset(("the of is and to in that we for an are by be as on with can if from which "
                         "you it this then at have all not one has or").split())


def _ok(word: str) -> bool:
    w = word.strip()
    return (len(w) >= 2 and w not in stopwords() and not w.isdigit()
            and bool(_HAN.search(w) or re.fullmatch(r"[A-Za-z][A-Za-z0-9]{2,}", w))
            and not re.search(r"\d", w))


_terms: dict[str, None] = {}
_added: set[str] = set()


def set_terms(terms) -> None:
    """The glossary's terms, for the segmenter to know (京口经开区 is one word, not 经 + 开区).
    Cheap: they are given to jieba only when text is actually segmented."""
    _terms.clear()
    _terms.update(dict.fromkeys(t for t in terms if _HAN.search(t)))


def terms_version() -> str:
    """Identifies the segmenter's extra words: part of every cached segmentation's key."""
    return "|".join(sorted(_terms))


def segmenter():
    """jieba, with the glossary's terms added (every stage segments through this)."""
    import jieba
    jieba.setLogLevel(logging.WARNING)
    for t in _terms:
        if t not in _added:
            jieba.add_word(t, tag="nz")
            _added.add(t)
    return jieba


@lru_cache(maxsize=1)
def _tags() -> dict:
    """jieba's dictionary word -> part of speech (loading posseg's table once)."""
    import jieba.posseg
    return jieba.posseg.dt.word_tag_tab


def _ranked(words: list[str], allow: tuple[str, ...] | None) -> list[str]:
    """TF-IDF over one segmentation, as jieba.analyse.extract_tags does, but with the part of
    speech looked up in the dictionary instead of a second (HMM tagging) pass over the text:
    8 times faster, with 94% of the same keywords on 100 news articles. Words of three or more
    characters the dictionary does not know (names the HMM found) count as proper nouns. Ties are broken by the word, so the order is deterministic."""
    t = _tfidf()
    tags = _tags()
    freq: dict[str, int] = {}
    for w in words:
        w = w.strip()
        if len(w) < 2 or w.lower() in t.stop_words:
            continue
        if allow is not None:
            # unknown to the dictionary: a name the HMM found (3+ characters), or a fragment
            tag = tags.get(w) or ("eng" if w.isascii() else ("nz" if len(w) >= 3 else "x"))
            if tag not in allow:
                continue
        freq[w] = freq.get(w, 0) + 1
    total = sum(freq.values()) or 1
    idf, median = t.idf_freq, t.median_idf
    scored = sorted(freq, key=lambda w: (-freq[w] * idf.get(w, median) / total, w))
    return scored


def extract_keywords(article: Article, k: int = 8) -> list[str]:
    """Up to ``k`` (at most 8, at least 5 when the text has them) keywords, best first."""
    jieba = segmenter()
    k = max(5, min(k, 8))
    parts = [article.title, article.title, article.subtitle or ""]
    parts += [b.text for b in article.blocks]
    text = "\n".join(parts)
    with _lock:
        _tfidf()
        words = jieba.lcut(text)
        preferred = [w for w in _ranked(words, PREFERRED_POS)[: k * 3] if _ok(w)]
        out = preferred[:k]
        if len(out) < 5:
            for w in _ranked(words, None)[: k * 4]:
                if _ok(w) and w not in out:
                    out.append(w)
                if len(out) >= 5:
                    break
    return out[:k]
