"""Work and memory that must not grow with the site: the search entries of an edited site's
shard are found by slug, not by a scan of the whole site (at N = 20,000 one edit spent 2.5 s
scanning, once per article of its shard); a page's context made for rendering is not kept
(a worker of a clean build renders thousands of pages: at N = 20,000 it held 1.5 GB of them)."""
from __future__ import annotations

from types import SimpleNamespace

import jinja2
import pytest

from digest.article import Article, Block
from digest.render import memo
from digest.render.entries import _Entries
from digest.render.environment import render_page
from digest.render.pages import Page
from digest.segment import Segmenter


class CountingList(list):
    """A list that counts how often it is walked."""
    walks = 0

    def __iter__(self):
        type(self).walks += 1
        return super().__iter__()


@pytest.fixture
def clean_memo():
    with memo.active(memo.Memo()) as m:      # a fresh memo, the one render code asks
        yield m


def test_unchanged_articles_are_found_without_walking_the_site(clean_memo):
    articles = CountingList(Article(slug=f"news-{i:03d}", title=f"标题{i}",
                                    blocks=[Block("paragraph", f"第{i}段正文。")], date="2020-01-01")
                            for i in range(300))
    site = SimpleNamespace(articles=articles, translations={}, segmenter=Segmenter())
    keys = {a.slug: f"key-{a.slug}" for a in articles}
    CountingList.walks = 0
    entries = _Entries({}, keys, site)
    asked = [f"news-{i:03d}" for i in range(0, 300, 3)]       # a shard's worth of articles
    got = {s: entries[s] for s in asked}
    assert CountingList.walks <= 1
    assert all(len(v) == 1 and s in v[0] for s, v in got.items())     # each its own entry
    # the same entries as made one by one
    assert got["news-042"] == _Entries({}, {"news-042": "other"}, site)["news-042"]


def test_a_lazy_pages_context_is_not_kept_after_rendering():
    env = jinja2.Environment(loader=jinja2.DictLoader({"t.html": "{{ big | length }}"}))
    made = []

    def make():
        made.append(1)
        return {"search_js": None, "index_js": [], "big": ["x" * 100] * 1000}

    page = Page("t.html", "t.html", deps="d", make=make)
    first = render_page(env, page)
    assert page._context is None                   # not held by the page (nor by the worker)
    assert render_page(env, page) == first == b"1000"  # made again, the same
    assert len(made) == 2
    assert page.context["big"][0] == "x" * 100     # still there for whoever asks


def test_a_given_context_stays():
    env = jinja2.Environment(loader=jinja2.DictLoader({"t.html": "{{ n }}"}))
    page = Page("t.html", "t.html", {"n": 3})
    assert render_page(env, page) == b"3"
    assert page._context["n"] == 3
