"""bench/ssg_compare.py: the process tree's total memory (sum of PSS) and the growth table."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

import ssg_compare as sc  # noqa: E402

MB = 1024  # KiB
LINUX_PROC = Path("/proc/self/smaps_rollup").exists()


def fake_proc(tmp_path: Path, procs: dict[int, tuple[int, dict[str, list[int]]]]) -> Path:
    """A /proc with, per pid, its Pss (KiB) and the children of each of its threads."""
    for pid, (pss, tasks) in procs.items():
        d = tmp_path / str(pid)
        (d / "task").mkdir(parents=True)
        (d / "smaps_rollup").write_text(
            f"5600-7ff0 ---p 00000000 00:00 0  [rollup]\nRss: {pss * 3} kB\nPss: {pss} kB\n"
            f"Pss_Anon: {pss} kB\n")
        for tid, kids in tasks.items():
            (d / "task" / tid).mkdir()
            (d / "task" / tid / "children").write_text(" ".join(map(str, kids)) + (" " if kids else ""))
    return tmp_path


def test_tree_sums_pss_of_descendants_of_every_thread(tmp_path):
    proc = fake_proc(tmp_path, {
        100: (1000, {"100": [101], "107": [102]}),   # a child forked by another thread too
        101: (200, {"101": [103]}),                  # a grandchild
        102: (300, {"102": []}),
        103: (40, {"103": []}),
        999: (5000, {"999": []}),                    # not in the tree
    })
    assert sc.process_tree(100, proc) == [100, 101, 102, 103]
    assert sc.tree_pss_kib(100, proc) == 1540
    assert sc.tree_pss_kib(101, proc) == 240


def test_gone_processes_count_zero(tmp_path):
    # 104 is listed as a child but exited before it was read; 105 is a zombie (empty rollup)
    proc = fake_proc(tmp_path, {100: (1000, {"100": [104, 105]}), 105: (0, {"105": []})})
    (proc / "105" / "smaps_rollup").write_text("")
    assert sc.tree_pss_kib(100, proc) == 1000
    assert sc.tree_pss_kib(104, proc) == 0
    assert sc.process_tree(104, proc) == [104]


HOLD = r"""
import os, sys
mb = int(sys.argv[1])
buf = bytearray(mb << 20)
for i in range(0, len(buf), 4096):
    buf[i] = 1
if sys.argv[2] == "fork" and os.fork() == 0:
    sys.stdin.read()
    os._exit(0)
print("ready", flush=True)
sys.stdin.read()
"""


def hold(mb: int, fork: bool) -> subprocess.Popen:
    p = subprocess.Popen([sys.executable, "-c", HOLD, str(mb), "fork" if fork else "no"],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert p.stdout.readline() == "ready\n"
    return p


def release(p: subprocess.Popen) -> None:
    p.stdin.close()
    p.wait(timeout=30)


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


@pytest.mark.skipif(not LINUX_PROC, reason="needs Linux /proc/PID/smaps_rollup")
def test_copy_on_write_pages_count_once():
    # 64 MB written before a fork: both processes map them (RSS counts them twice), the tree's
    # PSS once; the largest single process's RSS misses nothing here, the sum of RSS overcounts
    p = hold(64, fork=True)
    try:
        tree = sc.process_tree(p.pid)
        assert len(tree) == 2
        total = sc.tree_pss_kib(p.pid)
        rss = sum(rss_kib(x) for x in tree)
        assert total >= 64 * MB
        assert rss - total >= 50 * MB
    finally:
        release(p)


@pytest.mark.skipif(not LINUX_PROC, reason="needs Linux /proc/PID/smaps_rollup")
def test_sampler_sees_a_childs_memory():
    # a child holding 64 MB of its own: the tree under this test process holds it, the test
    # process alone does not
    p = hold(64, fork=False)
    try:
        mem = sc.TreeMemory(os.getpid(), every=0.01)
        mem.start()
        while mem.samples < 2:
            time.sleep(0.01)
        peak = mem.stop()
        assert peak - sc.pss_kib(os.getpid()) >= 60 * MB
    finally:
        release(p)


def result(name, clean, edit, pss):
    return {"name": name, "clean": (clean, 10, 10), "noop": None, "edit": (edit, 10, 4), "pss_mb": pss}


def rows(text: str) -> dict[tuple[str, str], list[str]]:
    out = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) > 2 and not line.startswith("|---") and cells[0] != "generator":
            out[(cells[0], cells[1])] = cells[2:]
    return out


def test_growth_per_thousand_and_ratio():
    g = rows(sc.growth({
        1000: [result("digest", 5.0, 0.5, 400.0), result("Hugo", 1.0, 1.2, 300.0)],
        5000: [result("digest", 25.0, 0.5, 800.0), result("Hugo", 25.0, 6.0, 300.0)],
        20000: [result("digest", 100.0, 1.0, 1600.0)],          # Hugo timed out at 20,000
    }))
    assert g[("digest", "clean build")] == ["5.00 s (1.00)", "5.00 s (1.00)", "5.00 s (1.00)"]
    assert g[("digest", "one edit")] == ["0.50 s (1.00)", "0.10 s (0.20)", "0.05 s (0.10)"]
    assert g[("Hugo", "clean build")] == ["1.00 s (1.00)", "5.00 s (5.00)", "n/a"]
    assert g[("digest", "peak total MB (PSS)")] == ["400 MB (1.00)", "800 MB (2.00)", "1600 MB (4.00)"]
    assert ("digest", "no-op rebuild") not in g                # no figure at any N


def test_growth_needs_two_sizes():
    assert sc.growth({1000: [result("digest", 5.0, 0.5, 400.0)]}) == ""


def test_table_has_the_pss_column():
    t = sc.table(1000, [result("digest", 5.0, 0.5, 431.4) | {"peak_mb": 350.0}])
    head, _sep, row = t.splitlines()[2:5]
    assert "peak total MB (PSS)" in head
    cells = dict(zip(head.strip("|").split("|"), row.strip("|").split("|")))
    assert cells[" peak total MB (PSS) "].strip() == "431"
    assert cells[" peak MB "].strip() == "350"


def test_sampling_slows_down_for_a_costly_tree():
    # a small tree is sampled every 50 ms; one whose sample took 90 ms of CPU every 1.8 s
    assert sc.next_sample_in(0.05, 0.001) == 0.05
    assert sc.next_sample_in(0.05, 0.09) == pytest.approx(1.8)
    assert sc.next_sample_in(0.05, 0.09, ratio=10) == pytest.approx(0.9)
