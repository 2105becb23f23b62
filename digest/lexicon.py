"""jieba's dictionaries as one SQLite file in the cache, looked up a word at a time.

Segmenting needs jieba's prefix dictionary (word -> frequency, 500,000 entries),
and keywords need parts of speech and IDF weights. Loading them as jieba does
costs 2-3 s per process here (prefix dictionary 1.2 s, part-of-speech table
0.9 s, IDF table 0.6 s): most of a rebuild after one edit, when one article is
segmented with a few thousand lookups. So the three tables are kept in
``$DIGEST_CACHE/jieba-lexicon-*.sqlite3`` (made once from jieba's own files,
0.1 s to open) and read per word, memoised. A mapping that has answered many
lookups (a clean build of a large site) loads its whole table at once, which
is then faster than single queries.

Everything here is a cache: when the file cannot be made or read, callers fall
back to jieba's own loading (:func:`open_lexicon` returns None).
"""
from __future__ import annotations

import hashlib
import os
import pickle
import sqlite3
import threading
import weakref
from pathlib import Path

SCHEMA_VERSION = "2"
LOAD_ALL_AFTER = 200_000         # lookups (~20 articles) before a mapping reads its whole table
_MISSING = object()


class _Table:
    """A read-only mapping over one column of ``words``, memoised, with jieba's dict API
    (``in``, ``[]``, ``get``) and writes kept in memory (jieba.add_word writes to FREQ)."""

    def __init__(self, db: sqlite3.Connection, column: str, lock: threading.Lock):
        self._db, self._col, self._lock = db, column, lock
        self._memo: dict = {}
        self._queries = 0
        self._complete = False

    def _lookup(self, word):
        self._queries += 1
        v = self._memo.get(word, _MISSING)
        if v is not _MISSING or self._complete:
            return None if v is _MISSING else v
        if not isinstance(word, str):
            return None
        if self._queries > LOAD_ALL_AFTER:
            self._load_all()
            return self._memo.get(word)
        with self._lock:
            row = self._db.execute(f"SELECT {self._col} FROM words WHERE w=?", (word,)).fetchone()
        v = row[0] if row else None
        self._memo[word] = v
        return v

    def prefetch(self, words) -> None:
        """Look many words up in a few queries (what segmenting a line is about to ask for:
        one query per word costs more than the segmenting)."""
        if self._complete:
            return
        todo = [w for w in dict.fromkeys(words) if w not in self._memo and isinstance(w, str)]
        for i in range(0, len(todo), 500):
            chunk = todo[i:i + 500]
            with self._lock:
                found = dict(self._db.execute(f"SELECT w, {self._col} FROM words WHERE w IN "
                                              f"({','.join('?' * len(chunk))})", chunk).fetchall())
            for w in chunk:
                self._memo[w] = found.get(w)

    def load_all(self) -> None:
        """Read the whole table now (a build about to segment many articles)."""
        if not self._complete:
            self._load_all()

    def _load_all(self) -> None:
        with self._lock:
            # the table as one pickled dict: 2.5 times faster than building it from rows
            row = self._db.execute("SELECT data FROM whole WHERE col=?", (self._col,)).fetchone()
        try:
            table = pickle.loads(row[0]) if row is not None else None
        except Exception:
            table = None
        if not isinstance(table, dict):
            with self._lock:
                table = dict(self._db.execute(f"SELECT w, {self._col} FROM words WHERE {self._col} IS NOT NULL"))
        table.update({k: v for k, v in self._memo.items() if v is not None})
        self._memo = table
        self._complete = True

    def plain(self):
        """After many lookups, the whole table as a plain dict (what jieba's own loading gives,
        and as fast); until then this lazy mapping. Callers swap it in where they keep it."""
        if not self._complete and self._queries > LOAD_ALL_AFTER:
            self._load_all()
        return self._memo if self._complete else self

    def __contains__(self, word) -> bool:
        return self._lookup(word) is not None

    def __getitem__(self, word):
        v = self._lookup(word)
        if v is None:
            raise KeyError(word)
        return v

    def get(self, word, default=None):
        v = self._lookup(word)
        return default if v is None else v

    def __setitem__(self, word, value) -> None:
        self._memo[word] = value


class Lexicon:
    def __init__(self, path: Path):
        self.path = path
        self.db = self._connect()
        lock = threading.Lock()
        meta = dict(self.db.execute("SELECT k, v FROM meta"))
        if meta.get("version") != SCHEMA_VERSION:
            raise sqlite3.DatabaseError("old lexicon")
        self.total = int(meta["total"])
        self.median_idf = float(meta["median_idf"])
        self.freq = _Table(self.db, "freq", lock)    # jieba's FREQ: words and their prefixes (0)
        self.tag = _Table(self.db, "tag", lock)      # part of speech of dictionary words
        self.idf = _Table(self.db, "idf", lock)      # jieba.analyse's IDF weights
        _open_lexicons.add(self)

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)

    def _reopen_in_child(self) -> None:
        """A forked worker never uses its parent's SQLite connection (SQLite forbids carrying
        one across fork), nor a lock another thread may have held at the fork."""
        self.db = self._connect()
        lock = threading.Lock()
        for table in (self.freq, self.tag, self.idf):
            table._db, table._lock = self.db, lock


_open_lexicons: "weakref.WeakSet[Lexicon]" = weakref.WeakSet()


def _after_fork_in_child() -> None:
    for lex in list(_open_lexicons):
        try:
            lex._reopen_in_child()
        except sqlite3.Error:
            pass


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def _sources() -> tuple[Path, Path]:
    import importlib.util
    spec = importlib.util.find_spec("jieba")
    base = Path(spec.origin).parent
    return base / "dict.txt", base / "analyse" / "idf.txt"


def lexicon_path(cache_dir: Path) -> Path:
    """Named after jieba's version and the sizes of its two files, not their times, so that
    every virtual environment with the same jieba shares one lexicon."""
    import sys
    d, i = _sources()
    version = getattr(sys.modules.get("jieba"), "__version__", None)   # (metadata lookup: 20 ms)
    if version is None:
        import importlib.metadata
        try:
            version = importlib.metadata.version("jieba")
        except importlib.metadata.PackageNotFoundError:
            version = "?"
    key = hashlib.sha256(repr((SCHEMA_VERSION, version, d.stat().st_size, i.stat().st_size)).encode()
                         ).hexdigest()[:16]
    return Path(cache_dir) / f"jieba-lexicon-{key}.sqlite3"


def build_lexicon(path: Path) -> None:
    """Make the SQLite file from jieba's dict.txt and idf.txt (once per jieba install, ~3 s)."""
    dict_txt, idf_txt = _sources()
    freq: dict[str, int] = {}
    tag: dict[str, str] = {}
    total = 0
    with open(dict_txt, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) < 2:
                continue
            word, n = parts[0], int(parts[1])
            freq[word] = n
            total += n
            if len(parts) >= 3:
                tag[word] = parts[2]
            for k in range(1, len(word)):
                freq.setdefault(word[:k], 0)
    idf: dict[str, float] = {}
    with open(idf_txt, encoding="utf-8") as f:
        for line in f:
            word, _, value = line.strip().partition(" ")
            if value:
                idf[word] = float(value)
    values = sorted(idf.values())
    median = values[len(values) // 2] if values else 0.0
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    db = sqlite3.connect(tmp)
    try:
        db.executescript("CREATE TABLE meta (k TEXT PRIMARY KEY, v TEXT);"
                         "CREATE TABLE words (w TEXT PRIMARY KEY, freq INTEGER, tag TEXT, idf REAL) WITHOUT ROWID;"
                         "CREATE TABLE whole (col TEXT PRIMARY KEY, data BLOB);")
        db.executemany("INSERT INTO words VALUES (?, ?, ?, ?)",
                       ((w, freq.get(w), tag.get(w), idf.get(w)) for w in sorted(freq.keys() | idf.keys())))
        db.executemany("INSERT INTO whole VALUES (?, ?)",
                       [(col, pickle.dumps(table, protocol=5)) for col, table in
                        (("freq", freq), ("tag", tag), ("idf", idf))])
        db.executemany("INSERT INTO meta VALUES (?, ?)", [("version", SCHEMA_VERSION), ("total", str(total)),
                                                           ("median_idf", repr(median))])
        db.commit()
    finally:
        db.close()
    os.replace(tmp, path)
    # an older jieba's lexicon, and the IDF caches of earlier versions: never read again
    for old in [*path.parent.glob("jieba-lexicon-*.sqlite3"), *path.parent.glob("jieba-idf-*.marshal")]:
        if old != path:
            old.unlink(missing_ok=True)


def open_lexicon(cache_dir: Path) -> Lexicon | None:
    """The lexicon, made on first use; None when it cannot be made or read."""
    try:
        path = lexicon_path(cache_dir)
        if not path.exists():
            build_lexicon(path)
        return Lexicon(path)
    except (OSError, sqlite3.Error, ValueError, KeyError):
        return None
