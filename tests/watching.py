"""Helpers shared by tests/test_watch.py and tests/test_serve.py."""
from __future__ import annotations

import time
from pathlib import Path

from bs4 import BeautifulSoup

from digest.settings import Settings


def page_texts(out: Path) -> str:
    texts = []
    for f in sorted(out.rglob("*.html")) if out.is_dir() else []:
        try:
            texts.append(BeautifulSoup(f.read_bytes(), "html5lib").get_text())
        except OSError:
            pass
    return "\n".join(texts)


def wait_for(pred, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(0.05)
    return pred()


def edit_one_content_file(settings: Settings, marker: str) -> None:
    files = sorted(settings.content_dir.glob("*.zh.md"))
    assert files, "the first build produced no content file"
    text = files[0].read_text(encoding="utf-8")
    files[0].write_text(text.rstrip("\n") + f"\n\n{marker}\n", encoding="utf-8")
