"""Sentence pairs for the side-by-side view: made only where the pairing can be verified."""
from __future__ import annotations

from hypothesis import given, strategies as st

from digest.render.align import sentence_pairs, spans, split_english

ZH = "京口区今年签约项目18个。总投资4亿元！项目建成后，将扩展业务空间。"


def test_machine_sentences_pair_when_they_join_to_the_block():
    en = ["Jingkou signed 18 projects this year.", "Total investment: 400 million yuan!",
          "Once built, the projects will expand business."]
    pairs = sentence_pairs(ZH, " ".join(en), en)
    assert [z for z, _ in pairs] == ["京口区今年签约项目18个。", "总投资4亿元！", "项目建成后，将扩展业务空间。"]
    assert [e for _, e in pairs] == en


def test_machine_sentences_that_do_not_join_to_the_block_are_not_paired():
    en = ["Jingkou signed 18 projects.", "Total investment: 400 million yuan!", "Expanding."]
    assert sentence_pairs(ZH, "Someone edited this block. It says more. Or less.", en) is None
    assert sentence_pairs(ZH, " ".join(en[:2]), en[:2]) is None          # a count that differs


def test_human_english_paired_when_its_sentences_can_be():
    en = "Jingkou signed 18 projects. They are worth 400 million yuan! “Once built,” it said, “more.”"
    pairs = sentence_pairs(ZH, en, None)
    assert pairs is not None and pairs[2][1] == "“Once built,” it said, “more.”"
    assert sentence_pairs(ZH, "Mr. Li signed 18 projects. Worth a lot! More.", None) is None   # 4 vs 3
    assert sentence_pairs(ZH, "All in one sentence.", None) is None


def test_inline_markdown_and_single_sentences_keep_the_paragraph_pairing():
    en = ["Jingkou `signed` 18 projects.", "Total.", "More."]
    assert sentence_pairs(ZH, " ".join(en), en) is None
    assert sentence_pairs("一句话。", "One sentence.", ["One sentence."]) is None
    assert sentence_pairs("[链接](https://example.org)。第二句。", "A link. Second.", None) is None


def test_spans_escape_text():
    html = str(spans("p2", ["<b>一</b>。", "二&三。"], ""))
    assert html == ('<span class="s" data-s="p2-1">&lt;b&gt;一&lt;/b&gt;。</span>'
                    '<span class="s" data-s="p2-2">二&amp;三。</span>')


@given(st.lists(st.text(alphabet="abc XYZ.!?“”0", min_size=1, max_size=30), min_size=1, max_size=5))
def test_split_english_loses_nothing(parts):
    text = " ".join(parts)
    assert " ".join(split_english(text)).split() == text.split()


@given(st.from_regex(r"[a-z0-9]{1,4}", fullmatch=True), st.lists(st.text(max_size=12), max_size=4),
       st.sampled_from(["", " "]))
def test_spans_are_what_markup_format_makes(row_id, sentences, sep):
    # spans() writes its HTML without Markup.format (3x faster): the same bytes, hostile text too
    from markupsafe import Markup
    made = Markup(sep).join(Markup('<span class="s" data-s="{}">{}</span>').format(f"{row_id}-{n}", s)
                            for n, s in enumerate(sentences, 1))
    got = spans(row_id, sentences, sep)
    assert isinstance(got, Markup) and str(got) == str(made)
