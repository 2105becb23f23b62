"""Entries made from every article for the search index and the Atom feeds."""
from __future__ import annotations

from ..article import Article, Translation
from ..sitedata import SiteData
from ..state import digest_of
from . import feeds, memo, urls
from .context import summary
from .markdown import plain_text


def search_entries_by_article(site: SiteData) -> tuple["_Entries", dict[str, str]]:
    """Each article's search-index entries (JSON strings, one per language), and for articles
    known unchanged (``site.identities``) a key that changes whenever their entries may.

    Such an article reuses its entries from the memo table without computing plain text or
    segmenting; the others are made on every core when there are many (a clean build)."""
    from ..parallel import map_cores
    from .search_index import entries
    seg = site.segmenter
    version = seg.version
    identities = site.identities
    keys = {a.slug: digest_of(identities[a.slug], version) for a in site.articles if a.slug in identities}
    todo = [a for a in site.articles if a.slug in keys and not memo.has("search-article", keys[a.slug])]
    from ..parallel import MIN_ITEMS
    if len(todo) >= MIN_ITEMS:
        seg.prepare_for_many()
    made = dict(zip((a.slug for a in todo), map_cores(lambda a: entries(_search_docs_of(site, a), seg), todo)))
    out: dict[str, list[str]] = {}
    for a in site.articles:
        if a.slug not in keys:
            out[a.slug] = entries(_search_docs_of(site, a), seg)
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
        self._by_slug: dict[str, Article] | None = None

    def __getitem__(self, slug: str) -> list[str]:
        e = self.made.get(slug)
        if e is None:
            from .search_index import doc_entry
            if self._by_slug is None:        # (a scan per article was O(shard x site) per edit)
                self._by_slug = {x.slug: x for x in self.site.articles}
            a = self._by_slug[slug]
            e = memo.get("search-article", self.keys[slug],
                         lambda: [doc_entry(d, self.site.segmenter) for d in _search_docs_of(self.site, a)])
        return e


def _search_doc(lang: str, a: Article, text: Article | Translation) -> dict:
    """A search document: u (URL from the site root), l (zh|en), t (title), d (date), x (plain
    text); ``text`` is the article itself or its translation."""
    return {"u": urls.article(lang, a.slug), "l": lang, "t": plain_text(text.title), "d": a.date or "",
            "x": "\n".join(plain_text(x) for x in [text.subtitle or ""] + [b.text for b in text.blocks] if x)}


def zh_search_entry(a: Article, seg) -> tuple[str, str]:
    """(memo key, entry) of an article's Chinese search document: made by the keyword stage,
    which has just segmented the same text, so the search stage finds it in the memo."""
    from .search_index import doc_entry, entry_key
    d = _search_doc("zh", a, a)
    return entry_key(d, seg), doc_entry(d, seg)


def searched_translation(site, a: Article) -> Translation | None:
    """The translation an article's English search document is made from: none while it is
    missing or not aligned."""
    t = site.translations.get(a.slug)
    return t if t is not None and t.n_blocks == a.n_blocks else None


def _search_docs_of(site, a: Article) -> list[dict]:
    """An article's search documents (Chinese, and English when it has a searched translation)."""
    t = searched_translation(site, a)
    return [_search_doc("zh", a, a)] + ([_search_doc("en", a, t)] if t is not None else [])


def feed_entries(site: SiteData, lang: str, limit: int = 0) -> list[dict]:
    """The Atom feed's entries: the newest ``limit`` articles (all when 0), newest first."""
    out = []
    for a in (site.articles[:limit] if limit > 0 else site.articles):
        t = site.translations.get(a.slug)
        s = summary(a, t if (t and t.n_blocks == a.n_blocks) else None, lang)
        first = next((b.text for b in ((t.blocks if (lang == "en" and t) else a.blocks)) if b.kind == "paragraph"), "")
        out.append({"slug": a.slug, "title": s["title"], "date": a.date, "updated": feeds.updated(a),
                    "summary": s["subtitle"] or plain_text(first)[:300],
                    "path": urls.article(lang, a.slug)})
    return out

