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


def _waits_for_the_last(x, marker=None):
    """Item 0 holds its worker until the last item is done (the file ``marker``)."""
    import time
    if x == 0:
        deadline = time.monotonic() + 60
        while not os.path.exists(marker) and time.monotonic() < deadline:
            time.sleep(0.01)
    if x == 399:
        open(marker, "w").close()
    return os.getpid(), x


def test_a_worker_held_up_takes_no_more_chunks_while_the_other_takes_them_all(monkeypatch, tmp_path):
    # chunks go to whichever worker is free: while one is held on item 0 (until item 399 is
    # done), the other takes every other chunk (with chunks dealt out in turn, each did half)
    import functools
    monkeypatch.setattr(parallel, "workers", lambda: 2)
    out = parallel.map_cores(functools.partial(_waits_for_the_last, marker=str(tmp_path / "done")),
                             list(range(400)), min_items=1)
    assert [x for _, x in out] == list(range(400))
    held = out[0][0]
    assert held != os.getpid() and sum(pid == held for pid, _ in out) == 50     # its chunk only


def _dies_on_7(x):
    if x == 7:
        os._exit(3)
    return x


def test_a_worker_that_dies_is_an_error_not_a_hang(monkeypatch):
    monkeypatch.setattr(parallel, "workers", lambda: 2)
    with pytest.raises(RuntimeError, match="died without an answer"):
        parallel.map_cores(_dies_on_7, list(range(100)), min_items=1)


def test_more_items_than_chunk_numbers_fit_in_a_pipe_page(monkeypatch):
    monkeypatch.setattr(parallel, "workers", lambda: 2)
    monkeypatch.setattr(parallel, "MAX_CHUNKS", 8)
    assert parallel.map_cores(_fails_on_7, list(range(8, 3000)), min_items=1) == list(range(8, 3000))
