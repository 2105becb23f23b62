"""Reader fixes of the browser review (issue 14), checked on the pages' HTML: newer/older
links, consistent language links, no language marked current on bilingual pages, the keyword
index in alphabetical order, "1 result"."""
from __future__ import annotations

import posixpath

from bs4 import BeautifulSoup
from pypinyin import lazy_pinyin

from digest.chars import HAN_WORD_RE

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
    han = [k for k in zh if HAN_WORD_RE.match(k)]
    assert len(han) >= 3
    assert han == sorted(han, key=lambda k: lazy_pinyin(k)), han


def test_the_search_page_says_1_result(built):
    out = built[0]
    assert soup(out / "en/search.html").find(id="search-status")["data-one"] == "1 result"
    assert soup(out / "zh/search.html").find(id="search-status")["data-one"] == "1 个结果"


def test_a_keyword_of_one_article_has_no_page_unless_asked(tmp_path):
    from digest.render import urls
    from digest.check import check_site
    site = make_site()
    single = [k for k in {k for ks in site.keywords.values() for k in ks}
              if sum(k in ks for ks in site.keywords.values()) == 1]
    shared = [k for k in {k for ks in site.keywords.values() for k in ks}
              if sum(k in ks for ks in site.keywords.values()) > 1]
    assert "文字" in single and "京口区" in shared
    out, _, _ = build(tmp_path / "out")
    assert not (out / "zh/keywords" / f"{urls.keyword_slug('文字')}.html").exists()
    assert (out / "zh/keywords" / f"{urls.keyword_slug('京口区')}.html").exists()
    # the article shows it as a plain label; the index links it straight to its article
    art = soup(out / "zh/no-translation-yet.html")
    labels = {li.get_text(): li.find("a") for li in art.select(".article-foot .tags li")}
    assert labels["文字"] is None and labels["京口区"] is not None
    index = soup(out / "zh/keywords/index.html")
    link = next(a for a in index.select(".kwcloud li a") if a.get_text() == "文字")
    assert resolve("zh/keywords/index.html", link["href"]) == "zh/no-translation-yet.html"
    assert check_site(out) == []
    # the config (keyword_page_min = 1) asks for a page for every keyword
    out1, _, _ = build(tmp_path / "out1", keyword_page_min=1)
    assert (out1 / "zh/keywords" / f"{urls.keyword_slug('文字')}.html").exists()
    assert soup(out1 / "zh/no-translation-yet.html").select_one(".article-foot .tags li a") is not None
