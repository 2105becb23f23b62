"""The build, stage by stage: ingest -> load -> keywords -> translate -> render -> publish.

Each stage is a function in its own module; this file runs them in order,
caches their results by content hash in the build state (digest/state.py), and
publishes ``output/`` (digest/publish.py) so that a failed build leaves the previous
site untouched: every page is rendered before anything in ``output/`` changes, so a
bad input, a model error, a template error or Ctrl-C during the build leaves the old
site exactly as it was. One build of a site runs at a time (digest/lock.py).

A build whose inputs (files' sizes and times, settings, code: digest/fingerprint.py) are
those of the last successful build does nothing and says so. Rendering what changed and
publishing it is digest/output.py.
"""
from __future__ import annotations

import functools
import json
import os
import sys
import time
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import InputError, Reporter, counted, progress_bar
from .fingerprint import code_version, input_fingerprint, output_intact
from .lock import site_lock
from .publish import recover
from .settings import Settings
from .state import BuildState, cache_lookup, cache_save, cached_stage, digest_of

if TYPE_CHECKING:
    from .article import Article
    from .segment import Segmenter
    from .sitedata import SiteData
# (the content module, and YAML with it, is imported by the stages that read content, and the
# data model, the segmenter and the render stage by the stages that use them: a build with
# nothing changed stops before them)


@dataclass
class BuildResult:
    ok: bool = True
    nothing_changed: bool = False
    articles: int = 0
    pages_written: int = 0
    pages_unchanged: int = 0
    pages_removed: int = 0
    sentences_translated: int = 0
    seconds: float = 0.0
    published: bool = False               # output/ was switched over to this build's site
    site: "SiteData | None" = None       # what was built (kept for `review`, which stops after translate)

    def summary(self) -> str:
        if self.nothing_changed:
            return f"nothing changed, nothing written ({self.seconds:.2f} s)"
        removed = f", {self.pages_removed} removed" if self.pages_removed else ""
        return (f"{counted(self.articles, 'article')}, {counted(self.pages_written, 'page')} written, "
                f"{self.pages_unchanged} unchanged{removed}, "
                f"{counted(self.sentences_translated, 'sentence')} translated, {self.seconds:.2f} s")


# ---------------------------------------------------------------- stages

def ingest_seeds(settings: Settings, reporter: Reporter, state: BuildState) -> int:
    """Ingest the seeds that are new or changed since the last build (by size and time, or
    their content file is gone); the number of seeds looked at. An unchanged seed costs a
    stat: ingest itself would read and hash every seed and every content file's front matter."""
    from .ingest.files import expand
    known = state.get_many("seed")
    fresh: dict[str, str] = {}
    todo: dict[Path, str | None] = {}
    for src in expand([settings.seeds_dir], reporter):
        try:
            st = os.stat(src)
        except OSError:
            todo[src] = None
            continue
        key = digest_of(str(src), st.st_size, st.st_mtime_ns)
        target = known.get(key)
        if target is not None and os.path.isfile(target):
            fresh[key] = target
        else:
            todo[src] = key
    if todo:
        from .ingest import ingest_paths
        with progress_bar(settings.quiet, len(todo), "ingesting", "file") as bar:
            results = ingest_paths(list(todo), settings.content_dir, reporter, root=settings.root,
                                   only_changed=True, progress=lambda: bar.update(1),
                                   cache_dir=settings.cache_dir)
        for r in results:
            key = todo.get(r.source)
            if key is not None and r.path is not None and r.status in ("written", "unchanged"):
                fresh[key] = str(r.path)
    state.put_many("seed", fresh, replace_all=True)
    return len(todo)


def load_content(settings: Settings, reporter: Reporter, state: BuildState | None = None,
                 keys: dict[str, str] | None = None, hashes: dict[str, str] | None = None) -> list[Article]:
    """Read content/*.zh.md; files whose size and time are unchanged come from the state cache.
    ``keys`` (optional) receives each article's cache key, by slug; ``hashes`` its zh_hash()."""
    from .content import content_files, load_article
    from .sitedata import sort_articles
    version = code_version("content")
    paths = {}
    for path in content_files(settings.content_dir):
        st = os.stat(path)
        paths[path] = digest_of(path, st.st_size, st.st_mtime_ns, version)

    def load(todo: list[str]) -> dict[str, tuple[Article, str]]:
        loaded = {}
        for path in todo:
            try:
                a = load_article(Path(path))
            except InputError as e:
                reporter.report(e)
                continue
            loaded[path] = (a, a.zh_hash())
        return loaded

    articles: list[Article] = []
    seen: dict[str, str] = {}
    for path, (a, zh) in cached_stage(state, "article", paths, load).items():
        if getattr(a, "draft", False):      # draft: true is not built
            continue
        if a.slug in seen:
            reporter.error(path, 1, f"slug '{a.slug}' is already used by {seen[a.slug]}; skipped")
            continue
        seen[a.slug] = path
        articles.append(a)
        if keys is not None:
            keys[a.slug] = paths[path]
        if hashes is not None:
            hashes[a.slug] = zh
    return sort_articles(articles)


def make_segmenter(settings: Settings | None, state: BuildState | None) -> Segmenter:
    """The build's segmenter: the glossary's terms, the cache folder (for the lexicon)."""
    from .segment import Segmenter
    glossary = settings.glossary_path if settings is not None else None
    return Segmenter(_glossary_terms(glossary, state) if glossary is not None else [],
                     settings.cache_dir if settings is not None else None)


def compute_keywords(articles: list[Article], state: BuildState | None,
                     settings: Settings | None = None, hashes: dict[str, str] | None = None,
                     pinyin_out: dict[str, bytes] | None = None,
                     seg: Segmenter | None = None, memo=None) -> dict[str, list[str]]:
    """Each article's keywords (the editor's tags first), segmented by ``seg`` (made from the
    settings when not given). ``pinyin_out`` (optional) receives the pinyin script of each
    article whose keywords were made (see SiteData.pinyin); ``memo`` (optional, the build's
    render memo) the search-index entry of each, for the render stage."""
    glossary = settings.glossary_path if settings is not None else None
    shared = digest_of(code_version("keywords"), code_version("segment"),
                       _file_digest(glossary) if glossary else None)
    from .keywords import with_tags
    if seg is None:
        seg = make_segmenter(settings, state)
    hashes = hashes or {}
    by_slug = {a.slug: a for a in articles}
    keys = {a.slug: digest_of(hashes.get(a.slug) or a.zh_hash(), a.title, shared) for a in articles}

    def extract(todo: list[str]) -> dict[str, list[str]]:
        from .parallel import MIN_ITEMS, imap_chunks
        if len(todo) >= MIN_ITEMS:
            seg.prepare_for_many()
        made: dict[str, list[str]] = {}
        with progress_bar(settings is None or settings.quiet, len(todo), "keywords", "article") as bar:
            job = functools.partial(_keywords_job, seg=seg, readings=pinyin_out is not None)
            for chunk in imap_chunks(job, [by_slug[s] for s in todo]):
                for kws, entry, script in chunk:
                    slug = todo[len(made)]
                    made[slug] = kws
                    if memo is not None:                                    # for the search stage
                        memo.get("search", entry[0], lambda e=entry[1]: e)
                    if script is not None:                                  # for the render stage
                        pinyin_out[slug] = script
                bar.update(len(chunk))
        return made

    found = cached_stage(state, "keywords", keys, extract)
    return {a.slug: with_tags(a.tags, found[a.slug]) for a in articles}      # the editor's tags first


def _keywords_job(a: Article, seg: Segmenter, readings: bool = False
                  ) -> tuple[list[str], tuple[str, str], bytes | None]:
    """One article's keywords, (memo key, entry) of its Chinese search-index document and (when
    ``readings``) its pinyin script, zlib-compressed: made while its segmentation is at hand
    (run in a worker on large builds)."""
    from .keywords import extract_keywords
    from .render.entries import zh_search_entry
    kws, entry = extract_keywords(a, seg), zh_search_entry(a, seg)
    if not readings:
        return kws, entry, None
    from .render.pinyin import article_script
    return kws, entry, zlib.compress(article_script(a, seg), 1)


@functools.lru_cache(maxsize=None)
def _glossary_terms(path: Path, state: BuildState | None = None) -> list[str]:
    """The glossary's terms (for the segmenter), cached by the file's size and time: reading
    the glossary imports the whole translate stage."""
    key = digest_of(str(path), _file_digest(path), code_version("translate"))
    if state is not None:
        cached = state.get("glossary-terms", key)
        if isinstance(cached, list):
            return cached
    try:
        from .translate.glossary import load_glossary
        terms = list(load_glossary(path).terms)
        if state is not None:
            state.put_many("glossary-terms", {key: terms}, replace_all=True)
        return terms
    except Exception:       # a broken glossary is reported by the translate stage
        return []


def _file_digest(path: Path | str) -> str | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return digest_of(st.st_size, st.st_mtime_ns)


def compute_translations(site: SiteData, settings: Settings, reporter: Reporter,
                         state: BuildState | None, rebuild_tm: bool, keys_out: dict[str, str] | None = None) -> int:
    """Fill site.translations and site.keyword_en; only what changed goes to the translate stage.
    ``keys_out`` (optional) receives each article's translation cache key, by slug (only for
    translations that are cached, i.e. not stale: a stale one is made again every build)."""
    # (the names finder tags with segment.py and postag.py: a change there can change a name)
    shared = digest_of(_file_digest(settings.glossary_path), settings.beam, code_version("translate"),
                       code_version("segment"), code_version("postag"),
                       str(settings.model_path) if settings.model_path else None, str(settings.tm_path))
    from .content import EN_SUFFIX
    content = str(settings.content_dir) + os.sep
    keys = {a.slug: digest_of(site.zh_hashes.get(a.slug) or a.zh_hash(), a.byline, a.editor,
                              _file_digest(content + a.slug + EN_SUFFIX), shared) for a in site.articles}
    terms = sorted({k for ks in site.keywords.values() for k in ks})
    term_keys = {t: digest_of(t, shared) for t in terms}
    # one call of the translate stage fills both caches
    site.translations, todo = cache_lookup(state, "translation", keys, reuse=not rebuild_tm)
    term_en, term_todo = cache_lookup(state, "term", term_keys, reuse=not rebuild_tm)
    sent = 0
    if todo or term_todo or not state:
        from .translate import translate_site      # (imported only when there is work: 0.05 s)
        by_slug = {a.slug: a for a in site.articles}
        tr = translate_site([by_slug[s] for s in todo], term_todo, settings, reporter, rebuild_tm=rebuild_tm)
        site.translations.update(tr.translations)
        sent = tr.sent_to_model
        term_en.update({t: tr.terms[t] for t in term_todo if t in tr.terms})
    site.keyword_en = {t: term_en[t] for t in terms if t in term_en}
    # a translation with stale or orphaned human items is made again every build, so that
    # every build names them until they are fixed
    fresh = {s: t for s, t in site.translations.items() if s in keys and not t.human_issues}
    if keys_out is not None:
        keys_out.update({s: keys[s] for s in fresh})
    cache_save(state, "translation", keys, fresh)
    cache_save(state, "term", term_keys, site.keyword_en)
    return sent


# ---------------------------------------------------------------- the build

def build(settings: Settings, reporter: Reporter, *, rebuild_tm: bool = False,
          translate_only: bool = False, verify: bool = False) -> BuildResult:
    """Run the pipeline, holding the site's lock (digest/lock.py). ``verify``: render every
    page again and rewrite any file in output/ whose bytes differ (a page damaged without
    a change of size or time is otherwise never noticed).

    A KeyboardInterrupt leaves with ``published`` set: whether output/ is the new site."""
    result = BuildResult()
    try:
        with site_lock(settings.output_dir, settings.lock_wait, _say):
            return _build(settings, reporter, result, rebuild_tm, translate_only, verify)
    except KeyboardInterrupt as e:
        e.published = result.published
        raise


def _say(message: str) -> None:
    print(f"build: {message}", file=sys.stderr, flush=True)       # (shown even with --quiet)


def _build(settings: Settings, reporter: Reporter, result: BuildResult, rebuild_tm: bool,
           translate_only: bool, verify: bool) -> BuildResult:
    t0 = time.perf_counter()
    recovered = recover(settings.output_dir)    # a publish cut short by a killed build
    if recovered:
        reporter.warning(settings.output_dir, None, recovered)
    state = BuildState(settings.state_path)
    try:
        fingerprint = input_fingerprint(settings, rebuild_tm)
        if (not translate_only and not verify and state.get_meta("fingerprint") == fingerprint
                and output_intact(settings, state)):
            result.nothing_changed = True
            _repeat_standing(state, reporter)
            result.seconds = time.perf_counter() - t0
            print(f"build: {result.summary()}", flush=True)
            return result
        state.forget_fingerprint()

        # 1. ingest: seeds/ -> content/ (only sources that changed)
        ingested = ingest_seeds(settings, reporter, state) if settings.seeds_dir.is_dir() else 0
        # what this build is made from: taken after ingest (which may rewrite content/) and
        # before anything is read, so an edit made while the build runs triggers the next one
        made_from = fingerprint if not (ingested or rebuild_tm) else input_fingerprint(settings, False)

        # 2. content files -> articles
        article_keys: dict[str, str] = {}
        zh_hashes: dict[str, str] = {}
        articles = load_content(settings, reporter, state, article_keys, zh_hashes)
        result.articles = len(articles)
        from .sitedata import SiteData
        site = SiteData(articles=articles, zh_hashes=zh_hashes)

        # 3. keywords (the render memo is made here: the keyword stage fills its search entries)
        site.segmenter = make_segmenter(settings, state)
        memo = None
        if not translate_only:           # (importing it imports the render stage)
            from .render.memo import Memo
            memo = Memo()
        site.keywords = compute_keywords(articles, state, settings, zh_hashes,
                                         None if translate_only else site.pinyin, site.segmenter, memo)

        # 4. translate
        translation_keys: dict[str, str] = {}
        result.sentences_translated = compute_translations(site, settings, reporter, state, rebuild_tm,
                                                           translation_keys)
        site.identities = {slug: digest_of(k, translation_keys.get(slug)) for slug, k in article_keys.items()
                           if slug in translation_keys}
        _keep_standing(state, settings, site, reporter)
        if translate_only:
            result.site = site
            result.seconds = time.perf_counter() - t0
            return result

        # 5. render, then publish atomically
        from .output import render_and_publish
        render_and_publish(site, settings, reporter, state, result, verify, memo)

        if not reporter.errors:
            state.set_meta("fingerprint", made_from)
    finally:
        state.close()
    result.seconds = time.perf_counter() - t0
    print(f"build: {result.summary()}", flush=True)
    return result


def _keep_standing(state: BuildState, settings: Settings, site: SiteData, reporter: Reporter) -> None:
    """Warn about English files whose Chinese is missing, and remember the warnings that stand
    until the content is fixed (stale and orphaned human translations), so that a build with
    nothing changed repeats them instead of falling silent."""
    from .content import EN_SUFFIX, ZH_SUFFIX, orphan_files
    standing = []
    for p in orphan_files(settings.content_dir, {a.slug for a in site.articles}):
        msg = (f"English translation without its Chinese: {p.name[:-len(EN_SUFFIX)]}{ZH_SUFFIX} is missing "
               "(or could not be read); this file is not used")
        reporter.warning(p, 1, msg)
        standing.append((str(p), 1, msg))
    for slug, t in site.translations.items():
        for issue in getattr(t, "human_issues", ()):
            from .translate.overrides import issue_message
            standing.append((issue.path, issue.line, issue_message(slug, issue)))
    state.set_meta("standing", json.dumps(standing, ensure_ascii=False))


def _repeat_standing(state: BuildState, reporter: Reporter) -> None:
    try:
        standing = json.loads(state.get_meta("standing") or "[]")
    except ValueError:
        return
    for path, line, msg in standing:
        reporter.warning(path, line, msg)
