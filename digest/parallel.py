"""Large builds on every core: a map over forked worker processes.

A clean build of a large site spends its time in pure, independent work per
article or page (jieba segmentation for keywords, Jinja2 rendering). Worker
processes are forked, so they start with the build's data already in memory:
only the results (keywords, page bytes) come back, each worker on its own pipe.
Small jobs (an incremental rebuild), builds outside the main thread (``watch``
and ``serve`` build in a thread, where forking is unsafe), ``DIGEST_SERIAL=1``
and platforms without ``fork`` run in this process, with the same results in the
same order: the output never depends on how the work was split.

Ctrl-C: workers ignore SIGINT (a terminal sends it to the whole process group)
and leave it to the parent, which kills its workers and reaps them before the
KeyboardInterrupt goes on; nothing waits on a worker that may never answer.
(``multiprocessing.Pool`` was used before: about one Ctrl-C in seven hung for
ever in ``Pool.terminate``, whose result-handler thread waited on a message a
dying worker had half written; issue 17.)
"""
from __future__ import annotations

import os
import pickle
import signal
import threading
from typing import TYPE_CHECKING, Callable, Iterator, Sequence, TypeVar

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
# (multiprocessing itself is imported when workers start: a small job never needs it)

T = TypeVar("T")
R = TypeVar("R")

MIN_ITEMS = 64            # fewer items: not worth starting processes
MAX_CHUNKS = 1024         # their numbers (4 bytes each) fit in the one page any pipe holds


def workers() -> int:
    try:
        n = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        n = os.cpu_count() or 1
    return max(1, min(n, 8))


def _can_fork() -> bool:
    import multiprocessing
    return ("fork" in multiprocessing.get_all_start_methods()
            and threading.current_thread() is threading.main_thread()
            and not os.environ.get("DIGEST_SERIAL"))


def imap_chunks(func: Callable[[T], R], items: Sequence[T], *, min_items: int | None = None
                ) -> Iterator[list[R]]:
    """``func`` over ``items``, yielding the results chunk by chunk, in order."""
    n = workers()
    if len(items) < (MIN_ITEMS if min_items is None else min_items) or n < 2 or not _can_fork():
        size = 64
        for i in range(0, len(items), size):
            yield [func(x) for x in items[i:i + size]]
        return
    size = max(1, min(256, len(items) // (n * 4) or 1), -(-len(items) // MAX_CHUNKS))
    bounds = [(i, min(i + size, len(items))) for i in range(0, len(items), size)]
    yield from _forked(func, items, bounds, min(n, len(bounds)))


def _forked(func: Callable, items: Sequence, bounds: list[tuple[int, int]], n: int) -> Iterator[list]:
    """Each worker takes the next chunk not yet taken (a 4-byte chunk number read from a pipe
    they share, written whole before the fork: a read of 4 bytes from a pipe is never split),
    so a worker with slower chunks (the EPUB, long articles) takes fewer and no core waits
    while the other has work left; the chunks are yielded in order."""
    import multiprocessing
    from multiprocessing.connection import wait
    children: list[tuple[int, Connection]] = []
    take_r, take_w = os.pipe()
    try:
        order = b"".join(k.to_bytes(4, "little") for k in range(len(bounds)))
        assert len(order) <= 4 * MAX_CHUNKS          # (written at once: no reader yet)
        os.write(take_w, order)
        os.close(take_w)                # (all written: an empty pipe is then the end of the work)
        take_w = -1
        for w in range(n):
            reader, writer = multiprocessing.Pipe(duplex=False)
            # SIGINT blocked across the fork: a Ctrl-C now reaches the parent once the child
            # is on the list (so it is killed), and the child only after it ignores SIGINT
            mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
            try:
                pid = os.fork()
                if pid == 0:
                    _worker(func, items, bounds, take_r, reader, writer, mask)     # never returns
                children.append((pid, reader))
            finally:
                signal.pthread_sigmask(signal.SIG_SETMASK, mask)
                writer.close()
        os.close(take_r)
        take_r = -1
        live = {conn: pid for pid, conn in children}
        done: dict[int, tuple[bool, object]] = {}
        for k in range(len(bounds)):
            while k not in done:
                if not live:
                    raise RuntimeError("the worker processes stopped before all the work was done")
                for conn in wait(list(live)):
                    try:
                        answer = conn.recv()
                    except EOFError:
                        raise RuntimeError(f"a worker process (pid {live[conn]}) died without an answer") from None
                    if answer is None:              # that worker has nothing more to do
                        del live[conn]
                    else:
                        done[answer[0]] = answer[1:]
            ok, value = done.pop(k)
            if not ok:
                raise value
            yield value
    finally:
        for fd in (take_r, take_w):
            if fd >= 0:
                os.close(fd)
        _reap(children)


def _reap(children: list[tuple[int, Connection]]) -> None:
    """Kill and reap every worker (done or not), with Ctrl-C held back until that is over."""
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        for pid, conn in children:
            conn.close()
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        for pid, _ in children:
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)


def _worker(func: Callable, items: Sequence, bounds: list[tuple[int, int]], take: int, reader: Connection,
            writer: Connection, mask) -> None:
    """A forked worker: take chunk numbers from ``take`` until there are none; send (k, True,
    results) per chunk, or (k, False, exception) and stop; then None."""
    code = 1
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        reader.close()
        while True:
            got = os.read(take, 4)
            if len(got) < 4:
                break
            k = int.from_bytes(got, "little")
            lo, hi = bounds[k]
            try:
                answer = (k, True, [func(items[i]) for i in range(lo, hi)])
            except BaseException as e:                    # noqa: BLE001 (it goes to the parent)
                answer = (k, False, e)
            try:
                writer.send(answer)
            except (pickle.PicklingError, TypeError, AttributeError) as e:
                writer.send((k, False, RuntimeError(f"a worker's result cannot be sent back: {e}")))
                break
            if not answer[1]:
                break
        writer.send(None)
        code = 0
    finally:
        os._exit(code)


def map_cores(func: Callable[[T], R], items: Sequence[T], *, min_items: int | None = None) -> list[R]:
    """``[func(x) for x in items]``, on every core when there is enough work."""
    out: list[R] = []
    for chunk in imap_chunks(func, items, min_items=min_items):
        out += chunk
    return out
