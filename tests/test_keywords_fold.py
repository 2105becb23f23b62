"""Near-duplicate keywords (issue 14): a place and the same place with its administrative unit
(京口 / 京口区) are one keyword, the bare name."""
from __future__ import annotations

from pathlib import Path

from hypothesis import given, strategies as st

from digest.content import load_article
from digest.keywords import PLACE_SUFFIXES, extract_keywords, fold_place_suffixes

REPO = Path(__file__).resolve().parent.parent


def test_the_bare_place_name_is_kept():
    assert fold_place_suffixes(["京口区", "数字经济", "京口", "镇江市", "镇江", "谏壁街道"]) == \
        ["数字经济", "京口", "镇江", "谏壁街道"]


def test_other_words_that_end_like_a_place_stay():
    # 社区 is not 社 + 区 (one character is no place name); 数字经济 and 数字 are different keywords
    assert fold_place_suffixes(["社区", "社", "数字经济", "数字", "城市", "城"]) == \
        ["社区", "社", "数字经济", "数字", "城市", "城"]


@given(st.lists(st.text(alphabet="京口镇江区市街道村新", min_size=1, max_size=5), max_size=12, unique=True))
def test_folding_only_removes_and_leaves_no_pair(words):
    out = fold_place_suffixes(words)
    assert [w for w in words if w in out] == out                   # a subsequence, order kept
    for w in out:
        for s in PLACE_SUFFIXES:
            assert not (w.endswith(s) and len(w) - len(s) >= 2 and w[: -len(s)] in out)
    assert fold_place_suffixes(out) == out


def test_the_seed_articles_have_no_place_and_place_district_pair(seg):
    for path in sorted((REPO / "content").glob("*.zh.md")):
        kws = extract_keywords(load_article(path), seg)
        assert kws and fold_place_suffixes(kws) == kws, (path.name, kws)


def test_only_a_place_name_absorbs_its_district():
    place = {"京口", "云南"}.__contains__
    assert fold_place_suffixes(["京口区", "京口", "工业区", "工业", "云南省", "云南"], place) == \
        ["京口", "工业区", "工业", "云南"]
