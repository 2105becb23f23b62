"""pypinyin's reading of each run of Han characters, kept in SQLite in the cache folder.

A word's ruby is pypinyin's reading of each run of Han characters in it, and that reading
depends on the run alone (pypinyin segments the run with its own phrase dictionary; nothing
around the run, nor anything else in the process, changes it: the project never loads
dictionaries of its own into pypinyin). So a reading, once pypinyin has given it, can be kept:
``<cache>/pinyin-readings-<key>.sqlite3`` holds every run some build has asked pypinyin for,
with pypinyin's answer, and a build asks pypinyin only for runs the table lacks. An edit
whose words have all been seen before never imports pypinyin (0.2 s: its phrase dictionary
is a 2.5 MB JSON file).

The table is made whole once, at setup (:func:`fill_table`, run by ``build.py fetch-model``):
pypinyin's reading of every run of jieba's dictionary and of every Han character, 379,019 runs,
11.9 MB, 8.8 s of CPU on the worker processes; a meta row then says it is filled, and a build
reads it run by run (never whole). Runs outside it (words jieba's HMM found, glossary terms),
and every run in a cache never set up, are added lazily, a few hundred at a time, by the builds
that need them (a clean build of the 1,000-article benchmark corpus adds 8,568 runs, 242 KB,
to an empty table; ``bench/pinyin_table.py``). ``<key>`` is this module's schema, pypinyin's version and the
sizes of its two dictionary files (and ``PYPINYIN_NO_PHRASES``, which changes its answers),
so another pypinyin gets a table of its own and every build with the same one shares it.

Everything here is a cache: a table that cannot be made, read or written is not used (the
readings come from pypinyin, the same ones), a row that is not a reading of its run (one
syllable per character) is ignored, and the file stops growing at 64 MB.
"""
from __future__ import annotations

import functools
import hashlib
import importlib.util
import os
import re
import sqlite3
import time
from pathlib import Path

SCHEMA_VERSION = "1"
LOAD_ALL_AFTER = 2_000        # runs looked up (a few articles) before the whole table is read
SAVE_EVERY = 512              # new readings kept in memory at most ...
SAVE_AFTER_S = 2.0            # ... or for this long, once a process has saved
MAX_BYTES = 64 << 20          # the table stops growing here
MAX_MEMO = 1_000_000          # runs kept in memory
_ABSENT = object()            # looked up, not in the table
_STALE_CONNECTIONS: list = [] # a parent's connections, kept open in a forked child (see _db)


@functools.lru_cache(maxsize=200_000)
def run_reading(run: str) -> str | None:
    """pypinyin's reading of a run of Han characters, a syllable per character (or None).
    Memoised: words repeat, and pypinyin takes 20 microseconds a run."""
    from pypinyin import Style, pinyin
    syl = [s[0] for s in pinyin(run, style=Style.TONE, heteronym=False, errors="default")]
    return " ".join(syl) if len(syl) == len(run) else None


def is_reading_of(run: str, reading) -> bool:
    """Whether a stored value can be ``run``'s reading: None, or one syllable per character."""
    if reading is None:
        return True
    return isinstance(reading, str) and len(parts := reading.split(" ")) == len(run) and all(parts)


def pypinyin_key() -> str | None:
    """What pypinyin's answers depend on, without importing it: its version (read from its
    ``__init__.py``), the sizes of its dictionaries, the environment variable that drops its
    phrases; None when pypinyin cannot be found."""
    spec = importlib.util.find_spec("pypinyin")
    if spec is None or spec.origin is None:
        return None
    base = Path(spec.origin).parent
    try:
        m = re.search(r"""__version__\s*=\s*['"]([^'"]+)""", (base / "__init__.py").read_text(encoding="utf-8"))
        sizes = [(base / n).stat().st_size for n in ("pinyin_dict.json", "phrases_dict.json")]
    except OSError:
        return None
    if m is None:
        return None
    ident = (SCHEMA_VERSION, m.group(1), sizes, bool(os.environ.get("PYPINYIN_NO_PHRASES")))
    return hashlib.sha256(repr(ident).encode()).hexdigest()[:16]


class ReadingsTable:
    """Run -> reading, from memory, then the SQLite file, then pypinyin (what it answers is
    kept for the file). One per cache folder and process (:func:`table_in`); a forked worker
    opens the file again."""

    def __init__(self, path: Path, key: str):
        self.path, self.key = Path(path), key
        self._memo: dict[str, object] = {}
        self._pending: dict[str, str | None] = {}
        self._lookups = 0
        self._complete = False            # the whole file has been read into _memo
        self._filled = False              # the file holds the whole dictionary (fill_table)
        self._broken = False              # the file cannot be used: pypinyin only
        self._conn: sqlite3.Connection | None = None
        self._pid = 0
        self._saved_at: float | None = None
        self.asked = 0                    # runs pypinyin was asked for (by this process)

    # -- the file --------------------------------------------------------------------
    def _db(self) -> sqlite3.Connection | None:
        if self._broken:
            return None
        if self._conn is not None and self._pid != os.getpid():
            # SQLite forbids using a connection across fork; closing the parent's in the
            # child could drop the parent's locks, so it is only set aside
            _STALE_CONNECTIONS.append(self._conn)
            self._conn = None
        if self._conn is None:
            try:
                self._conn = self._open()
                self._pid = os.getpid()
            except (OSError, sqlite3.Error, ValueError):
                self._broken = True
                return None
        return self._conn

    def _open(self) -> sqlite3.Connection:
        fresh = not self.path.exists()
        if fresh:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=5.0, check_same_thread=False)
        try:
            with db:
                db.execute("CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT)")
                db.execute("CREATE TABLE IF NOT EXISTS runs (run TEXT PRIMARY KEY, reading TEXT) WITHOUT ROWID")
                db.execute("INSERT OR IGNORE INTO meta VALUES ('key', ?)", (self.key,))
            row = db.execute("SELECT v FROM meta WHERE k='key'").fetchone()
            if row is None or row[0] != self.key:
                raise ValueError(f"{self.path}: a table of another pypinyin")
            self._filled = db.execute("SELECT 1 FROM meta WHERE k='filled'").fetchone() is not None
        except BaseException:
            db.close()
            raise
        if fresh:       # another pypinyin's tables: never read again by this one
            for old in self.path.parent.glob("pinyin-readings-*.sqlite3"):
                if old != self.path:
                    old.unlink(missing_ok=True)
        return db

    def _query(self, sql: str, args=()) -> list | None:
        db = self._db()
        if db is None:
            return None
        try:
            return db.execute(sql, args).fetchall()
        except sqlite3.Error:
            self._broken = True
            return None

    def _keep(self, rows) -> None:
        for run, reading in rows:
            if isinstance(run, str) and run not in self._memo and is_reading_of(run, reading):
                self._memo[run] = reading

    # -- lookups ---------------------------------------------------------------------
    def reads_per_run(self) -> bool:
        """Whether lookups still go to the file (not read whole yet, and usable)."""
        return not (self._complete or self._broken)

    def prefetch(self, runs) -> None:
        """Read ``runs`` from the file in a few queries (an article's runs, before its
        readings are made); after many, the whole file at once, unless it holds the whole
        dictionary (a build asks for a few thousand of its 400,000 runs)."""
        if self._complete or self._broken:
            return
        todo = [r for r in dict.fromkeys(runs) if r not in self._memo]
        self._lookups += len(todo)
        if self._lookups > LOAD_ALL_AFTER and self._db() is not None and not self._filled:
            self.load_all()
            return
        for i in range(0, len(todo), 500):
            chunk = todo[i:i + 500]
            rows = self._query(f"SELECT run, reading FROM runs WHERE run IN ({','.join('?' * len(chunk))})",
                               chunk)
            if rows is None:
                return
            self._keep(rows)
            for r in chunk:
                self._memo.setdefault(r, _ABSENT)

    def load_all(self) -> None:
        """Read the whole file (a build about to make the readings of many articles)."""
        if self._complete or self._broken:
            return
        rows = self._query("SELECT run, reading FROM runs")
        if rows is None:
            return
        absent = [r for r, v in self._memo.items() if v is _ABSENT]
        for r in absent:
            del self._memo[r]
        self._keep(rows)
        self._complete = True

    def reading(self, run: str) -> str | None:
        """``run``'s reading: pypinyin's, from memory or the file when it has been given before."""
        v = self._memo.get(run, _ABSENT)
        if v is _ABSENT and not self._complete and run not in self._memo and not self._broken:
            self.prefetch((run,))
            v = self._memo.get(run, _ABSENT)
        if v is _ABSENT:
            if len(self._memo) > MAX_MEMO:         # a long watch session: start again
                self._memo, self._complete, self._lookups = {}, False, 0
            v = self._memo[run] = run_reading(run)
            self._pending[run] = v
            self.asked += 1
        return v

    # -- saving ----------------------------------------------------------------------
    def save(self, force: bool = False) -> None:
        """Write the new readings to the file: each process's first, then at most every
        SAVE_EVERY runs or SAVE_AFTER_S seconds (a forked worker never says it is done)."""
        if not self._pending or self._broken:
            return
        now = time.monotonic()
        if not (force or self._saved_at is None or len(self._pending) >= SAVE_EVERY
                or now - self._saved_at >= SAVE_AFTER_S):
            return
        pending, self._pending = self._pending, {}
        self._saved_at = now
        db = self._db()
        if db is None:
            return
        try:
            if self.path.stat().st_size > MAX_BYTES:
                return
            with db:
                db.executemany("INSERT OR REPLACE INTO runs VALUES (?, ?)", pending.items())
        except (OSError, sqlite3.Error):
            self._broken = True


def table_path(cache_dir: Path, key: str) -> Path:
    return Path(cache_dir) / f"pinyin-readings-{key}.sqlite3"


@functools.lru_cache(maxsize=4)
def table_in(cache_dir: Path) -> ReadingsTable | None:
    """The readings table of a cache folder (kept for the next build in this process: ``watch``
    and ``serve``); None when pypinyin's identity cannot be read."""
    key = pypinyin_key()
    return ReadingsTable(table_path(cache_dir, key), key) if key is not None else None


# -- made whole once, at setup (``build.py fetch-model``) ----------------------------------
def dictionary_runs(dict_txt: Path) -> list[str]:
    """Every run of Han characters in the words of a jieba dictionary file, and every
    character of them alone, sorted."""
    from ..chars import HAN_RUN_RE
    runs: set[str] = set()
    with open(dict_txt, encoding="utf-8") as f:
        for line in f:
            parts = line.split(maxsplit=1)
            for run in HAN_RUN_RE.findall(parts[0]) if parts else ():
                runs.add(run)
                runs.update(run)
    return sorted(runs)


def pypinyin_characters() -> list[str]:
    """Every Han character pypinyin has a reading of (41,600: a rare one alone is a word)."""
    from pypinyin.pinyin_dict import pinyin_dict
    from ..chars import HAN_RUN_RE
    return [c for c in map(chr, pinyin_dict) if HAN_RUN_RE.fullmatch(c)]


def _dictionary_file() -> tuple[Path, str]:
    """jieba's dictionary (the segmenter's) and what identifies it: the lexicon's key."""
    from ..lexicon import _sources, lexicon_path
    return _sources()[0], lexicon_path(Path(".")).stem


def fill_table(cache_dir: Path, progress=None) -> tuple[Path, int] | None:
    """Put pypinyin's reading of every run of the segmenter's dictionary (and of every Han
    character, alone) in the cache folder's readings table, on every core, and mark the table filled
    for that dictionary; a table already filled for it is left alone. Returns the file and
    how many runs were added (None: pypinyin cannot be found). ``progress(done, total)``
    is called as chunks come back. Raises OSError / sqlite3.Error when the file cannot be
    written (the builds then read pypinyin lazily, as without this step)."""
    from ..parallel import imap_chunks
    key = pypinyin_key()
    if key is None:
        return None
    path = table_path(cache_dir, key)
    table = ReadingsTable(path, key)
    db = table._db()
    if db is None:
        raise sqlite3.DatabaseError(f"{path}: the readings table cannot be opened")
    db.execute("PRAGMA busy_timeout = 60000")      # a build may be saving its readings
    dict_txt, ident = _dictionary_file()
    if db.execute("SELECT 1 FROM meta WHERE k='filled' AND v=?", (ident,)).fetchone():
        return path, 0
    have = {run for (run,) in db.execute("SELECT run FROM runs")}
    import pypinyin  # noqa: F401  (once, before the workers are forked: they share it)
    todo = sorted(set(dictionary_runs(dict_txt)).union(pypinyin_characters()) - have)
    read = run_reading.__wrapped__                 # (not memoised: each run is read once)
    rows: list[tuple[str, str | None]] = []
    for chunk in imap_chunks(read, todo):
        rows += zip(todo[len(rows):len(rows) + len(chunk)], chunk)
        if progress is not None:
            progress(len(rows), len(todo))
    with db:
        db.executemany("INSERT OR IGNORE INTO runs VALUES (?, ?)", rows)
        db.execute("INSERT OR REPLACE INTO meta VALUES ('filled', ?)", (ident,))
    return path, len(rows)
