"""The I/O edge of ingest: find sources, read them, write ``content/<slug>.zh.md``.

Stability: a source that was ingested before keeps its slug (looked up by the
``source`` front-matter field), so re-ingesting, even after a retitle, updates
the same file. A new slug that another source already uses gets ``-2``,
``-3``… An error never writes or deletes a content file; the other files go on.
"""
from __future__ import annotations

import datetime
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..content import ZH_SUFFIX, atomic_write_text, dump_article, parse_yaml
from ..errors import InputError, Reporter, escaped
from .slug import numbered


@dataclass
class IngestResult:
    source: Path
    path: Path | None = None          # the content file written (or already up to date)
    slug: str | None = None
    status: str = "written"           # "written" | "unchanged" | "duplicate" | "error"
    message: str = ""


# memory grows about 25 times the file size while normalising (Python strings and the
# line list); 20 MB keeps a run under about 600 MB. No news article comes near it.
MAX_BYTES = 20_000_000


@dataclass
class _Existing:
    path: Path
    slug: str
    source: str | None
    sha: str | None


def _text(value) -> str | None:
    return value if isinstance(value, str) and value else None


def _front_matter(path: Path) -> dict:
    """Only the YAML between the first two ``---`` lines: cheap, and tolerant of bad files."""
    try:
        with open(path, encoding="utf-8") as f:
            if f.readline().strip() != "---":
                return {}
            lines = []
            for line in f:
                if line.strip() == "---":
                    break
                lines.append(line)
        meta, _lines = parse_yaml("".join(lines))     # (no aliases: a "bomb" is refused, not expanded)
    except (OSError, UnicodeDecodeError, yaml.YAMLError, RecursionError):
        return {}
    return meta if isinstance(meta, dict) else {}


def _scan(content_dir: Path) -> list[_Existing]:
    found = []
    if not content_dir.is_dir():
        return found
    for p in sorted(content_dir.iterdir()):
        if not p.name.endswith(ZH_SUFFIX):
            continue
        meta = _front_matter(p)
        slug = p.name[: -len(ZH_SUFFIX)]
        found.append(_Existing(p, slug, _text(meta.get("source")), _text(meta.get("source_sha256"))))
    return found


def _display(path: Path, root: Path) -> str:
    try:
        return str(Path(os.path.abspath(path)).relative_to(os.path.abspath(root)))
    except ValueError:
        return str(path)


def expand(paths, reporter: Reporter) -> list[Path]:
    """Files as given, and the ``.txt`` files of folders (sorted, not recursive). In a folder,
    a symbolic link to a file outside that folder is refused (``ln -s /etc/passwd seeds/p.txt``
    would publish it); a link within the folder is followed. A file named on the command
    line is taken as named."""
    out: list[Path] = []
    for p in map(Path, paths):
        try:
            if p.is_dir():
                out.extend(_folder_files(p, reporter))
            elif p.exists() or p.is_symlink():
                out.append(p)
            else:
                reporter.report(InputError("no such file or folder", p))
        except OSError as e:
            reporter.report(InputError(f"cannot list: {e.strerror}", p))
    return out


def _folder_files(folder: Path, reporter: Reporter) -> list[Path]:
    inside = os.path.join(os.path.realpath(folder), "")
    out = []
    for q in sorted(folder.iterdir()):
        if q.suffix != ".txt":
            continue
        if q.is_symlink():
            target = os.path.realpath(q)
            if not target.startswith(inside):
                reporter.report(InputError(f"symbolic link to {escaped(target)}, outside {escaped(str(folder))}: "
                                           "not ingested (copy the file in instead)", q))
                continue
        if not q.is_dir():
            out.append(q)
    return out


def utc_time(seconds: float) -> str:
    return datetime.datetime.fromtimestamp(int(seconds), datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def ingest_paths(paths, content_dir: Path, reporter: Reporter, root: Path | None = None,
                 only_changed: bool = False, progress=None, cache_dir: Path | None = None) -> list[IngestResult]:
    """Ingest every .txt under ``paths`` into ``content_dir``; ``progress()`` (optional) is
    called once per source file. The source file's modification time is recorded as
    ``source_time``: an undated article's time in the feeds, which a content file deleted
    and ingested again gets back unchanged (the clock at ingest would not). ``cache_dir``: the
    Settings' cache folder (the language model's tables are kept there)."""
    from . import describe, normalise     # the pure core

    root = Path(root) if root is not None else Path.cwd()
    content_dir = Path(content_dir)
    existing = _scan(content_dir)
    by_source = {e.source: e for e in existing if e.source}
    shas = {e.sha: e for e in existing if e.sha}
    used = {e.slug: e for e in existing}
    taken_now: set[str] = set()
    results: list[IngestResult] = []
    for src in expand(paths, reporter):
        if progress is not None:
            progress()
        shown = _display(src, root)
        if shown != escaped(shown):
            # (the name holds bytes that are not UTF-8: it cannot be written into front matter,
            # a page or a URL; the file is left alone)
            err = InputError("file name is not valid UTF-8: rename the file (e.g. to ASCII)", escaped(shown))
            reporter.report(err)
            results.append(IngestResult(src, status="error", message=err.message))
            continue
        try:
            st = src.stat()
            size = st.st_size
            if size > MAX_BYTES:
                err = InputError(f"file is {size / 1e6:.1f} MB; an article is at most {MAX_BYTES // 1_000_000} MB "
                                 "(a scraped dump? split it into articles)", shown)
                reporter.report(err)
                results.append(IngestResult(src, status="error", message=err.message))
                continue
            raw = src.read_bytes()
        except OSError as e:
            err = InputError(f"cannot read: {e.strerror or e}", shown)
            reporter.report(err)
            results.append(IngestResult(src, status="error", message=err.message))
            continue
        sha = hashlib.sha256(raw).hexdigest()
        twin = shas.get(sha)
        if twin is not None and twin.source not in (None, shown):
            # the same bytes under another name: one article, not two with colliding slugs
            reporter.warning(shown, None, f"same text as {twin.source} ({_display(twin.path, root)}); "
                                          "not ingested a second time")
            results.append(IngestResult(src, status="duplicate"))
            continue
        if only_changed and twin is not None:
            reporter.info(f"ingest: {shown} unchanged")
            results.append(IngestResult(src, twin.path, twin.slug, status="unchanged"))
            continue
        try:
            result = normalise(raw, shown, cache_dir)
        except InputError as e:
            reporter.report(e)
            results.append(IngestResult(src, status="error", message=e.message))
            continue
        article = result.article
        prior = by_source.get(shown)
        if prior is not None:
            slug = prior.slug
        else:
            slug, n = article.slug, 1
            while slug in taken_now or (slug in used and used[slug].source != shown):
                n += 1
                slug = numbered(article.slug, n)
        taken_now.add(slug)
        article.slug = slug
        article.source = shown
        article.source_sha256 = sha
        article.source_time = utc_time(st.st_mtime)
        target = content_dir / f"{slug}{ZH_SUFFIX}"
        for line, msg in result.warnings:
            reporter.warning(shown, line, msg)
        try:
            changed = atomic_write_text(target, dump_article(article))
        except OSError as e:
            err = InputError(f"cannot write {target}: {e.strerror or e}", shown)
            reporter.report(err)
            results.append(IngestResult(src, status="error", message=err.message))
            continue
        by_source[shown] = _Existing(target, slug, shown, sha)
        used[slug] = by_source[shown]
        shas[sha] = by_source[shown]
        reporter.info(f"ingest: {shown} -> {_display(target, root)} ({describe(result)})")
        results.append(IngestResult(src, target, slug, "written" if changed else "unchanged"))
    return results
