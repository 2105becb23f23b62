"""A new user's walk-through (issue 14): `digest init` in an empty folder outside the repository,
then the installed `digest` command builds it with its own config, tags, a date and a theme
override (the real model, on a one-article site)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from digest.settings import default_cache_dir
from digest.translate.model_store import default_package_dir

REPO = Path(__file__).resolve().parents[2]
DIGEST = Path(sys.executable).parent / "digest"            # the installed entry point

pytestmark = [
    pytest.mark.model,
    pytest.mark.skipif(not (default_package_dir(default_cache_dir()) / "model" / "model.bin").exists(),
                       reason="the model is not fetched (./make.sh test fetches it)"),
    pytest.mark.skipif(not DIGEST.exists(), reason="digest is not installed in this environment"),
]

SEED = "江边小镇举办读书节\n\n2025年3月8日\n\n江边小镇昨天举办第一届读书节，两千多名居民参加。\n\n活动持续三天，图书馆延长开放时间。\n"
ARTICLE = """---
slug: new-library
title: 小镇新图书馆开放
date: 2025-04-01
tags: [图书馆, 江边小镇]
source_url: https://news.example.org/2025/04/01/library.html
publication: 江边日报
---

小镇新图书馆今天开放，藏书三万册。
"""


def digest(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.run([str(DIGEST), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def page(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_a_new_site_made_with_init_builds_with_the_installed_command(tmp_path):
    assert REPO not in tmp_path.parents
    r = digest("init", "riverside", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    site = tmp_path / "riverside"
    # the user's own settings, seeds, content and theme
    config = (site / "digest.toml").read_text(encoding="utf-8")
    config = config.replace('title_en = "My News Digest"', 'title_en = "Riverside Digest"')
    config = config.replace("[paths]\n", '[paths]\ntm = "tm.sqlite3"\n')
    config = config.replace("# per_page = 50", "per_page = 1")
    (site / "digest.toml").write_text(config, encoding="utf-8")
    (site / "seeds" / "reading.txt").write_text(SEED, encoding="utf-8")
    (site / "content" / "new-library.zh.md").write_text(ARTICLE, encoding="utf-8")
    (site / "content" / "draft.zh.md").write_text("---\ntitle: 草稿\ndraft: true\n---\n\n未完。\n", encoding="utf-8")
    override = site / "themes" / "default" / "templates"
    override.mkdir(parents=True)
    base = (REPO / "digest" / "themes" / "default" / "templates" / "base.html").read_text(encoding="utf-8")
    (override / "base.html").write_text(base.replace("</body>", '<p id="riverside">Riverside footer</p></body>'),
                                        encoding="utf-8")

    r = digest("build", cwd=site)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "2 articles" in r.stdout
    out = site / "output"
    home = page(out / "en" / "index.html")
    assert "Riverside Digest" in home.title.get_text()
    assert home.find(id="riverside") is not None                        # the theme override
    assert (out / "en" / "page" / "2.html").is_file()                    # per_page = 1
    art = page(out / "zh" / "new-library.html")
    assert art.find(id="riverside") is not None
    assert art.find("time", datetime="2025-04-01") is not None
    kws = [li.get_text() for li in art.select(".article-foot .tags li")]
    assert kws[:2] == ["图书馆", "江边小镇"], kws                         # the editor's tags first
    link = art.select_one(".source a")
    assert link["href"] == "https://news.example.org/2025/04/01/library.html" and link.get_text() == "江边日报"
    seeded = next(p for p in (out / "zh").glob("*.html") if "du-shu-jie" in p.name)
    assert page(seeded).find("time", datetime="2025-03-08") is not None  # the date from the seed
    assert not list(out.rglob("draft.html"))                              # draft: true is not built
    # lists newest first
    zh_home = page(out / "zh" / "index.html")
    assert [t["datetime"] for t in zh_home.select("main time")][:1] == ["2025-04-01"]
