import pytest

from digest.errors import InputError
from digest.ingest import normalise
from digest.ingest.decode import decode

TRAD = "京口經開區優化職能分工\n\n聚焦主責主業，提供了組織保障和政策支撐。\n"
SIMP = "京口经开区优化职能分工\n\n聚焦主责主业，提供了组织保障和政策支撑。\n"


@pytest.mark.parametrize("enc,label", [("utf-8", "utf-8"), ("utf-8-sig", "utf-8 with BOM"),
                                       ("utf-16", "utf-16-le with BOM"), ("gb18030", "gb18030")])
def test_encodings_simplified(enc, label):
    text, got = decode(SIMP.encode(enc), "x.txt")
    assert text == SIMP and got == label


def test_big5_traditional():
    text, got = decode(TRAD.encode("big5"), "x.txt")
    assert text == TRAD and got == "big5"


def test_gb18030_traditional_not_mistaken_for_big5():
    text, got = decode(TRAD.encode("gb18030"), "x.txt")
    assert text == TRAD and got == "gb18030"


def test_utf16_be_bom():
    text, got = decode(b"\xfe\xff" + SIMP.encode("utf-16-be"), "x.txt")
    assert text == SIMP


def test_seeds_normalise_from_every_encoding(seed003):
    base = normalise(seed003, "s").article
    # the seed holds pinyin with tone marks, so GB18030 and UTF-16 but not Big5
    for enc in ("utf-16", "gb18030", "utf-8-sig"):
        again = normalise(seed003.decode("utf-8").encode(enc), "s").article
        assert again.blocks == base.blocks and again.title == base.title


def test_invalid_utf8_names_line():
    raw = ("标题\n\n第一段。\n第二段" + "。\n").encode("utf-8") + b"\xff\xfe bad\n"
    with pytest.raises(InputError) as e:
        normalise(raw, "bad.txt")
    assert e.value.line == 5 and e.value.path == "bad.txt"
    assert str(e.value).startswith("bad.txt:5: error: not valid UTF-8")


def test_gb18030_whose_first_bytes_read_as_utf8_letters():
    # WMT21's "驻英使馆发言人…" in GB18030 starts d7a4 d3a2 cab9: three valid UTF-8 letters
    # (פӢʹ) before the first invalid byte; that is not a damaged UTF-8 file
    text = "驻英使馆发言人：中国政府是网络安全的坚定维护者\n\n全文如下。\n"
    got, enc = decode(text.encode("gb18030"), "x.txt")
    assert got == text and enc == "gb18030"


def test_undecodable_legacy_names_line():
    raw = b"abc\ndef\n\xff\xff\xff\n"
    with pytest.raises(InputError) as e:
        decode(raw, "x.txt")
    assert e.value.line == 3 and "cannot decode" in e.value.message


@pytest.mark.parametrize("raw,what", [(b"\x89PNG\r\n\x1a\nxxxx", "PNG"), (b"\x1f\x8b\x08\x00", "gzip"),
                                      (b"abc\n\x00\x01def", "NUL")])
def test_binary_refused(raw, what):
    with pytest.raises(InputError) as e:
        normalise(raw, "b.bin")
    assert "binary" in e.value.message and what in e.value.message


@pytest.mark.parametrize("raw", [b"", b"   \n\n\t\r\n", "\u3000\u3000\n".encode()])
def test_empty_refused(raw):
    with pytest.raises(InputError):
        normalise(raw, "e.txt")


def test_title_only_refused():
    with pytest.raises(InputError) as e:
        normalise("\n\n  只有标题  \n\n".encode(), "t.txt")
    assert e.value.message == "no body text after the title" and e.value.line == 3
