#!/usr/bin/env python3
"""Print how long ``normalise`` takes on 1 MB and 10 MB of Traditional Chinese.

The text repeats seed 003's body paragraphs (with their pinyin annotations,
half-width punctuation and one mojibake run), so every rule has work to do.
Target: 1 MB well under 1 s.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from digest.ingest import normalise  # noqa: E402


def corpus(size: int) -> bytes:
    lines = (ROOT / "seeds" / "003_bff3fb38093f2861.txt").read_text(encoding="utf-8").splitlines()
    title, paras = lines[0], [line for line in lines[2:-2] if len(line) > 40]
    out = [title, ""]
    total = len(title.encode())
    i = 0
    while total < size:
        p = paras[i % len(paras)]
        out += [p, ""]
        total += len(p.encode()) + 2
        i += 1
    return "\n".join(out).encode("utf-8")


def one(mb: int) -> None:
    """In a child process: normalise mb MB and print seconds and peak memory (ru_maxrss)."""
    import resource
    normalise(corpus(10_000), "warm-up")
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    raw = corpus(mb * 1_000_000)
    t = time.perf_counter()
    normalise(raw, f"{mb}mb.txt")
    dt = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"{mb:>3} MB: {dt:6.2f} s ({dt / mb:.2f} s/MB), peak memory {peak / 1024:.0f} MB "
          f"(+{(peak - base) / 1024:.0f} MB over the interpreter)")


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--one":
        return one(int(sys.argv[2]))
    import subprocess
    print("growth (each size in a fresh process):")
    for mb in (1, 5, 10, 50):
        subprocess.run([sys.executable, __file__, "--one", str(mb)], check=True)
    normalise(corpus(10_000), "warm-up")          # load OpenCC, pypinyin, the common set
    for mb in (1, 10):
        raw = corpus(mb * 1_000_000)
        t = time.perf_counter()
        r = normalise(raw, f"{mb}mb.txt")
        dt = time.perf_counter() - t
        print(f"normalise {len(raw) / 1e6:.1f} MB Traditional: {dt:.2f} s "
              f"({len(r.article.blocks)} blocks, {r.article.repairs.get('pinyin_annotations', 0)} annotations, "
              f"{r.article.repairs.get('mojibake', 0)} mojibake repairs)")
    line = corpus(1_000_000).replace(b"\n", b"")
    t = time.perf_counter()
    normalise(b"title\n" + line, "one-line.txt")
    print(f"normalise a single 1 MB line: {time.perf_counter() - t:.2f} s")


if __name__ == "__main__":
    main()
