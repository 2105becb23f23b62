"""The built site in a real browser: headless Debian chromium, from file://, no network.

Drives chromium through its command line (``--dump-dom`` runs the page's scripts and
prints the resulting DOM; ``--screenshot`` saves a PNG), so it needs no driver and no
extra Python package. The path: home -> article -> switch language -> side by side ->
search for 京口 and for Jingkou. Screenshots go to tests/screenshots/ (git-ignored).

The site is built with the real pipeline (``build.py``) when the ingest and translate
stages exist, else rendered from the hand-built SiteData of tests/render/.
"""
from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote, unquote, urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup

REPO = Path(__file__).resolve().parent.parent
SHOTS = REPO / "tests" / "screenshots"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium is not installed")]
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--hide-scrollbars",
         "--disable-extensions", "--disable-sync", "--mute-audio"]


def _have(mod: str) -> bool:
    try:
        return importlib.util.find_spec(mod) is not None
    except ModuleNotFoundError:
        return False


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("browser")
    out = root / "output"
    if _have("digest.ingest") and _have("digest.translate"):
        shutil.copytree(REPO / "seeds", root / "seeds")
        shutil.copytree(REPO / "digest" / "themes", root / "themes")
        glossary = REPO / "content" / "glossary.toml"
        if glossary.exists():
            (root / "content").mkdir()
            shutil.copy(glossary, root / "content" / "glossary.toml")
        r = subprocess.run([sys.executable, str(REPO / "build.py"), "--quiet"], cwd=root,
                           capture_output=True, text=True, timeout=1800)
        assert out.is_dir(), f"build.py made no output/:\n{r.stdout}\n{r.stderr}"
    else:
        sys.path.insert(0, str(REPO / "tests" / "render"))
        from sitedata import build  # tests/render/sitedata.py
        build(out)
    return out


def file_url(p: Path, query: str = "", fragment: str = "") -> str:
    url = p.resolve().as_uri()
    return url + (f"?{query}" if query else "") + (f"#{fragment}" if fragment else "")


def chromium(profile: str, *args: str, timeout: int = 90) -> subprocess.CompletedProcess:
    return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=timeout)


def dom(profile: str, url: str, width: int = 1280) -> BeautifulSoup:
    r = chromium(profile, f"--window-size={width},1000", "--virtual-time-budget=3000", "--dump-dom", url)
    assert r.returncode == 0 and "<html" in r.stdout, r.stderr[-2000:]
    return BeautifulSoup(r.stdout, "html5lib")


def shot(profile: str, url: str, name: str, width: int = 1280, height: int = 1500) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    target = SHOTS / name
    r = chromium(profile, f"--window-size={width},{height}", "--virtual-time-budget=3000",
                 f"--screenshot={target}", url)
    assert target.is_file() and target.stat().st_size > 5000, r.stderr[-2000:]
    return target


def follow(url: str, href: str) -> Path:
    """The local file a relative link on the page at ``url`` points to."""
    full = urljoin(url, href)
    assert full.startswith("file://"), full
    return Path(unquote(urlsplit(full).path))


def test_reading_path(site, profile):
    home_url = file_url(site / "index.html")
    home = dom(profile, home_url)
    assert home.html["lang"] == "zh-Hans"
    shot(profile, home_url, "home.png")

    # home -> the first article in Chinese
    first = home.select_one(".front-zh h2 a")
    assert first is not None, "the front page lists no article"
    zh_path = follow(home_url, first["href"])
    zh_url = file_url(zh_path)
    zh = dom(profile, zh_url)
    assert zh.html["lang"] == "zh-Hans" and zh.find("h1").get_text(strip=True)
    shot(profile, zh_url, "article-zh.png")
    shot(profile, zh_url, "article-zh-phone.png", width=390, height=1400)

    # switch language; site.js keeps the section anchor the reader is at
    headings = zh.select(".body h2[id]")
    if headings:
        anchor = headings[-1]["id"]
        at = dom(profile, file_url(zh_path, fragment=anchor))
        assert at.find(id="lang-switch")["href"].endswith("#" + anchor), "site.js did not run"
    en_path = follow(zh_url, zh.find(id="lang-switch")["href"].split("#")[0])
    en_url = file_url(en_path)
    en = dom(profile, en_url)
    assert en.html["lang"] == "en"
    assert en.find("link", rel="alternate", hreflang="zh-Hans") is not None
    assert [h["id"] for h in en.select(".body [id]")] == [h["id"] for h in zh.select(".body [id]")]
    shot(profile, en_url, "article-en.png")

    # side by side
    par_path = follow(en_url, en.select_one(".switch a.ghost")["href"])
    par_url = file_url(par_path)
    par = dom(profile, par_url)
    rows = par.select(".parallel > .prow:not(.prow-head)")
    assert rows and all(r.find(class_="zh") and r.find(class_="en") for r in rows)
    shot(profile, par_url, "parallel.png", width=1400, height=1500)
    shot(profile, par_url, "parallel-phone.png", width=390, height=1400)


@pytest.mark.parametrize("query,lang", [("京口", "zh"), ("Jingkou", "en"), ("口区", "zh"),
                                        ("数字经济", "zh"), ("economies", "en")])
def test_search_from_file_url(site, profile, query, lang):
    page = site / "zh" / "search.html"
    url = file_url(page, query="q=" + quote(query))
    d = dom(profile, url)
    results = d.select("#search-results li")
    assert results, f"no results for {query!r}: {d.find(id='search-status')}"
    langs = set()
    for li in results:
        a = li.find("a")
        target = follow(url, a["href"])
        assert target.is_file(), a["href"]
        text = BeautifulSoup(target.read_text(encoding="utf-8"), "html5lib").find("main").get_text(" ")
        word = query.lower().rstrip("s")[:-2] if lang == "en" else query
        assert word in text.lower() or all(ch in text for ch in query), (query, target)
        assert li.find("mark") is not None          # the match is highlighted
        langs.add(a.get("lang"))
    assert ("zh-Hans" if lang == "zh" else "en") in langs
    if query in ("京口", "Jingkou"):
        shot(profile, url, f"search-{lang}.png", height=900)


def test_a_query_loads_only_the_parts_of_the_index_it_needs(site, profile):
    """The search page carries no index: search.js adds <script> tags for the parts a query
    needs (from file://), and reads the documents of the hits it shows, not the others."""
    page = site / "zh" / "search.html"
    assert "static/search/" not in page.read_text(encoding="utf-8").split("</head>")[0]
    parts = sorted(p.relative_to(site / "static" / "search").as_posix()[:-3]
                   for p in (site / "static" / "search").rglob("*.js"))
    url = file_url(page, query="q=" + quote("京口区"))
    d = dom(profile, url)
    results = d.select("#search-results li")
    hrefs = {follow(url, li.find("a")["href"]).name for li in results}
    assert results and all("京口区" in follow(url, li.find("a")["href"]).read_text(encoding="utf-8")
                           for li in results if li.find("a")["lang"] == "zh-Hans")
    loaded = sorted(s["src"].split("static/search/", 1)[1][:-3] for s in d.select("script[src*='static/search/']"))
    docs = [n for n in loaded if n.startswith("d/")]
    assert "meta" in loaded and len(docs) == len(results) == len(hrefs)
    assert len(loaded) < len(parts) and len(docs) < len([n for n in parts if n.startswith("d/")]), (loaded, parts)
    none = dom(profile, file_url(page, query="q=" + quote("不存在的词语xyzzy")))
    assert none.find(id="search-status")["data-count"] == "0"
    assert not [s for s in none.select("script[src*='static/search/d/']")]    # no document read


def test_a_search_page_whose_shard_counts_are_not_the_index_s_finds_the_same(site, profile):
    """The page's shard counts let meta load with a query's parts; when they are not meta's (a
    page from another build), search.js takes meta's and loads the right parts."""
    page = site / "zh" / "search.html"
    html = page.read_text(encoding="utf-8")
    assert 'data-shards="' in html
    other = page.with_name("search-other-shards.html")
    other.write_text(re.sub(r'data-shards="[^"]*"', 'data-shards="k:64,h:64,w:64,t:64"', html), encoding="utf-8")
    try:
        for q in ("京口区", "Jingkou"):
            want = [li.find("a")["href"] for li in dom(profile, file_url(page, query="q=" + quote(q))).select("#search-results li")]
            got = [li.find("a")["href"] for li in dom(profile, file_url(other, query="q=" + quote(q))).select("#search-results li")]
            assert want and got == want, q
    finally:
        other.unlink()
