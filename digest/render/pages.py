"""The context of each kind of page: an article in one language, the side-by-side view,
the home page and the lists, the keyword index and a keyword's pages, the search page."""
from __future__ import annotations

from typing import Callable

from ..article import Article
from . import urls
from .context import (SiteView, block_marks, common, en_info, item, item_on_keyword_page, origin_text,
                      summary)
from .markdown import inline_html, plain_text


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


def _heading_ids(a: Article) -> dict[int, str]:
    return {i: x for i, (b, x) in enumerate(zip(a.blocks, urls.block_anchors([b.kind for b in a.blocks])))
            if b.kind == "heading"}


def article_page(cx: SiteView, a: Article, lang: str) -> Page:
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
    other_page = urls.rel(path, urls.article(other, a.slug))
    for i, b in enumerate(src_blocks):
        anchor = hid.get(i) or f"p{i + 1}"
        blocks.append({"kind": b.kind, "html": inline_html(b.text), "id": anchor,
                       "other": f"{other_page}#{anchor}",
                       "origin": origins[i] if i < len(origins) else None,
                       "flagged": flagged.get(i), "stale": i in stale_blocks})
    ctx = common(cx, path, lang, plain_text(head["title"]),
                  {"zh": urls.article("zh", a.slug), "en": urls.article("en", a.slug)},
                  og_type="article",
                  description=plain_text(head["subtitle"] or (src_blocks[0].text if src_blocks else ""))[:200])
    ctx.update(
        a={k: (inline_html(v) if v else None) for k, v in head.items()},
        text_lang=text_lang,
        date=a.date, source=a.source, blocks=blocks,
        source_url=a.source_url, publication=a.publication,
        keywords=cx.kw_links(a, lang, path),
        other_lang=other,
        other_href=other_page,
        parallel_href=urls.rel(path, urls.parallel(a.slug)),
        origin=origin,
        pinyin_js=urls.rel(path, urls.pinyin_js(a.slug)) if lang == "zh" else None,
        stale=bool(lang == "en" and t is not None and t.stale),
        model_id=t.model_id if t is not None else None,
        toc=[{"id": hid[i], "html": inline_html(src_blocks[i].text),
              "href": f"#{hid[i]}"} for i in sorted(hid)],
    )
    ctx.update(en_info(t))
    ctx["title_origin"] = t.title_origin if t is not None else None
    if lang == "en":
        ctx["origin_text"] = origin_text(origin, ctx["translator"])
    newer, older = cx.neighbours(a)
    ctx["newer"] = _neighbour(cx, newer, lang, path)
    ctx["older"] = _neighbour(cx, older, lang, path)
    return Page(path, "article.html", ctx)


def _neighbour(cx: SiteView, a: Article | None, lang: str, path: str) -> dict | None:
    """A link to the newer or older article, titled in the page's language when it can be."""
    if a is None:
        return None
    s = summary(a, cx.tr(a), lang)
    return {"href": urls.rel(path, urls.article(lang, a.slug)), "title": s["title"],
            "lang": s.get("lang", "zh-Hans" if lang == "zh" else "en")}


def parallel_page(cx: SiteView, a: Article) -> Page:
    path = urls.parallel(a.slug)
    t = cx.tr(a)
    hid = _heading_ids(a)
    rows = []
    flagged, stale_blocks = block_marks(t)
    from .align import sentence_pairs, spans      # (imports the translate package: only when needed)
    per_sentence = t.sentences if t is not None else None
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
    ctx = common(cx, path, "zh", f"{plain_text(a.title)} · {plain_text(t.title) if t else ''}".strip(" ·"),
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
        keywords_zh=cx.kw_links(a, "zh", path), keywords_en=cx.kw_links(a, "en", path),
    )
    ctx.update(en_info(t))
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


def list_page(cx: SiteView, lang: str, n: int = 1, chunk: list[Article] | None = None, total: int = 1) -> Page:
    path = urls.lang_index(lang, n)
    title = cx.settings.site_title_zh if lang == "zh" else cx.settings.site_title_en
    ctx = common(cx, path, lang, _page_title(title, lang, n),
                  {"zh": urls.lang_index("zh", n), "en": urls.lang_index("en", n)})
    ctx["items"] = [item(cx, a, lang, path) for a in (cx.articles if chunk is None else chunk)]
    ctx["pager"] = pager(lambda k: urls.lang_index(lang, k), n, total)
    return Page(path, "list.html", ctx)


def home_page(cx: SiteView, n: int = 1, chunk: list[Article] | None = None, total: int = 1) -> Page:
    path = urls.home(n)
    ctx = common(cx, path, "zh", _page_title(f"{cx.settings.site_title_zh} · {cx.settings.site_title_en}",
                                              "zh", n), bilingual=True)
    items = []
    for a in (cx.articles if chunk is None else chunk):
        items.append({"zh": item(cx, a, "zh", path), "en": item(cx, a, "en", path), "date": a.date,
                      "parallel": urls.rel(path, urls.parallel(a.slug))})
    ctx["items"] = items
    ctx["pager"] = pager(urls.home, n, total)
    ctx["epub_href"] = urls.rel(path, urls.EPUB) if cx.settings.epub else None
    return Page(path, "index.html", ctx)


def keyword_index_page(cx: SiteView, lang: str) -> Page:
    path = urls.keywords_index(lang)
    title = "关键词" if lang == "zh" else "Keywords"
    ctx = common(cx, path, lang, title, {"zh": urls.keywords_index("zh"), "en": urls.keywords_index("en")})
    # alphabetical: English labels A-Z, Chinese keywords by their pinyin (the slugs are pinyin)
    kws = sorted(cx.by_kw, key=(lambda k: (cx.kw_label(k, "en").casefold(), cx.kslug[k])) if lang == "en"
                 else (lambda k: (cx.kslug[k], k)))
    ctx["keywords"] = [{"label": cx.kw_label(k, lang), "count": len(cx.by_kw[k]),
                        "href": urls.rel(path, urls.keyword(lang, cx.kslug[k]) if cx.has_page(k)
                                         else urls.article(lang, cx.by_kw[k][0].slug))} for k in kws]
    return Page(path, "keywords.html", ctx)


def keyword_page(cx: SiteView, kw: str, lang: str, n: int = 1, chunk: list[Article] | None = None,
                 total: int = 1) -> Page:
    ks = cx.kslug[kw]
    path = urls.keyword(lang, ks, n)
    label = cx.kw_label(kw, lang)
    ctx = common(cx, path, lang, _page_title(label, lang, n),
                  {"zh": urls.keyword("zh", ks, n), "en": urls.keyword("en", ks, n)})
    ctx["keyword"] = {"label": label, "zh": kw, "en": cx.kw_label(kw, "en")}
    ctx["items"] = [item_on_keyword_page(cx, a, lang) for a in (cx.by_kw[kw] if chunk is None else chunk)]
    ctx["all_href"] = urls.rel(path, urls.keywords_index(lang))
    ctx["pager"] = pager(lambda k: urls.keyword(lang, ks, k), n, total)
    return Page(path, "keyword.html", ctx)


def search_page(cx: SiteView, lang: str) -> Page:
    path = urls.search(lang)
    ctx = common(cx, path, lang, "搜索" if lang == "zh" else "Search",
                  {"zh": urls.search("zh"), "en": urls.search("en")})
    ctx["search_js"] = urls.rel(path, urls.static("search.js"))
    ctx["search_parts"] = urls.rel(path, urls.search_part("meta"))[:-len("meta.js")]   # search.js loads what a query needs
    from .search_index import shard_counts       # ... by a hash of its terms, modulo these
    ctx["search_shards"] = ",".join(f"{k}:{v}" for k, v in shard_counts(len(cx.articles)).items())
    return Page(path, "search.html", ctx)


