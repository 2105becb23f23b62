"""The render stage: SiteData -> the static site (HTML pages, feeds, sitemap, search index, assets).

``render_files`` yields every output file as (path, key, produce); ``render_site``
writes them all into a folder. Paths come from :mod:`digest.render.urls` only.
"""
from __future__ import annotations

import functools
import hashlib
import json
import zlib
from pathlib import Path
from typing import Callable, Iterator

from ..errors import BuildError, Reporter
from ..settings import Settings
from ..sitedata import SiteData
from ..state import digest_of
from . import feeds, urls
from .entries import feed_entries, search_entries_by_article, searched_translation
from .environment import STATIC_FILES, make_env, render_page
from .keys import key_of, stable_digest
from .pages import Page
from .plan import plan_pages

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
                 tell_no_base_url: bool = True, previous: dict[str, tuple[str, int]] | None = None,
                 state=None, fast: bool = True) -> Iterator[tuple[str, str, Callable[[], bytes]]]:
    """Every output file: (output path, content key, produce bytes). Deterministic order.
    ``tell_no_base_url``: say that feeds need --base-url (a build says it once per site).
    ``previous``: what output/ holds, by path, (key, size) as the build state recorded it (a
    file made again may reuse parts of its old self: the EPUB's unchanged chapters).
    ``state``: the build state (digest/state.py), where the search index keeps what an edit
    needs to change it in place (see _search_files_kept).
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
        yield _epub_file(site, settings, base, previous or {})
    for page in pages:
        # the key is made from what the page is made from (its context, the templates, this
        # code), so an unchanged page is never rendered again; rendering happens in produce()
        key = key_of(base + (page.deps if page.deps is not None else stable_digest(page.context)).encode())
        yield page.path, key, (lambda page=page: _render(env, page, themes))
    files.update(_static_files(themes))
    if state is not None:
        yield from _search_files_kept(site, base, state, Path(settings.output_dir))
    else:
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
    """The search index's parts (render/search_index.py). When every article is known unchanged
    they are keyed by the articles' entry keys and made only if one is asked for; else they are
    made from every document's entry and keyed by their bytes, so an edit rewrites only the
    parts its document's terms are in."""
    from .search_index import part_names
    entries, keys = search_entries_by_article(site)
    n = len(site.articles)
    build = _whole_index(site, entries)
    if all(a.slug in keys for a in site.articles):
        docs = sum(1 + (searched_translation(site, a) is not None) for a in site.articles)
        key = digest_of("search-parts", version.hex(), n, tuple(keys[a.slug] for a in site.articles))
        for name in part_names(n, docs):
            yield urls.search_part(name), digest_of(key, name)[:32], (lambda name=name: build()[name])
    else:
        for name, data in sorted(build().items()):
            yield urls.search_part(name), key_of(data), (lambda d=data: d)


def _whole_index(site, entries: dict[str, list[str]]) -> Callable[[], dict[str, bytes]]:
    """Every part of the index from every document's entry, made on the first call only."""
    from .search_index import build_parts
    made: dict[str, bytes] = {}

    def build() -> dict[str, bytes]:
        if not made:
            made.update(build_parts([e for a in site.articles for e in entries[a.slug]], len(site.articles)))
        return made
    return build


SEARCH_RECORD = ("search-index", "record")     # state: (kind, key) of the index's record


def _search_files_kept(site, version: bytes, state, out_dir: Path) -> Iterator[tuple[str, str, Callable[[], bytes]]]:
    """The search index's parts, keyed by their bytes, with a record in the build state (the
    articles' entry keys, each document's address, date and entry hash, each part's hash).
    When no article changed, the parts are the recorded ones (made only
    if one is asked for). When some changed but every document keeps its number (the same
    documents, the same dates), their old pieces are taken out and the new ones put in, in the
    parts they hash to only (search_index.update_parts), reading those parts from output/
    (checked against their recorded hashes). Anything else builds the whole index."""
    from .search_index import document_order, parts_of_docs, shard_counts
    entries, keys = search_entries_by_article(site)
    n = len(site.articles)
    tag = digest_of("search-index", version.hex(), site.segmenter.version, sorted(shard_counts(n).items()))
    build = _whole_index(site, entries)
    rec = state.get(*SEARCH_RECORD)
    if not (isinstance(rec, dict) and rec.get("tag") == tag and rec.get("n") == n
            and set(rec["art"]) == {a.slug for a in site.articles}):
        rec = None
    changed = [a.slug for a in site.articles
               if rec is None or keys.get(a.slug) is None or rec["art"][a.slug] != keys[a.slug]]
    if rec is not None and not changed:
        for name, h in sorted(rec["hash"].items()):
            yield urls.search_part(name), h, (lambda name=name: build()[name])
        return
    parts = _search_edit(rec, changed, entries, site.segmenter, out_dir) if rec is not None else None
    if parts is None:
        all_entries = [e for a in site.articles for e in entries[a.slug]]
        parsed = [json.loads(e) for e in all_entries]          # once, for the parts and the record
        parts = parts_of_docs(parsed, n)
        order = document_order(parsed)                        # the documents' numbers in the parts
        docs = [(parsed[i]["u"], parsed[i]["d"], hashlib.sha256(all_entries[i].encode("utf-8")).hexdigest())
                for i in order]
        del parsed, all_entries
        rec = {"tag": tag, "n": n, "num": {u: num for num, (u, _d, _h) in enumerate(docs)}, "docs": docs,
               "hash": {name: key_of(data) for name, data in parts.items()}}
    else:
        new_docs = parts.pop(None)
        rec["hash"].update({name: key_of(data) for name, data in parts.items()})
        for u, (num, sha) in new_docs.items():
            rec["docs"][num] = (u, rec["docs"][num][1], sha)
    rec["art"] = {a.slug: keys.get(a.slug) for a in site.articles}
    state.put_many(SEARCH_RECORD[0], {SEARCH_RECORD[1]: rec})
    for name, h in sorted(rec["hash"].items()):
        data = parts.get(name)
        yield urls.search_part(name), h, ((lambda name=name: build()[name]) if data is None
                                          else (lambda d=data: d))


def _search_edit(rec: dict, changed: list[str], entries, seg, out_dir: Path) -> dict | None:
    """The parts an edit of the ``changed`` articles makes (name -> bytes), and under the key
    None the edited documents (address -> (number, entry hash)); None when the edit cannot be
    made in place (a document added, removed or moved, or a recorded part missing or changed).
    An edited document's old entry is made again from its file in output/ (``d/<n>``, checked
    against its recorded hash) with the same segmenter (the record's tag), and must hash to the
    recorded entry hash: the build state need not keep every entry."""
    from .search_index import b36, doc_entry, part_value, shard_counts, update_parts

    def old_value(name: str):
        h = rec["hash"].get(name)
        try:
            data = (out_dir / urls.search_part(name)).read_bytes()
        except OSError:
            return None
        return part_value(name, data) if h is not None and key_of(data) == h else None

    changes, new_docs = [], {}
    for slug in changed:
        for e in entries[slug]:
            doc = json.loads(e)
            num = rec["num"].get(doc["u"])
            if num is None or rec["docs"][num][1] != doc["d"]:
                return None
            sha = hashlib.sha256(e.encode("utf-8")).hexdigest()
            if sha == rec["docs"][num][2]:
                continue
            old_doc = old_value(f"d/{b36(num)}")
            old = doc_entry(old_doc, seg) if old_doc is not None else None
            if old is None or hashlib.sha256(old.encode("utf-8")).hexdigest() != rec["docs"][num][2]:
                return None
            changes.append((num, json.loads(old), doc))
            new_docs[doc["u"]] = (num, sha)
    # the same documents: every recorded one of a changed article is still there
    us = {u for slug in changed for u in (urls.article(lang, slug) for lang in urls.LANGS)}
    if sum(1 for u in us if u in rec["num"]) != sum(len(entries[slug]) for slug in changed):
        return None
    parts = update_parts(changes, shard_counts(rec["n"]), old_value)
    if parts is None:
        return None
    parts[None] = new_docs
    return parts


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


def _epub_file(site, settings, version: bytes, previous: dict[str, tuple[str, int]]
               ) -> tuple[str, str, Callable[[], bytes]]:
    """The whole digest as one EPUB, keyed by every article's identity: made again only when
    an article or its translation changes. Each unchanged article's page is then copied as
    bytes from the book in output/ (the memo's ``epub-book`` table says which article each of
    its members is) or, failing that, comes compressed from the memo (``epub`` table): an edit
    compresses one article and reads nothing else from the state."""
    from . import epub, memo
    from .context import origin_text

    identities = site.identities
    member_keys = {a.slug: digest_of("epub", version.hex(), identities[a.slug])
                   for a in site.articles if a.slug in identities}

    def aligned(a):
        t = site.translations.get(a.slug)
        return t if t is not None and t.n_blocks == a.n_blocks else None

    def compute(a):
        t = aligned(a)
        notice = origin_text(t.origin, t.translator) if t is not None else origin_text("missing", None)
        return epub.article_member(a, t, notice)

    def produce(old_book=None) -> bytes:
        old, members = _old_epub_members(settings.output_dir / urls.EPUB, *old_book) if old_book else ({}, {})

        def member(a):
            k = member_keys.get(a.slug)
            if k is None:
                return compute(a)
            reused = old.get(k)
            return reused if reused is not None else memo.get("epub", k, lambda: compute(a))
        titles = {a.slug: (t.title if (t := aligned(a)) is not None else None) for a in site.articles}
        return epub.make_book(site.articles, titles, member, settings.site_title_zh, settings.site_title_en,
                              members)

    if len(member_keys) == len(site.articles):
        key = digest_of("epub", version.hex(), settings.site_title_zh, settings.site_title_en,
                        tuple((a.slug, identities[a.slug]) for a in site.articles))[:32]
        # (here, in the build's own process: the render of the book may run in a worker)
        order = tuple(member_keys[a.slug] for a in site.articles)
        if memo.has("epub-book", key):
            memo.keep("epub-book", key)
        else:
            memo.get("epub-book", key, lambda: order)
        old_book = None
        was = previous.get(urls.EPUB)
        if was is not None and was[0] != key and memo.has("epub-book", was[0]):
            old_order = memo.get("epub-book", was[0], lambda: None)
            if isinstance(old_order, tuple):
                old_book = (old_order, was[1])
                for k in set(old_order).intersection(order):     # still in use: kept in the memo
                    memo.keep("epub", k)
        return urls.EPUB, key, functools.partial(produce, old_book)
    data = produce()
    return urls.EPUB, key_of(data), (lambda d=data: d)


def _old_epub_members(path: Path, order: tuple, size: int) -> tuple[dict[str, tuple], dict[str, tuple]]:
    """The members of the book at ``path``: its articles' by memo key (``order``: the key of its
    n-th article), and every member by name, when the file is the size the build state recorded
    and reads back as a zip that epub.write_zip made; else none (they are made again)."""
    from . import epub
    try:
        with open(path, "rb") as f:
            book = f.read()
    except OSError:
        return {}, {}
    members = epub.read_members(book) if len(book) == size else None
    if members is None:
        return {}, {}
    out = {}
    for i, k in enumerate(order, 1):
        m = members.get("OEBPS/" + epub.article_file(i))
        if m is not None and m[3] == epub.DEFLATED:
            out[k] = m
    return out, members


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
