"""Every output path and every URL of the site, in one place.

Output paths are POSIX paths relative to the output folder: one file per page
(``zh/<slug>.html``, ``zh/keywords/<k>.html``; page n of a list ``zh/page/<n>.html``,
of a keyword ``zh/keywords/<k>.<n>.html``), ``index.html`` for the home page and
the section indexes. A file per page, not a folder per page: half the files
to create, which is most of a clean build's system time. Links between pages are
always relative (``../en/<slug>.html``), naming ``index.html`` explicitly, so
that the site works from ``file://`` as well as from a web server's root or any
sub-path. Absolute URLs exist only for feeds, the sitemap
and canonical links, and only when a base URL is given.

Whatever a slug or keyword says, a path made here stays inside the output folder:
:func:`safe_rel` (digest/publish.py) asserts it.
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
import re
import unicodedata

from ..publish import safe_rel  # noqa: F401  (the one check; urls.safe_rel for the render stage)

LANGS = ("zh", "en")
EPUB = "digest.epub"                      # the whole digest as one e-book (render/epub.py)
HTML_LANG = {"zh": "zh-Hans", "en": "en"}

_SAFE = re.compile(r"[^a-z0-9]+")


def ascii_slug(text: str, max_len: int = 60) -> str:
    """A lower-case ``[a-z0-9-]`` slug; a short hash when nothing ASCII is left."""
    s = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    s = _SAFE.sub("-", s).strip("-")[:max_len].strip("-")
    if not s:
        s = "x-" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    return s


RESERVED = frozenset({"index", "search"})   # names the site itself uses beside pages


def _unreserved(slug: str, source: str) -> str:
    if slug in RESERVED:
        return f"{slug}-{hashlib.sha256(source.encode('utf-8', 'surrogatepass')).hexdigest()[:6]}"
    return slug


_PLAIN_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,99}")


@lru_cache(maxsize=None)
def article_slug(slug: str) -> str:
    """The slug as used in paths: kept when already safe (and not a name the site uses, such as
    ``index``), made safe otherwise."""
    if _PLAIN_SLUG.fullmatch(slug or ""):
        return _unreserved(slug, "article:" + slug)
    return _unreserved(ascii_slug(slug or "untitled"), "article:" + (slug or ""))


def pinyin_js(slug: str) -> str:
    """The readings of an article's Chinese, loaded by its pages only when pinyin is switched on."""
    return f"zh/{article_slug(slug)}.pinyin.js"


def keyword_slug(keyword: str) -> str:
    """Pinyin for Chinese keywords, ASCII-folded for the rest: ``数字经济`` -> ``shu-zi-jing-ji``.
    Memoised across builds (importing pypinyin alone takes 0.3-0.6 s)."""
    from . import memo

    def compute() -> str:
        from pypinyin import lazy_pinyin
        return ascii_slug("-".join(lazy_pinyin(keyword, errors=lambda s: [s])), max_len=80)
    return memo.get("kwslug", keyword, compute)


def keyword_slugs(keywords) -> dict[str, str]:
    """Slugs for a set of keywords, unique (collisions get a short hash), stable."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for kw in sorted(set(keywords)):
        s = _unreserved(keyword_slug(kw), "keyword:" + kw)
        if s in used:
            s = f"{s}-{hashlib.sha256(kw.encode('utf-8', 'surrogatepass')).hexdigest()[:6]}"
        used.add(s)
        out[kw] = s
    return out


# ------------------------------------------------------------------ output paths

def home(page: int = 1) -> str:
    """The home page; its page ``n`` > 1 (older articles) is ``page/<n>.html``."""
    return "index.html" if page == 1 else f"page/{int(page)}.html"


def lang_index(lang: str, page: int = 1) -> str:
    assert lang in LANGS
    return f"{lang}/index.html" if page == 1 else f"{lang}/page/{int(page)}.html"


@lru_cache(maxsize=None)
def article(lang: str, slug: str) -> str:
    assert lang in LANGS
    return safe_rel(f"{lang}/{article_slug(slug)}.html")


@lru_cache(maxsize=None)
def parallel(slug: str) -> str:
    return safe_rel(f"parallel/{article_slug(slug)}.html")


def block_anchors(kinds: list[str]) -> list[str]:
    """The id of each block of an article page (and of its row in the side-by-side view):
    ``s<n>`` for the n-th heading, ``p<i>`` for a paragraph, i counting every block from 1."""
    out, n = [], 0
    for i, kind in enumerate(kinds):
        if kind == "heading":
            n += 1
            out.append(f"s{n}")
        else:
            out.append(f"p{i + 1}")
    return out


def keywords_index(lang: str) -> str:
    assert lang in LANGS
    return f"{lang}/keywords/index.html"


@lru_cache(maxsize=None)
def keyword(lang: str, kslug: str, page: int = 1) -> str:
    """A keyword's page; its page ``n`` > 1 (older articles) is ``<slug>.<n>.html`` beside it
    (a slug never holds a dot, so no keyword's page can be another's page n)."""
    assert lang in LANGS
    name = _unreserved(ascii_slug(kslug, 90), "keyword:" + kslug)
    return safe_rel(f"{lang}/keywords/{name}.html" if page == 1 else f"{lang}/keywords/{name}.{int(page)}.html")


def search(lang: str) -> str:
    assert lang in LANGS
    return f"{lang}/search.html"


def atom(lang: str) -> str:
    assert lang in LANGS
    return f"{lang}/atom.xml"


SITEMAP = "sitemap.xml"
def search_part(name: str) -> str:
    """A part of the search index (``meta``, ``k-3``, ``d/1a``: see render/search_index.py)."""
    return f"static/search/{name}.js"


@lru_cache(maxsize=None)
def static(name: str) -> str:
    return safe_rel(f"static/{name}")


# ------------------------------------------------------------------ links

def rel(from_path: str, to_path: str, anchor: str | None = None) -> str:
    """Relative URL from the page at ``from_path`` to the file ``to_path`` (both output paths)."""
    r = _rel(from_path[:from_path.rfind("/") + 1], to_path)      # (only the folder matters)
    return r + (f"#{anchor}" if anchor else "")


@lru_cache(maxsize=65536)
def _rel(from_folder: str, to_path: str) -> str:
    """posixpath.relpath for our normalised relative paths, without its abspath calls (10x faster);
    ``from_folder`` is "" or ends with "/"."""
    src = from_folder.split("/")[:-1]
    dst = to_path.split("/")
    i = 0
    while i < len(src) and i < len(dst) - 1 and src[i] == dst[i]:
        i += 1
    return "/".join([".."] * (len(src) - i) + dst[i:]) or "."


def absolute(base_url: str | None, to_path: str) -> str | None:
    """Absolute URL for feeds and canonical links; ``index.html`` is dropped for pretty URLs."""
    if not base_url:
        return None
    p = to_path[: -len("index.html")] if to_path.endswith("index.html") else to_path
    return base_url.rstrip("/") + "/" + p
