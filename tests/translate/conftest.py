"""Fixtures for the translation tests: throwaway settings, the real model when it is there."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from digest.settings import Settings, default_cache_dir
from digest.translate.model_store import check_package, default_package_dir
from digest.errors import BuildError

REPO = Path(__file__).resolve().parents[2]
GLOSSARY = REPO / "content" / "glossary.toml"
MODEL_DIR = default_package_dir(default_cache_dir())


def _model_ready() -> str | None:
    """None when the model is usable, else why not."""
    if not MODEL_DIR.exists():
        return f"model folder absent: {MODEL_DIR} (run `python build.py fetch-model`)"
    try:
        check_package(MODEL_DIR)
    except BuildError as e:
        return f"model folder unusable: {e}"
    return None


@pytest.fixture
def make_settings(tmp_path: Path):
    """Settings(root=tmp_path, ...) whose TM and content live in tmp_path; the model cache is the real one."""

    def make(glossary_text: str | None = None, content: Path | None = None, **kw) -> Settings:
        content = content or tmp_path / "content"
        content.mkdir(parents=True, exist_ok=True)
        if glossary_text is not None:
            (content / "glossary.toml").write_text(glossary_text, encoding="utf-8")
        elif not (content / "glossary.toml").exists():
            shutil.copy(GLOSSARY, content / "glossary.toml")
        kw.setdefault("cache_dir", default_cache_dir())
        kw.setdefault("tm_path", tmp_path / "tm.sqlite3")
        return Settings(root=tmp_path, content_dir=content, quiet=True, **kw)

    return make


@pytest.fixture(scope="session")
def model_package():
    why = _model_ready()
    if why:
        pytest.skip(why)
    return check_package(MODEL_DIR)


@pytest.fixture(scope="session")
def engine(model_package):
    from digest.translate.engine import Engine
    return Engine(model_package)
