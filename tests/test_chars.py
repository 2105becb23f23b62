"""digest/chars.py: one definition of "a Han character", used by every stage."""
import re
import sys
import unicodedata
from pathlib import Path

from hypothesis import given, strategies as st

from digest import chars
from digest.chars import HAN_RE, HAN_RUN_RE, HAN_WORD_RE

PACKAGE = Path(chars.__file__).parent
SUPPLEMENTARY = "𫫇"        # U+2B6C7, a simplified form outside the BMP (二𫫇英 dioxin)
COMPATIBILITY = "\uf900"    # 豈, a CJK compatibility ideograph
HEXAGRAM = "\u4dc0"         # ䷀, a Yijing hexagram symbol between Extension A and the main block


def _ideograph(c: str) -> bool:
    return unicodedata.name(c, "").startswith(("CJK UNIFIED IDEOGRAPH", "CJK COMPATIBILITY IDEOGRAPH"))


def test_han_class_is_every_ideograph_and_nothing_else():
    """Exhaustive over every code point this Python's Unicode database names."""
    missing, extra = [], []
    for cp in range(sys.maxunicode + 1):
        c = chr(cp)
        is_han = HAN_RE.fullmatch(c) is not None
        if _ideograph(c) and not is_han:
            missing.append(f"U+{cp:04X}")
        elif is_han and unicodedata.name(c, None) is not None and not _ideograph(c):
            extra.append(f"U+{cp:04X}")
    assert not missing, f"ideographs outside HAN_CLASS (Unicode {unicodedata.unidata_version}): {missing[:5]}"
    assert not extra, f"non-ideographs inside HAN_CLASS: {extra[:5]}"


@given(st.text(alphabet=st.sampled_from(["中", "文", SUPPLEMENTARY, COMPATIBILITY, HEXAGRAM, "a", " ", "\n", "。"])))
def test_patterns_agree(text):
    """One class behind the three patterns: runs are maximal, a word is one whole run."""
    runs = HAN_RUN_RE.findall(text)
    assert "".join(runs) == "".join(HAN_RE.findall(text))
    assert bool(HAN_WORD_RE.match(text)) == (bool(text) and runs == [text])
    assert all(chars.is_han(c) for c in "".join(runs))


def test_word_pattern_is_a_full_match():
    assert HAN_WORD_RE.match("张三") and HAN_WORD_RE.match("二" + SUPPLEMENTARY + "英")
    assert not HAN_WORD_RE.match("张三\n")      # `$` would accept a trailing newline
    assert not HAN_WORD_RE.match("张三 ") and not HAN_WORD_RE.match("")


def test_no_stage_defines_its_own_han_range():
    """Every module reads digest.chars. Documented exceptions: the CC-CEDICT filter (it is part
    of the dictionary's VERSION, so of every translation-memory key) and segment.py's and
    postag.py's copies of jieba's, jieba.posseg's and rjieba's own classes, which say what those
    libraries do, not what Han is."""
    own = re.compile(r"\\u3400|\\u4e00|\\u9fff|\\U00020000", re.I)
    found = [f"{p.relative_to(PACKAGE)}:{n}"
             for p in sorted(PACKAGE.rglob("*.py")) if p.name != "chars.py"
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
             if own.search(line) and not (p.name == "dictionary.py" and "_CEDICT_HAN =" in line)
             and not (p.name in ("segment.py", "postag.py") and re.match(r"_R?JIEBA_\w+ = ", line))]
    assert not found, found


def test_stages_see_supplementary_and_compatibility_han():
    """What the narrower copies missed: each stage now treats these as Chinese."""
    from digest.keywords import _ok
    from digest.render.pinyin import _HAN_RUN
    from digest.render.search_index import _zh_token
    from digest.translate.checks import check
    from digest.translate.romanise import romanise_leftovers
    assert _zh_token(SUPPLEMENTARY) == SUPPLEMENTARY            # a search term, not dropped
    assert _HAN_RUN.findall("二" + SUPPLEMENTARY + "英") == ["二" + SUPPLEMENTARY + "英"]
    assert _ok(SUPPLEMENTARY * 2) and not _ok(HEXAGRAM * 2)     # a hexagram pair is no keyword
    assert any(r.startswith("untranslated") for r in check("二噁英", "di" + SUPPLEMENTARY + "xin"))
    assert romanise_leftovers("the " + SUPPLEMENTARY + " plant") == "the E plant"


def test_translation_does_not_copy_a_supplementary_sentence_verbatim():
    from digest.translate import _Planner
    from digest.translate.glossary import Glossary
    planner = _Planner("model", "beam")
    keys = planner.unit(SUPPLEMENTARY * 2 + "。", Glossary({}))    # no BMP Han at all
    assert keys and not any(k.startswith("verbatim:") for k in keys)
