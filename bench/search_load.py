"""What a search costs the reader: bytes loaded and time per query, in headless Chromium from
file://, on a built site (issue 15: under 1 MB and 100 ms a query at N = 5,000).

    .venv/bin/python bench/corpus.py /tmp/corpus --n 5000
    (cd /tmp/corpus && PYTHONPATH=$TREE $TREE/.venv/bin/python $TREE/build.py --seeds no-seeds \\
        --content content --output /tmp/corpus/output --quiet)
    .venv/bin/python bench/search_load.py /tmp/corpus/output [more outputs...] [--queries 20]

For each site: the index's size and file count, then per query the parts of the index the page
loaded (window.DIGEST_SEARCH_PARTS's names, sized on disk; for a site of index version 2, its
shards, which the page always loads) and the time from the start of navigation to the results
shown (page, scripts, index and search: what the reader waits for), and the part of it from
the page's DOMContentLoaded on (search.js at work: the parts it loads and the search). The queries: a fixed few (Chinese,
English, mixed, multi-term, no hit) and pieces of titles picked with a fixed seed. A copy of
zh/search.html with a few lines that write those figures into the page is put beside it
(``search-bench.html`` and ``search-bench.js``: the page's policy allows no inline script) and
removed afterwards. Not a test: nothing is asserted.
"""
from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--hide-scrollbars",
         "--disable-extensions", "--disable-sync", "--mute-audio"]
FIXED = ["中国", "经济发展", "新冠疫情", "数字经济", "上海", "economy", "government", "covid",
         "China economy", "中国 economy", "xyzzy", "不存在的词语"]

PROBE = """(function () {
  var st = document.getElementById("search-status"), shown = null;
  new MutationObserver(function () { if (shown === null && st.hasAttribute("data-count")) shown = performance.now(); })
    .observe(st, { attributes: true });
  window.addEventListener("load", function () {         // every part the query asked for is in
    var pre = document.createElement("pre");
    pre.id = "bench";
    var nav = performance.getEntriesByType("navigation")[0];
    pre.textContent = JSON.stringify({ now: shown === null ? performance.now() : shown,
      ready: nav ? nav.domContentLoadedEventStart : 0,
      count: st.getAttribute("data-count"),
      parts: Object.keys(window.DIGEST_SEARCH_PARTS || {}).filter(function (k) {
        return window.DIGEST_SEARCH_PARTS[k] !== null; }) });
    document.body.appendChild(pre);
  });
})();
"""


def queries(out: Path, n: int, seed: int = 0) -> list[str]:
    """The fixed queries and pieces of titles (2-4 Chinese characters, one English word)."""
    rng = random.Random(seed)
    pages = sorted((out / "zh").glob("*.html"))
    picked: list[str] = []
    while len(FIXED) + len(picked) < n and pages:
        html = rng.choice(pages).read_text(encoding="utf-8")
        m = re.search(r"<title>([^<|]+)", html)
        title = m.group(1).strip() if m else ""
        han = re.findall(r"[\u4e00-\u9fff]{2,}", title)
        if han and rng.random() < 0.6:
            run = rng.choice(han)
            k = rng.randint(2, min(4, len(run)))
            at = rng.randrange(len(run) - k + 1)
            q = run[at:at + k]
        else:
            en = (out / "en" / pages[0].name).exists() and rng.choice(pages).name
            html_en = (out / "en" / en).read_text(encoding="utf-8") if en else ""
            words = [w for w in re.findall(r"[A-Za-z]{5,}", re.sub(r"<[^>]+>", " ", html_en)[:3000])]
            q = rng.choice(words) if words else ""
        if q and q not in picked and q not in FIXED:
            picked.append(q)
    return FIXED[:n] + picked


def run_query(page: Path, q: str, profile: str) -> dict:
    url = page.resolve().as_uri() + "?q=" + quote(q)
    r = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "--dump-dom", url],
                       capture_output=True, text=True, timeout=120)
    m = re.search(r'<pre id="bench">(.*?)</pre>', r.stdout, re.S)
    if not m:
        raise SystemExit(f"no figures for {q!r}: {r.stderr[-1000:]}")
    data = json.loads(m.group(1).replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"))
    folder = page.parent.parent / "static" / "search"
    parts = [folder / f"{name}.js" for name in data["parts"]]
    if not folder.is_dir():                 # the index of version 2: every shard, always
        parts = sorted((page.parent.parent / "static").glob("search-index-*.js"))
    return {"q": q, "count": int(data["count"] or 0), "ms": data["now"], "search_ms": data["now"] - data["ready"],
            "files": len(parts), "bytes": sum(f.stat().st_size for f in parts)}


def measure(out: Path, n_queries: int, show: bool) -> dict:
    index = [p for p in (out / "static" / "search").rglob("*.js")] or \
        sorted((out / "static").glob("search-index-*.js"))
    page = out / "zh" / "search-bench.html"
    html = (out / "zh" / "search.html").read_text(encoding="utf-8")
    probe = out / "zh" / "search-bench.js"             # the page's policy allows no inline script
    probe.write_text(PROBE, encoding="utf-8")
    page.write_text(html.replace("</body>", '<script src="search-bench.js"></script></body>'), encoding="utf-8")
    profile = tempfile.mkdtemp(prefix="digest-bench-chromium-")
    try:
        run_query(page, "warm", profile)                      # the browser's own first start
        rows = [run_query(page, q, profile) for q in queries(out, n_queries)]
    finally:
        page.unlink()
        probe.unlink()
        shutil.rmtree(profile, ignore_errors=True)
    if show:
        for r in rows:
            print(f"  {r['q']:<24} {r['count']:>6} hits {r['files']:>4} files {r['bytes'] / 1e3:>8.1f} kB "
                  f"{r['ms']:>7.1f} ms {r['search_ms']:>7.1f} ms searching")
    return {"site": str(out), "articles": len(list((out / "parallel").glob("*.html"))),
            "index_mb": sum(p.stat().st_size for p in index) / 1e6, "index_files": len(index),
            "kb_median": statistics.median(r["bytes"] for r in rows) / 1e3,
            "kb_max": max(r["bytes"] for r in rows) / 1e3,
            "ms_median": statistics.median(r["ms"] for r in rows), "ms_max": max(r["ms"] for r in rows),
            "search_median": statistics.median(r["search_ms"] for r in rows),
            "search_max": max(r["search_ms"] for r in rows),
            "queries": len(rows)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("outputs", nargs="+", type=Path, help="built sites (output folders)")
    ap.add_argument("--queries", type=int, default=20)
    ap.add_argument("--quiet", action="store_true", help="only the table, not each query")
    args = ap.parse_args(argv)
    if CHROMIUM is None:
        print("chromium is not installed", file=sys.stderr)
        return 2
    results = []
    for out in args.outputs:
        print(f"{out}:")
        results.append(measure(out, args.queries, not args.quiet))
    print()
    print("| site | articles | index MB | index files | kB/query median | kB/query max | ms/query median | ms/query max "
          "| ms searching median | ms searching max |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(f"| {r['site']} | {r['articles']:,} | {r['index_mb']:.1f} | {r['index_files']:,} | {r['kb_median']:.0f} | "
              f"{r['kb_max']:.0f} | {r['ms_median']:.0f} | {r['ms_max']:.0f} | {r['search_median']:.0f} | "
              f"{r['search_max']:.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
