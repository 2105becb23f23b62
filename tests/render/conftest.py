from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from sitedata import build  # noqa: E402

@pytest.fixture(scope="session")
def built(tmp_path_factory):
    return build(tmp_path_factory.mktemp("site") / "out")

@pytest.fixture(scope="session")
def built_base(tmp_path_factory):
    return build(tmp_path_factory.mktemp("site_b") / "out", base_url="https://news.example.org/digest")
