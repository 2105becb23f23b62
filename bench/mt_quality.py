"""Translation quality: the pipeline's translator against the raw model, on WMT21 news zh-en.

Reads ../shared/bench/mt/newstest2021.zh-en.{zh,en} at run time (never copied
into the repository) and prints sacrebleu BLEU and chrF2 for

- **raw**: the model alone, as the reference figures were made: each line split
  on 。！？；, one ``translate_batch`` (greedy, ``max_batch_size=64``) on a
  ``Translator(inter_threads=2, intra_threads=1)``, pieces joined and ``▁`` turned
  into spaces, the sentences of a line joined by a space;
- **pipeline**: ``translate_site`` itself on one article whose paragraphs are
  the WMT lines, with the shipped glossary (content/glossary.toml) and a fresh
  temporary translation memory, so every sentence goes to the model.

    .venv/bin/python bench/mt_quality.py [--limit N] [--model DIR] [--glossary FILE]
"""
from __future__ import annotations

import argparse
import gc
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from digest.article import Article, Block  # noqa: E402
from digest.errors import Reporter  # noqa: E402
from digest.settings import Settings  # noqa: E402

# $DIGEST_MT_DIR, else ../shared from a checkout, or one level up again from a worktree
MT_DIR = Path(os.environ.get("DIGEST_MT_DIR") or next(
    (p for p in (ROOT.parent / "shared" / "bench" / "mt", ROOT.parent.parent / "shared" / "bench" / "mt")
     if p.is_dir()), ROOT.parent / "shared" / "bench" / "mt"))
ZH_FILE = MT_DIR / "newstest2021.zh-en.zh"
EN_FILE = MT_DIR / "newstest2021.zh-en.en"
GLOSSARY = ROOT / "content" / "glossary.toml"
_RAW_SPLIT = re.compile(r"(?<=[。！？；])")


def load_lines(limit: int | None = None) -> tuple[list[str], list[str]]:
    if not ZH_FILE.is_file() or not EN_FILE.is_file():
        sys.exit(f"bench data missing: {MT_DIR} (newstest2021.zh-en.zh/.en)")
    zh = ZH_FILE.read_text(encoding="utf-8").splitlines()
    en = EN_FILE.read_text(encoding="utf-8").splitlines()
    assert len(zh) == len(en), "source and reference differ in length"
    if limit:
        zh, en = zh[:limit], en[:limit]
    return zh, en


def wmt_parser(doc: str) -> argparse.ArgumentParser:
    """The options every WMT21 script takes: ``--limit N`` lines and ``--model DIR``."""
    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument("--limit", type=int, help="only the first N lines")
    ap.add_argument("--model", type=Path, help="unpacked Argos package (default: the cached zh->en model)")
    return ap


def wmt_inputs(args: argparse.Namespace) -> tuple[list[str], list[str], Path]:
    """(source lines, reference lines, model folder) that a ``wmt_parser`` command line asks for."""
    zh, ref = load_lines(args.limit)
    return zh, ref, model_dir(args.model)


def model_dir(arg: Path | None) -> Path:
    from digest.translate.model_store import check_package, default_package_dir
    p = arg or default_package_dir(Settings().cache_dir)
    check_package(p)          # a clear error if it is not there
    return p


def raw_split(line: str) -> list[str]:
    return [s for s in (x.strip() for x in _RAW_SPLIT.split(line)) if s]


def raw_translate(sentences: list[str], pkg_dir: Path) -> tuple[list[str], float]:
    """One translate_batch over ``sentences`` at the raw model's best setting; (outputs, seconds)."""
    import ctranslate2
    import sentencepiece

    sp = sentencepiece.SentencePieceProcessor(model_file=str(pkg_dir / "sentencepiece.model"))
    tr = ctranslate2.Translator(str(pkg_dir / "model"), device="cpu", inter_threads=2, intra_threads=1)
    t0 = time.perf_counter()
    toks = sp.encode(sentences, out_type=str)
    res = tr.translate_batch(toks, beam_size=1, max_batch_size=64)
    outs = ["".join(r.hypotheses[0]).replace("▁", " ").strip() for r in res]
    secs = time.perf_counter() - t0
    del tr
    gc.collect()
    return outs, secs


def raw_lines(zh: list[str], pkg_dir: Path) -> tuple[list[str], int, float]:
    per_line = [raw_split(l) for l in zh]
    flat = [s for ss in per_line for s in ss]
    outs, secs = raw_translate(flat, pkg_dir)
    it = iter(outs)
    return [" ".join(next(it) for _ in ss) for ss in per_line], len(flat), secs


def pipeline_settings(tmp: Path, pkg_dir: Path, glossary: Path | None) -> Settings:
    content = tmp / "content"
    content.mkdir(parents=True, exist_ok=True)
    if glossary is not None and glossary.is_file():
        shutil.copy(glossary, content / "glossary.toml")
    return Settings(root=tmp, content_dir=content, cache_dir=tmp / "cache", model_path=pkg_dir,
                    tm_path=tmp / "tm.sqlite3", quiet=True)


def pipeline_lines(zh: list[str], settings: Settings, rebuild_tm: bool = False):
    """translate_site on one article, one paragraph per line; (English lines, result, seconds)."""
    from digest.translate import translate_site

    article = Article(slug="wmt21", title="", blocks=[Block("paragraph", l) for l in zh])
    t0 = time.perf_counter()
    res = translate_site([article], [], settings, Reporter(quiet=True), rebuild_tm=rebuild_tm)
    secs = time.perf_counter() - t0
    return [b.text for b in res.translations["wmt21"].blocks], res, secs


def score(hyp: list[str], ref: list[str]) -> tuple[float, float]:
    import sacrebleu
    return sacrebleu.corpus_bleu(hyp, [ref]).score, sacrebleu.corpus_chrf(hyp, [ref]).score


def main(argv: list[str] | None = None) -> int:
    ap = wmt_parser(__doc__)
    ap.add_argument("--glossary", type=Path, default=GLOSSARY, help="glossary file (default: content/glossary.toml)")
    ap.add_argument("--no-glossary", action="store_true", help="run the pipeline with an empty glossary")
    ap.add_argument("--dump", type=Path, help="write raw/pipeline outputs side by side to this TSV")
    args = ap.parse_args(argv)

    zh, ref, pkg = wmt_inputs(args)
    print(f"WMT21 news zh-en: {len(zh)} lines; model {pkg}")

    raw, n_raw, raw_secs = raw_lines(zh, pkg)
    rb, rc = score(raw, ref)
    print(f"raw      BLEU {rb:5.2f}  chrF2 {rc:5.2f}   ({n_raw} sentences, {raw_secs:.1f} s)")

    with tempfile.TemporaryDirectory(prefix="mt-quality-") as tmp:
        settings = pipeline_settings(Path(tmp), pkg, None if args.no_glossary else args.glossary)
        hyp, res, secs = pipeline_lines(zh, settings)
    pb, pc = score(hyp, ref)
    print(f"pipeline BLEU {pb:5.2f}  chrF2 {pc:5.2f}   ({res.sent_to_model} sentences to the model, "
          f"{res.glossary_misses} glossary misses, {secs:.1f} s)")
    print(f"pipeline - raw: BLEU {pb - rb:+.2f}  chrF2 {pc - rc:+.2f}")
    if args.dump:
        import sacrebleu
        with open(args.dump, "w", encoding="utf-8") as f:
            for i, (z, r, a, b) in enumerate(zip(zh, ref, raw, hyp)):
                d = sacrebleu.sentence_chrf(b, [r]).score - sacrebleu.sentence_chrf(a, [r]).score
                f.write(f"{i}\t{d:+.1f}\t{z}\t{r}\t{a}\t{b}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
