"""Sentence splitting for the model, and tidying of the English it returns."""
from __future__ import annotations

import pytest

from digest.translate.sentences import MAX_CHARS, join_english, split_sentences, tidy_english


@pytest.mark.parametrize("text, expected", [
    ("他说：“好。”然后", ["他说：“好。”", "然后"]),
    ("今天下雨。明天晴！后天呢？大后天；再说", ["今天下雨。", "明天晴！", "后天呢？", "大后天；", "再说"]),
    ("等等……他来了。", ["等等……", "他来了。"]),
    ("他说“真的吗？”她说“是的！”", ["他说“真的吗？”", "她说“是的！”"]),
    ("（完。）下一段", ["（完。）", "下一段"]),
    ("好啊！！真的？！", ["好啊！！", "真的？！"]),
    ("  只有一句  ", ["只有一句"]),
    # a closer after a space, a spaced second ellipsis: never a sentence of their own
    ("目前看还好 。 ”然后", ["目前看还好 。 ”", "然后"]),
    ("越来越难找了 … … 我都找了一天了 … … 今晚", ["越来越难找了 ……", "我都找了一天了 ……", "今晚"]),
    ("金额在20元以下… …", ["金额在20元以下……"]),
    # an ASCII quote after a space opens the next sentence
    ('他说。 "你好"', ["他说。", '"你好"']),
    ("", []),
])
def test_split_on_enders_keeping_closers(text, expected):
    assert split_sentences(text) == expected


def test_no_sentence_is_only_punctuation():
    import re
    text = "“好 。 ”……“真的？ ”… …！"
    assert all(re.search(r"\w", s) for s in split_sentences(text))


def test_join_gives_back_the_text():
    text = "近年来，京口区牢记嘱托。“镇江很有前途。”他说……好！真的？是；完"
    assert "".join(split_sentences(text)) == text


def test_decimals_and_english_untouched():
    text = "增长26.5%，达到3.14亿元，约300,000人。Hello world. It costs $1.50 now."
    out = split_sentences(text)
    assert out == ["增长26.5%，达到3.14亿元，约300,000人。", "Hello world. It costs $1.50 now."]


def test_long_comma_run_is_cut_at_a_comma():
    clause = "这是一个比较长的分句内容"          # 12 characters
    text = "，".join([clause] * 30) + "。"      # ~390 characters, commas only
    out = split_sentences(text)
    assert len(out) >= 3
    assert all(len(s) <= MAX_CHARS for s in out)
    assert all(s.endswith(("，", "。")) for s in out)
    assert "".join(out) == text


def test_long_run_without_any_comma_is_left_whole():
    text = "字" * 400
    assert split_sentences(text) == [text]


def test_short_comma_sentence_is_not_cut():
    text = "一，二，三，四，五。"
    assert split_sentences(text) == [text]


@pytest.mark.parametrize("raw, tidy", [
    ("Jingkou ' s economy", "Jingkou's economy"),
    ("growth , of 5 % .", "growth, of 5%."),
    ("a   b", "a b"),
    ("Really ?", "Really?"),
    ("  edges  ", "edges"),
    ("3.5 million", "3.5 million"),
    ("300,000 people", "300,000 people"),
])
def test_tidy_english(raw, tidy):
    assert tidy_english(raw) == tidy


def test_join_english_skips_empty_sentences():
    assert join_english(["One.", "  ", "Two ,", "three."]) == "One. Two, three."
