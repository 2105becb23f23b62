"""Translation memory: SQLite, keyed by model + decoding + sentence + the glossary entries it uses.

A rebuild sends only sentences whose key is new to the model; editing one
glossary entry changes the keys of exactly the sentences that contain it.
Results are committed in small transactions as the model produces them, so a
crash or Ctrl-C mid-build loses no finished translation. A damaged file is an
error that names the way out (``--rebuild-tm``), never a silent wrong page.

Each row keeps the model's own score of its translation (mean log-probability
per token), so the checks of a build made from the memory flag exactly what the
build that filled it flagged. A memory made before scores were kept gains the
column when it is opened (its old rows have no score: that check is skipped).
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from pathlib import Path

from ..errors import BuildError

SCHEMA = """
CREATE TABLE IF NOT EXISTS tm (
    key TEXT PRIMARY KEY,
    model_id TEXT NOT NULL,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    created REAL NOT NULL,
    score REAL
);
CREATE TABLE IF NOT EXISTS tm_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
VERSION = "1"


def tm_key(model_id: str, decoding: str, sentence: str, entries: list[tuple[str, str]]) -> str:
    payload = json.dumps([model_id, decoding, sentence, entries], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class TranslationMemory:
    def __init__(self, path: Path, rebuild: bool = False):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if rebuild:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(str(self.path) + suffix).unlink(missing_ok=True)
        try:
            self.db = sqlite3.connect(self.path)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.executescript(SCHEMA)
            row = self.db.execute("SELECT value FROM tm_meta WHERE name='version'").fetchone()
            if row is None:
                with self.db:
                    self.db.execute("INSERT INTO tm_meta VALUES ('version', ?)", (VERSION,))
            elif row[0] != VERSION:
                raise sqlite3.DatabaseError(f"version {row[0]}, expected {VERSION}")
            columns = {r[1] for r in self.db.execute("PRAGMA table_info(tm)")}
            if "score" not in columns:
                with self.db:
                    self.db.execute("ALTER TABLE tm ADD COLUMN score REAL")
            self.db.execute("SELECT count(*) FROM tm").fetchone()
        except sqlite3.DatabaseError as e:
            raise BuildError(f"the translation memory is damaged or not ours ({e}); "
                             "run the build with --rebuild-tm to start a new one", self.path) from None

    def get_many(self, keys: list[str]) -> dict[str, str]:
        return {k: target for k, (target, _score) in self.get_scored(keys).items()}

    def get_scored(self, keys: list[str]) -> dict[str, tuple[str, float | None]]:
        """key -> (target, score); score None when the row has none."""
        out: dict[str, tuple[str, float | None]] = {}
        try:
            for i in range(0, len(keys), 500):
                chunk = keys[i:i + 500]
                q = f"SELECT key, target, score FROM tm WHERE key IN ({','.join('?' * len(chunk))})"
                for key, target, score in self.db.execute(q, chunk).fetchall():
                    if not isinstance(target, str):
                        continue                # a damaged row is a miss: translated again
                    out[key] = (target, float(score) if isinstance(score, (int, float)) else None)
        except sqlite3.DatabaseError as e:
            raise BuildError(f"the translation memory cannot be read ({e}); "
                             "run the build with --rebuild-tm", self.path) from None
        return out

    def put_many(self, rows: list[tuple]) -> None:
        """rows: (key, model_id, source, target[, score]); one transaction."""
        if not rows:
            return
        now = time.time()
        with self.db:
            self.db.executemany(
                "INSERT OR REPLACE INTO tm (key, model_id, source, target, created, score) VALUES (?, ?, ?, ?, ?, ?)",
                [(r[0], r[1], r[2], r[3], now, r[4] if len(r) > 4 else None) for r in rows])

    def __len__(self) -> int:
        return self.db.execute("SELECT count(*) FROM tm").fetchone()[0]

    def close(self) -> None:
        self.db.close()
