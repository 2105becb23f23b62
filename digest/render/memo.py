"""Memo tables for the render stage, kept across builds in the build state.

Converting a paragraph's Markdown to HTML and segmenting an article with jieba
for the search index are the expensive steps of rendering, and their results
depend only on the text. They are memoised here by text; ``digest/site.py``
loads the tables from the build state before rendering and saves back only the
entries this build used, so an unchanged article costs a dictionary lookup and
the tables never grow beyond the site.
"""
from __future__ import annotations

TABLES: dict[str, dict] = {"html": {}, "plain": {}, "search": {}, "search-article": {}, "kwslug": {}, "kwlabel": {}}
_used: dict[str, set] = {name: set() for name in TABLES}
_loaded: dict[str, dict] = {}          # the tables as loaded, to hand back unchanged ones as they were
_computed: set[str] = set()            # tables that got a new entry since load()


def get(table: str, key, compute):
    t = TABLES[table]
    try:
        value = t[key]
    except KeyError:
        value = t[key] = compute()
        _computed.add(table)
    _used[table].add(key)
    return value


def has(table: str, key) -> bool:
    return key in TABLES[table]


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
    """Only the entries this build used. A table this build neither added to nor used less
    of is the very object load() was given, so the caller can tell it need not be saved."""
    out = {}
    for name in TABLES:
        old = _loaded.get(name)
        if old is not None and name not in _computed and len(_used[name]) == len(old) \
                and all(k in old for k in _used[name]):
            out[name] = old
        else:
            out[name] = {k: TABLES[name][k] for k in _used[name] if k in TABLES[name]}
    return out
