"""Readers are told who made the English: a note by the title, marks per block, a legend,
the translator's name, unchecked (flagged) machine passages; the Chinese footer agrees."""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from digest.article import Article, Block, HumanIssue, SentenceFlag, Translation
from digest.sitedata import SiteData, sort_articles
from sitedata import build

ZH = Article(slug="marked", title="京口新闻", date="2024-11-20",
             blocks=[Block("paragraph", "镇江今天下雨。"), Block("heading", "谏壁街道"),
                     Block("paragraph", "投资4亿元。"), Block("paragraph", "大禹山很美。")])
HUMAN = Article(slug="all-human", title="人工翻译", date="2024-11-19", blocks=[Block("paragraph", "一段。")])
MACHINE = Article(slug="all-machine", title="机器翻译", date="2024-11-18", blocks=[Block("paragraph", "二段。")])


def site() -> SiteData:
    mixed = Translation(
        slug="marked", title="Jingkou news", model_id="m",
        blocks=[Block("paragraph", "It rains in Zhenjiang."), Block("heading", "Jianbi Subdistrict"),
                Block("paragraph", "An investment of $400 million."), Block("paragraph", "Dayu is fine.")],
        origins=["human", "machine", "machine", "mixed"], translator="Jane Doe", stale=True,
        flags=[SentenceFlag("block", 2, 0, "投资4亿元。", "An investment of $400 million.",
                            ("money: 4亿元 is 400 million yuan, not dollars",), 3),
               SentenceFlag("title", -1, 0, "京口新闻", "Jingkou news", ("short text",))],
        human_issues=[HumanIssue("stale", "content/marked.en.md", 7, "block", 0, -1, "镇江昨天下雨。",
                                 "镇江今天下雨。", "It rains in Zhenjiang.")])
    human = Translation(slug="all-human", title="By hand", blocks=[Block("paragraph", "One passage.")],
                        origins=["human"], title_origin="human", translator="Li Lei", model_id="m")
    machine = Translation(slug="all-machine", title="By machine", blocks=[Block("paragraph", "Two.")],
                          origins=["machine"], model_id="m")
    return SiteData(articles=sort_articles([ZH, HUMAN, MACHINE]),
                    translations={"marked": mixed, "all-human": human, "all-machine": machine})


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    return build(tmp_path_factory.mktemp("marking") / "out", site=site())[0]


def soup(p):
    return BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser")


def test_note_next_to_the_english_title(out):
    for slug, words in (("all-machine", "Machine translation"), ("marked", "Partly machine translation"),
                        ("all-human", "Human translation")):
        head = soup(out / f"en/{slug}.html").find("header", class_="article-head")
        note = head.find(class_="en-note")
        assert note is not None and words in note.get_text(), slug
        assert note.find_previous_sibling("h1") is not None          # right under the title
    assert "Translated by Li Lei" in soup(out / "en/all-human.html").find(class_="en-note").get_text()


def test_blocks_marked_with_a_legend_and_the_translator(out):
    page = soup(out / "en/marked.html")
    p1, p3, p4 = page.find(id="p1"), page.find(id="p3"), page.find(id="p4")
    assert "human" in p1["class"] and "stale" in p1["class"]
    assert p1.find(class_="mark-human")["title"] == "Translated by Jane Doe"
    assert p1.find(class_="mark-stale") is not None
    assert "unchecked" in p3["class"] and "400 million yuan" in p3.find(class_="mark-unchecked")["title"]
    assert "mixed" in p4["class"] and p4.find(class_="mark-human") is not None
    assert page.find(id="s1").find(class_="mark") is None                 # a machine heading: no mark
    legend = page.find(class_="legend").get_text(" ")
    assert "translated by Jane Doe" in legend and "unchecked" in legend and "Chinese changed" in legend
    assert page.find("h1").find(class_="mark-unchecked") is not None     # the flagged title
    assert "Jane Doe" in page.find(class_="origin").get_text()


def test_side_by_side_marks_the_same_blocks(out):
    page = soup(out / "parallel/marked.html")
    assert "unchecked" in page.find(id="p3").find(class_="en")["class"]
    assert page.find(id="p1").find(class_="en").find(class_="mark-human") is not None
    assert page.find(class_="legend") is not None


def test_chinese_footer_says_who_translated(out):
    assert "机器翻译" not in soup(out / "zh/all-human.html").find(class_="credit-zh").get_text()
    assert "Li Lei" in soup(out / "zh/all-human.html").find(class_="credit-zh").get_text()
    assert "人工翻译" in soup(out / "zh/marked.html").find(class_="credit-zh").get_text()
    assert "机器翻译" in soup(out / "zh/all-machine.html").find(class_="credit-zh").get_text()
    assert soup(out / "zh/marked.html").find(class_="mark") is None       # marks only on the English
