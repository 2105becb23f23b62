"""Memo tables for the render stage, kept across builds in the build state.

Converting a paragraph's Markdown to HTML and segmenting an article with jieba
for the search index are the expensive steps of rendering, and their results
depend only on the text. They are memoised here by text; ``digest/site.py``
loads the tables from the build state before rendering and saves back only the
entries this build used, so an unchanged article costs a dictionary lookup and
the tables never grow beyond the site.
"""
from __future__ import annotations

TABLES: dict[str, dict] = {"html": {}, "plain": {}, "search": {}, "search-article": {}, "kwslug": {}, "kwlabel": {},
                           "epub": {}}
LAZY = ("search-article", "epub")             # large values, few needed per rebuild: read one by one
_used: dict[str, set] = {name: set() for name in TABLES}
_loaded: dict[str, dict] = {}          # the tables as loaded, to hand back unchanged ones as they were
_computed: set[str] = set()            # tables that got a new entry since load()
_stored: dict[str, tuple[set, object]] = {}   # lazy tables: (keys in the store, fetch(key))
_new: dict[str, dict] = {name: {} for name in LAZY}


def get(table: str, key, compute):
    t = TABLES[table]
    try:
        value = t[key]
    except KeyError:
        stored = _stored.get(table)
        value = stored[1](key) if stored is not None and key in stored[0] else None
        if value is None:
            value = compute()
            _computed.add(table)
            if table in _new:
                _new[table][key] = value
        t[key] = value
    _used[table].add(key)
    return value


def has(table: str, key) -> bool:
    stored = _stored.get(table)
    return key in TABLES[table] or (stored is not None and key in stored[0])


def keep(table: str, key) -> None:
    """Keep an entry of a lazy table without reading it (it is still current)."""
    _used[table].add(key)


def load_lazy(table: str, keys: set, fetch) -> None:
    """A lazy table: ``keys`` are in the store, ``fetch(key)`` reads one (None if unreadable)."""
    _stored[table] = (set(keys), fetch)
    _new[table] = {}
    _used[table].clear()


def export_lazy(table: str) -> tuple[set, dict]:
    """(keys to keep in the store, entries to add to it)."""
    return set(_used[table]), dict(_new[table])


def load(saved: dict[str, dict]) -> None:
    _loaded.clear()
    _computed.clear()
    for name, table in saved.items():
        if name in TABLES and isinstance(table, dict):
            TABLES[name].update(table)
            _loaded[name] = table
    for s in _used.values():
        s.clear()


def export() -> dict[str, dict]:
    """Only the entries this build used (lazy tables: see export_lazy). A table this build
    neither added to nor used less of is the very object load() was given, so the caller
    can tell it need not be saved."""
    out = {}
    for name in TABLES:
        if name in _stored:
            continue
        old = _loaded.get(name)
        if old is not None and name not in _computed and len(_used[name]) == len(old) \
                and all(k in old for k in _used[name]):
            out[name] = old
        else:
            out[name] = {k: TABLES[name][k] for k in _used[name] if k in TABLES[name]}
    return out
