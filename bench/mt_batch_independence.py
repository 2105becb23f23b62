"""Does a sentence's English depend on the batch it is translated in? Measured on WMT21.

Distinct WMT21 sentences (../shared/bench/mt, read at run time, split by the pipeline's
splitter) are translated by the engine (``Engine.translate_scored``, greedy):

- **alone**: one call per sentence;
- **together**: one call with all of them;
- **shuffled**: one call with all of them in a shuffled order;
- **plain padded**: for comparison, the raw model in length-sorted batches of 64 (CTranslate2
  pads each batch to its longest sentence), the decoding bound per batch, without the engine's
  fixed padding, against the raw model on each sentence alone.

Printed: the number of sentences whose words differ, and whose score only differs, and the seconds.

    .venv/bin/python bench/mt_batch_independence.py [--limit N]
"""
from __future__ import annotations

import argparse
import random
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from mt_quality import ZH_FILE, model_dir  # noqa: E402


def sentences(limit: int) -> list[str]:
    from digest.translate.sentences import split_sentences
    if not ZH_FILE.is_file():
        sys.exit(f"bench data missing: {ZH_FILE}")
    seen: dict[str, None] = {}
    for line in ZH_FILE.read_text(encoding="utf-8").splitlines():
        for s in split_sentences(line):
            if re.search(r"[\u4e00-\u9fff]", s):
                seen.setdefault(s, None)
    return list(seen)[:limit]


def differences(a: list, b: list) -> tuple[int, int]:
    words = sum(x[0] != y[0] for x, y in zip(a, b))
    return words, sum(x[0] == y[0] and x[1] != y[1] for x, y in zip(a, b))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=600, help="distinct sentences (default 600)")
    ap.add_argument("--model", type=Path, default=None)
    a = ap.parse_args(argv)
    from digest.translate.engine import Engine, decoding_bound
    from digest.translate.model_store import ModelPackage
    eng = Engine(ModelPackage(model_dir(a.model)))
    sents = sentences(a.limit)
    print(f"WMT21 zh: {len(sents)} distinct sentences")

    def timed(label, fn):
        t0 = time.perf_counter()
        out = fn()
        print(f"{label:13s} {time.perf_counter() - t0:7.1f} s", flush=True)
        return out

    key = lambda h: (h.text, h.score)  # noqa: E731
    together = timed("together", lambda: [key(h) for h in eng.translate_scored(sents)])
    order = list(range(len(sents)))
    random.Random(1).shuffle(order)
    shuffled_out = timed("shuffled", lambda: eng.translate_scored([sents[i] for i in order]))
    shuffled = [None] * len(sents)
    for i, h in zip(order, shuffled_out):
        shuffled[i] = key(h)
    alone = timed("alone", lambda: [key(eng.translate_scored([s])[0]) for s in sents])
    toks = eng.tokenize(sents)
    tr = eng.translator

    def padded():
        srt = sorted(range(len(sents)), key=lambda i: len(toks[i]))
        out = [None] * len(sents)
        for k in range(0, len(srt), 64):
            b = srt[k:k + 64]
            res = tr.translate_batch([toks[i] for i in b], max_batch_size=64, return_scores=True,
                                     max_decoding_length=max(decoding_bound(len(toks[i])) for i in b))
            for i, r in zip(b, res):
                out[i] = (tuple(r.hypotheses[0]), r.scores[0])
        return out

    plain = timed("plain padded", padded)
    raw_alone = timed("raw alone", lambda: [
        (tuple(r.hypotheses[0]), r.scores[0]) for t in toks
        for r in tr.translate_batch([t], max_decoding_length=decoding_bound(len(t)), return_scores=True)])
    for label, x, y in (("together vs alone", together, alone), ("shuffled vs alone", shuffled, alone),
                        ("plain padded vs raw alone", plain, raw_alone)):
        w, s = differences(x, y)
        print(f"{label:26s} words differ {w:4d}   score only differs {s:4d}   of {len(sents)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
