"""Chinese money, numbers and dates, recognised and rendered in English (pure functions).

The model turns 4亿元 into "$400 million" and 亿元 into euros, and gives 17日 a
month the source never had. :func:`expressions` finds the expressions it gets
wrong, with their English form; ``translate`` passes them through the model as
placeholders, exactly like glossary terms, and :mod:`.checks` compares every
sentence's numbers, currencies and dates with its source.

- money and scaled numbers: ``4亿元`` -> "400 million yuan", ``5981.9亿元`` ->
  "598.19 billion yuan", ``3.5万美元`` -> "35,000 US dollars", ``120万`` -> "1.2 million";
  元 and 人民币 are yuan, never $ or €;
- dates: ``2021年3月17日`` -> "March 17, 2021", ``3月17日`` -> "March 17",
  ``17日`` -> "the 17th" (no month or year the source does not give).

Plain numbers, percentages and years are left to the model (it copies them);
the checks verify them.
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# currency words in Chinese -> (English after the amount, English before it)
CURRENCIES = {
    "人民币": "yuan", "元": "yuan", "块": "yuan",
    "美元": "US dollars", "欧元": "euros", "日元": "yen", "英镑": "pounds",
    "港元": "Hong Kong dollars", "港币": "Hong Kong dollars", "韩元": "won", "卢布": "roubles",
}
_CUR = "|".join(sorted(CURRENCIES, key=len, reverse=True))
SCALES = {"万亿": Decimal(10) ** 12, "千亿": Decimal(10) ** 11, "百亿": Decimal(10) ** 10,
          "亿": Decimal(10) ** 8, "千万": Decimal(10) ** 7, "百万": Decimal(10) ** 6, "万": Decimal(10) ** 4}
_SCALE = "|".join(sorted(SCALES, key=len, reverse=True))
_NUM = r"\d+(?:,\d{3})*(?:\.\d+)?"

# 人民币4亿元 / 4亿元人民币 / 4亿元 / 3.5万美元 / 120万 / 300元; not 120万人 (a count: kept, scaled)
MONEY = re.compile(rf"(?<![\d.,])(?:(?P<pre>人民币)\s*)?(?P<num>{_NUM})(?P<more>[余多])?\s*(?P<scale>{_SCALE})?"
                   rf"(?P<cur>{_CUR})?(?(cur)(?P<post>人民币)?|)")
# not the end of a range (1-9月 is January to September, left to the model)
DATE = re.compile(r"(?<![\d.\-－—~～])(?:(?P<y>\d{4})年)?(?:(?P<m>1[0-2]|0?[1-9])月)?(?:(?P<d>3[01]|[12]\d|0?[1-9])(?:日|号)"
                  r"(?![本报内后前]))?")


def _plain(value: Decimal) -> str:
    """1234567.5 -> '1,234,567.5'; no trailing zeros."""
    q = value.normalize()
    if q == q.to_integral():
        return f"{int(q):,}"
    s = f"{q:f}"
    whole, frac = s.split(".")
    return f"{int(whole):,}.{frac}"


def english_amount(value: Decimal) -> str:
    """400000000 -> '400 million'; 1560000000 -> '1.56 billion'; 35000 -> '35,000'."""
    for word, size in (("trillion", Decimal(10) ** 12), ("billion", Decimal(10) ** 9),
                       ("million", Decimal(10) ** 6)):
        if abs(value) >= size:
            return f"{_plain(value / size)} {word}"
    return _plain(value)


def ordinal(n: int) -> str:
    if 10 <= n % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def parse_decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None


def money(text: str) -> list[tuple[str, str]]:
    """(Chinese, English) for every scaled number or amount of money in ``text``."""
    out = []
    for m in MONEY.finditer(text):
        scale, cur = m.group("scale"), m.group("cur")
        if not scale and not cur:
            continue                      # a plain number: the model copies it
        value = parse_decimal(m.group("num"))
        if value is None:
            continue
        value *= SCALES[scale] if scale else 1
        en = ("more than " if m.group("more") else "") + english_amount(value)
        if cur:
            en = f"{en} {CURRENCIES[cur]}"
        elif m.group("pre"):
            continue                      # 人民币4亿 without 元: leave to the model
        zh = m.group()
        if m.group("pre") and not cur:
            zh = zh[len(m.group("pre")):]
        out.append((zh.strip(), en))
    return out


def dates(text: str) -> list[tuple[str, str]]:
    """(Chinese, English) for every date with a day or month: 17日 -> 'the 17th'."""
    out = []
    for m in DATE.finditer(text):
        y, mo, d = m.group("y"), m.group("m"), m.group("d")
        if not (mo or d):
            continue                      # a bare year (2021年) is left to the model
        if mo and not d:
            # 3月 alone is a month; with a year "March 2021"
            en = MONTHS[int(mo) - 1] + (f" {y}" if y else "")
        elif d and not mo:
            if y:
                continue                  # 2021年17日 is not a date
            en = f"the {ordinal(int(d))}"
        else:
            en = f"{MONTHS[int(mo) - 1]} {int(d)}" + (f", {y}" if y else "")
        out.append((m.group(), en))
    return out


def expressions(text: str) -> dict[str, str]:
    """Every money/scaled-number/date expression of a sentence -> its English form."""
    found: dict[str, str] = {}
    for zh, en in money(text) + dates(text):
        found.setdefault(zh, en)
    return found
