"""The review list: what needs a human, worst first, from flags, human issues and ingest."""
from __future__ import annotations

from pathlib import Path

from digest.article import Article, Block, HumanIssue, SentenceFlag, Translation
from digest.review import format_html, format_text, review_items


def art(slug, blocks, **kw):
    return Article(slug=slug, title=kw.pop("title", "标题"), blocks=[Block("paragraph", b) for b in blocks],
                   path=Path(f"content/{slug}.zh.md"), **kw)


def tr(a, **kw):
    return Translation(slug=a.slug, title="T", blocks=[Block("paragraph", f"E{i}") for i in range(len(a.blocks))],
                       origins=["machine"] * len(a.blocks), **kw)


def test_worst_first_then_file_order_with_every_source():
    a = art("a-first", ["第一句。第二句。", "发展(fā?zhǎn)了。"], repairs={"mojibake": 1})
    b = art("b-second", ["投资4亿元。"])
    items = review_items([b, a], {
        "a-first": tr(a, flags=[SentenceFlag("block", 0, 1, "第二句。", "Two.", ("loop",), 1)],
                      human_issues=[HumanIssue("stale", "content/a-first.en.md", 7, "block", 0, -1,
                                               "第一句。", "第一句。第二句。", "One.")]),
        "b-second": tr(b, flags=[SentenceFlag("block", 0, 0, "投资4亿元。", "$400 million.", ("money",), 2)]),
    })
    got = [(i.severity, i.slug, i.where) for i in items]
    assert got[0] == (3, "a-first", "block 1")                       # stale human text first
    assert (2, "b-second", "block 1, sentence 1") in got
    assert got.index((2, "a-first", "block 2, sentence 1")) < got.index((2, "b-second", "block 1, sentence 1"))
    assert (1, "a-first", "block 1, sentence 2") in got
    assert got[-1] == (0, "a-first", "whole article")                # repairs last
    remnant = next(i for i in items if i.where == "block 2, sentence 1")
    assert "ingest remnant" in remnant.reasons[0] and remnant.en == "E1" and remnant.zh == "发展(fā?zhǎn)了。"
    assert remnant.kind == "remnant" and "(fix:" not in format_text([remnant])
    text = format_text(items)
    assert "content/a-first.en.md: block 1 [severity 3]" in text and "was: 第一句。" in text
    assert "review: 5 item(s) in 2 article(s)" in text


def test_nothing_to_review_and_html_links(tmp_path):
    assert format_text([]) == "review: nothing needs a human\n"
    a = Article(slug="s", title="标题", blocks=[Block("heading", "小标题"), Block("paragraph", "投资4亿元。")],
                path=Path("content/s.zh.md"))
    items = review_items([a], {"s": tr(a, flags=[SentenceFlag("block", 1, 0, "投资4亿元。", "<b>$</b>", ("money",), 2)])})
    page = format_html(items, [a], tmp_path / "r" / "review.html", tmp_path / "out")
    assert 'href="../out/parallel/s.html#p2"' in page
    assert "<b>$</b>" not in page and "&lt;b&gt;$&lt;/b&gt;" in page


def test_unrepaired_damage_listed_with_its_source_line():
    a = art("d", ["正文。"], source="seeds/d.txt", unrepaired=[(4, "示W絡"), (9, "瓦M困")])
    items = [i for i in review_items([a], {}) if i.kind == "unrepaired"]
    assert [(i.severity, i.zh) for i in items] == [(2, "示W絡"), (2, "瓦M困")]
    assert "line 4 of seeds/d.txt" in items[0].reasons[0] and "line 9 of" in items[1].reasons[0]
    assert "示W絡" in format_text(items)
