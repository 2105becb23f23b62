"""digest/segment.py: rjieba's words, tags and search words are jieba's own (the keyword,
search and pinyin steps were built, and their output checked, on jieba's)."""
from __future__ import annotations

import pytest
from hypothesis import example, given, strategies as st

from digest.segment import Segmenter, _jieba_pieces


@pytest.fixture(scope="module")
def jieba_own():
    """jieba as it ships: its own dictionary, loaded its own way (no lexicon, no terms)."""
    import jieba
    return jieba.Tokenizer()


@pytest.fixture(scope="module")
def jieba_tags():
    import jieba.posseg
    return jieba.posseg.POSTokenizer(__import__("jieba").Tokenizer()).word_tag_tab


def test_the_project_texts_segment_as_jieba_does(repo_root, seg, jieba_own):
    for p in sorted((repo_root / "content").glob("*.zh.md")) + sorted((repo_root / "seeds").glob("*.txt")):
        text = p.read_text(encoding="utf-8", errors="replace")
        words = seg.cut(text)
        assert words == jieba_own.lcut(text), p.name
        assert seg.search_words(words) == list(jieba_own.cut_for_search(text)), p.name


# what rjieba keeps whole and jieba splits: runs of letters and digits joined by punctuation
_MIXED = st.text(alphabet=st.sampled_from(list("京口区经济发展年月日的了在2020-07.26%abcXY_#&+ ，。：/")),
                 max_size=30)


@given(_MIXED)
@example("新华网2020-07-26电")
@example("网址www.gfbzb.gov.cn，增长3.5%。")
@example("2019-2020赛季")
def test_mixed_text_segments_as_jieba_does(seg, jieba_own, text):
    assert seg.cut(text) == jieba_own.lcut(text)


def test_pieces_are_split_only_where_jieba_splits():
    assert _jieba_pieces("2020-07-26") == ["2020", "-", "07", "-", "26"]
    assert _jieba_pieces("www.gov.cn") == ["www", ".", "gov", ".", "cn"]
    assert _jieba_pieces("3.5%") == ["3.5%"] and _jieba_pieces("京口") == ["京口"] and _jieba_pieces("-") == ["-"]


def test_tags_are_the_dictionarys_and_none_for_unknown_words(seg, jieba_tags):
    words = seg.cut("镇江市京口区今天举行数字经济发展大会，薛诚报道。2020-07-26")
    for w in words:
        assert seg.tag(w) == jieba_tags.get(w), w
        assert seg.tag(w) is not None or not seg.known(w) or w not in jieba_tags
    assert seg.tag("银行") == "n" and seg.tag("镇江") == "ns" and seg.tag("京口经开区") is None


def test_glossary_terms_are_kept_whole_and_known_but_have_no_tag(tmp_path):
    plain, with_terms = Segmenter((), tmp_path), Segmenter(["京口经开区", "Jingkou"], tmp_path)
    text = "京口经开区今天开会"
    assert "京口经开区" not in plain.cut(text)
    assert with_terms.cut(text)[0] == "京口经开区"
    assert with_terms.known("京口经开区") and not plain.known("京口经开区")
    assert with_terms.tag("京口经开区") is None             # as before: the dictionary's tags only
    assert with_terms.terms == ("京口经开区",)              # terms without Chinese are not words to add
    assert plain.version != with_terms.version


def test_two_segmenters_do_not_share_terms(tmp_path):
    a, b = Segmenter(["京口经开区"], tmp_path), Segmenter((), tmp_path)
    assert a.cut("京口经开区")[0] == "京口经开区" and b.cut("京口经开区")[0] != "京口经开区"


def test_idf_weights_are_jiebas(tmp_path):
    import jieba.analyse
    own = jieba.analyse.TFIDF()
    with_lexicon, without = Segmenter((), tmp_path), Segmenter((), tmp_path / "none")
    (tmp_path / "none").write_text("a file where the cache folder should be")   # no lexicon to be had
    for s in (with_lexicon, without):
        idf = s.idf()
        assert idf.median == own.idf_loader.median_idf
        assert [idf.table.get(w) for w in ("经济", "京口", "的")] == [own.idf_freq.get(w) for w in ("经济", "京口", "的")]


def _search_words_by_definition(seg, words):
    """cut_for_search's definition, word by word, without the segmenter's memo."""
    out = []
    for w in words:
        if len(w) > 2:
            out += [w[i:i + 2] for i in range(len(w) - 1) if seg.known(w[i:i + 2])]
        if len(w) > 3:
            out += [w[i:i + 3] for i in range(len(w) - 2) if seg.known(w[i:i + 3])]
        out.append(w)
    return out


@given(st.lists(st.text(alphabet=st.sampled_from(list("中华人民共和国京口经济开发区技术ab1 ")), max_size=9),
                max_size=12))
@example(["中华人民共和国", "中华人民共和国", "经济技术开发区"])
def test_search_words_memoised_per_word_equal_the_definition(seg, words):
    expected = _search_words_by_definition(seg, words)
    assert seg.search_words(words) == expected
    assert seg.search_words(words) == expected           # (again: from the memo)
