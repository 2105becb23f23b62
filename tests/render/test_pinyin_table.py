"""The readings table gives exactly pypinyin's readings, and spares an edit pypinyin's import."""
from __future__ import annotations

import importlib.util
import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings as hsettings, strategies as st

from digest.article import Article, Block
from digest.chars import HAN_RUN_RE
from digest.render import pinyin
from digest.render.pinyin_table import (ReadingsTable, dictionary_runs, fill_table, pypinyin_key, run_reading,
                                        table_in, table_path)

REPO = Path(__file__).resolve().parents[2]
JIEBA_DICT = Path(importlib.util.find_spec("jieba").origin).parent / "dict.txt"


def _dictionary_words() -> list[str]:
    words = [line.split(" ", 1)[0] for line in JIEBA_DICT.read_text(encoding="utf-8").splitlines()]
    return words[::37]                     # 9,400 real words, every length and kind


def _content_lines() -> list[str]:
    lines = []
    for p in sorted((REPO / "content").glob("*.zh.md")):
        lines += [x for x in p.read_text(encoding="utf-8").split("---", 2)[2].splitlines() if x.strip()]
    return lines


WORDS = _dictionary_words()
LINES = _content_lines()


def _fresh(path: Path) -> ReadingsTable:
    return ReadingsTable(path, pypinyin_key())


@pytest.fixture(scope="module")
def table_file(tmp_path_factory) -> Path:
    return table_path(tmp_path_factory.mktemp("readings"), pypinyin_key())


@hsettings(max_examples=300)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=20),
       st.lists(st.text(alphabet=st.sampled_from(list("长行还重乐京口𠀀龘〇卍的了")), min_size=1, max_size=6), max_size=3))
def test_the_table_answers_what_pypinyin_answers(table_file, words, odd):
    """Runs of real dictionary words (and odd ones: heteronyms, an Extension B character, a
    run pypinyin gives no reading of), first from pypinyin, then read back from the file by
    another process's table, which asks pypinyin nothing."""
    runs = [r for w in words + odd for r in HAN_RUN_RE.findall(w)]
    writer = _fresh(table_file)
    assert [writer.reading(r) for r in runs] == [run_reading(r) for r in runs]
    writer.save(force=True)
    reader = _fresh(table_file)
    reader.prefetch(runs)
    assert [reader.reading(r) for r in runs] == [run_reading(r) for r in runs]
    assert reader.asked == 0


_PIECE = st.one_of(st.sampled_from(LINES).flatmap(lambda x: st.tuples(st.integers(0, len(x)), st.integers(0, len(x)))
                                                   .map(lambda ij, x=x: x[min(ij):max(ij)])),
                   st.sampled_from(WORDS), st.sampled_from(["，", "。", " ", "3", "第一", "11月", "AT&T"]))


@hsettings(max_examples=200)
@given(st.lists(_PIECE, min_size=1, max_size=6).map("".join))
def test_article_readings_are_the_same_with_the_table(seg, tmp_path_factory, text):
    """Random real text (pieces of the content's lines and dictionary words): the readings made
    through a cold table, and through a warm one in a new process, are pypinyin's own."""
    a = Article(slug="t", title="标题", blocks=[Block("paragraph", text)])
    pinyin._READINGS.clear()
    plain = pinyin.article_readings(a, {}, seg, table=None)
    path = table_path(tmp_path_factory.mktemp("t"), pypinyin_key())
    pinyin._READINGS.clear()
    cold = _fresh(path)
    assert pinyin.article_readings(a, {}, seg, table=cold) == plain
    cold.save(force=True)
    pinyin._READINGS.clear()
    warm = _fresh(path)
    assert pinyin.article_readings(a, {}, seg, table=warm) == plain
    assert warm.asked == 0


_SCRIPT = r"""
import json, sys
from digest.article import Article, Block
from digest.render.pinyin import article_readings, article_script, pinyin_js
from digest.segment import Segmenter
a = Article(slug="t", title="京口经开区：拼出融合加速度", blocks=[Block("paragraph", sys.argv[2])])
seg = Segmenter((), sys.argv[1])
if sys.argv[3:] == ["pypinyin-alone"]:
    js = pinyin_js(article_readings(a, {}, seg, table=None))
else:
    js = article_script(a, seg)
print(json.dumps({"js": js.decode(), "pypinyin": "pypinyin" in sys.modules}))
"""


def _script_in_new_process(cache: Path, text: str, *how: str) -> dict:
    out = subprocess.run([sys.executable, "-c", _SCRIPT, str(cache), text, *how], capture_output=True, text=True,
                         check=True, cwd=REPO, env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})
    return json.loads(out.stdout)


def test_an_edit_whose_runs_are_known_does_not_import_pypinyin(tmp_path):
    """The first build reads pypinyin and keeps its answers; a rebuild of text whose runs have
    been read before (here: the same paragraph, its sentences in another order) makes the same
    readings without importing pypinyin, and a new word brings pypinyin back."""
    first = "盛夏的京口大地，热潮涌动。银行行长走在长长的路上。"
    again = "银行行长走在长长的路上。盛夏的京口大地，热潮涌动。"
    made = _script_in_new_process(tmp_path, first)
    assert made["pypinyin"]
    rebuilt = _script_in_new_process(tmp_path, again)
    assert not rebuilt["pypinyin"]
    assert rebuilt["js"] == _script_in_new_process(tmp_path / "other-cache", again)["js"]
    assert _script_in_new_process(tmp_path, again + "翡翠")["pypinyin"]


def test_a_damaged_table_is_not_used(seg, tmp_path):
    """A file that is not SQLite, a table of another pypinyin, a row that is not a reading of
    its run: the readings are pypinyin's all the same, and nothing is raised."""
    a = Article(slug="t", title="标题", blocks=[Block("paragraph", "银行行长走在长长的路上。")])
    pinyin._READINGS.clear()
    want = pinyin.article_readings(a, {}, seg, table=None)
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"not a database" * 100)
    other = tmp_path / "other.sqlite3"
    db = sqlite3.connect(other)
    db.executescript("CREATE TABLE meta (k TEXT PRIMARY KEY, v TEXT); INSERT INTO meta VALUES ('key', 'x');"
                     "CREATE TABLE runs (run TEXT PRIMARY KEY, reading TEXT) WITHOUT ROWID;"
                     "INSERT INTO runs VALUES ('银行', 'yin hang');")
    db.commit()
    db.close()
    bad_rows = tmp_path / "bad-rows.sqlite3"
    t = _fresh(bad_rows)
    t.reading("长长")
    t.save(force=True)
    db = sqlite3.connect(bad_rows)
    db.executemany("INSERT OR REPLACE INTO runs VALUES (?, ?)",
                   [("银行", "yín"), ("行长", 7), ("长长", "a  b"), ("路上", "lù shang x")])
    db.commit()
    db.close()
    for path in (garbage, other, bad_rows):
        pinyin._READINGS.clear()
        table = _fresh(path)
        assert pinyin.article_readings(a, {}, seg, table=table) == want, path
        table.save(force=True)
    assert sqlite3.connect(other).execute("SELECT reading FROM runs").fetchall() == [("yin hang",)]


def test_the_table_is_one_file_per_pypinyin_in_the_cache_folder(tmp_path):
    stale = tmp_path / "pinyin-readings-0000000000000000.sqlite3"
    stale.write_bytes(b"")
    table = table_in(tmp_path)
    assert table is table_in(tmp_path) and table.path == table_path(tmp_path, pypinyin_key())
    table.reading("京口")
    table.save()
    assert [p.name for p in tmp_path.iterdir()] == [table.path.name]
    assert _fresh(table.path).reading("京口") == "jīng kǒu"


def test_forked_workers_write_their_readings(tmp_path):
    """A worker forked after its parent opened the file opens it again, and what it read from
    pypinyin reaches the file."""
    import os
    table = _fresh(tmp_path / "t.sqlite3")
    table.reading("京口")
    table.save(force=True)
    pid = os.fork()
    if pid == 0:
        try:
            table.reading("镇江")
            table.save(force=True)
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
    reader = _fresh(tmp_path / "t.sqlite3")
    reader.prefetch(["京口", "镇江"])
    assert (reader.reading("京口"), reader.reading("镇江"), reader.asked) == ("jīng kǒu", "zhèn jiāng", 0)


def test_a_full_table_stops_growing_and_still_answers(tmp_path, monkeypatch):
    from digest.render import pinyin_table
    table = _fresh(tmp_path / "t.sqlite3")
    table.reading("京口")
    table.save(force=True)
    monkeypatch.setattr(pinyin_table, "MAX_BYTES", 0)
    assert table.reading("镇江") == run_reading("镇江")
    table.save(force=True)
    reader = _fresh(tmp_path / "t.sqlite3")
    reader.load_all()
    assert reader.reading("京口") == "jīng kǒu" and reader.asked == 0
    assert reader.reading("镇江") == "zhèn jiāng" and reader.asked == 1


# -- the table made whole at setup (build.py fetch-model) ------------------------------------
@pytest.fixture(scope="module")
def filled_cache(tmp_path_factory) -> Path:
    """A cache folder after the setup step (the whole dictionary read: ~8 s of CPU, once)."""
    cache = tmp_path_factory.mktemp("filled-cache")
    path, added = fill_table(cache)
    assert path == table_path(cache, pypinyin_key()) and added > 370_000
    return cache


def test_after_the_setup_step_an_edit_with_an_unseen_sentence_does_not_import_pypinyin(filled_cache, tmp_path):
    """An article built in a cache after ``fetch-model``, then edited: a sentence of the other
    seed article appended. Neither build imports pypinyin, and the readings are pypinyin's
    own. In a cache without the step, the same edit needs pypinyin (its new words)."""
    first = next(x for x in LINES if x.startswith("盛夏的京口大地"))
    unseen = next(x for x in LINES if x.startswith("11月12日，在途科技"))
    edited = first + unseen
    cache = tmp_path / "cache"
    shutil.copytree(filled_cache, cache)
    assert not _script_in_new_process(cache, first)["pypinyin"]
    made = _script_in_new_process(cache, edited)
    assert not made["pypinyin"]
    assert made["js"] == _script_in_new_process(tmp_path / "plain", edited, "pypinyin-alone")["js"]
    lazy = tmp_path / "lazy-cache"                  # never set up: the lazy table alone
    assert _script_in_new_process(lazy, first)["pypinyin"]
    assert _script_in_new_process(lazy, edited)["pypinyin"]


def test_the_filled_table_holds_pypinyins_readings(filled_cache):
    """A sample of the rows against pypinyin; every run of the dictionary is there; the setup
    step run again adds nothing; a build's lookups never read the whole (large) file."""
    path = table_path(filled_cache, pypinyin_key())
    rows = dict(sqlite3.connect(path).execute("SELECT run, reading FROM runs").fetchall())
    sample = sorted(rows)[::97]
    assert [rows[r] for r in sample] == [run_reading.__wrapped__(r) for r in sample]
    assert set(dictionary_runs(JIEBA_DICT)) <= rows.keys()
    assert all(c in rows for c in "龘堭𠀀卍")
    assert fill_table(filled_cache) == (path, 0)
    table = _fresh(path)
    table.prefetch(sample)
    assert table.reads_per_run() and [table.reading(r) for r in sample[:50]] == [rows[r] for r in sample[:50]]
    assert table.asked == 0


def test_the_setup_step_keeps_what_builds_added_and_adds_the_rest(tmp_path):
    """A table some builds filled lazily (one run the dictionary does not have among them):
    the setup step keeps those rows and adds the others; a damaged file is an error the
    caller reports (the build's readings come from pypinyin then)."""
    path = table_path(tmp_path, pypinyin_key())
    lazy = _fresh(path)
    lazy.reading("北陇和安闾")
    lazy.reading("银行")
    lazy.save(force=True)
    _, added = fill_table(tmp_path)
    db = sqlite3.connect(path)
    assert db.execute("SELECT reading FROM runs WHERE run='北陇和安闾'").fetchone() == (run_reading("北陇和安闾"),)
    assert db.execute("SELECT count(*) FROM runs").fetchone()[0] == added + 2
    (tmp_path / "bad").mkdir()
    table_path(tmp_path / "bad", pypinyin_key()).write_bytes(b"not a database" * 100)
    with pytest.raises(sqlite3.Error):
        fill_table(tmp_path / "bad")


def test_fetch_model_fills_the_table_once(filled_cache, tmp_path):
    """``build.py fetch-model`` (the model in place) says the table is ready; --quiet says nothing."""
    from digest.settings import default_cache_dir
    from digest.translate.model_store import default_package_dir
    MODEL_DIR = default_package_dir(default_cache_dir())
    if not MODEL_DIR.is_dir():
        pytest.skip(f"model folder absent: {MODEL_DIR}")
    cache = tmp_path / "cache"
    shutil.copytree(filled_cache, cache)
    (cache / "models").symlink_to(MODEL_DIR.parent)
    cmd = [sys.executable, str(REPO / "build.py"), "fetch-model", "--cache", str(cache)]
    env = {"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"}
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=tmp_path, env=env)
    assert "pinyin readings ready" in out.stdout and "already complete" in out.stdout, out
    quiet = subprocess.run(cmd + ["--quiet"], capture_output=True, text=True, check=True, cwd=tmp_path, env=env)
    assert (quiet.stdout, quiet.stderr) == ("", "")
