"""Checks on every machine sentence: what a reader must not be shown unchecked.

:func:`check` compares one sentence's English with its Chinese and returns the
reasons it needs a human (an empty list when it passes). It is pure and
deterministic: the same Chinese, English and model score give the same reasons,
so flags rebuilt from the translation memory are the flags of the first build.

- numbers (as values: 4亿 = 400 million = 400,000,000), currencies and dates
  (months, weekdays) that disagree with the source;
- an entity in the English with no counterpart in the Chinese (an invented
  "United States", "New York", "University"); the table is an argument, so a
  fuller dictionary can replace :data:`ENTITIES`;
- list markers or bullets ("(a)", "•") the source does not have;
- a repeated phrase or loop; a length ratio far outside the usual;
- Han characters or tone-marked pinyin left in the English;
- an ingest remnant in the source (``?lián)``);
- the model's own score (mean log-probability per token) in the lowest few percent.

Thresholds were calibrated on WMT21 news zh-en (see ``bench/mt_checks.py``).
"""
from __future__ import annotations

import re
from decimal import Decimal

from ..chars import HAN_RE
from .numbers import MONEY, MONTHS, SCALES, WEEKDAYS, english_amount, parse_decimal

# mean log-probability per target token below which a sentence is among the model's
# least confident: about the lowest 1 % of WMT21 sentences (greedy percentiles measured by
# bench/mt_checks.py --calibrate: 1 % -1.48, 2 % -1.36, 5 % -1.21, median -0.75)
SCORE_FLOOR = -1.5
# English characters per Chinese character, outside which a sentence is suspicious
# (about the 0.1st and 99.9th percentiles of WMT21 reference lines of 10+ characters)
RATIO = (1.4, 7.5)
MIN_RATIO_CHARS = 10

# English entity words a weak model invents -> the Chinese forms that justify them
ENTITIES: dict[str, tuple[str, ...]] = {
    "United States": ("美国", "美"), "America": ("美国", "美洲", "美"), "American": ("美国", "美洲", "美"),
    "New York": ("纽约",), "Washington": ("华盛顿", "华府"), "University": ("大学", "学院", "高校"),
    "Harvard": ("哈佛",), "Oxford": ("牛津",), "Cambridge": ("剑桥",), "Stanford": ("斯坦福",),
    "Japan": ("日本", "日"), "Japanese": ("日本", "日"), "Tokyo": ("东京",),
    "Korea": ("韩国", "朝鲜", "韩", "朝"), "Korean": ("韩国", "朝鲜", "韩", "朝"),
    "Europe": ("欧洲", "欧"), "European": ("欧洲", "欧"), "Britain": ("英国", "英"), "British": ("英国", "英"),
    "London": ("伦敦",), "France": ("法国", "法"), "French": ("法国", "法"), "Paris": ("巴黎",),
    "Germany": ("德国", "德"), "German": ("德国", "德"), "Berlin": ("柏林",),
    "Russia": ("俄罗斯", "俄"), "Russian": ("俄罗斯", "俄"), "Moscow": ("莫斯科",),
    "India": ("印度",), "Indian": ("印度",), "Canada": ("加拿大", "加"), "Australia": ("澳大利亚", "澳洲", "澳"),
    "Italy": ("意大利", "意"), "Spain": ("西班牙",), "Brazil": ("巴西",), "Mexico": ("墨西哥",),
    "Singapore": ("新加坡",), "Africa": ("非洲", "非"), "California": ("加州", "加利福尼亚"),
    "Hong Kong": ("香港", "港"), "Taiwan": ("台湾", "台"), "Macao": ("澳门", "澳"), "Macau": ("澳门", "澳"),
    "Olympic": ("奥运", "奥林匹克", "冬奥", "奥"), "Olympics": ("奥运", "奥林匹克", "冬奥", "奥"),
    "Soviet": ("苏联", "苏"), "Christmas": ("圣诞",), "Paralympic": ("残奥",),
}

# macrons and carons: pinyin tones that European names (Sírio, Cathédrale) do not use
_PINYIN = re.compile(r"\b\w*[āǎēěīǐōǒūǔǖǘǚǜ]\w*\b")
# "COVID-19", "Ka-52M", "G20" are names, not quantities (on both sides)
_EN_NUM = re.compile(r"(?<![\w.])(?<![A-Z]-)(\d+(?:,\d{3})*(?:\.\d+)?)(?:\s*(%|percent|per cent)|(?:st|nd|rd|th|s|am|pm)\b|"
                     r"\s+(thousand|million|billion|trillion)\b)?(?![A-Za-z])")
_EN_SCALE = {"thousand": Decimal(10) ** 3, "million": Decimal(10) ** 6, "billion": Decimal(10) ** 9,
             "trillion": Decimal(10) ** 12}
_EN_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty".split())}
_EN_WORDS.update({"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
                  "eighth": 8, "ninth": 9, "tenth": 10, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
                  "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "dozen": 12, "half": 2,
                  "once": 1, "twice": 2, "single": 1, "both": 2, "double": 2, "pair": 2, "a": 1, "an": 1})
_ZH_NUM = re.compile(r"(?<![A-Za-z0-9.])(?<![A-Z]-)(\d+(?:,\d{3})*(?:\.\d+)?)(?![A-Za-z])\s*[余多]?\s*"
                     r"(万亿|千亿|百亿|亿|千万|百万|万|千(?![米克瓦]))?")
_ZH_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
              "八": 8, "九": 9}
_ZH_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10 ** 4, "亿": 10 ** 8}
_ZH_NUMERAL = re.compile(r"[零〇一二两三四五六七八九十百千万亿]+")
_MONTH_ZH = re.compile(r"(\d{1,2}|[一二三四五六七八九十]{1,3}|正|腊)月(?!亮|球|饼|光|嫂|子)")
_MONTH_RANGE = re.compile(r"(\d{1,2})\s*[-－—~～至到]\s*(\d{1,2})月")
_WEEKDAY_ZH = re.compile(r"(?:周|星期|礼拜)([一二三四五六日天末])")
_EN_MONTH = re.compile(r"\b(" + "|".join(m for m in MONTHS if m != "May") + r")\b|"
                       r"\bMay(?=\s+\d)|(?<=\d\s)May\b|(?<=\bin\s)May\b")
_EN_WEEKDAY = re.compile(r"\b(" + "|".join(WEEKDAYS) + r")s?\b")
_EN_LIST = re.compile(r"(?:^|(?<=\s))\((?:[a-h]|i{1,3}|iv|vi{0,3}|\d{1,2})\)(?=\s)|[•●▪◆■◦]")
_ZH_LIST = re.compile(r"[（(][一二三四五六七八九十\da-zA-Z]{1,3}[)）]|[•●▪◆■◦·①-⑳⑴-⒇]|"
                      r"(?:^|[。；;：:\s])[一二三四五六七八九十]{1,2}、|(?:^|\s)\d{1,2}[.、．]|"
                      r"(?:^|[。；;：:，\s])[一二三四五六七八九十]是")   # 一是…二是… ("first … second …")
_PHRASE_LOOP = re.compile(r"\b((?:[A-Za-z'-]+\W+){2,}?[A-Za-z'-]+)\W+\1\b", re.IGNORECASE)
_LOOP3 = re.compile(r"\b([A-Za-z'-]+(?:\W+[A-Za-z'-]+){0,5})(?:\W+\1\b){2,}", re.IGNORECASE)

_YUAN_EN = re.compile(r"\b(?:yuan|RMB|renminbi|CNY)\b", re.IGNORECASE)
_FOREIGN_EN = {  # English currency -> Chinese words that justify it
    "US dollars": (re.compile(r"\$|\bdollars?\b|\bUSD\b|(?<!per )\bcents?\b", re.IGNORECASE), ("美元", "美金", "港元", "港币", "元美", "美分", "澳元", "加元", "新元", "刀")),
    "euros": (re.compile(r"€|\beuros?\b|\bEUR\b", re.IGNORECASE), ("欧元",)),
    "pounds": (re.compile(r"£|\bpounds? sterling\b|\bGBP\b"), ("英镑",)),
    "yen": (re.compile(r"¥(?!\d)|\byen\b", re.IGNORECASE), ("日元",)),
}

SEVERE = ("number", "currency", "date", "entity", "remnant")


def zh_numeral(text: str) -> int | None:
    """三千五百 -> 3500, 两万 -> 20000, 十七 -> 17; None when it is not a number."""
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in _ZH_DIGITS:
            digit = _ZH_DIGITS[ch]
        elif ch in ("万", "亿"):
            section += digit or 0
            total = (total + section) * _ZH_UNITS[ch] if ch == "亿" else total + section * _ZH_UNITS[ch]
            section, digit = 0, None
        elif ch in _ZH_UNITS:
            section += (1 if digit is None else digit) * _ZH_UNITS[ch]
            digit = None
        else:
            return None
    return total + section + (digit or 0)


def source_values(zh: str) -> list[Decimal]:
    """Arabic numbers of the Chinese (scaled by 万/亿), months excluded: they are checked as dates."""
    out = []
    ranges = [r.span() for r in _MONTH_RANGE.finditer(zh)]
    for m in _ZH_NUM.finditer(zh):
        v = parse_decimal(m.group(1))
        if v is None or any(a <= m.start() < b for a, b in ranges):
            continue
        rest = zh[m.end():m.end() + 1]
        if not m.group(2) and rest in ("月", "倍"):
            continue                      # a month (checked as a date); 1倍 is "double"
        out.append(v * ((SCALES.get(m.group(2)) or Decimal(1000)) if m.group(2) else 1))
    return out


def _numeral_values(zh: str) -> set[Decimal]:
    """Values written in Chinese numerals (三, 十七, 两万), and each of their digits."""
    vals: set[Decimal] = set()
    for m in _ZH_NUMERAL.finditer(zh):
        v = zh_numeral(m.group())
        if v is not None:
            vals.add(Decimal(v))
            if zh[m.end():m.end() + 1] == "成":
                vals.add(Decimal(v * 10))      # 七成: 70 %
        vals.update(Decimal(_ZH_DIGITS[c]) for c in m.group() if c in _ZH_DIGITS)
        vals.update(Decimal(_ZH_UNITS[c]) for c in m.group() if c in _ZH_UNITS)
    return vals


def english_values(en: str) -> list[Decimal]:
    out = []
    for m in _EN_NUM.finditer(en):
        v = parse_decimal(m.group(1))
        if v is None:
            continue
        if m.group(3):
            v *= _EN_SCALE[m.group(3).lower()]
        out.append(v)
    return out


def _has(values, v: Decimal) -> bool:
    return any(abs(x - v) <= abs(v) * Decimal("1e-9") for x in values)


def _fmt(v: Decimal) -> str:
    return str(int(v)) if v == v.to_integral() and abs(v) < 10000 else english_amount(v)


def check_numbers(zh: str, en: str) -> list[str]:
    reasons = []
    src = source_values(zh)
    eng = english_values(en)
    words = {Decimal(_EN_WORDS[w]) for w in re.findall(r"[a-z]+", en.lower()) if w in _EN_WORDS}
    for v in src:
        if not _has(eng, v) and not (v in words):
            reasons.append(f"number {_fmt(v)} of the source missing in English")
    allowed = set(src) | _numeral_values(zh) | {Decimal(0)}
    for v in eng:
        if not _has(allowed, v):
            reasons.append(f"number {_fmt(v)} in English not in the source")
    return reasons


def check_currency(zh: str, en: str) -> list[str]:
    reasons = []
    yuan_src = any(m.group("cur") in ("元", "人民币", "块") for m in MONEY.finditer(zh)) or "人民币" in zh
    for name, (pattern, justify) in _FOREIGN_EN.items():
        if pattern.search(en) and not any(j in zh for j in justify):
            what = " (the source has 元, yuan)" if yuan_src else ""
            reasons.append(f"currency: {name} in English, not in the source{what}")
    if yuan_src and not _YUAN_EN.search(en):
        reasons.append("currency: yuan (元/人民币) of the source missing in English")
    if _YUAN_EN.search(en) and not ("元" in zh or "人民币" in zh or "块钱" in zh):
        reasons.append("currency: yuan in English, not in the source")
    return reasons


def check_dates(zh: str, en: str) -> list[str]:
    reasons = []
    src_months = set()
    for m in _MONTH_ZH.finditer(zh):
        t = m.group(1)
        n = int(t) if t.isdigit() else {"正": 1, "腊": 12}.get(t) or zh_numeral(t)
        if n and 1 <= n <= 12:
            src_months.add(MONTHS[n - 1])
    for m in _MONTH_RANGE.finditer(zh):          # 1-9月: January to September
        a, b = int(m.group(1)), int(m.group(2))
        src_months.update(MONTHS[k - 1] for k in range(a, b + 1) if 1 <= k <= 12)
    for m in _EN_MONTH.finditer(en):
        month = m.group(1) or "May"
        if month not in src_months:
            reasons.append(f"date: month {month} in English, not in the source")
    src_days = {WEEKDAYS[("一二三四五六".index(d)) if d in "一二三四五六" else 6]
                for d in _WEEKDAY_ZH.findall(zh) if d != "末"}
    weekend = "周末" in zh or "星期末" in zh
    for m in _EN_WEEKDAY.finditer(en):
        day = m.group(1)
        if day not in src_days and not (weekend and day in ("Saturday", "Sunday")):
            reasons.append(f"date: weekday {day} in English, not in the source")
    return reasons


def check_entities(zh: str, en: str, entities: dict[str, tuple[str, ...]]) -> list[str]:
    reasons = []
    for word, forms in entities.items():
        if re.search(rf"\b{re.escape(word)}\b", en) and not any(f in zh for f in forms):
            reasons.append(f"entity: '{word}' in English has no counterpart ({'/'.join(forms)}) in the source")
    return reasons


def check(zh: str, en: str, score: float | None = None, *,
          entities: dict[str, tuple[str, ...]] | None = None, score_floor: float = SCORE_FLOOR,
          ratio: tuple[float, float] = RATIO) -> list[str]:
    """Why the English ``en`` of the Chinese sentence ``zh`` needs a human ([] when it passes).

    ``score``: the model's mean log-probability per token (None: unknown, not checked).
    ``entities``: English entity word -> Chinese forms that justify it (default :data:`ENTITIES`).
    """
    from ..ingest.mojibake import REMNANT_RE      # (here: importing ingest costs a build with
    reasons: list[str] = []                       # no machine translation 0.06 s)
    for m in REMNANT_RE.finditer(zh):
        reasons.append(f"remnant: '{m.group()}' in the source is what is left of lost characters")
    if not en.strip():
        return reasons + ["length: the English is empty"]
    reasons += check_numbers(zh, en)
    reasons += check_currency(zh, en)
    reasons += check_dates(zh, en)
    reasons += check_entities(zh, en, ENTITIES if entities is None else entities)
    if _EN_LIST.search(en) and not _ZH_LIST.search(zh):
        reasons.append(f"list marker: '{_EN_LIST.search(en).group()}' in English, not in the source")
    loop = _LOOP3.search(en) or _PHRASE_LOOP.search(en)
    if loop:
        reasons.append(f"loop: '{loop.group(1)}' repeated")
    n_zh = len(re.sub(r"\s", "", zh))
    if n_zh >= MIN_RATIO_CHARS:
        r = len(en) / n_zh
        if not ratio[0] <= r <= ratio[1]:
            reasons.append(f"length: {r:.1f} English characters per Chinese one (usual {ratio[0]}–{ratio[1]})")
    han = HAN_RE.findall(en)
    if han:
        reasons.append(f"untranslated: Han characters '{''.join(han)[:12]}' left in English")
    pin = _PINYIN.findall(en)
    if pin:
        reasons.append(f"untranslated: pinyin '{pin[0]}' left in English")
    if score is not None and score < score_floor:
        reasons.append(f"score: the model is unsure (mean log-probability {score:.2f} < {score_floor})")
    return reasons


_EN_LEAD_LIST = re.compile(r"\s*(?:\((?:[a-h]|i{1,3}|iv|vi{0,3}|\d{1,2})\)|[•●▪◆■◦])\s+")


def drop_invented_marker(zh: str, en: str) -> str:
    """A list marker the model put before a sentence whose Chinese has none is dropped:
    深化“大党工委”机制…… -> "(c) Deepening …" -> "Deepening …". Only a marker opening the
    sentence (nothing of the sentence is lost); one inside it stays, and the checks flag it."""
    m = _EN_LEAD_LIST.match(en)
    if not m or _ZH_LIST.search(zh) or not en[m.end():].strip():
        return en
    rest = en[m.end():]
    return rest[0].upper() + rest[1:]


def severity(reasons: list[str]) -> int:
    """2 when a fact may be wrong (number, currency, date, entity, remnant), else 1; 0 when none."""
    if not reasons:
        return 0
    return 2 if any(r.startswith(SEVERE) for r in reasons) else 1


def retryable(reasons: list[str]) -> bool:
    """Another hypothesis can fix anything but a remnant in the source."""
    return any(not r.startswith("remnant") for r in reasons)
