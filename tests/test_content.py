"""Content files (issue 17): dates validated as dates, no YAML aliases, a paragraph that looks like
a heading survives a write and a read, files get the mode an editor would give them, and a title
needs words."""
from __future__ import annotations

import io
import os
import stat
from pathlib import Path

import pytest
from hypothesis import example, given, strategies as st

from digest.article import Article, Block
from digest.content import (atomic_write_text, blocks_to_markdown, dump_article, has_words, load_article,
                            markdown_to_blocks)
from digest.errors import InputError, Reporter
from digest.ingest import ingest_paths, normalise
from digest.ingest.files import _front_matter
from digest.ingest.structure import iso_date

from content_files import content_file, refused  # tests/content_files.py

BODY = "正文。\n"


def write(tmp_path: Path, front: str, body: str = BODY, name: str = "a.zh.md") -> Path:
    return content_file(tmp_path, front, body, name)


# ------------------------------------------------------------------ dates

@pytest.mark.parametrize("value", ["2025-02-30", "'2025-02-30'", "2025-13-01", "'not a date'", "not a date",
                                   "20250720", "2025-07-20T10:00:00", "2025", "[2025, 7, 20]", "'2025-7-2'"])
def test_a_date_that_is_not_a_date_is_refused_with_its_line(tmp_path, value):
    e = refused(write(tmp_path, f"title: 标题\nsubtitle: 副标题\ndate: {value}\n"))
    assert e.line == 4 and "'date' is not a valid date" in e.message, e
    assert str(e).startswith(f"{tmp_path / 'a.zh.md'}:4: error: front matter: 'date'")


@pytest.mark.parametrize("value", ["2025-07-20", "'2025-07-20'", "\"2024-02-29\""])
def test_a_real_date_is_read_as_text(tmp_path, value):
    a = load_article(write(tmp_path, f"title: 标题\ndate: {value}\n"))
    assert a.date == value.strip("'\"")


def test_source_time_is_validated_too(tmp_path):
    assert load_article(write(tmp_path, "title: 标题\nsource_time: 2025-07-20T08:30:00Z\n")).source_time \
        == "2025-07-20T08:30:00Z"
    e = refused(write(tmp_path, "title: 标题\nsource_time: 2025-07-20T25:30:00Z\n"))
    assert e.line == 3 and "'source_time'" in e.message


def test_values_no_constructor_can_make_are_errors_with_their_line(tmp_path):
    e = refused(write(tmp_path, "title: 标题\nsubtitle: !!int 0xZZ\n"))
    assert e.line == 3 and "bad front matter" in e.message
    e = refused(write(tmp_path, "title: 标题\ndate: !!timestamp 2025-02-30\n"))
    assert e.line == 3 and "'date'" in e.message


def test_the_wrong_type_is_reported_at_its_key(tmp_path):
    e = refused(write(tmp_path, "title: 标题\n\nbyline:\n  - 甲\n  - 乙\n"))
    assert e.line == 4 and "'byline' must be text, not list" in e.message


def test_ingest_never_writes_an_impossible_date():
    assert iso_date("2025年2月30日") is None and iso_date("2024-2-29") == "2024-02-29"
    r = normalise("标题\n\n正文第一段。\n\n2025年2月30日\n".encode(), "x.txt")
    assert r.article.date is None and r.article.blocks[-1].text == "2025年2月30日"   # kept as text


# ------------------------------------------------------------------ aliases

def bomb(levels: int, width: int = 9) -> str:
    """The "billion laughs" in YAML: each level lists ``width`` aliases of the one before."""
    lines = ["a0: &a0 [\"lol\"]"]
    for i in range(1, levels + 1):
        lines.append(f"a{i}: &a{i} [{', '.join(f'*a{i - 1}' for _ in range(width))}]")
    return "\n".join(lines) + f"\nsource: *a{levels}\n"


def test_anchors_and_aliases_are_refused_with_their_line(tmp_path):
    e = refused(write(tmp_path, "title: 标题\n" + bomb(3)))
    assert e.line == 3 and "anchors and aliases" in e.message, e
    e = refused(write(tmp_path, "title: &t 标题\nsubtitle: *t\n"))
    assert e.line == 2 and "anchors and aliases" in e.message


def test_front_matter_nested_too_deeply_is_an_error_not_a_traceback(tmp_path):
    # (libyaml stops at its depth limit; without libyaml, Python's recursion limit is caught)
    p = write(tmp_path, "title: 标题\nx: " + "[" * 5000 + "]" * 5000 + "\n")
    e = refused(p)
    assert "bad front matter" in e.message and "nest" in e.message and e.line in (2, 3)
    assert _front_matter(p) == {}


def test_the_ingest_scan_does_not_expand_a_bomb(tmp_path):
    # 9^6 = 531,441 strings once expanded (today's scan str()s them all); a 9-level one is
    # 387 million: minutes and gigabytes. The scan must not even build the small one.
    p = write(tmp_path, "title: 标题\n" + bomb(6), name="bomb.zh.md")
    assert _front_matter(p) == {}
    seed = tmp_path / "s.txt"
    seed.write_text("新标题\n\n新的正文。\n", encoding="utf-8")
    out = io.StringIO()
    res = ingest_paths([seed], tmp_path, Reporter(quiet=True, stream=out), root=tmp_path)
    assert res[0].status == "written"


# ------------------------------------------------------------------ "## " paragraphs

def test_a_paragraph_that_looks_like_a_heading_stays_a_paragraph(tmp_path):
    blocks = [Block("paragraph", "## 不是标题"), Block("heading", "小标题"), Block("paragraph", "##"),
              Block("paragraph", "\\## 反斜杠"), Block("paragraph", "##没有空格")]
    md = blocks_to_markdown(blocks)
    assert md.splitlines()[0] == "\\## 不是标题"
    assert markdown_to_blocks(md) == blocks
    a = Article(slug="a", title="标题", blocks=blocks)
    p = tmp_path / "a.zh.md"
    p.write_text(dump_article(a), encoding="utf-8")
    assert load_article(p).blocks == blocks


LINE = st.text(st.sampled_from("#\\ 中a"), min_size=1, max_size=8).map(str.strip).filter(bool)


@given(st.lists(st.tuples(st.sampled_from(["heading", "paragraph"]), LINE), max_size=6))
@example([("paragraph", "## a")])
@example([("paragraph", "\\\\## a")])
def test_blocks_survive_a_write_and_a_read(parts):
    blocks = [Block(k, t) for k, t in parts]
    assert markdown_to_blocks(blocks_to_markdown(blocks)) == blocks


# ------------------------------------------------------------------ file modes

@pytest.mark.parametrize("umask,mode", [(0o022, 0o644), (0o027, 0o640), (0o002, 0o664)])
def test_a_new_content_file_honours_the_umask(tmp_path, umask, mode):
    old = os.umask(umask)
    try:
        atomic_write_text(tmp_path / "a.zh.md", "text")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "a.zh.md").stat().st_mode) == mode


def test_a_rewritten_content_file_keeps_its_mode(tmp_path):
    p = tmp_path / "a.zh.md"
    p.write_text("old", encoding="utf-8")
    p.chmod(0o604)
    assert atomic_write_text(p, "new")
    assert stat.S_IMODE(p.stat().st_mode) == 0o604 and p.read_text(encoding="utf-8") == "new"


# ------------------------------------------------------------------ titles

@pytest.mark.parametrize("title", ["！！！", "【】", "……", "?!", "《》——"])
def test_a_title_of_punctuation_only_is_refused(tmp_path, title):
    with pytest.raises(InputError) as e:
        normalise(f"{title}\n\n正文第一段。\n".encode(), "x.txt")
    assert e.value.line == 1 and "has no words" in e.value.message
    e = refused(write(tmp_path, f"subtitle: 副\ntitle: '{title}'\n"))
    assert e.line == 3 and "has no words" in e.message


@pytest.mark.parametrize("title", ["2025", "A", "第1期", "京口"])
def test_a_title_with_a_word_or_a_number_is_kept(title):
    assert normalise(f"{title}\n\n正文第一段。\n".encode(), "x.txt").article.title == title


# ------------------------------------------------------------------ seeds: names and links

def test_a_seed_whose_name_is_not_utf8_is_reported_and_the_rest_ingested(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    with open(os.path.join(os.fsencode(seeds), b"bad\xff.txt"), "wb") as f:
        f.write("坏名字\n\n正文。\n".encode())
    (seeds / "good.txt").write_text("好名字\n\n正文。\n", encoding="utf-8")
    out = io.StringIO()
    res = ingest_paths([seeds], tmp_path / "content", Reporter(quiet=True, stream=out), root=tmp_path)
    assert [r.status for r in res] == ["error", "written"]
    assert "seeds/bad\\xff.txt: error: file name is not valid UTF-8" in out.getvalue()


def test_a_link_out_of_the_seeds_folder_is_refused_one_within_is_followed(tmp_path):
    seeds, secret = tmp_path / "seeds", tmp_path / "secret.txt"
    seeds.mkdir()
    secret.write_text("秘密\n\n不该发布的内容。\n", encoding="utf-8")
    (seeds / "real.txt").write_text("真文章\n\n正文。\n", encoding="utf-8")
    os.symlink(secret, seeds / "p.txt")
    os.symlink("../secret.txt", seeds / "q.txt")
    os.symlink("real.txt", seeds / "r.txt")
    out = io.StringIO()
    res = ingest_paths([seeds], tmp_path / "content", Reporter(quiet=True, stream=out), root=tmp_path)
    assert sorted(r.source.name for r in res) == ["r.txt", "real.txt"]
    assert "seeds/p.txt: error: symbolic link to" in out.getvalue()
    assert "seeds/q.txt: error: symbolic link to" in out.getvalue()
    assert not any("不该发布" in p.read_text(encoding="utf-8") for p in (tmp_path / "content").iterdir())


# ------------------------------------------------------------------ source time

def test_the_source_time_is_recorded_and_comes_back_with_a_deleted_file(tmp_path):
    seed = tmp_path / "s.txt"
    seed.write_text("标题\n\n正文。\n", encoding="utf-8")
    os.utime(seed, (1_700_000_000, 1_700_000_000))
    rep = Reporter(quiet=True, stream=io.StringIO())
    r1 = ingest_paths([seed], tmp_path / "c", rep, root=tmp_path)
    text = r1[0].path.read_bytes()
    assert load_article(r1[0].path).source_time == "2023-11-14T22:13:20Z"
    r1[0].path.unlink()
    r2 = ingest_paths([seed], tmp_path / "c", rep, root=tmp_path)
    assert r2[0].path.read_bytes() == text


TEXT = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=30).filter(has_words)


@given(TEXT, st.one_of(st.none(), TEXT), st.one_of(st.none(), st.dates().map(str)))
@example("a\n---\nb", None, None)
@example("2025-07-20", "2025-02-30", "2024-02-29")
def test_front_matter_survives_a_write_and_a_read(title, subtitle, date):
    import tempfile
    a = Article(slug="a", title=title, subtitle=subtitle, date=date, blocks=[Block("paragraph", "正文。")])
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "a.zh.md"
        p.write_text(dump_article(a), encoding="utf-8")
        b = load_article(p)
    assert (b.title, b.subtitle, b.date) == (title, subtitle, date)


# ------------------------------------------------------------------ unrepaired damage

def test_unrepaired_damage_is_written_and_read_back(tmp_path):
    r = normalise("標題\n\n第一段。\n中國政府示W絡安全的堅定維護者。\n".encode(), "d.txt")
    assert r.article.unrepaired == [(4, "示W絡")]
    p = tmp_path / "d.zh.md"
    p.write_text(dump_article(r.article), encoding="utf-8")
    assert "unrepaired:\n- line: 4\n  run: 示W絡\n" in p.read_text(encoding="utf-8")
    assert load_article(p).unrepaired == [(4, "示W絡")]
    clean = normalise("标题\n\n正文。\n".encode(), "c.txt").article
    assert clean.unrepaired == [] and "unrepaired" not in dump_article(clean)


@pytest.mark.parametrize("value", ["示W絡", "[示W絡]", "[{line: 4}]", "[{line: 0, run: 示W絡}]",
                                   "[{line: true, run: 示W絡}]", "[{line: 4, run: ''}]",
                                   "[{line: 4, run: 示W絡, note: x}]", "{line: 4, run: 示W絡}"])
def test_unrepaired_of_the_wrong_shape_is_refused_at_its_key(tmp_path, value):
    e = refused(write(tmp_path, f"title: 标题\n\nunrepaired: {value}\n"))
    assert e.line == 4 and "'unrepaired' must be a list" in e.message
