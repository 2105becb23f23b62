"""The SQLite lexicon answers exactly what jieba's own tables answer (digest/lexicon.py)."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from digest import lexicon

JIEBA_DIR = Path(importlib.util.find_spec("jieba").origin).parent


@pytest.fixture(scope="module")
def lex(tmp_path_factory):
    lx = lexicon.open_lexicon(tmp_path_factory.mktemp("cache"))
    assert lx is not None
    return lx


@pytest.fixture(scope="module")
def jieba_tables():
    import jieba
    freq, total = jieba.Tokenizer.gen_pfdict(open(JIEBA_DIR / "dict.txt", "rb"))
    return freq, total


def test_same_frequencies_prefixes_and_total(lex, jieba_tables):
    freq, total = jieba_tables
    assert lex.total == total
    for word in ["经济", "数字经济", "镇江", "京", "数字经", "AT&T", "的"]:
        assert (word in lex.freq) == (word in freq), word
        assert lex.freq.get(word) == freq.get(word), word
    assert "京口区不存在的词" not in lex.freq and lex.freq.get("京口区不存在的词") is None
    with pytest.raises(KeyError):
        lex.freq["京口区不存在的词"]


def test_segmentation_is_the_same_as_jiebas(lex, repo_root):
    import jieba
    text = sorted((repo_root / "content").glob("*.zh.md"))[0].read_text(encoding="utf-8")
    own = jieba.Tokenizer()
    via_lexicon = jieba.Tokenizer()
    via_lexicon.FREQ, via_lexicon.total, via_lexicon.initialized = lex.freq, lex.total, True
    assert via_lexicon.lcut(text) == own.lcut(text)
    assert via_lexicon.lcut_for_search(text) == own.lcut_for_search(text)
    via_lexicon.add_word("京口经开区")          # writes go to memory, never to the file
    assert "京口经开区" in via_lexicon.lcut("京口经开区今天开会")


def test_tags_and_idf(lex):
    tags = {}
    for line in (JIEBA_DIR / "dict.txt").read_text(encoding="utf-8").splitlines()[:2000]:
        w, _, t = line.split(" ")
        tags[w] = t
    assert all(lex.tag.get(w) == t for w, t in tags.items())
    idf_line = (JIEBA_DIR / "analyse" / "idf.txt").read_text(encoding="utf-8").splitlines()[100]
    w, v = idf_line.split(" ")
    assert lex.idf.get(w) == float(v) and lex.median_idf > 0


def test_many_lookups_load_the_whole_table_with_the_same_answers(lex, monkeypatch, jieba_tables):
    freq, _ = jieba_tables
    monkeypatch.setattr(lexicon, "LOAD_ALL_AFTER", 50)
    t = lexicon._Table(lex.db, "freq", __import__("threading").Lock())
    words = list(freq)[:500]
    assert [t.get(w) for w in words] == [freq[w] for w in words]
    assert t._complete and t.get("经济") == freq["经济"] and "京口区不存在的词" not in t
    plain = t.plain()                       # what segmenter() hands jieba on a large build
    assert type(plain) is dict and plain["经济"] == freq["经济"] and "京口区不存在的词" not in plain


def test_no_cache_folder_means_no_lexicon_not_an_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert lexicon.open_lexicon(blocker / "cache") is None


def test_a_forked_worker_gets_its_own_connection(lex):
    import os
    parent_db = lex.db
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:                                   # the child: answers from a new connection
        ok = lex.db is not parent_db and lex.freq.get("经济") is not None and lex.freq._db is lex.db
        os.write(w, b"1" if ok else b"0")
        os._exit(0)
    os.close(w)
    got = os.read(r, 1)
    os.waitpid(pid, 0)
    assert got == b"1" and lex.db is parent_db


def test_prefetch_gives_the_answers_single_lookups_give(tmp_path, repo_root, monkeypatch):
    words = ["经济", "数字经", "京口区不存在的词", "的", "AT&T", "镇江"]
    one = lexicon.open_lexicon(tmp_path)
    batch = lexicon.open_lexicon(tmp_path)
    batch.freq["京口经开区"] = 5                  # a word added in memory survives a prefetch
    batch.freq.prefetch(words + ["京口经开区"] + [str(i) for i in range(1200)])   # several queries
    assert [batch.freq.get(w) for w in words] == [one.freq.get(w) for w in words]
    assert batch.freq.get("京口经开区") == 5
