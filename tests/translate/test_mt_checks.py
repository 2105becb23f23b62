"""The checks on every machine sentence (pure; the English is what today's model really wrote)."""
from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from digest.translate.checks import (ENTITIES, SCORE_FLOOR, check, drop_invented_marker, retryable, severity,
                                    zh_numeral)

SEED_MONEY = "今年1-9月，全区新签约数字经济项目18个，总投资4亿元；在谈数字经济项目16个，总投资19亿元。"


def kinds(reasons):
    return {r.split(":")[0].split(" ")[0] for r in reasons}


# --- money and numbers ------------------------------------------------------------------------

def test_seed_amounts_in_dollars_are_caught():
    # what the model wrote for the seed before money was protected
    en = ("In January-September this year, 18 new digital economy projects were signed, with a total "
          "investment of $400 million; 16 projects were under discussion, with a total investment of $1.9 billion.")
    reasons = check(SEED_MONEY, en)
    assert "currency" in kinds(reasons)
    assert any("US dollars" in r and "元" in r for r in reasons)
    assert any("yuan" in r and "missing" in r for r in reasons)


def test_seed_amounts_in_yuan_pass():
    en = ("In January-September this year, 18 new digital economy projects were signed, with a total "
          "investment of 400 million yuan; 16 projects were under discussion, with a total investment of "
          "1.9 billion yuan.")
    assert check(SEED_MONEY, en) == []


def test_yi_yuan_in_euros_is_caught():
    zh = "上半年全省规模以上工业企业实现利润1205.3亿元，同比下降3.1%。"
    en = "In the first half of the year, industrial enterprises above designated size made a profit of €120.53 billion, down 3.1%."
    assert any(r.startswith("currency: euros") for r in check(zh, en))
    ok = ("In the first half of the year, industrial enterprises above designated size made a profit of "
          "120.53 billion yuan, down 3.1%.")
    assert check(zh, ok) == []


def test_wrongly_scaled_number_is_caught():
    zh = "这个总投资15.6亿元的项目"
    reasons = check(zh, "The project, with a total investment of 15.6 billion yuan")
    assert "number 1.56 billion of the source missing in English" in reasons
    assert "number 15.6 billion in English not in the source" in reasons
    assert check(zh, "The project, with a total investment of 1.56 billion yuan") == []


@pytest.mark.parametrize("zh, en", [
    ("增长5.2%。", "up 5.2 per cent."),
    ("增长5.2%。", "up 5.2%."),
    ("共有3家企业。", "There are three companies."),
    ("共有三家企业。", "There are 3 companies."),
    ("上半年电信网络诈骗犯罪上升七成", "Telecom fraud rose by 70% in the first half"),
    ("当日15时30分发布预警", "The warning was issued at 15:30"),
    ("新冠肺炎疫情", "the COVID-19 epidemic"),
    ("《2019年至2025年法国军事规划法案》", "the French Military Planning Act 2019-2025"),
    ("收入5万多元", "an income of more than 50,000 yuan"),
    ("今年1-9月", "From January to September this year"),
])
def test_numbers_that_agree(zh, en):
    assert check(zh, en) == []


# --- dates -------------------------------------------------------------------------------------

def test_day_of_the_month_gains_no_month():
    zh = "17日，市长前往企业调研。"
    assert check(zh, "On the 17th, the mayor visited companies.") == []
    reasons = check(zh, "On March 17, the mayor visited companies.")
    assert reasons == ["date: month March in English, not in the source"]


def test_weekday_and_may():
    assert check("周一召开会议。", "The meeting was held on Monday.") == []
    assert "date" in kinds(check("当天召开会议。", "The meeting was held on Monday."))
    assert check("他们可能会来。", "May they come, they may.") == []
    assert "date" in kinds(check("17日召开会议。", "The meeting was held on May 17."))


# --- entities, list markers, loops, length, leftovers, remnants, score ------------------------

def test_invented_entity():
    zh = "镇江高新区与南京大学签署合作协议。"
    reasons = check(zh, "Zhenjiang High-tech Zone signed a cooperation agreement with the University of New York.")
    assert reasons == ["entity: 'New York' in English has no counterpart (纽约) in the source"]
    assert check("与纽约大学合作", "in cooperation with New York University") == []


def test_entity_table_is_an_argument():
    zh = "与华为合作"
    en = "in cooperation with Hua and the United States"
    assert "entity" in kinds(check(zh, en))
    assert check(zh, en, entities={"Huawei": ("华为",)}) == []
    assert "entity" in kinds(check(zh, "with Huawei", entities={"Huawei": ("华为技术",)}))
    assert "United States" in ENTITIES


def test_list_markers_without_counterpart():
    zh = "一要加强管理，二要优化服务。"
    assert "list" in kinds(check(zh, "(a) Strengthening management and (c) optimising services."))
    assert "list" in kinds(check("加强管理，优化服务。", "Strengthen management • optimise services."))
    assert check("（一）加强管理。", "(a) Strengthen management.") == []
    assert check("我们要加强管理。", "We will strengthen management (and services).") == []


# the model's English of seed sentences (real outputs): a marker before a sentence whose
# Chinese has none is dropped; one the Chinese has, or one inside the sentence, stays
@pytest.mark.parametrize("zh, en, want", [
    ("深化“大党工委”机制，与新民洲临港产业园实行“一区一园”协同发展。",
     "(c) Deepening the Great Party Labour Commission mechanism.",
     "Deepening the Great Party Labour Commission mechanism."),
    ("精密智造产业园“四证齐发”，高端制造集群呼之欲出；",
     "• “Four-symmetric industrial parks”, which are called for by high-end manufacturing clusters;",
     "“Four-symmetric industrial parks”, which are called for by high-end manufacturing clusters;"),
    ("创成一批省级“红色物业”示范点。", "(a) the creation of a series of provincial “red property” sites.",
     "The creation of a series of provincial “red property” sites."),
    ("（三）深化改革。", "(c) Deepening reform.", "(c) Deepening reform."),
    ("一是加强协调。", "(a) Strengthen coordination.", "(a) Strengthen coordination."),
    ("加强管理，优化服务。", "Strengthening management and (c) optimising services.",
     "Strengthening management and (c) optimising services."),
    ("加强管理。", "(a)", "(a)"),
])
def test_invented_leading_list_marker_dropped(zh, en, want):
    out = drop_invented_marker(zh, en)
    assert out == want
    assert drop_invented_marker(zh, out) == out                       # idempotent
    if out != en:
        assert "list" not in kinds(check(zh, out))


def test_loop_and_length():
    assert "loop" in kinds(check("持续发展。", "Development, development, development, development."))
    assert "loop" in kinds(check("这是一个重要的会议。", "It is an important meeting, an important meeting."))
    assert "length" in kinds(check("这是全区数字经济发展的重要一年。", "Yes."))
    assert "length" in kinds(check("这是全区数字经济发展的重要一年。", "This is " + "a very " * 30 + "important year."))


def test_leftovers_in_the_english():
    assert "untranslated" in kinds(check("京口区政府", "The 京口 district government"))
    assert "untranslated" in kinds(check("京口区政府", "The Jīngkǒu district government"))
    assert check("京口区政府", "The Jingkou District government") == []
    # acute and grave accents are European names, not pinyin
    assert check("圣彼得与圣保罗大教堂", "the Cathédrale Saint-Pierre-et-Saint-Paul") == []


def test_ingest_remnant_in_the_source_is_flagged_not_retried():
    reasons = check("由?lián)合会主办", "Hosted by the federation")
    assert kinds(reasons) == {"remnant"}
    assert not retryable(reasons) and severity(reasons) == 2


def test_score():
    zh, en = "会议召开。", "The meeting was held."
    assert check(zh, en, score=SCORE_FLOOR + 0.1) == []
    assert kinds(check(zh, en, score=SCORE_FLOOR - 0.1)) == {"score"}
    assert check(zh, en, score=None) == []               # a row made before scores were kept
    assert severity(check(zh, en, score=-9)) == 1 and retryable(check(zh, en, score=-9))


def test_empty_english():
    assert kinds(check("会议召开。", "")) == {"length"}


@pytest.mark.parametrize("zh, n", [("三", 3), ("十七", 17), ("二十一", 21), ("三千五百", 3500), ("两万", 20000),
                                   ("一百零五", 105), ("十万", 100000), ("三亿五千万", 350000000), ("甲", None)])
def test_zh_numeral(zh, n):
    assert zh_numeral(zh) == n


_han = st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF)
_mixed = st.one_of(_han, st.sampled_from("0123456789.,%年月日亿万元（）()•?ā"), st.characters(max_codepoint=0x7F))


@given(st.text(_mixed, max_size=50), st.text(_mixed, max_size=80),
       st.one_of(st.none(), st.floats(-20, 0)))
def test_checks_are_total_and_deterministic(zh, en, score):
    first = check(zh, en, score)
    assert first == check(zh, en, score)
    assert all(isinstance(r, str) and r for r in first)
    assert severity(first) in (0, 1, 2)
