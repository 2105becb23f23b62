"""Nothing lost, idempotence, and no tracebacks: on the seeds and on generated text."""
from __future__ import annotations

from collections import Counter

import opencc
from hypothesis import example, given
from hypothesis import strategies as st

from digest.errors import InputError
from digest.ingest import article_to_text, normalise
from digest.chars import HAN_RE
from digest.ingest.script import to_simplified

EDITOR_LABELS = ("责任编辑", "责编", "编辑")      # the label of an editor line is not kept


def output_han(result) -> Counter:
    """The Han characters of everything the content file holds: body and front matter."""
    a = result.article
    parts = [a.title, a.subtitle, a.dateline, a.byline, a.editor, a.date] + [b.text for b in a.blocks]
    return Counter(HAN_RE.findall("".join(p or "" for p in parts) + "".join(result.dropped)))


def source_han(text: str) -> Counter:
    """The source's Han characters after the same script conversion ingest makes."""
    return Counter(HAN_RE.findall(to_simplified(text)))


def assert_nothing_lost(result, text: str, changed: Counter | None = None) -> None:
    """Output Han == source Han (after t2s), as multisets: nothing invented, nothing lost, no
    exemption for repairs. ``changed``: the one difference a test expects (+ added, - removed)."""
    out, src = output_han(result), source_han(text)
    if changed:
        src.update(changed)
        src = +src
    missing, invented = src - out, out - src
    if result.article.editor and missing:      # "责任编辑：王五": the label goes, the name stays
        missing = next((missing - Counter(label) for label in EDITOR_LABELS
                        if not Counter(label) - missing), missing)
    assert not invented and not missing, (f"invented {''.join(invented.elements())!r}, "
                                          f"lost {''.join(missing.elements())!r}")


def content(a):
    return (a.title, a.subtitle, a.dateline, a.byline, a.editor, a.date, a.blocks)


def test_nothing_lost_seeds(seed000, seed003, art000, art003):
    # pinyin annotations are Latin, so removing them removes no Han; "責任編輯：" is a label
    assert_nothing_lost(art000, seed000.decode())
    # the one verified repair, 母镌圏c -> 革試點, is the only difference, and it is spelled out
    assert_nothing_lost(art003, seed003.decode(), Counter({"革": 1, "试": 1, "点": 1,
                                                          "母": -1, "镌": -1, "圏": -1}))


def test_idempotent_on_seeds(art000, art003):
    for r in (art000, art003):
        again = normalise(article_to_text(r.article).encode(), "again")
        assert content(again.article) == content(r.article)
        assert not again.article.repairs.get("pinyin_annotations")
        assert not again.article.repairs.get("page_breaks")


ALPHABET = st.sampled_from(list("京口经济发展區質發展的是在了，。、；：！？“”（）,:;?!() \n\n\n\t\u3000ab1(fā)犇镌圏記者编辑责任") +
                           ["(fā)", "(zhì)", "发(fā)", "责任编辑：王五", "（记者 张三）", "新华社北京电 ", "\n\n"])
TEXTS = st.lists(ALPHABET, max_size=80).map("".join)


@given(st.one_of(st.text(max_size=200), TEXTS))
# found by fuzzing: a page-break rejoin next to a lone mark; a space dropped between two
# marks; a subtitle with only a byline below it; a rejoin making an editor line; a
# full-width mark completing a damaged-looking run; spaces inside an annotation
@example("0\r?㐀\r,")
@example("0\r，\t,")
@example("0\r0(记者)")
@example("0\r0\r责任编辑:0\r.")
@example("0\r犂;_")
@example("发( FĀ)\r0")
def test_never_raises_other_than_input_error_and_idempotent(text):
    try:
        r = normalise(text.encode("utf-8"), "gen.txt")
    except InputError:
        return
    again = normalise(article_to_text(r.article).encode("utf-8"), "gen.txt")
    assert content(again.article) == content(r.article)


_S2T = opencc.OpenCC("s2t")
# Traditional text as a scraped Taiwan or Hong Kong page would hold it: OpenCC s2t of the same
# generated text (發, 質, 裏, 羣, 「」 and all)
TRADITIONAL = TEXTS.map(_S2T.convert)
HAN_PROSE = st.lists(st.sampled_from(list("我们家里一群人才哪里的是在了有和与为这个中国发展经济社会"
                                          "，。、；：！？“”「」『』《》（）\n")), max_size=120).map("".join)


@given(st.one_of(TEXTS, TRADITIONAL, HAN_PROSE, HAN_PROSE.map(_S2T.convert)))
@example("家裏\n「我們家裏」一羣人才哪裏來")
@example("一羣\n他說「人才哪裏都有」。")
def test_nothing_lost(text):
    try:
        r = normalise(text.encode("utf-8"), "gen.txt")
    except InputError:
        return
    assert_nothing_lost(r, text)
    assert not r.article.repairs.get("mojibake")


@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_traceback(raw):
    try:
        normalise(raw, "bytes.bin")
    except InputError:
        pass


def test_single_long_line_is_handled_whole():
    # one 3.6 MB line (no page structure at all); its speed is measured by bench/ingest_speed.py
    line = ("京口經開區(諫壁街道)發(fā)展,質(zhì)量提高。" * 40000).encode()
    r = normalise(b"title\n" + line, "long.txt")
    assert r.article.repairs["pinyin_annotations"] == 80000
    body = "".join(b.text for b in r.article.blocks)
    assert "(fā)" not in body and "(zhì)" not in body and body.count("（谏壁街道）") == 40000
