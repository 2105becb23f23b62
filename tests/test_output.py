"""Writing a first build's files into the staging folder (output._write_into): the bytes, the
folders, the mode a plain file write gives them."""
from __future__ import annotations

import os
import stat

import pytest

from digest.output import _write_into

FILES = {"index.html": b"<p>home</p>", "zh/a.html": "中文".encode() * 3, "zh/keywords/b.html": b"",
         "static/search-index-0.js": os.urandom(3 * 2 ** 20), "zh/b.html": b"x" * 70_000}


@pytest.mark.parametrize("umask", [0o022, 0o027])
def test_files_are_written_as_write_bytes_writes_them(tmp_path, umask):
    made: set[str] = set()
    old = os.umask(umask)
    try:
        sizes = {rel: _write_into(str(tmp_path) + os.sep, made, (rel, lambda d=data: d)) for rel, data in FILES.items()}
        (tmp_path / "reference").write_bytes(b"")
    finally:
        os.umask(old)
    assert sizes == {rel: len(data) for rel, data in FILES.items()}
    assert made == {"", "zh", "zh/keywords", "static"}
    mode = stat.S_IMODE((tmp_path / "reference").stat().st_mode)
    for rel, data in FILES.items():
        assert (tmp_path / rel).read_bytes() == data, rel
        assert stat.S_IMODE((tmp_path / rel).stat().st_mode) == mode == 0o666 & ~umask, rel


def test_a_file_written_again_has_only_the_new_bytes(tmp_path):
    base = str(tmp_path) + os.sep
    _write_into(base, set(), ("a/b.html", lambda: b"long old text"))
    _write_into(base, set(), ("a/b.html", lambda: b"new"))
    assert (tmp_path / "a" / "b.html").read_bytes() == b"new"


def test_an_unsafe_path_is_refused_before_anything_is_written(tmp_path):
    with pytest.raises(Exception):
        _write_into(str(tmp_path / "out") + os.sep, set(), ("../escape.html", lambda: b"x"))
    assert not (tmp_path / "escape.html").exists()
