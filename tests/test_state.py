"""digest/state.py: content keys, the build state file, and the cached-stage loop."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from digest.state import BuildState, cache_lookup, cache_save, cached_stage, digest_of, tree_stat

parts = st.recursive(st.none() | st.integers() | st.text() | st.binary(),
                     lambda inner: st.tuples(inner, inner) | st.lists(inner, max_size=3), max_leaves=6)


@given(st.lists(parts, max_size=4), st.lists(parts, max_size=4))
def test_digest_of_equal_exactly_for_equal_parts(a, b):
    assert (digest_of(*a) == digest_of(*b)) == (a == b)


def test_digest_of_does_not_confuse_neighbours():
    assert digest_of("ab", "c") != digest_of("a", "bc")
    assert digest_of("1") != digest_of(1)
    assert digest_of(b"x") != digest_of("x")
    assert digest_of(None) != digest_of("None")


def test_tree_stat_skips_dot_files_and_the_given_suffixes(tmp_path):
    (tmp_path / "a.zh.md").write_text("x", encoding="utf-8")
    (tmp_path / ".a.zh.md.swp").write_text("x", encoding="utf-8")
    (tmp_path / "tm.sqlite3").write_text("x", encoding="utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "index").write_text("x", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.zh.md").write_text("yy", encoding="utf-8")
    assert [(p, size) for p, size, _t in tree_stat(tmp_path, skip_suffixes=(".sqlite3",))] == \
        [("a.zh.md", 1), ("sub/b.zh.md", 2)]


def test_state_keeps_values_and_replace_all_drops_the_rest(tmp_path):
    s = BuildState(tmp_path / "state.sqlite3")
    s.put_many("k", {"a": [1], "b": {"x": 2}})
    s.put_many("k", {"b": {"x": 3}, "c": None}, replace_all=True)
    s.set_meta("fingerprint", "f")
    s.close()
    s = BuildState(tmp_path / "state.sqlite3")
    assert s.get_many("k") == {"b": {"x": 3}, "c": None}
    assert s.get("k", "a") is None and s.get_meta("fingerprint") == "f"
    s.forget_fingerprint()
    assert s.get_meta("fingerprint") is None
    s.close()


def test_a_corrupt_state_file_is_a_clean_start(tmp_path):
    p = tmp_path / "state.sqlite3"
    p.write_bytes(b"this is not a database" * 100)
    s = BuildState(p)
    assert s.get_many("k") == {} and s.outputs() == {}
    s.put_many("k", {"a": 1})
    assert s.get("k", "a") == 1
    s.close()


def test_outputs_are_recorded_and_only_changed_rows_rewritten(tmp_path):
    s = BuildState(tmp_path / "state.sqlite3")
    s.set_outputs({"index.html": ("k1", 10), "zh/a.html": ("k2", 20)})
    before = s.outputs()
    s.set_outputs({"index.html": ("k1", 10), "zh/b.html": ("k3", 30)}, previous=before)
    assert s.outputs() == {"index.html": ("k1", 10), "zh/b.html": ("k3", 30)}
    s.close()


def test_cached_stage_computes_only_what_is_missing_and_keeps_only_what_is_used(tmp_path):
    s = BuildState(tmp_path / "state.sqlite3")
    calls = []

    def double(todo):
        calls.append(list(todo))
        return {item: item * 2 for item in todo}

    assert cached_stage(s, "x", {"a": "ka", "b": "kb"}, double) == {"a": "aa", "b": "bb"}
    assert cached_stage(s, "x", {"b": "kb", "c": "kc"}, double) == {"b": "bb", "c": "cc"}
    assert calls == [["a", "b"], ["c"]]
    assert set(s.get_many("x")) == {"kb", "kc"}          # "ka" no build uses: gone
    # a changed key is a miss; reuse=False recomputes everything
    assert cached_stage(s, "x", {"b": "kb2"}, double) == {"b": "bb"} and calls[-1] == ["b"]
    cached_stage(s, "x", {"b": "kb2"}, double, reuse=False)
    assert calls[-1] == ["b"]
    s.close()


def test_cached_stage_leaves_out_what_compute_could_not_make_and_keep_filters_the_cache(tmp_path):
    s = BuildState(tmp_path / "state.sqlite3")
    out = cached_stage(s, "x", {"ok": "k1", "bad": "k2", "stale": "k3"},
                       lambda todo: {i: i.upper() for i in todo if i != "bad"},
                       keep=lambda v: v != "STALE")
    assert out == {"ok": "OK", "stale": "STALE"}
    assert set(s.get_many("x")) == {"k1"}                # made again next time, like a stale translation
    found, todo = cache_lookup(s, "x", {"ok": "k1", "stale": "k3"})
    assert found == {"ok": "OK"} and todo == ["stale"]
    cache_save(None, "x", {"ok": "k1"}, {"ok": "OK"})      # no state: nothing to do, no error
    assert cached_stage(None, "x", {"a": "ka"}, lambda todo: {"a": 1}) == {"a": 1}
    s.close()


def test_a_write_ahead_log_left_beside_a_deleted_state_is_not_read(tmp_path):
    """The state keeps a write-ahead log (commits cost no fsync). A build killed with the state
    open leaves its log; if the state file is then deleted (to start clean), the next state
    must start empty, not replay the old log into the new file (SQLite sees to it: checked
    here because a state that came back from the dead would skip work the site needs)."""
    p = tmp_path / "state.sqlite3"
    s = BuildState(p)
    s.db.execute("PRAGMA wal_autocheckpoint=0")      # as if killed before any checkpoint
    s.put_many("k", {"a": [1]})
    s.set_meta("fingerprint", "old")
    wal = (tmp_path / "state.sqlite3-wal").read_bytes()
    shm = (tmp_path / "state.sqlite3-shm").read_bytes()
    assert wal                                        # the writes are in the log
    s.close()
    p.unlink()
    (tmp_path / "state.sqlite3-wal").write_bytes(wal)
    (tmp_path / "state.sqlite3-shm").write_bytes(shm)
    again = BuildState(p)
    assert again.get_many("k") == {} and again.get_meta("fingerprint") is None
    again.put_many("k", {"b": 2})
    again.close()
    assert BuildState(p).get_many("k") == {"b": 2}
