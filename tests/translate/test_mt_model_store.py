"""Model store: safe unpacking, clear errors when the model is missing or broken, no tracebacks."""
from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from digest.errors import BuildError, Reporter
from digest.settings import Settings
from digest.translate.model_store import check_package, fetch_model, resolve_model, unpack_argosmodel

REPO = Path(__file__).resolve().parents[2]
NO_REGISTRY = {"PIP_NO_INDEX": "1", "PIP_INDEX_URL": "http://127.0.0.1:9/", "PIP_FIND_LINKS": "",
               "PIP_RETRIES": "0", "PIP_TIMEOUT": "2"}


def fake_package(root: Path, skip: str | None = None) -> Path:
    files = {"model/model.bin": b"\0" * 16, "model/config.json": b"{}", "sentencepiece.model": b"sp",
             "metadata.json": b'{"from_code": "zh", "to_code": "en", "package_version": "1.9"}'}
    for name, data in files.items():
        if name != skip:
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_bytes(data)
    return root


def test_unpack_refuses_parent_traversal(tmp_path):
    archive = tmp_path / "evil.argosmodel"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("pkg/metadata.json", "{}")
        zf.writestr("pkg/../../escaped.txt", "gotcha")
    with pytest.raises(BuildError, match="unsafe path"):
        unpack_argosmodel(archive, tmp_path / "cache" / "models" / "user")
    assert not (tmp_path / "escaped.txt").exists() and not (tmp_path / "cache" / "escaped.txt").exists()
    assert not (tmp_path / "cache" / "models" / "user").exists()


def test_unpack_refuses_absolute_member(tmp_path):
    archive = tmp_path / "evil.argosmodel"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("/tmp/abs.txt", "gotcha")
    with pytest.raises(BuildError, match="unsafe path"):
        unpack_argosmodel(archive, tmp_path / "dest")


def test_unpack_good_archive(tmp_path):
    src = fake_package(tmp_path / "src" / "translate-zh_en")
    archive = tmp_path / "ok.argosmodel"
    with zipfile.ZipFile(archive, "w") as zf:
        for p in src.rglob("*"):
            if p.is_file():
                zf.write(p, "translate-zh_en/" + p.relative_to(src).as_posix())
    dest = unpack_argosmodel(archive, tmp_path / "dest")
    assert check_package(dest).root == tmp_path / "dest"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".dest")] == []   # temp folder gone


def test_not_a_zip_is_a_build_error(tmp_path):
    archive = tmp_path / "junk.argosmodel"
    archive.write_bytes(b"not a zip")
    with pytest.raises(BuildError, match="not an Argos"):
        unpack_argosmodel(archive, tmp_path / "dest")


def test_folder_without_sentencepiece_says_fetch_force(tmp_path):
    root = fake_package(tmp_path / "pkg", skip="sentencepiece.model")
    with pytest.raises(BuildError) as exc:
        check_package(root)
    assert "sentencepiece.model" in exc.value.message
    assert "fetch-model --force" in exc.value.message


def test_wrong_language_pair_is_refused(tmp_path):
    root = fake_package(tmp_path / "pkg")
    (root / "metadata.json").write_text('{"from_code": "en", "to_code": "de"}')
    with pytest.raises(BuildError, match="en->de"):
        check_package(root)


def test_model_path_pointing_to_nothing(tmp_path):
    s = Settings(root=tmp_path, cache_dir=tmp_path / "cache", model_path=tmp_path / "nope.argosmodel")
    with pytest.raises(BuildError) as exc:
        resolve_model(s, fetch=False)
    assert "--model: no such file or folder" in exc.value.message
    assert "fetch-model" in exc.value.message and exc.value.path.endswith("nope.argosmodel")


def test_missing_model_without_fetch_says_how_to_get_it(tmp_path):
    s = Settings(root=tmp_path, cache_dir=tmp_path / "cache")
    with pytest.raises(BuildError, match="fetch-model"):
        resolve_model(s, fetch=False)


def test_fetch_without_registry_is_a_clear_build_error(tmp_path, monkeypatch):
    for k, v in NO_REGISTRY.items():
        monkeypatch.setenv(k, v)
    s = Settings(root=tmp_path, cache_dir=tmp_path / "empty-cache")
    with pytest.raises(BuildError) as exc:
        fetch_model(s, reporter=Reporter(quiet=True, stream=io.StringIO()))
    msg = exc.value.message
    assert "could not download" in msg and "--model PATH" in msg
    assert "Traceback" not in msg and "\n" not in msg
    # nothing half-made is left in the cache
    assert not (tmp_path / "empty-cache" / "models" / "translate-zh_en-1_9").exists()


def test_cli_fetch_model_without_registry_exits_1_with_one_line(tmp_path):
    env = {**os.environ, **NO_REGISTRY}
    env.pop("DIGEST_CACHE", None)
    proc = subprocess.run([sys.executable, str(REPO / "build.py"), "fetch-model", "--cache", str(tmp_path / "empty")],
                          capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "error: could not download the model" in lines[0] and "--model PATH" in lines[0]
