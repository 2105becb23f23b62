"""Keywords: 5 to 8 per article, from jieba's TF-IDF with a stopword list.

Nouns, places, organisations and names are preferred (part-of-speech filter);
when an article is too short for five of those, other content words fill up.
Deterministic: same article, same keywords, same order.
"""
from __future__ import annotations

import logging
import re
import threading
from functools import lru_cache
from pathlib import Path

from .article import Article

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


@lru_cache(maxsize=1)
def _tfidf():
    import jieba
    import jieba.analyse
    jieba.setLogLevel(logging.WARNING)
    t = jieba.analyse.default_tfidf      # the one jieba.analyse already loaded (its idf file: 0.5 s)
    t.stop_words = set(t.stop_words) | set(stopwords())
    return t


def _ok(word: str) -> bool:
    w = word.strip()
    return (len(w) >= 2 and w not in stopwords() and not w.isdigit()
            and bool(_HAN.search(w) or re.fullmatch(r"[A-Za-z][A-Za-z0-9]{2,}", w))
            and not re.search(r"\d", w))


def extract_keywords(article: Article, k: int = 8) -> list[str]:
    """Up to ``k`` (at most 8, at least 5 when the text has them) keywords, best first."""
    k = max(5, min(k, 8))
    parts = [article.title, article.title, article.subtitle or ""]
    parts += [b.text for b in article.blocks]
    text = "\n".join(parts)
    with _lock:
        t = _tfidf()
        preferred = [w for w in t.extract_tags(text, topK=k * 3, allowPOS=PREFERRED_POS) if _ok(w)]
        out = preferred[:k]
        if len(out) < 5:
            for w in t.extract_tags(text, topK=k * 4):
                if _ok(w) and w not in out:
                    out.append(w)
                if len(out) >= 5:
                    break
    return out[:k]
