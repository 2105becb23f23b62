"""Pinyin readings: by word (heteronyms), no ruby for names and numbers, loaded on demand."""
from __future__ import annotations

import json

import pytest

from digest.article import Article, Block
from digest.chars import HAN_WORD_RE
from digest.render import pinyin
from digest.render.urls import pinyin_js


@pytest.fixture(scope="module")
def readings(seg):
    def of(text: str) -> dict[str, str]:
        a = Article(slug="t", title="标题", blocks=[Block("paragraph", text)])
        return dict(map(tuple, pinyin.article_readings(a, {}, seg)["p1"]))
    return of


def test_heteronyms_by_word(readings):
    r = readings("他在银行工作，行走三千米。长大以后当校长。")
    assert r["银行"] == "yín háng" and r["行走"] == "xíng zǒu"
    assert r["长大"] == "zhǎng dà" and r["校长"] == "xiào zhǎng"


def test_no_ruby_for_names_and_numbers(readings):
    r = readings("记者薛诚报道，王小明说，全区新签约项目十八个，第一季度增长三千亿元。")
    assert not any(w in r for w in ("薛诚", "十八", "第一", "三千亿"))
    assert "记者" in r and "项目" in r
    r = readings("11月12日，总投资4亿元，签约18个项目，下午3点半开始。今年是重要的一年。")
    assert not any(w in r for w in ("月", "日", "亿元", "个", "点半")), r
    assert "项目" in r and "开始" in r and "重要" in r


def test_skip_word_rules():
    assert pinyin.skip_word("三千", "m", True)
    assert not pinyin.skip_word("年", "m", True)              # a numeral tag, but no numeral
    assert pinyin.skip_word("李", "nr", True)
    assert pinyin.skip_word("薛诚", None, False)               # unknown: a name the HMM found
    assert not pinyin.skip_word("银行", "n", True)


def test_every_syllable_has_its_character(readings):
    for word, syl in readings("京口区“十四五”期间，数字经济（GDP占比30%）快速发展…… AT&T").items():
        assert HAN_WORD_RE.match(word)
        assert len(syl.split(" ")) == len(word)


def test_script_is_data_only():
    js = pinyin.pinyin_js({"p1": [["中文", "zhōng wén"]], "title": [["</script>", "x"]]}).decode()
    assert js.startswith("window.digestPinyin&&window.digestPinyin(") and js.endswith(");\n")
    assert json.loads(js[len("window.digestPinyin&&window.digestPinyin("):-3])["p1"] == [["中文", "zhōng wén"]]


def test_site_has_a_script_per_article_and_pages_load_it_only_on_demand(built):
    out, _rep, _infos = built
    from sitedata import make_site
    for a in make_site().articles:
        js = out / pinyin_js(a.slug)
        assert js.is_file()
        for page in (out / "zh" / js.name.replace(".pinyin.js", ".html"),
                     out / "parallel" / js.name.replace(".pinyin.js", ".html")):
            html = page.read_text()
            assert f'data-src="{"" if page.parent.name == "zh" else "../zh/"}{js.name}"' in html
            assert f'<script src="{js.name}' not in html and ".pinyin.js\"" not in html.split("<body")[0]
    assert not list((out / "en").glob("*.pinyin.js"))
    assert 'id="pinyin-switch"' not in (out / "en" / "jingkou-new-mission.html").read_text()


from hypothesis import given, settings as hsettings, strategies as st  # noqa: E402

_TEXT = st.text(alphabet=st.sampled_from(list("京口区银行长大了还数字经济发展一二三十年月日个，。！？“”《》 0123456789abcXYZ*_[]()#")),
                min_size=1, max_size=60)


@hsettings(max_examples=150, deadline=None)
@given(_TEXT)
def test_words_are_found_in_order_in_the_shown_text(seg, text):
    """site.js finds each word after the previous one in the element's text: so must they be."""
    a = Article(slug="t", title="标题", blocks=[Block("paragraph", text)])
    shown = pinyin.plain(text)
    pos = 0
    for word, syl in pinyin.article_readings(a, {}, seg)["p1"]:
        at = shown.find(word, pos)
        assert at >= 0, (word, shown)
        pos = at + len(word)
        assert len(syl.split(" ")) == len(word)


def _reference_readings(words, tags, freq):
    """word_readings as first written, without memos: what the memoised one must equal."""
    out, prev = [], ""
    for w in words:
        after_number, prev = bool(pinyin._DIGITS.search(prev[-1:]) or prev and all(c in pinyin._NUMERALS for c in prev)), w
        if not pinyin._HAN_RUN.search(w) or pinyin.skip_word(w, tags.get(w), bool(freq.get(w)), after_number):
            continue
        for run in pinyin._HAN_RUN.findall(w):
            syl = pinyin.run_reading(run)
            if syl is not None:
                out.append([run, syl])
    return out


_WORD = st.text(alphabet=st.sampled_from(list("银行长大一二十第年月个点半王a1２%")), min_size=1, max_size=4)


@hsettings(max_examples=200, deadline=None)
@given(st.lists(_WORD, max_size=12), st.dictionaries(_WORD, st.sampled_from(["n", "m", "q", "nr", "v"])),
       st.dictionaries(_WORD, st.integers(0, 3)))
def test_memoised_readings_equal_the_plain_computation(words, tags, freq):
    """The per-word memo is keyed by everything a word's readings depend on (its tag, whether
    the dictionary knows it, whether it follows a number): the same words with other tables
    or after another word get their own readings."""
    tagged = [(w, tags.get(w), bool(freq.get(w))) for w in words]
    assert pinyin.word_readings(tagged) == _reference_readings(words, tags, freq)


def test_keyword_stage_hands_its_scripts_to_render():
    """The keyword stage makes each article's script while its segmentation is at hand; the
    render stage serves that one (and makes the script itself for an article it lacks)."""
    import types
    import zlib

    from sitedata import make_site

    from digest.render import _pinyin_files
    from digest.site import compute_keywords
    site = make_site()
    made: dict[str, bytes] = {}
    compute_keywords(site.articles, None, None, None, made, site.segmenter)
    assert set(made) == {a.slug for a in site.articles}
    for a in site.articles:
        assert zlib.decompress(made[a.slug]) == pinyin.article_script(a, site.segmenter)
    first, *rest = site.articles
    site.pinyin = {first.slug: zlib.compress(b"handed over")}
    settings = types.SimpleNamespace(glossary_path=__import__("pathlib").Path("/nonexistent/glossary.toml"))
    files = {rel: produce for rel, _key, produce in _pinyin_files(site, settings, b"v")}
    assert files[pinyin_js(first.slug)]() == b"handed over"
    assert all(files[pinyin_js(a.slug)]() == pinyin.article_script(a, site.segmenter) for a in rest)
