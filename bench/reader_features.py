"""What the e-reader and learner features cost: EPUB size and build time, pinyin readings,
sentence pairs, page weights. Run on a content folder (bench/corpus.py makes one):

    .venv/bin/python bench/reader_features.py /tmp/corpus/content [--cache DIR]

Builds the folder twice into temporary folders, with and without the EPUB (each a fresh
process, best of ``--repeat``), then times the pinyin readings and the sentence pairing of
every article in this process (the build does them in its workers: a share of its time).
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def build(content: Path, out: Path, cache: Path | None, *extra: str) -> float:
    cmd = [sys.executable, str(ROOT / "build.py"), "--quiet", "--seeds", str(out.parent / "no-seeds"),
           "--content", str(content), "--output", str(out), *extra]
    if cache:
        cmd += ["--cache", str(cache)]
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("content", type=Path)
    ap.add_argument("--cache", type=Path)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--no-builds", action="store_true", help="only the in-process timings")
    a = ap.parse_args(argv)
    if not a.no_builds:
        whole_builds(a)
    in_process(a)
    return 0


def whole_builds(a) -> None:
    from digest.render.urls import EPUB
    with tempfile.TemporaryDirectory(prefix="reader-bench-") as tmp:
        tmp = Path(tmp)
        times = {"with EPUB": [], "--no-epub": []}
        for r in range(a.repeat):
            for label, extra in (("with EPUB", ()), ("--no-epub", ("--no-epub",))):
                out = tmp / f"out-{r}-{len(extra)}"
                times[label].append(build(a.content, out, a.cache, *extra))
        out = tmp / "out-0-0"
        for label, ts in times.items():
            print(f"clean build {label}: {min(ts):.2f} s")
        book = out / EPUB
        with zipfile.ZipFile(book) as z:
            n = sum(1 for name in z.namelist() if name.startswith("OEBPS/a"))
        print(f"EPUB: {book.stat().st_size / 1024:.0f} KB for {n} articles")
        zh_pages = sorted(p for p in (out / "zh").glob("*.html") if p.name not in ("index.html", "search.html"))
        par_pages = sorted((out / "parallel").glob("*.html"))
        js = sorted((out / "zh").glob("*.pinyin.js"))
        assets = sum((out / "static" / f).stat().st_size for f in ("site.js", "style.css"))
        kb = lambda ps: statistics.mean(p.stat().st_size for p in ps) / 1024   # noqa: E731
        print(f"Chinese page: {kb(zh_pages):.1f} KB (+ site.js and style.css {assets / 1024:.1f} KB, cached); "
              f"with pinyin on: + {kb(js):.1f} KB (its .pinyin.js, mean; largest "
              f"{max(p.stat().st_size for p in js) / 1024:.1f} KB)")
        spans = [p.read_text(encoding="utf-8").count('<span class="s" ') for p in par_pages]
        print(f"side-by-side page: {kb(par_pages):.1f} KB, {statistics.mean(spans):.0f} sentence spans each "
              f"(about {statistics.mean(spans) * 32 / 1024:.1f} KB of markup)")


def in_process(a) -> None:
    from digest.content import content_files, load_article
    articles = [load_article(Path(p)) for p in content_files(a.content)]
    from digest.segment import Segmenter
    seg = Segmenter((), a.cache)
    seg.prepare_for_many()
    from digest.render.pages import _heading_ids
    from digest.render.pinyin import article_readings, pinyin_js
    t, cpu = time.perf_counter(), time.process_time()
    for art in articles:
        pinyin_js(article_readings(art, _heading_ids(art), seg))
    print(f"pinyin readings: {time.perf_counter() - t:.2f} s ({time.process_time() - cpu:.2f} s CPU) for "
          f"{len(articles)} articles, one process (segmenting the text afresh)")
    # what a build pays: the keyword stage makes them while the article's segmentation is at hand
    from digest import site
    from digest.render import pinyin
    spent = {}
    for readings in (False, True):                 # each from cold memos, as in a clean build
        seg = Segmenter((), a.cache)
        seg.prepare_for_many()
        for f in (pinyin.run_reading, pinyin.ends_number):
            f.cache_clear()
        pinyin._READINGS.clear()
        t = time.process_time()
        for art in articles:
            site._keywords_job(art, seg, readings=readings)
        spent[readings] = time.process_time() - t
    print(f"keyword stage, one process: {spent[False]:.2f} s CPU; with the pinyin readings "
          f"{spent[True]:.2f} s (the readings' share of a build: {spent[True] - spent[False]:.2f} s)")
    from digest.content import EN_SUFFIX
    from digest.render.align import sentence_pairs
    from digest.translate.overrides import load_override
    t = time.perf_counter()
    paired = total = 0
    for art in articles:
        p = art.path.with_name(art.slug + EN_SUFFIX)
        ov = load_override(p, art) if p.is_file() else None
        for i, b in enumerate(art.blocks):
            h = ov.blocks[i] if ov else None
            if b.kind != "paragraph" or h is None:
                continue
            total += 1
            paired += sentence_pairs(b.text, h.text, None) is not None
    print(f"sentence pairs: {time.perf_counter() - t:.2f} s for {len(articles)} articles (overrides read "
          f"included); {paired} of {total} human paragraphs paired by sentence")
    from digest.article import Block, Translation
    from digest.render import epub
    trs = {}
    for art in articles:
        p = art.path.with_name(art.slug + EN_SUFFIX)
        ov = load_override(p, art) if p.is_file() else None
        if ov is not None and all(ov.blocks):
            trs[art.slug] = Translation(slug=art.slug, title=ov.title or art.title, origins=["human"] * len(art.blocks),
                                        blocks=[Block(b.kind, h.text) for b, h in zip(art.blocks, ov.blocks)])
    notices = {s: "This English text was translated by a person." for s in trs}
    t = time.perf_counter()
    members = {art.slug: epub.article_member(art, trs.get(art.slug), notices.get(art.slug, "")) for art in articles}
    t_members = time.perf_counter() - t
    titles = {s: tr.title for s, tr in trs.items()}
    t = time.perf_counter()
    book = epub.make_book(articles, titles, lambda art: members[art.slug], "中", "En")
    print(f"EPUB in one process: every article's page made and compressed {t_members:.2f} s; the book "
          f"around them (an edit, with the pages kept) {time.perf_counter() - t:.2f} s; {len(book) / 1024:.0f} KB")


if __name__ == "__main__":
    sys.exit(main())
