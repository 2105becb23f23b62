"""Translation speed: the pipeline's translation stage against the raw model, same sentences, same run.

- **raw**: one ``translate_batch`` (greedy, ``max_batch_size=64``) on a
  ``Translator(inter_threads=2, intra_threads=1)`` (its best setting on 2 cores)
  over exactly the sentences the pipeline sends to the model (the source text,
  without placeholders), tokenising and detokenising included;
- **cold**: ``translate_site`` on one article whose paragraphs are the WMT21 lines,
  shipped glossary, empty temporary translation memory (model loading included);
- **warm**: ``translate_site`` again with the memory it just filled: no sentence
  reaches the model.

    .venv/bin/python bench/mt_speed.py [--limit N] [--model DIR]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from mt_quality import GLOSSARY, load_lines, model_dir, pipeline_lines, pipeline_settings, raw_translate  # noqa: E402


def pipeline_sentences(zh: list[str]) -> list[str]:
    """The distinct sentences translate_site plans for these lines (its own splitter)."""
    from digest.translate.sentences import split_sentences
    seen: dict[str, None] = {}
    for line in zh:
        for s in split_sentences(line):
            seen.setdefault(s, None)
    return list(seen)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, help="only the first N lines")
    ap.add_argument("--model", type=Path, help="unpacked Argos package (default: the cached zh->en model)")
    args = ap.parse_args(argv)

    zh, _ = load_lines(args.limit)
    pkg = model_dir(args.model)
    sentences = pipeline_sentences(zh)
    print(f"WMT21 news zh-en: {len(zh)} lines, {len(sentences)} distinct sentences")

    _, raw_secs = raw_translate(sentences, pkg)
    raw_rate = len(sentences) / raw_secs
    print(f"raw translate_batch     {raw_secs:7.2f} s  {raw_rate:6.1f} sentences/s")

    with tempfile.TemporaryDirectory(prefix="mt-speed-") as tmp:
        settings = pipeline_settings(Path(tmp), pkg, GLOSSARY)
        _, cold, cold_secs = pipeline_lines(zh, settings)
        n = cold.sent_to_model
        rate = n / cold_secs
        print(f"pipeline, cold TM       {cold_secs:7.2f} s  {rate:6.1f} sentences/s  ({n} to the model)")
        _, warm, warm_secs = pipeline_lines(zh, settings)
        print(f"pipeline, warm TM       {warm_secs:7.2f} s  ({warm.sent_to_model} to the model, "
              f"{warm.from_memory} from the memory)")
    print(f"ratio pipeline/raw      {rate / raw_rate:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
