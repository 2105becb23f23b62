"""ingest_paths and `build.py ingest`: one line per file, stable slugs, errors skip one file."""
from __future__ import annotations

import io
import shutil
import subprocess
import sys
from pathlib import Path

from digest.content import load_article
from digest.errors import Reporter
from digest.ingest import ingest_paths
from digest.ingest.slug import numbered, slugify

REPO = Path(__file__).resolve().parents[2]


def run(*args, cwd=REPO):
    return subprocess.run([sys.executable, "build.py", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def test_cli_ingest_seeds(tmp_path):
    out = tmp_path / "content"
    p = run("ingest", "seeds/", "--content", out)
    assert p.returncode == 0, p.stderr
    lines = p.stdout.strip().splitlines()
    assert len(lines) == 2 and all(line.startswith("ingest: seeds/") for line in lines)
    assert "traditional→simplified, 151 pinyin annotations, 1 mojibake repair" in lines[1]
    assert "2 page breaks rejoined" in lines[0]
    assert "003_bff3fb38093f2861.txt:5: warning: mojibake" in p.stderr
    files = sorted(out.glob("*.zh.md"))
    assert len(files) == 2
    a = load_article(files[1])
    assert a.source == "seeds/003_bff3fb38093f2861.txt" and a.original_script == "traditional"
    assert a.repairs["pinyin_annotations"] == 151 and len(a.source_sha256) == 64


def test_cli_bad_file_among_good(tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(REPO / "seeds", seeds)
    (seeds / "bad.txt").write_bytes("标题\n正文。\n".encode() * 3 + b"\xff\xff\n")
    p = run("ingest", seeds, "--content", tmp_path / "c")
    assert p.returncode == 1
    assert "bad.txt:7: error:" in p.stderr and "Traceback" not in p.stderr
    assert len(list((tmp_path / "c").glob("*.zh.md"))) == 2


def test_cli_help():
    p = run("ingest", "--help")
    assert p.returncode == 0 and "content" in p.stdout


def test_reingest_keeps_slug_after_retitle(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text("第一个标题\n\n正文。\n")
    rep = Reporter(stream=io.StringIO())
    r1 = ingest_paths([src], tmp_path / "c", rep, root=tmp_path)
    src.write_text("完全不同的标题\n\n正文。\n")
    r2 = ingest_paths([src], tmp_path / "c", rep, root=tmp_path)
    assert r1[0].slug == r2[0].slug == "di-yi-ge-biao-ti"
    assert load_article(r2[0].path).title == "完全不同的标题"
    assert len(list((tmp_path / "c").glob("*.zh.md"))) == 1


def test_collision_and_only_changed(tmp_path, capsys):
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text(f"同一个标题\n\n正文{name}。\n")
    rep = Reporter(stream=io.StringIO())
    res = ingest_paths([tmp_path], tmp_path / "c", rep, root=tmp_path)
    assert [r.slug for r in res] == ["tong-yi-ge-biao-ti", "tong-yi-ge-biao-ti-2"]
    capsys.readouterr()
    res = ingest_paths([tmp_path], tmp_path / "c", rep, root=tmp_path, only_changed=True)
    assert [r.status for r in res] == ["unchanged", "unchanged"]
    assert capsys.readouterr().out.count("unchanged") == 2


def test_error_never_writes_or_deletes(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text("标题\n\n正文。\n")
    rep = Reporter(stream=io.StringIO())
    (res,) = ingest_paths([src], tmp_path / "c", rep, root=tmp_path)
    before = res.path.read_bytes()
    src.write_bytes(b"\x89PNG\r\n\x1a\n....")
    (res2,) = ingest_paths([src], tmp_path / "c", rep, root=tmp_path)
    assert res2.status == "error" and res.path.read_bytes() == before
    assert "binary" in rep.errors[-1].message


def test_slugs():
    assert slugify("京口 扛起主城新使命") == "jing-kou-kang-qi-zhu-cheng-xin-shi-ming"
    assert slugify("“区街一体”闯出GDP 2024新路径") == "qu-jie-yi-ti-chuang-chu-gdp-2024-xin-lu-jing"
    long = slugify("长" * 40)
    assert len(long) <= 60 and not long.endswith("-") and long.split("-")[-1] == "chang"
    assert slugify("！！！").startswith("article-") and len(slugify("……")) == 16
    assert numbered("a" * 30 + "-" + "b" * 29, 2) == "a" * 30 + "-2"


def test_the_language_model_tables_go_to_the_cache_given(tmp_path):
    # `--cache DIR` is where the mojibake check's tables are kept, not $DIGEST_CACHE
    env_cache, cache = tmp_path / "env-cache", tmp_path / "cache"
    p = subprocess.run([sys.executable, "build.py", "ingest", "seeds/", "--content", tmp_path / "content",
                        "--cache", cache], cwd=REPO, capture_output=True, text=True, timeout=120,
                       env={**__import__("os").environ, "DIGEST_CACHE": str(env_cache)})
    assert p.returncode == 0, p.stderr
    assert list(cache.glob("han-bigrams-*.marshal")) and not list(env_cache.glob("han-bigrams-*"))
