"""digest/keywords.py: the ranking over word counts (with each word's filter memoised per
segmenter) is the TF-IDF ranking over the word list it replaced, word for word and in order."""
from __future__ import annotations

from collections import Counter

from hypothesis import example, given, strategies as st

from digest.keywords import PREFERRED_POS, _ranked, _stop_words, extract_keywords
from digest.article import Article, Block


def _ranked_by_definition(words, allow, seg):
    """The ranking as it was written over the word list, one word at a time."""
    stop = _stop_words()
    freq = {}
    for w in words:
        w = w.strip()
        if len(w) < 2 or w.lower() in stop:
            continue
        if allow is not None:
            tag = seg.tag(w) or ("eng" if w.isascii() else ("nz" if len(w) >= 3 else "x"))
            if tag not in allow:
                continue
        freq[w] = freq.get(w, 0) + 1
    total = sum(freq.values()) or 1
    idf = seg.idf_of(freq)
    return sorted(freq, key=lambda w: (-freq[w] * idf[w] / total, w))


_TEXT = st.text(alphabet=st.sampled_from(list("京口区经济发展镇江市银行的了我们数字产业张哲依报道 abcTheA1\n，。")),
                max_size=80)


@given(_TEXT)
@example("镇江 镇江\n 镇江 银行银行 the The THE ab abc")
def test_ranking_over_counts_is_the_ranking_over_words(seg, text):
    words = seg.cut(text)
    for allow in (PREFERRED_POS, None):
        expected = _ranked_by_definition(words, allow, seg)
        assert _ranked(Counter(words), allow, seg) == expected
        assert _ranked(Counter(words), allow, seg) == expected      # (again: the filter memoised)


def test_project_articles_keep_their_keywords(repo_root, seg):
    from digest.content import load_article
    for p in sorted((repo_root / "content").glob("*.zh.md")):
        a = load_article(p)
        words = seg.cut("\n".join([a.title, a.title, a.subtitle or ""] + [b.text for b in a.blocks]))
        kws = extract_keywords(a, seg)
        assert kws and all(k in _ranked_by_definition(words, None, seg) for k in kws)


def test_a_short_text_fills_up_to_five(seg):
    a = Article(slug="a", title="镇江银行", blocks=[Block("paragraph", "镇江市京口区数字经济产业发展大会，张哲依报道。")])
    assert len(extract_keywords(a, seg)) >= 5
