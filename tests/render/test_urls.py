"""digest/render/urls.py: every output path stays inside output/, links are relative and right."""
from __future__ import annotations

import posixpath

import pytest
from hypothesis import given
from hypothesis import strategies as st

from digest.render import urls


@given(st.text(max_size=40), st.sampled_from(urls.LANGS))
def test_an_article_path_stays_inside_output_whatever_its_slug(slug, lang):
    p = urls.article(lang, slug)
    assert urls.safe_rel(p) == p and p.startswith(f"{lang}/") and p.endswith(".html")
    assert posixpath.normpath(p) == p and ".." not in p.split("/")


@pytest.mark.parametrize("slug", ["index", "page", "keywords", "search"])
def test_a_slug_that_is_a_name_the_site_uses_gets_another_path(slug):
    assert urls.article("zh", slug) not in (urls.lang_index("zh"), urls.keywords_index("zh"), urls.search("zh"))


def test_two_keywords_with_the_same_pinyin_get_two_slugs():
    slugs = urls.keyword_slugs(["世纪", "事迹"])                # both shi-ji
    assert len(set(slugs.values())) == 2


DIRS = st.lists(st.sampled_from(["zh", "en", "page", "keywords"]), max_size=3)
FILES = st.sampled_from(["a.html", "b.html", "index.html"])


@given(DIRS, FILES, DIRS, FILES)
def test_rel_is_posixpath_relpath(src_dirs, src, dst_dirs, dst):
    a, b = "/".join(src_dirs + [src]), "/".join(dst_dirs + [dst])
    assert urls.rel(a, b) == posixpath.relpath(b, posixpath.dirname(a) or ".")


def test_rel_keeps_the_anchor_and_absolute_drops_index_html():
    assert urls.rel("zh/a.html", "en/a.html", "p3") == "../en/a.html#p3"
    assert urls.absolute("https://example.org/news/", "zh/index.html") == "https://example.org/news/zh/"
    assert urls.absolute(None, "zh/index.html") is None


def test_search_parts_live_under_static_search():
    assert urls.search_part("meta") == "static/search/meta.js"
    assert urls.search_part("d/1a") == "static/search/d/1a.js"

