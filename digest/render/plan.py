"""Every HTML page of the site, planned before any is rendered: its path, template, and a
key of everything its context is made from (``Page.deps``), the context itself being built
only when the page has to be rendered."""
from __future__ import annotations

from typing import Callable

import jinja2

from ..settings import Settings
from ..sitedata import SiteData
from ..state import digest_of
from . import urls
from .context import SiteView
from .pages import (Page, article_page, home_page, keyword_index_page, keyword_page, list_page, paginate,
                    parallel_page, search_page)


def plan_pages(site: SiteData, settings: Settings, env: jinja2.Environment | None = None) -> list[Page]:
    """Every HTML page of the site, in a stable order.

    Pages made from many articles or from one carry ``deps`` (article identities,
    keyword slugs and labels, settings) and build their context lazily; the search
    pages are small and are built at once."""
    cx = SiteView(site, settings, env)
    common = cx.common

    # Each group of pages made from the same inputs (an article's three pages, a chunk of the
    # lists, a keyword's page n in both languages) hashes its inputs once; a page's ``deps`` is
    # that digest with its template and path written beside it (render_files hashes the whole
    # with the render code's version), so planning a page costs no hashing of its own.
    def lazy(path: str, template: str, digest: str, make: Callable[[], Page]) -> Page:
        return Page(path, template, deps=f"{template}\0{path}\0{digest}", make=lambda: make().context)

    chunks = paginate(cx.articles, settings.per_page)
    total = len(chunks)
    pages = []
    for n, chunk in enumerate(chunks, 1):       # a page depends on its own items and the page count
        d = digest_of(common, tuple(cx.item_id(a) for a in chunk), n, total)
        pages.append(lazy(urls.home(n), "index.html", f"{d}\0{settings.epub}",
                          lambda n=n, chunk=chunk, total=total: home_page(cx, n, chunk, total)))
        pages += [lazy(urls.lang_index(lang, n), "list.html", d,
                       lambda lang=lang, n=n, chunk=chunk, total=total: list_page(cx, lang, n, chunk, total))
                  for lang in urls.LANGS]
    item_id = cx.item_id
    for a in cx.articles:
        # an article's pages show the titles of the newer and older articles
        newer, older = cx.neighbours(a)
        d = digest_of(common, cx.article_id(a), item_id(newer) if newer is not None else None,
                      item_id(older) if older is not None else None)
        pages += [lazy(urls.article("zh", a.slug), "article.html", d, lambda a=a: article_page(cx, a, "zh")),
                  lazy(urls.article("en", a.slug), "article.html", d, lambda a=a: article_page(cx, a, "en")),
                  lazy(urls.parallel(a.slug), "parallel.html", d, lambda a=a: parallel_page(cx, a))]
    kws = sorted((k for k in cx.by_kw if cx.has_page(k)), key=lambda k: cx.kslug[k])
    # a keyword's pages (newest articles first, per_page to a page) and what each shows besides
    # its language: the same for both languages
    kw_pages = {}
    for kw in kws:
        kchunks = paginate(cx.by_kw[kw], settings.per_page)
        head = (kw, cx.kslug[kw], cx.kw_label(kw, "en"), len(kchunks))
        kw_pages[kw] = [(n, chunk, digest_of(common, head, n, tuple(map(item_id, chunk))))
                        for n, chunk in enumerate(kchunks, 1)]
    # (every keyword: hashed once for both languages' index pages)
    index_deps = digest_of(common, *((kw, cx.kslug[kw], cx.kw_label(kw, "en"), len(cx.by_kw[kw]),
                                      None if cx.has_page(kw) else cx.by_kw[kw][0].slug) for kw in sorted(cx.by_kw)))
    for lang in urls.LANGS:
        pages.append(lazy(urls.keywords_index(lang), "keywords.html", index_deps,
                          lambda lang=lang: keyword_index_page(cx, lang)))
        for kw in kws:
            pages += [lazy(urls.keyword(lang, cx.kslug[kw], n), "keyword.html", d,
                           lambda kw=kw, lang=lang, n=n, chunk=chunk, of=len(kw_pages[kw]):
                               keyword_page(cx, kw, lang, n, chunk, of))
                      for n, chunk, d in kw_pages[kw]]
        pages.append(search_page(cx, lang))
    return pages
