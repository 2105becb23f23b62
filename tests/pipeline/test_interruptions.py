"""Issue 17: two builds at once, Ctrl-C, a build killed while publishing, a page damaged
without a change of size or time. Every test runs REAL ``build.py`` processes.

The site: the two seed articles' content files, each copied 40 times under other slugs
(80 articles, 286 files: enough for the forked workers of digest/parallel.py). The
translation memory is filled once per session by an in-process build (the model
translates about 100 sentences); the processes then find every sentence in it and
never load the model.
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from digest.errors import Reporter
from digest.settings import Settings, default_cache_dir
from digest.site import build
from digest.translate.model_store import default_package_dir

REPO = Path(__file__).resolve().parents[2]
MODEL = default_package_dir(default_cache_dir())
COPIES = 40
HANG = 120          # seconds: a process still running after this is hung (not a speed limit)
EDITION = re.compile(rb"<!-- edition (\d+) -->")

pytestmark = pytest.mark.skipif(not (MODEL / "model" / "model.bin").exists(),
                                reason="the model is not fetched (./make.sh test fetches it)")


@pytest.fixture(scope="session")
def big_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("big")
    shutil.copytree(REPO / "digest" / "themes", root / "themes")
    (root / "content").mkdir()
    shutil.copy(REPO / "content" / "glossary.toml", root / "content" / "glossary.toml")
    for src in sorted((REPO / "content").glob("*.zh.md")):
        text = src.read_text(encoding="utf-8")
        slug = src.name[:-len(".zh.md")]
        for i in range(COPIES):
            (root / "content" / f"{slug}-{i}.zh.md").write_text(
                re.sub(r"^slug: .*$", f"slug: {slug}-{i}", text, count=1, flags=re.M), encoding="utf-8")
    set_edition(root, 0)
    rep = Reporter(quiet=True)
    s = Settings(root=root, seeds_dir=root / "no-seeds", tm_path=root / "tm.sqlite3", cache_dir=root / "cache",
                 model_path=MODEL, quiet=True)
    assert build(s, rep).ok and not rep.errors, [str(d) for d in rep.diagnostics]
    shutil.rmtree(root / "output")
    (root / ".output.state.sqlite3").unlink()
    return root


@pytest.fixture
def site(big_site, tmp_path) -> Path:
    root = tmp_path / "site"
    shutil.copytree(big_site, root)
    return root


def set_edition(root: Path, n: int) -> None:
    """Mark every page with ``n`` (in base.html): a new edition re-renders every page."""
    base = root / "themes" / "default" / "templates" / "base.html"
    text = re.sub(r"<!-- edition \d+ -->", "", base.read_text(encoding="utf-8"))
    base.write_text(text.replace('<meta charset="utf-8">', f'<meta charset="utf-8"><!-- edition {n} -->', 1),
                    encoding="utf-8")


def editions(out: Path) -> set[int]:
    """The editions of the pages in output/ (one number when the site is all one build)."""
    found = set()
    for p in out.rglob("*.html"):
        found |= {int(m) for m in EDITION.findall(p.read_bytes())} or {-1}
    return found


def command(root: Path, *args: str, prelude: str = "") -> list[str]:
    """``build.py ARGS`` on this site; ``prelude``: Python run first, in the same process."""
    code = f"import sys; sys.path.insert(0, {str(REPO)!r})\n{prelude}\nfrom digest.cli import run\nsys.exit(run())"
    return [sys.executable, "-c", code, *args, "--quiet", "--content", str(root / "content"),
            "--output", str(root / "output"), "--cache", str(root / "cache")] + (
        ["--seeds", str(root / "no-seeds"), "--tm", str(root / "tm.sqlite3")] if args[:1] != ("check",) else [])


def run(root: Path, *args: str, prelude: str = "", env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(command(root, *args, prelude=prelude), cwd=root, capture_output=True, text=True,
                          timeout=HANG, env={**os.environ, **(env or {})})


def site_files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def assert_whole(root: Path, edition: int) -> None:
    """output/ is one complete build: every page of the same edition, nothing left over,
    and ``check`` finds nothing wrong."""
    out = root / "output"
    assert editions(out) == {edition}
    leftovers = [p.name for p in root.rglob(".*") if "digest-tmp" in p.name or p.name.endswith(
        (".staging", ".old", "journal"))]
    assert not leftovers
    chk = run(root, "check")
    assert chk.returncode == 0, chk.stderr[-3000:]


# ---------------------------------------------------------------- two builds at once

def _two_at_once(root: Path) -> list[tuple[int, str, str]]:
    procs = [subprocess.Popen(command(root, "build"), cwd=root, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [(p.wait(timeout=HANG), *p.communicate()) for p in procs]
    for rc, out, err in results:
        assert rc == 0, err[-3000:]
        assert "Traceback" not in err
    return results


def test_two_builds_at_once_both_succeed_and_publish_one_whole_site(site):
    # a fresh site (a first build: staging folder renamed to output/)
    results = _two_at_once(site)
    assert any("another build of" in err and "waiting" in err for _, _, err in results), results
    assert_whole(site, 0)
    first = site_files(site / "output")
    # a rebuild that rewrites every page (temporary file beside each, renamed into place)
    set_edition(site, 1)
    _two_at_once(site)
    assert_whole(site, 1)
    # the same site as one build alone makes
    shutil.rmtree(site / "output")
    (site / ".output.state.sqlite3").unlink()
    set_edition(site, 0)
    assert run(site, "build").returncode == 0
    assert site_files(site / "output") == first


def test_a_second_build_that_will_not_wait_says_another_is_running(site):
    holder = subprocess.Popen([sys.executable, "-c", (
        f"import sys, time; sys.path.insert(0, {str(REPO)!r})\n"
        "from pathlib import Path\nfrom digest.lock import site_lock\n"
        f"with site_lock(Path({str(site / 'output')!r})):\n"
        "    print('locked', flush=True); time.sleep(600)")], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        res = run(site, "build", "--wait", "0")
        assert res.returncode == 1
        assert f"another build of {site / 'output'} is running (pid {holder.pid}" in res.stderr
        assert "Traceback" not in res.stderr and not (site / "output").exists()
    finally:
        holder.kill()          # SIGKILL: the lock it held must not outlive it
        holder.wait()
    res = run(site, "build", "--wait", "0")
    assert res.returncode == 0, res.stderr
    assert_whole(site, 0)


# ---------------------------------------------------------------- Ctrl-C

def _group_gone(pgid: int, within: float = 10.0) -> bool:
    end = time.monotonic() + within
    while time.monotonic() < end:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


# run before main(): the program is imported, then a file says so
# "started" is touched inside main's handling of Ctrl-C: touched by the prelude itself, a Ctrl-C
# of the first try could land between the touch and main (seen on a loaded machine): Python's
# traceback before digest ran, not a fault of the build
STARTED = """
import digest.cli, pathlib
_main = digest.cli._main
def _started(argv):
    pathlib.Path('started').touch()
    return _main(argv)
digest.cli._main = _started
"""


def test_ctrl_c_to_the_process_group_never_hangs_and_leaves_a_whole_site(site):
    assert run(site, "build").returncode == 0
    started = site / "started"
    published = 0
    outcomes = []
    for n in range(1, 17):
        set_edition(site, n)                   # every page is rendered again (on forked workers)
        started.unlink(missing_ok=True)
        p = subprocess.Popen(command(site, "build", prelude=STARTED), cwd=site, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True,
                             start_new_session=True)        # its own process group, as in a terminal
        # timed from the moment the program is loaded (a Ctrl-C while the interpreter is still
        # importing it is Python's: a traceback, before anything was touched), so that a slow,
        # loaded machine does not move every try earlier; then from main's start to after publishing
        deadline = time.monotonic() + HANG
        while not started.exists() and p.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        time.sleep(0.09 * (n - 1))
        os.killpg(p.pid, signal.SIGINT)
        try:
            out, err = p.communicate(timeout=HANG)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.communicate()
            pytest.fail(f"try {n}: the build hung after Ctrl-C")
        assert _group_gone(p.pid), f"try {n}: processes of the build are left (zombie workers?)"
        assert p.returncode in (0, 130), (n, p.returncode, err[-3000:])
        assert "Traceback" not in err, (n, err[-3000:])
        now = editions(site / "output")
        assert now in ({published}, {n}), (n, now)
        if p.returncode == 130:
            said = err.strip().splitlines()[-1]
            if now == {n}:
                assert said == "interrupted: the new site had already been published to output/", (n, err)
            else:
                assert said == "interrupted: output/ left as it was", (n, err)
        outcomes.append((p.returncode, now == {n}))
        published = min(now)
    assert_whole(site, published)
    assert any(rc == 130 for rc, _ in outcomes), outcomes      # the signal did land during builds


# ---------------------------------------------------------------- killed while publishing

# run before the build, in its process: SIGKILL (no cleanup, like the OOM killer or a crash) at
# the Nth rename of a temporary file into output/, or at the Nth temporary file written
KILL_AT_RENAME = """
import os, signal
_replace, _count = os.replace, [0]
def replace(src, dst, *a, **k):
    if str(src).endswith('.digest-tmp') and '/output/' in str(dst):
        _count[0] += 1
        if _count[0] == {n}:
            os.kill(os.getpid(), signal.SIGKILL)
    return _replace(src, dst, *a, **k)
os.replace = replace
"""
KILL_AT_WRITE = """
import os, pathlib, signal
_write, _count = pathlib.Path.write_bytes, [0]
def write_bytes(self, data):
    if self.name.endswith('.digest-tmp'):
        _count[0] += 1
        if _count[0] == {n}:
            os.kill(os.getpid(), signal.SIGKILL)
    return _write(self, data)
pathlib.Path.write_bytes = write_bytes
"""


@pytest.mark.parametrize("repair", ["check", "build"])
def test_a_build_killed_at_the_first_rename_is_finished_by_the_next_check_or_build(site, repair):
    assert run(site, "build").returncode == 0
    set_edition(site, 1)
    killed = run(site, "build", prelude=KILL_AT_RENAME.format(n=1))
    assert killed.returncode == -signal.SIGKILL
    assert editions(site / "output") == {0}           # nothing renamed yet
    assert list((site / "output").rglob("*.digest-tmp"))
    res = run(site, repair)
    assert res.returncode == 0, res.stderr[-3000:]
    assert_whole(site, 1)       # every temporary file was complete: the publish is finished
    again = run(site, "build")
    assert again.returncode == 0 and editions(site / "output") == {1}


def test_a_build_killed_halfway_through_the_renames_is_finished(site):
    assert run(site, "build").returncode == 0
    set_edition(site, 1)
    killed = run(site, "build", prelude=KILL_AT_RENAME.format(n=100))
    assert killed.returncode == -signal.SIGKILL
    assert editions(site / "output") == {0, 1}        # half old, half new
    res = run(site, "check")
    assert res.returncode == 0 and "finished" in res.stderr, res.stderr[-3000:]
    assert_whole(site, 1)


def test_a_build_killed_while_writing_temporary_files_is_rolled_back(site):
    assert run(site, "build").returncode == 0
    set_edition(site, 1)
    killed = run(site, "build", prelude=KILL_AT_WRITE.format(n=50))
    assert killed.returncode == -signal.SIGKILL
    assert len(list((site / "output").rglob("*.digest-tmp"))) == 49
    res = run(site, "check")
    assert res.returncode == 0 and "rolled back" in res.stderr, res.stderr[-3000:]
    assert_whole(site, 0)
    assert run(site, "build").returncode == 0
    assert_whole(site, 1)


# ---------------------------------------------------------------- damage that keeps size and time

def test_verify_repairs_a_page_damaged_without_a_change_of_size_or_time(site):
    assert run(site, "build").returncode == 0
    page = next((site / "output" / "en").glob("jing-kou*.html"))
    good = page.read_bytes()
    st = page.stat()
    bad = good.replace(b"Jingkou", b"Jingkoo", 1)
    assert bad != good and len(bad) == len(good)
    page.write_bytes(bad)
    os.utime(page, ns=(st.st_atime_ns, st.st_mtime_ns))
    res = run(site, "build")
    assert res.returncode == 0 and page.read_bytes() == bad       # a plain build trusts size and time
    res = run(site, "build", "--verify")
    assert res.returncode == 0, res.stderr
    assert page.read_bytes() == good and "1 page written" in res.stdout, res.stdout
    assert_whole(site, 0)
