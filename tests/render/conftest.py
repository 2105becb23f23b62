from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from sitedata import make_site  # noqa: E402

from digest.errors import Reporter  # noqa: E402
from digest.render import render_site  # noqa: E402
from digest.settings import Settings  # noqa: E402

REPO = Path(__file__).resolve().parents[2]


def build(out: Path, base_url: str | None = None, site=None) -> tuple[Path, Reporter, list[str]]:
    out.mkdir(parents=True, exist_ok=True)
    infos: list[str] = []
    rep = Reporter(quiet=True)
    rep.info = infos.append  # type: ignore[method-assign]
    render_site(site or make_site(), Settings(root=REPO, base_url=base_url), out, rep)
    return out, rep, infos


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    return build(tmp_path_factory.mktemp("site") / "out")


@pytest.fixture(scope="session")
def built_base(tmp_path_factory):
    return build(tmp_path_factory.mktemp("site_b") / "out", base_url="https://news.example.org/digest")
