"""Engine guards (pure functions) and the whole translation stage with the real model."""
from __future__ import annotations

import io
import re

import pytest

from digest.article import Article, Block
from digest.chars import HAN_RE
from digest.errors import Reporter
from digest.translate import translate_site
from digest.translate.engine import collapse_repeats, decoding_bound, detokenise, looks_looped
from digest.translate.sentences import split_sentences

# --- guards, no model ----------------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("matriculados matriculados matriculados", "matriculados"),
    ("students matriculados matriculados matriculados matriculados in 2020",
     "students matriculados in 2020"),
    ("Development, development, development, development", "Development"),
    ("Ha ha ha ha ha.", "Ha."),
    ("It is what it is what it is what it is.", "It is what it is."),
    ("the new era, the new era, the new era, the new era", "the new era"),
])
def test_collapse_repeats(text, expected):
    assert collapse_repeats(text) == expected


@pytest.mark.parametrize("text", [
    "The population reached 300,000 300,000 300,000 people",
    "It grew 26.5 26.5 26.5 percent",
    "300,000 people and 26.5 percent",
    "very very good",                      # twice is language, not a loop
    "1,000,000,000 yuan",
    "Bora Bora is far",
])
def test_collapse_repeats_leaves_numbers_and_doubles(text):
    assert collapse_repeats(text) == text


def test_decoding_bound_is_relative_and_capped():
    assert decoding_bound(10) == 46
    assert decoding_bound(10) < decoding_bound(20) < decoding_bound(100)
    assert decoding_bound(1000) == 512
    assert all(decoding_bound(n) >= 2 * n for n in range(1, 200))


def test_looks_looped():
    normal = "▁The ▁city ▁of ▁QZAA ▁is ▁growing ▁fast .".split()
    assert not looks_looped(normal, decoding_bound(10))
    assert looks_looped(normal, len(normal))                              # hit the bound
    assert looks_looped("▁The ▁school ▁school ▁school ▁is".split(), 100)
    assert looks_looped("▁go ▁on , ▁go ▁on , ▁go ▁on , ▁go".split(), 100)
    # three single-character pieces in a row ("▁A", ",") are not yet a loop; a fourth is
    assert not looks_looped("▁1 , 0 0 0 ▁people".split(), 100)
    assert looks_looped("▁a ▁a ▁a ▁a".split(), 100)


def test_detokenise():
    assert detokenise(["▁The", "▁Q", "Z", "AA", "▁city", "."]) == "The QZAA city."


# --- the real model ------------------------------------------------------------------------

# from seeds/ (000 and 003), Simplified, annotations removed
SEED_SENTENCES = [
    "11月12日，在途科技数字化运营中心项目正式签约，落户京口区大禹山数字文创区智汇科技中心。",
    "作为镇江全新布局的九大重点片区之一，大禹山肩负着推动京口乃至全市数字产业加速发展、集聚发展、创新发展的重要使命。",
    "来到位于京口区谏壁街道的江苏天海高端医疗设备及压力装备制造项目现场，数台施工车在机器轰鸣声中不停穿梭，桩基施工人员忙得热火朝天。",
    "谏壁船闸扩容工程优化物流动脉，打通苏南运河“黄金水道”。",
]
REPEATED_WORD = re.compile(r"\b(\w+)(?:\W+\1\b){2,}", re.IGNORECASE)


def seed_article() -> Article:
    return Article(slug="seed", title="京口区谏壁街道", byline="记者 景泊 通讯员 张哲依",
                   blocks=[Block("paragraph", SEED_SENTENCES[0] + SEED_SENTENCES[1]),
                           Block("heading", "大禹山数字文创区"),
                           Block("paragraph", SEED_SENTENCES[2] + SEED_SENTENCES[3])])


def quiet() -> Reporter:
    return Reporter(quiet=True, stream=io.StringIO())


@pytest.fixture
def seed_run(make_settings, model_package):
    s = make_settings()
    art = seed_article()
    return s, art, translate_site([art], [], s, quiet())


@pytest.mark.model
def test_names_and_places_from_the_seeds(seed_run):
    _, art, res = seed_run
    tr = res.translations["seed"]
    english = " ".join([tr.title] + [b.text for b in tr.blocks])
    for term in ("Jingkou District", "Zhenjiang", "Jianbi", "Dayu Mountain"):
        assert term in english, english
    assert english.count("Jingkou District") >= 2 and english.count("Dayu Mountain") >= 3
    assert not re.search(r"Kyoto|Kyoguchi|QZ[A-Z]", english), english
    assert not HAN_RE.search(english), english
    assert [b.kind for b in tr.blocks] == [b.kind for b in art.blocks]
    assert tr.byline == "Reporter Jing Bo, Correspondent Zhang Zheyi"
    assert tr.origin == "machine" and res.glossary_misses == 0


@pytest.mark.model
def test_second_build_sends_nothing_to_the_model(seed_run):
    s, art, first = seed_run
    assert first.sent_to_model == len({x for b in art.blocks for x in split_sentences(b.text)}) + 1  # + title
    again = translate_site([art], [], s, quiet())
    assert again.sent_to_model == 0 and again.from_memory == first.sent_to_model
    assert again.translations["seed"].blocks == first.translations["seed"].blocks
    fresh = translate_site([art], [], s, quiet(), rebuild_tm=True)
    assert fresh.sent_to_model == first.sent_to_model


@pytest.mark.model
def test_editing_one_glossary_entry_retranslates_only_its_sentences(seed_run):
    s, art, first = seed_run
    g = s.glossary_path
    text = g.read_text(encoding="utf-8")
    assert '"谏壁" = "Jianbi"' in text
    g.write_text(text.replace('"谏壁" = "Jianbi"', '"谏壁" = "Jianbi Town"'), encoding="utf-8")
    second = translate_site([art], [], s, quiet())
    # sentences that use 谏壁 itself (not only the longer 谏壁街道): just the last one
    assert second.sent_to_model == 1
    last = second.translations["seed"].blocks[2].text
    assert "Jianbi Town" in last and "Jianbi Subdistrict" in last
    assert second.translations["seed"].blocks[0] == first.translations["seed"].blocks[0]


@pytest.mark.model
def test_loop_prone_input_is_guarded(engine, make_settings):
    inputs = ["哈哈哈哈哈哈哈哈哈哈", "谢谢" * 40, "中国" * 50]
    toks = engine.tokenize(inputs)
    raw = engine.translator.translate_batch(toks, beam_size=1, max_batch_size=64)
    raw_pieces = [r.hypotheses[0] for r in raw]
    # the raw model loops on these: it runs to its default length limit or repeats itself
    assert all(looks_looped(p, decoding_bound(len(t))) for p, t in zip(raw_pieces, toks))
    assert max(len(p) for p in raw_pieces) >= 200
    s = make_settings()
    art = Article(slug="loop", title="哈哈", blocks=[Block("paragraph", t) for t in inputs])
    res = translate_site([art], [], s, quiet())
    for zh, block, t in zip(inputs, res.translations["loop"].blocks, toks):
        out = block.text
        assert out, zh
        assert not REPEATED_WORD.search(out), out
        assert len(out.split()) <= decoding_bound(len(t)), out
        assert len(out) < len(detokenise(raw_pieces[inputs.index(zh)])), out
