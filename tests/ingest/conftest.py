from __future__ import annotations

from pathlib import Path

import pytest

from digest.ingest import normalise

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


@pytest.fixture(scope="session")
def seed000() -> bytes:
    return (SEEDS / "000_c453b63aea0b5103.txt").read_bytes()


@pytest.fixture(scope="session")
def seed003() -> bytes:
    return (SEEDS / "003_bff3fb38093f2861.txt").read_bytes()


@pytest.fixture(scope="session")
def art000(seed000):
    return normalise(seed000, "seeds/000.txt")


@pytest.fixture(scope="session")
def art003(seed003):
    return normalise(seed003, "seeds/003.txt")
