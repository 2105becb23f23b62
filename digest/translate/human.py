"""``build.py human SLUG``: scaffold (or refresh) an article's human translation file."""
from __future__ import annotations

from pathlib import Path

from ..content import EN_SUFFIX, atomic_write_text, content_files, load_article
from ..errors import DigestError, InputError, Reporter
from .overrides import load_override, scaffold_text


def find_article(settings, slug: str):
    for path in content_files(settings.content_dir):
        try:
            a = load_article(Path(path))
        except DigestError:
            continue
        if a.slug == slug:
            return a
    raise InputError(f"no article with slug '{slug}' in {settings.content_dir}")


def scaffold(settings, reporter: Reporter, slug: str, *, update: bool = False, force: bool = False,
             machine: bool = True) -> int:
    a = find_article(settings, slug)
    path = settings.content_dir / f"{a.slug}{EN_SUFFIX}"
    existing = None
    if path.exists():
        if not (update or force):
            raise InputError(f"{path.name} exists; --update refreshes its markers and keeps its English, "
                             "--force replaces it with a fresh scaffold", path)
        if update:
            existing = load_override(path, a)           # raises InputError when unusable
            if existing.problems:
                # an item the build cannot use would be dropped by the rewrite: nothing is lost
                for line, msg in existing.problems:
                    reporter.error(path, line, msg)
                raise InputError("not rewritten: fix the problems above first (or --force to start again)", path)
    en = None
    if machine:
        from . import translate_site
        en = translate_site([a], [], settings, reporter).translations.get(a.slug)
    atomic_write_text(path, scaffold_text(a, en, existing))
    if existing is not None:
        for iss in existing.issues:
            if iss.kind == "stale":
                from .overrides import describe
                reporter.info(f"human: {describe(iss.unit, iss.block, iss.sentence)} now marked as made from "
                              "the current Chinese (it was stale)")
        if existing.old_format:
            reporter.info(f"human: {path.name} migrated to per-block markers")
    reporter.info(f"human: wrote {path}")
    return 0
