"""Nothing lost, idempotence, and no tracebacks: on the seeds and on generated text."""
from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from digest.errors import InputError
from digest.ingest import article_to_text, normalise
from digest.ingest.chars import han_count


def output_han(result) -> int:
    a = result.article
    parts = [a.title, a.subtitle, a.dateline, a.byline, a.editor] + [b.text for b in a.blocks]
    return sum(han_count(p or "") for p in parts) + sum(han_count(d) for d in result.dropped)


def content(a):
    return (a.title, a.subtitle, a.dateline, a.byline, a.editor, a.date, a.blocks)


def test_nothing_lost_seeds(seed000, seed003, art000, art003):
    # pinyin annotations are Latin, so removing them removes no Han; "責任編輯：" is a label
    assert output_han(art000) == han_count(seed000.decode())
    label = han_count("責任編輯")
    assert output_han(art003) == han_count(seed003.decode()) - label + art003.han_delta
    assert art003.han_delta == 0               # 母镌圏 -> 革試點: three for three


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


@given(TEXTS)
def test_keeps_han_count(text):
    try:
        r = normalise(text.encode("utf-8"), "gen.txt")
    except InputError:
        return
    labels = han_count("责任编辑") if r.article.editor else 0
    assert output_han(r) + labels == han_count(text) + r.han_delta


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
