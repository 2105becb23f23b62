"""The build, stage by stage: ingest -> load -> keywords -> translate -> render.

Each stage is a function in its own module; this file only runs them in order,
collects what they report, and publishes ``output/`` atomically: pages are
rendered into a staging folder beside ``output/`` and swapped in only when the
whole build succeeded, so a failed build leaves the previous site untouched.
"""
from __future__ import annotations

import importlib.util
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from .article import Article, Translation
from .content import content_files, load_article
from .errors import BuildError, InputError, Reporter
from .settings import Settings


@dataclass
class SiteData:
    """Everything the renderer needs, computed before anything is written."""

    articles: list[Article]                               # sorted: newest first, then slug
    translations: dict[str, Translation] = field(default_factory=dict)
    keywords: dict[str, list[str]] = field(default_factory=dict)   # slug -> Chinese keywords
    keyword_en: dict[str, str] = field(default_factory=dict)       # Chinese keyword -> English label
    model_credit: str = ("Machine translation: Argos Translate translate-zh_en-1_9 "
                         "(derived from OPUS-MT), CC BY 4.0")


@dataclass
class BuildResult:
    ok: bool = True
    articles: int = 0
    pages_written: int = 0
    pages_unchanged: int = 0
    sentences_translated: int = 0
    seconds: float = 0.0
    skipped_stages: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (f"{self.articles} articles, {self.pages_written} pages written, "
                f"{self.pages_unchanged} unchanged, {self.sentences_translated} sentences translated, "
                f"{self.seconds:.2f} s")


def stage_available(module: str) -> bool:
    try:
        return importlib.util.find_spec(f"digest.{module}") is not None
    except ModuleNotFoundError:
        return False


def sort_articles(articles: list[Article]) -> list[Article]:
    """Newest first (articles without a date last), then by slug: stable everywhere."""
    return sorted(articles, key=lambda a: (a.date is None, _neg_date(a.date), a.slug))


def _neg_date(date: str | None) -> tuple:
    return tuple(-ord(c) for c in (date or ""))


def load_content(settings: Settings, reporter: Reporter) -> list[Article]:
    articles: list[Article] = []
    seen: dict[str, Path] = {}
    for path in content_files(settings.content_dir):
        try:
            a = load_article(path)
        except InputError as e:
            reporter.report(e)
            continue
        if a.slug in seen:
            reporter.error(path, 1, f"slug '{a.slug}' is already used by {seen[a.slug]}; skipped")
            continue
        seen[a.slug] = path
        articles.append(a)
    return sort_articles(articles)


def build(settings: Settings, reporter: Reporter, *, rebuild_tm: bool = False,
          translate_only: bool = False) -> BuildResult:
    t0 = time.perf_counter()
    result = BuildResult()

    # 1. ingest: seeds/ -> content/
    if settings.seeds_dir.is_dir():
        from .ingest import ingest_paths
        ingest_paths([settings.seeds_dir], settings.content_dir, reporter, root=settings.root,
                     only_changed=True)

    # 2. load the content files
    articles = load_content(settings, reporter)
    result.articles = len(articles)
    site = SiteData(articles=articles)

    # 3. keywords
    if stage_available("keywords"):
        from .keywords import extract_keywords
        site.keywords = {a.slug: extract_keywords(a) for a in articles}
    else:
        _skip(result, reporter, "keywords")

    # 4. translate
    if stage_available("translate"):
        from .translate import translate_site
        terms = sorted({k for ks in site.keywords.values() for k in ks})
        tr = translate_site(articles, terms, settings, reporter, rebuild_tm=rebuild_tm)
        site.translations, site.keyword_en = tr.translations, tr.terms
        result.sentences_translated = tr.sent_to_model
    else:
        _skip(result, reporter, "translate")
    if translate_only:
        result.seconds = time.perf_counter() - t0
        return result

    # 5. render into a staging folder, then publish atomically
    if stage_available("render"):
        from .render import render_site
        written, unchanged = publish(settings, lambda staging: render_site(site, settings, staging, reporter))
        result.pages_written, result.pages_unchanged = written, unchanged
    else:
        _skip(result, reporter, "render")

    result.seconds = time.perf_counter() - t0
    if not settings.quiet or True:
        print(("build: " if result.ok else "build failed: ") + result.summary(), flush=True)
    return result


def _skip(result: BuildResult, reporter: Reporter, stage: str) -> None:
    result.skipped_stages.append(stage)
    reporter.info(f"{stage}: skipped (this stage is not built yet)")


def publish(settings: Settings, render) -> tuple[int, int]:
    """Run ``render(staging_dir)``; on success swap the staging folder in for output/.

    Returns (files written or changed, files unchanged) compared with the previous output.
    Any exception leaves the previous output exactly as it was.
    """
    out = settings.output_dir
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = out.parent / f".{out.name}.staging"
    old = out.parent / f".{out.name}.old"
    for p in (staging, old):
        if p.exists():
            shutil.rmtree(p)
    staging.mkdir()
    try:
        render(staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    written, unchanged = _diff_counts(out, staging)
    if out.exists():
        out.rename(old)
    try:
        staging.rename(out)
    except BaseException:
        if old.exists():
            old.rename(out)
        raise
    shutil.rmtree(old, ignore_errors=True)
    return written, unchanged


def _diff_counts(old: Path, new: Path) -> tuple[int, int]:
    written = unchanged = 0
    for p in new.rglob("*"):
        if not p.is_file():
            continue
        q = old / p.relative_to(new)
        if q.is_file() and q.stat().st_size == p.stat().st_size and q.read_bytes() == p.read_bytes():
            unchanged += 1
        else:
            written += 1
    return written, unchanged
