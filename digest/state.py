"""Build state: what each output was made from (after Lektor's SQLite build state).

One small SQLite file beside ``output/`` holds
- ``meta``: the input fingerprint of the last successful build (a no-op build is one comparison);
- ``cache``: per-stage results keyed by content hashes (parsed articles, keywords, translations),
  so that a rebuild after one edit redoes only that article's work;
- ``outputs``: every file in ``output/`` with the key of the inputs it was rendered from and its
  size, so that only pages whose inputs changed are rendered and written.

The state is only a cache: if it is missing or corrupt it is deleted and the build starts clean.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import sqlite3
from pathlib import Path
from typing import Callable, Hashable, Mapping, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS cache (kind TEXT NOT NULL, k TEXT NOT NULL, v BLOB NOT NULL, PRIMARY KEY (kind, k));
CREATE TABLE IF NOT EXISTS outputs (path TEXT PRIMARY KEY, key TEXT NOT NULL, size INTEGER NOT NULL);
"""
VERSION = "1"


def digest_of(*parts: object) -> str:
    """A stable hash of strings, bytes, numbers, None and nested tuples or lists of them: the
    sha256 of their repr, which is unambiguous for these types (and faster than walking them)."""
    return hashlib.sha256(repr(parts).encode("utf-8", "surrogatepass")).hexdigest()


def tree_stat(root: Path, *, skip_suffixes: tuple[str, ...] = ()) -> list[tuple[str, int, int]]:
    """(relative path, size, mtime_ns) of every file below ``root``, sorted; cheap (stat only)."""
    out: list[tuple[str, int, int]] = []
    if not root.is_dir():
        return out
    top = os.path.join(str(root), "")
    for dirpath, dirnames, filenames in os.walk(top, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        prefix = os.path.join(dirpath, "")[len(top):]          # relative folder, "" at the top
        for name in filenames:
            if name.startswith(".") or name.endswith(skip_suffixes):
                continue
            try:
                st = os.stat(os.path.join(dirpath, name))
            except OSError:
                continue
            out.append((prefix + name, st.st_size, st.st_mtime_ns))
    out.sort()
    return out


class BuildState:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.db = self._open()
        self._pid = os.getpid()
        self._loaded: dict[str, dict] = {}     # kind -> {key: object} as get_many returned them

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for attempt in range(2):
            try:
                db = sqlite3.connect(self.path, isolation_level=None)
                # a write-ahead log, synced at checkpoints only: a commit costs no fsync (a
                # one-edit build commits a dozen times). A crash of the machine may lose the last
                # commits, never the file's integrity; losing them only makes the next build redo
                # work (the state is a cache).
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")
                db.executescript(SCHEMA)
                row = db.execute("SELECT v FROM meta WHERE k='version'").fetchone()
                if row is None or row[0] != VERSION:
                    db.executescript("DELETE FROM meta; DELETE FROM cache; DELETE FROM outputs;")
                    db.execute("INSERT OR REPLACE INTO meta VALUES ('version', ?)", (VERSION,))
                return db
            except sqlite3.DatabaseError:
                # corrupt: it is only a cache, start again
                try:
                    db.close()
                except Exception:
                    pass
                for suffix in ("", "-wal", "-shm", "-journal"):
                    Path(str(self.path) + suffix).unlink(missing_ok=True)
        raise RuntimeError(f"cannot open build state {self.path}")

    def close(self) -> None:
        self.db.close()

    # -- meta
    def get_meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT v FROM meta WHERE k=?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def forget_fingerprint(self) -> None:
        self.db.execute("DELETE FROM meta WHERE k='fingerprint'")

    # -- stage caches
    def get(self, kind: str, key: str):
        row = self.db.execute("SELECT v FROM cache WHERE kind=? AND k=?", (kind, key)).fetchone()
        if row is None:
            return None
        try:
            return pickle.loads(row[0])
        except Exception:
            return None

    def keys(self, kind: str) -> set[str]:
        return {k for (k,) in self.db.execute("SELECT k FROM cache WHERE kind=?", (kind,))}

    def get_any_process(self, kind: str, key: str):
        """``get``, also from a forked worker (which opens its own connection: SQLite forbids
        using one across fork)."""
        if os.getpid() == self._pid:
            return self.get(kind, key)
        if getattr(self, "_child", (None, None))[0] != os.getpid():
            self._child = (os.getpid(), sqlite3.connect(f"file:{self.path}?mode=ro", uri=True))
        row = self._child[1].execute("SELECT v FROM cache WHERE kind=? AND k=?", (kind, key)).fetchone()
        try:
            return pickle.loads(row[0]) if row is not None else None
        except Exception:
            return None

    def retain(self, kind: str, keep: set[str]) -> None:
        """Delete the kind's entries whose keys are not in ``keep``."""
        gone = [(kind, k) for k in self.keys(kind) - set(keep)]
        if gone:
            with self.db:
                self.db.execute("BEGIN")
                self.db.executemany("DELETE FROM cache WHERE kind=? AND k=?", gone)

    def get_many(self, kind: str) -> dict:
        out = {}
        loaded = {}
        for k, v in self.db.execute("SELECT k, v FROM cache WHERE kind=?", (kind,)):
            try:
                out[k] = loaded[k] = pickle.loads(v)
            except Exception:
                loaded[k] = None          # unreadable: replaced or deleted by the next put_many
        self._loaded[kind] = loaded
        return out

    def delete_kinds(self, kinds: list[str]) -> None:
        with self.db:
            self.db.execute("BEGIN")
            self.db.executemany("DELETE FROM cache WHERE kind=?", [(k,) for k in kinds])
        for k in kinds:
            self._loaded.pop(k, None)

    def put_many(self, kind: str, items: dict, *, replace_all: bool = False) -> None:
        """Store ``items``; with ``replace_all`` they become the kind's only entries.

        Entries that are the very objects get_many returned are not written again (a rebuild
        after one edit writes a few rows, not every article's)."""
        loaded = self._loaded.get(kind)
        with self.db:
            self.db.execute("BEGIN")
            if replace_all and loaded is None:
                self.db.execute("DELETE FROM cache WHERE kind=?", (kind,))
            elif replace_all:
                self.db.executemany("DELETE FROM cache WHERE kind=? AND k=?",
                                    [(kind, k) for k in loaded if k not in items])
            self.db.executemany("INSERT OR REPLACE INTO cache VALUES (?, ?, ?)",
                                [(kind, k, pickle.dumps(v, protocol=5)) for k, v in items.items()
                                 if loaded is None or loaded.get(k) is not v or v is None])
        if replace_all:
            self._loaded[kind] = dict(items)
        elif loaded is not None:
            self._loaded[kind] = {**loaded, **items}

    # -- outputs
    def outputs(self) -> dict[str, tuple[str, int]]:
        return {p: (k, s) for p, k, s in self.db.execute("SELECT path, key, size FROM outputs")}

    def output_sizes(self) -> list[tuple[str, int]]:
        """(path, size) of every output file (what a no-op build checks: no keys to read)."""
        return self.db.execute("SELECT path, size FROM outputs").fetchall()

    def set_outputs(self, outputs: dict[str, tuple[str, int]],
                    previous: dict[str, tuple[str, int]] | None = None) -> None:
        """Record every output file; ``previous`` (what outputs() returned) limits the writes
        to the rows that changed."""
        with self.db:
            self.db.execute("BEGIN")
            if previous is None:
                self.db.execute("DELETE FROM outputs")
                rows = sorted(outputs.items())
            else:
                self.db.executemany("DELETE FROM outputs WHERE path=?",
                                    [(p,) for p in sorted(set(previous) - set(outputs))])
                rows = sorted((p, v) for p, v in outputs.items() if previous.get(p) != v)
            self.db.executemany("INSERT OR REPLACE INTO outputs VALUES (?, ?, ?)",
                                [(p, k, s) for p, (k, s) in rows])


# -- the loop every cached stage runs: get -> key -> compute -> save

def cached_stage(state: BuildState | None, kind: str, keys: Mapping[K, str],
                 compute: Callable[[list[K]], Mapping[K, V]], *, reuse: bool = True,
                 keep: Callable[[V], bool] | None = None) -> dict[K, V]:
    """Each item's value of ``kind``: the cached one under its key (``keys``: item -> key), or
    else made by ``compute``, called once with every item not cached (it may leave some out:
    they are missing from the result). The kind's entries then become exactly the values
    returned (those ``keep`` accepts), so the cache never holds what no build uses."""
    found, todo = cache_lookup(state, kind, keys, reuse=reuse)
    if todo:
        found.update(compute(todo))
    out = {item: found[item] for item in keys if item in found}
    cache_save(state, kind, keys, out, keep=keep)
    return out


def cache_lookup(state: BuildState | None, kind: str, keys: Mapping[K, str], *,
                 reuse: bool = True) -> tuple[dict[K, V], list[K]]:
    """The first half of :func:`cached_stage` (for a stage that fills two kinds in one call):
    (item -> cached value, the items not cached, in order)."""
    cache = state.get_many(kind) if state is not None and reuse else {}
    found = {item: cache[key] for item, key in keys.items() if key in cache}
    return found, [item for item in keys if item not in found]


def cache_save(state: BuildState | None, kind: str, keys: Mapping[K, str], values: Mapping[K, V], *,
               keep: Callable[[V], bool] | None = None) -> None:
    """The second half: ``values`` (item -> value; those ``keep`` accepts) become the kind's
    only entries."""
    if state is not None:
        state.put_many(kind, {keys[item]: v for item, v in values.items()
                              if item in keys and (keep is None or keep(v))}, replace_all=True)
