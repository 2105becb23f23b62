"""Memo tables for the render stage, kept across builds in the build state.

Converting a paragraph's Markdown to HTML and segmenting an article with jieba
for the search index are the expensive steps of rendering, and their results
depend only on the text. They are memoised here by text; ``digest/site.py``
loads the tables from the build state before rendering and saves back only the
entries this build used, so an unchanged article costs a dictionary lookup and
the tables never grow beyond the site.
"""
from __future__ import annotations

TABLES: dict[str, dict] = {"html": {}, "plain": {}, "search": {}}
_used: dict[str, set] = {name: set() for name in TABLES}


def get(table: str, key, compute):
    t = TABLES[table]
    try:
        value = t[key]
    except KeyError:
        value = t[key] = compute()
    _used[table].add(key)
    return value


def load(saved: dict[str, dict]) -> None:
    for name, table in saved.items():
        if name in TABLES and isinstance(table, dict):
            TABLES[name].update(table)
    for s in _used.values():
        s.clear()


def export() -> dict[str, dict]:
    """Only the entries this build used."""
    return {name: {k: TABLES[name][k] for k in _used[name] if k in TABLES[name]} for name in TABLES}
