"""Publishing output/: a build's files reach ``output/`` all together, or not at all.

- A first build (no ``output/`` yet) writes into ``.output.staging`` and renames that
  folder to ``output/`` in one step.
- A rebuild writes each changed file to a temporary name beside it
  (``.NAME.digest-tmp``) and renames it into place, then deletes pages that no
  longer exist. Ctrl-C (and SIGTERM) are held back while files are renamed, and
  come out afterwards as :class:`Interrupted` ("the new site was published").
- A journal beside the output (``.output.publish-journal``, JSON) makes the
  renames safe against a process that dies without warning (SIGKILL, the OOM
  killer, a crash): it lists the temporary files *before* they are written
  (phase ``writing``), and again with the files to delete once every one of them
  is complete (phase ``committing``). The next build, ``check`` or ``serve``
  calls :func:`recover`: a ``writing`` journal is rolled back (its temporary files
  are deleted: output/ is the old site), a ``committing`` one is rolled forward
  (the remaining renames and deletions are done: output/ is the new site).
  Leftover staging folders go too. Nothing is fsync'd: this holds against a
  process dying, not against the machine losing power.

Per-file renames (not a swap of one directory link) because a one-edit rebuild then
costs the few files that changed (bench/publish_cost.py measures both).
"""
from __future__ import annotations

import json
import os
import posixpath
import re
import signal
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

TMP_SUFFIX = ".digest-tmp"
JOURNAL_VERSION = 1
_holding: list[bool] = []          # non-empty while no_interrupt() holds signals back


class Interrupted(KeyboardInterrupt):
    """Ctrl-C or SIGTERM that arrived while output/ was being switched over: it was held
    back until the new site was in place, so ``published`` is true."""

    published = True


def staging_path(out: Path) -> Path:
    return out.parent / f".{out.name}.staging"


def old_path(out: Path) -> Path:
    return out.parent / f".{out.name}.old"


def journal_path(out: Path) -> Path:
    return out.parent / f".{out.name}.publish-journal"


def temp_name(rel: str) -> str:
    """The temporary name a rebuild writes ``rel`` to before renaming it into place."""
    head, _, name = rel.rpartition("/")
    return f"{head}/.{name}{TMP_SUFFIX}" if head else f".{name}{TMP_SUFFIX}"


@contextmanager
def no_interrupt():
    """Hold back Ctrl-C (and SIGTERM) while output/ is being switched over; raise
    :class:`Interrupted` afterwards if one came."""
    import threading
    if threading.current_thread() is not threading.main_thread() or _holding:
        yield                       # (not in a thread, and once only when nested)
        return
    _holding.append(True)
    received = []
    handlers = {}
    for sig in (signal.SIGINT, signal.SIGTERM):
        handlers[sig] = signal.signal(sig, lambda s, f: received.append(s))
    try:
        yield
    finally:
        for sig, h in handlers.items():
            signal.signal(sig, h)
        _holding.pop()
        if received:
            raise Interrupted()


def _fault(point: str) -> None:
    """Test hook: ``DIGEST_KILL_AT=rename:N`` (or ``write:N``) kills this process (SIGKILL, no
    cleanup) just before the Nth rename into output/ of a rebuild (or the Nth temporary file); how the publish-interruption test
    stands in for a crash or the OOM killer at the worst moment."""
    at = os.environ.get("DIGEST_KILL_AT")
    if at and at == point:
        os.kill(os.getpid(), signal.SIGKILL)


def _write_journal(out: Path, phase: str, temps: list[str], remove: list[str]) -> None:
    j = journal_path(out)
    tmp = j.with_name(j.name + ".tmp")
    tmp.write_text(json.dumps({"version": JOURNAL_VERSION, "phase": phase, "temps": temps,
                               "remove": remove}), encoding="utf-8")
    os.replace(tmp, j)


def recover(out: Path) -> str | None:
    """Finish or undo a publish that was cut short, and delete what a killed build left
    (temporary files, staging folders). Call with the site lock held. Returns what was
    done, for the user, or None when there was nothing to do."""
    out = Path(out)
    done: list[str] = []
    old = old_path(out)
    if old.is_dir() and not old.is_symlink() and not os.path.lexists(out):
        old.rename(out)             # left by an older digest killed between the two renames of its swap
        done.append(f"{old.name} put back as {out.name} (a build was interrupted while publishing)")
    for p in (staging_path(out), old):
        if p.is_dir() and not p.is_symlink():
            import shutil
            shutil.rmtree(p, ignore_errors=True)
            done.append(f"removed {p.name}, left by an interrupted build")
    j = journal_path(out)
    j.with_name(j.name + ".tmp").unlink(missing_ok=True)
    try:
        raw = j.read_text(encoding="utf-8")
    except FileNotFoundError:
        return "; ".join(done) or None
    try:
        journal = json.loads(raw)
        phase, temps, remove = journal["phase"], journal["temps"], journal["remove"]
        if phase not in ("writing", "committing"):
            raise ValueError(phase)
        for rel in list(temps) + list(remove):
            safe_rel(rel)
    except (ValueError, KeyError, TypeError) as e:
        # unreadable: only temporary files can be removed; which renames were done is unknown
        removed = _remove_temps(out)
        j.unlink()
        done.append(f"{j.name} was unreadable ({e}); removed {removed} temporary file(s); "
                    f"a full rebuild rewrites what differs")
        return "; ".join(done)
    if phase == "writing":          # nothing in output/ was touched yet: roll back
        n = 0
        for rel in temps:
            try:
                (out / temp_name(rel)).unlink()
                n += 1
            except FileNotFoundError:
                pass
        done.append(f"an interrupted publish was rolled back (output/ is the previous site; "
                    f"{n} temporary file(s) removed)")
    else:                           # every temporary file is complete: roll forward
        n = 0
        for rel in temps:
            tmp = out / temp_name(rel)
            if tmp.exists():
                os.replace(tmp, out / rel)
                n += 1
        for rel in remove:
            p = out / rel
            p.unlink(missing_ok=True)
            prune_empty(p.parent, out)
        done.append(f"an interrupted publish was finished (output/ is the new site; "
                    f"{n} file(s) renamed into place, {len(remove)} removed)")
    j.unlink()
    return "; ".join(done)


def _remove_temps(out: Path) -> int:
    n = 0
    for p in out.rglob(f"*{TMP_SUFFIX}"):
        if p.is_file() and p.name.startswith("."):
            p.unlink()
            n += 1
    return n


def publish_staging(staging: Path, out: Path) -> None:
    """A first build: the complete staging folder becomes output/ in one rename."""
    with no_interrupt():
        staging.rename(out)


def publish_changes(out: Path, files: dict[str, bytes], expected: set[str],
                    previous: dict[str, tuple[str, int]]) -> tuple[int, int, int]:
    """Write ``files`` (rendered in memory) into ``out`` (which exists: a first build goes
    through :func:`publish_staging`) and delete files no longer expected.

    Returns (written, unchanged, removed).
    """
    for rel in list(files) + list(expected):
        safe_rel(rel)
    changed: list[tuple[str, bytes]] = []
    for rel, data in sorted(files.items()):
        try:
            if (out / rel).read_bytes() == data:
                continue
        except OSError:
            pass
        changed.append((rel, data))
    gone = sorted(set(previous) - expected)
    if not changed and not gone:
        return 0, len(expected), 0
    names = [rel for rel, _ in changed]
    # rewrite changed files: temp file beside each (listed in the journal first), then rename
    _write_journal(out, "writing", names, [])
    committed = False
    try:
        for i, (rel, data) in enumerate(changed, 1):
            _fault(f"write:{i}")
            target = out / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            (out / temp_name(rel)).write_bytes(data)
        with no_interrupt():
            _write_journal(out, "committing", names, gone)
            committed = True
            for i, rel in enumerate(names, 1):
                _fault(f"rename:{i}")
                os.replace(out / temp_name(rel), out / rel)
            removed = 0
            for rel in gone:
                p = out / rel
                try:
                    p.unlink()
                    removed += 1
                except OSError:
                    pass
                prune_empty(p.parent, out)
            journal_path(out).unlink()
    finally:
        if not committed:
            for rel in names:
                (out / temp_name(rel)).unlink(missing_ok=True)
            journal_path(out).unlink(missing_ok=True)
    return len(names), len(expected) - len(names), removed


def prune_empty(d: Path, stop: Path) -> None:
    while d != stop and d.is_dir():
        try:
            d.rmdir()
        except OSError:
            return
        d = d.parent


_PLAIN_PATH = re.compile(r"(?:[a-z0-9][a-z0-9_-]*/)*[a-z0-9][a-z0-9_.-]*")   # every segment plain


@lru_cache(maxsize=None)
def safe_rel(rel: str) -> str:
    """Return ``rel`` unchanged if it is a clean relative path inside the output folder, else raise
    ValueError: the one check of an output path, made where paths are made (render/urls.py) and
    again before anything is written or deleted (here, and the journal's entries in recover)."""
    if _PLAIN_PATH.fullmatch(rel):           # the usual case: no segment can be "", "." or ".."
        return rel
    if (not rel or "\x00" in rel or "\\" in rel or rel.startswith("/")
            or any(part in ("", ".", "..") for part in rel.split("/"))
            or posixpath.normpath(rel) != rel):
        raise ValueError(f"refusing an output path outside the output folder: {rel!r}")
    return rel
