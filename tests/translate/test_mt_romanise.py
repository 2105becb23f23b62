"""Names and bylines: pypinyin, surname first, roles in English."""
from __future__ import annotations

import pytest

from digest.translate.romanise import romanise_byline, romanise_name


@pytest.mark.parametrize("zh, en", [
    ("薛诚", "Xue Cheng"),
    ("臧一凡", "Zang Yifan"),
    ("欧阳修", "Ouyang Xiu"),
    ("景泊", "Jing Bo"),
    ("张哲依", "Zhang Zheyi"),
    ("单雄信", "Shan Xiongxin"),
    ("曾国藩", "Zeng Guofan"),
    ("诸葛亮", "Zhuge Liang"),
    ("吕文", "Lü Wen"),
    ("Smith", "Smith"),
    ("", ""),
])
def test_romanise_name(zh, en):
    assert romanise_name(zh) == en


@pytest.mark.parametrize("zh, en", [
    ("记者 景泊 通讯员 张哲依", "Reporter Jing Bo, Correspondent Zhang Zheyi"),
    ("薛诚 陶宝强 梅永生", "Xue Cheng, Tao Baoqiang, Mei Yongsheng"),
    ("（记者 臧一凡）", "Reporter Zang Yifan"),
    ("责任编辑：欧阳修", "Editor Ouyang Xiu"),
    ("记者 景泊、张哲依", "Reporter Jing Bo, Zhang Zheyi"),
])
def test_romanise_byline(zh, en):
    assert romanise_byline(zh) == en


def test_empty_byline_stays_empty():
    assert romanise_byline(None) is None
    assert romanise_byline("") == ""
