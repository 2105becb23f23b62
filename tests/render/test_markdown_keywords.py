from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from digest.article import Article, Block
from digest.keywords import extract_keywords, stopwords
from digest.render.markdown import inline_html, safe_href


@pytest.mark.parametrize("href,ok", [
    ("https://a.b", True), ("http://a.b", True), ("mailto:x@y.z", True), ("../a.html", True), ("#s1", True),
    ("javascript:alert(1)", False), ("JaVaScRiPt:alert(1)", False), (" javascript:x", False),
    ("java\nscript:x", False), ("data:text/html,x", False), ("vbscript:x", False), ("//evil.org/x", False),
])
def test_safe_href(href, ok):
    assert (safe_href(href) is not None) == ok


@pytest.mark.parametrize("text", ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
                                  "<a href='javascript:x'>x</a>", "<!-- c -->", "<style>*{}</style>"])
def test_raw_html_is_text(text):
    html = str(inline_html(text))
    s = BeautifulSoup(f"<div>{html}</div>", "html5lib").div
    assert s.get_text() == text and not s.find_all(True)


def test_inline_markdown_kept():
    s = BeautifulSoup(f"<div>{inline_html('a *b* [c](https://x.org) ![d](http://t/i.png) [e](javascript:f)')}</div>",
                      "html5lib").div
    assert s.find("em").get_text() == "b"
    assert s.find("a")["href"] == "https://x.org" and len(s.find_all("a")) == 1
    assert not s.find("img") and "d" in s.get_text() and "e" in s.get_text()


def _article(text: str) -> Article:
    paras = [p for p in text.split("\n") if p.strip()]
    return Article(slug="t", title=paras[0], blocks=[Block("paragraph", p) for p in paras[1:]])


def test_keywords_from_seed(repo_root, seg):
    raw = sorted((repo_root / "seeds").glob("*.txt"))[0].read_text(encoding="utf-8", errors="replace")
    a = _article(raw)
    kws = extract_keywords(a, seg)
    assert 5 <= len(kws) <= 8
    assert "京口" in kws
    assert not set(kws) & stopwords()
    assert not set(kws) & {"我们", "进行", "工作", "发展"}
    assert kws == extract_keywords(a, seg)


def test_keywords_short_article(seg):
    kws = extract_keywords(_article("京口新闻\n镇江市京口区今天举行数字经济发展大会，企业代表和市民参加。"), seg)
    assert 1 <= len(kws) <= 8 and all(len(k) >= 2 for k in kws)


from hypothesis import example, given, strategies as st  # noqa: E402

ALLOWED = {"em", "strong", "code", "a", "span", "br"}
PIECES = st.sampled_from(["<script>", "</script>", "<img src=x onerror=alert(1)>", "[a](javascript:x)",
                          "[b](https://ok.org)", "*", "_", "`", "&lt;", "&amp;", "{{", "}}", "{%", "%}",
                          "#", "---", "|", "    ", "\n", "<", ">", "\"", "'", "京口", "x", " ", "![i](j)"])


@given(st.lists(st.one_of(PIECES, st.text(max_size=8)), max_size=12).map("".join))
@example("<script>\r>")            # a bare CR is a line break to Markdown: it once made a blockquote
@example("a\u2028> b\x85- c")
def test_no_content_text_becomes_dangerous_markup(text):
    html = str(inline_html(text))
    div = BeautifulSoup(f"<div>{html}</div>", "html5lib").div
    for el in div.find_all(True):
        assert el.name in ALLOWED, (text, html)
        for attr, value in el.attrs.items():
            assert attr in ("href", "title", "rel"), (text, html)
            if attr == "href":
                assert safe_href(value) is not None
