"""Segmentation agreement: rjieba (digest/segment.py) against jieba as the project used it.

jieba's side is what the project did before digest/segment.py: ``jieba.lcut`` (HMM on) with
the glossary's terms added, parts of speech looked up in jieba's dictionary, and
``search_words`` built from the dictionary's FREQ table. rjieba's side is the project's
Segmenter. Both go through the same keyword code (``digest.keywords.extract_keywords``), the
same search tokens (``search_index.tokens_zh``) and the same pinyin readings
(``render.pinyin.word_readings``), so every difference comes from segmentation.

On the WMT21 news test set (1,948 lines never seen while writing the code), as lines and
as article-sized pieces (15 lines each, ~130 articles), it prints a table of:

- words: lines segmented exactly alike, and words alike over all lines;
- dictionary tags (the ones keywords and readings use) alike per word; and, for information,
  rjieba.tag against jieba.posseg (jieba's HMM tagger, which the project does not use here);
- keywords: articles with the same keyword list (same words, same order);
- search tokens: articles with the same token counts;
- pinyin readings: lines with the same readings;
- speed: dictionary load, and segment + tag of all lines (process time, best of 3).

    .venv/bin/python bench/segment_agreement.py [--zh FILE] [--glossary FILE] [--show N]
"""
from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from digest.article import Article, Block          # noqa: E402
from digest.keywords import extract_keywords       # noqa: E402
from digest.render.pinyin import word_readings     # noqa: E402
from digest.render.search_index import tokens_zh   # noqa: E402
from digest.segment import Idf, Segmenter          # noqa: E402
from mt_quality import ZH_FILE as WMT_ZH           # noqa: E402  (found as every WMT21 script finds it)



class JiebaSegmenter:
    """The project's segmentation before digest/segment.py, on jieba itself (same interface)."""

    def __init__(self, terms=()):
        import jieba
        import jieba.posseg
        jieba.setLogLevel(logging.WARNING)
        self.tok = jieba.Tokenizer()
        self.tok.initialize()
        self.tags = jieba.posseg.POSTokenizer(jieba.Tokenizer()).word_tag_tab   # dict.txt's tags only
        self.terms = tuple(dict.fromkeys(t for t in terms if any("\u3400" <= c <= "\u9fff" for c in t)))
        for t in self.terms:
            self.tok.add_word(t, tag="nz")
        self.version = "jieba|" + "|".join(sorted(self.terms))
        import jieba.analyse
        own = jieba.analyse.TFIDF()
        self._idf = Idf(own.idf_freq, own.idf_loader.median_idf)

    def cut(self, text: str) -> list[str]:
        out: list[str] = []
        lines = text.split("\n")
        for i, line in enumerate(lines):
            if line:
                out += self.tok.lcut(line)
            if i < len(lines) - 1:
                out.append("\n")
        return out

    def tag(self, word):
        return self.tags.get(word)

    def known(self, word) -> bool:
        return bool(self.tok.FREQ.get(word))

    def search_words(self, words):
        freq = self.tok.FREQ
        out = []
        for w in words:
            n = len(w)
            if n > 2:
                out += [w[i:i + 2] for i in range(n - 1) if freq.get(w[i:i + 2])]
            if n > 3:
                out += [w[i:i + 3] for i in range(n - 2) if freq.get(w[i:i + 3])]
            out.append(w)
        return out

    def idf_of(self, words):
        return {w: self._idf.table.get(w, self._idf.median) for w in words}


def best_cpu(f, n=3) -> float:
    """The least CPU time of ``n`` calls of ``f``."""
    times = []
    for _ in range(n):
        t = time.process_time()
        f()
        times.append(time.process_time() - t)
    return min(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--zh", type=Path, default=WMT_ZH)
    ap.add_argument("--glossary", type=Path, default=ROOT / "content" / "glossary.toml")
    ap.add_argument("--lines-per-article", type=int, default=15)
    ap.add_argument("--show", type=int, default=8, help="differences to print per kind")
    a = ap.parse_args()
    lines = [x.strip() for x in a.zh.read_text(encoding="utf-8").splitlines() if x.strip()]
    from digest.translate.glossary import load_glossary
    terms = list(load_glossary(a.glossary).terms) if a.glossary.exists() else []
    k = a.lines_per_article
    articles = [Article(slug=f"a{i}", title=lines[i], blocks=[Block("paragraph", x) for x in lines[i + 1:i + k]])
                for i in range(0, len(lines), k)]

    # load times, each in a fresh object (jieba: its prefix dictionary from its cache file, as
    # jieba does it; rjieba: its dictionary built in Rust)
    import jieba
    jieba.setLogLevel(logging.WARNING)
    t = time.perf_counter()
    jieba.Tokenizer().initialize()
    load_jieba = time.perf_counter() - t
    import rjieba
    t = time.perf_counter()
    rjieba.Jieba()
    load_rjieba = time.perf_counter() - t

    old = JiebaSegmenter(terms)
    with tempfile.TemporaryDirectory() as cache:
        new = Segmenter(terms, cache)
        rows = []

        def row(name, same, total, note=""):
            rows.append((name, same, total, note))

        ow, nw = [old.tok.lcut(x) for x in lines], [new.cut(x) for x in lines]
        row("lines segmented alike", sum(x == y for x, y in zip(ow, nw)), len(lines))
        words_o, words_n = Counter(w for x in ow for w in x), Counter(w for x in nw for w in x)
        row("words alike (multiset)", sum((words_o & words_n).values()), sum(words_o.values()))
        pairs = [(w, old.tag(w), new.tag(w)) for x, y in zip(ow, nw) if x == y for w in x]
        row("dictionary tags alike (per word)", sum(p[1] == p[2] for p in pairs), len(pairs))
        import jieba.posseg
        hmm_tagger = jieba.posseg.POSTokenizer(old.tok)
        ht = [[(p.word, p.flag) for p in hmm_tagger.cut(x)] for x in lines]
        rt = [new._engine().tag(x) for x in lines]
        alike = [(x, y) for x, y in zip(ht, rt) if [w for w, _ in x] == [w for w, _ in y]]
        row("rjieba.tag = jieba.posseg (HMM) tags", sum(a_ == b_ for x, y in alike for a_, b_ in zip(x, y)),
            sum(len(x) for x, _ in alike), f"not used by the project ({len(alike)} lines cut alike by both taggers)")
        kw_o = [extract_keywords(x, old) for x in articles]
        kw_n = [extract_keywords(x, new) for x in articles]
        row("keyword lists alike (per article)", sum(x == y for x, y in zip(kw_o, kw_n)), len(articles))
        st_o = [Counter(tokens_zh("\n".join([x.title] + [b.text for b in x.blocks]), old)) for x in articles]
        st_n = [Counter(tokens_zh("\n".join([x.title] + [b.text for b in x.blocks]), new)) for x in articles]
        row("search token counts alike (per article)", sum(x == y for x, y in zip(st_o, st_n)), len(articles))
        rd_o = [word_readings([(w, old.tag(w), old.known(w)) for w in old.tok.lcut(x)]) for x in lines]
        rd_n = [word_readings(new.tagged(x)) for x in lines]
        row("pinyin readings alike (per line)", sum(x == y for x, y in zip(rd_o, rd_n)), len(lines))

        # speed: segment + dictionary tag of every line, memo emptied each round
        def run_old():
            for x in lines:
                for w in old.tok.lcut(x):
                    old.tag(w)

        def run_new():
            new._lines.clear()
            new._tags.clear()
            for x in lines:
                new._tagged_line(x)

        def run_hmm_tag():
            for x in lines:
                list(hmm_tagger.cut(x))

        t_old, t_new, t_hmm = best_cpu(run_old), best_cpu(run_new), best_cpu(run_hmm_tag)

        print(f"Segmentation agreement on {a.zh.name}: {len(lines)} lines, {len(articles)} articles "
              f"of {k} lines, {len(new.terms)} glossary terms\n")
        print(f"| {'measure':44} | {'alike':>7} | {'of':>7} | {'%':>6} |")
        print(f"|{'-' * 46}|{'-' * 9}|{'-' * 9}|{'-' * 8}|")
        for name, same, total, note in rows:
            pct = 100.0 * same / total if total else 100.0
            print(f"| {name:44} | {same:7d} | {total:7d} | {pct:6.2f} |" + (f" {note}" if note else ""))
        print()
        print(f"| {'speed':44} | {'jieba':>9} | {'rjieba':>9} | ratio |")
        print(f"|{'-' * 46}|{'-' * 11}|{'-' * 11}|-------|")
        print(f"| {'dictionary load (s, wall)':44} | {load_jieba:9.3f} | {load_rjieba:9.3f} | {load_jieba / load_rjieba:5.1f} |")
        print(f"| {'segment + dictionary tags, all lines (s, CPU)':44} | {t_old:9.3f} | {t_new:9.3f} | {t_old / t_new:5.1f} |")
        print(f"| {'jieba.posseg HMM tagging, all lines (s, CPU)':44} | {t_hmm:9.3f} | {'':9} |       |")

        def show(title, items):
            items = list(items)
            if items:
                print(f"\n{title} ({len(items)}):")
                for x in items[: a.show]:
                    print("  ", x)
        show("lines segmented differently (jieba | rjieba)",
             [([w for w in x if w not in set(y)], [w for w in y if w not in set(x)]) for x, y in zip(ow, nw) if x != y])
        show("keyword lists that differ (jieba | rjieba)", [(x, y) for x, y in zip(kw_o, kw_n) if x != y])
        show("search tokens that differ (jieba only | rjieba only)",
             [(dict(x - y), dict(y - x)) for x, y in zip(st_o, st_n) if x != y])
        show("readings that differ", [(x, y) for x, y in zip(rd_o, rd_n) if x != y])
    return 0


if __name__ == "__main__":
    sys.exit(main())
