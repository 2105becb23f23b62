"""One build of a site at a time: an advisory lock on a file beside ``output/``.

``build``, ``watch``/``serve`` rebuilds and ``check`` take ``.output.lock`` (named after
the output folder) with ``fcntl.flock`` before they read or write the build state,
content/ or output/. A second build waits for the first, saying so, up to
``--wait`` seconds (default 600; 0: give up at once), then stops with a clear error and
exit status 1. The kernel releases the lock when its process ends, however it ends
(a SIGKILL included), so a stale lock never blocks: the lock file itself is left in
place (deleting it would let two processes lock two different files).
"""
from __future__ import annotations

import errno
import os
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from .errors import BuildError

try:
    import fcntl
except ImportError:            # not a POSIX system: no lock (builds there are not guarded)
    fcntl = None

DEFAULT_WAIT = 600.0           # seconds
POLL = 0.2


def lock_path(output_dir: Path) -> Path:
    out = Path(output_dir)
    return out.parent / f".{out.name}.lock"


def _holder(fd: int) -> str:
    try:
        text = os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
    except OSError:
        return ""
    return f" ({text})" if text else ""


@contextmanager
def site_lock(output_dir: Path, wait: float = DEFAULT_WAIT,
              say: Callable[[str], None] = lambda m: None,
              clock: Callable[[], float] = time.monotonic) -> Iterator[None]:
    """Hold the site's lock for the block; wait up to ``wait`` seconds for another holder."""
    if fcntl is None:
        yield
        return
    path = lock_path(output_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        deadline = None
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as e:
                if e.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    raise
            now = clock()
            if deadline is None:
                deadline = now + max(0.0, wait)
                if wait > 0:
                    say(f"another build of {output_dir} is running{_holder(fd)}; "
                        f"waiting for it (up to {wait:g} s, --wait)")
            if now >= deadline:
                raise BuildError(f"another build of {output_dir} is running{_holder(fd)}; "
                                 + (f"gave up after waiting {wait:g} s (--wait)" if wait > 0
                                    else "not waiting (--wait 0)"),
                                 path=path)
            time.sleep(POLL)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()}, since {time.strftime('%H:%M:%S')}".encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
