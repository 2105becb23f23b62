"""Reader fixes of the browser review (issue 14), checked on the pages' HTML: newer/older
links, consistent language links, no language marked current on bilingual pages, the keyword
index in alphabetical order, "1 result"."""
from __future__ import annotations

import posixpath

from bs4 import BeautifulSoup
from pypinyin import lazy_pinyin

from sitedata import build, make_site


def soup(p):
    return BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser")


def resolve(page: str, href: str) -> str:
    return posixpath.normpath(posixpath.join(posixpath.dirname(page), href))


def test_articles_link_to_the_newer_and_the_older_one(built):
    out = built[0]
    order = [a.slug for a in make_site().articles]          # the lists' order: newest first
    assert len(order) >= 3
    for lang in ("zh", "en"):
        for i, slug in enumerate(order):
            page = f"{lang}/{slug}.html"
            nav = soup(out / page).select_one("nav.prevnext")
            newer, older = nav.select_one("a.pn-newer"), nav.select_one("a.pn-older")
            if i == 0:
                assert newer is None
            else:
                assert newer["rel"] == ["prev"] and resolve(page, newer["href"]) == f"{lang}/{order[i - 1]}.html"
            if i == len(order) - 1:
                assert older is None
            else:
                assert older["rel"] == ["next"] and resolve(page, older["href"]) == f"{lang}/{order[i + 1]}.html"
                assert older.select_one(".pn-title").get_text(strip=True)


def test_the_english_article_names_its_neighbours_in_english(built):
    out = built[0]
    page = soup(out / "en/hostile-text.html")
    newer = page.select_one("a.pn-newer .pn-title")
    assert newer.get_text() == "Jingkou takes on the new mission of the main city" and newer["lang"] == "en"


def test_both_language_links_lead_to_this_article(built):
    out = built[0]
    for lang in ("zh", "en"):
        page = f"{lang}/jingkou-new-mission.html"
        links = {a["lang"][:2]: a for a in soup(out / page).select(".sitenav a[lang]")}
        assert resolve(page, links["zh"]["href"]) == "zh/jingkou-new-mission.html"
        assert resolve(page, links["en"]["href"]) == "en/jingkou-new-mission.html"
        assert links[lang].get("class") == ["current"] and not links["en" if lang == "zh" else "zh"].get("class")


def test_bilingual_pages_mark_no_language_as_current(built):
    out = built[0]
    for page in ("index.html", "parallel/jingkou-new-mission.html"):
        assert soup(out / page).select(".sitenav a.current") == [], page
    assert soup(out / "zh/index.html").select(".sitenav a.current")[0]["lang"] == "zh-Hans"


def test_the_keyword_index_is_alphabetical(built):
    out = built[0]
    en = [a.get_text() for a in soup(out / "en/keywords/index.html").select(".kwcloud li a")]
    assert len(en) >= 4 and en == sorted(en, key=str.casefold), en
    zh = [a.get_text() for a in soup(out / "zh/keywords/index.html").select(".kwcloud li a")]
    han = [k for k in zh if all("\u4e00" <= c <= "\u9fff" for c in k)]
    assert len(han) >= 3
    assert han == sorted(han, key=lambda k: lazy_pinyin(k)), han


def test_the_search_page_says_1_result(built):
    out = built[0]
    assert soup(out / "en/search.html").find(id="search-status")["data-one"] == "1 result"
    assert soup(out / "zh/search.html").find(id="search-status")["data-one"] == "1 个结果"
