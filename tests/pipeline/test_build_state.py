"""The build state and publishing without the model: a fake translator is injected where the
translate stage is called, so these run on a machine where the model was never fetched."""
from __future__ import annotations

import pytest

import digest.translate
from digest.article import Block, Translation
from digest.errors import BuildError, Reporter
from digest.settings import Settings
from digest.site import build
from digest.state import BuildState


class FakeTranslator:
    """Stands in for digest.translate.translate_site: 'EN:' + the Chinese, and a record of
    what it was asked."""

    def __init__(self):
        self.calls: list[tuple[list[str], list[str]]] = []
        self.fail = False

    def __call__(self, articles, terms, settings, reporter, rebuild_tm=False):
        if self.fail:
            raise BuildError("the model broke", path="model", line=None)
        self.calls.append(([a.slug for a in articles], list(terms)))
        result = digest.translate.TranslateResult()
        for a in articles:
            result.translations[a.slug] = Translation(
                slug=a.slug, title="EN:" + a.title, origins=["machine"] * len(a.blocks),
                blocks=[Block(b.kind, "EN:" + b.text) for b in a.blocks])
            result.sent_to_model += len(a.blocks)
        result.terms = {t: "en-" + t for t in terms}
        return result


@pytest.fixture
def fake(monkeypatch) -> FakeTranslator:
    f = FakeTranslator()
    monkeypatch.setattr(digest.translate, "translate_site", f)
    return f


@pytest.fixture
def site(tmp_path) -> Settings:
    content = tmp_path / "content"
    content.mkdir()
    for slug, title, day in (("alpha", "第一篇", 1), ("beta", "第二篇", 2)):
        (content / f"{slug}.zh.md").write_text(
            f"---\nslug: {slug}\ntitle: {title}\ndate: 2024-01-0{day}\n---\n\n{title}的段落。\n", encoding="utf-8")
    return Settings(root=tmp_path, cache_dir=tmp_path / "cache", tm_path=tmp_path / "tm.sqlite3", quiet=True)


def _files(out):
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_a_build_records_what_it_published_and_a_second_build_does_nothing(site, fake):
    first = build(site, Reporter(quiet=True))
    assert first.published and sorted(fake.calls[0][0]) == ["alpha", "beta"]
    out = _files(site.output_dir)
    assert "EN:第一篇的段落。" in out["en/alpha.html"].decode("utf-8")
    state = BuildState(site.state_path)
    try:
        assert {rel: size for rel, (_k, size) in state.outputs().items()} == {r: len(b) for r, b in out.items()}
    finally:
        state.close()
    again = build(site, Reporter(quiet=True))
    assert again.nothing_changed and len(fake.calls) == 1 and _files(site.output_dir) == out


def test_one_edit_translates_that_article_only_and_rewrites_only_what_depends_on_it(site, fake):
    build(site, Reporter(quiet=True))
    before = _files(site.output_dir)
    p = site.content_dir / "beta.zh.md"
    p.write_text(p.read_text(encoding="utf-8") + "\n新的一段。\n", encoding="utf-8")
    result = build(site, Reporter(quiet=True))
    assert fake.calls[-1][0] == ["beta"]
    after = _files(site.output_dir)
    changed = {r for r in after if after[r] != before.get(r)}
    assert "en/beta.html" in changed and "en/alpha.html" not in changed and "zh/alpha.html" not in changed
    assert "EN:新的一段。" in after["en/beta.html"].decode("utf-8")
    assert result.pages_written == len(changed)


def test_a_lost_state_translates_everything_again_and_the_output_is_the_same(site, fake):
    build(site, Reporter(quiet=True))
    before = _files(site.output_dir)
    site.state_path.unlink()
    build(site, Reporter(quiet=True))
    assert len(fake.calls) == 2 and _files(site.output_dir) == before


def test_a_page_deleted_from_output_is_put_back_without_translating(site, fake):
    build(site, Reporter(quiet=True))
    (site.output_dir / "zh" / "alpha.html").unlink()
    result = build(site, Reporter(quiet=True))
    assert not result.nothing_changed and (site.output_dir / "zh" / "alpha.html").is_file()
    assert len(fake.calls) == 1 or fake.calls[-1] == ([], [])


def test_a_failed_translation_leaves_the_published_site_exactly_as_it_was(site, fake):
    build(site, Reporter(quiet=True))
    before = _files(site.output_dir)
    p = site.content_dir / "alpha.zh.md"
    p.write_text(p.read_text(encoding="utf-8") + "\n改了。\n", encoding="utf-8")
    fake.fail = True
    with pytest.raises(BuildError):
        build(site, Reporter(quiet=True))
    assert _files(site.output_dir) == before
    fake.fail = False
    build(site, Reporter(quiet=True))                  # and the next build does the work
    assert "EN:改了。" in (site.output_dir / "en" / "alpha.html").read_text(encoding="utf-8")


def test_a_build_with_nothing_changed_imports_neither_the_stages_nor_the_data_model(tmp_path, fake, monkeypatch):
    """The no-op build stops at the fingerprint: it needs the state, the lock and the
    publish journal, not the segmenter (rjieba's module), the articles or the render stage."""
    import subprocess
    import sys

    from digest.cli import main
    content = tmp_path / "content"
    content.mkdir()
    (content / "alpha.zh.md").write_text("---\nslug: alpha\ntitle: 第一篇\n---\n\n段落。\n", encoding="utf-8")
    argv = ["--seeds", "no-seeds", "--content", "content", "--output", "output", "--cache", "cache",
            "--tm", "tm.sqlite3", "--quiet"]
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 0
    code = ("import sys; from digest.cli import main; code = main(sys.argv[1:]); "
            "print(sorted(m for m in sys.modules if m.startswith('digest'))); sys.exit(code)")
    r = subprocess.run([sys.executable, "-c", code, *argv], cwd=tmp_path, capture_output=True, text=True)
    assert r.returncode == 0 and "nothing changed" in r.stdout, r.stdout + r.stderr
    loaded = r.stdout.strip().splitlines()[-1]
    for module in ("digest.segment", "digest.sitedata", "digest.article", "digest.output", "digest.render",
                   "digest.content", "digest.translate"):
        assert f"'{module}'" not in loaded, loaded
