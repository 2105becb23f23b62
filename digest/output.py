"""Render what changed into output/ and publish it atomically.

A page whose key (a hash of everything it is made from) and size are those recorded by the
last build is not rendered again. A first or clean build renders every file into a staging
folder that becomes output/ in one rename; a rebuild renders the changed files in memory and
switches them over through the journal (digest/publish.py). The render memo (render/memo.py)
is filled from the build state before and saved back after."""
from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Callable

from .errors import Reporter, progress_bar
from .fingerprint import code_version, file_size
from .publish import no_interrupt, publish_changes, publish_staging, safe_rel, staging_path
from .settings import Settings
from .sitedata import SiteData
from .state import BuildState


def render_and_publish(site: SiteData, settings: Settings, reporter: Reporter,
                       state: BuildState, result, verify: bool = False, memo=None) -> None:
    """Render what changed and publish it (``result``: the build's BuildResult, whose page counts
    and ``published`` are set here, the latter in the same uninterruptible step as the switch); ``memo`` (a render.memo.Memo, made by the build)
    is filled from the state, active while pages are rendered, and saved back."""
    from . import render
    from .render.memo import LAZY, Memo, active
    memo = Memo() if memo is None else memo
    recorded = state.outputs()
    previous = recorded if settings.output_dir.is_dir() else {}
    _load_memo(state, memo)
    with active(memo):
        todo, files, keys, sizes, staging = _render_changed(site, settings, reporter, state, verify, render, previous)
    for name, table in memo.export().items():      # one row per entry: an edit writes a few
        state.put_many(f"memo-{name}", table, replace_all=True)
    for name in LAZY:
        keep, new = memo.export_lazy(name)
        state.retain(f"memo-{name}", keep | set(new))
        state.put_many(f"memo-{name}", new)
    out = settings.output_dir
    out_base = str(out) + os.sep
    # switching output/ over and recording it in the state are one step for Ctrl-C
    with no_interrupt():
        if staging is not None:
            publish_staging(staging, out)
            result.pages_written, result.pages_unchanged, result.pages_removed = len(todo), 0, 0
        else:
            result.pages_written, result.pages_unchanged, result.pages_removed = \
                publish_changes(out, files, set(keys), previous)
        result.published = True
        state.set_outputs({rel: (keys[rel], sizes[rel] if rel in sizes else file_size(out_base + rel))
                           for rel in keys}, previous=recorded)
        state.set_meta("told-no-base-url", "no" if settings.base_url else "yes")


def _render_changed(site: SiteData, settings: Settings, reporter: Reporter, state: BuildState, verify: bool,
            render, previous: dict) -> tuple[list, dict, dict, dict, "Path | None"]:
    """Render every page whose inputs changed: (todo, rendered files by path (output/ exists),
    keys, sizes, the staging folder the files were written into (a first or clean build))."""
    files: dict[str, bytes] = {}
    keys: dict[str, str] = {}
    sizes: dict[str, int] = {}
    out_base = str(settings.output_dir) + os.sep
    todo: list[tuple[str, Callable[[], bytes]]] = []
    told = state.get_meta("told-no-base-url") == "yes"      # once per site, not every build
    for rel, key, produce in render.render_files(site, settings, reporter, tell_no_base_url=not told,
                                                 previous=None if verify else previous, state=state):
        keys[rel] = key
        old = previous.get(rel)
        if not verify and old is not None and old[0] == key and file_size(out_base + rel) == old[1]:
            sizes[rel] = old[1]
            continue      # made from the same inputs, and still there: not rendered again
        todo.append((rel, produce))
    from .parallel import imap_chunks
    out = settings.output_dir
    # no output/ yet (a first or clean build): whoever renders a file writes it into a
    # staging folder, which becomes output/ in one rename when every file is there
    staging = None if out.is_dir() else staging_path(out)
    import shutil
    if staging is not None:
        if staging.exists():
            shutil.rmtree(staging)
        staging.mkdir(parents=True)
    work = _produce if staging is None else functools.partial(_write_into, str(staging) + os.sep, set())
    try:
        with progress_bar(settings.quiet, len(todo), "rendering", "page") as bar:
            done = 0
            for chunk in imap_chunks(work, todo):      # on every core when there are many
                for res in chunk:
                    if staging is None:
                        files[todo[done][0]] = res
                    else:
                        sizes[todo[done][0]] = res
                    done += 1
                bar.update(len(chunk))
    except BaseException:
        if staging is not None:                        # a failed first build leaves nothing
            shutil.rmtree(staging, ignore_errors=True)
        raise
    return todo, files, keys, sizes, staging


def _load_memo(state: BuildState, memo) -> None:
    """Fill the build's render memo from the state; entries made by other render code are
    dropped first."""
    from .render.memo import LAZY, TABLES
    version = code_version("render")
    if state.get_meta("memo-version") != version:
        state.delete_kinds(["render-memo"] + [f"memo-{name}" for name in TABLES])
        state.set_meta("memo-version", version)
    memo.load({name: state.get_many(f"memo-{name}") for name in TABLES if name not in LAZY})
    for name in LAZY:
        memo.load_lazy(name, state.keys(f"memo-{name}"), functools.partial(state.get_any_process, f"memo-{name}"))


def _produce(item: tuple[str, Callable[[], bytes]]) -> bytes:
    return item[1]()


def _write_into(staging: str, made: set[str], item: tuple[str, Callable[[], bytes]]) -> int:
    """Render one file into the staging folder (``staging``: its path and a separator); its
    size. ``made``: the folders this process has made in it (each is made once, not once per
    file). Written with os.open/os.write: a first build writes thousands of files, and
    pathlib's write_bytes (a buffered file, its fstat and isatty) and a mkdir per file cost
    more than the writing."""
    rel, produce = item
    safe_rel(rel)
    data = produce()
    folder = rel.rpartition("/")[0]
    if folder not in made:
        os.makedirs(staging + folder, exist_ok=True)
        made.add(folder)
    fd = os.open(staging + rel, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0), 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)
    return len(data)
