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

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from mt_quality import (GLOSSARY, pipeline_lines, pipeline_settings,  # noqa: E402
                        raw_translate, wmt_inputs, wmt_parser)


def pipeline_sentences(zh: list[str]) -> list[str]:
    """The distinct sentences translate_site plans for these lines (its own splitter)."""
    from digest.translate.sentences import split_sentences
    seen: dict[str, None] = {}
    for line in zh:
        for s in split_sentences(line):
            seen.setdefault(s, None)
    return list(seen)


def main(argv: list[str] | None = None) -> int:
    ap = wmt_parser(__doc__)
    args = ap.parse_args(argv)

    zh, _, pkg = wmt_inputs(args)
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
