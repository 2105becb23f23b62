"""The command line: verbs and flags only; every verb calls one function elsewhere.

Exit status: 0 success, 1 when any input was refused (the others are still
processed) or a build/check failed, 2 on wrong usage (argparse's own).
"""
from __future__ import annotations

import argparse
import gc
import signal
import sys
from pathlib import Path

from .errors import DigestError, Reporter
from .settings import Settings


def _common(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("common options")
    g.add_argument("--config", type=Path, metavar="FILE",
                   help="site config file; flags override it (default: digest.toml in the current folder, if any)")
    g.add_argument("--content", type=Path, metavar="DIR", help="content folder (default: content/)")
    g.add_argument("--output", type=Path, metavar="DIR", help="output folder (default: output/)")
    g.add_argument("--cache", type=Path, metavar="DIR",
                   help="cache folder for the model and translation memory "
                        "(default: $DIGEST_CACHE or ~/.cache/digest)")
    g.add_argument("--quiet", "-q", action="store_true", help="print only warnings, errors and the summary (default: off)")
    g.add_argument("--debug", action="store_true", help="show tracebacks for errors (default: off)")


def _build_opts(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("build options")
    g.add_argument("--seeds", type=Path, metavar="DIR", help="raw articles to ingest first (default: seeds/)")
    g.add_argument("--theme", metavar="NAME|DIR", help="theme under themes/, or a theme folder (default: default)")
    g.add_argument("--base-url", metavar="URL", help="absolute site URL for feeds, sitemap and canonical links "
                        "(default: none, so no feeds, sitemap or canonical links)")
    g.add_argument("--model", type=Path, metavar="PATH", help="an Argos .argosmodel file or unpacked package folder "
                        "(default: translate-zh_en-1_9, fetched once into the cache)")
    g.add_argument("--beam", type=int, metavar="N", help="beam size (1 = greedy, fastest; default: 1)")
    g.add_argument("--device", choices=("auto", "cpu", "cuda"),
                   help="where the model runs: auto picks cuda when a GPU is found (default: auto)")
    g.add_argument("--per-page", type=int, metavar="N",
                   help="articles per page of the home page, the article lists and keyword pages "
                        "(0: all on one page; default: 50)")
    g.add_argument("--feed-size", type=int, metavar="N",
                   help="newest articles in each Atom feed (0: every article; needs --base-url; default: 50)")
    g.add_argument("--keyword-page-min", type=int, metavar="N",
                   help="articles a keyword needs to get a page of its own; a keyword of fewer articles "
                        "is listed in the keyword index, linked to its article (1: every keyword; default: 2)")
    g.add_argument("--tm", type=Path, metavar="FILE", help="translation memory file, SQLite "
                        "(default: translation-memory.sqlite3 in the cache folder)")
    g.add_argument("--no-epub", dest="epub", action="store_false", default=None,
                   help="write no digest.epub and no download link to it on the home page (default: written)")
    g.add_argument("--tm-in-content", action="store_true",
                   help="keep the translation memory in content/ so a team can commit it (default: off)")
    g.add_argument("--rebuild-tm", action="store_true", help="discard the translation memory and start a new one (default: off)")
    g.add_argument("--verify", action="store_true",
                   help="render every page again and rewrite any file in output/ whose bytes differ (default: off)")
    _wait_opt(g)


def _wait_opt(g) -> None:
    g.add_argument("--wait", type=float, metavar="SECONDS", dest="lock_wait",
                   help="if another build of the same output/ is running, wait this long for it "
                        "(0: stop at once; default: 600)")


EXAMPLES = """\
examples:
  digest init mysite                     a new site: digest.toml, seeds/, content/, a glossary
  digest                                 build: seeds/ -> content/ -> output/ (or: python build.py)
  digest --base-url https://example.org/news/
                                         build with Atom feeds, a sitemap and canonical links
  digest ingest ~/scraped/               raw .txt articles -> content/<slug>.zh.md
  digest serve --port 8080               build, serve on http://127.0.0.1:8080/, rebuild on change
  digest check                           check the links, pairs and HTML of output/
  digest build --help                    every option of a verb, with its default

Settings come from digest.toml in the current folder (or --config FILE); a flag wins over it."""


def _prog() -> str:
    name = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else "digest"
    return "python -m digest" if name == "__main__.py" else (name or "digest")


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """Keeps the examples' line breaks."""


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=_prog(),
        description="Build the bilingual digest: seeds/ -> content/ -> output/. "
                    "With no verb, runs the whole pipeline.",
        epilog=EXAMPLES, formatter_class=_Formatter)
    _common(parser)
    _build_opts(parser)
    sub = parser.add_subparsers(dest="verb", metavar="VERB")

    p = sub.add_parser("build", help="run the whole pipeline (the default)",
                       description="Ingest seeds/, translate, render output/.")
    _common(p); _build_opts(p)

    p = sub.add_parser("init", help="make a new site folder: digest.toml, seeds/, content/, a glossary",
                       description="Make a new site in DIR (created if needed): a commented digest.toml, "
                                   "empty seeds/ and content/, and a commented content/glossary.toml. "
                                   "Nothing that exists is overwritten.")
    p.add_argument("dir", type=Path, metavar="DIR", help="the new site's folder")

    p = sub.add_parser("ingest", help="raw .txt articles -> content/<slug>.zh.md",
                       description="Normalise raw scraped .txt files (UTF-8, GB18030 or Big5; "
                                   "Simplified or Traditional) into content files.")
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="a .txt file or a folder of them")
    _common(p)

    p = sub.add_parser("translate", help="translate content/ to English (fills the translation memory)",
                       description="Machine-translate every article that needs it; no output is rendered.")
    _common(p); _build_opts(p)

    p = sub.add_parser("fetch-model", help="download, verify and unpack the zh->en model",
                       description="Fetch the Argos translate-zh_en-1_9 model (CC-BY 4.0) into the cache.")
    p.add_argument("--force", action="store_true", help="fetch and unpack again even if present (default: off)")
    _common(p)

    p = sub.add_parser("check", help="verify the built site",
                       description="Check links, pairs, keywords and HTML of output/; "
                                   "list stale and orphaned human translations in content/.")
    _common(p)
    _wait_opt(p)

    p = sub.add_parser("review", help="list the sentences that need a human, worst first",
                       description="Run the build up to translation (from the translation memory; nothing is "
                                   "rendered) and list what needs a human: sentences the checks flagged, stale "
                                   "and orphaned human translations, ingest repairs and remnants. Exit status 0 "
                                   "whenever the list is made, however long; 1 when the build could not "
                                   "translate.")
    p.add_argument("--html", type=Path, metavar="FILE",
                   help="also write the list as a page linking to each paragraph in the side-by-side view "
                        "(give a path outside output/: a build removes files it did not make; default: none, the list is printed only)")
    _common(p); _build_opts(p)

    p = sub.add_parser("human", help="write content/<slug>.en.md ready for a human translation",
                       description="Scaffold a human translation: every block of the Chinese with its hash "
                                   "and text as a marker, the machine's English as a comment, so an editor "
                                   "only writes English. Never overwrites an existing file without --update "
                                   "or --force.")
    p.add_argument("slug", metavar="SLUG", help="the article (its content/<slug>.zh.md)")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--update", action="store_true",
                   help="rewrite an existing file: keep its English, refresh every marker to the Chinese now "
                        "(stale items count as updated), migrate an old-format file (default: off)")
    g.add_argument("--force", action="store_true", help="replace an existing file with a fresh scaffold (default: off)")
    p.add_argument("--no-machine", action="store_true", help="leave out the machine's English (no model needed; default: off)")
    _common(p); _build_opts(p)

    p = sub.add_parser("epub", help="build the site and its e-book, output/digest.epub",
                       description="Run the build; the whole digest is written as one EPUB 3 file, "
                                   "output/digest.epub (Chinese and English paragraphs alternating), "
                                   "made again only when an article changes.")
    _common(p); _build_opts(p)

    for verb, desc in (("watch", "rebuild when seeds/, content/, themes/ or the glossary change"),
                       ("serve", "build, serve output/ on 127.0.0.1, rebuild and reload on change")):
        p = sub.add_parser(verb, help=desc, description=desc)
        _common(p); _build_opts(p)
        if verb == "serve":
            p.add_argument("--port", type=int, default=8000, metavar="N",
                           help="port to serve on, at http://127.0.0.1:N/ (default: 8000)")
    return parser


def settings_from(args: argparse.Namespace) -> Settings:
    """The config file (``--config``, else ``digest.toml`` in the current folder), then the
    flags that were given on top of it."""
    from .config import find_config, load_config
    config = getattr(args, "config", None) or find_config(Path.cwd())
    kw = dict(load_config(config)) if config is not None else {}
    if config is not None:
        kw["config_path"] = Path(config)
        kw.setdefault("root", Path(config).parent)   # seeds/, content/, output/ beside the config
    for attr, key in (("content", "content_dir"), ("output", "output_dir"), ("cache", "cache_dir"),
                      ("seeds", "seeds_dir"), ("model", "model_path"), ("tm", "tm_path")):
        v = getattr(args, attr, None)
        if v is not None:
            kw[key] = v
    for attr in ("theme", "base_url", "beam", "device", "per_page", "feed_size", "keyword_page_min", "epub",
                 "tm_in_content", "quiet", "debug", "lock_wait"):
        v = getattr(args, attr, None)
        if v is not None and (v is not False or attr == "epub"):   # (--no-epub is the one False flag)
            kw[attr] = v
    return Settings(**kw)


GC_YOUNG = 50_000     # new container objects between two collections of the youngest generation


def run() -> int:
    """The process entry point (``build.py``, the ``digest`` command): :func:`main`, then Ctrl-C
    ignored while the interpreter exits. The outcome is decided and reported by then; Python's
    shutdown puts SIGINT back to the default action, so a Ctrl-C landing there killed a build
    that had finished (exit status -2 and no message).

    The cyclic garbage collector runs every ``GC_YOUNG`` new objects instead of every 700: a
    build allocates hundreds of thousands of objects that live to its end (articles, state rows,
    pages), and with the default it ran about 440 collections in a one-edit build of 1,000
    articles, scanning them again and again (0.1-0.15 s of its 0.85 s of CPU)."""
    gc.set_threshold(GC_YOUNG, *gc.get_threshold()[1:])
    code = main()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    return code


def main(argv: list[str] | None = None) -> int:
    try:
        return _main(argv)
    except KeyboardInterrupt as e:               # (from the parsing of the flags on)
        if getattr(e, "published", False):       # it came while output/ was being switched over
            print("interrupted: the new site had already been published to output/", file=sys.stderr)
        else:
            print("interrupted: output/ left as it was", file=sys.stderr)
        return 130


def _main(argv: list[str] | None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    verb = args.verb or "build"
    if verb == "init":                           # no config to read yet
        return _init(args.dir)
    try:
        settings = settings_from(args)
    except DigestError as e:                     # a bad config file: nothing can run
        Reporter().report(e)
        return 1
    reporter = Reporter(quiet=settings.quiet)
    try:
        return _run(verb, args, settings, reporter)
    except DigestError as e:
        if settings.debug:
            import traceback
            traceback.print_exc()
        reporter.report(e)
        return 1


def _init(folder: Path) -> int:
    from .scaffold import init_site
    try:
        made = init_site(folder)
    except DigestError as e:
        Reporter().report(e)
        return 1
    for p in made:
        print(f"created {p}{'/' if p.is_dir() else ''}")
    print(f"next: put raw .txt articles in {folder / 'seeds'}, then run `digest build` in {folder}")
    return 0


def _fill_readings(settings: Settings, reporter: Reporter) -> None:
    """fetch-model's second step: pypinyin's readings of the whole dictionary in the cache
    (once per pypinyin and dictionary). Only a cache: when it cannot be made, a warning,
    and builds ask pypinyin for what they need."""
    import sqlite3
    import time
    from .errors import progress_bar
    from .render.pinyin_table import fill_table
    t0 = time.monotonic()
    try:
        with progress_bar(settings.quiet, None, "pinyin readings", "run") as bar:
            done = [0]

            def progress(n: int, total: int) -> None:
                if done[0] == 0:
                    reporter.info(f"fetch-model: pypinyin's readings of the dictionary's {total:,} runs "
                                  "(once; a few seconds) ...")
                bar.update(n - done[0])
                done[0] = n
            made = fill_table(settings.cache_dir, progress)
    except (OSError, sqlite3.Error) as e:
        reporter.warning(settings.cache_dir, None, f"the pinyin readings table was not made ({e}); "
                                                   "builds ask pypinyin for each new run")
        return
    if made is not None:
        path, added = made
        took = f"{added:,} runs added in {time.monotonic() - t0:.1f} s" if added else "already complete"
        reporter.info(f"pinyin readings ready: {path} ({took})")


def _run(verb: str, args, settings: Settings, reporter: Reporter) -> int:
    if verb == "ingest":
        from .ingest import ingest_paths
        from .errors import progress_bar
        with progress_bar(settings.quiet, None, "ingesting", "file") as bar:
            ingest_paths(args.paths, settings.content_dir, reporter, root=settings.root,
                         progress=lambda: bar.update(1), cache_dir=settings.cache_dir)
        return 1 if reporter.errors else 0
    if verb == "fetch-model":
        from .translate.model_store import fetch_model
        path = fetch_model(settings, force=args.force, reporter=reporter)
        reporter.info(f"model ready: {path}")
        _fill_readings(settings, reporter)
        return 0
    if verb == "check":
        from .check import check_site, human_issues
        from .lock import site_lock
        from .publish import recover
        for d in human_issues(settings.content_dir):
            print(d, file=sys.stderr)
        if not settings.output_dir.parent.is_dir():
            problems = check_site(settings.output_dir)          # (nothing to lock: no site)
        else:
            with site_lock(settings.output_dir, settings.lock_wait,
                           lambda m: print(f"check: {m}", file=sys.stderr, flush=True)):
                recovered = recover(settings.output_dir)     # a publish cut short by a killed build
                if recovered:
                    reporter.warning(settings.output_dir, None, recovered)
                problems = check_site(settings.output_dir)
        for p in problems:
            print(p, file=sys.stderr)
        if problems:
            n = len(problems)
            print(f"check: {n} problem{'' if n == 1 else 's'} in {settings.output_dir}", file=sys.stderr)
            return 1
        reporter.info(f"check: {settings.output_dir} is consistent")
        return 0
    if verb == "review":
        return _review(args, settings, reporter)
    if verb == "human":
        from .translate.human import scaffold
        return scaffold(settings, reporter, args.slug, update=args.update, force=args.force,
                        machine=not args.no_machine)
    if verb in ("watch", "serve"):
        if verb == "watch":
            from .watch import watch
            return watch(settings, reporter)
        from .serve import serve
        return serve(settings, reporter, port=args.port)
    from .site import build
    if verb == "epub":
        settings.epub = True
    result = build(settings, reporter, rebuild_tm=getattr(args, "rebuild_tm", False),
                   translate_only=(verb == "translate"), verify=getattr(args, "verify", False))
    if verb == "epub" and result.ok and not reporter.errors:
        from .render.urls import EPUB
        book = settings.output_dir / EPUB
        reporter.info(f"epub: {book} ({book.stat().st_size / 1024:.0f} KB)")
    return 1 if (reporter.errors or not result.ok) else 0


def _review(args, settings: Settings, reporter: Reporter) -> int:
    from .review import format_html, format_text, review_items
    from .site import build
    result = build(settings, reporter, translate_only=True)
    if result.site is None:
        print("review: the build did not get as far as translating; nothing to list", file=sys.stderr)
        return 1
    items = review_items(result.site.articles, result.site.translations)
    sys.stdout.write(format_text(items))
    if args.html:
        from .content import atomic_write_text
        page = args.html.resolve()
        atomic_write_text(page, format_html(items, result.site.articles, page, settings.output_dir.resolve()))
        reporter.info(f"review: written to {args.html}")
    return 0
