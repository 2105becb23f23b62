"""Plan the pages, render them with Jinja2, write them.

``plan_pages`` builds every page's context first (Pelican's habit: context
first, then write); ``render_page`` turns one page into bytes. Templates get
ready-made relative URLs: they never build a URL by hand.
"""
from __future__ import annotations

import hashlib
import io
import os
import pickle
import shutil
import time
from pathlib import Path
from typing import Callable

import jinja2

from ..article import Article, Translation
from . import feeds, memo, urls
from .markdown import inline_html, plain_text

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'none'; form-action 'self'; base-uri 'none'")

ORIGIN_TEXT = {
    "machine": "This English text was machine-translated.",
    "human": "This English text was translated by a person.",
    "mixed": "This English text was translated partly by a person (marked ✎), partly by machine.",
    "missing": "No English translation is available yet; the Chinese text is shown.",
}


def origin_text(origin: str, translator: str | None) -> str:
    """The footer's line on who made the English."""
    if translator and origin == "human":
        return f"This English text was translated by {translator}."
    if translator and origin == "mixed":
        return f"This English text was translated partly by {translator} (marked ✎), partly by machine."
    return ORIGIN_TEXT[origin]


def block_marks(t: Translation | None) -> tuple[dict[int, list[str]], set[int]]:
    """Per block of a translation: the reasons its machine sentences were flagged (the block is
    shown as unchecked), and the blocks whose human English was made from older Chinese."""
    flagged: dict[int, list[str]] = {}
    stale: set[int] = set()
    if t is None:
        return flagged, stale
    for f in t.flags:
        if f.unit == "block":
            flagged.setdefault(f.block, []).extend(f.reasons)
    for iss in getattr(t, "human_issues", ()):
        if iss.kind == "stale" and iss.unit == "block":
            stale.add(iss.block)
    return flagged, stale


def _en_info(t: Translation | None) -> dict:
    """What a page says about its article's English: who made it, what is unchecked."""
    if t is None:
        return {"en_origin": "missing", "translator": None, "title_flagged": False, "n_flagged": 0}
    return {"en_origin": t.origin, "translator": getattr(t, "translator", None),
            "title_flagged": any(f.unit in ("title", "subtitle") for f in t.flags),
            "n_flagged": len({(f.unit, f.block) for f in t.flags})}
CREDIT_LINKS = [
    ("Argos Translate", "https://github.com/argosopentech/argos-translate"),
    ("OPUS-MT", "https://github.com/Helsinki-NLP/Opus-MT"),
    ("CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/"),
    # names and keyword labels come from CC-CEDICT (translate/dictionary.py): attribution, share-alike
    ("CC-CEDICT", "https://cc-cedict.org/wiki/"),
    ("CC BY-SA 4.0", "https://creativecommons.org/licenses/by-sa/4.0/"),
]
STATIC_FILES = ("style.css", "site.js", "search.js")


class Page:
    """One HTML page: its output path, template and context.

    ``deps`` (optional) is a digest of everything the context is made from; when it is
    given, the context is built only when it is first read (``make``), so a rebuild whose
    page inputs did not change never builds, pickles or renders that page.
    """

    __slots__ = ("path", "template", "deps", "_context", "_make")

    def __init__(self, path: str, template: str, context: dict | None = None, *,
                 deps: str | None = None, make: Callable[[], dict] | None = None):
        self.path, self.template, self.deps = path, template, deps
        self._context, self._make = context, make

    @property
    def context(self) -> dict:
        if self._context is None:
            self._context = self._make() if self._make is not None else {}
            self._make = None
        self._context.setdefault("search_js", None)
        self._context.setdefault("index_js", [])
        return self._context

    def __repr__(self) -> str:
        return f"Page({self.path!r}, {self.template!r})"


def make_env(theme_dir: Path | list[Path], cache_dir: Path | None = None) -> jinja2.Environment:
    """The theme's Jinja2 environment; given several theme folders (most specific first), each
    template comes from the first that has it. With ``cache_dir``, compiled templates are kept there
    (Jinja2 checks each template's source; the folder is named after this file and the Jinja2
    version, which the compiled code also depends on): compiling the templates is most of
    the render time of a rebuild after one edit."""
    options = dict(autoescape=True,                 # everywhere, whatever the template's name
                   undefined=jinja2.StrictUndefined,
                   trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    cache = None
    if cache_dir is not None:
        tag = hashlib.sha256(Path(__file__).read_bytes() + jinja2.__version__.encode()).hexdigest()[:16]
        folder = Path(cache_dir) / "templates" / tag
        try:
            if not folder.is_dir():                 # first use of this code: old folders go
                _prune_template_caches(folder.parent)
            folder.mkdir(parents=True, exist_ok=True)
            os.utime(folder)                        # in use: not old to another version's build
            cache = _TolerantBytecodeCache(str(folder))
        except OSError:
            cache = None                            # no cache then; never a reason to fail
    dirs = [theme_dir] if isinstance(theme_dir, (str, Path)) else list(theme_dir)
    # (the bytecode cache keys each template by its file name too, so an override never
    # reuses the packaged template's compiled code)
    loader = jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(Path(d) / "templates")) for d in dirs])
    return jinja2.Environment(loader=loader, bytecode_cache=cache, **options)


# another checkout's build (another code version) may be using its folder right now
TEMPLATE_CACHE_MAX_AGE = 7 * 24 * 3600


def _prune_template_caches(parent: Path) -> None:
    """Remove compiled-template folders of other code versions not used for a week."""
    now = time.time()
    for old in parent.glob("*") if parent.is_dir() else []:
        try:
            if now - old.stat().st_mtime > TEMPLATE_CACHE_MAX_AGE:
                shutil.rmtree(old, ignore_errors=True)
        except OSError:
            pass


class _TolerantBytecodeCache(jinja2.FileSystemBytecodeCache):
    """A cache that can vanish under a build (removed by hand, or by an older release's
    pruning): a template is then compiled, never a reason to fail."""

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


def render_page(env: jinja2.Environment, page: Page) -> bytes:
    urls.safe_rel(page.path)
    return env.get_template(page.template).render(page.context).encode("utf-8")


# ---------------------------------------------------------------- helpers

def pinyin_label(kw: str) -> str:
    """A keyword's English label when the translation stage gave none (memoised across builds)."""
    def compute() -> str:
        from pypinyin import lazy_pinyin
        return "".join(lazy_pinyin(kw)).capitalize() if kw else kw
    return memo.get("kwlabel", kw, compute)


class _Ctx:
    """Shared data for planning: slugs, labels, article lookups."""

    def __init__(self, site, settings, env: jinja2.Environment | None = None):
        self.site = site
        self.settings = settings
        self.env = env
        self.articles: list[Article] = list(site.articles)
        all_kws = [k for a in self.articles for k in site.keywords.get(a.slug, [])]
        self.kslug = urls.keyword_slugs(all_kws)
        self.down_items: dict[tuple[str, str], dict] = {}
        # a keyword has a page of its own when this many articles have it (else it is a plain
        # label on its article, and the keyword index links it straight to that article)
        self.page_min = max(1, getattr(settings, "keyword_page_min", 1))
        self.by_kw: dict[str, list[Article]] = {}
        for a in self.articles:
            for k in dict.fromkeys(site.keywords.get(a.slug, [])):
                self.by_kw.setdefault(k, []).append(a)
        # what every page shares besides its own inputs (the templates and code are in the key too)
        self.common = stable_digest((settings.site_title_zh, settings.site_title_en, settings.base_url,
                                     site.model_credit, self.page_min))
        self._ids: dict[str, str] = {}
        self._item_ids: dict[str, str] = {}

    def article_id(self, a: Article) -> str:
        """A digest of everything an article's pages and list items are made from: the article,
        its translation, and its keywords with their slugs and English labels."""
        i = self._ids.get(a.slug)
        if i is None:
            kws = [(k, self.kslug[k], self.kw_label(k, "en"), self.has_page(k))
                   for k in dict.fromkeys(self.site.keywords.get(a.slug, []))]
            known = getattr(self.site, "identities", {}).get(a.slug)
            i = self._ids[a.slug] = (quick_digest((known, kws)) if known is not None else
                                     stable_digest((a, self.site.translations.get(a.slug), kws)))
        return i

    def item_id(self, a: Article) -> str:
        """A digest of what an article's list item shows (see ``_item``): an edit to its body
        text leaves the lists and keyword pages it appears on alone."""
        i = self._item_ids.get(a.slug)
        if i is None:
            t = self.tr(a)
            kws = [(k, self.kslug[k], self.kw_label(k, "en"), self.has_page(k))
                   for k in dict.fromkeys(self.site.keywords.get(a.slug, []))]
            i = self._item_ids[a.slug] = quick_digest((a.slug, a.title, a.subtitle, a.date, kws,
                                                       (t.title, t.subtitle) if t is not None else None))
        return i

    def has_page(self, kw: str) -> bool:
        return len(self.by_kw.get(kw, ())) >= self.page_min

    def kw_label(self, kw: str, lang: str) -> str:
        if lang == "zh":
            return kw
        return self.site.keyword_en.get(kw) or pinyin_label(kw)

    def neighbours(self, a: Article) -> tuple[Article | None, Article | None]:
        """The articles before (newer) and after (older) ``a`` in the lists' order."""
        if not hasattr(self, "_pos"):
            self._pos = {x.slug: i for i, x in enumerate(self.articles)}
        i = self._pos[a.slug]
        return (self.articles[i - 1] if i > 0 else None,
                self.articles[i + 1] if i + 1 < len(self.articles) else None)

    def tr(self, a: Article) -> Translation | None:
        t = self.site.translations.get(a.slug)
        if t is not None and t.n_blocks != a.n_blocks:
            return None                         # not aligned: never show a wrong pairing
        return t


def _common(cx: _Ctx, path: str, lang: str, title: str, alternates: dict[str, str] | None = None,
            og_type: str = "website", description: str = "", bilingual: bool = False) -> dict:
    s = cx.settings
    r = lambda to, anchor=None: urls.rel(path, to, anchor)  # noqa: E731
    alt = alternates or {}
    return {
        "lang": lang,
        "html_lang": urls.HTML_LANG.get(lang, "zh-Hans"),
        "title": title,
        "description": description,
        "site_title": {"zh": s.site_title_zh, "en": s.site_title_en},
        "csp": CSP,
        "css": r(urls.static("style.css")),
        "site_js": r(urls.static("site.js")),
        "root": r(urls.home())[: -len("index.html")] or "./",
        "nav": {
            "home": r(urls.home()),
            # each language: this page in that language when there is one, else that language's home
            **{l: r(alt.get(l, urls.lang_index(l))) for l in urls.LANGS},
            "current": None if bilingual else lang,        # a bilingual page is in neither
            "kw": r(urls.keywords_index(lang if lang in urls.LANGS else "zh")),
            "search": r(urls.search(lang if lang in urls.LANGS else "zh")),
            "atom": r(urls.atom(lang)) if s.base_url and lang in urls.LANGS else None,
        },
        "alternates": [{"hreflang": urls.HTML_LANG[l], "href": r(p)} for l, p in alt.items()],
        "canonical": urls.absolute(s.base_url, path),
        "og_type": og_type,
        "credit": cx.site.model_credit,
        "credit_links": CREDIT_LINKS,
        "origin_text": None,
        "en_origin": None,          # on an article's pages: who made its English
        "translator": None,
    }


def _kw_links(cx: _Ctx, a: Article, lang: str, path: str) -> list[dict]:
    return [{"label": cx.kw_label(k, lang),
             "href": urls.rel(path, urls.keyword(lang, cx.kslug[k])) if cx.has_page(k) else None}
            for k in dict.fromkeys(cx.site.keywords.get(a.slug, []))]


def _heading_ids(a: Article) -> dict[int, str]:
    return {i: x for i, (b, x) in enumerate(zip(a.blocks, urls.block_anchors([b.kind for b in a.blocks])))
            if b.kind == "heading"}


def _summary(a: Article, t: Translation | None, lang: str) -> dict:
    """Title, subtitle, date of one article in one language (for lists)."""
    if lang == "en" and t is not None:
        return {"title": plain_text(t.title), "subtitle": plain_text(t.subtitle) if t.subtitle else None,
                "lang": "en", "missing": False}
    if lang == "en":
        return {"title": plain_text(a.title), "subtitle": plain_text(a.subtitle) if a.subtitle else None,
                "lang": "zh-Hans", "missing": True}
    return {"title": plain_text(a.title), "subtitle": plain_text(a.subtitle) if a.subtitle else None,
            "lang": "zh-Hans", "missing": False}


def _item(cx: _Ctx, a: Article, lang: str, path: str) -> dict:
    t = cx.tr(a)
    d = _summary(a, t, lang)
    d.update(date=a.date, href=urls.rel(path, urls.article(lang, a.slug)),
             parallel=urls.rel(path, urls.parallel(a.slug)),
             keywords=_kw_links(cx, a, lang, path))
    return d


def _item_on_keyword_page(cx: _Ctx, a: Article, lang: str) -> dict:
    """A list item for a keyword page (``zh/keywords/<k>.html``). Every keyword page is in the
    same folder, so the item is the same on all of them: made once per article and language,
    and rendered once with the theme's own macro (keyword.html shows ``it.html``)."""
    key = (a.slug, lang)
    item = cx.down_items.get(key)
    if item is None:
        item = _item(cx, a, lang, urls.keywords_index(lang))
        if cx.env is not None:
            item["html"] = cx.env.get_template("_macros.html").module.item(item, lang)
        cx.down_items[key] = item
    return item


# ---------------------------------------------------------------- pages

def article_page(cx: _Ctx, a: Article, lang: str) -> Page:
    path = urls.article(lang, a.slug)
    other = "en" if lang == "zh" else "zh"
    t = cx.tr(a)
    hid = _heading_ids(a)
    if lang == "en" and t is not None:
        src_blocks, origins = t.blocks, t.origins
        head = {"title": t.title, "subtitle": t.subtitle, "dateline": t.dateline,
                "byline": t.byline, "editor": t.editor}
        text_lang = "en"
        origin = t.origin
    else:
        src_blocks, origins = a.blocks, [None] * len(a.blocks)
        head = {"title": a.title, "subtitle": a.subtitle, "dateline": a.dateline,
                "byline": a.byline, "editor": a.editor}
        text_lang = "zh-Hans"
        origin = None if lang == "zh" else "missing"
    blocks = []
    flagged, stale_blocks = block_marks(t if lang == "en" else None)
    for i, b in enumerate(src_blocks):
        blocks.append({"kind": b.kind, "html": inline_html(b.text),
                       "id": hid.get(i, f"p{i + 1}"),
                       "other": urls.rel(path, urls.article(other, a.slug), hid.get(i, f"p{i + 1}")),
                       "origin": origins[i] if i < len(origins) else None,
                       "flagged": flagged.get(i), "stale": i in stale_blocks})
    ctx = _common(cx, path, lang, plain_text(head["title"]),
                  {"zh": urls.article("zh", a.slug), "en": urls.article("en", a.slug)},
                  og_type="article",
                  description=plain_text(head["subtitle"] or (src_blocks[0].text if src_blocks else ""))[:200])
    ctx.update(
        a={k: (inline_html(v) if v else None) for k, v in head.items()},
        text_lang=text_lang,
        date=a.date, source=a.source, blocks=blocks,
        source_url=a.source_url, publication=a.publication,
        keywords=_kw_links(cx, a, lang, path),
        other_lang=other,
        other_href=urls.rel(path, urls.article(other, a.slug)),
        parallel_href=urls.rel(path, urls.parallel(a.slug)),
        origin=origin,
        pinyin_js=urls.rel(path, urls.pinyin_js(a.slug)) if lang == "zh" else None,
        stale=bool(lang == "en" and t is not None and t.stale),
        model_id=t.model_id if t is not None else None,
        toc=[{"id": hid[i], "html": inline_html(src_blocks[i].text),
              "href": f"#{hid[i]}"} for i in sorted(hid)],
    )
    ctx.update(_en_info(t))
    ctx["title_origin"] = t.title_origin if t is not None else None
    if lang == "en":
        ctx["origin_text"] = origin_text(origin, ctx["translator"])
    newer, older = cx.neighbours(a)
    ctx["newer"] = _neighbour(cx, newer, lang, path)
    ctx["older"] = _neighbour(cx, older, lang, path)
    return Page(path, "article.html", ctx)


def _neighbour(cx: _Ctx, a: Article | None, lang: str, path: str) -> dict | None:
    """A link to the newer or older article, titled in the page's language when it can be."""
    if a is None:
        return None
    s = _summary(a, cx.tr(a), lang)
    return {"href": urls.rel(path, urls.article(lang, a.slug)), "title": s["title"],
            "lang": s.get("lang", "zh-Hans" if lang == "zh" else "en")}


def parallel_page(cx: _Ctx, a: Article) -> Page:
    path = urls.parallel(a.slug)
    t = cx.tr(a)
    hid = _heading_ids(a)
    rows = []
    flagged, stale_blocks = block_marks(t)
    from .align import sentence_pairs, spans
    per_sentence = getattr(t, "sentences", None) if t is not None else None
    for i, b in enumerate(a.blocks):
        eb = t.blocks[i] if t is not None else None
        rid = hid.get(i, f"p{i + 1}")
        pairs = (sentence_pairs(b.text, eb.text, per_sentence[i] if per_sentence else None)
                 if eb is not None and b.kind == "paragraph" else None)
        rows.append({"kind": b.kind, "id": rid,
                     "zh": spans(rid, [z for z, _ in pairs], "") if pairs else inline_html(b.text),
                     "en": (spans(rid, [e for _, e in pairs], " ") if pairs else
                            inline_html(eb.text) if eb is not None else None),
                     "origin": t.origins[i] if t is not None and i < len(t.origins) else None,
                     "flagged": flagged.get(i), "stale": i in stale_blocks})
    ctx = _common(cx, path, "zh", f"{plain_text(a.title)} · {plain_text(t.title) if t else ''}".strip(" ·"),
                  None, og_type="article", bilingual=True)
    ctx["html_lang"] = "zh-Hans"
    ctx.update(
        zh={"title": inline_html(a.title), "subtitle": inline_html(a.subtitle) if a.subtitle else None,
            "dateline": inline_html(a.dateline) if a.dateline else None,
            "byline": a.byline, "editor": a.editor},
        en=({"title": inline_html(t.title), "subtitle": inline_html(t.subtitle) if t.subtitle else None,
             "dateline": inline_html(t.dateline) if t.dateline else None,
             "byline": t.byline, "editor": t.editor} if t else None),
        date=a.date, source=a.source, rows=rows,
        zh_href=urls.rel(path, urls.article("zh", a.slug)),
        en_href=urls.rel(path, urls.article("en", a.slug)),
        origin=t.origin if t else "missing",
        pinyin_js=urls.rel(path, urls.pinyin_js(a.slug)),
        stale=bool(t and t.stale),
        keywords_zh=_kw_links(cx, a, "zh", path), keywords_en=_kw_links(cx, a, "en", path),
    )
    ctx.update(_en_info(t))
    ctx["title_origin"] = t.title_origin if t is not None else None
    ctx["origin_text"] = origin_text(ctx["origin"], ctx["translator"])
    ctx["search_js"] = None
    return Page(path, "parallel.html", ctx)


def paginate(articles: list[Article], per_page: int) -> list[list[Article]]:
    """The articles in pages of ``per_page`` (newest first, as sorted); one page when
    ``per_page`` is 0, and one empty page for an empty site."""
    if per_page <= 0 or len(articles) <= per_page:
        return [list(articles)]
    return [articles[i:i + per_page] for i in range(0, len(articles), per_page)]


def pager(path_of: Callable[[int], str], n: int, total: int) -> dict | None:
    """Links between the pages of a list, from page ``n``: newer/older, the first and last
    page, and the two pages either side of this one (gaps marked)."""
    if total <= 1:
        return None
    here = path_of(n)
    links: list[dict] = []
    shown = sorted({1, total, *range(max(1, n - 2), min(total, n + 2) + 1)})
    for i, k in enumerate(shown):
        if i and k - shown[i - 1] > 1:
            links.append({"gap": True})
        links.append({"gap": False, "n": k, "href": urls.rel(here, path_of(k)), "current": k == n})
    return {"n": n, "total": total, "links": links,
            "prev": urls.rel(here, path_of(n - 1)) if n > 1 else None,
            "next": urls.rel(here, path_of(n + 1)) if n < total else None}


def _page_title(title: str, lang: str, n: int) -> str:
    if n == 1:
        return title
    return f"{title} · 第 {n} 页" if lang == "zh" else f"{title} · page {n}"


def list_page(cx: _Ctx, lang: str, n: int = 1, chunk: list[Article] | None = None, total: int = 1) -> Page:
    path = urls.lang_index(lang, n)
    title = cx.settings.site_title_zh if lang == "zh" else cx.settings.site_title_en
    ctx = _common(cx, path, lang, _page_title(title, lang, n),
                  {"zh": urls.lang_index("zh", n), "en": urls.lang_index("en", n)})
    ctx["items"] = [_item(cx, a, lang, path) for a in (cx.articles if chunk is None else chunk)]
    ctx["pager"] = pager(lambda k: urls.lang_index(lang, k), n, total)
    return Page(path, "list.html", ctx)


def home_page(cx: _Ctx, n: int = 1, chunk: list[Article] | None = None, total: int = 1) -> Page:
    path = urls.home(n)
    ctx = _common(cx, path, "zh", _page_title(f"{cx.settings.site_title_zh} · {cx.settings.site_title_en}",
                                              "zh", n), bilingual=True)
    items = []
    for a in (cx.articles if chunk is None else chunk):
        items.append({"zh": _item(cx, a, "zh", path), "en": _item(cx, a, "en", path), "date": a.date,
                      "parallel": urls.rel(path, urls.parallel(a.slug))})
    ctx["items"] = items
    ctx["pager"] = pager(urls.home, n, total)
    ctx["epub_href"] = urls.rel(path, urls.EPUB) if getattr(cx.settings, "epub", False) else None
    return Page(path, "index.html", ctx)


def keyword_index_page(cx: _Ctx, lang: str) -> Page:
    path = urls.keywords_index(lang)
    title = "关键词" if lang == "zh" else "Keywords"
    ctx = _common(cx, path, lang, title, {"zh": urls.keywords_index("zh"), "en": urls.keywords_index("en")})
    # alphabetical: English labels A-Z, Chinese keywords by their pinyin (the slugs are pinyin)
    kws = sorted(cx.by_kw, key=(lambda k: (cx.kw_label(k, "en").casefold(), cx.kslug[k])) if lang == "en"
                 else (lambda k: (cx.kslug[k], k)))
    ctx["keywords"] = [{"label": cx.kw_label(k, lang), "count": len(cx.by_kw[k]),
                        "href": urls.rel(path, urls.keyword(lang, cx.kslug[k]) if cx.has_page(k)
                                         else urls.article(lang, cx.by_kw[k][0].slug))} for k in kws]
    return Page(path, "keywords.html", ctx)


def keyword_page(cx: _Ctx, kw: str, lang: str, n: int = 1, chunk: list[Article] | None = None,
                 total: int = 1) -> Page:
    ks = cx.kslug[kw]
    path = urls.keyword(lang, ks, n)
    label = cx.kw_label(kw, lang)
    ctx = _common(cx, path, lang, _page_title(label, lang, n),
                  {"zh": urls.keyword("zh", ks, n), "en": urls.keyword("en", ks, n)})
    ctx["keyword"] = {"label": label, "zh": kw, "en": cx.kw_label(kw, "en")}
    ctx["items"] = [_item_on_keyword_page(cx, a, lang) for a in (cx.by_kw[kw] if chunk is None else chunk)]
    ctx["all_href"] = urls.rel(path, urls.keywords_index(lang))
    ctx["pager"] = pager(lambda k: urls.keyword(lang, ks, k), n, total)
    return Page(path, "keyword.html", ctx)


def search_page(cx: _Ctx, lang: str) -> Page:
    path = urls.search(lang)
    ctx = _common(cx, path, lang, "搜索" if lang == "zh" else "Search",
                  {"zh": urls.search("zh"), "en": urls.search("en")})
    ctx["search_js"] = urls.rel(path, urls.static("search.js"))
    ctx["search_parts"] = urls.rel(path, urls.search_part("meta"))[:-len("meta.js")]   # search.js loads what a query needs
    return Page(path, "search.html", ctx)


def plan_pages(site, settings, env: jinja2.Environment | None = None) -> list[Page]:
    """Every HTML page of the site, in a stable order.

    Pages made from many articles or from one carry ``deps`` (article identities,
    keyword slugs and labels, settings) and build their context lazily; the search
    pages are small and are built at once."""
    cx = _Ctx(site, settings, env)

    def lazy(path: str, template: str, deps: tuple, make: Callable[[], Page]) -> Page:
        return Page(path, template, deps=quick_digest((template, path, cx.common) + deps),
                    make=lambda: make().context)

    chunks = paginate(cx.articles, getattr(settings, "per_page", 0))
    total = len(chunks)
    pages = []
    for n, chunk in enumerate(chunks, 1):       # a page depends on its own items and the page count
        ids = tuple(cx.item_id(a) for a in chunk) + (n, total)
        pages.append(lazy(urls.home(n), "index.html", ids + (getattr(settings, "epub", False),),
                          lambda n=n, chunk=chunk, total=total: home_page(cx, n, chunk, total)))
        pages += [lazy(urls.lang_index(lang, n), "list.html", ids,
                       lambda lang=lang, n=n, chunk=chunk, total=total: list_page(cx, lang, n, chunk, total))
                  for lang in urls.LANGS]
    for a in cx.articles:
        # an article's pages show the titles of the newer and older articles
        aid = (cx.article_id(a),) + tuple(cx.item_id(x) if x is not None else None for x in cx.neighbours(a))
        pages += [lazy(urls.article("zh", a.slug), "article.html", aid, lambda a=a: article_page(cx, a, "zh")),
                  lazy(urls.article("en", a.slug), "article.html", aid, lambda a=a: article_page(cx, a, "en")),
                  lazy(urls.parallel(a.slug), "parallel.html", aid, lambda a=a: parallel_page(cx, a))]
    kws = sorted((k for k in cx.by_kw if cx.has_page(k)), key=lambda k: cx.kslug[k])
    # a keyword's pages (newest articles first, per_page to a page) and what each shows besides
    # its language: the same for both languages
    kw_pages = {}
    for kw in kws:
        kchunks = paginate(cx.by_kw[kw], getattr(settings, "per_page", 0))
        head = (kw, cx.kslug[kw], cx.kw_label(kw, "en"), len(kchunks))
        kw_pages[kw] = [(n, chunk, head + (n,) + tuple(map(cx.item_id, chunk)))
                        for n, chunk in enumerate(kchunks, 1)]
    index_deps = tuple((kw, cx.kslug[kw], cx.kw_label(kw, "en"), len(cx.by_kw[kw]),
                        None if cx.has_page(kw) else cx.by_kw[kw][0].slug) for kw in sorted(cx.by_kw))
    for lang in urls.LANGS:
        pages.append(lazy(urls.keywords_index(lang), "keywords.html", (lang,) + index_deps,
                          lambda lang=lang: keyword_index_page(cx, lang)))
        for kw in kws:
            pages += [lazy(urls.keyword(lang, cx.kslug[kw], n), "keyword.html", (lang,) + deps,
                           lambda kw=kw, lang=lang, n=n, chunk=chunk, of=len(kw_pages[kw]):
                               keyword_page(cx, kw, lang, n, chunk, of))
                      for n, chunk, deps in kw_pages[kw]]
        pages.append(search_page(cx, lang))
    return pages


def quick_digest(value: tuple) -> str:
    """sha256 of the repr of nested tuples/lists of str, int and None (unambiguous for those,
    and much faster than walking them); only for keys that live as long as the render code."""
    return hashlib.sha256(repr(value).encode("utf-8", "surrogatepass")).hexdigest()


def stable_digest(obj) -> str:
    """sha256 of a value's pickle with pickle's memo off ("fast" mode), so equal values give
    equal digests whichever objects they share (no cycles in what is hashed here)."""
    buf = io.BytesIO()
    p = pickle.Pickler(buf, protocol=5)
    p.fast = True
    p.dump(obj)
    return hashlib.sha256(buf.getvalue()).hexdigest()


def search_entries_by_article(site) -> tuple["_Entries", dict[str, str]]:
    """Each article's search-index entries (JSON strings, one per language), and for articles
    known unchanged (``site.identities``) a key that changes whenever their entries may.

    Such an article reuses its entries from the memo table without computing plain text or
    segmenting; the others are made on every core when there are many (a clean build)."""
    from ..keywords import terms_version
    from ..parallel import map_cores
    from .search_index import doc_entry, entries
    version = terms_version()
    identities = getattr(site, "identities", {})
    keys = {a.slug: quick_digest((identities[a.slug], version)) for a in site.articles if a.slug in identities}
    todo = [a for a in site.articles if a.slug in keys and not memo.has("search-article", keys[a.slug])]
    from ..parallel import MIN_ITEMS
    if len(todo) >= MIN_ITEMS:
        from ..keywords import prepare_for_many
        prepare_for_many()
    made = dict(zip((a.slug for a in todo), map_cores(lambda a: entries(_search_docs_of(site, a)), todo)))
    out: dict[str, list[str]] = {}
    for a in site.articles:
        if a.slug not in keys:
            out[a.slug] = entries(_search_docs_of(site, a))
        elif a.slug in made:
            out[a.slug] = memo.get("search-article", keys[a.slug], lambda a=a: made[a.slug])
        else:
            memo.keep("search-article", keys[a.slug])      # read only if its shard is made again
    return _Entries(out, keys, site), keys


class _Entries:
    """Search entries by slug; an unchanged article's are read from the memo when asked for
    (only a shard that is made again asks)."""

    def __init__(self, made: dict[str, list[str]], keys: dict[str, str], site):
        self.made, self.keys, self.site = made, keys, site

    def __getitem__(self, slug: str) -> list[str]:
        e = self.made.get(slug)
        if e is None:
            from .search_index import doc_entry
            a = next(x for x in self.site.articles if x.slug == slug)
            e = memo.get("search-article", self.keys[slug],
                         lambda: [doc_entry(d) for d in _search_docs_of(self.site, a)])
        return e


def _search_doc(lang: str, a: Article, text: Article | Translation) -> dict:
    """A search document: u (URL from the site root), l (zh|en), t (title), d (date), x (plain
    text); ``text`` is the article itself or its translation."""
    return {"u": urls.article(lang, a.slug), "l": lang, "t": plain_text(text.title), "d": a.date or "",
            "x": "\n".join(plain_text(x) for x in [text.subtitle or ""] + [b.text for b in text.blocks] if x)}


def zh_search_entry(a: Article) -> tuple[str, str]:
    """(memo key, entry) of an article's Chinese search document: made by the keyword stage,
    which has just segmented the same text, so the search stage finds it in the memo."""
    from .search_index import doc_entry, entry_key
    d = _search_doc("zh", a, a)
    return entry_key(d), doc_entry(d)


def searched_translation(site, a: Article) -> Translation | None:
    """The translation an article's English search document is made from: none while it is
    missing or not aligned."""
    t = site.translations.get(a.slug)
    return t if t is not None and t.n_blocks == a.n_blocks else None


def _search_docs_of(site, a: Article) -> list[dict]:
    """An article's search documents (Chinese, and English when it has a searched translation)."""
    t = searched_translation(site, a)
    return [_search_doc("zh", a, a)] + ([_search_doc("en", a, t)] if t is not None else [])


def feed_entries(site, lang: str, limit: int = 0) -> list[dict]:
    """The Atom feed's entries: the newest ``limit`` articles (all when 0), newest first."""
    out = []
    for a in (site.articles[:limit] if limit > 0 else site.articles):
        t = site.translations.get(a.slug)
        s = _summary(a, t if (t and t.n_blocks == a.n_blocks) else None, lang)
        first = next((b.text for b in ((t.blocks if (lang == "en" and t) else a.blocks)) if b.kind == "paragraph"), "")
        out.append({"slug": a.slug, "title": s["title"], "date": a.date, "updated": feeds.updated(a),
                    "summary": s["subtitle"] or plain_text(first)[:300],
                    "path": urls.article(lang, a.slug)})
    return out


def key_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:32]
