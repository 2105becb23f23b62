"""serve: a strict 127.0.0.1 file server, live reload, the build's problems over served pages."""
from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from digest import serve as srv
from digest.errors import Reporter
from digest.settings import Settings
from watching import edit_one_content_file, wait_for  # tests/watching.py

SECRET = "TOP-SECRET-OUTSIDE-OUTPUT"
CSP = "default-src 'none'; style-src 'self'; img-src 'self'"


# ---------------------------------------------------------------- helpers

def raw_request(port: int, target: str, method: str = "GET", timeout: float = 5.0,
                raw_bytes: bytes | None = None) -> tuple[int, dict[str, str], bytes]:
    """Send a request line exactly as given (no client-side normalisation of the path)."""
    req = raw_bytes or (f"{method} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        f"Connection: close\r\n\r\n").encode("latin-1")
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(req)
        chunks = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            b = s.recv(65536)
            if not b:
                break
            chunks.append(b)
    data = b"".join(chunks)
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    return status, headers, body


def page(title: str, body: str) -> str:
    return (f'<!doctype html><html lang="zh"><head><meta charset="utf-8">'
            f'<meta http-equiv="Content-Security-Policy" content="{CSP.replace(chr(39), "&#39;")}">'
            f"<title>{title}</title></head><body><p>{body}</p></body></html>\n")


@pytest.fixture
def site_dir(tmp_path: Path) -> tuple[Settings, Path]:
    out = tmp_path / "proj" / "output"
    (out / "a").mkdir(parents=True)
    (out / "新闻").mkdir()
    (out / "index.html").write_text(page("首页", "home"), encoding="utf-8")
    (out / "a" / "index.html").write_text(page("A", "article a"), encoding="utf-8")
    (out / "新闻" / "index.html").write_text(page("新闻", "news"), encoding="utf-8")
    (out / "feed.xml").write_text('<?xml version="1.0" encoding="utf-8"?><feed/>', encoding="utf-8")
    (out / "style.css").write_text("body{}", encoding="utf-8")
    (out / "search.json").write_text("{}", encoding="utf-8")
    (out / "app.js").write_text("1;", encoding="utf-8")
    (out / ".hidden.html.digest-tmp").write_text("tmp", encoding="utf-8")
    (out / "empty").mkdir()                                   # a folder without index.html
    (tmp_path / "secret.txt").write_text(SECRET, encoding="utf-8")
    (tmp_path / "proj" / "output-secret.txt").write_text(SECRET, encoding="utf-8")  # prefix trick
    (tmp_path / "secretdir").mkdir()
    (tmp_path / "secretdir" / "index.html").write_text(SECRET, encoding="utf-8")
    os.symlink(tmp_path / "secret.txt", out / "leak.txt")
    os.symlink(tmp_path / "secretdir", out / "leakdir")
    os.symlink(out / "loop", out / "loop")                    # a symlink loop
    settings = Settings(root=tmp_path / "proj", cache_dir=tmp_path / "cache")
    return settings, out


@pytest.fixture
def server(site_dir):
    settings, out = site_dir
    httpd, version = srv.make_server(settings, 0, keepalive=0.2)
    t = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    t.start()
    try:
        yield httpd.server_address[1], settings, out, version, httpd
    finally:
        version.close()
        httpd.shutdown()
        httpd.server_close()
        t.join(timeout=5)


# ---------------------------------------------------------------- serve

def test_binds_to_loopback_only(server):
    _port, _s, _o, _v, httpd = server
    assert httpd.server_address[0] == "127.0.0.1"


@pytest.mark.parametrize("target", ["/", "/index.html", "/a/", "/a/index.html", "/a/?x=1",
                                    "/%E6%96%B0%E9%97%BB/"])
def test_pages_are_served_with_reload_script(server, target):
    port, _s, out, _v, _h = server
    status, headers, body = raw_request(port, target)
    assert status == 200
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert int(headers["content-length"]) == len(body)
    soup = BeautifulSoup(body.decode("utf-8"), "html5lib")
    srcs = [s.get("src") for s in soup.find_all("script")]
    assert srcs == [srv.RELOAD_JS_PATH]
    # the script is not inline, and the page's CSP (served copy only) lets it and its events run
    csp = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
    directives = {d.split()[0]: d.split()[1:] for d in csp.split(";") if d.strip()}
    assert "'self'" in directives["script-src"] and "'self'" in directives["connect-src"]
    assert directives["default-src"] == ["'none'"] and "'unsafe-inline'" not in csp
    # ... and never in the files of output/
    for f in out.rglob("*.html"):
        if f.is_file():
            file_soup = BeautifulSoup(f.read_text(encoding="utf-8"), "html5lib")
            assert file_soup.find_all("script") == []
            assert "__digest" not in f.read_text(encoding="utf-8")


def test_reload_script_and_head(server):
    port, *_ = server
    status, headers, body = raw_request(port, srv.RELOAD_JS_PATH)
    assert status == 200 and headers["content-type"].startswith("text/javascript")
    assert b"EventSource" in body and srv.EVENTS_PATH.encode() in body
    status, headers, body = raw_request(port, "/a/", method="HEAD")
    assert status == 200 and body == b"" and int(headers["content-length"]) > 0


@pytest.mark.parametrize("target,ctype", [
    ("/feed.xml", "application/xml; charset=utf-8"),
    ("/style.css", "text/css; charset=utf-8"),
    ("/search.json", "application/json; charset=utf-8"),
    ("/app.js", "text/javascript; charset=utf-8"),
])
def test_content_types(server, target, ctype):
    port, _s, out, _v, _h = server
    status, headers, body = raw_request(port, target)
    assert status == 200 and headers["content-type"] == ctype
    assert body == (out / target.lstrip("/")).read_bytes()           # nothing injected
    assert headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("target", ["/missing.html", "/a/missing/", "/empty/", "/loop",
                                    "/index.html/", "/__digest/nothing"])
def test_missing_is_404(server, target):
    port, *_ = server
    status, headers, body = raw_request(port, target)
    assert status == 404
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert "404" in BeautifulSoup(body, "html5lib").get_text()
    assert b"<li>" not in body                                         # no directory listing


def test_folder_without_slash_redirects(server):
    port, *_ = server
    status, headers, _ = raw_request(port, "/a?q=1")
    assert status == 301 and headers["location"] == "/a/?q=1"


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "BREW"])
def test_other_methods_are_405(server, method):
    port, *_ = server
    status, headers, _ = raw_request(port, "/index.html", method=method)
    assert status == 405 and headers["allow"] == "GET, HEAD"


TRAVERSALS = [
    "/../secret.txt", "/a/../../secret.txt", "/../../../../../../etc/passwd",
    "/%2e%2e/secret.txt", "/%2E%2E/secret.txt", "/.%2e/secret.txt", "/a/%2e%2e/%2e%2e/secret.txt",
    "/..%2fsecret.txt", "/%2e%2e%2fsecret.txt", "/a%2f..%2f..%2fsecret.txt",
    "/%252e%252e/secret.txt", "/%25252e%25252e/secret.txt", "/%252e%252e%252fsecret.txt",
    "/..\\secret.txt", "/..%5csecret.txt", "/a\\..\\..\\secret.txt",
    "/%c0%ae%c0%ae/secret.txt", "/%e0%80%ae%e0%80%ae/secret.txt",
    "/secret.txt%00.html", "/%00", "/index.html%00",
    "//secret.txt", "///etc/passwd", "/%2fetc/passwd",
    "http://127.0.0.1/../secret.txt", "secret.txt", "*",
    "/leak.txt", "/leakdir/", "/leakdir/index.html", "/../output-secret.txt",
    "/.hidden.html.digest-tmp", "/./index.html",
]


@pytest.mark.parametrize("target", TRAVERSALS)
def test_refuses_paths_outside_output(server, target):
    port, *_ = server
    status, _headers, body = raw_request(port, target)
    assert status in (400, 403, 404), (target, status)
    assert SECRET.encode() not in body
    assert b"root:" not in body


def test_refuses_nul_in_request_line(server):
    port, *_ = server
    status, _h, body = raw_request(port, "", raw_bytes=b"GET /a/\x00/../../secret.txt HTTP/1.1\r\n"
                                                       b"Host: x\r\nConnection: close\r\n\r\n")
    assert status in (400, 403, 404) and SECRET.encode() not in body


def test_request_segments_unit():
    assert srv.request_segments("/a/b/") == (["a", "b"], True)
    assert srv.request_segments("/%E6%96%B0/x.html?q=/../") == (["新", "x.html"], False)
    for bad in TRAVERSALS[:20]:
        if bad.startswith("/") and not bad.startswith("/leak"):
            with pytest.raises(srv.Refused):
                srv.request_segments(bad)


def test_output_swapped_between_requests(server):
    """output/ is renamed by the build: every request resolves it again."""
    port, _s, out, _v, _h = server
    new = out.parent / ".output.staging"
    new.mkdir()
    (new / "index.html").write_text(page("new", "second build"), encoding="utf-8")
    out.rename(out.parent / ".output.old")
    new.rename(out)
    status, _h2, body = raw_request(port, "/")
    assert status == 200 and "second build" in BeautifulSoup(body, "html5lib").get_text()
    status, *_ = raw_request(port, "/a/")
    assert status == 404


def test_events_announce_a_new_version(server):
    port, _s, _o, version, _h = server
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(b"GET /__digest/events HTTP/1.1\r\nHost: x\r\n\r\n")
        buf = b""
        deadline = time.monotonic() + 5
        while buf.count(b"data: ") < 1 and time.monotonic() < deadline:
            buf += s.recv(4096)
        assert b"text/event-stream" in buf
        first = buf.split(b"data: ", 1)[1].split(b"\n", 1)[0]
        version.bump()
        while buf.count(b"data: ") < 2 and time.monotonic() < deadline:
            buf += s.recv(4096)
        second = buf.split(b"data: ")[2].split(b"\n", 1)[0]
        assert second and second != first


@pytest.fixture
def watched_project(project):
    """A tmp project built by the real pipeline from the seeds."""
    return Settings(root=project)


def test_serve_end_to_end(watched_project, capsys):
    settings = watched_project
    stop = threading.Event()
    ready: list = []
    rc: list = []
    results: list = []
    t = threading.Thread(target=lambda: rc.append(srv.serve(
        settings, Reporter(quiet=True), port=0, stop_event=stop, on_rebuild=results.append,
        on_ready=lambda httpd, w: ready.append(httpd.server_address[1]))), daemon=True)
    t.start()
    try:
        assert wait_for(lambda: bool(ready), 180)
        assert results and results[0] is not None, "the first build failed (see the console)"
        port = ready[0]
        pages = sorted(settings.output_dir.rglob("*.html"))
        assert pages
        rel = "/" + pages[0].relative_to(settings.output_dir).as_posix()
        status, _h, body = raw_request(port, rel)
        assert status == 200
        assert [s.get("src") for s in BeautifulSoup(body, "html5lib").find_all("script")
                if s.get("src") == srv.RELOAD_JS_PATH]
        assert srv.RELOAD_JS_PATH not in pages[0].read_text(encoding="utf-8")
        status, *_ = raw_request(port, "/no-such-page.html")
        assert status == 404
        status, _h, body = raw_request(port, "/../" + settings.root.name + "/seeds/")
        assert status in (400, 403, 404)
        # an edit reaches the served page
        marker = "服务测试新增段落。"
        edit_one_content_file(settings, marker)

        def served_has_marker():
            for p in settings.output_dir.rglob("*.html"):
                r = "/" + p.relative_to(settings.output_dir).as_posix()
                st, _hh, b = raw_request(port, r)
                if st == 200 and marker in BeautifulSoup(b, "html5lib").get_text():
                    return True
            return False
        assert wait_for(served_has_marker, 30)
        # a failing build: the error is on the console, the previous output is still served
        assert wait_for(lambda: len(results) >= 2, 10)   # on_rebuild runs after publishing
        n = len(results)
        broken = settings.theme_dir / "templates" / "base.html"
        if broken.is_file():
            broken.write_text(broken.read_text(encoding="utf-8") + "\n{% if %}\n", encoding="utf-8")
            assert wait_for(lambda: any(r is None for r in results[n:]), 60)
            assert "error" in capsys.readouterr().err
            assert served_has_marker()
    finally:
        stop.set()
        t.join(timeout=10)
    assert not t.is_alive() and rc == [0]


# ---------------------------------------------------------------- errors shown in the open page

def test_build_problems_are_shown_over_served_pages_never_in_output(site_dir):
    from digest.errors import Diagnostic
    settings, out = site_dir
    log = srv.BuildLog()
    httpd, version = srv.make_server(settings, 0, keepalive=0.2, log=log)
    t = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    t.start()
    try:
        port = httpd.server_address[1]
        _, _, body = raw_request(port, "/a/")
        assert b"digest-overlay" not in body                      # a clean build: no overlay
        assert log.set([Diagnostic("content/x.en.md", 3, "error", "front matter: unknown key 'titel'"),
                        Diagnostic("content/y.en.md", 9, "warning", "stale human translation: y, block 2 <b>")])
        _, _, body = raw_request(port, "/a/")
        soup = BeautifulSoup(body.decode("utf-8"), "html5lib")
        box = soup.find(id="digest-overlay")
        assert box is not None and "has-errors" in box["class"]
        items = [li.get_text() for li in box.find_all("li")]
        assert items == ["content/x.en.md:3: error: front matter: unknown key 'titel'",
                         "content/y.en.md:9: warning: stale human translation: y, block 2 <b>"]
        assert "1 error and 1 warning" in box.find("summary").get_text()
        # styled from a served-only stylesheet the page's CSP allows (style-src 'self'); no script
        assert soup.find("link", href=srv.OVERLAY_CSS_PATH) is not None
        assert [s.get("src") for s in soup.find_all("script")] == [srv.RELOAD_JS_PATH]
        status, headers, css = raw_request(port, srv.OVERLAY_CSS_PATH)
        assert status == 200 and headers["content-type"].startswith("text/css") and b".digest-overlay" in css
        for f in out.rglob("*.html"):
            if f.is_file():
                assert "digest-overlay" not in f.read_text(encoding="utf-8")
        assert not log.set(list(log._diagnostics))                # same problems: no reload needed
        assert log.set([])
        _, _, body = raw_request(port, "/a/")
        assert b"digest-overlay" not in body
    finally:
        version.close()
        httpd.shutdown()
        httpd.server_close()
        t.join(timeout=5)
