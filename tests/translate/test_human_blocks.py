"""Human translations matched by the hash of their Chinese; sentence fixes; the scaffold."""
from __future__ import annotations

import io

import pytest

import digest.translate as tr_mod
from digest.article import Article, Block, SentenceFlag
from digest.errors import Reporter
from digest.translate import translate_site
from digest.translate.overrides import load_override, marker, scaffold_text, zh_id

P1, H2, P3 = "镇江今天下雨。", "谏壁街道", "大禹山很美。第二句在这里。"
ARTICLE = Article(slug="jk", title="京口新闻",
                  blocks=[Block("paragraph", P1), Block("heading", H2), Block("paragraph", P3)])


def mt(zh: str) -> str:
    """The fake model's English for a sentence (Latin only: leftover Han would be romanised)."""
    return f"MT{zh_id(zh)[:6]}."


def fake_model(planner, todo, package, settings, tm, reporter):
    for k in todo:
        planner.jobs[k].result = mt(planner.jobs[k].source)
    return 0


@pytest.fixture
def fake(monkeypatch):
    monkeypatch.setattr(tr_mod, "_run_model", fake_model)


def write(settings, text: str, slug: str = "jk"):
    p = settings.content_dir / f"{slug}.en.md"
    p.write_text(text, encoding="utf-8")
    return p


NEW_FORMAT = (f"---\ntitle: Jingkou News\ntitle_zh: 京口新闻\ntranslator: Jane Doe\n---\n\n"
              f"{marker(P1, 'b1')}\nIt rains in Zhenjiang today.\n\n"
              f"{marker(H2, 'b2')}\n<!-- machine -->\n\n"
              f"{marker(P3, 'b3')}\nDayu Mountain is beautiful. The second sentence is here.\n")


def run(settings, article):
    rep = Reporter(quiet=True, stream=io.StringIO())
    return translate_site([article], [], settings, rep).translations[article.slug], rep


def test_inserting_a_chinese_paragraph_moves_no_human_paragraph(make_settings, fake):
    s = make_settings()
    write(s, NEW_FORMAT)
    inserted = Article(slug="jk", title="京口新闻",
                       blocks=[Block("paragraph", "新插入的一段。"), *ARTICLE.blocks])
    t, rep = run(s, inserted)
    assert t.origins == ["machine", "human", "machine", "human"]
    assert t.blocks[0].text == mt("新插入的一段。")
    assert t.blocks[1].text == "It rains in Zhenjiang today."
    assert t.blocks[3].text.startswith("Dayu Mountain")
    assert t.human_issues == [] and not t.stale and rep.diagnostics == []
    assert t.translator == "Jane Doe"


def test_editing_a_machine_paragraph_flags_nothing(make_settings, fake):
    s = make_settings()
    write(s, NEW_FORMAT)
    edited = Article(slug="jk", title="京口新闻",
                     blocks=[Block("paragraph", P1), Block("heading", "谏壁街道新闻"), Block("paragraph", P3)])
    t, rep = run(s, edited)
    assert t.human_issues == [] and not t.stale and rep.diagnostics == []
    assert t.origins == ["human", "machine", "human"]


def test_editing_a_human_paragraph_names_block_with_old_and_new_chinese(make_settings, fake):
    s = make_settings()
    p = write(s, NEW_FORMAT)
    edited = Article(slug="jk", title="京口新闻",
                     blocks=[Block("paragraph", "镇江今天下大雨。"), Block("heading", H2), Block("paragraph", P3)])
    t, rep = run(s, edited)
    assert t.stale and len(t.human_issues) == 1
    iss = t.human_issues[0]
    assert (iss.kind, iss.unit, iss.block, iss.old_zh, iss.new_zh) == ("stale", "block", 0, P1, "镇江今天下大雨。")
    assert iss.line == 7 and iss.path == str(p)
    assert t.blocks[0].text == "It rains in Zhenjiang today." and t.origins[0] == "human"   # kept, marked
    [w] = rep.diagnostics
    assert w.level == "warning" and w.line == 7
    assert "jk, block 1" in w.message and P1 in w.message and "镇江今天下大雨。" in w.message


def test_edit_and_insertion_together_pair_the_edited_paragraph(make_settings, fake):
    s = make_settings()
    write(s, NEW_FORMAT)
    changed = Article(slug="jk", title="京口新闻",
                      blocks=[Block("paragraph", "完全无关的新段落，讲别的事情。"), Block("paragraph", "镇江今天下大雨。"),
                              Block("heading", H2), Block("paragraph", P3)])
    t, _ = run(s, changed)
    assert t.origins == ["machine", "human", "machine", "human"]
    assert [i.block for i in t.human_issues] == [1]


def test_deleted_chinese_paragraph_orphans_its_english(make_settings, fake):
    s = make_settings()
    write(s, NEW_FORMAT)
    shorter = Article(slug="jk", title="京口新闻", blocks=[Block("heading", H2), Block("paragraph", P3)])
    t, rep = run(s, shorter)
    assert t.origins == ["machine", "human"]
    [iss] = t.human_issues
    assert iss.kind == "orphaned" and iss.old_zh == P1 and iss.en == "It rains in Zhenjiang today."
    assert "orphaned human translation: jk" in rep.diagnostics[0].message


def test_sentence_fix_replaces_one_sentence_and_goes_stale_with_its_chinese(make_settings, fake):
    s = make_settings()
    body = (f"---\ntitle: ''\n---\n\n{marker('第二句在这里。', 'b3.s2')}\nHere is the second sentence.\n")
    write(s, body)
    t, rep = run(s, ARTICLE)
    assert t.blocks[2].text == mt("大禹山很美。") + " Here is the second sentence."
    assert t.origins == ["machine", "machine", "mixed"] and t.origin == "mixed"
    assert rep.diagnostics == []
    changed = Article(slug="jk", title="京口新闻", blocks=[*ARTICLE.blocks[:2], Block("paragraph", "大禹山很美。第二句改了。")])
    t, rep = run(s, changed)
    assert t.blocks[2].text == mt("大禹山很美。") + " " + mt("第二句改了。")
    [iss] = t.human_issues
    assert (iss.kind, iss.block, iss.sentence, iss.old_zh, iss.new_zh) == ("stale", 2, 1, "第二句在这里。", "第二句改了。")
    assert "block 3, sentence 2" in rep.diagnostics[0].message


def test_flag_on_a_fixed_sentence_is_dropped():
    from digest.translate import without_human
    from digest.translate.overrides import Override
    ov = Override(path=None, blocks=[None, Block("heading", "X"), None], sentences={("block", 2): {1: "Fixed."}})
    flags = [SentenceFlag("block", 2, 1, "第二句在这里。", "x", ("r",)),
             SentenceFlag("block", 2, 0, "大禹山很美。", "y", ("r",)),
             SentenceFlag("block", 1, 0, "谏壁街道", "z", ("r",))]
    assert without_human(flags, ov) == [flags[1]]


def test_scaffold_has_every_block_and_an_untouched_scaffold_is_all_machine(make_settings, fake):
    s = make_settings()
    text = scaffold_text(ARTICLE)
    for b in ARTICLE.blocks:
        assert zh_id(b.text) in text and b.text in text
    p = write(s, text)
    ov = load_override(p, ARTICLE)
    assert ov.blocks == [None, None, None] and ov.problems == [] and ov.issues == [] and ov.title is None
    # the editor writes English under block 3's marker only
    p.write_text(text.replace(marker(P3, "b3") + "\n<!-- machine -->",
                              marker(P3, "b3") + "\nDayu Mountain is beautiful."), encoding="utf-8")
    t, _ = run(s, ARTICLE)
    assert t.origins == ["machine", "machine", "human"]


def test_scaffold_update_keeps_english_and_accepts_stale(make_settings, fake):
    s = make_settings()
    write(s, NEW_FORMAT)
    edited = Article(slug="jk", title="京口新闻",
                     blocks=[Block("paragraph", "镇江今天下大雨。"), Block("heading", H2), Block("paragraph", P3)])
    ov = load_override(s.content_dir / "jk.en.md", edited)
    assert ov.stale
    p = write(s, scaffold_text(edited, None, ov))
    ov2 = load_override(p, edited)
    assert ov2.issues == [] and ov2.translator == "Jane Doe" and ov2.title == "Jingkou News"
    assert [b and b.text for b in ov2.blocks] == ["It rains in Zhenjiang today.", None,
                                                 "Dayu Mountain is beautiful. The second sentence is here."]


def test_old_format_migrates(make_settings, fake):
    s = make_settings()
    p = write(s, f"---\nzh_sha256: {ARTICLE.zh_hash()}\ntitle: Jingkou News\n---\n\n"
                 "It rains.\n\n<!-- machine -->\n\nDayu.\n")
    old = load_override(p, ARTICLE)
    assert old.old_format
    write(s, scaffold_text(ARTICLE, None, old))
    inserted = Article(slug="jk", title="京口新闻", blocks=[Block("paragraph", "新的一段。"), *ARTICLE.blocks])
    new = load_override(p, inserted)
    assert not new.old_format and [b and b.text for b in new.blocks] == [None, "It rains.", None, "Dayu."]


from hypothesis import example, given, settings as hsettings, strategies as st  # noqa: E402

# distinct paragraphs (an insertion that closely resembles a deleted neighbour is an edit)
_PARAS = ["".join(chr(0x4E00 + n * 131 + k * 7) for k in range(14)) + "。" for n in range(40)]


@hsettings(max_examples=300, deadline=None, derandomize=True)
@given(st.data())
@example(None)
def test_edits_around_human_blocks_never_move_them(tmp_path_factory, data):
    """Whatever paragraphs are inserted, deleted or edited around them, every human block stays
    on the Chinese it was made from, or is reported (stale when edited, orphaned when gone)."""
    if data is None:
        n, human, ops = 4, [1, 3], [("insert", 0), ("delete", 2)]
    else:
        n = data.draw(st.integers(1, 8))
        human = sorted(data.draw(st.sets(st.integers(0, n - 1), min_size=1)))
        ops = data.draw(st.lists(st.tuples(st.sampled_from(["insert", "delete", "edit"]), st.integers(0, 9)),
                                 max_size=5))
    old = _PARAS[:n]
    en_of = {i: f"English of paragraph {i}." for i in human}
    text = "---\ntitle: ''\n---\n\n" + "".join(
        f"{marker(z, f'b{i + 1}')}\n{en_of.get(i, '<!-- machine -->')}\n\n" for i, z in enumerate(old))
    # the new Chinese: each entry is (origin index or None, text)
    new = [(i, z) for i, z in enumerate(old)]
    fresh = iter(_PARAS[n:])
    for op, at in ops:
        k = at % (len(new) + 1)
        if op == "insert":
            new.insert(k, (None, next(fresh)))
        elif new and op == "delete":
            new.pop(k % len(new))
        elif new:
            i, z = new[k % len(new)]
            new[k % len(new)] = (("edited", i) if i is not None and not isinstance(i, tuple) else i, z + "改")
    p = tmp_path_factory.mktemp("prop") / "jk.en.md"
    p.write_text(text, encoding="utf-8")
    art = Article(slug="jk", title="京口", blocks=[Block("paragraph", z) for _, z in new])
    ov = load_override(p, art)
    stale = {iss.block for iss in ov.issues if iss.kind == "stale"}
    for pos, (origin, _) in enumerate(new):
        got = ov.blocks[pos]
        if isinstance(origin, int):                        # untouched Chinese: its own English or machine
            assert (got.text if got else None) == en_of.get(origin)
            assert pos not in stale
        elif origin is None:                               # inserted: never a human block
            assert got is None
        else:                                              # edited: its own English, stale, or reported gone
            if got is not None:
                assert got.text == en_of[origin[1]] and pos in stale
    placed = {b.text for b in ov.blocks if b is not None}
    orphaned = {iss.en for iss in ov.issues if iss.kind == "orphaned"}
    assert placed | orphaned == set(en_of.values()) and not (placed & orphaned)
