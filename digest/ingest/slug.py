"""Slugs: readable ASCII from the title's pinyin, stable across re-ingests.

``京口 扛起主城新使命`` becomes ``jing-kou-kang-qi-zhu-cheng-xin-shi-ming``:
lowercase a-z, 0-9 and hyphens, at most 60 characters, cut at a hyphen and
never inside a word, never empty (``article-<hash8>`` when the title has no
letters, digits or Han). Which slug a source keeps, and ``-2``/``-3`` for
collisions, is decided where the content folder is known (``files.py``).
"""
from __future__ import annotations

import hashlib
import re
import unicodedata

from pypinyin import lazy_pinyin

MAX_LEN = 60


def _ascii_words(piece: str) -> list[str]:
    folded = unicodedata.normalize("NFKD", piece).encode("ascii", "ignore").decode("ascii").lower()
    return re.findall(r"[a-z0-9]+", folded)


def slugify(title: str) -> str:
    words: list[str] = []
    for piece in lazy_pinyin(title, errors=lambda s: [s]):
        words.extend(_ascii_words(piece))
    slug = ""
    for w in words:
        candidate = f"{slug}-{w}" if slug else w
        if len(candidate) > MAX_LEN:
            if not slug:
                slug = w[:MAX_LEN]
            break
        slug = candidate
    return slug or "article-" + hashlib.sha256(title.encode("utf-8")).hexdigest()[:8]


def numbered(slug: str, n: int) -> str:
    """``slug-n``, still within MAX_LEN (the base is cut at a hyphen when needed)."""
    suffix = f"-{n}"
    base = slug
    while len(base) + len(suffix) > MAX_LEN and "-" in base:
        base = base.rsplit("-", 1)[0]
    return (base[: MAX_LEN - len(suffix)]) + suffix
