"""The build, stage by stage: ingest -> load -> keywords -> translate -> render -> publish.

Each stage is a function in its own module; this file runs them in order,
caches their results by content hash in the build state (digest/state.py), and
publishes ``output/`` (digest/publish.py) so that a failed build leaves the previous
site untouched: every page is rendered before anything in ``output/`` changes, so a
bad input, a model error, a template error or Ctrl-C during the build leaves the old
site exactly as it was. One build of a site runs at a time (digest/lock.py).

A build whose inputs (files' sizes and times, settings, code) are those of the
last successful build does nothing and says so.
"""
from __future__ import annotations

import functools
import json
import os
import shutil
import sys
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import __version__
from .article import Article, Translation
from .content import EN_SUFFIX, ZH_SUFFIX, content_files, load_article, orphan_files
from .errors import InputError, Reporter, progress_bar
from .lock import site_lock
from .publish import no_interrupt, publish_changes, publish_staging, recover, safe_rel, staging_path
from .settings import Settings
from .state import BuildState, cache_lookup, cache_save, cached_stage, digest_of, tree_stat

MODEL_CREDIT = ("Machine translation: Argos Translate translate-zh_en-1_9 "
                "(derived from OPUS-MT), CC BY 4.0")


@dataclass
class SiteData:
    """Everything the renderer needs, computed before anything is written."""

    articles: list[Article]                               # sorted: newest first, then slug
    translations: dict[str, Translation] = field(default_factory=dict)
    keywords: dict[str, list[str]] = field(default_factory=dict)   # slug -> Chinese keywords
    keyword_en: dict[str, str] = field(default_factory=dict)       # Chinese keyword -> English label
    model_credit: str = MODEL_CREDIT
    # slug -> a digest that changes whenever the article or its translation may have changed
    # (content file stat + translation cache key), so the renderer can tell unchanged
    # articles without hashing their text; empty when the data was made another way
    identities: dict[str, str] = field(default_factory=dict)
    zh_hashes: dict[str, str] = field(default_factory=dict)        # slug -> Article.zh_hash()
    # slug -> its zh/<slug>.pinyin.js, zlib-compressed: made by the keyword stage while the
    # article's segmentation is at hand (see render._pinyin_files); absent: made when rendered
    pinyin: dict[str, bytes] = field(default_factory=dict)


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


def counted(n: int, noun: str) -> str:
    """``1 article``, ``2 articles``, ``0 articles``: English nouns of this summary only."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def sort_articles(articles: list[Article]) -> list[Article]:
    """Newest first (articles without a date last), then by slug: stable everywhere."""
    dated = sorted((a for a in articles if a.date), key=lambda a: a.slug)
    dated.sort(key=lambda a: a.date, reverse=True)
    undated = sorted((a for a in articles if not a.date), key=lambda a: a.slug)
    return dated + undated


# ---------------------------------------------------------------- fingerprint

def _code_stat() -> list:
    pkg = Path(__file__).parent
    return [(p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(pkg.rglob("*.py"))]


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
    outputs = state.outputs()
    if not outputs:
        return False
    base = str(out) + os.sep
    for rel, (_key, size) in outputs.items():
        try:
            if os.stat(base + rel).st_size != size:      # (string paths: 3x faster than pathlib)
                return False
        except OSError:
            return False
    return True


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


def compute_keywords(articles: list[Article], state: BuildState | None,
                     settings: Settings | None = None, hashes: dict[str, str] | None = None,
                     pinyin_out: dict[str, bytes] | None = None) -> dict[str, list[str]]:
    """Each article's keywords (the editor's tags first). ``pinyin_out`` (optional) receives
    the pinyin script of each article whose keywords were made (see SiteData.pinyin)."""
    glossary = settings.glossary_path if settings is not None else None
    shared = digest_of(code_version("keywords"), _file_digest(glossary) if glossary else None)
    from .keywords import set_cache_dir, set_terms, with_tags
    set_terms(_glossary_terms(glossary, state) if glossary is not None else [])
    set_cache_dir(settings.cache_dir if settings is not None else None)
    hashes = hashes or {}
    by_slug = {a.slug: a for a in articles}
    keys = {a.slug: digest_of(hashes.get(a.slug) or a.zh_hash(), a.title, shared) for a in articles}

    def extract(todo: list[str]) -> dict[str, list[str]]:
        from .keywords import prepare_for_many
        from .parallel import MIN_ITEMS, imap_chunks
        from .render import memo
        if len(todo) >= MIN_ITEMS:
            prepare_for_many()
        made: dict[str, list[str]] = {}
        with progress_bar(settings is None or settings.quiet, len(todo), "keywords", "article") as bar:
            job = functools.partial(_keywords_job, readings=pinyin_out is not None)
            for chunk in imap_chunks(job, [by_slug[s] for s in todo]):
                for kws, entry, script in chunk:
                    slug = todo[len(made)]
                    made[slug] = kws
                    memo.get("search", entry[0], lambda e=entry[1]: e)     # for the search stage
                    if script is not None:                                  # for the render stage
                        pinyin_out[slug] = script
                bar.update(len(chunk))
        return made

    found = cached_stage(state, "keywords", keys, extract)
    return {a.slug: with_tags(a.tags, found[a.slug]) for a in articles}      # the editor's tags first


def _keywords_job(a: Article, readings: bool = False
                  ) -> tuple[list[str], tuple[str, str], bytes | None]:
    """One article's keywords, (memo key, entry) of its Chinese search-index document and (when
    ``readings``) its pinyin script, zlib-compressed: made while its segmentation is at hand
    (run in a worker on large builds)."""
    from .keywords import extract_keywords
    from .render.pages import zh_search_entry
    kws, entry = extract_keywords(a), zh_search_entry(a)
    if not readings:
        return kws, entry, None
    from .render.pinyin import article_script
    return kws, entry, zlib.compress(article_script(a), 1)


@functools.lru_cache(maxsize=None)
def code_version(module: str) -> str:
    """Hash of a stage's source: cached results of an older version of the code are not reused."""
    base = Path(__file__).parent
    files = sorted((base / module).rglob("*.py")) if (base / module).is_dir() else [base / f"{module}.py"]
    return digest_of(*[p.read_bytes() for p in files if p.exists()])


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
    shared = digest_of(_file_digest(settings.glossary_path), settings.beam, code_version("translate"),
                       str(settings.model_path) if settings.model_path else None, str(settings.tm_path))
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
        site = SiteData(articles=articles, zh_hashes=zh_hashes)

        # 3. keywords
        site.keywords = compute_keywords(articles, state, settings, zh_hashes,
                                         None if translate_only else site.pinyin)

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
        render_and_publish(site, settings, reporter, state, result, verify)

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


# ---------------------------------------------------------------- render + publish

def render_and_publish(site: SiteData, settings: Settings, reporter: Reporter,
                       state: BuildState, result: BuildResult, verify: bool = False) -> None:
    from . import render
    from .render import memo
    previous = state.outputs() if settings.output_dir.is_dir() else {}
    _load_memo(state, memo)
    files: dict[str, bytes] = {}
    keys: dict[str, str] = {}
    sizes: dict[str, int] = {}
    out_base = str(settings.output_dir) + os.sep
    todo: list[tuple[str, Callable[[], bytes]]] = []
    told = state.get_meta("told-no-base-url") == "yes"      # once per site, not every build
    for rel, key, produce in render.render_files(site, settings, reporter, tell_no_base_url=not told,
                                                   state=state):
        keys[rel] = key
        old = previous.get(rel)
        if not verify and old is not None and old[0] == key and _size(out_base + rel) == old[1]:
            sizes[rel] = old[1]
            continue      # made from the same inputs, and still there: not rendered again
        todo.append((rel, produce))
    from .parallel import imap_chunks
    out = settings.output_dir
    # no output/ yet (a first or clean build): whoever renders a file writes it into a
    # staging folder, which becomes output/ in one rename when every file is there
    staging = None if out.is_dir() else staging_path(out)
    if staging is not None:
        if staging.exists():
            shutil.rmtree(staging)
        staging.mkdir(parents=True)
    work = _produce if staging is None else functools.partial(_write_into, staging)
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
    for name, table in memo.export().items():      # one row per entry: an edit writes a few
        state.put_many(f"memo-{name}", table, replace_all=True)
    for name in memo.LAZY:
        keep, new = memo.export_lazy(name)
        state.retain(f"memo-{name}", keep | set(new))
        state.put_many(f"memo-{name}", new)
    # switching output/ over and recording it in the state are one step for Ctrl-C
    with no_interrupt():
        if staging is not None:
            publish_staging(staging, out)
            result.pages_written, result.pages_unchanged, result.pages_removed = len(todo), 0, 0
        else:
            result.pages_written, result.pages_unchanged, result.pages_removed = \
                publish_changes(out, files, set(keys), previous)
        result.published = True
        state.set_outputs({rel: (keys[rel], sizes[rel] if rel in sizes else _size(out_base + rel))
                           for rel in keys}, previous=state.outputs())
        state.set_meta("told-no-base-url", "no" if settings.base_url else "yes")


def _load_memo(state: BuildState, memo) -> None:
    """Load the render memo tables; entries made by other render code are dropped first."""
    version = code_version("render")
    if state.get_meta("memo-version") != version:
        state.delete_kinds(["render-memo"] + [f"memo-{name}" for name in memo.TABLES])
        state.set_meta("memo-version", version)
    memo.load({name: state.get_many(f"memo-{name}") for name in memo.TABLES if name not in memo.LAZY})
    for name in memo.LAZY:
        memo.load_lazy(name, state.keys(f"memo-{name}"), functools.partial(state.get_any_process, f"memo-{name}"))


def _produce(item: tuple[str, Callable[[], bytes]]) -> bytes:
    return item[1]()


def _write_into(staging: Path, item: tuple[str, Callable[[], bytes]]) -> int:
    """Render one file into the staging folder; its size."""
    rel, produce = item
    safe_rel(rel)
    data = produce()
    p = staging / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(data)
    return len(data)


def _size(p: str) -> int:
    try:
        return os.stat(p).st_size             # (a string path: 3x faster than pathlib here)
    except OSError:
        return -1
