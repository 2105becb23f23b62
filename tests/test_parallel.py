"""digest.parallel: the same results in the same order however the work is split."""
from __future__ import annotations

import os
import threading

import pytest

from digest import parallel
from digest.errors import BuildError

DATA = {"offset": 1000}          # workers are forked: they see the parent's data without pickling it


def _pid_and_value(x):
    return os.getpid(), x + DATA["offset"]


def test_forked_map_keeps_order_and_uses_other_processes(monkeypatch):
    monkeypatch.setattr(parallel, "workers", lambda: 2)
    out = parallel.map_cores(_pid_and_value, list(range(500)), min_items=1)
    assert [v for _, v in out] == [x + 1000 for x in range(500)]
    assert {pid for pid, _ in out} - {os.getpid()}, "nothing ran in a worker"


def test_small_jobs_and_threads_stay_in_this_process(monkeypatch):
    monkeypatch.setattr(parallel, "workers", lambda: 2)
    assert {p for p, _ in parallel.map_cores(_pid_and_value, [1, 2, 3])} == {os.getpid()}
    got = []
    t = threading.Thread(target=lambda: got.extend(parallel.map_cores(_pid_and_value, list(range(200)), min_items=1)))
    t.start()
    t.join()
    assert {p for p, _ in got} == {os.getpid()} and len(got) == 200


def _fails_on_7(x):
    if x == 7:
        raise BuildError("bad item", path="content/x.zh.md", line=3)
    return x


def test_a_worker_error_reaches_the_caller_with_its_file_and_line(monkeypatch):
    monkeypatch.setattr(parallel, "workers", lambda: 2)
    with pytest.raises(BuildError) as e:
        parallel.map_cores(_fails_on_7, list(range(100)), min_items=1)
    assert str(e.value) == "content/x.zh.md:3: error: bad item"
