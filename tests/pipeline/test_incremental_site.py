"""A rebuild after an edit equals a clean build of the edited content, on a site large enough
for every kind of page to come in several (lists and keyword pages of many pages, neighbours,
search shards, the EPUB), with the fake translator of test_build_state (no model)."""
from __future__ import annotations

import shutil

import pytest

import digest.translate
from digest.errors import Reporter
from digest.render import epub
from digest.render.urls import EPUB
from digest.settings import Settings
from digest.site import build
from digest.state import BuildState
from test_build_state import FakeTranslator

SENTENCES = ["京口区今天召开经济工作会议。", "镇江市的数字经济发展很快。", "谏壁街道举行了运动会。",
             "全区新签约项目十八个，总投资四亿元。", "记者从会上了解到，今年的目标已经完成。",
             "长江沿岸的生态环境持续改善。", "学校开学了，孩子们很高兴。", "农民在田里收割水稻。"]
TAGS = ["经济", "教育", "农业", "环境", "交通", "文化"]
N = 36


def _article(i: int, *, extra: str = "", tags: list[str] | None = None, date: str | None = None,
             title: str | None = None) -> str:
    tags = tags if tags is not None else [TAGS[i % 6], TAGS[(i * 5 + 1) % 6]]
    body = "\n\n".join(SENTENCES[(i + k) % len(SENTENCES)] + SENTENCES[(i * 3 + k) % len(SENTENCES)]
                       for k in range(3)) + extra
    return (f"---\nslug: news-{i:03d}\ntitle: {title or f'第{i}条新闻'}\ndate: '{date or f'2024-{1 + i % 12:02d}-{1 + i % 27:02d}'}'\n"
            f"tags: [{', '.join(tags)}]\n---\n\n{body}\n")


@pytest.fixture
def fake(monkeypatch) -> FakeTranslator:
    f = FakeTranslator()
    monkeypatch.setattr(digest.translate, "translate_site", f)
    return f


def _settings(root) -> Settings:
    return Settings(root=root, cache_dir=root / "cache", tm_path=root / "tm.sqlite3", quiet=True, per_page=4,
                    base_url="https://example.org/d/")


def _files(out) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


@pytest.fixture
def site(tmp_path) -> Settings:
    content = tmp_path / "site" / "content"
    content.mkdir(parents=True)
    for i in range(N):
        (content / f"news-{i:03d}.zh.md").write_text(_article(i), encoding="utf-8")
    return _settings(tmp_path / "site")


def _clean(site: Settings, tmp_path) -> dict[str, bytes]:
    other = tmp_path / "clean"
    shutil.rmtree(other, ignore_errors=True)
    shutil.copytree(site.content_dir, other / "content")
    settings = _settings(other)
    r = build(settings, Reporter(quiet=True))
    assert r.ok
    return _files(settings.output_dir)


def _write(site: Settings, i: int, text: str) -> None:
    (site.content_dir / f"news-{i:03d}.zh.md").write_text(text, encoding="utf-8")


EDITS = {
    "body": lambda s: _write(s, 7, _article(7, extra="\n\n新的一段：谏壁街道举行了运动会。")),
    "title": lambda s: _write(s, 12, _article(12, title="改过的标题")),
    "tags": lambda s: _write(s, 20, _article(20, tags=["体育", "经济", "新标签"])),
    "a keyword gets its page": lambda s: _write(s, 21, _article(21, tags=["体育", "文化"])),
    "date (the order)": lambda s: _write(s, 3, _article(3, date="2030-01-01")),
    "added": lambda s: _write(s, N, _article(N)),
    "removed": lambda s: (s.content_dir / "news-010.zh.md").unlink(),
    "the last of a keyword's pages empties": lambda s: [_write(s, i, _article(i, tags=["经济"]))
                                                        for i in range(N) if TAGS[i % 6] == "农业"
                                                        or TAGS[(i * 5 + 1) % 6] == "农业"],
}


def test_every_kind_of_edit_gives_what_a_clean_build_gives(site, fake, tmp_path):
    assert build(site, Reporter(quiet=True)).ok
    for name, edit in EDITS.items():
        edit(site)
        r = build(site, Reporter(quiet=True))
        assert r.ok and not r.nothing_changed, name
        got, want = _files(site.output_dir), _clean(site, tmp_path)
        wrong = sorted(k for k in set(got) | set(want) if got.get(k) != want.get(k))
        assert not wrong, (name, wrong)


def test_an_edit_copies_the_epub_chapters_it_did_not_change_from_the_old_book(site, fake, tmp_path, monkeypatch):
    """One article edited: its chapter alone is compressed again; the others are copied as
    bytes from output/digest.epub, not read from the build state."""
    build(site, Reporter(quiet=True))
    monkeypatch.setenv("DIGEST_SERIAL", "1")        # (what a worker calls is not seen here)
    made, fetched = [], []
    real_member, real_fetch = epub.article_member, BuildState.get_any_process
    monkeypatch.setattr(epub, "article_member", lambda a, *x: made.append(a.slug) or real_member(a, *x))
    monkeypatch.setattr(BuildState, "get_any_process",
                        lambda self, kind, key: fetched.append(kind) or real_fetch(self, kind, key))
    EDITS["body"](site)
    build(site, Reporter(quiet=True))
    assert made == ["news-007"] and "memo-epub" not in fetched
    assert _files(site.output_dir)[EPUB] == _clean(site, tmp_path)[EPUB]


@pytest.mark.parametrize("damage", ["truncated", "same size"])
def test_a_damaged_old_book_is_not_copied_from(site, fake, tmp_path, damage):
    """The old book is read only when it has the size the build state recorded and reads back
    as the zip the build wrote; otherwise every chapter comes from the memo or is made again."""
    build(site, Reporter(quiet=True))
    book = site.output_dir / EPUB
    data = bytearray(book.read_bytes())
    if damage == "truncated":
        data = data[:-40]
    else:                                       # the central directory's first name, one letter changed
        at = data.rindex(b"PK\x01\x02") - 2000
        at = data.index(b"PK\x01\x02", at) + 46
        data[at] ^= 1
    book.write_bytes(bytes(data))
    EDITS["body"](site)
    assert build(site, Reporter(quiet=True)).ok
    assert book.read_bytes() == _clean(site, tmp_path)[EPUB]
