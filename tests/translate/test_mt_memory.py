"""Translation memory: keys, storage, crash safety, damaged files."""
from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from pathlib import Path

from digest.errors import BuildError
from digest.translate.memory import TranslationMemory, tm_key

REPO = Path(__file__).resolve().parents[2]
ENTRIES = [("镇江", "Zhenjiang")]


def test_key_depends_on_model_decoding_sentence_and_glossary_entries():
    base = tm_key("zh-en-1.9-1", "beam1", "镇江很美。", ENTRIES)
    assert base == tm_key("zh-en-1.9-1", "beam1", "镇江很美。", list(ENTRIES))
    assert base != tm_key("zh-en-2.0-1", "beam1", "镇江很美。", ENTRIES)
    assert base != tm_key("zh-en-1.9-1", "beam4", "镇江很美。", ENTRIES)
    assert base != tm_key("zh-en-1.9-1", "beam1", "镇江真美。", ENTRIES)
    assert base != tm_key("zh-en-1.9-1", "beam1", "镇江很美。", [("镇江", "Zhenjiang City")])
    assert base != tm_key("zh-en-1.9-1", "beam1", "镇江很美。", [])


def test_put_and_get(tmp_path):
    tm = TranslationMemory(tmp_path / "tm.sqlite3")
    rows = [(f"k{i}", "m", f"句子{i}", f"Sentence {i}") for i in range(1200)]
    tm.put_many(rows)
    got = tm.get_many([f"k{i}" for i in range(0, 1200, 2)] + ["missing"])
    assert len(got) == 600 and got["k10"] == "Sentence 10" and "missing" not in got
    tm.put_many([("k10", "m", "句子10", "Sentence ten")])     # replace
    assert tm.get_many(["k10"]) == {"k10": "Sentence ten"}
    assert len(tm) == 1200
    tm.close()
    tm = TranslationMemory(tmp_path / "tm.sqlite3")
    assert len(tm) == 1200
    tm.close()


def test_crash_mid_run_keeps_committed_rows(tmp_path):
    path = tmp_path / "tm.sqlite3"
    script = textwrap.dedent(f"""
        import os, sys
        sys.path.insert(0, {str(REPO)!r})
        from digest.translate.memory import TranslationMemory
        tm = TranslationMemory({str(path)!r})
        tm.put_many([("a", "m", "甲", "A"), ("b", "m", "乙", "B")])   # committed
        tm.put_many([("c", "m", "丙", "C")])                          # committed
        tm.db.execute("INSERT INTO tm (key, model_id, source, target, created) VALUES ('d', 'm', '丁', 'D', 0)")  # never committed
        os._exit(9)                                                     # killed: no close, no commit
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert proc.returncode == 9, proc.stderr
    tm = TranslationMemory(path)
    assert tm.get_many(["a", "b", "c", "d"]) == {"a": "A", "b": "B", "c": "C"}
    tm.close()


def test_garbage_file_is_a_build_error_naming_rebuild_tm(tmp_path):
    path = tmp_path / "tm.sqlite3"
    path.write_bytes(b"this is not a database at all\x00\xff" * 200)
    with pytest.raises(BuildError) as exc:
        TranslationMemory(path)
    assert "--rebuild-tm" in exc.value.message
    assert exc.value.path == str(path)


def test_damaged_pages_are_a_build_error(tmp_path):
    path = tmp_path / "tm.sqlite3"
    tm = TranslationMemory(path)
    tm.put_many([(f"k{i}", "m", "句" * 50, "S" * 200) for i in range(2000)])
    tm.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    tm.close()
    data = bytearray(path.read_bytes())
    for off in range(4096, len(data), 4096):       # scribble over every page but the header
        data[off:off + 64] = b"\xde\xad\xbe\xef" * 16
    path.write_bytes(bytes(data))
    with pytest.raises(BuildError) as exc:
        tm = TranslationMemory(path)
        tm.get_many([f"k{i}" for i in range(2000)])
    assert "--rebuild-tm" in exc.value.message


def test_rebuild_starts_empty_even_from_garbage(tmp_path):
    path = tmp_path / "tm.sqlite3"
    tm = TranslationMemory(path)
    tm.put_many([("a", "m", "甲", "A")])
    tm.close()
    tm = TranslationMemory(path, rebuild=True)
    assert len(tm) == 0 and tm.get_many(["a"]) == {}
    tm.close()
    path.write_bytes(b"garbage" * 100)
    tm = TranslationMemory(path, rebuild=True)
    assert len(tm) == 0
    tm.close()


def test_foreign_sqlite_version_is_refused(tmp_path):
    path = tmp_path / "tm.sqlite3"
    tm = TranslationMemory(path)
    with tm.db:
        tm.db.execute("UPDATE tm_meta SET value='999' WHERE name='version'")
    tm.close()
    with pytest.raises(BuildError, match="--rebuild-tm"):
        TranslationMemory(path)


def test_scores_round_trip_and_rows_without_one(tmp_path):
    tm = TranslationMemory(tmp_path / "tm.sqlite3")
    tm.put_many([("a", "m", "甲", "A", -0.25), ("b", "m", "乙", "B")])
    assert tm.get_scored(["a", "b", "c"]) == {"a": ("A", -0.25), "b": ("B", None)}
    assert tm.get_many(["a"]) == {"a": "A"}
    tm.close()


def test_a_memory_from_before_scores_gains_the_column(tmp_path):
    import sqlite3
    path = tmp_path / "tm.sqlite3"
    db = sqlite3.connect(path)
    db.executescript("""
        CREATE TABLE tm (key TEXT PRIMARY KEY, model_id TEXT NOT NULL, source TEXT NOT NULL,
                         target TEXT NOT NULL, created REAL NOT NULL);
        CREATE TABLE tm_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
        INSERT INTO tm_meta VALUES ('version', '1');
        INSERT INTO tm VALUES ('old', 'm', '旧', 'Old', 0);
    """)
    db.commit()
    db.close()
    tm = TranslationMemory(path)
    assert tm.get_scored(["old"]) == {"old": ("Old", None)}
    tm.put_many([("new", "m", "新", "New", -1.5)])
    assert tm.get_scored(["new"]) == {"new": ("New", -1.5)}
    tm.close()
