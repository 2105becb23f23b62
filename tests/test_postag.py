"""digest/postag.py: Segmenter.pos_tagged is jieba.posseg's tagging, word for word and flag
for flag, with the glossary's terms (tag nz); the names finder reads names off it, and a
build never imports jieba.posseg."""
from __future__ import annotations

import logging
import subprocess
import sys

import pytest
from hypothesis import example, given, strategies as st

from digest.segment import Segmenter

TERMS = ("京口经开区", "谏壁街道", "镇江新区", "京", "Jingkou")


@pytest.fixture(scope="module")
def posseg():
    """jieba.posseg over a jieba tokenizer of its own, with TERMS added as the build adds them."""
    import jieba
    import jieba.posseg
    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    tok.initialize()
    for t in Segmenter(TERMS).terms:
        tok.add_word(t, tag="nz")
    tagger = jieba.posseg.POSTokenizer(tok)
    return lambda s: [(p.word, p.flag) for p in tagger.cut(s)]


@pytest.fixture(scope="module")
def ours(tmp_path_factory):
    return Segmenter(TERMS, tmp_path_factory.mktemp("postag-cache"))


def test_project_texts_tag_as_posseg_does(repo_root, posseg, ours):
    from digest.translate.sentences import split_sentences
    n = 0
    for p in sorted((repo_root / "content").glob("*.zh.md")) + sorted((repo_root / "seeds").glob("*.txt")):
        for line in p.read_text(encoding="utf-8", errors="replace").splitlines():
            for s in split_sentences(line) if line.strip() else ():
                assert ours.pos_tagged(s) == posseg(s), (p.name, s)
                n += 1
    assert n > 100


# posseg's own HMM splits unknown runs differently from jieba.cut's (京口 | 经 | 开区) and tags
# names nr; blocks, numbers and Latin letters follow its own patterns
@pytest.mark.parametrize("s", ["记者张哲依报道", "京口经开区拼出融合加速度", "谏壁街道的王小明说",
                               "2020-07-26在www.gov.cn上", "班邦·苏尔约诺说", "京口区谏壁街道",
                               "在A区abc1 2.5%的B超", "沪苏浙皖一体化", "“京”字号", "", " \r\n\t"])
def test_examples_tag_as_posseg_does(posseg, ours, s):
    assert ours.pos_tagged(s) == posseg(s)


_HOSTILE = st.text(alphabet=st.sampled_from(list("京口区经开谏壁街道张哲依王小明说的了在沪苏浙皖镇江新"
                                                 "2020-07.26%abcXY_#&+ ，。：/·“”\t\r\n𠀀㐀")), max_size=40)


@given(_HOSTILE)
@example("京口经开区京")
@example("aA1.京")
@example("\r\n京\r")
def test_any_text_tags_as_posseg_does(posseg, ours, s):
    assert ours.pos_tagged(s) == posseg(s)


def test_term_frequencies_are_jiebas(posseg, ours):
    import jieba
    tok = jieba.Tokenizer()
    tok.initialize()
    for t in ours.terms:
        tok.add_word(t, tag="nz")
    for w in ("京口经开区", "谏壁街道", "京", "京口", "银行", "经开", "不是一个词语"):
        assert ours.freq(w) == (tok.FREQ.get(w) or 0), w


def test_naming_does_not_import_posseg(tmp_path):
    code = ("import sys\n"
            "from digest.segment import Segmenter\n"
            "from digest.translate.names import NameFinder\n"
            "from digest.translate.dictionary import Dictionary\n"
            "f = NameFinder(Dictionary('t', {}, {}, set()), segmenter=Segmenter((), sys.argv[1]))\n"
            "f('记者张哲依在京口经开区报道')\n"
            "assert 'jieba.posseg' not in sys.modules, 'jieba.posseg was imported'\n")
    subprocess.run([sys.executable, "-c", code, str(tmp_path)], check=True)
