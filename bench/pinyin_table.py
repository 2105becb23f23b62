"""The pinyin readings table (digest/render/pinyin_table.py): does it give exactly pypinyin's
readings, how often does unseen text find its runs there, what does it cost and save.

    .venv/bin/python bench/pinyin_table.py [--content /tmp/corpus-n1000/content] [--full]

1. Agreement on all 1,948 WMT21 lines (``--mt-dir``, default $DIGEST_MT_DIR or ../shared/bench/mt beside the
   checkout): every line's readings (``word_readings`` of its segmentation) made through a
   cold table, then through a warm one (a new table object on the saved file, which must ask
   pypinyin nothing), against pypinyin alone; and every run in the file against pypinyin.
2. Unseen text: the table filled by the first half of WMT21; how many lines of the second half
   (and of their runs that take ruby) still need pypinyin.
3. With ``--content``: the readings of every article of a corpus in this process (its lines
   segmented beforehand, memos cold; best of ``--repeat``): pypinyin alone, a cold table (a
   first build), a warm table (every later build); and the table's rows and bytes.
4. With ``--full``: the setup step (``fill_table``, run by ``build.py fetch-model``): its
   wall and CPU time and the file's size; with ``--content`` too, the corpus's readings
   through that filled table (read run by run, as a build in a set-up cache does).
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from digest.render import pinyin  # noqa: E402
from digest.render.pinyin_table import ReadingsTable, pypinyin_key, run_reading, table_path  # noqa: E402
from digest.segment import Segmenter  # noqa: E402
from mt_quality import MT_DIR  # noqa: E402  ($DIGEST_MT_DIR or ../shared, as every WMT21 script finds it)


def cold_memos() -> None:
    pinyin._READINGS.clear()
    run_reading.cache_clear()
    pinyin.ends_number.cache_clear()


def wmt_lines(mt_dir: Path) -> list[str]:
    return (mt_dir / "newstest2021.zh-en.zh").read_text(encoding="utf-8").splitlines()


def agreement(lines: list[str], seg: Segmenter, tmp: Path) -> None:
    tagged = [seg.tagged(x) for x in lines]
    cold_memos()
    want = [pinyin.word_readings(t) for t in tagged]
    path = table_path(tmp / "agree", pypinyin_key())
    for label in ("cold table", "warm table"):
        cold_memos()
        table = ReadingsTable(path, pypinyin_key())
        got = [pinyin.word_readings(t, table.reading) for t in tagged]
        table.save(force=True)
        same = sum(g == w for g, w in zip(got, want))
        print(f"WMT21, {label}: {same}/{len(lines)} lines with pypinyin's readings "
              f"({100 * same / len(lines):.2f}%); pypinyin asked for {table.asked} runs")
    import sqlite3
    rows = sqlite3.connect(path).execute("SELECT run, reading FROM runs").fetchall()
    wrong = [r for r, v in rows if v != run_reading(r)]
    print(f"WMT21: {len(rows)} runs in the file, {len(rows) - len(wrong)} equal to pypinyin's reading; "
          f"{path.stat().st_size / 1e3:.0f} KB")


def unseen(lines: list[str], seg: Segmenter, tmp: Path) -> None:
    half = len(lines) // 2
    path = table_path(tmp / "unseen", pypinyin_key())
    cold_memos()
    table = ReadingsTable(path, pypinyin_key())
    for x in lines[:half]:
        pinyin.word_readings(seg.tagged(x), table.reading)
    table.save(force=True)
    cold_memos()
    table = ReadingsTable(path, pypinyin_key())
    need = runs = 0
    for x in lines[half:]:
        before = table.asked
        n = len(pinyin.word_readings(seg.tagged(x), table.reading))
        runs += n
        need += table.asked > before
    print(f"unseen text: with the table of WMT21's first {half} lines, {need} of the other {len(lines) - half} "
          f"lines ({100 * need / (len(lines) - half):.0f}%) need pypinyin, for {table.asked} distinct runs "
          f"(of {runs} with ruby)")


def corpus(content: Path, seg: Segmenter, tmp: Path, repeat: int, full: Path | None = None) -> None:
    from digest.content import load_article
    from digest.render.pages import _heading_ids
    articles = [load_article(p) for p in sorted(content.glob("*.zh.md"))]
    for a in articles:                        # segmented beforehand: only the readings are timed
        pinyin.article_readings(a, _heading_ids(a), seg, table=None)
    import pypinyin  # noqa: F401  (imported: its import is timed below, apart)
    best: dict[str, float] = {}
    path = table_path(tmp / "corpus", pypinyin_key())
    for r in range(repeat):
        for label in ("pypinyin alone", "cold table", "warm table") + (("filled table",) if full else ()):
            if label == "cold table":
                path.unlink(missing_ok=True)
            cold_memos()
            where = table_path(full, pypinyin_key()) if label == "filled table" else path
            table = None if label == "pypinyin alone" else ReadingsTable(where, pypinyin_key())
            t = time.process_time()
            for a in articles:
                pinyin.article_readings(a, _heading_ids(a), seg, table=table)
            if table is not None:
                table.save(force=True)
            spent = time.process_time() - t
            best[label] = min(best.get(label, spent), spent)
    for label, spent in best.items():
        print(f"{len(articles)} articles' readings, one process, {label}: {spent:.3f} s CPU (best of {repeat})")
    import sqlite3
    n = sqlite3.connect(path).execute("SELECT count(*) FROM runs").fetchone()[0]
    print(f"the corpus's table: {n} runs, {path.stat().st_size / 1e3:.0f} KB")
    import subprocess
    imp = []
    for _ in range(3):
        out = subprocess.run([sys.executable, "-c", "import time; t = time.process_time(); import pypinyin; "
                              "print(time.process_time() - t)"], capture_output=True, text=True, check=True)
        imp.append(float(out.stdout))
    print(f"import pypinyin (paid by every process that asks it anything): {min(imp):.3f} s CPU (best of 3)")


def full_dictionary(tmp: Path) -> Path:
    """The setup step (``build.py fetch-model``): the table of jieba's whole dictionary and
    every Han character, made on every core; its cost (CPU of this process and its workers)
    and size. Returns its cache folder."""
    import resource
    import sqlite3
    from digest.render.pinyin_table import fill_table

    def cpu() -> float:
        return sum(r.ru_utime + r.ru_stime for r in (resource.getrusage(resource.RUSAGE_SELF),
                                                     resource.getrusage(resource.RUSAGE_CHILDREN)))
    cache = tmp / "full"
    t, c = time.monotonic(), cpu()
    path, added = fill_table(cache)
    wall, spent = time.monotonic() - t, cpu() - c
    n = sqlite3.connect(path).execute("SELECT count(*) FROM runs").fetchone()[0]
    print(f"the setup step (fetch-model): {added} runs read, {wall:.1f} s wall, {spent:.1f} s CPU "
          f"(with its workers); {n} runs, {path.stat().st_size / 1e6:.1f} MB")
    return cache


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mt-dir", type=Path, default=MT_DIR)
    ap.add_argument("--content", type=Path)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--full", action="store_true")
    a = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="pinyin-table-") as tmp:
        tmp = Path(tmp)
        seg = Segmenter((), tmp / "cache")
        lines = wmt_lines(a.mt_dir)
        agreement(lines, seg, tmp)
        unseen(lines, seg, tmp)
        full = full_dictionary(tmp) if a.full else None
        if a.content:
            corpus(a.content, seg, tmp, a.repeat, full)
    return 0


if __name__ == "__main__":
    sys.exit(main())
