"""The render memo: one object per build, active only while that build renders (issue 13)."""
from __future__ import annotations

from digest.render import memo
from digest.render.memo import Memo, active


def test_without_an_active_memo_every_call_computes():
    calls = []
    assert memo.get("html", "a", lambda: calls.append(1) or "x") == "x"
    assert memo.get("html", "a", lambda: calls.append(1) or "x") == "x"
    assert len(calls) == 2 and not memo.has("html", "a")


def test_the_active_memo_computes_once_and_two_memos_share_nothing():
    first, second = Memo(), Memo()
    calls = []
    with active(first):
        assert memo.get("html", "a", lambda: calls.append(1) or "x") == "x"
        assert memo.get("html", "a", lambda: calls.append(1) or "y") == "x"
    with active(second):
        assert not memo.has("html", "a")
        assert memo.get("html", "a", lambda: calls.append(1) or "z") == "z"
    assert len(calls) == 2
    assert first.tables["html"] == {"a": "x"} and second.tables["html"] == {"a": "z"}
    assert not memo.has("html", "a")          # nothing is left active


def test_export_keeps_only_what_the_build_used_and_hands_back_an_unchanged_table():
    saved = {"a": "A", "b": "B"}
    m = Memo()
    m.load({"html": saved, "plain": {"p": "P"}})
    with active(m):
        memo.get("html", "a", lambda: "?")
        memo.get("html", "b", lambda: "?")
        memo.get("plain", "q", lambda: "Q")
    out = m.export()
    assert out["html"] is saved                            # unchanged: the caller need not write it
    assert out["plain"] == {"q": "Q"}                      # "p" was not used: dropped
    assert out["kwslug"] == {}


def test_a_lazy_table_reads_stored_entries_one_by_one_and_exports_only_new_ones():
    store = {"k1": "v1", "k2": "v2"}
    reads = []
    m = Memo()
    m.load_lazy("epub", set(store), lambda k: reads.append(k) or store[k])
    with active(m):
        assert memo.has("epub", "k2")
        memo.keep("epub", "k2")
        assert memo.get("epub", "k1", lambda: "never") == "v1"
        assert memo.get("epub", "k3", lambda: "v3") == "v3"
    assert reads == ["k1"]
    keep, new = m.export_lazy("epub")
    assert keep == {"k1", "k2", "k3"} and new == {"k3": "v3"}
