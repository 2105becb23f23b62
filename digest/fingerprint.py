"""What a build is made from, cheaply: the inputs' fingerprint (files' sizes and times, settings,
code), whether output/ still holds every file the last build recorded, and each stage's code
version (a cached result of older code is not reused)."""
from __future__ import annotations

import os
import sys
from pathlib import Path

from . import __version__
from .settings import Settings
from .state import BuildState, digest_of, tree_stat

PACKAGE = Path(__file__).parent


def _code_stat() -> list:
    """(name, mtime, size) of the package's Python files, in path order."""
    out = []
    for rel, size, mtime in tree_stat(PACKAGE):
        if rel.endswith(".py"):
            out.append((rel, mtime, size))
    return out


def input_fingerprint(settings: Settings, rebuild_tm: bool) -> str:
    """Cheap: stats, not contents. Any change here means 'run the pipeline'."""
    tm = Path(settings.tm_path)
    return digest_of(
        __version__, _code_stat(),
        tree_stat(settings.seeds_dir) if settings.seeds_dir.is_dir() else None,
        tree_stat(settings.content_dir, skip_suffixes=(".sqlite3", ".sqlite3-wal", ".sqlite3-shm",
                                                        "-journal")),
        [tree_stat(d) for d in settings.theme_dirs],
        [str(d.resolve()) for d in settings.theme_dirs], settings.base_url, settings.beam, settings.per_page, settings.feed_size,
        settings.epub,
        str(settings.model_path) if settings.model_path else None,
        str(tm), rebuild_tm,
        sys.version_info[:2],
        settings.site_title_zh, settings.site_title_en, settings.keyword_page_min,
    )


def output_intact(settings: Settings, state: BuildState) -> bool:
    """Every file the state lists is in output/ with its size (someone may have deleted some)."""
    out = settings.output_dir
    if not out.is_dir():
        return False
    outputs = state.output_sizes()
    if not outputs:
        return False
    base = str(out) + os.sep
    return all(size >= 0 and file_size(base + rel) == size for rel, size in outputs)


def file_size(p: str) -> int:
    """The size of the file at ``p``, -1 when there is none."""
    try:
        return os.stat(p).st_size             # (a string path: 3x faster than pathlib here)
    except OSError:
        return -1


def code_version(module: str) -> str:
    """Hash of a stage's source and of the character classes every stage shares (chars.py):
    cached results of an older version of the code are not reused."""
    base = PACKAGE
    files = sorted((base / module).rglob("*.py")) if (base / module).is_dir() else [base / f"{module}.py"]
    files.append(base / "chars.py")
    return digest_of(*[p.read_bytes() for p in files if p.exists()])
