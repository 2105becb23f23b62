"""``watch``: rebuild whenever an input changes.

:class:`Watcher` turns file-system events (watchdog) into rebuilds: events go into a
queue, a burst is coalesced (debounce), editor temp files, the translation memory,
output/ and dot-folders are ignored, and a failed build is reported on the console
without stopping the loop. ``serve`` (digest/serve.py) runs the same watcher beside its
HTTP server.
"""
from __future__ import annotations

import os
import queue
import sys
import threading
import time
import traceback
from pathlib import Path
from typing import Callable

from .errors import DigestError, Reporter
from .settings import Settings

DEBOUNCE = 0.3

# ---------------------------------------------------------------- what to watch

_TEMP_SUFFIXES = (
    "~", ".swp", ".swo", ".swx", ".swpx", ".tmp", ".temp", ".bak", ".part", ".crdownload",
    ".digest-tmp", ".kate-swp", ".orig", ".rej",
    ".sqlite", ".sqlite3", ".sqlite3-journal", ".sqlite3-wal", ".sqlite3-shm",
    "-journal", "-wal", "-shm", ".db",
)
_TEMP_NAMES = {"4913", ".DS_Store", "Thumbs.db"}   # 4913: vim's write test file


def is_temp_name(name: str) -> bool:
    """Editor swap/backup files, lock files, SQLite side files: never a reason to rebuild."""
    if not name or name in _TEMP_NAMES:
        return True
    if name.startswith((".", "#")) or name.endswith("#"):      # dot-files, emacs autosave/locks
        return True
    return name.lower().endswith(_TEMP_SUFFIXES)


def watched_roots(settings: Settings) -> list[Path]:
    """The folders whose content is input to the build (the glossary lives in content/)."""
    roots = [settings.seeds_dir, settings.content_dir, settings.theme_dir,
             settings.glossary_path.parent]
    seen: list[Path] = []
    for r in roots:
        r = Path(os.path.abspath(r))
        if r not in seen:
            seen.append(r)
    return seen


def is_relevant(path: str | os.PathLike, settings: Settings) -> bool:
    """Does a change at ``path`` call for a rebuild?"""
    if not path:
        return False
    p = Path(os.path.abspath(os.fsdecode(path)))
    if is_temp_name(p.name):
        return False
    ignored = [settings.output_dir, settings.state_path, settings.tm_path]
    out = Path(os.path.abspath(settings.output_dir))
    ignored += [out.parent / f".{out.name}.staging", out.parent / f".{out.name}.old"]
    for ig in ignored:
        ig = Path(os.path.abspath(ig))
        if p == ig or p.is_relative_to(ig):
            return False
    for root in watched_roots(settings):
        if p == root or p.is_relative_to(root):
            rel = p.relative_to(root).parts
            if any(part.startswith(".") for part in rel):      # dot-folders (.git, caches)
                return False
            return True
    return p == Path(os.path.abspath(settings.glossary_path))


def snapshot(settings: Settings) -> tuple:
    """Sizes and times of every watched file: equal snapshots mean nothing to rebuild."""
    from .state import tree_stat
    skip = _TEMP_SUFFIXES
    g = settings.glossary_path
    try:
        gst = os.stat(g)
        glossary = (gst.st_size, gst.st_mtime_ns)
    except OSError:
        glossary = None
    def ident(r: Path):
        try:
            return os.stat(r).st_ino
        except OSError:
            return None
    return tuple((str(r), ident(r), tuple(tree_stat(r, skip_suffixes=skip)))
                 for r in watched_roots(settings)) + (glossary,)


# ---------------------------------------------------------------- the rebuild loop

def run_build(settings: Settings, reporter: Reporter) -> object | None:
    """One build; errors are printed (one line, traceback only with --debug), never raised.

    Returns the BuildResult, or None if the build failed.
    """
    from . import site
    try:
        result = site.build(settings, reporter)
    except DigestError as e:
        if settings.debug:
            traceback.print_exc()
        reporter.report(e)
        print("build failed: previous output/ kept; waiting for changes", file=sys.stderr, flush=True)
        return None
    except Exception as e:      # a bug or an unexpected input: keep watching
        if settings.debug:
            traceback.print_exc()
        msg = str(e).splitlines()[0] if str(e) else ""
        print(f"error: build failed: {type(e).__name__}: {msg}", file=sys.stderr, flush=True)
        print("build failed: previous output/ kept; waiting for changes"
              + ("" if settings.debug else " (--debug shows the traceback)"), file=sys.stderr, flush=True)
        return None
    return result


class Watcher:
    """Coalesces file events into rebuilds.

    ``notify(path)`` (called from watchdog's thread, or directly by tests) queues
    relevant paths; ``run(stop_event)`` waits for an event, then for ``debounce``
    seconds of quiet, and calls ``build()``; ``on_rebuild(result)`` is called after
    every build (result is None when the build failed). A batch of events after
    which the watched files are exactly as the last build saw them is dropped.
    """

    def __init__(self, settings: Settings, reporter: Reporter, *,
                 build: Callable[[], object] | None = None,
                 on_rebuild: Callable[[object], None] | None = None,
                 debounce: float = DEBOUNCE, max_wait: float = 5.0):
        self.settings = settings
        self.reporter = reporter
        self.build = build or (lambda: run_build(settings, reporter))
        self.on_rebuild = on_rebuild
        self.debounce = debounce
        self.max_wait = max_wait            # rebuild at the latest this long after a burst began
        self.events: queue.Queue = queue.Queue()
        self.builds = 0
        self.building = False
        self._built_snapshot: tuple | None = None
        self._observer = None
        self._scheduled: dict[tuple[Path, bool], tuple[object, int]] = {}   # -> (watch, inode)
        self.last_diagnostics: list = []    # what the last build reported (errors and warnings)

    # -- events
    def notify(self, *paths) -> None:
        for p in paths:
            if p and is_relevant(p, self.settings):
                self.events.put(os.fsdecode(p))
                return

    def _wait_quiet(self, stop_event: threading.Event) -> list[str]:
        """After a first event: collect further ones until ``debounce`` seconds pass without any."""
        batch: list[str] = []
        started = time.monotonic()
        while not stop_event.is_set():
            try:
                batch.append(self.events.get(timeout=self.debounce))
            except queue.Empty:
                return batch
            if time.monotonic() - started > self.max_wait:
                return batch
        return batch

    def rebuild(self) -> object:
        """Build now (remembering what the build started from) and report."""
        self._built_snapshot = snapshot(self.settings)
        self.building = True
        first = len(self.reporter.diagnostics)
        try:
            result = self.build()
        finally:
            self.building = False
        self.builds += 1
        self.last_diagnostics = list(self.reporter.diagnostics[first:])
        if result is None and not any(d.level == "error" for d in self.last_diagnostics):
            from .errors import Diagnostic
            self.last_diagnostics.append(Diagnostic("build", None, "error",
                                                    "the build failed (see the console); previous output/ kept"))
        if result is None:
            self._built_snapshot = None        # a failed build: rebuild on the next event
        self._ensure_watches()
        if self.on_rebuild is not None:
            self.on_rebuild(result)
        return result

    def run(self, stop_event: threading.Event, poll: float = 0.2) -> None:
        """Rebuild on events until ``stop_event`` is set."""
        while not stop_event.is_set():
            try:
                first = self.events.get(timeout=poll)
            except queue.Empty:
                continue
            batch = [first] + self._wait_quiet(stop_event)
            if stop_event.is_set():
                return
            if self._built_snapshot is not None and snapshot(self.settings) == self._built_snapshot:
                self._ensure_watches()
                continue                        # e.g. the build's own writes to content/
            shown = os.path.relpath(batch[0], self.settings.root) if batch else "?"
            more = f" and {len(set(batch)) - 1} more" if len(set(batch)) > 1 else ""
            self.reporter.info(f"watch: {shown}{more} changed, rebuilding")
            self.rebuild()

    # -- watchdog
    def start(self) -> None:
        from watchdog.observers import Observer
        self._observer = Observer()
        self._observer.daemon = True
        self._ensure_watches()
        self._observer.start()

    def _ensure_watches(self) -> None:
        """Watch every watched folder that exists (a missing one is watched via its parent)."""
        if self._observer is None:
            return
        from watchdog.events import FileSystemEventHandler

        watcher = self

        class Handler(FileSystemEventHandler):
            def on_any_event(self, event):
                if event.event_type in ("opened", "closed_no_write"):
                    return
                if event.is_directory and event.event_type == "modified":
                    return
                if event.is_directory and event.event_type in ("deleted", "moved"):
                    watcher._forget(Path(event.src_path))
                watcher.notify(event.src_path, getattr(event, "dest_path", ""))

        for root in watched_roots(self.settings):
            if not root.is_dir():
                self._forget(root)
            target, recursive = (root, True) if root.is_dir() else (self._existing_parent(root), False)
            if target is None:
                continue
            try:
                ino = target.stat().st_ino
            except OSError:
                continue
            old = self._scheduled.get((target, recursive))
            if old is not None:
                if old[1] == ino:
                    continue
                try:                              # the folder was deleted and made again
                    self._observer.unschedule(old[0])
                except (KeyError, OSError):
                    pass
            try:
                w = self._observer.schedule(Handler(), str(target), recursive=recursive)
                self._scheduled[(target, recursive)] = (w, ino)
            except OSError as e:
                print(f"{target}: warning: cannot watch: {e}", file=sys.stderr)

    def _forget(self, folder: Path) -> None:
        """A watched folder was deleted: its watch is dead even if a new folder gets the same
        inode number (file systems reuse them at once), so it must be scheduled again."""
        for key, (w, _ino) in list(self._scheduled.items()):
            if key[0] == folder:
                self._scheduled[key] = (w, -1)

    @staticmethod
    def _existing_parent(p: Path) -> Path | None:
        for parent in p.parents:
            if parent.is_dir():
                return parent
        return None

    def stop(self) -> None:
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout=5)
            self._observer = None


def watch(settings: Settings, reporter: Reporter, *, stop_event: threading.Event | None = None,
          debounce: float = DEBOUNCE, on_rebuild: Callable[[object], None] | None = None) -> int:
    """Build, then rebuild whenever an input changes, until Ctrl-C (or ``stop_event``, for tests).

    ``on_rebuild(result)`` is called after every build (None for a failed one).
    """
    watcher = Watcher(settings, reporter, debounce=debounce, on_rebuild=on_rebuild)
    stop = stop_event or threading.Event()
    try:
        watcher.start()
        watcher.rebuild()
        reporter.info("watch: waiting for changes in " + ", ".join(
            os.path.relpath(r, settings.root) for r in watched_roots(settings)) + " (Ctrl-C to stop)")
        watcher.run(stop)
    except KeyboardInterrupt:
        print("\nwatch: stopped", file=sys.stderr, flush=True)
    finally:
        stop.set()
        watcher.stop()
    return 0
