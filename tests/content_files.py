"""Helpers shared by tests/test_content.py and tests/test_front_matter.py: a content file with
the given front matter, and the error that loading a bad one raises."""
from __future__ import annotations

from pathlib import Path

import pytest

from digest.content import load_article
from digest.errors import InputError


def content_file(folder: Path, front: str, body: str = "正文。\n", name: str = "a.zh.md") -> Path:
    p = folder / name
    p.write_text(f"---\n{front}---\n{body}", encoding="utf-8")
    return p


def refused(path: Path) -> InputError:
    with pytest.raises(InputError) as e:
        load_article(path)
    return e.value
