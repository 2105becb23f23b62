"""The human-translation workflow end to end on the seeds (a fake model: fast, deterministic):
scaffold, translate a block, fix a sentence, see stale items named on every build, review."""
from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

import digest.translate as tr_mod
from digest import cli
from digest.errors import Reporter
from digest.settings import Settings, default_cache_dir
from digest.site import build
from digest.translate.model_store import default_package_dir
from digest.translate.overrides import marker, zh_id

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(not (default_package_dir(default_cache_dir()) / "model" / "model.bin").exists(),
                                reason="the model is not fetched (./make.sh test fetches it)")


def fake_model(planner, todo, package, settings, tm, reporter):
    """Every sentence 'translated' to a Latin tag; a sentence with 亿元 is flagged, as the checks would."""
    for k in todo:
        job = planner.jobs[k]
        job.result = f"EN{zh_id(job.source)[:8]}."
        if "亿元" in job.source:
            job.reasons = ("money: 亿元 amount not matched in the English",)
            job.severity = 2
    return 0


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.setattr(tr_mod, "_run_model", fake_model)
    root = tmp_path / "p"
    shutil.copytree(REPO / "seeds", root / "seeds")
    shutil.copytree(REPO / "digest" / "themes", root / "themes")
    (root / "content").mkdir()
    shutil.copy(REPO / "content" / "glossary.toml", root / "content" / "glossary.toml")
    monkeypatch.chdir(root)
    return root


def settings(root: Path) -> Settings:
    return Settings(root=root, tm_path=root / "tm.sqlite3", quiet=True)


def run(root):
    rep = Reporter(quiet=True, stream=io.StringIO())
    res = build(settings(root), rep)
    return res, [str(d) for d in rep.diagnostics if not d.path.startswith("seeds/")]   # (ingest's own)


def main(root, *args, capsys=None) -> tuple[int, str, str]:
    tm = [] if args[0] == "check" else ["--tm", str(root / "tm.sqlite3")]
    code = cli.main([*args, *tm, "-q"])
    out = capsys.readouterr() if capsys else None
    return code, (out.out if out else ""), (out.err if out else "")


def zh_file(root: Path) -> Path:
    return sorted((root / "content").glob("jing-kou*.zh.md"))[0]


def test_stale_block_named_on_every_build_until_fixed(project, capsys):
    res, diags = run(project)
    assert res.ok and diags == []
    zh = zh_file(project)
    slug = zh.name[:-len(".zh.md")]
    assert main(project, "human", slug, "--no-machine", capsys=capsys)[0] == 0
    en = project / "content" / f"{slug}.en.md"
    text = en.read_text(encoding="utf-8")
    m = re.search(r"^(<!-- zh \w+ b1: .*-->)\n<!-- machine -->$", text, re.M)
    en.write_text(text.replace(m.group(0), m.group(1) + "\nThe first paragraph, by hand."), encoding="utf-8")
    # a second scaffold does not overwrite it
    code, _, err = main(project, "human", slug, "--no-machine", capsys=capsys)
    assert code == 1 and "exists" in err and "The first paragraph, by hand." in en.read_text(encoding="utf-8")
    res, diags = run(project)
    assert diags == []
    page = BeautifulSoup((project / "output" / "en" / f"{slug}.html").read_text(encoding="utf-8"), "html.parser")
    assert "The first paragraph, by hand." in page.find(id="p1").get_text()
    # the Chinese of block 1 changes, and a paragraph is inserted before block 4
    src = zh.read_text(encoding="utf-8")
    src = src.replace("何处望神州，", "何处望神州？", 1)
    src = src.replace("\n## 数字腾飞", "\n新插入的一段。\n\n## 数字腾飞", 1)
    zh.write_text(src, encoding="utf-8")
    for _ in range(3):                                          # every build, a no-op one too
        res, diags = run(project)
        stale = [d for d in diags if "stale human translation" in d]
        assert len(stale) == 1, diags
        assert f"{slug}, block 1" in stale[0] and "何处望神州，" in stale[0] and "何处望神州？" in stale[0]
    assert res.nothing_changed
    page = BeautifulSoup((project / "output" / "en" / f"{slug}.html").read_text(encoding="utf-8"), "html.parser")
    assert "stale" in page.find(id="p1")["class"] and page.find(id="p3").find(class_="mark-human") is None
    assert "新插入" not in page.find(id="p3").get_text()
    # check lists it
    code, _, err = main(project, "check", capsys=capsys)
    assert "stale human translation" in err and f"{slug}, block 1" in err
    # review lists it first (severity 3), then the flagged sentences
    code, out, _ = main(project, "review", capsys=capsys)
    assert code == 0
    first = out.split("\n\n")[0]
    assert f"{slug}.en.md" in first and "block 1 [severity 3]" in first
    assert "亿元" in out and "money" in out
    # `human --update` accepts the English as made from the new Chinese: silence
    assert main(project, "human", slug, "--update", "--no-machine", capsys=capsys)[0] == 0
    res, diags = run(project)
    assert not [d for d in diags if "stale" in d]


def test_fixing_one_sentence_removes_it_from_the_review_list(project, capsys, tmp_path):
    run(project)
    capsys.readouterr()
    code, out, _ = main(project, "review", "--html", str(tmp_path / "review.html"), capsys=capsys)
    assert code == 0
    before = out.count("[severity 2]")
    assert before >= 3
    # the first flagged sentence, with the fix marker review printed for it
    item = next(b for b in out.split("\n\n") if "[severity 2]" in b)
    path = item.split(": ")[0]
    fix = re.search(r"\(fix: <!-- zh (\w+) (b\d+\.s\d+): … -->\)", item)
    zh_sentence = re.search(r"  zh: (.*?)   \(fix", item).group(1)
    assert fix and zh_id(zh_sentence) == fix.group(1)
    en = Path(path[:-len(".zh.md")] + ".en.md")
    en.write_text(f"---\ntranslator: Jane Doe\n---\n\n{marker(zh_sentence, fix.group(2))}\n"
                  "The district signed 18 projects worth 400 million yuan.\n", encoding="utf-8")
    code, out, _ = main(project, "review", capsys=capsys)
    assert out.count("[severity 2]") == before - 1 and zh_sentence not in out
    # the html page links every item to its paragraph in the side-by-side view
    page = BeautifulSoup((tmp_path / "review.html").read_text(encoding="utf-8"), "html.parser")
    hrefs = [a["href"] for a in page.find_all("a")]
    assert hrefs and all("parallel/" in h for h in hrefs)
    target = (tmp_path / hrefs[0].split("#")[0]).resolve()
    assert target.is_file() and target.parent.parent == (project / "output").resolve()
    anchor = hrefs[0].split("#")[1]
    assert BeautifulSoup(target.read_text(encoding="utf-8"), "html.parser").find(id=anchor) is not None
    assert not list((project / "output").glob("review*"))


def test_english_file_without_its_chinese_is_warned_on_every_build(project, capsys):
    run(project)
    (project / "content" / "no-such-article.en.md").write_text("---\ntitle: X\n---\n\nText.\n", encoding="utf-8")
    for _ in range(2):
        _, diags = run(project)
        assert any("no-such-article.en.md:1: warning: English translation without its Chinese" in d for d in diags)
    _, _, err = main(project, "check", capsys=capsys)
    assert "no-such-article.zh.md is missing" in err


def test_scaffold_starts_from_the_machine_and_update_never_drops_text(project, capsys):
    run(project)
    slug = zh_file(project).name[:-len(".zh.md")]
    assert main(project, "human", slug, capsys=capsys)[0] == 0
    en = project / "content" / f"{slug}.en.md"
    text = en.read_text(encoding="utf-8")
    assert re.search(r"^<!-- zh \w{12} b1: .+ -->\n<!-- machine: EN\w{8}\.", text, re.M)
    assert re.search(r"^<!-- machine: ## EN", text, re.M)                  # headings hinted as headings
    res, diags = run(project)
    assert diags == []                                                    # an untouched scaffold: all machine
    # two paragraphs under one marker: the build cannot use the item; --update refuses to drop it
    m = re.search(r"^(<!-- zh \w+ b2: .*-->)\n<!-- machine: .*-->$", text, re.M)
    en.write_text(text.replace(m.group(0), m.group(1) + "\nOne.\n\nTwo."), encoding="utf-8")
    code, _, err = main(project, "human", slug, "--update", "--no-machine", capsys=capsys)
    assert code == 1 and "one block per marker" in err and "One.\n\nTwo." in en.read_text(encoding="utf-8")
