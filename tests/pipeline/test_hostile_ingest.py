"""Hostile raw inputs in seeds/: every one gets its exact outcome, and the rest of the site is built.

One build of a seeds folder full of trouble (issue 7); each test checks one input's
message or its safe page.
"""
from __future__ import annotations

import gzip
import os
import re
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

MARKUP = ("<script>alert(1)</script>标题{{ 7*7 }}\n\n"
          "<img src=x onerror=alert(1)>正文。[链接](javascript:alert(1))\n\n"
          "# 井号开头的一行。\n\n---\n\n| 表 | 格 |\n\n    四个空格开头的一行。\n\n"
          "&amp; &lt;b&gt; {% if 1 %}是{% endif %}\n")

INPUTS: dict[str, bytes] = {
    "empty.txt": b"",
    "blank.txt": b"  \n\t\n\xe3\x80\x80\n",
    "title-only.txt": "只有标题\n".encode(),
    "png.txt": b"\x89PNG\r\n\x1a\n" + bytes(range(256)),
    "gz.txt": gzip.compress("中文内容".encode()),
    "utf16.txt": "京口新闻\n\n镇江京口区今天召开会议。\n".encode("utf-16"),
    "mixed.txt": "混合编码\n\n镇江京口区今天开会。\n".encode() + "第二段是國標碼。\n".encode("big5"),
    "gbk-crlf.txt": "标题一\r\n\r\n第一段内容。\r\n\r\n第二段。\r\n".encode("gb18030"),
    "big5-cr.txt": "標題二\r\r第一段內容。\r\r第二段。\r".encode("big5"),
    "markup.txt": MARKUP.encode(),
    "带 空格 的文件.txt": "../../etc/passwd 标题\n\n正文内容。\n".encode(),
    "dup1.txt": "相同的标题\n\n相同的正文。\n".encode(),
    "dup2.txt": "相同的标题\n\n相同的正文。\n".encode(),
    "long.txt": ("很长的标题" * 200 + "\n\n正文。\n").encode(),
    "slashes.txt": "标题\0与/斜杠\\反斜杠\n\n正文。\n".encode(),
    "same-title-a.txt": "同一个标题\n\n第一篇的正文。\n".encode(),
    "same-title-b.txt": "同一个标题\n\n第二篇的正文。\n".encode(),
    # issue 17
    "punct-title.txt": "！！！……\n\n正文。\n".encode(),
    "hash-para.txt": "井号段落\n\n第一段。\n\n## 这一段以井号开头，但它是一个完整的句子。\n\n最后一段。\n".encode(),
    "bad-date.txt": "日期不对\n\n正文。\n\n2025年2月30日\n".encode(),
}
SECRET = "这是文件夹外的秘密，不该发布。"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    seeds = root / "seeds"
    seeds.mkdir()
    for name, data in INPUTS.items():
        (seeds / name).write_bytes(data)
    os.symlink("loop.txt", seeds / "loop.txt")                     # a symlink loop
    (root / "outside.txt").write_text(f"秘密\n\n{SECRET}\n", encoding="utf-8")
    os.symlink(root / "outside.txt", seeds / "p.txt")              # a link out of seeds/
    os.symlink("dup1.txt", seeds / "inside.txt")                   # a link within: followed
    with open(os.fsencode(seeds) + b"/bad\xff.txt", "wb") as f:    # a name that is not UTF-8
        f.write("坏名字\n\n正文。\n".encode())
    (seeds / "huge.txt").write_bytes(("大" * 100 + "\n").encode() * 70_000)   # 21 MB
    shutil.copytree(REPO / "digest" / "themes", root / "themes")
    (root / "content").mkdir()
    shutil.copy(REPO / "content" / "glossary.toml", root / "content")
    r = subprocess.run([sys.executable, str(REPO / "build.py"), "--tm", str(root / "tm.sqlite3")],
                       cwd=root, capture_output=True, text=True, timeout=900)
    return root, r


def test_exit_status_1_and_no_traceback(built):
    _, r = built
    assert r.returncode == 1
    assert "Traceback" not in r.stderr + r.stdout


@pytest.mark.parametrize("line", [
    "seeds/empty.txt: error: empty file",
    "seeds/blank.txt: error: no text: the file holds only whitespace",
    "seeds/title-only.txt:1: error: no body text after the title",
    "seeds/png.txt:1: error: binary file (a PNG image), not text",
    "seeds/gz.txt:1: error: binary file (gzip-compressed data), not text",
    "seeds/mixed.txt:4: error: not valid UTF-8",
    "seeds/loop.txt: error: cannot read: Too many levels of symbolic links",
    "seeds/huge.txt: error: file is 21.1 MB; an article is at most 20 MB",
    "seeds/dup2.txt: warning: same text as seeds/dup1.txt",
    "seeds/inside.txt: warning: same text as seeds/dup1.txt",
    "seeds/punct-title.txt:1: error: the title '！！！……' has no words, only punctuation or symbols",
    "seeds/bad\\xff.txt: error: file name is not valid UTF-8",
    "seeds/p.txt: error: symbolic link to ",
])
def test_refused_inputs_are_named(built, line):
    _, r = built
    assert line in r.stderr, r.stderr


def _content(root: Path, source: str) -> str:
    for p in (root / "content").glob("*.zh.md"):
        text = p.read_text(encoding="utf-8")
        if f"source: seeds/{source}\n" in text or f"source: 'seeds/{source}'\n" in text:
            return p.name[:-len(".zh.md")]
    raise AssertionError(f"no content file from {source}")


@pytest.mark.parametrize("source,script,title", [
    ("utf16.txt", "simplified", "京口新闻"),
    ("gbk-crlf.txt", "simplified", "标题一"),
    ("big5-cr.txt", "traditional", "标题二"),
])
def test_other_encodings_and_line_endings_are_read(built, source, script, title):
    root, r = built
    slug = _content(root, source)
    import frontmatter
    post = frontmatter.load(root / "content" / f"{slug}.zh.md")
    assert post["title"] == title and post["original_script"] == script
    assert "\r" not in post.content and len([b for b in post.content.split("\n\n") if b.strip()]) >= 1


def test_safe_slugs_for_hostile_titles_and_names(built):
    root, _ = built
    slugs = [p.name[:-len(".zh.md")] for p in (root / "content").glob("*.zh.md")]
    for s in slugs:
        assert re.fullmatch(r"[a-z0-9][a-z0-9-]{0,59}", s), s
    assert _content(root, "带 空格 的文件.txt")
    assert len(_content(root, "long.txt")) <= 60
    a, b = _content(root, "same-title-a.txt"), _content(root, "same-title-b.txt")
    assert a != b and b == a + "-2"
    out = root / "output"
    for p in out.rglob("*"):
        assert p.resolve().is_relative_to(out.resolve())


def test_markup_in_a_source_is_text_on_every_page(built):
    root, _ = built
    slug = _content(root, "markup.txt")
    for page in ("zh", "en", "parallel"):
        soup = BeautifulSoup((root / "output" / page / f"{slug}.html").read_bytes(), "html5lib")
        assert not soup.find("img")
        assert all(s.get("src") and not s.string for s in soup.find_all("script")), "inline script"
        assert not any(a.get("href", "").strip().lower().startswith("javascript:") for a in soup.find_all("a"))
        for el in soup.find_all(True):
            assert not any(k.lower().startswith("on") for k in el.attrs), el
    zh = BeautifulSoup((root / "output" / "zh" / f"{slug}.html").read_bytes(), "html5lib")
    text = zh.get_text()
    assert "<script>alert(1)</script>" in zh.find("h1").get_text()
    assert "{{ 7*7 }}" in zh.find("h1").get_text() and "{% if 1 %}" in text
    assert "<img src=x onerror=alert(1)>" in text
    assert "---" not in text.split("来源")[0].replace("——", "")     # the separator line is gone


def test_rest_of_the_site_is_built_and_checks(built):
    root, _ = built
    assert len([p for p in (root / "output" / "en").glob("*.html") if p.name not in ("index.html", "search.html")]) >= 8
    r = subprocess.run([sys.executable, str(REPO / "build.py"), "check"], cwd=root, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def test_nothing_from_outside_seeds_is_published(built):
    root, _ = built
    for p in list((root / "content").iterdir()) + list((root / "output").rglob("*")):
        if p.is_file():
            assert SECRET not in p.read_bytes().decode("utf-8", "replace"), p


def test_a_paragraph_starting_with_hashes_stays_a_paragraph(built):
    root, _ = built
    slug = _content(root, "hash-para.txt")
    from digest.content import load_article
    a = load_article(root / "content" / f"{slug}.zh.md")
    assert [b.kind for b in a.blocks] == ["paragraph"] * 3
    zh = BeautifulSoup((root / "output" / "zh" / f"{slug}.html").read_bytes(), "html5lib")
    assert not zh.select(".body h2")
    assert any(p.get_text().startswith("## 这一段") for p in zh.find_all("p"))


def test_an_impossible_date_line_stays_text(built):
    root, _ = built
    slug = _content(root, "bad-date.txt")
    text = (root / "content" / f"{slug}.zh.md").read_text(encoding="utf-8")
    assert "date:" not in text and "2025年2月30日" in text


def test_content_files_honour_the_umask(built):
    root, _ = built
    umask = os.umask(0)
    os.umask(umask)
    for p in (root / "content").glob("*.zh.md"):
        assert p.stat().st_mode & 0o777 == 0o666 & ~umask, p
