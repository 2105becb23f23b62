"""Person names and bylines in English: pinyin, not the model.

The model mistranslates names (薛诚 -> "Xin Xin"), so bylines, editors and names
the glossary lists come out as Hanyu Pinyin in Western order of writing but
Chinese order of names: surname first (``薛诚`` -> ``Xue Cheng``). Surnames with
a special reading (单 Shan, 曾 Zeng) and two-character surnames (欧阳) are known.
"""
from __future__ import annotations

import re

from ..chars import HAN_RUN_RE, HAN_WORD_RE


COMPOUND_SURNAMES = {
    "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "长孙",
    "宇文", "司徒", "夏侯", "轩辕", "澹台", "万俟", "端木", "呼延", "南宫", "独孤", "西门",
    "太史", "申屠", "钟离", "闻人", "赫连", "拓跋", "百里", "东郭", "公冶", "濮阳",
}
SURNAME_READINGS = {
    "单": "shan", "曾": "zeng", "解": "xie", "仇": "qiu", "朴": "piao", "查": "zha", "区": "ou",
    "盖": "ge", "乐": "yue", "覃": "qin", "缪": "miao", "翟": "zhai", "折": "she", "秘": "bi",
    "召": "shao", "繁": "po", "种": "chong", "员": "yun", "长孙": "zhangsun", "万俟": "moqi",
    "尉迟": "yuchi", "沈": "shen", "任": "ren", "薄": "bo", "柏": "bai", "宁": "ning", "华": "hua",
    "纪": "ji", "燕": "yan", "石": "shi", "相": "xiang", "那": "na", "藏": "zang", "郇": "huan",
    "卜": "bu",
}
ROLES = {
    "记者": "Reporter", "本报记者": "Reporter", "通讯员": "Correspondent", "实习生": "Intern",
    "摄影": "Photo", "摄": "Photo", "图": "Photo", "文": "Text", "编辑": "Editor",
    "责任编辑": "Editor", "责编": "Editor", "校对": "Proofreader", "审核": "Reviewer",
    "见习记者": "Trainee reporter", "融媒体记者": "Reporter", "特约记者": "Contributing reporter",
}
# given-name characters whose usual reading in names differs from pypinyin's default
GIVEN_READINGS = {"泊": "bo", "长": "chang", "茜": "qian", "晟": "sheng", "铫": "yao"}
_SPLIT = re.compile(r"[\s　、，,／/：:（）()·]+")


def _syllables(text: str) -> list[str]:
    # imported here: importing pypinyin takes 0.3-0.6 s, and most rebuilds romanise nothing
    from pypinyin import Style, lazy_pinyin
    return lazy_pinyin(text, style=Style.NORMAL, v_to_u=False, errors="default")


def romanise_name(name: str) -> str:
    """``薛诚`` -> ``Xue Cheng``; ``欧阳修`` -> ``Ouyang Xiu``; non-Han text is kept."""
    name = name.strip()
    if not name or not HAN_WORD_RE.match(name):
        return name
    if len(name) >= 3 and name[:2] in COMPOUND_SURNAMES:
        surname, given = name[:2], name[2:]
    else:
        surname, given = name[:1], name[1:]
    sur = SURNAME_READINGS.get(surname) or "".join(_syllables(surname))
    out = sur.replace("v", "ü").capitalize()
    if given:
        syl = [GIVEN_READINGS.get(ch) or _syllables(ch)[0] for ch in given]
        out += " " + "".join(syl).replace("v", "ü").capitalize()
    return out


def romanise_byline(byline: str | None) -> str | None:
    """``记者 景泊 通讯员 张哲依`` -> ``Reporter Jing Bo, Correspondent Zhang Zheyi``;
    ``薛诚 陶宝强 梅永生`` -> ``Xue Cheng, Tao Baoqiang, Mei Yongsheng``."""
    if not byline:
        return byline
    parts: list[str] = []
    role: str | None = None
    for tok in (t for t in _SPLIT.split(byline.strip("（）() ")) if t):
        if tok in ROLES:
            role = ROLES[tok]
            continue
        name = romanise_name(tok) if HAN_WORD_RE.match(tok) and len(tok) <= 4 else tok
        parts.append(f"{role} {name}" if role else name)
        role = None
    if role:
        parts.append(role)
    return ", ".join(parts)


def romanise_leftovers(text: str) -> str:
    """Chinese characters the model left in English output become pinyin (``京口`` -> ``Jingkou``):
    an English page never shows Chinese text it did not mean to."""
    if not text or not HAN_RUN_RE.search(text):
        return text
    return HAN_RUN_RE.sub(lambda m: "".join(_syllables(m.group())).capitalize(), text)
