"""Front matter editors expect (issue 14): tags, date, source_url and publication, draft; and the
same keys in a human translation (.en.md)."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from digest.article import Article, Block
from digest.content import dump_article, load_article
from digest.errors import Reporter
from digest.keywords import with_tags
from digest.settings import Settings
from digest.site import load_content
from digest.translate.overrides import load_override

from content_files import content_file, refused  # tests/content_files.py

BODY = "\n正文。\n"


def write(folder: Path, front: str, name: str = "a.zh.md") -> Path:
    return content_file(folder, "title: 标题\n" + front, BODY, name)


@pytest.mark.parametrize("front, tags", [
    ("tags: [读书节, 江边]\n", ["读书节", "江边"]),
    ("tags:\n  - 读书节\n  - 读书节\n  - ' 江边  小镇 '\n", ["读书节", "江边 小镇"]),
    ("tags: 读书节\n", ["读书节"]),
    ("tags: [2025, AI]\n", ["2025", "AI"]),
    ("tags: []\n", []),
    ("", []),
])
def test_tags_are_read(tmp_path, front, tags):
    assert load_article(write(tmp_path, front)).tags == tags


@pytest.mark.parametrize("front, line", [
    ("tags: {a: 1}\n", 3),
    ("date: 2025-01-02\ntags: [[a, b]]\n", 4),
    ("tags: [读书节, '！！']\n", 3),
    ("tags: [true]\n", 3),
    (f"tags: [{'长' * 41}]\n", 3),
])
def test_bad_tags_are_errors_with_their_line(tmp_path, front, line):
    e = refused(write(tmp_path, front))
    assert e.line == line and "tag" in e.message


def test_editor_tags_come_first_then_the_automatic_keywords():
    assert with_tags(["读书节", "京口"], ["京口", "镇江", "读书节", "图书馆"]) == ["读书节", "京口", "镇江", "图书馆"]
    assert with_tags([], ["京口"]) == ["京口"]


def test_source_url_and_publication(tmp_path):
    a = load_article(write(tmp_path, "source_url: https://news.example.org/2025/03/08/reading.html\n"
                                     "publication: 江边日报\n"))
    assert a.source_url == "https://news.example.org/2025/03/08/reading.html" and a.publication == "江边日报"


@pytest.mark.parametrize("url", ["javascript:alert(1)", "news.example.org/x", "https://", "ftp://x.org/a",
                                 "https://a.org/x y"])
def test_a_source_url_that_is_not_a_web_address_is_an_error_with_its_line(tmp_path, url):
    e = refused(write(tmp_path, f"date: 2025-01-02\nsource_url: '{url}'\n"))
    assert e.line == 4 and "source_url" in e.message


@pytest.mark.parametrize("value", ["yes please", "'true'", "1"])
def test_draft_must_be_true_or_false(tmp_path, value):
    e = refused(write(tmp_path, f"draft: {value}\n"))
    assert e.line == 3 and "draft" in e.message


def test_new_keys_survive_a_write_and_a_read(tmp_path):
    a = Article(slug="a", title="标题", blocks=[Block("paragraph", "正文。")], date="2025-03-08",
                tags=["读书节", "江边"], source_url="https://news.example.org/a", publication="江边日报", draft=True)
    p = tmp_path / "a.zh.md"
    p.write_text(dump_article(a), encoding="utf-8")
    b = load_article(p)
    assert dataclasses.replace(b, path=None) == a
    plain = dump_article(Article(slug="a", title="标题", blocks=[Block("paragraph", "正文。")]))
    assert "tags" not in plain and "draft" not in plain            # defaults are not written


def test_a_draft_is_not_built(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    write(content, "slug: kept\n", "kept.zh.md")
    write(content, "slug: hidden\ndraft: true\n", "hidden.zh.md")
    write(content, "slug: shown\ndraft: false\n", "shown.zh.md")
    arts = load_content(Settings(root=tmp_path), Reporter(quiet=True))
    assert sorted(a.slug for a in arts) == ["kept", "shown"]


def test_a_human_translation_accepts_date_source_url_and_publication(tmp_path):
    zh = load_article(write(tmp_path, "date: 2025-03-08\n"))
    en = tmp_path / "a.en.md"
    en.write_text(f"---\nzh_sha256: {zh.zh_hash()}\ntitle: Title\ndate: 2025-03-08\n"
                  "source_url: https://news.example.org/a\npublication: Riverside Daily\n---\n\nText.\n",
                  encoding="utf-8")
    ov = load_override(en, zh)
    assert ov.title == "Title" and not ov.stale


def _page(out: Path, rel: str) -> BeautifulSoup:
    return BeautifulSoup((out / rel).read_text(encoding="utf-8"), "html.parser")


def test_pages_show_tags_first_dates_and_the_publication_as_source(tmp_path):
    import sys
    sys.path.insert(0, str(Path(__file__).parent / "render"))
    from sitedata import build, make_site
    site = make_site()
    a = site.articles[0]
    a.source_url = "https://news.example.org/2024/11/20/jingkou.html"
    a.publication = "镇江日报"
    site.keywords[a.slug] = with_tags(["新使命"], site.keywords[a.slug])
    other = site.articles[1]
    other.source = "seeds/other.txt"                      # no source_url: the file is shown
    out, _, _ = build(tmp_path / "out", site=site)
    for lang in ("zh", "en"):
        page = _page(out, f"{lang}/{a.slug}.html")
        src = page.select_one(".source")
        link = src.find("a")
        assert link["href"] == a.source_url and link.get_text() == "镇江日报"
        assert "seeds/" not in src.get_text()
        assert page.find("time", datetime=a.date) is not None
        kws = [x.get_text() for x in page.select(".article-foot .tags li")]
        assert kws and kws[0].startswith(("新使命", "Xin")), kws
    assert "seeds/" in _page(out, f"zh/{other.slug}.html").select_one(".source").get_text()
    # cards on the home page carry the date, newest first
    home = _page(out, "zh/index.html")
    dates = [t["datetime"] for t in home.select("main time")]
    assert dates and dates == sorted(dates, reverse=True)
