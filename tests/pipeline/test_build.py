"""The whole pipeline on the real seeds and the real model: seeds/ -> content/ -> output/.

Incremental, atomic and deterministic builds (issue 6), each with a test that
would fail without the property. The translation memory is filled once per
session and copied into each test's project, so only the first build pays for
the model.
"""
from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from digest.errors import Reporter
from digest.chars import HAN_RE as HAN
from digest.settings import Settings, default_cache_dir
from digest.segment import Segmenter
from digest.site import build
from digest.translate.model_store import default_package_dir

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(not (default_package_dir(default_cache_dir()) / "model" / "model.bin").exists(),
                                reason="the model is not fetched (./make.sh test fetches it)")


def make_project(dest: Path) -> Path:
    shutil.copytree(REPO / "seeds", dest / "seeds")
    shutil.copytree(REPO / "digest" / "themes", dest / "themes")
    (dest / "content").mkdir()
    shutil.copy(REPO / "content" / "glossary.toml", dest / "content" / "glossary.toml")
    return dest


def settings_for(root: Path, **kw) -> Settings:
    return Settings(root=root, tm_path=root / "tm.sqlite3", quiet=True, **kw)


def snapshot(out: Path) -> dict[str, tuple[str, int]]:
    """rel path -> (sha256 of bytes, mtime_ns) for every file in output/."""
    snap = {}
    for p in sorted(out.rglob("*")):
        if p.is_file():
            snap[p.relative_to(out).as_posix()] = (hashlib.sha256(p.read_bytes()).hexdigest(),
                                                   p.stat().st_mtime_ns)
    return snap


@pytest.fixture(scope="session")
def warm(tmp_path_factory) -> tuple[Path, dict]:
    """One real build of the seeds; its project (content, TM, output) is copied by each test."""
    root = make_project(tmp_path_factory.mktemp("warm"))
    rep = Reporter(quiet=True)
    result = build(settings_for(root), rep)
    assert result.ok and not rep.errors, [str(d) for d in rep.diagnostics]
    return root, {"result": result}


@pytest.fixture
def project(warm, tmp_path) -> Path:
    root = tmp_path / "p"
    shutil.copytree(warm[0], root, symlinks=True)
    return root


def run(root: Path, **kw):
    rep = Reporter(quiet=True)
    res = build(settings_for(root, **kw), rep)
    return res, rep


def en_text(html_path: Path) -> str:
    soup = BeautifulSoup(html_path.read_bytes(), "html5lib")
    main = soup.find("main") or soup.body
    for el in main.find_all(attrs={"lang": re.compile("^zh")}):
        el.decompose()
    return main.get_text(" ", strip=True)


def test_first_build_makes_both_languages_with_names_right(warm):
    root, info = warm
    out = root / "output"
    zh = sorted(p.stem for p in (out / "zh").glob("*.html") if p.name not in ("index.html", "search.html"))
    en = sorted(p.stem for p in (out / "en").glob("*.html") if p.name not in ("index.html", "search.html"))
    assert len(zh) == 2 and zh == en
    texts = {s: en_text(out / "en" / f"{s}.html") for s in en}
    joined = " ".join(texts.values())
    for name in ("Jingkou", "Zhenjiang", "Jianbi"):
        assert name in joined
    assert "Kyoto" not in joined and "Kyoguchi" not in joined
    for slug, text in texts.items():
        assert not HAN.search(text), f"Chinese left in en/{slug}: {HAN.findall(text)[:10]}"
    assert info["result"].sentences_translated > 0


def test_nothing_changed_writes_nothing(project):
    before = snapshot(project / "output")
    res, _ = run(project)            # a moved project: everything is checked, nothing written
    assert not res.nothing_changed and res.pages_written == 0 and res.sentences_translated == 0
    assert snapshot(project / "output") == before
    res, rep = run(project)
    assert res.nothing_changed and not rep.diagnostics
    assert snapshot(project / "output") == before


def test_second_build_after_state_loss_sends_nothing_to_the_model(project):
    (project / ".output.state.sqlite3").unlink()
    before = {k: v[0] for k, v in snapshot(project / "output").items()}
    res, rep = run(project)
    assert res.sentences_translated == 0 and not rep.errors
    assert {k: v[0] for k, v in snapshot(project / "output").items()} == before


def _content_files(root: Path) -> list[Path]:
    return sorted((root / "content").glob("*.zh.md"))


def test_one_edit_rewrites_only_that_article_and_indexes_that_change(project):
    out = project / "output"
    before = snapshot(out)
    a, b = _content_files(project)
    slug_a, slug_b = a.name[:-6], b.name[:-6]
    a.write_text(a.read_text(encoding="utf-8").rstrip("\n") + "\n\n京口区今天下雨。\n", encoding="utf-8")
    res, rep = run(project)
    assert not rep.errors and res.sentences_translated == 1
    after = snapshot(out)
    changed = {k for k in after if before.get(k) != after[k]}
    assert f"zh/{slug_a}.html" in changed and f"en/{slug_a}.html" in changed
    assert not any(slug_b in k for k in changed), changed
    # the other article's pages are untouched, bytes and times
    for k in before:
        if slug_b in k:
            assert after[k] == before[k]
    assert len(changed) < len(after) / 2


def test_removed_article_disappears_everywhere(project):
    out = project / "output"
    a = _content_files(project)[0]
    slug = a.name[:-6]
    # remove its seed too, or ingest would bring it back
    import frontmatter
    src = frontmatter.load(a).metadata.get("source")
    (project / src).unlink()
    a.unlink()
    res, rep = run(project)
    assert not rep.errors
    assert not (out / "zh" / f"{slug}.html").exists() and not (out / "en" / f"{slug}.html").exists()
    for p in out.rglob("*"):
        if p.is_file() and p.suffix in (".html", ".js", ".xml"):
            assert slug not in p.read_text(encoding="utf-8"), f"{slug} still named in {p.relative_to(out)}"


def test_theme_change_rewrites_only_what_uses_it(project):
    out = project / "output"
    before = snapshot(out)
    css = project / "themes" / "default" / "static" / "style.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n/* edited */\n", encoding="utf-8")
    res, rep = run(project)
    after = snapshot(out)
    changed = {k for k in after if before.get(k) != after[k]}
    assert changed == {"static/style.css"}, changed
    assert res.sentences_translated == 0


def test_glossary_edit_retranslates_only_sentences_with_that_term(project):
    g = project / "content" / "glossary.toml"
    g.write_text(g.read_text(encoding="utf-8").replace('"大禹山" = "Dayu Mountain"', '"大禹山" = "Mount Dayu"'),
                 encoding="utf-8")
    res, rep = run(project)
    assert not rep.errors
    assert 0 < res.sentences_translated <= 8, res.sentences_translated
    text = " ".join(en_text(p) for p in (project / "output" / "en").glob("*.html")
                    if p.name not in ("index.html", "search.html"))
    assert "Mount Dayu" in text and "Dayu Mountain" not in text


def test_changing_a_seed_reingests_that_seed_only(project, capsys):
    run(project)                      # the copied project's seeds are recorded where they now are
    seeds = sorted((project / "seeds").glob("*.txt"))
    seeds[0].write_bytes(seeds[0].read_bytes() + b"\n")   # new bytes, same text
    rep = Reporter(quiet=False)
    build(settings_for(project), rep)
    out = capsys.readouterr().out
    assert re.search(rf"ingest: seeds/{re.escape(seeds[0].name)} -> content/", out), out
    assert f"seeds/{seeds[1].name}" not in out          # an unchanged seed is not even read


def test_a_deleted_content_file_comes_back_from_its_seed(project, capsys):
    run(project)
    a = _content_files(project)[0]
    text = a.read_bytes()
    a.unlink()
    res, rep = run(project)
    assert not rep.errors and a.read_bytes() == text
    assert (project / "output" / "zh" / f"{a.name[:-6]}.html").is_file()


def test_failed_build_leaves_output_exactly_as_it_was(project):
    out = project / "output"
    before = snapshot(out)
    tpl = project / "themes" / "default" / "templates" / "article.html"
    tpl.write_text(tpl.read_text(encoding="utf-8") + "{% if %}", encoding="utf-8")   # a syntax error
    a = _content_files(project)[0]
    a.write_text(a.read_text(encoding="utf-8") + "\n新的一段。\n", encoding="utf-8")
    r = subprocess.run([sys.executable, str(REPO / "build.py"), "--quiet", "--tm", str(project / "tm.sqlite3")],
                       cwd=project, capture_output=True, text=True)
    assert r.returncode == 1
    assert "Traceback" not in r.stderr
    assert "article.html" in r.stderr
    assert snapshot(out) == before


def test_interrupted_build_leaves_output_exactly_as_it_was(project, monkeypatch):
    out = project / "output"
    before = snapshot(out)
    a = _content_files(project)[0]
    a.write_text(a.read_text(encoding="utf-8") + "\n又一段。\n", encoding="utf-8")
    import digest.render as render
    real = render.render_page
    calls = []

    def interrupted(env, page):
        calls.append(page.path)
        if len(calls) == 2:          # the second of the pages that need rendering
            raise KeyboardInterrupt
        return real(env, page)

    monkeypatch.setattr(render, "render_page", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build(settings_for(project), Reporter(quiet=True))
    assert len(calls) == 2
    assert snapshot(out) == before


def test_builds_are_deterministic(warm, tmp_path):
    """Two clean builds of the same content in different folders: the same bytes."""
    other = tmp_path / "other"
    shutil.copytree(warm[0], other, symlinks=True)
    shutil.rmtree(other / "output")
    (other / ".output.state.sqlite3").unlink()
    res, rep = run(other)
    assert not rep.errors
    a = {k: v[0] for k, v in snapshot(warm[0] / "output").items()}
    b = {k: v[0] for k, v in snapshot(other / "output").items()}
    assert a == b


def _clean_build_bytes(project: Path, tmp: Path) -> dict[str, str]:
    """The same inputs built from scratch in another folder (no output, no build state)."""
    other = tmp / "clean"
    shutil.rmtree(other, ignore_errors=True)
    other.mkdir()
    for name in ("seeds", "content", "themes"):
        shutil.copytree(project / name, other / name)
    shutil.copy(project / "tm.sqlite3", other / "tm.sqlite3")
    res, rep = run(other)
    assert not rep.errors, [str(d) for d in rep.diagnostics]
    return {k: v[0] for k, v in snapshot(other / "output").items()}


def test_incremental_builds_equal_clean_builds_after_every_kind_of_edit(project, tmp_path):
    """Pages are rendered only when what they are made from changed (article, translation,
    keywords and their labels, list items): after each kind of edit, the incrementally
    updated output/ is byte for byte what a clean build of the same inputs makes."""
    a, b = _content_files(project)

    def edit_title():       # lists, keyword pages and both article pages show the title
        a.write_text(re.sub(r"(?m)^title: (.*)$", r"title: 镇江\1", a.read_text(encoding="utf-8"), count=1),
                     encoding="utf-8")

    def edit_body():        # only that article's pages and the search index
        b.write_text(b.read_text(encoding="utf-8").rstrip("\n") + "\n\n谏壁街道今天举行运动会。\n",
                     encoding="utf-8")

    def edit_label():       # a keyword's English label (党建: in bodies, not titles): every page linking it
        g = project / "content" / "glossary.toml"
        g.write_text(g.read_text(encoding="utf-8").replace("[terms]\n", '[terms]\n"党建" = "Party-building work"\n'),
                     encoding="utf-8")

    def edit_date():        # the order of every list
        b.write_text(b.read_text(encoding="utf-8").replace("---\n", "---\ndate: 2001-02-03\n", 1),
                     encoding="utf-8")

    def remove():           # gone from every page, list and index
        import frontmatter
        (project / frontmatter.load(a).metadata["source"]).unlink()
        a.unlink()

    for edit in (edit_title, edit_body, edit_label, edit_date, remove):
        edit()
        res, rep = run(project)
        assert not rep.errors, (edit.__name__, [str(d) for d in rep.diagnostics])
        got = {k: v[0] for k, v in snapshot(project / "output").items()}
        want = _clean_build_bytes(project, tmp_path)
        wrong = sorted(k for k in set(got) | set(want) if got.get(k) != want.get(k))
        assert not wrong, (edit.__name__, wrong)


def test_work_spread_over_processes_gives_the_same_bytes(warm, tmp_path, monkeypatch):
    """Keywords and pages computed in forked workers (what a large build does) make exactly
    the output of the same build in one process."""
    from digest import parallel
    monkeypatch.setattr(parallel, "MIN_ITEMS", 1)
    monkeypatch.setattr(parallel, "workers", lambda: 2)
    built = {}
    for mode in ("forked", "serial"):
        root = tmp_path / mode
        shutil.copytree(warm[0], root, symlinks=True)
        shutil.rmtree(root / "output")
        (root / ".output.state.sqlite3").unlink()
        if mode == "serial":
            monkeypatch.setenv("DIGEST_SERIAL", "1")
        res, rep = run(root)
        assert not rep.errors and res.pages_written > 20
        built[mode] = {k: v[0] for k, v in snapshot(root / "output").items()}
    assert built["forked"] == built["serial"]


def test_a_template_error_in_a_worker_is_reported_and_output_kept(project, monkeypatch):
    from digest import parallel
    monkeypatch.setattr(parallel, "MIN_ITEMS", 1)
    monkeypatch.setattr(parallel, "workers", lambda: 2)
    before = snapshot(project / "output")
    t = project / "themes" / "default" / "templates" / "article.html"
    t.write_text(t.read_text(encoding="utf-8").replace("{{ a.title }}</h1>", "{{ a.title }}{{ no_such.x }}</h1>", 1),
                 encoding="utf-8")          # fails while rendering (in a worker), not while loading
    from digest.errors import BuildError
    with pytest.raises(BuildError) as e:
        run(project)
    msg = str(e.value)            # file and line of the template, and the page being rendered
    assert "template error" in msg and re.search(r"templates/article\.html:\d+: error", msg), msg
    assert "while rendering" in msg
    assert snapshot(project / "output") == before


@pytest.mark.parametrize("forked", [False, True])
def test_a_failed_first_build_leaves_no_output_and_no_staging(project, monkeypatch, forked):
    from digest import parallel
    from digest.errors import BuildError
    if forked:
        monkeypatch.setattr(parallel, "MIN_ITEMS", 1)
        monkeypatch.setattr(parallel, "workers", lambda: 2)
    shutil.rmtree(project / "output")
    t = project / "themes" / "default" / "templates" / "parallel.html"
    t.write_text(t.read_text(encoding="utf-8").replace("</h1>", "{{ no_such.x }}</h1>", 1), encoding="utf-8")
    with pytest.raises(BuildError):
        run(project)
    assert not (project / "output").exists()
    assert not [p.name for p in project.iterdir() if "staging" in p.name]
    t.write_text(t.read_text(encoding="utf-8").replace("{{ no_such.x }}", ""), encoding="utf-8")
    res, rep = run(project)                           # fixed: the next build makes everything
    assert not rep.errors and (project / "output" / "index.html").is_file() and res.pages_written > 20


def _parts(out: Path) -> dict:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "render"))
    from test_search_parts import read_parts
    return read_parts(out / "static" / "search")


def test_one_edit_rewrites_only_the_search_parts_its_new_words_are_in(project, monkeypatch):
    from digest.render import search_index as si
    monkeypatch.setattr(si, "_PER_SHARD", {kind: 1 / 64 for kind in si.KINDS})   # 128 shards a kind
    run(project)
    out = project / "output"
    assert not list((out / "static").glob("search-index*"))      # version 2's files are gone
    before, old = snapshot(out), _parts(out)
    a, b = _content_files(project)
    a.write_text(a.read_text(encoding="utf-8").rstrip("\n") + "\n\n京口区今天下雨。\n", encoding="utf-8")
    res, rep = run(project)
    assert not rep.errors
    after, new = snapshot(out), _parts(out)
    search = [k for k in after if k.startswith("static/search/")]
    changed = {k[len("static/search/"):-3] for k in search if after[k] != before.get(k)}
    assert set(old) == set(new)                                 # the same documents, numbered the same
    mine = {n for n, d in new.items() if n.startswith("d/") and a.name[:-6] in d["u"]}
    assert len(mine) == 2 and mine <= changed
    expected = set(mine)
    for n in mine:                                              # the text added to each document
        added = new[n]["x"][len(old[n]["x"]):]
        assert new[n]["x"].startswith(old[n]["x"]) and added.strip()
        hay = ("\n" + added) if new[n]["l"] == "zh" else added
        terms = si.tokens_zh(hay, Segmenter()) if new[n]["l"] == "zh" else si.tokens_en(hay)
        grams = set(hay) | {hay[i:i + 2] for i in range(len(hay) - 1)}
        triples = {g for run in si._LATIN_RUN.findall(hay.lower()) for g in si._trigrams(run)}
        for kind, keys in (("k", terms), ("h", grams), ("w", triples)):
            expected |= {f"{kind}-{si.part_hash(g) % 128}" for g in keys}
    assert changed <= expected, changed - expected
    assert len(changed) < len(search) / 10, (len(changed), len(search))
    assert "今天下雨" in (out / "static" / "search" / f"{sorted(mine)[-1]}.js").read_text(encoding="utf-8") + \
        (out / "static" / "search" / f"{sorted(mine)[0]}.js").read_text(encoding="utf-8")


def test_search_parts_keyed_by_unchanged_articles_are_made_again_the_same(project, monkeypatch):
    """Every article known unchanged: the parts are keyed by the articles' entry keys and made
    only when asked for (here all are: the render code's version changed)."""
    import digest.render as render
    from digest.render import search_index
    out = project / "output"
    before = {k: v[0] for k, v in snapshot(out).items() if k.startswith("static/search/")}
    orig, parts_of_docs, calls = render._render_version, search_index.parts_of_docs, []
    monkeypatch.setattr(render, "_render_version", lambda themes: orig(themes) + b"another version")
    monkeypatch.setattr(search_index, "parts_of_docs", lambda *a: calls.append(1) or parts_of_docs(*a))
    res, rep = run(project)
    assert not rep.errors and res.pages_unchanged > 20 and calls == [1]      # made once, for all
    after = {k: v[0] for k, v in snapshot(out).items() if k.startswith("static/search/")}
    assert after == before and len(after) > 5


def test_an_edit_recomputes_only_that_articles_search_entries(project, monkeypatch):
    from digest.render import search_index
    run(project)
    calls: list[str] = []
    orig = search_index.doc_entry
    monkeypatch.setattr(search_index, "doc_entry", lambda d, seg: calls.append(d["u"]) or orig(d, seg))
    a, b = _content_files(project)
    for edited in (a, b, a):                 # the other article's entries outlive each rebuild
        calls.clear()
        edited.write_text(edited.read_text(encoding="utf-8").rstrip("\n") + "\n\n京口区今天下雨。\n",
                          encoding="utf-8")
        res, rep = run(project)
        assert not rep.errors
        assert calls and all(edited.name[:-6] in u for u in calls), calls


def test_a_settings_change_rebuilds_what_it_changes(project):
    base = "https://news.example.org/digest/"
    res, rep = run(project, base_url=base)
    assert res.pages_written > 0 and not rep.errors
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert len(ET.parse(project / "output/zh/atom.xml").getroot().findall("a:entry", ns)) == 2
    res, rep = run(project, base_url=base, feed_size=1)     # not mistaken for "nothing changed"
    assert not res.nothing_changed and not rep.errors
    assert res.pages_written == 2                             # the two feeds, nothing else
    for lang in ("zh", "en"):
        assert len(ET.parse(project / f"output/{lang}/atom.xml").getroot().findall("a:entry", ns)) == 1


def test_an_edit_changes_the_search_parts_in_place_with_the_bytes_of_a_clean_build(project, tmp_path, monkeypatch):
    """Edits that keep every document's number (append, change mid-text, delete a paragraph,
    change the title) change the search parts in place (no whole index is made: the record
    in the build state and the old parts in output/ are used), and the parts are byte for byte
    those a clean build makes; removing a paragraph's translation or the old parts falls back
    to a whole build, with the same bytes."""
    import frontmatter

    from digest.render import search_index
    run(project)
    a, b = _content_files(project)
    parts_of_docs, calls = search_index.parts_of_docs, []

    def text(p):
        return p.read_text(encoding="utf-8")

    def append():
        a.write_text(text(a).rstrip("\n") + "\n\n京口区今天下雨。\n", encoding="utf-8")

    def mid_text():
        post = frontmatter.load(b)
        first = post.content.split("\n\n")[0]
        b.write_text(text(b).replace(first, first[:len(first) // 2] + "谏壁街道" + first[len(first) // 2:], 1),
                     encoding="utf-8")

    def delete_paragraph():
        paras = frontmatter.load(a).content.split("\n\n")
        a.write_text(text(a).replace(paras[-1] + "\n", "", 1).replace("\n\n\n", "\n\n"), encoding="utf-8")

    def change_title():
        b.write_text(re.sub(r"(?m)^title: (.*)$", r"title: 镇江\1", text(b), count=1), encoding="utf-8")

    def lose_parts():
        append()
        shutil.rmtree(project / "output" / "static" / "search")

    def change_old_document():          # the edited document's old file, which its old entry is made from
        append()
        mine = [p for p in (project / "output" / "static" / "search" / "d").glob("*.js")
                if a.name[:-len(".zh.md")] in p.read_text(encoding="utf-8")]
        assert mine
        for p in mine:
            p.write_text(p.read_text(encoding="utf-8").replace("京口", "镇江"), encoding="utf-8")

    monkeypatch.setattr(search_index, "parts_of_docs", lambda *x: calls.append(1) or parts_of_docs(*x))
    for edit, whole in ((append, False), (mid_text, False), (delete_paragraph, None), (change_title, False),
                        (lose_parts, True), (change_old_document, True)):
        before = {k: v[0] for k, v in snapshot(project / "output").items() if k.startswith("static/search/")}
        calls.clear()
        edit()
        res, rep = run(project)
        assert not rep.errors, (edit.__name__, [str(d) for d in rep.diagnostics])
        got = {k: v[0] for k, v in snapshot(project / "output").items() if k.startswith("static/search/")}
        assert got != before, edit.__name__
        if whole is not None:
            assert bool(calls) == whole, edit.__name__
        want = {k: v for k, v in _clean_build_bytes(project, tmp_path).items() if k.startswith("static/search/")}
        wrong = sorted(k for k in set(got) | set(want) if got.get(k) != want.get(k))
        assert not wrong, (edit.__name__, wrong)
