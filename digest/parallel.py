"""Large builds on every core: a map over forked worker processes.

A clean build of a large site spends its time in pure, independent work per
article or page (jieba segmentation for keywords, Jinja2 rendering). Worker
processes are forked, so they start with the build's data already in memory:
only the item indexes go to them and only the results (keywords, page bytes)
come back. Small jobs (an incremental rebuild), builds outside the main thread
(``watch`` and ``serve`` build in a thread, where forking is unsafe) and
platforms without ``fork`` run in this process, with the same results in the
same order: the output never depends on how the work was split.
"""
from __future__ import annotations

import multiprocessing
import os
import threading
from typing import Callable, Iterator, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")

MIN_ITEMS = 64            # fewer items: not worth starting processes
_job: tuple[Callable, Sequence] | None = None


def workers() -> int:
    try:
        n = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        n = os.cpu_count() or 1
    return max(1, min(n, 8))


def _can_fork() -> bool:
    return ("fork" in multiprocessing.get_all_start_methods()
            and threading.current_thread() is threading.main_thread()
            and not os.environ.get("DIGEST_SERIAL"))


def _run(bounds: tuple[int, int]) -> list:
    func, items = _job
    return [func(items[i]) for i in range(*bounds)]


def imap_chunks(func: Callable[[T], R], items: Sequence[T], *, min_items: int | None = None
                ) -> Iterator[list[R]]:
    """``func`` over ``items``, yielding the results chunk by chunk, in order."""
    global _job
    n = workers()
    if len(items) < (MIN_ITEMS if min_items is None else min_items) or n < 2 or not _can_fork():
        size = 64
        for i in range(0, len(items), size):
            yield [func(x) for x in items[i:i + size]]
        return
    size = max(1, min(256, len(items) // (n * 4) or 1))
    bounds = [(i, min(i + size, len(items))) for i in range(0, len(items), size)]
    _job = (func, items)
    try:
        with multiprocessing.get_context("fork").Pool(n) as pool:
            yield from pool.imap(_run, bounds)
    finally:
        _job = None


def map_cores(func: Callable[[T], R], items: Sequence[T], *, min_items: int | None = None) -> list[R]:
    """``[func(x) for x in items]``, on every core when there is enough work."""
    out: list[R] = []
    for chunk in imap_chunks(func, items, min_items=min_items):
        out += chunk
    return out
