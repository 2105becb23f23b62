"""The render stage: SiteData -> the static site (HTML pages, feeds, sitemap, search index, assets).

``render_files`` yields every output file as (path, key, produce); ``render_site``
writes them all into a folder. Paths come from :mod:`digest.render.urls` only.
"""
from __future__ import annotations

import hashlib
import zlib
from pathlib import Path
from typing import Callable, Iterator

from ..errors import BuildError, Reporter
from ..settings import Settings
from ..sitedata import SiteData
from ..state import digest_of
from . import feeds, urls
from .entries import feed_entries, search_entries_by_article
from .environment import STATIC_FILES, make_env, render_page
from .keys import key_of, stable_digest
from .pages import Page
from .plan import plan_pages
from .search_index import index_js

__all__ = ["render_site", "render_files", "plan_pages", "render_page", "make_env", "Page"]


def _static_files(theme_dirs: Path | list[Path]) -> dict[str, bytes]:
    """The static files of the theme folders, merged: a file of an earlier folder wins."""
    dirs = [theme_dirs] if isinstance(theme_dirs, (str, Path)) else list(theme_dirs)
    out = {}
    for d in reversed(dirs):
        static = Path(d) / "static"
        if static.is_dir():
            for p in sorted(static.rglob("*")):
                if p.is_file() and not p.name.startswith("."):
                    out[urls.static(p.relative_to(static).as_posix())] = p.read_bytes()
    missing = [n for n in STATIC_FILES if urls.static(n) not in out]
    if missing:
        raise BuildError(f"theme is missing static/{', static/'.join(missing)}", path=dirs[0])
    return out


def render_files(site: SiteData, settings: Settings, reporter: Reporter, *,
                 tell_no_base_url: bool = True, fast: bool = True) -> Iterator[tuple[str, str, Callable[[], bytes]]]:
    """Every output file: (output path, content key, produce bytes). Deterministic order.
    ``tell_no_base_url``: say that feeds need --base-url (a build says it once per site).
    ``fast=False``: pages rendered without the render stage's shortcuts (the same bytes: tests
    compare the two)."""
    themes = settings.theme_dirs
    theme = themes[0]
    if not any((Path(d) / "templates").is_dir() for d in themes):
        raise BuildError(f"theme not found: {theme} (no templates/ folder)", path=theme)
    env = make_env(themes, settings.cache_dir, fast=fast)
    files: dict[str, bytes] = {}
    pages = plan_pages(site, settings, env)
    base = _render_version(themes)
    if settings.epub:     # first: the largest file, begun while the other workers take pages
        yield _epub_file(site, settings, base)
    for page in pages:
        # the key is made from what the page is made from (its context, the templates, this
        # code), so an unchanged page is never rendered again; rendering happens in produce()
        key = key_of(base + (page.deps if page.deps is not None else stable_digest(page.context)).encode())
        yield page.path, key, (lambda page=page: _render(env, page, themes))
    files.update(_static_files(themes))
    yield from _search_files(site, base)
    yield from _pinyin_files(site, settings, base)
    if settings.base_url:
        for lang in urls.LANGS:
            title = settings.site_title_zh if lang == "zh" else settings.site_title_en
            entries = feed_entries(site, lang, settings.feed_size)
            files[urls.atom(lang)] = feeds.atom_feed(lang, title, entries, settings.base_url)
        groups = [{"zh-Hans": urls.home()}]
        dates = [max(filter(None, map(feeds.lastmod, site.articles)), default=None)]
        for lang in urls.LANGS:
            groups.append({urls.HTML_LANG[lang]: urls.lang_index(lang)})
            dates.append(None)
        for a in site.articles:
            groups.append({"zh-Hans": urls.article("zh", a.slug), "en": urls.article("en", a.slug)})
            dates.append(feeds.lastmod(a))
            groups.append({"zh-Hans": urls.parallel(a.slug)})
            dates.append(feeds.lastmod(a))
        files[urls.SITEMAP] = feeds.sitemap(groups, settings.base_url, dates)
    elif tell_no_base_url:
        reporter.info("render: no --base-url given, so no Atom feeds, sitemap or canonical links "
                      "(they need absolute URLs)")
    for rel in sorted(files):
        data = files[rel]
        urls.safe_rel(rel)
        yield rel, key_of(data), (lambda d=data: d)


def _search_files(site, version: bytes) -> Iterator[tuple[str, str, Callable[[], bytes]]]:
    """The search index's shards. A shard whose articles are all known unchanged is keyed by
    their entries' keys, so it is not joined or hashed again; the others by their bytes."""
    entries, keys = search_entries_by_article(site)
    n = urls.search_shards(len(site.articles))
    shards: list[list[str]] = [[] for _ in range(n)]
    for a in site.articles:
        shards[urls.search_shard_of(a.slug, n)].append(a.slug)
    for i, slugs in enumerate(shards):
        def produce(slugs=slugs) -> bytes:
            return index_js([e for s in slugs for e in entries[s]])
        if all(s in keys for s in slugs):
            key = digest_of("search-shard", version.hex(), i, n, tuple(keys[s] for s in slugs))[:32]
            yield urls.search_index(i), key, produce
        else:
            data = produce()
            yield urls.search_index(i), key_of(data), (lambda d=data: d)


def _pinyin_files(site, settings, version: bytes) -> Iterator[tuple[str, str, Callable[[], bytes]]]:
    """Each article's pinyin readings, keyed by its Chinese and the glossary (whose terms the
    segmenter knows): an edit to the English or to another article leaves it alone. The
    keyword stage has made the script of each article it segmented (``site.pinyin``,
    compressed): that one is taken, the others are made here."""
    from . import pinyin
    glossary = settings.glossary_path
    try:
        st = glossary.stat()
        terms = (st.st_size, st.st_mtime_ns)
    except OSError:
        terms = None
    hashes = site.zh_hashes
    ready = site.pinyin
    for a in site.articles:
        zh = hashes.get(a.slug) or a.zh_hash()
        key = digest_of("pinyin", version.hex(), zh, terms)[:32]
        made = ready.get(a.slug)
        yield urls.pinyin_js(a.slug), key, ((lambda a=a: pinyin.article_script(a, site.segmenter)) if made is None
                                            else (lambda made=made: zlib.decompress(made)))


def _epub_file(site, settings, version: bytes) -> tuple[str, str, Callable[[], bytes]]:
    """The whole digest as one EPUB, keyed by every article's identity: made again only when
    an article or its translation changes, and then each unchanged article's page comes
    compressed from the memo (``epub`` table): an edit compresses one article."""
    from . import epub, memo
    from .context import origin_text

    identities = site.identities

    def aligned(a):
        t = site.translations.get(a.slug)
        return t if t is not None and t.n_blocks == a.n_blocks else None

    def member(a):
        def compute():
            t = aligned(a)
            notice = origin_text(t.origin, t.translator) if t is not None else \
                origin_text("missing", None)
            return epub.article_member(a, t, notice)
        if a.slug not in identities:
            return compute()
        return memo.get("epub", digest_of("epub", version.hex(), identities[a.slug]), compute)

    def produce() -> bytes:
        titles = {a.slug: (t.title if (t := aligned(a)) is not None else None) for a in site.articles}
        return epub.make_book(site.articles, titles, member, settings.site_title_zh, settings.site_title_en)

    if all(a.slug in identities for a in site.articles):
        key = digest_of("epub", version.hex(), settings.site_title_zh, settings.site_title_en,
                        tuple((a.slug, identities[a.slug]) for a in site.articles))[:32]
        return urls.EPUB, key, produce
    data = produce()
    return urls.EPUB, key_of(data), (lambda d=data: d)


def _render(env, page: Page, themes) -> bytes:
    try:
        return render_page(env, page)
    except Exception as e:   # a template error makes the whole site wrong
        import jinja2
        if isinstance(e, jinja2.TemplateError):
            path, line = getattr(e, "filename", None), getattr(e, "lineno", None)
            if path is None:                  # a runtime error: the template frame in the traceback
                path, line = _template_frame(e, themes)
            raise BuildError(f"template error: {e} (while rendering {page.path})",
                             path=path or _template_path(themes, page.template), line=line) from e
        raise


def _template_path(themes, name: str) -> Path:
    """The file a template is read from: the first theme folder that has it."""
    themes = [themes] if isinstance(themes, (str, Path)) else list(themes)
    for d in themes:
        if (Path(d) / "templates" / name).is_file():
            return Path(d) / "templates" / name
    return Path(themes[0]) / "templates" / name


def _template_frame(e: BaseException, themes) -> tuple[str | None, int | None]:
    import traceback
    themes = [themes] if isinstance(themes, (str, Path)) else list(themes)
    folders = tuple(str(Path(d).resolve() / "templates") for d in themes)
    found = (None, None)
    for frame in traceback.extract_tb(e.__traceback__):
        if frame.filename.startswith(folders):
            found = (frame.filename, frame.lineno)
    return found


def _render_version(themes) -> bytes:
    """What every page depends on besides its context: the templates in use (each from the
    first theme folder that has it), the render code and the shared character classes."""
    themes = [themes] if isinstance(themes, (str, Path)) else list(themes)
    used: dict[str, Path] = {}
    for d in reversed(themes):
        folder = Path(d) / "templates"
        for p in sorted(folder.rglob("*")) if folder.is_dir() else []:
            if p.is_file():
                used[p.relative_to(folder).as_posix()] = p
    h = hashlib.sha256()
    for p in [used[k] for k in sorted(used, key=lambda k: k.rsplit("/", 1)[-1])] + \
            sorted(Path(__file__).parent.glob("*.py")) + [Path(__file__).parent.parent / "chars.py"]:
        h.update(p.name.encode() + b"\0" + p.read_bytes())
    return h.digest()


def render_site(site: SiteData, settings: Settings, out_dir: Path, reporter: Reporter, *,
                fast: bool = True) -> None:
    """Write the whole site into ``out_dir`` (a fresh staging folder)."""
    out_dir = Path(out_dir)
    root = out_dir.resolve()
    for rel, _key, produce in render_files(site, settings, reporter, fast=fast):
        target = (out_dir / urls.safe_rel(rel))
        if root not in target.resolve().parents:
            raise BuildError(f"refusing to write outside the output folder: {rel}")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(produce())
