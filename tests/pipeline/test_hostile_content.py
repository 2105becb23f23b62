"""Hand-edited content files gone wrong: each is reported with file and line, skipped, and the
rest of the site is still built; a problem that makes the whole build wrong leaves output/ alone.
"""
from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from digest.settings import default_cache_dir
from digest.translate.model_store import default_package_dir

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(not (default_package_dir(default_cache_dir()) / "model" / "model.bin").exists(),
                                reason="the model is not fetched (./make.sh test fetches it)")

GOOD = """---
title: 京口新闻
---
镇江京口区今天召开会议。

## 会议内容

会议讨论了数字经济发展。
"""


def project(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    root = tmp_path / "proj"
    (root / "content").mkdir(parents=True)
    shutil.copytree(REPO / "digest" / "themes", root / "themes")
    shutil.copy(REPO / "content" / "glossary.toml", root / "content" / "glossary.toml")
    (root / "content" / "good.zh.md").write_text(GOOD, encoding="utf-8")
    for name, data in files.items():
        p = root / "content" / name
        p.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return root


def build(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(REPO / "build.py"), "--seeds", "no-seeds",
                           "--tm", str(root.parent / "tm.sqlite3"), *args],
                          cwd=root, capture_output=True, text=True, timeout=600)


def assert_good_built(root: Path) -> None:
    for lang in ("zh", "en"):
        page = root / "output" / lang / "good.html"
        assert page.is_file(), f"{lang}/good was not built"


CASES = {
    "bad YAML": ("---\ntitle: [unclosed\n---\n正文。\n", "content/bad.zh.md:2: error: bad front matter"),
    "wrong type": ("---\ntitle:\n  - 一\n  - 二\n---\n正文。\n",
                   "content/bad.zh.md:2: error: front matter: 'title' must be text, not list"),
    "unknown key": ("---\ntitle: 标题\nauthor: 某人\n---\n正文。\n",
                    "content/bad.zh.md:3: error: front matter: unknown key(s) 'author'"),
    "no title": ("---\nsubtitle: 副标题\n---\n正文。\n", "content/bad.zh.md:1: error: front matter: 'title' is missing"),
    "slug with ../": ("---\ntitle: 标题\nslug: ../../etc/passwd\n---\n正文。\n",
                      "content/bad.zh.md:3: error: front matter: slug '../../etc/passwd' is not usable in a URL"),
    "slug with NUL": ("---\ntitle: 标题\nslug: \"a\\0b\"\n---\n正文。\n", "content/bad.zh.md:3: error: front matter: slug"),
    "not UTF-8": (b"---\ntitle: \xb1\xea\xcc\xe2\n---\n\n", "content/bad.zh.md:2: error: not valid UTF-8"),
    # issue 17: YAML's timestamp constructor raised a ValueError with no file name
    "impossible date": ("---\ntitle: 标题\ndate: 2025-02-30\n---\n正文。\n",
                        "content/bad.zh.md:3: error: front matter: 'date' is not a valid date: '2025-02-30'"),
    "not a date": ("---\ntitle: 标题\ndate: \"not a date\"\n---\n正文。\n",
                   "content/bad.zh.md:3: error: front matter: 'date' is not a valid date: 'not a date'"),
    "alias bomb": ("---\ntitle: 标题\na: &a [\"lol\", \"lol\"]\nb: &b [*a, *a, *a]\nsource: *b\n---\n正文。\n",
                   "content/bad.zh.md:3: error: bad front matter: anchors and aliases (&name, *name) are not allowed"),
    "punctuation title": ("---\ntitle: '！！！'\n---\n正文。\n",
                          "content/bad.zh.md:2: error: front matter: the title '！！！' has no words"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_broken_content_file_is_reported_and_skipped(tmp_path, case):
    text, message = CASES[case]
    root = project(tmp_path, {"bad.zh.md": text})
    r = build(root)
    assert r.returncode == 1, r.stderr
    assert message in r.stderr, r.stderr
    assert "Traceback" not in r.stderr
    assert_good_built(root)


def test_slug_collision_keeps_the_first_and_reports_the_second(tmp_path):
    root = project(tmp_path, {"zz-other.zh.md": "---\ntitle: 另一篇\nslug: good\n---\n正文。\n"})
    r = build(root)
    assert r.returncode == 1
    assert "content/zz-other.zh.md:1: error: slug 'good' is already used by" in r.stderr
    soup = BeautifulSoup((root / "output" / "zh" / "good.html").read_bytes(), "html5lib")
    assert "京口新闻" in soup.find("h1").get_text()


def test_markup_in_content_stays_text(tmp_path):
    body = ("---\ntitle: <script>alert(1)</script>{{ 7*7 }}\n---\n"
            "<img src=x onerror=alert(1)> [点我](javascript:alert(1)) {% if true %}是{% endif %}\n\n"
            "    四个空格开头。\n\n| 表格 | 行 |\n\n&lt;b&gt;实体&amp;\n")
    root = project(tmp_path, {"evil.zh.md": body})
    r = build(root)
    assert r.returncode == 0, r.stderr
    html = (root / "output" / "zh" / "evil.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html5lib")
    assert not soup.find("img") and all(s.get("src") for s in soup.find_all("script"))
    assert not any(a.get("href", "").lower().startswith("javascript") for a in soup.find_all("a"))
    text = soup.get_text()
    assert "<script>alert(1)</script>" in text and "{{ 7*7 }}" in text and "49" not in soup.find("h1").get_text()
    assert "{% if true %}" in text and "<img src=x onerror=alert(1)>" in text


def test_english_override_that_does_not_match_is_reported(tmp_path):
    override = "---\ntitle: Jingkou news\n---\n## A heading where the Chinese has a paragraph\n"
    root = project(tmp_path, {"good.en.md": override})
    r = build(root)
    assert r.returncode == 1
    assert "content/good.en.md:4: error: block 1 is a heading here but a paragraph in the Chinese" in r.stderr
    soup = BeautifulSoup((root / "output" / "en" / "good.html").read_bytes(), "html5lib")
    h1 = soup.find("h1")
    for mark in h1.find_all(class_="mark"):        # the human title is marked ✎ among machine text
        mark.decompose()
    assert h1.get_text(strip=True) == "Jingkou news"


def _snapshot(out: Path) -> dict[str, str]:
    return {p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in out.rglob("*") if p.is_file()}


def test_corrupted_translation_memory_stops_the_build_and_names_the_way_out(tmp_path):
    root = project(tmp_path, {})
    assert build(root).returncode == 0
    before = _snapshot(root / "output")
    (root / "content" / "good.zh.md").write_text(GOOD + "\n新的一段。\n", encoding="utf-8")
    tm = root.parent / "tm.sqlite3"
    for suffix in ("-wal", "-shm"):
        Path(str(tm) + suffix).unlink(missing_ok=True)
    tm.write_bytes(b"this is not a database" * 100)
    r = build(root)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "translation memory" in r.stderr and "--rebuild-tm" in r.stderr
    assert _snapshot(root / "output") == before
    r = build(root, "--rebuild-tm")
    assert r.returncode == 0, r.stderr
    assert "新的一段" in (root / "output" / "zh" / "good.html").read_text(encoding="utf-8")


def test_corrupted_model_folder_stops_the_build_and_names_the_way_out(tmp_path):
    root = project(tmp_path, {})
    bad = tmp_path / "model"
    shutil.copytree(default_package_dir(default_cache_dir()), bad)
    (bad / "sentencepiece.model").unlink()
    r = build(root, "--model", str(bad))
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "fetch-model --force" in r.stderr and "sentencepiece.model" in r.stderr
    assert not (root / "output").exists()
