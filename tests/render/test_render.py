"""The rendered site: structure, pairing, escaping, relative links, CSP, feeds, check."""
from __future__ import annotations

import os
import posixpath
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from sitedata import build, make_site

from digest.check import check_site
from digest.render import urls
from digest.render.search_index import stem, tokens_zh

SLUGS = ["jingkou-new-mission", "hostile-text", "no-translation-yet", "undated"]


def soup(p: Path) -> BeautifulSoup:
    return BeautifulSoup(p.read_text(encoding="utf-8"), "html5lib")


def html_files(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


def test_pages_exist(built):
    out = built[0]
    for rel in ["index.html", "zh/index.html", "en/index.html", "zh/keywords/index.html",
                "en/keywords/index.html", "zh/search.html", "static/style.css",
                "static/search/meta.js", "static/search.js"]:
        assert (out / rel).is_file(), rel
    for s in SLUGS:
        for rel in (f"zh/{s}.html", f"en/{s}.html", f"parallel/{s}.html"):
            assert (out / rel).is_file(), rel


def test_html_lang_and_pairs(built):
    out = built[0]
    for s in SLUGS:
        zh, en = soup(out / f"zh/{s}.html"), soup(out / f"en/{s}.html")
        assert zh.html["lang"] == "zh-Hans" and en.html["lang"] == "en"
        assert zh.find("link", rel="alternate", hreflang="en")["href"] == f"../en/{s}.html"
        assert en.find("link", rel="alternate", hreflang="zh-Hans")["href"] == f"../zh/{s}.html"
        assert zh.find(id="lang-switch")["href"] == f"../en/{s}.html"
        # the same anchors in both languages, so the switch keeps the reader's place
        ids_zh = [t["id"] for t in zh.select(".body [id]")]
        ids_en = [t["id"] for t in en.select(".body [id]")]
        assert ids_zh == ids_en and ids_zh
        for h in zh.select(".body h2"):
            assert h.find("a", class_="pair")["href"] == f"../en/{s}.html#{h['id']}"


def test_article_content(built):
    out = built[0]
    zh = soup(out / "zh/jingkou-new-mission.html")
    assert zh.find("h1").get_text(strip=True).startswith("京口")
    assert "张三" in zh.find(class_="byline").get_text() and "李四" in zh.find(class_="byline").get_text()
    assert [a.get_text() for a in zh.select(".article-foot .tags a")][:2] == ["京口", "数字经济"]
    en = soup(out / "en/jingkou-new-mission.html")
    assert en.find("h1").get_text(strip=True) == "Jingkou takes on the new mission of the main city"
    assert [a.get_text() for a in en.select(".article-foot .tags a")][:2] == ["Jingkou", "digital economy"]
    # a keyword without an English label falls back to pinyin (镇江 tags one article: a plain label)
    assert "Zhenjiang" in [li.get_text() for li in en.select(".article-foot .tags li")]
    assert "machine-translated" in en.find(class_="origin").get_text()
    assert "Argos Translate" in en.find(class_="credit").get_text()
    assert en.find("a", string="CC BY 4.0")["href"] == "https://creativecommons.org/licenses/by/4.0/"
    assert en.find("a", string="CC-CEDICT") and en.find("a", string="CC BY-SA 4.0")   # names, labels


def test_translation_states(built):
    out = built[0]
    missing = soup(out / "en/no-translation-yet.html")
    assert "Translation not available yet" in missing.find(class_="notice").get_text()
    assert missing.find("article")["lang"] == "zh-Hans"       # the Chinese text, marked as such
    stale = soup(out / "en/hostile-text.html")
    assert stale.find(class_="stale") is not None
    assert "by a person" in stale.find(class_="origin").get_text()
    assert "by a person" in soup(out / "en/undated.html").find(class_="origin").get_text()
    assert soup(out / "zh/hostile-text.html").find(class_="stale") is None
    par = soup(out / "parallel/no-translation-yet.html")
    assert "Translation not available yet" in par.get_text()


def test_parallel_alignment_and_toggle(built):
    out = built[0]
    site = make_site()
    a = next(x for x in site.articles if x.slug == "jingkou-new-mission")
    par = soup(out / "parallel/jingkou-new-mission.html")
    rows = par.select(".parallel > .prow:not(.prow-head)")
    assert len(rows) == len(a.blocks)
    for row, b in zip(rows, a.blocks):
        zh, en = row.find(class_="zh"), row.find(class_="en")
        assert zh["lang"] == "zh-Hans" and en["lang"] == "en"
        assert zh.name == en.name == ("h2" if b.kind == "heading" else "p")
        assert zh.get_text() == b.text
    # no-JS toggles: radio inputs before the content, one checked per group
    for name in ("view", "layout"):
        radios = par.find_all("input", attrs={"name": name})
        assert len([r for r in radios if r.has_attr("checked")]) == 1
        for r in radios:
            assert par.find("label", attrs={"for": r["id"]}) is not None


def test_hostile_text_stays_text(built):
    out = built[0]
    for p in html_files(out):
        s = soup(p)
        for sc in s.find_all("script"):
            assert sc.get("src") and not sc.get_text().strip(), (p, sc)
            assert sc["src"].endswith((".js",)) and "static/" in sc["src"]
        assert not s.find_all("img"), p
        for el in s.find_all(True):
            assert not any(k.lower().startswith("on") for k in el.attrs), (p, el)
            for attr in ("href", "src", "action"):
                v = el.get(attr)
                if v:
                    assert not re.match(r"\s*(javascript|data|vbscript):", v, re.I), (p, v)
        assert "49" not in s.get_text().split("7*7")[0][-5:]
    zh = soup(out / "zh/hostile-text.html")
    body = zh.find(class_="body")
    texts = [p.get_text() for p in body.find_all("p")]
    assert "<script>alert(1)</script>" in texts
    assert "<img src=x onerror=alert(2)>" in texts
    assert "{{ 7*7 }} and {% if true %}jinja{% endif %}" in texts
    for h in ("# not a heading", "---", "| a | b |"):
        assert h in texts
    assert body.find("h1") is None and body.find("hr") is None and body.find("table") is None
    assert zh.find("h1").get_text(strip=True) == "<script>alert('t')</script>标题 {{ 7*7 }}"
    links = {a.get_text(): a.get("href") for a in body.find_all("a")}
    assert "click" not in links and links["ok"] == "https://example.org/a?b=1"
    assert links["rel"] == "../index.html"
    assert zh.title.get_text().startswith("<script>")


def test_csp_and_no_external_requests(built):
    out = built[0]
    for p in html_files(out):
        s = soup(p)
        csp = s.find("meta", attrs={"http-equiv": "Content-Security-Policy"})
        assert csp is not None, p
        pol = dict((d.split()[0], d.split()[1:]) for d in csp["content"].split(";") if d.strip())
        assert pol["script-src"] == ["'self'"] and pol["default-src"] == ["'none'"]
        for el in s.find_all(["link", "script"]):
            ref = el.get("href") or el.get("src")
            if el.name == "link" and el.get("rel") in (["canonical"],):
                continue
            assert ref and not re.match(r"[a-z]+:|//|/", ref), (p, ref)
    css = (out / "static/style.css").read_text()
    assert "@import" not in css and "url(" not in css and "@font-face" not in css


def test_every_link_relative_and_check_passes(built):
    out = built[0]
    assert check_site(out) == []
    for p in html_files(out):
        rel = p.relative_to(out).as_posix()
        for el in soup(p).find_all(href=True):
            href = el["href"]
            if href.startswith(("http://", "https://", "mailto:")):
                assert el.name == "a", (p, href)
                continue
            assert not href.startswith("/")
            target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), href.split("#")[0]))
            assert not target.startswith(".."), (p, href)


def test_no_base_url_no_feeds(built):
    out, _rep, infos = built
    assert not (out / "sitemap.xml").exists() and not (out / "zh/atom.xml").exists()
    assert len([i for i in infos if "base-url" in i]) == 1
    assert soup(out / "zh/jingkou-new-mission.html").find("link", rel="canonical") is None


def test_feeds_and_sitemap(built_base):
    out = built_base[0]
    base = "https://news.example.org/digest/"
    ns = {"a": "http://www.w3.org/2005/Atom"}
    for lang in ("zh", "en"):
        feed = ET.parse(out / f"{lang}/atom.xml").getroot()
        entries = feed.findall("a:entry", ns)
        assert len(entries) == 4
        assert feed.find("a:updated", ns).text == "2024-11-20T00:00:00Z"
        for e in entries:
            assert e.find("a:id", ns).text.startswith(base + lang + "/")
            hl = [l.get("hreflang") for l in e.findall("a:link", ns)]
            assert hl == [urls.HTML_LANG[lang]]           # one link, in the feed's language
        titles = [e.find("a:title", ns).text for e in entries]
        assert ("<script>alert('t')</script>标题 {{ 7*7 }}" in titles) == (lang == "zh")
    sm = ET.parse(out / "sitemap.xml").getroot()
    locs = [u.find("{http://www.sitemaps.org/schemas/sitemap/0.9}loc").text for u in sm]
    assert base + "zh/jingkou-new-mission.html" in locs and base + "en/jingkou-new-mission.html" in locs
    assert all(l.startswith(base) for l in locs)
    zh = soup(out / "zh/jingkou-new-mission.html")
    assert zh.find("link", rel="canonical")["href"] == base + "zh/jingkou-new-mission.html"
    assert zh.find("meta", property="og:title") is not None
    assert check_site(out) == []


W3C_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:\d{2}))?")


def test_a_feed_reader_opens_each_entry_in_the_feed_language(built_base):
    import feedparser
    out = built_base[0]
    base = "https://news.example.org/digest/"
    for lang in ("zh", "en"):
        feed = feedparser.parse((out / f"{lang}/atom.xml").read_bytes())
        assert not feed.bozo, feed.bozo_exception
        assert [e.link for e in feed.entries] == [f"{base}{lang}/{s}.html" for s in SLUGS]
        for e in feed.entries:
            assert [l.href for l in e.links if l.rel == "alternate"] == [e.link]
        # the date when there is one, else the source's time; never the epoch
        times = {e.link.rsplit("/", 1)[1]: e.updated for e in feed.entries}
        assert times == {"jingkou-new-mission.html": "2024-11-20T00:00:00Z",
                         "hostile-text.html": "2024-11-19T00:00:00Z",
                         "no-translation-yet.html": "2024-11-18T00:00:00Z",
                         "undated.html": "2024-10-05T08:30:00Z"}
        assert all(e.updated_parsed.tm_year > 1970 for e in feed.entries)
        assert feed.feed.updated == "2024-11-20T00:00:00Z"


def test_sitemap_lastmod_values_are_w3c_dates(built_base):
    sm = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    lastmods = {u.find(f"{sm}loc").text.rsplit("/", 1)[1]: u.find(f"{sm}lastmod")
                for u in ET.parse(built_base[0] / "sitemap.xml").getroot()}
    for page, el in lastmods.items():
        if el is not None:
            assert W3C_DATETIME.fullmatch(el.text), (page, el.text)
    assert lastmods["undated.html"].text == "2024-10-05T08:30:00Z"
    assert lastmods["jingkou-new-mission.html"].text == "2024-11-20"


def test_an_undated_file_written_by_hand_gets_its_file_time(tmp_path):
    from digest.article import Article
    from digest.render import feeds
    p = tmp_path / "a.zh.md"
    p.write_text("x", encoding="utf-8")
    os.utime(p, (1_700_000_000, 1_700_000_000))
    assert feeds.updated(Article(slug="a", title="t", path=p)) == "2023-11-14T22:13:20Z"
    assert feeds.updated(Article(slug="a", title="t", path=p, source_time="2024-01-01T00:00:00Z")) \
        == "2024-01-01T00:00:00Z"
    assert feeds.updated(Article(slug="a", title="t", path=p, date="2024-02-29")) == "2024-02-29T00:00:00Z"


def test_feeds_hold_the_newest_feed_size_articles(tmp_path):
    ns = {"a": "http://www.w3.org/2005/Atom"}
    out = build(tmp_path / "out", base_url="https://news.example.org/digest", feed_size=2)[0]
    for lang in ("zh", "en"):
        feed = ET.parse(out / f"{lang}/atom.xml").getroot()
        ids = [e.find("a:id", ns).text.rsplit("/", 1)[1] for e in feed.findall("a:entry", ns)]
        assert ids == ["jingkou-new-mission.html", "hostile-text.html"]      # newest first
        assert feed.find("a:updated", ns).text == "2024-11-20T00:00:00Z"
    # the sitemap still lists every article
    locs = [u.find("{http://www.sitemaps.org/schemas/sitemap/0.9}loc").text
            for u in ET.parse(out / "sitemap.xml").getroot()]
    assert any(l.endswith("/zh/undated.html") for l in locs)


def test_deterministic(tmp_path, built):
    out2 = build(tmp_path / "again")[0]
    a = {p.relative_to(built[0]): p.read_bytes() for p in built[0].rglob("*") if p.is_file()}
    b = {p.relative_to(out2): p.read_bytes() for p in out2.rglob("*") if p.is_file()}
    assert a == b


def test_keyword_pages(built):
    out = built[0]
    idx = soup(out / "zh/keywords/index.html")
    counts = {li.a.get_text(): int(li.find(class_="count").get_text()) for li in idx.select(".kwcloud li")}
    assert counts["京口"] == 2 and counts["数字经济"] == 2 and counts["京口区"] == 2
    # hostile keywords get safe ASCII slugs inside keywords/
    for d in (out / "zh/keywords").iterdir():
        assert re.fullmatch(r"[a-z0-9-]+(\.html)?", d.name), d.name
    page = soup(out / f"zh/keywords/{urls.keyword_slug('数字经济')}.html")
    assert sorted(a["href"] for a in page.select(".card-title a")) == [
        "../jingkou-new-mission.html", "../undated.html"]
    en = soup(out / "en/keywords/index.html")
    assert "<script>x</script>" in [a.get_text() for a in en.select(".kwcloud a")]


def test_search_index(built, seg):
    from test_search_parts import read_parts
    assert not list((built[0] / "static").glob("search-index*"))
    parts = read_parts(built[0] / "static" / "search")
    docs = [v for k, v in parts.items() if k.startswith("d/")]
    assert {d["l"] for d in docs} == {"zh", "en"}
    assert len(docs) == len(parts["meta"]["a"].split(",")) == 7   # 4 Chinese, 3 English (one translation missing)
    jk = [n for n, d in parts.items() if n.startswith("d/") and d["u"] == "zh/jingkou-new-mission.html"][0]
    terms = {t: v for k, p in parts.items() if k.startswith("k-") for t, v in p.items()}
    assert jk[2:] + ":" in terms["京口"] or (";" + jk[2:] + ":") in terms["京口"]
    assert {"economy", "jingkou"} <= set(terms)
    assert stem("economies") == stem("economy") == "economy"
    assert stem("Jingkou") == "jingkou" and stem("cities") == "city"
    assert {"数字", "经济"} <= set(tokens_zh("京口区数字经济", seg)) and "京口" in tokens_zh("京口区数字经济", seg)


def test_check_finds_planted_problems(tmp_path, built):
    out = tmp_path / "site"
    shutil.copytree(built[0], out)
    p = out / "zh/jingkou-new-mission.html"
    p.write_text(p.read_text(encoding="utf-8").replace(
        "</main>", '<a href="nowhere.html">x</a><a href="undated.html#nope">y</a></main>'),
        encoding="utf-8")
    (out / "en/undated.html").unlink()
    k = out / f"zh/keywords/{urls.keyword_slug('京口区')}.html"
    k.write_text(k.read_text(encoding="utf-8").replace("</main>", "<div></span></main>"), encoding="utf-8")
    problems = "\n".join(check_site(out))
    assert "broken link: nowhere.html" in problems
    assert "broken anchor: undated.html#nope" in problems
    assert "no en page for this zh article" in problems
    assert "stray </span>" in problems or "not closed" in problems
    assert check_site(tmp_path / "absent")


@pytest.mark.parametrize("bad", ["../x", "a/../../b", "/etc/passwd", "a\\b", "a\x00b", "", "a//b", "./a"])
def test_safe_rel_rejects(bad):
    with pytest.raises(ValueError):
        urls.safe_rel(bad)


@pytest.mark.parametrize("slug", ["../../etc/passwd", "a/b", "..", "京口", "x\x00y", "A B", "." * 300])
def test_paths_from_hostile_slugs_stay_inside(slug):
    for p in (urls.article("zh", slug), urls.parallel(slug), urls.keyword("en", urls.keyword_slug(slug))):
        assert urls.safe_rel(p) == p
        assert p.count("/") == p.count("/")  # noqa: PLR0124
        assert not posixpath.normpath(p).startswith("..")
    assert re.fullmatch(r"[a-z0-9-]+", urls.keyword_slug(slug))


def test_keyword_slugs_unique():
    s = urls.keyword_slugs(["数字", "shu zi", "Shu-Zi"])
    assert len(set(s.values())) == 3


def test_compiled_templates_are_cached_and_follow_template_edits(tmp_path):
    import shutil
    from digest.render.environment import make_env, render_page
    from digest.render.pages import Page
    theme = tmp_path / "theme"
    shutil.copytree(Path(__file__).resolve().parents[2] / "digest" / "themes" / "default", theme)
    (theme / "templates" / "t.html").write_text("one {{ x }}", encoding="utf-8")
    cache = tmp_path / "cache"
    page = Page("t/index.html", "t.html", {"x": "<b>"})
    assert render_page(make_env(theme, cache), page) == b"one &lt;b&gt;"
    assert list(cache.rglob("*.cache"))                       # compiled once, kept
    (cache / "templates" / "older-code").mkdir()
    (cache / "templates" / "older-code" / "x.cache").write_text("")
    (theme / "templates" / "t.html").write_text("two {{ x }}", encoding="utf-8")
    assert render_page(make_env(theme, cache), page) == b"two &lt;b&gt;"
    assert (cache / "templates" / "older-code").exists()      # only a new code version cleans up
    blocked = tmp_path / "file"
    blocked.write_text("")                                    # a cache that cannot be made
    assert render_page(make_env(theme, blocked / "sub"), page) == b"two &lt;b&gt;"


def test_template_cache_of_another_checkout_in_use_is_kept_and_its_loss_is_harmless(tmp_path):
    # two checkouts of different versions build at once on one cache: neither may delete the
    # other's compiled templates while it runs, and a folder that vanishes is only a cache miss
    import os
    import shutil
    import time
    from digest.render import environment
    from digest.render.environment import make_env, render_page
    from digest.render.pages import Page
    theme = tmp_path / "theme"
    shutil.copytree(Path(__file__).resolve().parents[2] / "digest" / "themes" / "default", theme)
    (theme / "templates" / "t.html").write_text("one {{ x }}", encoding="utf-8")
    cache = tmp_path / "cache"
    recent = cache / "templates" / "other-version-building-now"
    stale = cache / "templates" / "version-unused-for-weeks"
    for d in (recent, stale):
        d.mkdir(parents=True)
    old = time.time() - environment.TEMPLATE_CACHE_MAX_AGE - 60
    os.utime(stale, (old, old))
    env = make_env(theme, cache)
    assert recent.is_dir() and not stale.exists()
    for d in (cache / "templates").iterdir():
        shutil.rmtree(d)                                      # pruned under a running build
    assert render_page(env, Page("t/index.html", "t.html", {"x": 1})) == b"one 1"


def _listed(p: Path, selector: str) -> list[str]:
    return [a["href"].split("/")[-1][: -len(".html")] for a in soup(p).select(selector)]


@pytest.mark.parametrize("per_page", [1, 3])
def test_home_and_lists_are_paginated_and_every_article_is_on_one_page(tmp_path, per_page):
    from digest.check import check_site
    site = make_site()
    slugs = [a.slug for a in site.articles]                 # newest first
    out, rep, _ = build(tmp_path / "out", site=site, per_page=per_page)
    assert not rep.errors and check_site(out) == []
    total = -(-len(slugs) // per_page)
    for lang, first, nth, sel in (("zh", "zh/index.html", "zh/page/{}.html", ".card-title a"),
                                  ("en", "en/index.html", "en/page/{}.html", ".card-title a"),
                                  (None, "index.html", "page/{}.html", ".front-zh h2 a")):
        paths = [out / (first if n == 1 else nth.format(n)) for n in range(1, total + 1)]
        assert not (out / nth.format(total + 1)).exists()
        listed = [s for p in paths for s in _listed(p, sel)]
        assert listed == slugs, (lang, listed)              # each once, in order, across the pages
        for n, p in enumerate(paths, 1):
            doc = soup(p)
            assert doc.select_one(".pager-current").get_text() == str(n)
            older = doc.select_one("a[rel=next]")
            newer = doc.select_one("a[rel=prev]")
            assert (older is None) == (n == total) and (newer is None) == (n == 1)
            if older is not None:                           # the link leads to the next page
                target = posixpath.normpath(posixpath.join(posixpath.dirname(p.relative_to(out).as_posix()),
                                                           older["href"]))
                assert out / target == paths[n]
            if lang and n > 1:
                assert f"{n}" in doc.title.get_text()


def test_keyword_pages_are_paginated_like_the_lists(tmp_path):
    site = make_site()
    on_kw = [a.slug for a in site.articles if "京口" in site.keywords[a.slug]]     # newest first
    assert len(on_kw) == 2
    out, rep, _ = build(tmp_path / "out", site=site, per_page=1)
    ks = urls.keyword_slug("京口")
    for lang in ("zh", "en"):
        paths = [urls.keyword(lang, ks, n) for n in (1, 2)]
        assert paths[1] == f"{lang}/keywords/{ks}.2.html"
        assert not (out / urls.keyword(lang, ks, 3)).exists()
        assert [s for p in paths for s in _listed(out / p, ".card-title a")] == on_kw
        first, second = soup(out / paths[0]), soup(out / paths[1])
        assert first.select_one("a[rel=next]")["href"] == f"{ks}.2.html"
        assert second.select_one("a[rel=prev]")["href"] == f"{ks}.html"
        other = "en" if lang == "zh" else "zh"          # page n pairs with the other language's page n
        hreflang = "en" if other == "en" else "zh-Hans"
        assert second.find("link", hreflang=hreflang)["href"] == f"../../{other}/keywords/{ks}.2.html"
    idx = soup(out / "zh/keywords/index.html")           # the index links to page 1, with the full count
    link = next(li for li in idx.select(".kwcloud li") if li.a.get_text() == "京口")
    assert link.a["href"] == f"{ks}.html" and link.find(class_="count").get_text() == "2"
    assert check_site(out) == []


def test_the_masthead_language_link_leads_to_this_pages_counterpart(tmp_path):
    out = build(tmp_path / "out", per_page=1)[0]
    ks = urls.keyword_slug("京口")
    for page, other in (("zh/jingkou-new-mission.html", "en/jingkou-new-mission.html"),
                        (f"zh/keywords/{ks}.2.html", f"en/keywords/{ks}.2.html"),
                        ("zh/page/2.html", "en/page/2.html"),
                        ("en/keywords/index.html", "zh/keywords/index.html"),
                        ("parallel/jingkou-new-mission.html", "en/index.html")):   # no counterpart
        lang = page.split("/")[0] if page.startswith(("zh/", "en/")) else "zh"
        nav = {a["lang"][:2]: a["href"] for a in soup(out / page).select(".sitenav a[lang]")}
        resolve = lambda href: posixpath.normpath(posixpath.join(posixpath.dirname(page), href))  # noqa: E731
        assert resolve(nav[other[:2]]) == other, page
        # its own language, consistently: this very page when it has a counterpart (issue 14), else that home
        assert resolve(nav[lang]) == (page if other != "en/index.html" else f"{lang}/index.html"), page


def test_one_page_when_the_site_is_small_or_per_page_is_0(tmp_path):
    out, _, _ = build(tmp_path / "out", per_page=0)
    assert not (out / "page").exists() and not (out / "zh" / "page").exists()
    assert soup(out / "index.html").select_one(".pager") is None
    assert len(soup(out / "zh" / "index.html").select(".card-title a")) == len(make_site().articles)


def test_the_search_page_loads_no_index_and_knows_where_the_parts_are(built):
    page = soup(built[0] / "zh" / "search.html")
    scripts = [s["src"] for s in page.select("script[src]")]
    assert not [s for s in scripts if "search-index" in s or "/search/" in s]
    assert scripts[-1].endswith("search.js")
    assert page.find(id="search-results")["data-parts"] == "../static/search/"
    from test_search_parts import read_parts          # the shard counts, so meta loads with the parts
    shards = dict(kv.split(":") for kv in page.find(id="search-results")["data-shards"].split(","))
    assert {k: int(v) for k, v in shards.items()} == read_parts(built[0] / "static" / "search")["meta"]["s"]


def test_slugs_that_name_the_sites_own_files_get_a_suffix():
    from digest.render import urls as u
    for lang in u.LANGS:
        assert u.article(lang, "index") not in (u.lang_index(lang), u.search(lang))
        assert u.article(lang, "search") != u.search(lang)
        assert u.keyword(lang, u.keyword_slugs(["index"])["index"]) != u.keywords_index(lang)
        assert u.keyword(lang, "index") != u.keywords_index(lang)
    assert u.article("zh", "index-news") == "zh/index-news.html"      # only the exact names
