"""Checks on every sentence, measured: quality, speed and flags of the pipeline against the raw model.

On WMT21 news zh-en (../shared/bench/mt, read at run time), in one run:

- **raw**: one ``translate_batch`` (greedy, ``max_batch_size=64``) on a
  ``Translator(inter_threads=2, intra_threads=1)`` over exactly the distinct
  sentences the pipeline plans (its own splitter), joined back into lines;
- **pipeline**: ``translate_site`` as a user gets it (shipped glossary, fresh
  temporary memory, placeholders for money and dates, every sentence checked,
  failing ones retried with beam hypotheses, flags).

Printed for each: BLEU and chrF2; sentences per second and the ratio
pipeline/raw; and, by the same pure ``checks.check`` on each line (no model
score, so both sides are judged alike), the share of lines whose numbers or
currency disagree with the source, invented-entity flags, and the share of
lines with any reason. For the pipeline also its own review list: the share of
sentences in ``Translation.flags`` (score check included) and the count per kind.
The model score floor is calibrated here too (``--calibrate``: percentiles of the
scores of the greedy outputs).

    .venv/bin/python bench/mt_checks.py [--limit N] [--compare DUMP.tsv] [--calibrate]

``--compare`` scores the pipeline column of a ``bench/mt_quality.py --dump`` file
(for instance one made on an older checkout) with the same checks.
"""
from __future__ import annotations

import collections
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from mt_quality import (GLOSSARY, pipeline_lines, pipeline_settings,  # noqa: E402
                        score, wmt_inputs, wmt_parser)
from mt_speed import pipeline_sentences  # noqa: E402


def kind(reason: str) -> str:
    return reason.split(":")[0].split(" ")[0]


def line_figures(zh: list[str], en: list[str]) -> dict[str, float]:
    """By the pure checks, line by line (no score)."""
    from digest.translate.checks import check
    n = len(zh)
    numbers = entities = flagged = 0
    for z, e in zip(zh, en):
        reasons = check(z, e)
        kinds = {kind(r) for r in reasons}
        numbers += bool(kinds & {"number", "currency"})
        entities += sum(1 for r in reasons if kind(r) == "entity")
        flagged += bool(reasons)
    return {"numbers/currency disagree": 100 * numbers / n, "invented-entity flags": entities,
            "lines with a reason": 100 * flagged / n}


def show(label: str, figs: dict[str, float]) -> None:
    print(f"{label:9s} numbers/currency disagree {figs['numbers/currency disagree']:5.2f} % of lines   "
          f"invented-entity flags {figs['invented-entity flags']:4.0f}   "
          f"lines with a reason {figs['lines with a reason']:5.2f} %")


def raw_by_sentence(sentences: list[str], pkg: Path) -> tuple[dict[str, str], dict[str, float], float]:
    import ctranslate2
    import sentencepiece
    sp = sentencepiece.SentencePieceProcessor(model_file=str(pkg / "sentencepiece.model"))
    tr = ctranslate2.Translator(str(pkg / "model"), device="cpu", inter_threads=2, intra_threads=1)
    t0 = time.perf_counter()
    toks = sp.encode(sentences, out_type=str)
    res = tr.translate_batch(toks, beam_size=1, max_batch_size=64, return_scores=True)
    outs = ["".join(r.hypotheses[0]).replace("▁", " ").strip() for r in res]
    secs = time.perf_counter() - t0
    return dict(zip(sentences, outs)), dict(zip(sentences, (r.scores[0] for r in res))), secs


def main(argv: list[str] | None = None) -> int:
    ap = wmt_parser(__doc__)
    ap.add_argument("--compare", type=Path, help="a bench/mt_quality.py --dump TSV to judge with the same checks")
    ap.add_argument("--calibrate", action="store_true", help="print percentiles of the raw model's scores")
    args = ap.parse_args(argv)

    from digest.translate.sentences import join_english, split_sentences

    zh, ref, pkg = wmt_inputs(args)
    sentences = pipeline_sentences(zh)
    print(f"WMT21 news zh-en: {len(zh)} lines, {len(sentences)} distinct sentences")

    if args.compare:
        rows = [l.split("\t") for l in args.compare.read_text(encoding="utf-8").splitlines()]
        other = [r[5] for r in rows][:len(zh)]
        b, c = score(other, ref)
        print(f"compare  BLEU {b:5.2f}  chrF2 {c:5.2f}   ({args.compare})")
        show("compare", line_figures(zh, other))

    by_sent, scores, raw_secs = raw_by_sentence(sentences, pkg)
    raw = [join_english([by_sent[s] for s in split_sentences(line)]) for line in zh]
    raw_rate = len(sentences) / raw_secs
    b, c = score(raw, ref)
    print(f"raw      BLEU {b:5.2f}  chrF2 {c:5.2f}   {raw_secs:7.1f} s  {raw_rate:6.1f} sentences/s")
    show("raw", line_figures(zh, raw))
    if args.calibrate:
        ss = sorted(scores.values())
        print("raw score percentiles: " + "  ".join(
            f"{p}%: {ss[min(len(ss) - 1, int(len(ss) * p / 100))]:.3f}" for p in (1, 2, 3, 5, 10, 50)))

    with tempfile.TemporaryDirectory(prefix="mt-checks-") as tmp:
        settings = pipeline_settings(Path(tmp), pkg, GLOSSARY)
        hyp, res, secs = pipeline_lines(zh, settings)
        _, warm, _ = pipeline_lines(zh, settings)       # rebuilt from the memory: same flags?
    n = res.sent_to_model
    rate = n / secs
    b, c = score(hyp, ref)
    print(f"pipeline BLEU {b:5.2f}  chrF2 {c:5.2f}   {secs:7.1f} s  {rate:6.1f} sentences/s  "
          f"({n} to the model, model loading, checks and retries included)")
    print(f"retried with {res.retried} beam searches, {res.retry_passed} passed a check they had failed")
    show("pipeline", line_figures(zh, hyp))
    print(f"ratio pipeline/raw speed {rate / raw_rate:.2f}")
    flags = res.translations["wmt21"].flags
    planned = sum(len(split_sentences(line)) for line in zh)
    kinds = collections.Counter(kind(r) for f in flags for r in f.reasons)
    print(f"review list: {len(flags)} of {planned} sentences ({100 * len(flags) / planned:.2f} %), "
          f"{sum(1 for f in flags if f.severity > 1)} severe; reasons by kind: {dict(kinds.most_common())}")
    print(f"flags rebuilt from the memory identical: {warm.translations['wmt21'].flags == flags} "
          f"({warm.sent_to_model} sentences to the model)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
