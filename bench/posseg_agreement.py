"""The names finder's tagger: digest/postag.py (on rjieba) against jieba.posseg itself.

jieba's side is what the names finder used before: ``jieba.posseg`` over a jieba tokenizer
with the glossary's terms added (tag ``nz``); ours is ``Segmenter.pos_tagged``. Inputs:

- the WMT21 lines (1,948, never seen while writing the code) and their sentences;
- a content folder (default: the 1,000-article benchmark corpus): every article's keywords
  (the labels the translate stage names) and every sentence of its titles and blocks;
- random strings mixing Han characters of the WMT21 text, ASCII letters, digits,
  punctuation and spaces (``--random N``).

For each, it counts the inputs with the same (word, flag) list, and the inputs where the
names finder (``translate/names.find_names`` with CC-CEDICT) gives the same names and the
same English; then the process time of tagging every input, best of 3.

    .venv/bin/python bench/posseg_agreement.py [--content DIR] [--glossary FILE] [--random N]
"""
from __future__ import annotations

import argparse
import logging
import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from digest.segment import Segmenter              # noqa: E402
from digest.settings import default_cache_dir     # noqa: E402
from mt_quality import ZH_FILE as WMT_ZH           # noqa: E402  (found as every WMT21 script finds it)
from segment_agreement import best_cpu            # noqa: E402

CORPUS = Path("/tmp/corpus-n1000/content")


def corpus_inputs(content: Path, seg: Segmenter) -> tuple[list[str], list[str]]:
    """(keywords, sentences) of every article in ``content``."""
    from digest.content import load_article
    from digest.keywords import extract_keywords
    from digest.translate.sentences import split_sentences
    keywords, sentences = set(), []
    for p in sorted(content.glob("*.zh.md")):
        a = load_article(p)
        keywords.update(extract_keywords(a, seg))
        for text in [a.title, a.subtitle or "", a.dateline or ""] + [b.text for b in a.blocks]:
            sentences += split_sentences(text) if text else []
    return sorted(keywords), list(dict.fromkeys(sentences))


def random_strings(han: str, n: int, seed: int = 15) -> list[str]:
    rnd = random.Random(seed)
    alphabet = [han, "abcXYZ", "0123456789", ".+#&_-%·“”，。、 \t", "A1"]
    out = []
    for _ in range(n):
        s = []
        for _ in range(rnd.randint(1, 30)):
            src = rnd.choice(alphabet)
            s.append(src[rnd.randrange(len(src))] if src is not han else han[rnd.randrange(len(han)):][:rnd.randint(1, 6)])
        out.append("".join(s))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--zh", type=Path, default=WMT_ZH)
    ap.add_argument("--content", type=Path, default=CORPUS)
    ap.add_argument("--glossary", type=Path, default=ROOT / "content" / "glossary.toml")
    ap.add_argument("--random", type=int, default=20_000)
    ap.add_argument("--show", type=int, default=5)
    a = ap.parse_args()
    from digest.translate.glossary import load_glossary
    from digest.translate.dictionary import load_dictionary
    from digest.translate.names import find_names
    from digest.translate.sentences import split_sentences
    terms = list(load_glossary(a.glossary).terms) if a.glossary.exists() else []

    import jieba
    import jieba.posseg
    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    tok.initialize()
    seg_terms = Segmenter(terms).terms
    for t in seg_terms:
        tok.add_word(t, tag="nz")
    posseg = jieba.posseg.POSTokenizer(tok)

    def old(s):
        return [(p.word, p.flag) for p in posseg.cut(s)]

    lines = [x.strip() for x in a.zh.read_text(encoding="utf-8").splitlines() if x.strip()]
    han = "".join(c for c in "".join(lines) if "\u4e00" <= c <= "\u9fd5")
    d = load_dictionary(default_cache_dir())
    with tempfile.TemporaryDirectory() as cache:
        new = Segmenter(terms, cache)
        sets = {"WMT21 lines": lines,
                "WMT21 sentences": list(dict.fromkeys(s for x in lines for s in split_sentences(x)))}
        if a.content.is_dir():
            kw, sents = corpus_inputs(a.content, Segmenter(terms, cache))
            sets[f"keywords of {a.content}"] = kw
            sets[f"sentences of {a.content}"] = sents
        sets["random mixed strings"] = random_strings(han, a.random)
        bad = 0
        print(f"{'inputs':<48} {'n':>7} {'tags alike':>11} {'names alike':>12} {'jieba s':>8} {'ours s':>7}")
        for name, inputs in sets.items():
            same_tags = same_names = 0
            shown = 0
            for s in inputs:
                o, n = old(s), new.pos_tagged(s)
                same_tags += o == n
                no = find_names(s, o, d, lambda w: tok.FREQ.get(w) or 0)
                nn = find_names(s, n, d, new.freq)
                same_names += no == nn
                if (o != n or no != nn) and shown < a.show:
                    shown += 1
                    print(f"  {s!r}\n    jieba: {o}\n    ours:  {n}\n    names {no} / {nn}")
            bad += len(inputs) - same_tags + len(inputs) - same_names
            t_old = best_cpu(lambda: [old(s) for s in inputs])
            t_new = best_cpu(lambda: [new.pos_tagged(s) for s in inputs])
            print(f"{name[:48]:<48} {len(inputs):>7} {same_tags:>11} {same_names:>12} {t_old:>8.2f} {t_new:>7.2f}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
