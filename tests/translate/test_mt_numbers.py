"""Money, scaled numbers and dates: recognised in Chinese, rendered in English (no model)."""
from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, strategies as st

from digest.translate.checks import english_values, source_values
from digest.translate.numbers import english_amount, expressions, ordinal


@pytest.mark.parametrize("zh, expected", [
    # the seeds' amounts, which the model turned into dollars
    ("今年1-9月，全区新签约数字经济项目18个，总投资4亿元；在谈数字经济项目16个，总投资19亿元。",
     {"4亿元": "400 million yuan", "19亿元": "1.9 billion yuan"}),
    ("这个总投资15.6亿元的项目", {"15.6亿元": "1.56 billion yuan"}),
    ("全国一般公共预算收入5981.9亿元", {"5981.9亿元": "598.19 billion yuan"}),
    ("人民币4亿元", {"人民币4亿元": "400 million yuan"}),
    ("19亿元人民币", {"19亿元人民币": "1.9 billion yuan"}),
    ("筹资3.5万美元", {"3.5万美元": "35,000 US dollars"}),
    ("出口额达1.2万亿欧元", {"1.2万亿欧元": "1.2 trillion euros"}),
    ("安排1300余万元送温暖资金", {"1300余万元": "more than 13 million yuan"}),
    ("每户2000元", {"2000元": "2,000 yuan"}),
    ("常住人口120万人", {"120万": "1.2 million"}),
    # dates: nothing the source does not give
    ("17日，市长前往企业调研。", {"17日": "the 17th"}),
    ("新华社北京17日电", {"17日": "the 17th"}),
    ("2021年3月17日上午", {"2021年3月17日": "March 17, 2021"}),
    ("10月1日起施行", {"10月1日": "October 1"}),
    ("2020年12月", {"2020年12月": "December 2020"}),
])
def test_expressions(zh, expected):
    assert expressions(zh) == expected


@pytest.mark.parametrize("zh", [
    "增长5.2%",            # percentages are the model's (it copies them)
    "2021年",              # a bare year too
    "今年1-9月",           # a range of months: "January to September", not "1 and September"
    "3日内完成",           # within three days, not "the 3rd"
    "日本和韩国",
    "人民日报报道",
    "项目18个",
])
def test_left_to_the_model(zh):
    assert expressions(zh) == {}


def test_english_amount():
    assert english_amount(Decimal("400000000")) == "400 million"
    assert english_amount(Decimal("1560000000")) == "1.56 billion"
    assert english_amount(Decimal("59819000000")) == "59.819 billion"
    assert english_amount(Decimal("35000")) == "35,000"
    assert english_amount(Decimal("1000000000000")) == "1 trillion"


@pytest.mark.parametrize("n, s", [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"),
                                  (12, "12th"), (13, "13th"), (21, "21st"), (22, "22nd"), (31, "31st")])
def test_ordinal(n, s):
    assert ordinal(n) == s


@given(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2),
       st.sampled_from(["万", "亿", "万亿"]), st.sampled_from(["元", "美元", "欧元", ""]))
def test_rendered_amount_has_the_value_of_the_source(value, scale, currency):
    zh = f"总额{value}{scale}{currency}，"
    found = expressions(zh)
    assert len(found) == 1
    (en,) = found.values()
    # the English form read back as a number is exactly the Chinese value
    assert english_values(en) == source_values(zh)
    if currency == "元":
        assert en.endswith(" yuan") and "$" not in en and "€" not in en


@given(st.integers(1, 12), st.integers(1, 31))
def test_dates_name_only_what_the_source_gives(month, day):
    assert expressions(f"于{day}日举行") == {f"{day}日": f"the {ordinal(day)}"}
    en = expressions(f"于{month}月{day}日举行")[f"{month}月{day}日"]
    assert en.split()[1] == str(day) and "," not in en          # no year invented


@given(st.text(max_size=60))
def test_never_raises(text):
    for zh, en in expressions(text).items():
        assert zh in text and en


# the model's own words around a day put back from a placeholder (real WMT21 outputs)
@pytest.mark.parametrize("en, want", [
    ("SONA will be published in the the 27th building.", "SONA will be published in the 27th building."),
    ("Bruno Covas announced at the 24th that the city would cancel", "Bruno Covas announced on the 24th that the city would cancel"),
    ("The the 17th was sunny.", "The 17th was sunny."),
    ("At the 17th, it rained.", "On the 17th, it rained."),
    ("On the 17th, it rained in the 21st century.", "On the 17th, it rained in the 21st century."),
])
def test_day_of_the_month_reads_as_a_date(en, want):
    from digest.translate import day_prepositions
    assert day_prepositions(en, ["the 17th", "the 24th", "the 27th", "400 million yuan"]) == want
