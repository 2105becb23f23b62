"""Names quality: automatic names (CC-CEDICT, jieba POS, pinyin) against today's pipeline, on WMT21.

The names set is made from real text that is not the seeds: every CC-CEDICT name
among the words of a WMT21 zh-en source line, and every name the name finder
(digest/translate/names.py) sees there, kept when
the human reference English contains its dictionary or romanised form (for a
place, the form with or without its suffix: "Shenzhen City" or "Shenzhen").

- **recall**: names of the set whose form the pipeline's English contains;
- **precision**: of the candidate names (all the finder sees) whose form the
  pipeline's English contains, the share the reference confirms (a form the
  reference does not use, such as a pinyin name where it has an English one,
  counts against it).

Both are printed for the pipeline without automatic names ("before": the glossary
only, as today) and with them ("after"), with BLEU and chrF2 of all lines.

    .venv/bin/python bench/names_quality.py [--limit N] [--model DIR] [--dump FILE]
"""
from __future__ import annotations

import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import mt_quality  # noqa: E402
from mt_quality import GLOSSARY, pipeline_settings, score, wmt_inputs, wmt_parser  # noqa: E402

# a git worktree sits one level deeper than the main checkout: find ../shared upwards
for _up in ROOT.parents:
    if (_up / "shared" / "bench" / "mt" / mt_quality.ZH_FILE.name).is_file():
        mt_quality.ZH_FILE = _up / "shared" / "bench" / "mt" / mt_quality.ZH_FILE.name
        mt_quality.EN_FILE = _up / "shared" / "bench" / "mt" / mt_quality.EN_FILE.name
        break

from digest.article import Article, Block  # noqa: E402
from digest.errors import Reporter  # noqa: E402
from digest.translate.names import PLACE_SUFFIXES, dictionary_name  # noqa: E402
from digest.translate.sentences import split_sentences  # noqa: E402

_SUFFIX_EN = sorted(set(PLACE_SUFFIXES.values()), key=len, reverse=True)


def forms(en: str) -> list[str]:
    """The ways a reference may write a name: whole, and a place without its suffix."""
    out = [en]
    for s in _SUFFIX_EN:
        if en.endswith(" " + s):
            out.append(en[: -len(s) - 1])
            break
    return out


def contains(text: str, form: str) -> bool:
    return re.search(r"(?<![A-Za-z])" + re.escape(form) + r"(?![A-Za-z])", text, re.IGNORECASE) is not None


def candidates(zh: list[str], finder) -> list[list[tuple[str, str]]]:
    """Per line, the (Chinese, English) names the finder sees in its sentences."""
    out = []
    for line in zh:
        found: dict[str, str] = {}
        for s in split_sentences(line):
            # every CC-CEDICT name among the sentence's words (the model's job or ours), then
            # what the name finder gives (places and people in no dictionary, its own forms)
            for w, _flag in finder._tag(s):
                en = dictionary_name(w, finder.dictionary)
                if en:
                    found[w] = en
            found.update(finder(s))
        out.append(sorted(found.items()))
    return out


def measure(cands, ref: list[str], hyp: list[str]) -> tuple[float, float, int, int]:
    """(precision, recall, names in the set, candidate names printed)."""
    gold = printed = hits_gold = printed_gold = 0
    for names, r, h in zip(cands, ref, hyp):
        for _zh, en in names:
            fs = forms(en)
            in_ref = any(contains(r, f) for f in fs)
            in_hyp = any(contains(h, f) for f in fs)
            gold += in_ref
            hits_gold += in_ref and in_hyp
            printed += in_hyp
            printed_gold += in_hyp and in_ref
    return (printed_gold / printed if printed else 0.0), (hits_gold / gold if gold else 0.0), gold, printed


def run(zh, settings, auto_names: bool):
    from digest.translate import translate_site
    article = Article(slug="wmt21", title="", blocks=[Block("paragraph", l) for l in zh])
    t0 = time.perf_counter()
    res = translate_site([article], [], settings, Reporter(quiet=True), auto_names=auto_names)
    return [b.text for b in res.translations["wmt21"].blocks], time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    ap = wmt_parser(__doc__)
    ap.add_argument("--dump", type=Path, help="write the names set with both outputs to this TSV")
    ap.add_argument("--after-only", action="store_true", help="skip the run without automatic names")
    args = ap.parse_args(argv)

    zh, ref, pkg = wmt_inputs(args)
    from digest.segment import Segmenter
    from digest.translate.dictionary import load_dictionary
    from digest.translate.names import NameFinder

    with tempfile.TemporaryDirectory(prefix="names-quality-") as tmp:
        outs = {}
        runs = (("after", True),) if args.after_only else (("before", False), ("after", True))
        for label, auto in runs:
            settings = pipeline_settings(Path(tmp) / label, pkg, GLOSSARY)
            outs[label] = run(zh, settings, auto)
        finder = NameFinder(load_dictionary(settings.cache_dir), segmenter=Segmenter((), settings.cache_dir))
        cands = candidates(zh, finder)
    print(f"WMT21 news zh-en: {len(zh)} lines; model {pkg}")
    for label in outs:
        hyp, secs = outs[label]
        p, r, gold, printed = measure(cands, ref, hyp)
        b, c = score(hyp, ref)
        print(f"{label:6}  names precision {100 * p:5.1f}%  recall {100 * r:5.1f}%  "
              f"({gold} names in the set, {printed} printed)   BLEU {b:5.2f}  chrF2 {c:5.2f}  ({secs:.1f} s)")
    if args.dump:
        with open(args.dump, "w", encoding="utf-8") as f:
            for i, names in enumerate(cands):
                for z, en in names:
                    fs = forms(en)
                    f.write(f"{i}\t{z}\t{en}\t{int(any(contains(ref[i], x) for x in fs))}\t"
                            f"{int(any(contains(outs.get('before', outs['after'])[0][i], x) for x in fs))}\t"
                            f"{int(any(contains(outs['after'][0][i], x) for x in fs))}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
