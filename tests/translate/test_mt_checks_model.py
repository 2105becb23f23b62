"""Money, dates, checks, flags and batch independence with the real model (marked ``model``)."""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from digest.article import Article, Block
from digest.chars import HAN_RE
from digest.errors import Reporter
from digest.translate import translate_site
from digest.translate.sentences import split_sentences

REPO = Path(__file__).resolve().parents[2]

# from the seeds (content/), where the model wrote $400 million, $1.9 billion and $1.56 billion
MONEY = ["今年1-9月，全区新签约数字经济项目18个，总投资4亿元；在谈数字经济项目16个，总投资19亿元。",
         "项目负责人江苏天海特种装备有限公司董事长叶兴介绍，这个总投资15.6亿元的项目，仅用三天时间就实现"
         "建设用地规划许可证、不动产权证书、建设工程规划许可证“三证齐发”。"]
# two seed sentences whose English, on the engine before batches of equal length, changed with the
# batch they were in (alone, the second became "... developed by the University of New York")
BATCH_SENSITIVE = ["“五统一”铸就发展强内核。", "科创培育“硕果飘香”。"]


def quiet() -> Reporter:
    return Reporter(quiet=True, stream=io.StringIO())


def seed_sentences() -> list[str]:
    out: dict[str, None] = {}
    for p in sorted((REPO / "content").glob("*.zh.md")):
        for line in p.read_text(encoding="utf-8").splitlines():
            for s in split_sentences(line):
                if HAN_RE.search(s):
                    out.setdefault(s, None)
    return list(out)


@pytest.mark.model
def test_a_sentence_translates_the_same_alone_and_in_any_batch(engine):
    seeds = seed_sentences()
    assert all(s in seeds for s in BATCH_SENSITIVE)
    together = dict(zip(seeds, engine.translate_scored(seeds)))
    half = len(seeds) // 2
    halves = dict(zip(seeds[half:] + seeds[:half],
                      engine.translate_scored(seeds[half:]) + engine.translate_scored(seeds[:half])))
    for s in BATCH_SENSITIVE:
        alone = engine.translate_scored([s])[0]
        assert together[s] == alone == halves[s], s
    assert together == halves


@pytest.mark.model
def test_seed_money_stays_yuan_and_sentences_are_checked(make_settings, model_package):
    s = make_settings()
    art = Article(slug="m", title="17日，京口区召开会议", blocks=[Block("paragraph", p) for p in MONEY])
    res = translate_site([art], [], s, quiet())
    tr = res.translations["m"]
    english = " ".join([tr.title] + [b.text for b in tr.blocks])
    assert "$" not in english and "dollar" not in english.lower() and "€" not in english, english
    for amount in ("400 million yuan", "1.9 billion yuan", "1.56 billion yuan"):
        assert amount in english, english
    assert "17th" in tr.title and not re.search(r"January|February|March|April|June|July|August|"
                                                r"September|October|November|December", tr.title), tr.title
    # a rebuild from the memory: nothing to the model, the same flags
    again = translate_site([art], [], s, quiet())
    assert again.sent_to_model == 0 and again.translations["m"].flags == tr.flags
    for f in tr.flags:
        assert f.unit in ("title", "block") and f.reasons and f.zh in (art.title, *MONEY) or f.unit == "title"


@pytest.mark.model
def test_invented_university_is_retried_or_flagged(make_settings, model_package):
    s = make_settings()
    art = Article(slug="u", title="", blocks=[Block("heading", BATCH_SENSITIVE[1])])
    res = translate_site([art], [], s, quiet())
    tr = res.translations["u"]
    english = tr.blocks[0].text
    invented = re.search(r"University|New York", english)
    flagged = [f for f in tr.flags if any(r.startswith("entity") for r in f.reasons)]
    assert not invented or (flagged and flagged[0].block == 0 and flagged[0].sentence == 0), english


# WMT21 news (../shared/bench/mt, read at run time, never copied into the repository)
WMT_ZH = next((p / "shared" / "bench" / "mt" / "newstest2021.zh-en.zh" for p in (REPO.parent, REPO.parent.parent)
               if (p / "shared" / "bench" / "mt" / "newstest2021.zh-en.zh").is_file()), None)


def wmt_sentences_of_varied_lengths(engine, n: int = 20) -> list[str]:
    """``n`` distinct WMT21 sentences spread over the range of lengths in tokens (short to long)."""
    seen: dict[str, None] = {}
    for line in WMT_ZH.read_text(encoding="utf-8").splitlines()[:400]:
        for s in split_sentences(line):
            if HAN_RE.search(s):
                seen.setdefault(s, None)
    pool = sorted(seen, key=lambda s: (len(engine.tokenize([s])[0]), s))
    return [pool[round(k * (len(pool) - 1) / (n - 1))] for k in range(n)]


@pytest.mark.model
@pytest.mark.skipif(WMT_ZH is None, reason="WMT21 bench data absent (../shared/bench/mt)")
def test_wmt_sentences_of_mixed_lengths_translate_the_same_in_any_batch(engine):
    """Batches of mixed lengths are padded; a sentence's English and score must still be its own."""
    sents = wmt_sentences_of_varied_lengths(engine)
    lengths = [len(t) for t in engine.tokenize(sents)]
    assert max(lengths) >= 4 * min(lengths) and len(set(lengths)) > len(sents) // 2, lengths
    together = dict(zip(sents, engine.translate_scored(sents)))
    # shuffled (a fixed shuffle), and in two unequal parts with short and long mixed differently
    mixed = sents[2::3][::-1] + sents[::3] + sents[1::3]     # every sentence once
    assert sorted(mixed) == sorted(sents)
    shuffled = dict(zip(mixed, engine.translate_scored(mixed)))
    parts = dict(zip(sents[:7] + sents[7:], engine.translate_scored(sents[:7]) + engine.translate_scored(sents[7:])))
    assert together == shuffled == parts
    for s in sents[::5]:
        assert engine.translate_scored([s])[0] == together[s], s
    # the beam alternatives of the checks' retry too
    some = sents[::4]
    alts = dict(zip(some, engine.alternatives(some)))
    for s in some[::2]:
        assert engine.alternatives([s])[0] == alts[s], s
