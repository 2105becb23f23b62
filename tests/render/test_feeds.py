"""digest/render/feeds.py: deterministic Atom feeds and sitemap, with absolute URLs."""
from __future__ import annotations

import os
import xml.etree.ElementTree as ET

from digest.article import Article
from digest.render import feeds

A = "{http://www.w3.org/2005/Atom}"


def test_updated_is_the_date_then_the_ingest_time_then_the_file_time_never_the_clock(tmp_path):
    assert feeds.updated(Article(slug="a", title="t", date="2024-03-05")) == "2024-03-05T00:00:00Z"
    assert feeds.updated(Article(slug="a", title="t", source_time="2020-01-02T03:04:05Z")) == "2020-01-02T03:04:05Z"
    p = tmp_path / "a.zh.md"
    p.write_text("x", encoding="utf-8")
    os.utime(p, (86400, 86400))
    assert feeds.updated(Article(slug="a", title="t", path=p)) == "1970-01-02T00:00:00Z"
    assert feeds.updated(Article(slug="a", title="t")) is None
    assert feeds.lastmod(Article(slug="a", title="t", date="2024-03-05")) == "2024-03-05"


def test_atom_feed_links_each_entry_to_its_page_in_the_feeds_language():
    entries = [{"slug": "a", "title": "标题", "summary": "摘要 <b>", "updated": "2024-03-05T00:00:00Z",
                "path": "zh/a.html"},
               {"slug": "b", "title": "二", "summary": "", "updated": None, "path": "zh/b.html"}]
    root = ET.fromstring(feeds.atom_feed("zh", "新闻", entries, "https://example.org/"))
    assert root.find(f"{A}updated").text == "2024-03-05T00:00:00Z"
    got = [(e.find(f"{A}id").text, e.find(f"{A}updated").text, [l.get("hreflang") for l in e.findall(f"{A}link")])
           for e in root.findall(f"{A}entry")]
    assert got == [("https://example.org/zh/a.html", "2024-03-05T00:00:00Z", ["zh-Hans"]),
                   ("https://example.org/zh/b.html", "2024-03-05T00:00:00Z", ["zh-Hans"])]
    assert root.findall(f"{A}entry")[0].find(f"{A}summary").text == "摘要 <b>"


def test_sitemap_lists_every_language_version_with_its_alternates():
    xml = feeds.sitemap([{"zh-Hans": "zh/a.html", "en": "en/a.html"}], "https://example.org", ["2024-03-05"])
    root = ET.fromstring(xml)
    sm = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    locs = [u.find(f"{sm}loc").text for u in root.findall(f"{sm}url")]
    assert locs == ["https://example.org/zh/a.html", "https://example.org/en/a.html"]
    assert all(len(u.findall("{http://www.w3.org/1999/xhtml}link")) == 2 for u in root.findall(f"{sm}url"))
