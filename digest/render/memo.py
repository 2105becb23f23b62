"""Memo tables for the render stage, kept across builds in the build state.

Converting a paragraph's Markdown to HTML and segmenting an article with jieba
for the search index are the expensive steps of rendering, and their results
depend only on the text. They are memoised by text in one :class:`Memo`, which
the build creates (``digest/site.py``), fills from the build state, makes the
active one while it renders (:func:`active`) and saves back: only the entries
this build used, so an unchanged article costs a dictionary lookup and the tables
never grow beyond the site.

The render code asks through :func:`get`, :func:`has` and :func:`keep`; with no
active memo (a page rendered outside a build) they compute every time.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Callable, Iterator

TABLES = ("html", "plain", "search", "search-article", "kwslug", "kwlabel", "epub", "epub-book")
LAZY = ("search-article", "epub", "epub-book")   # large values, few needed per rebuild: read one by one


class Memo:
    """The memo tables of one build."""

    def __init__(self) -> None:
        self.tables: dict[str, dict] = {name: {} for name in TABLES}
        self.used: dict[str, set] = {name: set() for name in TABLES}
        self.loaded: dict[str, dict] = {}      # the tables as loaded, to hand back unchanged ones as they were
        self.computed: set[str] = set()        # tables that got a new entry since load()
        self.stored: dict[str, tuple[set, Callable]] = {}   # lazy tables: (keys in the store, fetch(key))
        self.new: dict[str, dict] = {name: {} for name in LAZY}

    def get(self, table: str, key, compute):
        t = self.tables[table]
        try:
            value = t[key]
        except KeyError:
            stored = self.stored.get(table)
            value = stored[1](key) if stored is not None and key in stored[0] else None
            if value is None:
                value = compute()
                self.computed.add(table)
                if table in self.new:
                    self.new[table][key] = value
            t[key] = value
        self.used[table].add(key)
        return value

    def has(self, table: str, key) -> bool:
        stored = self.stored.get(table)
        return key in self.tables[table] or (stored is not None and key in stored[0])

    def keep(self, table: str, key) -> None:
        """Keep an entry of a lazy table without reading it (it is still current)."""
        self.used[table].add(key)

    def load(self, saved: dict[str, dict]) -> None:
        """The eager tables as the build state holds them (entries already made stay)."""
        self.loaded.clear()
        self.computed.clear()
        for name, table in saved.items():
            if name in self.tables and name not in LAZY and isinstance(table, dict):
                self.tables[name].update(table)
                self.loaded[name] = table
        for s in self.used.values():
            s.clear()

    def load_lazy(self, table: str, keys: set, fetch: Callable) -> None:
        """A lazy table: ``keys`` are in the store, ``fetch(key)`` reads one (None if unreadable)."""
        self.stored[table] = (set(keys), fetch)
        self.new[table] = {}
        self.used[table].clear()

    def export(self) -> dict[str, dict]:
        """Only the entries this build used (lazy tables: see export_lazy). A table this build
        neither added to nor used less of is the very object load() was given, so the caller
        can tell it need not be saved."""
        out = {}
        for name in TABLES:
            if name in self.stored:
                continue
            old, used = self.loaded.get(name), self.used[name]
            if old is not None and name not in self.computed and len(used) == len(old) \
                    and all(k in old for k in used):
                out[name] = old
            else:
                out[name] = {k: self.tables[name][k] for k in used if k in self.tables[name]}
        return out

    def export_lazy(self, table: str) -> tuple[set, dict]:
        """(keys to keep in the store, entries to add to it)."""
        return set(self.used[table]), dict(self.new[table])


_active: list[Memo] = []       # the memo of the build that is rendering (a stack: builds may nest in tests)


@contextmanager
def active(memo: Memo) -> Iterator[Memo]:
    """Make ``memo`` the one :func:`get` uses while the block runs (forked workers inherit it)."""
    _active.append(memo)
    try:
        yield memo
    finally:
        _active.remove(memo)


def get(table: str, key, compute):
    """The memoised value of ``key`` in ``table``, else ``compute()`` (then remembered)."""
    return _active[-1].get(table, key, compute) if _active else compute()


def has(table: str, key) -> bool:
    return bool(_active) and _active[-1].has(table, key)


def keep(table: str, key) -> None:
    if _active:
        _active[-1].keep(table, key)
