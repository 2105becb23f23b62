"""``serve``: serve output/ on 127.0.0.1, rebuild on change (digest/watch.py), reload open pages.

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
import re
import sys
import threading
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable
from urllib.parse import unquote

from .errors import DigestError, Reporter
from .settings import Settings
from .watch import DEBOUNCE, Watcher

RESERVED = "/__digest/"
RELOAD_JS_PATH = "/__digest/reload.js"
EVENTS_PATH = "/__digest/events"
VERSION_PATH = "/__digest/version"
OVERLAY_CSS_PATH = "/__digest/overlay.css"

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
