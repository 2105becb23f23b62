"""What publishing a one-edit rebuild costs, for the two ways of surviving a killed build.

On a synthetic output/ of --files files (default 5,610, the N = 1,000 site of
bench/ssg_compare.py; about 9 KB each, in the site's folders), publishes --changed
changed files (default 4, what one edit rewrites) each way, --repeat times, and prints
the best and the median time of each:

- renames: a temporary file beside each changed file, renamed into place (the code
  before issue 17: not safe against SIGKILL);
- renames + journal: the same with digest/publish.py's journal written before and
  removed after (what the build does);
- link swap: output/ is a symbolic link to a version folder; a new version is a tree
  of hard links to the current one with the changed files replaced, the link is
  swapped in one rename, the old version deleted.

    .venv/bin/python bench/publish_cost.py [--files 5610] [--changed 4] [--repeat 7] [--work DIR]
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from digest.publish import publish_changes, safe_rel, temp_name  # noqa: E402

FOLDERS = ("zh", "en", "bi", "zh/keywords", "en/keywords", "search")


def make_tree(out: Path, n: int) -> list[str]:
    rels = []
    for i in range(n):
        rel = f"{FOLDERS[i % len(FOLDERS)]}/page-{i}.html"
        p = out / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes((f"<p>{i}</p>" * 900).encode())
        rels.append(rel)
    return rels


def renames(out: Path, files: dict[str, bytes], expected: set[str]) -> None:
    """publish_changes as it was before the journal (1a91437), less its Ctrl-C guard."""
    for rel in list(files) + list(expected):
        safe_rel(rel)
    temps = []
    for rel, data in sorted(files.items()):
        target = out / rel
        try:
            if target.read_bytes() == data:
                continue
        except OSError:
            pass
        tmp = out / temp_name(rel)
        tmp.write_bytes(data)
        temps.append((tmp, target))
    for tmp, target in temps:
        os.replace(tmp, target)


def journal(out: Path, files: dict[str, bytes], expected: set[str]) -> None:
    publish_changes(out, files, expected, {rel: ("", 0) for rel in expected})


def link_swap(link: Path, files: dict[str, bytes], version: int) -> None:
    cur = link.resolve()
    new = link.parent / f".output.v{version}"
    for dirpath, dirnames, filenames in os.walk(cur):
        rel = os.path.relpath(dirpath, cur)
        os.makedirs(new / rel, exist_ok=True)
        for name in filenames:
            os.link(os.path.join(dirpath, name), new / rel / name)
    for rel, data in files.items():
        (new / rel).unlink(missing_ok=True)          # a hard link: never write through it
        (new / rel).write_bytes(data)
    tmp = link.parent / ".output.link-tmp"
    tmp.unlink(missing_ok=True)
    os.symlink(new.name, tmp)
    os.replace(tmp, link)
    shutil.rmtree(cur)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--files", type=int, default=5610)
    ap.add_argument("--changed", type=int, default=4)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--work", type=Path)
    a = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="publish-cost-", dir=a.work))
    try:
        out = work / "plain" / "output"
        rels = make_tree(out, a.files)
        v0 = work / "swap" / ".output.v0"
        make_tree(v0, a.files)
        link = work / "swap" / "output"
        os.symlink(v0.name, link)
        expected = set(rels)
        times: dict[str, list[float]] = {"renames": [], "renames + journal": [], "link swap": []}
        for r in range(1, a.repeat + 1):
            files = {rels[(r * 997 + k * 131) % len(rels)]: f"<p>edit {r} {k}</p>".encode() * 900
                     for k in range(a.changed)}
            for name, run in (("renames", lambda: renames(out, files, expected)),
                              ("renames + journal", lambda: journal(out, files, expected)),
                              ("link swap", lambda: link_swap(link, files, r))):
                t = time.perf_counter()
                run()
                times[name].append(time.perf_counter() - t)
        print(f"publishing {a.changed} changed files of {a.files:,} ({a.repeat} runs each):")
        for name, ts in times.items():
            print(f"  {name:18} best {min(ts) * 1000:8.2f} ms   median {statistics.median(ts) * 1000:8.2f} ms")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
