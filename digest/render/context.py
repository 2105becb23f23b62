"""What every page's context shares: the site as the pages see it (``SiteView``: keyword
slugs and labels, articles by keyword, neighbours, identities for page keys), the parts
common to every page (``common``: navigation, titles, credits) and an article's list item."""
from __future__ import annotations

import posixpath

import jinja2

from ..article import Article, Translation
from ..settings import Settings
from ..sitedata import SiteData
from ..state import digest_of
from . import memo, urls
from .keys import stable_digest
from .markdown import plain_text

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
    for iss in t.human_issues:
        if iss.kind == "stale" and iss.unit == "block":
            stale.add(iss.block)
    return flagged, stale


def en_info(t: Translation | None) -> dict:
    """What a page says about its article's English: who made it, what is unchecked."""
    if t is None:
        return {"en_origin": "missing", "translator": None, "title_flagged": False, "n_flagged": 0}
    return {"en_origin": t.origin, "translator": t.translator,
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


def pinyin_label(kw: str) -> str:
    """A keyword's English label when the translation stage gave none (memoised across builds)."""
    def compute() -> str:
        from pypinyin import lazy_pinyin
        return "".join(lazy_pinyin(kw)).capitalize() if kw else kw
    return memo.get("kwlabel", kw, compute)


class SiteView:
    """The site as its pages see it, shared by every page of a build: keyword slugs and
    English labels, articles by keyword, neighbours, and the identities that key the pages.
    ``env`` (optional) renders the list items of keyword pages once each."""

    def __init__(self, site: SiteData, settings: Settings, env: jinja2.Environment | None = None):
        self.site = site
        self.settings = settings
        self.env = env
        self.articles: list[Article] = list(site.articles)
        all_kws = [k for a in self.articles for k in site.keywords.get(a.slug, [])]
        self.kslug = urls.keyword_slugs(all_kws)
        self.down_items: dict[tuple[str, str], dict] = {}
        self._kw_links: dict[tuple[str, str, str], dict] = {}
        self._pos = {x.slug: i for i, x in enumerate(self.articles)}
        # a keyword has a page of its own when this many articles have it (else it is a plain
        # label on its article, and the keyword index links it straight to that article)
        self.page_min = max(1, settings.keyword_page_min)
        self.by_kw: dict[str, list[Article]] = {}
        for a in self.articles:
            for k in dict.fromkeys(site.keywords.get(a.slug, [])):
                self.by_kw.setdefault(k, []).append(a)
        # what every page shares besides its own inputs (the templates and code are in the key too)
        self.common = stable_digest((settings.site_title_zh, settings.site_title_en, settings.base_url,
                                     site.model_credit, self.page_min))
        self._ids: dict[str, str] = {}
        self._item_ids: dict[str, str] = {}
        self._folder_links: dict[tuple[str, str], dict] = {}

    def folder_links(self, folder: str, lang: str) -> dict:
        """``folder_links`` of a page's folder (``""`` or ending in ``/``), made once per build
        (the dict is shared: never changed)."""
        links = self._folder_links.get((folder, lang))
        if links is None:
            links = self._folder_links[(folder, lang)] = folder_links(self.settings, folder, lang)
        return links

    def article_id(self, a: Article) -> str:
        """A digest of everything an article's pages and list items are made from: the article,
        its translation, and its keywords with their slugs and English labels."""
        i = self._ids.get(a.slug)
        if i is None:
            kws = [(k, self.kslug[k], self.kw_label(k, "en"), self.has_page(k))
                   for k in dict.fromkeys(self.site.keywords.get(a.slug, []))]
            known = self.site.identities.get(a.slug)
            i = self._ids[a.slug] = (digest_of(known, kws) if known is not None else
                                     stable_digest((a, self.site.translations.get(a.slug), kws)))
        return i

    def item_id(self, a: Article) -> str:
        """A digest of what an article's list item shows (see ``item``): an edit to its body
        text leaves the lists and keyword pages it appears on alone."""
        i = self._item_ids.get(a.slug)
        if i is None:
            t = self.tr(a)
            kws = [(k, self.kslug[k], self.kw_label(k, "en"), self.has_page(k))
                   for k in dict.fromkeys(self.site.keywords.get(a.slug, []))]
            i = self._item_ids[a.slug] = digest_of(a.slug, a.title, a.subtitle, a.date, kws,
                                                   (t.title, t.subtitle) if t is not None else None)
        return i

    def has_page(self, kw: str) -> bool:
        return len(self.by_kw.get(kw, ())) >= self.page_min

    def kw_label(self, kw: str, lang: str) -> str:
        if lang == "zh":
            return kw
        return self.site.keyword_en.get(kw) or pinyin_label(kw)

    def neighbours(self, a: Article) -> tuple[Article | None, Article | None]:
        """The articles before (newer) and after (older) ``a`` in the lists' order."""
        i = self._pos[a.slug]
        return (self.articles[i - 1] if i > 0 else None,
                self.articles[i + 1] if i + 1 < len(self.articles) else None)

    def tr(self, a: Article) -> Translation | None:
        t = self.site.translations.get(a.slug)
        if t is not None and t.n_blocks != a.n_blocks:
            return None                         # not aligned: never show a wrong pairing
        return t

    def kw_links(self, a: Article, lang: str, path: str) -> list[dict]:
        """An article's keywords as links from the page at ``path`` (a plain label when the
        keyword has no page). A link depends only on the keyword, the language and the page's
        folder, so each is made once (the dicts are shared: never changed)."""
        folder = posixpath.dirname(path)
        out = []
        for k in dict.fromkeys(self.site.keywords.get(a.slug, [])):
            link = self._kw_links.get((k, lang, folder))
            if link is None:
                link = self._kw_links[(k, lang, folder)] = {
                    "label": self.kw_label(k, lang),
                    "href": urls.rel(path, urls.keyword(lang, self.kslug[k])) if self.has_page(k) else None}
            out.append(link)
        return out


def common(cx: SiteView, path: str, lang: str, title: str, alternates: dict[str, str] | None = None,
            og_type: str = "website", description: str = "", bilingual: bool = False) -> dict:
    s = cx.settings
    folder = path[:path.rfind("/") + 1]
    here = cx.folder_links(folder, lang)        # the links that depend on the page's folder only
    alt = alternates or {}
    return {
        "lang": lang,
        "html_lang": urls.HTML_LANG.get(lang, "zh-Hans"),
        "title": title,
        "description": description,
        "site_title": {"zh": s.site_title_zh, "en": s.site_title_en},
        "csp": CSP,
        "css": here["css"],
        "site_js": here["site_js"],
        "root": here["root"],
        "nav": {
            "home": here["home"],
            # each language: this page in that language when there is one, else that language's home
            **{l: urls.rel(path, alt.get(l, urls.lang_index(l))) for l in urls.LANGS},
            "current": None if bilingual else lang,        # a bilingual page is in neither
            "kw": here["kw"],
            "search": here["search"],
            "atom": here["atom"],
        },
        "alternates": [{"hreflang": urls.HTML_LANG[l], "href": urls.rel(path, p)} for l, p in alt.items()],
        "canonical": urls.absolute(s.base_url, path),
        "og_type": og_type,
        "credit": cx.site.model_credit,
        "credit_links": CREDIT_LINKS,
        "origin_text": None,
        "en_origin": None,          # on an article's pages: who made its English
        "translator": None,
    }


def folder_links(settings: Settings, folder: str, lang: str) -> dict:
    """The links of ``common`` that are the same on every page of a folder in a language."""
    r = lambda to: urls.rel(folder, to)  # noqa: E731
    return {"css": r(urls.static("style.css")), "site_js": r(urls.static("site.js")),
            "root": r(urls.home())[: -len("index.html")] or "./", "home": r(urls.home()),
            "kw": r(urls.keywords_index(lang if lang in urls.LANGS else "zh")),
            "search": r(urls.search(lang if lang in urls.LANGS else "zh")),
            "atom": r(urls.atom(lang)) if settings.base_url and lang in urls.LANGS else None}


def summary(a: Article, t: Translation | None, lang: str) -> dict:
    """Title, subtitle, date of one article in one language (for lists)."""
    if lang == "en" and t is not None:
        return {"title": plain_text(t.title), "subtitle": plain_text(t.subtitle) if t.subtitle else None,
                "lang": "en", "missing": False}
    if lang == "en":
        return {"title": plain_text(a.title), "subtitle": plain_text(a.subtitle) if a.subtitle else None,
                "lang": "zh-Hans", "missing": True}
    return {"title": plain_text(a.title), "subtitle": plain_text(a.subtitle) if a.subtitle else None,
            "lang": "zh-Hans", "missing": False}


def item(cx: SiteView, a: Article, lang: str, path: str) -> dict:
    """An article in a list (home page, lists, keyword pages) on the page at ``path``."""
    t = cx.tr(a)
    d = summary(a, t, lang)
    d.update(date=a.date, href=urls.rel(path, urls.article(lang, a.slug)),
             parallel=urls.rel(path, urls.parallel(a.slug)),
             keywords=cx.kw_links(a, lang, path))
    return d


def item_on_keyword_page(cx: SiteView, a: Article, lang: str) -> dict:
    """A list item for a keyword page (``zh/keywords/<k>.html``). Every keyword page is in the
    same folder, so the item is the same on all of them: made once per article and language,
    and rendered once with the theme's own macro (keyword.html shows ``it.html``)."""
    key = (a.slug, lang)
    made = cx.down_items.get(key)
    if made is None:
        made = item(cx, a, lang, urls.keywords_index(lang))
        if cx.env is not None:
            made["html"] = cx.env.get_template("_macros.html").module.item(made, lang)
        cx.down_items[key] = made
    return made

