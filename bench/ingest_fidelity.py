#!/usr/bin/env python3
"""Does ingest keep sound text as it is, and does it repair or report GBK mojibake?

Sound text: the whole WMT21 zh side (``../shared/bench/mt/newstest2021.zh-en.zh``,
never committed) in four forms: Simplified UTF-8, Traditional UTF-8 (OpenCC
``s2t``), Traditional Big5 and Simplified GB18030. The lines are cut into
articles of ten lines, written to a temporary folder and ingested with the
real entry point (``ingest_paths``, as ``build.py ingest`` does). Counted:
repairs (all false on sound text), mojibake warnings, and the Han characters
of each content file (front matter and body) against the source's after
ingest's own script conversion, compared as multisets (invented = in the
output and not the source, lost = the other way). A line that cannot be
written in Big5 (not even Microsoft's cp950, which ingest reads as Big5) is
left out of the Big5 form and counted.

Synthetic damage: a few hundred WMT21 lines, Simplified and Traditional,
encoded as GBK, one byte of a random Han character dropped, read back as GBK
with ``errors='replace'`` (the shape of seed 003's damage), each ingested as
the body of its own article. A damaged line is *repaired exactly* when its
output equals the output for the source line without the character whose byte
was lost (that character cannot come back), *reported* when ingest names it in
a ``mojibake`` warning instead, *wrongly repaired* when a repair gave anything
else, and *missed* otherwise.

Usage: ``bench/ingest_fidelity.py [--lines N] [--damage N]`` (N lines of WMT21;
N damaged lines per script, default 300).
"""
from __future__ import annotations

import argparse
import io
import random
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import opencc  # noqa: E402

from digest.errors import Reporter  # noqa: E402
from digest.ingest import ingest_paths, normalise  # noqa: E402
from digest.chars import HAN_RE  # noqa: E402
from digest.ingest.script import to_simplified  # noqa: E402

from mt_quality import ZH_FILE as WMT  # noqa: E402  (found the same way as every WMT21 script)
PER_ARTICLE = 10
REPAIRED = re.compile(r"^mojibake: '.*' repaired as ")


def han(text: str) -> Counter:
    return Counter(HAN_RE.findall(text))


def encode_big5(line: str) -> bytes | None:
    for enc in ("big5", "cp950"):
        try:
            return line.encode(enc)
        except UnicodeEncodeError:
            pass
    return None


def sound_form(name: str, lines: list[str], encode, tmp: Path) -> dict:
    src_dir, content_dir = tmp / name / "src", tmp / name / "content"
    src_dir.mkdir(parents=True)
    kept, skipped = [], 0
    for line in lines:
        data = encode(line)
        if data is None:
            skipped += 1
        else:
            kept.append((line, data))
    source_han: dict[str, Counter] = {}
    for n in range(0, len(kept), PER_ARTICLE):
        chunk = kept[n:n + PER_ARTICLE]
        path = src_dir / f"a{n // PER_ARTICLE:04d}.txt"
        path.write_bytes(b"\n".join(d for _, d in chunk) + b"\n")
        source_han[path.name] = han(to_simplified("\n".join(line for line, _ in chunk)))
    reporter = Reporter(quiet=True, stream=io.StringIO())
    t = time.perf_counter()
    results = ingest_paths([src_dir], content_dir, reporter, root=tmp)
    seconds = time.perf_counter() - t
    invented = lost = 0
    for r in results:
        out = han(r.path.read_text(encoding="utf-8")) if r.path else Counter()
        src = source_han[r.source.name]
        invented += sum((out - src).values())
        lost += sum((src - out).values())
    moji = [d for d in reporter.diagnostics if d.message.startswith("mojibake")]
    return {"form": name, "lines": len(kept), "skipped": skipped,
            "repairs": sum(bool(REPAIRED.match(d.message)) for d in moji),
            "warnings": sum(not REPAIRED.match(d.message) for d in moji),
            "invented": invented, "lost": lost, "errors": len(reporter.errors), "seconds": seconds,
            "examples": [str(d) for d in moji[:3]]}


def damage(line: str, rng: random.Random) -> tuple[str, str] | None:
    """(damaged line, source line without the character that lost a byte), or None."""
    try:
        data = line.encode("gbk")
    except UnicodeEncodeError:
        return None
    spans, pos = [], 0
    for i, c in enumerate(line):
        size = len(c.encode("gbk"))
        if HAN_RE.match(c):
            spans.append((i, pos))
        pos += size
    if not spans:
        return None
    i, start = rng.choice(spans)
    drop = start + rng.randrange(2)
    return (data[:drop] + data[drop + 1:]).decode("gbk", errors="replace"), line[:i] + line[i + 1:]


def one_more_lost(got: list[str], want: list[str]) -> bool:
    """``got`` is ``want`` with one more character lost and a U+FFFD in its place (a misread
    run that ends at a U+FFFD: the last character's second byte is gone)."""
    g, w = "\n".join(got), "\n".join(want)
    if len(g) != len(w):
        return False
    k = next((n for n, (a, b) in enumerate(zip(g, w)) if a != b), len(g))
    return g[k:k + 1] == "\ufffd" and g[k + 1:] == w[k + 1:]


def body(raw_line: str, name: str):
    r = normalise(f"Damage test\n{raw_line}\n".encode("utf-8"), name)
    return r, [b.text for b in r.article.blocks]


def synthetic(name: str, lines: list[str], n: int, seed: int) -> dict:
    rng = random.Random(seed)
    order = list(range(len(lines)))
    rng.shuffle(order)
    counts = Counter()
    examples: dict[str, list[str]] = {"missed": [], "wrong": []}
    for k in order:
        if counts["lines"] >= n:
            break
        made = damage(lines[k], rng)
        if made is None:
            continue
        damaged, ideal = made
        counts["lines"] += 1
        r, got = body(damaged, f"{name}-{k}.txt")
        _, want = body(ideal, "ideal.txt")
        msgs = [m for _, m in r.warnings if m.startswith("mojibake")]
        repaired = any(REPAIRED.match(m) for m in msgs)
        if repaired and got == want:
            counts["exact"] += 1
        elif repaired and "\ufffd" in "".join(got) and one_more_lost(got, want):
            counts["exact_fffd"] += 1
        elif repaired:
            counts["wrong"] += 1
            examples["wrong"].append(f"{damaged}  ->  {got}  wanted  {want}")
        elif msgs:
            counts["reported"] += 1
        else:
            counts["missed"] += 1
            examples["missed"].append(damaged)
    return {"form": name, **counts, "examples": examples}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lines", type=int, default=0, help="only the first N lines of WMT21 (default all)")
    ap.add_argument("--damage", type=int, default=300, help="damaged lines per script (default 300)")
    ap.add_argument("--seed", type=int, default=0, help="random seed of the damage (default 0: "
                    "the published table; others draw other lines and bytes)")
    ap.add_argument("--damage-only", action="store_true", help="skip the sound-text forms")
    ap.add_argument("-v", "--verbose", action="store_true", help="print examples of what went wrong")
    args = ap.parse_args()
    if not WMT.exists():
        sys.exit(f"missing {WMT} (the WMT21 test set, see README)")
    simplified = [s.strip() for s in WMT.read_text(encoding="utf-8").splitlines() if s.strip()]
    if args.lines:
        simplified = simplified[:args.lines]
    s2t = opencc.OpenCC("s2t")
    traditional = [s2t.convert(s) for s in simplified]
    s2tw = opencc.OpenCC("s2tw")      # Big5 holds Taiwan forms (s2t's 爲, 羣, 裏 are not in it)
    taiwan = [s2tw.convert(s) for s in simplified]
    if not args.damage_only:
        print(f"sound text: WMT21 zh, {len(simplified)} lines, articles of {PER_ARTICLE} lines, "
              f"ingested with ingest_paths")
        print(f"{'form':<22}{'lines':>7}{'repairs':>9}{'warnings':>10}{'invented':>10}{'lost':>6}{'errors':>8}{'s':>7}")
        with tempfile.TemporaryDirectory() as d:
            tmp = Path(d)
            for name, lines, enc in (("Simplified UTF-8", simplified, lambda s: s.encode("utf-8")),
                                     ("Traditional UTF-8", traditional, lambda s: s.encode("utf-8")),
                                     ("Traditional Big5", taiwan, encode_big5),
                                     ("Simplified GB18030", simplified, lambda s: s.encode("gb18030"))):
                r = sound_form(name.replace(" ", "-"), lines, enc, tmp)
                skipped = f" ({r['skipped']} lines not in Big5/cp950, left out)" if r["skipped"] else ""
                print(f"{name:<22}{r['lines']:>7}{r['repairs']:>9}{r['warnings']:>10}{r['invented']:>10}"
                      f"{r['lost']:>6}{r['errors']:>8}{r['seconds']:>7.1f}{skipped}")
                if args.verbose:
                    for e in r["examples"]:
                        print("    ", e)
    print("\nsynthetic damage: GBK, one byte of a random Han character dropped, read back as GBK "
          "(errors='replace')")
    print(f"{'source':<22}{'lines':>7}{'exact':>7}{'exact+�':>9}{'reported':>10}{'wrong':>7}{'missed':>8}"
          f"{'repaired or reported':>22}")
    for name, lines, seed in (("Simplified", simplified, 1), ("Traditional", traditional, 2)):
        r = synthetic(name, lines, args.damage, seed + 2 * args.seed)
        n = r.get("lines", 0)
        ok = r.get("exact", 0) + r.get("exact_fffd", 0) + r.get("reported", 0)
        print(f"{name:<22}{n:>7}{r.get('exact', 0):>7}{r.get('exact_fffd', 0):>9}{r.get('reported', 0):>10}"
              f"{r.get('wrong', 0):>7}{r.get('missed', 0):>8}{(100 * ok / n if n else 0):>21.1f}%")
        if args.verbose:
            for kind, ex in r["examples"].items():
                for e in ex[:5]:
                    print(f"     {kind}: {e}")


if __name__ == "__main__":
    main()
