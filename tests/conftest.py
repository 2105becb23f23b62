"""Shared fixtures: the repository, the real seeds, the real model."""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Property tests: the same 300 generated examples on every run by default, so the suite
# (and CI) pass or fail on the code, never on the draw; `--hypothesis-profile=fuzz` draws
# 5,000 fresh ones per test to look for new failures (./make.sh fuzz).
settings.register_profile("default", max_examples=300, derandomize=True, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("fuzz", max_examples=5000, derandomize=False, deadline=None, database=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("default")

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def seg(tmp_path_factory):
    """A segmenter without glossary terms, its lexicon in a temporary cache folder."""
    from digest.segment import Segmenter
    return Segmenter((), tmp_path_factory.mktemp("segment-cache"))


@pytest.fixture(scope="session")
def seed_paths() -> list[Path]:
    paths = sorted(SEEDS.glob("*.txt"))
    assert len(paths) >= 2, "seeds/ must hold the seed articles"
    return paths


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A throwaway project folder with a copy of seeds/ and the default theme."""
    shutil.copytree(SEEDS, tmp_path / "seeds")
    if (REPO / "digest" / "themes").is_dir():
        shutil.copytree(REPO / "digest" / "themes", tmp_path / "themes")
    glossary = REPO / "content" / "glossary.toml"
    if glossary.exists():
        (tmp_path / "content").mkdir()
        shutil.copy(glossary, tmp_path / "content" / "glossary.toml")
    return tmp_path


@pytest.fixture(scope="module")
def profile():
    """A throwaway chromium profile folder for the browser tests (one per test module)."""
    d = tempfile.mkdtemp(prefix="digest-chromium-")
    yield d
    shutil.rmtree(d, ignore_errors=True)
