"""watch: file events coalesced into rebuilds, failed builds reported, the loop goes on."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from digest import site
from digest import watch as wt
from digest.errors import BuildError, Reporter
from digest.settings import Settings
from watching import edit_one_content_file, page_texts, wait_for  # tests/watching.py

REPO = Path(__file__).resolve().parent.parent


# ---------------------------------------------------------------- the watch loop

def test_relevance(tmp_path):
    s = Settings(root=tmp_path, cache_dir=tmp_path / "cache")
    c = s.content_dir
    assert wt.is_relevant(c / "x.zh.md", s)
    assert wt.is_relevant(s.glossary_path, s)
    assert wt.is_relevant(s.seeds_dir / "001.txt", s)
    assert wt.is_relevant(s.theme_dir / "templates" / "base.html", s)
    for p in (c / ".x.zh.md.swp", c / "x.zh.md~", c / "#x.zh.md#", c / ".#x.zh.md", c / "4913",
              c / "translation-memory.sqlite3", c / "translation-memory.sqlite3-wal",
              c / "tm.sqlite3-journal", c / ".git" / "index", c / ".cache" / "x.zh.md",
              s.output_dir / "index.html", tmp_path / ".output.staging" / "index.html",
              s.state_path, tmp_path / "README.md", s.tm_path):
        assert not wt.is_relevant(p, s), p


def _fake_build(settings: Settings, reporter: Reporter, **_kw):
    """A stand-in for the pipeline (no model): content/*.zh.md -> output/<name>.html."""
    out = settings.output_dir
    out.mkdir(parents=True, exist_ok=True)
    for p in sorted(settings.content_dir.glob("*.zh.md")):
        if "BROKEN" in p.read_text(encoding="utf-8"):
            raise BuildError("cannot build this", path=p, line=1)
        body = p.read_text(encoding="utf-8").split("---", 2)[-1]
        (out / (p.name[:-6] + ".html")).write_text(f'<!doctype html><meta charset="utf-8"><title>{p.name}</title>'
                                                   f"<p>{body}</p>\n", encoding="utf-8")
    return site.BuildResult(articles=1, pages_written=1)


def test_burst_of_events_is_one_rebuild(tmp_path):
    s = Settings(root=tmp_path, cache_dir=tmp_path / "cache")
    s.content_dir.mkdir()
    builds = []
    w = wt.Watcher(s, Reporter(quiet=True), build=lambda: builds.append(1) or object(), debounce=0.5)
    stop = threading.Event()
    t = threading.Thread(target=w.run, args=(stop,), kwargs={"poll": 0.02}, daemon=True)
    t.start()
    try:
        for i in range(10):
            (s.content_dir / f"{i}.zh.md").write_text(str(i), encoding="utf-8")
            w.notify(s.content_dir / f"{i}.zh.md")
            w.notify(s.content_dir / f".{i}.zh.md.swp")           # ignored
            time.sleep(0.01)
        deadline = time.monotonic() + 5
        while not builds and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.3)
        assert len(builds) == 1
        # an event after which nothing differs from what the last build saw: no rebuild
        w.notify(s.content_dir / "0.zh.md")
        time.sleep(1.2)
        assert len(builds) == 1
        # a real change after that: one more
        (s.content_dir / "0.zh.md").write_text("changed", encoding="utf-8")
        w.notify(s.content_dir / "0.zh.md")
        assert wait_for(lambda: len(builds) == 2, 5)
        # ignored paths never trigger
        w.notify(s.output_dir / "index.html")
        w.notify(s.content_dir / "translation-memory.sqlite3")
        assert w.events.empty()
    finally:
        stop.set()
        t.join(timeout=5)
    assert not t.is_alive()


def test_failed_build_is_reported_and_loop_goes_on(tmp_path, monkeypatch, capsys):
    s = Settings(root=tmp_path, cache_dir=tmp_path / "cache")
    calls = []

    def flaky(settings, reporter, **kw):
        calls.append(1)
        if len(calls) == 1:
            raise BuildError("template error", path="themes/default/templates/base.html", line=3)
        if len(calls) == 2:
            raise RuntimeError("boom\nsecond line")
        return site.BuildResult()

    monkeypatch.setattr(site, "build", flaky)
    results = []
    w = wt.Watcher(s, Reporter(), on_rebuild=results.append, debounce=0.05)
    w.rebuild()
    w.rebuild()
    w.rebuild()
    assert [r is None for r in results] == [True, True, False]
    err = capsys.readouterr().err
    assert "themes/default/templates/base.html:3: error: template error" in err
    assert "RuntimeError: boom" in err and "second line" not in err
    assert "Traceback" not in err


@pytest.fixture
def watched_project(project):
    """A tmp project built by the real pipeline from the seeds."""
    return Settings(root=project)


def test_watch_rebuilds_after_an_edit(watched_project):
    settings = watched_project
    stop = threading.Event()
    rc = []
    results: list = []
    t = threading.Thread(target=lambda: rc.append(wt.watch(settings, Reporter(quiet=True),
                                                            stop_event=stop,
                                                            on_rebuild=results.append)), daemon=True)
    t.start()
    try:
        assert wait_for(lambda: bool(results), 180), "first build"
        assert results[0] is not None, "the first build failed (see the console)"
        assert any(settings.output_dir.rglob("*.html"))
        time.sleep(0.5)
        marker = "监视测试新增段落甲乙丙。"
        edit_one_content_file(settings, marker)
        assert wait_for(lambda: marker in page_texts(settings.output_dir), 30), \
            "the edit did not reach output/"
        # an editor's atomic save: write a temp file (ignored), rename it over the file
        files = sorted(settings.content_dir.glob("*.zh.md"))
        marker_b = "原子保存的修改。"
        tmp = files[0].with_name(files[0].name + ".tmp")
        tmp.write_text(files[0].read_text(encoding="utf-8") + f"\n{marker_b}\n", encoding="utf-8")
        os.replace(tmp, files[0])
        assert wait_for(lambda: marker_b in page_texts(settings.output_dir), 30)
    finally:
        stop.set()
        t.join(timeout=10)
    assert not t.is_alive() and rc == [0]


def test_ctrl_c_exits_cleanly(tmp_path):
    """`python build.py watch` in a real process: Ctrl-C ends it with status 0."""
    (tmp_path / "content").mkdir()
    env = dict(os.environ, PYTHONPATH=str(REPO), DIGEST_CACHE=str(tmp_path / "cache"))
    p = subprocess.Popen([sys.executable, str(REPO / "build.py"), "watch"], cwd=tmp_path, env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        lines = []

        def reader():
            for line in p.stdout:
                lines.append(line)
        threading.Thread(target=reader, daemon=True).start()
        assert wait_for(lambda: any("watch: waiting" in ln for ln in lines), 60), "".join(lines)
        p.send_signal(signal.SIGINT)
        assert p.wait(timeout=20) == 0, "".join(lines)
        assert "Traceback" not in "".join(lines)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait(timeout=5)


def test_watch_survives_content_folder_recreated(tmp_path, monkeypatch):
    """content/ deleted and made again (e.g. a git checkout): still watched afterwards."""
    s = Settings(root=tmp_path, cache_dir=tmp_path / "cache")
    s.content_dir.mkdir()
    (s.content_dir / "first.zh.md").write_text("---\ntitle: 一\n---\n\n一。\n", encoding="utf-8")
    monkeypatch.setattr(site, "build", _fake_build)
    stop = threading.Event()
    results: list = []
    t = threading.Thread(target=wt.watch, args=(s, Reporter(quiet=True)),
                         kwargs={"stop_event": stop, "on_rebuild": results.append, "debounce": 0.2},
                         daemon=True)
    t.start()
    try:
        assert wait_for(lambda: bool(results), 10)
        shutil.rmtree(s.content_dir)
        assert wait_for(lambda: len(results) >= 2, 10)        # the deletion is a change too
        s.content_dir.mkdir()
        seen = False
        for attempt in range(3):      # under load the folder may be re-armed after the first write
            time.sleep(0.5)
            (s.content_dir / "first.zh.md").write_text(f"---\ntitle: 一\n---\n\n重建之后{attempt}。\n",
                                                        encoding="utf-8")
            if wait_for(lambda: "重建之后" in page_texts(s.output_dir), 8):
                seen = True
                break
        assert seen
    finally:
        stop.set()
        t.join(timeout=10)
    assert not t.is_alive()


def test_watcher_keeps_the_last_builds_diagnostics_only(tmp_path):
    s = Settings(root=tmp_path, cache_dir=tmp_path / "cache")
    rep = Reporter(quiet=True, stream=__import__("io").StringIO())
    n = []

    def build():
        n.append(1)
        if len(n) == 1:
            rep.warning("content/a.en.md", 2, "first build's warning")
            return site.BuildResult()
        if len(n) == 2:
            return None                                            # failed, reported on the console only
        return site.BuildResult()

    w = wt.Watcher(s, rep, build=build)
    w.rebuild()
    assert [d.message for d in w.last_diagnostics] == ["first build's warning"]
    w.rebuild()
    assert [d.level for d in w.last_diagnostics] == ["error"]
    w.rebuild()
    assert w.last_diagnostics == []
