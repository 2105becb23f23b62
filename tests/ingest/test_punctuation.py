import pytest

from digest.chars import HAN_CLASS
from digest.ingest.punctuation import fullwidth


@pytest.mark.parametrize("text,out", [
    ("经济,发展", "经济，发展"), ("时间:上午", "时间：上午"), ("一;二", "一；二"), ("吗?", "吗？"),
    ("好!", "好！"), ("京口(谏壁)", "京口（谏壁）"), ("(记者 景泊)", "（记者 景泊）"),
    ("约占(GDP)比重", "约占（GDP）比重"),
    ("3.5亿元", "3.5亿元"), ("10:30开会", "10:30开会"), ("1,200家", "1,200家"), ("AT&T, Inc.", "AT&T, Inc."),
    ("Porter(1990)指出", "Porter(1990)指出"), ("(+1)305", "(+1)305"), ("a (b) c", "a (b) c"),
    ("区(园(区))", "区（园（区））"), ("半个(括号", "半个(括号"),
])
def test_cases(text, out):
    assert fullwidth(text)[0] == out


def test_count():
    assert fullwidth("经济,发展(园区)")[1] == 3


def test_protected_span_left_alone():
    line = "勇?lián)革"
    assert fullwidth(line, [(1, 7)])[0] == line


def test_seed003_no_halfwidth_next_to_chinese(art003):
    import re
    a = art003.article
    for text in [a.title, a.subtitle, a.byline] + [b.text for b in a.blocks]:
        text = text.replace("勇?lián)", "")
        assert not re.search(f"[{HAN_CLASS}“”][,:;?!()]|[,:;?!()][{HAN_CLASS}]", text), text
