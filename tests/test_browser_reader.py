"""Reader fixes of the browser review (issue 14), in headless chromium from file://: typography
(computed styles, read through a harness page that frames the built page), the side-by-side
page lined up with its header, one search box on phones, and search (the whole phrase in the
snippet, headings set apart, "1 result", a mixed Chinese/English query).

Model-free: the site is rendered from the hand-built SiteData of tests/render/."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from bs4 import BeautifulSoup

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium is not installed")]
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--hide-scrollbars",
         "--disable-extensions", "--disable-sync", "--mute-audio", "--allow-file-access-from-files"]

# Frames a built page and writes what the test asks for (a JS expression over d, the page's
# document, and w, its window) into <pre id="r"> as JSON.
HARNESS = """<!DOCTYPE html><html><body>
<iframe id="f" style="width:{width}px;height:900px;border:0" src="{src}"></iframe><pre id="r"></pre>
<script>
document.getElementById("f").onload = function () {{
  var d = this.contentDocument, w = this.contentWindow;
  function box(sel) {{ var e = d.querySelector(sel); return e ? e.getBoundingClientRect().left : null; }}
  function style(sel) {{ var e = d.querySelector(sel), s = e && w.getComputedStyle(e);
    return s ? {{ff: s.fontFamily, lh: parseFloat(s.lineHeight), fs: parseFloat(s.fontSize),
                 wrap: s.textWrap || s.textWrapStyle || ""}} : null; }}
  function visible(sel) {{ return Array.prototype.filter.call(d.querySelectorAll(sel),
    function (e) {{ return e.offsetParent !== null && e.getBoundingClientRect().width > 0; }}).length; }}
  document.getElementById("r").textContent = JSON.stringify({expr});
}};
</script></body></html>"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    sys.path.insert(0, str(REPO / "tests" / "render"))
    from sitedata import _machine, build, make_site
    from digest.article import Article, Block
    from digest.sitedata import sort_articles
    site = make_site()
    # a query word early, then, far below, the whole phrase / every query word together
    far = Article(slug="far-apart", title="港口新闻", date="2024-11-01",
                  blocks=[Block("paragraph", "数字化的港口。" + "今天天气很好，居民在江边散步。" * 12),
                          Block("paragraph", "本市数字产业增长很快。")])
    site.articles = sort_articles(site.articles + [far])
    site.translations["far-apart"] = _machine(far, [
        "The harbour opened. " + "The weather was fine and people walked by the river. " * 8,
        "Ferries leave the harbour every hour."], title="Harbour news")
    out = tmp_path_factory.mktemp("reader") / "out"
    build(out, site=site)
    return out


def chromium(profile: str, width: int, url: str) -> str:
    r = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", f"--window-size={width},1000",
                        "--virtual-time-budget=3000", "--dump-dom", url], capture_output=True, text=True, timeout=90)
    assert r.returncode == 0 and "<html" in r.stdout, r.stderr[-2000:]
    return r.stdout


def measure(site: Path, profile: str, page: str, expr: str, width: int = 1280) -> dict:
    harness = site.parent / f"harness-{abs(hash((page, expr, width)))}.html"
    harness.write_text(HARNESS.format(width=width, src="out/" + page, expr=expr), encoding="utf-8")
    dom = BeautifulSoup(chromium(profile, width + 40, harness.as_uri()), "html5lib")
    text = dom.find(id="r").get_text()
    assert text, "the harness did not run"
    return json.loads(text)


def search(site: Path, profile: str, lang: str, q: str, width: int = 1280) -> BeautifulSoup:
    url = (site / lang / "search.html").as_uri() + "?q=" + quote(q)
    return BeautifulSoup(chromium(profile, width, url), "html5lib")


def test_chinese_headlines_are_serif_everywhere_with_a_headline_line_height(site, profile):
    art = measure(site, profile, "zh/jingkou-new-mission.html", "{t: style('h1.title'), h: style('.body h2')}")
    home = measure(site, profile, "index.html", "{t: style('.front-zh h2 a')}")
    lst = measure(site, profile, "zh/index.html", "{t: style('.card-title a, h2 a')}")
    for s in (art["t"], art["h"], home["t"], lst["t"]):
        assert s["ff"].startswith('"Noto Serif CJK SC"'), s
    for s in (art["t"], art["h"], home["t"]):
        assert s["lh"] / s["fs"] < 1.5, s                            # not the body's 1.9
    assert art["t"]["wrap"] == "balance"                              # no character alone on the last line


def test_the_side_by_side_page_lines_up_with_its_header(site, profile):
    for width in (1400, 1800):
        r = measure(site, profile, "parallel/jingkou-new-mission.html",
                    "{head: box('.masthead .wrap'), main: box('main'), foot: box('.colophon .wrap')}", width)
        assert r["head"] == r["main"] == r["foot"], (width, r)


def test_phones_show_one_search_box_on_the_search_page(site, profile):
    r = measure(site, profile, "zh/search.html", "{n: visible('input[type=search]')}", width=390)
    assert r["n"] == 1
    r = measure(site, profile, "zh/index.html", "{n: visible('input[type=search]')}", width=390)
    assert r["n"] == 1                                                # the header's box elsewhere


def test_one_result_is_said_in_the_singular(site, profile):
    d = search(site, profile, "en", "mission")
    assert len(d.select("#search-results li")) == 1
    assert d.find(id="search-status").get_text() == "1 result"


def test_a_mixed_query_finds_the_article_in_both_languages(site, profile):
    d = search(site, profile, "zh", "京口 digital")
    hrefs = [a["href"] for a in d.select("#search-results li a")]
    assert any(h.endswith("zh/jingkou-new-mission.html") for h in hrefs), hrefs
    assert any(h.endswith("en/jingkou-new-mission.html") for h in hrefs), hrefs


def _result(d: BeautifulSoup, slug: str):
    for li in d.select("#search-results li"):
        if li.find("a")["href"].endswith(f"/{slug}.html"):
            return li
    raise AssertionError(f"{slug} not found")


def test_the_snippet_centres_on_the_whole_phrase_not_a_part_of_it(site, profile):
    d = search(site, profile, "zh", "数字产业")          # 数字 comes first, far above 数字产业
    snip = _result(d, "far-apart").select_one(".r-snip")
    assert "数字产业" in snip.get_text(), snip.get_text()
    assert "数字产业" in [m.get_text() for m in snip.select("mark")]


def test_every_query_word_is_in_the_snippet_when_they_are_together_somewhere(site, profile):
    d = search(site, profile, "en", "harbour ferries")    # harbour first, alone, far above both
    snip = _result(d, "far-apart").select_one(".r-snip")
    marks = {m.get_text().lower() for m in snip.select("mark")}
    assert "harbour" in marks and "ferries" in marks, (marks, snip.get_text())


def test_a_heading_is_set_apart_from_the_next_paragraph_in_snippets(site, profile):
    d = search(site, profile, "zh", "构筑产业集聚新高地")
    snip = d.select_one("#search-results li .r-snip").get_text()
    assert "新高地 · " in snip, snip
