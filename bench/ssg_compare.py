"""Whole-site build: this project vs Hugo vs Pelican, on the same bilingual corpus.

For each N, makes the corpus (bench/corpus.py) in a scratch folder, then for
each generator measures, each run a fresh process:

- clean build: output and caches moved aside first (best of --clean-repeat, default 1);
- no-op rebuild: nothing changed since the last build (best of --repeat);
- one edit: one article gets one more sentence (Chinese + its English twin,
  in all three corpora), then rebuild (best of --repeat; a different sentence
  each time);
- clean after rm -rf: output and caches deleted just before a clean build, once per
  generator in the last round (see TRASH below for why this is a separate figure);

wall seconds (Popen to exit), HTML pages in the output, files written by the
run (mtime changed or new), peak RSS of the largest single process (os.wait4
rusage; max over all runs) and peak total memory of the whole process tree: the
build and every process it forks, sampled every 50 ms (less often for a large tree: a sample
takes CPU time, about 90 ms for 3 GB, and the sampler keeps to 1/20 of a core) as the sum of their PSS
(/proc/PID/smaps_rollup, where a page shared copy-on-write by k processes
counts 1/k in each, so the sum counts it once). With several --n, a growth
table gives each kind's seconds per 1,000 articles and the ratio to the
smallest N (1.00 everywhere = linear). A generator that fails prints "n/a"
with its error.

    .venv/bin/python bench/ssg_compare.py [--n 1000 5000] [--only digest hugo pelican] [--rounds 1]
                                          [--repeat 3] [--clean-repeat 1] [--work /tmp/ssg-bench] [--keep]
"""
from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

import corpus  # noqa: E402

PY = ROOT / ".venv" / "bin" / "python"
PELICAN = ROOT / ".venv" / "bin" / "pelican"
HUGO = Path(os.environ.get("DIGEST_HUGO") or shutil.which("hugo") or "hugo")   # $DIGEST_HUGO, else on PATH
# the zh->en model, passed to this project's build as --model when it exists (every block of the
# corpus is human-translated, so the model is needed at most for keyword labels)
MODEL = [os.environ.get("DIGEST_MODEL")]   # default: the model in ~/.cache/digest (build.py fetch-model)
EDIT_SLUG_INDEX = 0.5   # which article is edited: the middle one
TIMEOUT = [1800.0]      # seconds before a build is killed (counts as failed)
PROC = Path("/proc")
SAMPLE_EVERY = 0.05     # seconds between two samples of the process tree's memory, at least
# ...and at least this many times the CPU time the last sample took: reading smaps_rollup walks
# the page tables, about 90 ms of CPU for a 3 GB tree (N = 20,000), which every 50 ms would
# take a core from the build being measured; this bounds the sampler to ~5 % of one core
SAMPLE_COST_RATIO = 20


# Removing the previous output: moved into a trash folder, deleted when the run ends. On this
# machine's ext4 (it behaves as one without a journal) creating files within a minute of
# deleting thousands is about ten times slower (the allocator skips recently deleted inodes one
# by one: 5,600 files take 0.24 s fresh, 2.7 s after an rm -rf of 5,600), which would charge
# every generator for the files it deleted rather than for its work. The cost of a build right after rm -rf is measured separately
# ("clean after rm -rf"), once per generator, after a sync and a pause that let earlier deletions age.
TRASH: list[Path] = []
RM_PAUSE = 62.0            # seconds: ext4 skips inodes deleted less than 60 s ago (clean buffers)


class Gen:
    name = ""
    delete = False          # True: clean() deletes for real (the "clean after rm -rf" measurement)

    def __init__(self, corpus_dir: Path):
        self.c = corpus_dir

    def remove(self, p: Path) -> None:
        if not p.exists():
            return
        if self.delete:
            shutil.rmtree(p, ignore_errors=True)
            return
        trash = self.c.parent / "trash"
        trash.mkdir(exist_ok=True)
        dest = trash / f"{os.getpid()}-{len(TRASH):04d}-{p.name}"
        p.rename(dest)
        TRASH.append(dest)

    # output folder, the command, its cwd, what a clean build removes
    out: Path
    def cmd(self) -> list[str]: ...
    cwd: Path
    def clean(self) -> None: ...


class Digest(Gen):
    name = "digest (this project)"

    def __init__(self, c):
        super().__init__(c)
        self.out = c / "digest-out" / "output"
        self.cwd = c
        # the translation memory is kept across "clean" builds, like a team's committed memory
        # (every block has a human translation; the memory holds only keyword labels); a first,
        # untimed build fills it
        self.tm = c / "digest-tm.sqlite3"

    def cmd(self):
        # no seeds: a folder that does not exist, so the ingest stage has nothing to look at
        return [str(PY), str(ROOT / "build.py"), "--seeds", str(self.c / "no-seeds"),
                "--content", str(self.c / "content"), "--output", str(self.out),
                "--tm", str(self.tm), "--theme", str(ROOT / "digest" / "themes" / "default"), "--quiet"] + (
                    ["--model", MODEL[0]] if MODEL[0] and Path(MODEL[0]).exists() else [])

    def clean(self):
        self.remove(self.c / "digest-out")
        (self.c / "digest-out").mkdir()
        if not self.tm.exists():
            subprocess.run(self.cmd(), cwd=self.cwd, stdout=subprocess.DEVNULL)
            self.remove(self.c / "digest-out")
            (self.c / "digest-out").mkdir()


class Hugo(Gen):
    name = "Hugo"

    def __init__(self, c):
        super().__init__(c)
        self.cwd = c / "hugo"
        self.out = self.cwd / "public"

    def cmd(self):
        return [str(HUGO), "--quiet", "--destination", str(self.out)]

    def clean(self):
        self.remove(self.out)
        self.remove(self.cwd / "resources")


class Pelican(Gen):
    name = "Pelican"

    def __init__(self, c):
        super().__init__(c)
        self.cwd = c / "pelican"
        self.out = self.cwd / "output"

    def cmd(self):
        return [str(PELICAN), "content", "-s", "pelicanconf.py", "-o", "output", "-q"]

    def clean(self):
        self.remove(self.out)
        self.remove(self.cwd / "cache")
        self.remove(self.cwd / "__pycache__")


GENS = {"digest": Digest, "hugo": Hugo, "pelican": Pelican}


def snapshot(out: Path) -> dict[str, int]:
    snap = {}
    if out.is_dir():
        for dirpath, _dirs, files in os.walk(out):
            for f in files:
                p = os.path.join(dirpath, f)
                try:
                    snap[p] = os.stat(p).st_mtime_ns
                except OSError:
                    pass
    return snap


def child_pids(pid: int, proc: Path = PROC) -> list[int]:
    """The children of ``pid`` (of any of its threads); [] once it has gone."""
    out: list[int] = []
    try:
        tasks = os.listdir(proc / str(pid) / "task")
    except OSError:
        return out
    for tid in tasks:
        try:
            out += [int(x) for x in (proc / str(pid) / "task" / tid / "children").read_text().split()]
        except (OSError, ValueError):
            pass
    return out


def process_tree(pid: int, proc: Path = PROC) -> list[int]:
    """``pid`` and all its descendants, parents first."""
    tree: list[int] = []
    todo = [pid]
    while todo:
        p = todo.pop(0)
        if p not in tree:
            tree.append(p)
            todo += child_pids(p, proc)
    return tree


def pss_kib(pid: int, proc: Path = PROC) -> int:
    """Proportional set size of one process in KiB (0 if it has gone or is a zombie)."""
    try:
        text = (proc / str(pid) / "smaps_rollup").read_text()
    except OSError:
        return 0
    for line in text.splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1])
    return 0


def tree_pss_kib(pid: int, proc: Path = PROC) -> int:
    """Memory of ``pid`` and its descendants, each page counted once (sum of PSS), in KiB."""
    return sum(pss_kib(p, proc) for p in process_tree(pid, proc))


def next_sample_in(every: float, sample_cpu: float, ratio: float = SAMPLE_COST_RATIO) -> float:
    """Seconds until the next sample: ``every``, or longer when a sample costs more than
    1/``ratio`` of that in CPU time."""
    return max(every, ratio * sample_cpu)


class TreeMemory(threading.Thread):
    """Samples ``tree_pss_kib(pid)`` every ``every`` seconds (longer for a large tree, see
    next_sample_in) until stopped; ``peak`` is the largest."""

    def __init__(self, pid: int, every: float = SAMPLE_EVERY, proc: Path = PROC):
        super().__init__(daemon=True)
        self.pid, self.every, self.proc = pid, every, proc
        self.peak = 0
        self.samples = 0
        self.longest_wait = 0.0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while True:
            cpu = time.thread_time()
            self.peak = max(self.peak, tree_pss_kib(self.pid, self.proc))
            self.samples += 1
            wait = next_sample_in(self.every, time.thread_time() - cpu)
            self.longest_wait = max(self.longest_wait, wait)
            if self._stop_event.wait(wait):
                return

    def stop(self) -> int:
        self._stop_event.set()
        self.join()
        return self.peak


def run(g: Gen) -> tuple[float, int, str, int, int, int]:
    """(seconds, peak RSS in KiB, error or "", html pages, files written, peak total PSS in KiB)
    of one build."""
    before = snapshot(g.out)
    t0 = time.perf_counter()
    p = subprocess.Popen(g.cmd(), cwd=g.cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    mem = TreeMemory(p.pid)
    mem.start()
    # read output while waiting (a full pipe would block the child)
    timer = threading.Timer(TIMEOUT[0], p.kill)
    timer.start()
    data = p.stdout.read()
    # the last samples are taken while the build exits: stop before reaping it (its pid stays
    # ours, not reused by another process, until os.wait4 returns)
    os.waitid(os.P_PID, p.pid, os.WEXITED | os.WNOWAIT)
    pss = mem.stop()
    _pid, status, ru = os.wait4(p.pid, 0)
    timer.cancel()
    secs = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    text = data.decode("utf-8", "replace")
    err = ""
    if p.returncode != 0:
        tail = [ln for ln in text.splitlines() if ln.strip()][-3:]
        err = f"exit {p.returncode}: " + " | ".join(tail)
    after = snapshot(g.out)
    html = sum(1 for k in after if k.endswith(".html"))
    written = sum(1 for k, m in after.items() if before.get(k) != m)
    return secs, ru.ru_maxrss, err, html, written, pss


LAST_RM = [0.0]           # wall time of the last mass deletion (also left for the next run)
RM_MARK = ".last-rm"      # in --work: when the previous run emptied its trash


def let_deletions_age() -> None:
    """Wait until files deleted by a real rm -rf no longer slow down creating new ones."""
    if LAST_RM[0]:
        os.sync()
        time.sleep(max(0.0, LAST_RM[0] + RM_PAUSE - time.time()))
        LAST_RM[0] = 0.0


def measure(g: Gen, corpus_dir: Path, slug: str, repeat: int, clean_repeat: int,
            edit_no: list[int], after_rm: bool = False) -> dict:
    res: dict = {"name": g.name}
    peak = peak_pss = 0

    def best(kind, prep=None, times=repeat):
        nonlocal peak, peak_pss
        runs = []
        for _ in range(times):
            if prep:
                prep()
            secs, rss, err, html, written, pss = run(g)
            peak = max(peak, rss)
            peak_pss = max(peak_pss, pss)
            if err:
                res[kind] = None
                res.setdefault("errors", []).append(f"{kind}: {err}")
                return False
            runs.append((secs, html, written))
        res[kind] = min(runs)
        return True

    let_deletions_age()
    ok = best("clean", g.clean, clean_repeat)
    if ok:
        best("noop")

        def edit():
            corpus.append_sentence(corpus_dir, slug, edit_no[0])
            edit_no[0] += 1
        best("edit", edit)
    if ok and after_rm:
        g.delete = True
        try:
            best("clean_rm", g.clean, 1)
        finally:
            g.delete = False
            LAST_RM[0] = time.time()
    res["peak_mb"] = peak / 1024 if peak else None
    res["pss_mb"] = peak_pss / 1024 if peak_pss else None
    return res


def merge(old: dict | None, new: dict) -> dict:
    """Two measurements of one generator: the best time of each kind, the largest peak."""
    if old is None:
        return new
    out = dict(old)
    for kind in ("clean", "noop", "edit", "clean_rm"):
        runs = [r for r in (old.get(kind), new.get(kind)) if r]
        out[kind] = min(runs) if runs else None
    for key in ("peak_mb", "pss_mb"):
        out[key] = max(x for x in (old.get(key), new.get(key), 0) if x is not None) or None
    out["errors"] = old.get("errors", []) + new.get("errors", [])
    return out


def fmt_time(r):
    return "n/a" if not r else f"{r[0]:.2f} s"


def table(n: int, results: list[dict]) -> str:
    lines = [f"N = {n:,} articles ({2 * n:,} article pages)", "",
             "| generator | clean build | no-op rebuild | one edit | peak MB | peak total MB (PSS) | HTML pages | files written (clean / no-op / edit) | clean after rm -rf |",
             "|---|---:|---:|---:|---:|---:|---:|---|---:|"]
    for r in results:
        pages = r["clean"][1] if r.get("clean") else "n/a"
        written = " / ".join(str(r[k][2]) if r.get(k) else "n/a" for k in ("clean", "noop", "edit"))
        peak = f"{r['peak_mb']:.0f}" if r.get("peak_mb") else "n/a"
        pss = f"{r['pss_mb']:.0f}" if r.get("pss_mb") else "n/a"
        lines.append(f"| {r['name']} | {fmt_time(r.get('clean'))} | {fmt_time(r.get('noop'))} | "
                     f"{fmt_time(r.get('edit'))} | {peak} | {pss} | {pages} | {written} | {fmt_time(r.get('clean_rm'))} |")
    return "\n".join(lines)


KINDS = (("clean", "clean build"), ("noop", "no-op rebuild"), ("edit", "one edit"),
         ("clean_rm", "clean after rm -rf"))


def growth(by_n: dict[int, list[dict]]) -> str:
    """Seconds per 1,000 articles of each generator and kind at each N, with the ratio to the
    smallest N where it has a figure (1.00 = linear growth; below 1, a fixed cost such as
    start-up is spread over more articles; above 1, the cost per article grows with the site);
    then peak total memory (PSS) as it is, with its ratio to the smallest N. "" with fewer
    than two N."""
    ns = sorted(by_n)
    if len(ns) < 2:
        return ""
    lines = ["Growth: seconds per 1,000 articles (ratio to the smallest N in brackets; 1.00 = linear)", "",
             "| generator | kind | " + " | ".join(f"N = {n:,}" for n in ns) + " |",
             "|---|---|" + "---:|" * len(ns)]
    names: list[str] = []
    for n in ns:
        names += [r["name"] for r in by_n[n] if r["name"] not in names]
    for name in names:
        rows = {n: next((r for r in by_n[n] if r["name"] == name), {}) for n in ns}
        for kind, label in KINDS + (("pss_mb", "peak total MB (PSS)"),):
            vals = {n: rows[n][kind] for n in ns if rows[n].get(kind)}
            if kind == "pss_mb":        # memory as it is: a fixed base would hide growth per 1,000
                shown = {n: (v, f"{v:.0f} MB") for n, v in vals.items()}
            else:
                shown = {n: (v[0] / (n / 1000), f"{v[0] / (n / 1000):.2f} s") for n, v in vals.items()}
            if not shown:
                continue
            base = shown[min(shown)][0]
            cells = [f"{shown[n][1]} ({shown[n][0] / base:.2f})" if n in shown else "n/a" for n in ns]
            lines.append(f"| {name} | {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def versions() -> str:
    out = []
    try:
        out.append(subprocess.run([str(HUGO), "version"], capture_output=True, text=True).stdout.split()[1])
    except Exception:
        out.append("hugo ?")
    try:
        out.append("Pelican " + subprocess.run([str(PELICAN), "--version"], capture_output=True,
                                               text=True).stdout.strip())
    except Exception:
        out.append("Pelican ?")
    out.append(f"Python {platform.python_version()}, {os.cpu_count()} CPUs")
    return "Hugo " + ", ".join(out)


def compile_bytecode() -> None:
    """Compile this project's modules to bytecode, as ./make.sh does and as pip does for the
    peers' installed packages: an editable install is otherwise compiled again by every fresh
    process wherever bytecode is not written (PYTHONDONTWRITEBYTECODE), about 0.1 s of each."""
    subprocess.run([str(PY), "-m", "compileall", "-q", str(ROOT / "digest")], check=True,
                   stdout=subprocess.DEVNULL)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, nargs="+", default=[1000, 5000])
    ap.add_argument("--only", nargs="+", choices=sorted(GENS), default=["digest", "hugo", "pelican"])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--clean-repeat", type=int, default=1, help="clean builds per generator (best of)")
    ap.add_argument("--rounds", type=int, default=1,
                    help="measure every generator this many times, taking turns (the order rotates "
                         "each round), and keep each figure's best: a machine that speeds up or "
                         "slows down then affects all generators alike")
    ap.add_argument("--no-rm", action="store_true",
                    help="skip the \"clean after rm -rf\" measurement (and its pauses)")
    ap.add_argument("--timeout", type=float, default=1800, help="seconds before one build is killed")
    ap.add_argument("--model", default=MODEL[0], help="zh->en model for this project's build "
                    "(default: $DIGEST_MODEL, else the cached model that build.py fetch-model puts in the cache)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "ssg-bench")
    ap.add_argument("--keep", action="store_true", help="reuse an existing corpus of the same N")
    a = ap.parse_args(argv)

    TIMEOUT[0] = a.timeout
    WORK[0] = a.work
    try:
        LAST_RM[0] = float((a.work / RM_MARK).read_text())
    except (OSError, ValueError):
        pass
    if (a.work / "trash").exists():        # left by an interrupted run
        shutil.rmtree(a.work / "trash", ignore_errors=True)
        LAST_RM[0] = time.time()
    MODEL[0] = a.model
    print(versions(), flush=True)
    compile_bytecode()
    tables = []
    by_n: dict[int, list[dict]] = {}
    for n in a.n:
        cdir = a.work / f"n{n}"
        if not (a.keep and (cdir / "content").is_dir()):
            t0 = time.perf_counter()
            existed = cdir.exists()
            corpus.make_corpus(cdir, n, a.seed)
            if existed:                         # the old corpus and outputs were deleted
                LAST_RM[0] = time.time()
            print(f"corpus N={n}: {time.perf_counter() - t0:.1f} s -> {cdir}", flush=True)
        slug = f"news-{int(n * EDIT_SLUG_INDEX):05d}"
        best: dict[str, dict] = {}
        edit_no = [0]
        for rnd in range(a.rounds):
            order = a.only[rnd % len(a.only):] + a.only[:rnd % len(a.only)]
            for key in order:
                g = GENS[key](cdir)
                t0 = time.perf_counter()
                r = measure(g, cdir, slug, a.repeat, a.clean_repeat, edit_no,
                            after_rm=rnd == a.rounds - 1 and not a.no_rm)
                print(f"  {g.name}: done in {time.perf_counter() - t0:.0f} s"
                      + (f" (round {rnd + 1})" if a.rounds > 1 else ""), flush=True)
                for e in r.get("errors", []):
                    print(f"    {g.name} failed: {e[:400]}", flush=True)
                best[key] = merge(best.get(key), r)
                # this run's row at once: a long run (N = 20,000) stopped later keeps it
                print("    " + table(n, [r]).splitlines()[-1], flush=True)
        results = [best[key] for key in a.only]
        by_n[n] = results
        tables.append(table(n, results))
        print("\n" + tables[-1] + "\n", flush=True)
    rounds = f" in each of {a.rounds} rounds taken in turns" if a.rounds > 1 else ""
    print(f"Wall seconds of fresh processes: clean build best of {a.clean_repeat}{rounds} (output and caches "
          f"moved aside first; \"clean after rm -rf\": deleted just before, once, in the last round), no-op and one edit best of {a.repeat}{rounds}; one edit = one sentence appended to one article's Chinese and English). "
          f"Peak MB = max RSS of one process over all runs; peak total MB = max over all runs of the "
          f"process tree's summed PSS, sampled every {SAMPLE_EVERY * 1000:.0f} ms (or {SAMPLE_COST_RATIO} times "
          f"the CPU time a sample takes, if longer). {versions()}.")
    print("\n\n".join(tables))
    if len(by_n) > 1:
        print("\n" + growth(by_n))
    return 0


WORK: list[Path | None] = [None]


def empty_trash() -> None:
    """Delete what the run moved aside, noting when (the next run waits for it to age)."""
    for p in TRASH:
        shutil.rmtree(p, ignore_errors=True)
    if TRASH and WORK[0] is not None:
        (WORK[0] / RM_MARK).write_text(repr(time.time()))


if __name__ == "__main__":
    try:
        sys.exit(main())
    finally:
        empty_trash()
