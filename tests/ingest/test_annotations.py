import re

import pytest

from digest.chars import HAN_CLASS
from digest.ingest import normalise
from digest.ingest.annotations import strip_annotations

PINYIN_ANN = re.compile(f"[{HAN_CLASS}][(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+[)）]")


def test_seed003_has_151_and_none_remain(art003, seed003):
    assert art003.article.repairs["pinyin_annotations"] == 151
    text = "\n".join(b.text for b in art003.article.blocks) + art003.article.title
    assert not PINYIN_ANN.search(text)
    assert "发(fā)" not in text and "(fā)" not in text and "（fā）" not in text


@pytest.mark.parametrize("text", ["经开区(諫壁街道)", "(記者 景泊 通訊員 張哲依)", "约占(GDP)比重",
                                  "Porter(1990)指出", "(+1)305", "上海(英語:Shanghai)", "中(abc)",
                                  "發(shì)"])
def test_survivors(text):
    assert strip_annotations(text) == (text, 0)


@pytest.mark.parametrize("text,out", [("發(fā)展", "發展"), ("发(fā)展", "发展"), ("行(háng)业", "行业"),
                                      ("行(xíng)动", "行动"), ("綠(lǜ)色", "綠色"), ("绿(lv̀)", "绿(lv̀)"),
                                      ("區(QŪ)", "區"), ("女(nǚ)", "女"), ("女(nv̌)", "女(nv̌)")])
def test_stripped_forms(text, out):
    assert strip_annotations(text)[0] == out


def test_survivors_in_whole_article():
    raw = ("標題\n\n上海(英語:Shanghai)是城市,Porter(1990)說過,電話 (+1)305。"
           "京口經開區(諫壁街道)發(fā)展。(記者 景泊)\n").encode()
    a = normalise(raw, "x").article
    body = a.blocks[0].text
    assert "（英语：Shanghai）" in body and "Porter(1990)" in body and "(+1)305" in body
    assert "（谏壁街道）发展" in body and a.byline == "（记者 景泊）"
