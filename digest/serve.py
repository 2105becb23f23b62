"""``watch`` and ``serve``: rebuild on change, serve output/ on 127.0.0.1, reload open pages.

- :class:`Watcher` turns file-system events (watchdog) into rebuilds: events go
  into a queue, a burst is coalesced (debounce), editor temp files, the
  translation memory, output/ and dot-folders are ignored, and a failed build
  is reported on the console without stopping the loop.
- :func:`serve` serves ``settings.output_dir`` (resolved again on every request,
  since a build may swap it) with a small, strict file server: GET and HEAD only,
  no directory listings, nothing outside output/ (traversal, encoded separators,
  double encoding, backslashes, NUL, symlinks pointing out are all refused).
- Open pages reload after a rebuild: HTML responses get
  ``<script src="/__digest/reload.js"></script>`` added on the fly (never in the
  files of output/), and that script listens to server-sent events on
  ``/__digest/events``. If the page carries a Content-Security-Policy meta tag,
  the served copy gets ``'self'`` added to script-src and connect-src, only as
  far as the reload script needs it.
- Build errors and warnings are shown in the open page: the served copy of every HTML page
  gets an overlay listing the last build's diagnostics (plain HTML, styled by
  ``/__digest/overlay.css``; collapsible, no script), again never written to output/. A
  rebuild whose diagnostics changed reloads open pages even when it wrote nothing.
"""
from __future__ import annotations

import html
import mimetypes
import os
import queue
import re
import sys
import threading
import time
import traceback
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable
from urllib.parse import unquote

from .errors import DigestError, Reporter
from .settings import Settings

DEBOUNCE = 0.3
RESERVED = "/__digest/"
RELOAD_JS_PATH = "/__digest/reload.js"
EVENTS_PATH = "/__digest/events"
VERSION_PATH = "/__digest/version"
OVERLAY_CSS_PATH = "/__digest/overlay.css"

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


# ---------------------------------------------------------------- serving

RELOAD_JS = """\
// digest serve: reload this page when the site is rebuilt (injected by `serve` only).
(function () {
  if (!window.EventSource) { return; }
  var first = null;
  var es = new EventSource("/__digest/events");
  es.addEventListener("message", function (e) {
    if (first === null) { first = e.data; return; }
    if (e.data !== first) { es.close(); window.location.reload(); }
  });
})();
"""

RELOAD_TAG = b'<script src="/__digest/reload.js"></script>'

OVERLAY_CSS = """\
/* digest serve: the last build's errors and warnings (served only, never in output/) */
.digest-overlay { position: fixed; left: 0; right: 0; bottom: 0; z-index: 2147483647; max-height: 45vh;
  overflow: auto; margin: 0; padding: .5rem 1rem; background: #fff8e6; color: #222;
  border-top: 3px solid #d08a00; font: 13px/1.45 ui-monospace, monospace; box-shadow: 0 -2px 8px #0003; }
.digest-overlay.has-errors { background: #fff0f0; border-top-color: #b00020; }
.digest-overlay summary { cursor: pointer; font-weight: bold; font-family: system-ui, sans-serif; }
.digest-overlay ol { margin: .4rem 0 0; padding-left: 1.6rem; }
.digest-overlay li { white-space: pre-wrap; word-break: break-word; }
.digest-overlay .error { color: #b00020; }
.digest-overlay .warning { color: #7a4b00; }
"""


def overlay_html(diagnostics: list) -> bytes:
    """The overlay listing a build's errors and warnings; nothing when there are none."""
    if not diagnostics:
        return b""
    n_err = sum(1 for d in diagnostics if d.level == "error")
    n_warn = len(diagnostics) - n_err
    parts = []
    if n_err:
        parts.append(f"{n_err} error{'s' if n_err != 1 else ''}")
    if n_warn:
        parts.append(f"{n_warn} warning{'s' if n_warn != 1 else ''}")
    items = "".join(f'<li class="{html.escape(d.level)}">{html.escape(str(d))}</li>' for d in diagnostics)
    cls = "digest-overlay has-errors" if n_err else "digest-overlay"
    return (f'<link rel="stylesheet" href="{OVERLAY_CSS_PATH}">'
            f'<details class="{cls}" id="digest-overlay" open lang="en"><summary>digest serve: the last build '
            f'reported {" and ".join(parts)}</summary><ol>{items}</ol></details>\n').encode("utf-8")


class BuildLog:
    """The last build's diagnostics, shared by the rebuild loop and the request handlers."""

    def __init__(self):
        self._lock = threading.Lock()
        self._diagnostics: list = []

    def set(self, diagnostics: list) -> bool:
        """Record them; True when they differ from the previous build's."""
        with self._lock:
            changed = [str(d) for d in diagnostics] != [str(d) for d in self._diagnostics]
            self._diagnostics = list(diagnostics)
            return changed

    def overlay(self) -> bytes:
        with self._lock:
            return overlay_html(self._diagnostics)

TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".map": "application/json; charset=utf-8",
    ".webmanifest": "application/manifest+json; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8",
    ".rss": "application/rss+xml; charset=utf-8",
    ".xsl": "application/xslt+xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".svg": "image/svg+xml; charset=utf-8",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".ico": "image/x-icon",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".pdf": "application/pdf",
    ".epub": "application/epub+zip",
    ".wasm": "application/wasm",
}


def content_type(name: str) -> str:
    ext = os.path.splitext(name)[1].lower()
    if ext in TYPES:
        return TYPES[ext]
    guessed, _ = mimetypes.guess_type(name, strict=False)
    if guessed is None:
        return "application/octet-stream"
    if guessed.startswith("text/"):
        return guessed + "; charset=utf-8"
    return guessed


class Refused(Exception):
    """A request path that could name something outside output/ (or is malformed)."""


_CTRL = re.compile(r"[\x00-\x1f\x7f]")


def request_segments(raw: str) -> tuple[list[str], bool]:
    """Split a request target into safe, decoded path segments.

    Returns (segments, ends_with_slash). Raises :class:`Refused` for anything that
    could climb out of the served folder or that a client would not send for a
    file of the site: ``..`` or ``.`` segments (raw or percent-encoded), encoded
    ``/`` or ``\\``, backslashes, NUL and control characters, double encoding,
    absolute-form or non-path targets, invalid UTF-8.
    """
    if not raw.startswith("/") or raw.startswith("//"):
        raise Refused("not an origin-form path")
    path = raw.split("?", 1)[0].split("#", 1)[0]
    low = path.lower()
    if "\\" in path or "%5c" in low or "%2f" in low or "%00" in low or "%25" in low:
        raise Refused("encoded separator, backslash, NUL or double encoding")
    if re.search(r"%(?![0-9a-fA-F]{2})", path):
        raise Refused("malformed percent-encoding")
    try:
        decoded = unquote(path, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise Refused("invalid UTF-8") from None
    if _CTRL.search(decoded) or "\\" in decoded or "%" in decoded:
        raise Refused("control character, backslash or double encoding")
    segments = decoded.split("/")[1:]
    ends_with_slash = decoded.endswith("/")
    segments = [s for s in segments if s != ""]
    for s in segments:
        if s in (".", "..") or s.startswith("."):   # no traversal, no dot-files (temp files, state)
            raise Refused("dot segment")
        if ":" in s and os.name == "nt":
            raise Refused("drive or stream name")
    return segments, ends_with_slash


def resolve_request(out: Path, raw: str) -> tuple[str, Path | None]:
    """Map a request target to a file under ``out``.

    Returns ("file", path), ("redirect", None) for a folder asked for without
    its trailing slash, ("missing", None), or raises :class:`Refused`.
    """
    segments, slash = request_segments(raw)
    try:
        root = out.resolve(strict=True)
    except OSError:
        return "missing", None
    target = root.joinpath(*segments)
    try:
        real = target.resolve(strict=True)
    except (OSError, RuntimeError):             # missing, or a symlink loop
        return "missing", None
    if not real.is_relative_to(root):
        raise Refused("resolves outside output/")
    if real.is_dir():
        if segments and not slash:
            return "redirect", None
        try:
            real = (real / "index.html").resolve(strict=True)
        except (OSError, RuntimeError):
            return "missing", None
        if not real.is_relative_to(root):
            raise Refused("resolves outside output/")
    elif slash:
        return "missing", None                  # "page.html/" is not a folder
    if not real.is_file():
        return "missing", None
    return "file", real


_CSP_META = re.compile(rb"<meta\b[^>]*http-equiv\s*=\s*[\"']?content-security-policy[\"']?[^>]*>",
                       re.IGNORECASE)
_CONTENT_ATTR = re.compile(rb"(\bcontent\s*=\s*)(\"[^\"]*\"|'[^']*')", re.IGNORECASE)


def _allow_self(policy: str) -> str:
    """Add 'self' to script-src and connect-src, as far as the reload script needs, nothing else."""
    directives = [d.strip() for d in policy.split(";") if d.strip()]
    names = [d.split()[0].lower() for d in directives]
    default = next((d for d, n in zip(directives, names) if n == "default-src"), None)
    default_ok = default is not None and ("'self'" in default.split()[1:] or "*" in default.split()[1:])
    for needed in ("script-src", "connect-src"):
        if needed in names:
            i = names.index(needed)
            sources = directives[i].split()[1:]
            if "'self'" not in sources and "*" not in sources:
                sources = [s for s in sources if s != "'none'"] + ["'self'"]
                directives[i] = " ".join([needed] + sources)
        elif default is not None and not default_ok:
            directives.append(f"{needed} 'self'")
            names.append(needed)
    return "; ".join(directives)


def inject_reload(page: bytes, overlay: bytes = b"") -> bytes:
    """The served copy of an HTML page: the reload script tag added (and CSP let it run), and
    the build's ``overlay`` (see overlay_html) if any."""
    def fix_meta(m: re.Match) -> bytes:
        tag = m.group(0)

        def fix_content(c: re.Match) -> bytes:
            quoted = c.group(2)
            policy = html.unescape(quoted[1:-1].decode("utf-8", "replace"))
            return c.group(1) + b'"' + html.escape(_allow_self(policy), quote=True).encode() + b'"'
        return _CONTENT_ATTR.sub(fix_content, tag, count=1)

    page = _CSP_META.sub(fix_meta, page)
    idx = page.lower().rfind(b"</body>")
    if idx < 0:
        return page + overlay + RELOAD_TAG + b"\n"
    return page[:idx] + overlay + RELOAD_TAG + b"\n" + page[idx:]


class SiteVersion:
    """Changes after every build that wrote something; SSE clients wait on it."""

    def __init__(self):
        self._cond = threading.Condition()
        self._stamp = time.time_ns()        # a restarted server reloads pages too
        self._n = 0
        self.closed = False

    @property
    def value(self) -> str:
        with self._cond:
            return f"{self._stamp}-{self._n}"

    def bump(self) -> None:
        with self._cond:
            self._n += 1
            self._cond.notify_all()

    def close(self) -> None:
        with self._cond:
            self.closed = True
            self._cond.notify_all()

    def wait_change(self, seen: str, timeout: float) -> str:
        with self._cond:
            self._cond.wait_for(lambda: self.closed or f"{self._stamp}-{self._n}" != seen, timeout)
            return f"{self._stamp}-{self._n}"


NOT_FOUND = b"<!doctype html>\n<meta charset=utf-8>\n<title>404 Not Found</title>\n<p>404: no such page.</p>\n"


def make_handler(settings: Settings, version: SiteVersion, *, keepalive: float = 15.0,
                 log: BuildLog | None = None):
    class Handler(BaseHTTPRequestHandler):
        server_version = "digest-serve"
        sys_version = ""
        protocol_version = "HTTP/1.1"

        def log_message(self, format, *args):     # quiet: errors only
            if settings.debug:
                super().log_message(format, *args)

        def __getattr__(self, name):
            if name.startswith("do_"):
                return self._not_allowed
            raise AttributeError(name)

        def _not_allowed(self):
            self._plain(HTTPStatus.METHOD_NOT_ALLOWED, b"405: only GET and HEAD\n",
                        extra={"Allow": "GET, HEAD"})

        def _plain(self, status, body: bytes, *, extra=None, ctype="text/plain; charset=utf-8"):
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Content-Type-Options", "nosniff")
            for k, v in (extra or {}).items():
                self.send_header(k, v)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def do_HEAD(self):
            self.do_GET()

        def do_GET(self):
            raw = self.path
            if raw.startswith(RESERVED):
                return self._reserved(raw.split("?", 1)[0])
            try:
                kind, path = resolve_request(Path(settings.output_dir), raw)
            except Refused:
                return self._plain(HTTPStatus.FORBIDDEN, b"403: refused\n")
            if kind == "redirect":
                base = raw.split("?", 1)[0]
                query = raw[len(base):]
                return self._plain(HTTPStatus.MOVED_PERMANENTLY, b"",
                                   extra={"Location": base + "/" + query})
            if kind == "missing":
                return self._plain(HTTPStatus.NOT_FOUND, NOT_FOUND, ctype="text/html; charset=utf-8")
            try:
                data = path.read_bytes()       # output/ may have been swapped meanwhile
            except OSError:
                return self._plain(HTTPStatus.NOT_FOUND, NOT_FOUND, ctype="text/html; charset=utf-8")
            ctype = content_type(path.name)
            if ctype.startswith("text/html"):
                data = inject_reload(data, log.overlay() if log is not None else b"")
            self._plain(HTTPStatus.OK, data, ctype=ctype)

        def _reserved(self, path: str):
            if path == RELOAD_JS_PATH:
                return self._plain(HTTPStatus.OK, RELOAD_JS.encode(), ctype=TYPES[".js"])
            if path == OVERLAY_CSS_PATH:
                return self._plain(HTTPStatus.OK, OVERLAY_CSS.encode(), ctype=TYPES[".css"])
            if path == VERSION_PATH:
                return self._plain(HTTPStatus.OK, version.value.encode() + b"\n")
            if path == EVENTS_PATH:
                return self._events()
            return self._plain(HTTPStatus.NOT_FOUND, NOT_FOUND, ctype="text/html; charset=utf-8")

        def _events(self):
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream; charset=utf-8")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            if self.command == "HEAD":
                return
            seen = version.value
            try:
                self.wfile.write(f"retry: 1000\ndata: {seen}\n\n".encode())
                self.wfile.flush()
                while not version.closed:
                    now = version.wait_change(seen, keepalive)
                    if version.closed:
                        return
                    if now != seen:
                        seen = now
                        self.wfile.write(f"data: {now}\n\n".encode())
                    else:
                        self.wfile.write(b": keepalive\n\n")
                    self.wfile.flush()
            except OSError:
                return                           # the page went away

    return Handler


class DigestServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def make_server(settings: Settings, port: int = 8000, version: SiteVersion | None = None,
                *, keepalive: float = 15.0, log: BuildLog | None = None) -> tuple[DigestServer, SiteVersion]:
    """A server bound to 127.0.0.1 only (port 0 picks a free one); ``log`` holds the
    diagnostics shown over served pages."""
    version = version or SiteVersion()
    try:
        httpd = DigestServer(("127.0.0.1", port), make_handler(settings, version, keepalive=keepalive, log=log))
    except OSError as e:
        raise DigestError(f"cannot listen on 127.0.0.1:{port}: {e.strerror or e} "
                          f"(another server running? try --port)") from None
    return httpd, version


def serve(settings: Settings, reporter: Reporter, port: int = 8000, *,
          stop_event: threading.Event | None = None, on_ready: Callable | None = None,
          debounce: float = DEBOUNCE, on_rebuild: Callable[[object], None] | None = None) -> int:
    """Build, serve output/ on http://127.0.0.1:<port>/, rebuild and reload pages on change.

    Runs until Ctrl-C (or ``stop_event``); ``on_ready(server, watcher)`` is called once serving.
    """
    log = BuildLog()
    httpd, version = make_server(settings, port, log=log)

    def rebuilt(result):
        changed = log.set(watcher.last_diagnostics)
        if changed or (result is not None and not getattr(result, "nothing_changed", False)):
            version.bump()
        if on_rebuild is not None:
            on_rebuild(result)

    watcher = Watcher(settings, reporter, on_rebuild=rebuilt, debounce=debounce)
    stop = stop_event or threading.Event()
    loop = threading.Thread(target=watcher.run, args=(stop,), name="digest-watch", daemon=True)
    server_thread = None
    try:
        watcher.start()
        watcher.rebuild()
        loop.start()
        server_thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.2},
                                         name="digest-serve", daemon=True)
        server_thread.start()
        host, real_port = httpd.server_address[:2]
        print(f"serve: http://{host}:{real_port}/ (output: {settings.output_dir}); "
              f"rebuilding on change, Ctrl-C to stop", flush=True)
        if on_ready is not None:
            on_ready(httpd, watcher)
        while server_thread.is_alive() and not stop.is_set():
            server_thread.join(0.2)
    except KeyboardInterrupt:
        print("\nserve: stopped", file=sys.stderr, flush=True)
    finally:
        stop.set()
        version.close()
        if server_thread is not None and server_thread.is_alive():
            httpd.shutdown()
        httpd.server_close()
        watcher.stop()
        if loop.is_alive():
            if watcher.building:
                print("serve: waiting for the current build to finish (Ctrl-C again to abandon it; "
                      "output/ is only ever switched file by file)", file=sys.stderr, flush=True)
            try:
                loop.join()
            except KeyboardInterrupt:
                pass
    return 0
