"""The bigram tables' cache file: one per dict.txt content, shared by every environment."""
import os

from digest.ingest import language


def _dict(tmp_path, name="dict.txt"):
    p = tmp_path / "jieba" / name
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text("中国 100 ns\n人民 50 n\n", encoding="utf-8")
    return p


def test_a_new_environment_with_the_same_dictionary_reuses_the_tables(tmp_path):
    """A fresh virtual environment installs the same dict.txt with a new time: the tables were
    made again and a 5 MB file was added to the cache folder each time."""
    cache = tmp_path / "cache"
    d = _dict(tmp_path)
    m1 = language._load(d, *language.dict_key(d)[1:], cache)
    os.utime(d, (1_000_000_000, 1_000_000_000))         # as a reinstall leaves it
    files = list(cache.glob("han-bigrams-*.marshal"))
    assert len(files) == 1
    before = files[0].stat().st_mtime_ns
    m2 = language._load(d, *language.dict_key(d)[1:], cache)
    assert list(cache.glob("han-bigrams-*.marshal")) == files
    assert files[0].stat().st_mtime_ns == before          # read, not made again
    assert m1 == m2 and m1.uni["中"] == 100 and m1.bi["人民"] == 50


def test_another_dictionary_replaces_the_old_tables(tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "han-bigrams-5071852-1796080989.marshal").write_bytes(b"old")   # the old naming
    d = _dict(tmp_path)
    language._load(d, *language.dict_key(d)[1:], cache)
    d.write_text("中国 100 ns\n", encoding="utf-8")
    m = language._load(d, *language.dict_key(d)[1:], cache)
    files = list(cache.glob("han-bigrams-*.marshal"))
    assert len(files) == 1 and str(len(d.read_bytes())) in files[0].name
    assert "人" not in m.uni
