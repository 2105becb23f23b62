"""Human translations (content/<slug>.en.md) win over the machine."""
from __future__ import annotations

import io

import pytest

from digest.article import Article, Block
from digest.errors import InputError, Reporter
from digest.translate import _load_overrides, translate_site
from digest.translate.overrides import load_override

ARTICLE = Article(
    slug="jingkou-news", title="京口新闻",
    blocks=[Block("paragraph", "镇江今天下雨。"), Block("heading", "谏壁街道"),
            Block("paragraph", "大禹山很美。")])


def write_override(settings, body: str, meta: str | None = None, article: Article = ARTICLE):
    meta = meta if meta is not None else f"zh_sha256: {article.zh_hash()}\ntitle: Jingkou News\n"
    p = settings.content_dir / f"{article.slug}.en.md"
    p.write_text(f"---\n{meta}---\n\n{body}", encoding="utf-8")
    return p


FULL = "It rains in Zhenjiang today.\n\n## Jianbi Subdistrict\n\nDayu Mountain is beautiful.\n"


def run_overrides(settings, article=ARTICLE):
    out = io.StringIO()
    reporter = Reporter(quiet=True, stream=out)
    return _load_overrides([article], settings, reporter), reporter


def test_matching_override_gives_human_blocks_and_title(make_settings):
    s = make_settings()
    write_override(s, FULL)
    ov = load_override(s.content_dir / "jingkou-news.en.md", ARTICLE)
    assert ov.title == "Jingkou News" and not ov.stale and ov.problems == []
    assert [b.text for b in ov.blocks] == ["It rains in Zhenjiang today.", "Jianbi Subdistrict",
                                           "Dayu Mountain is beautiful."]
    assert [b.kind for b in ov.blocks] == ["paragraph", "heading", "paragraph"]


def test_full_override_translation_is_human_without_the_model(make_settings, tmp_path):
    # a model folder that does not exist: a full override must not need the engine to run
    s = make_settings()
    write_override(s, FULL)
    res = translate_site([ARTICLE], [], s, Reporter(quiet=True, stream=io.StringIO()))
    tr = res.translations["jingkou-news"]
    assert res.sent_to_model == 0
    assert tr.title == "Jingkou News" and tr.title_origin == "human"
    assert tr.origins == ["human"] * 3 and tr.origin == "human"
    assert tr.blocks[2] == Block("paragraph", "Dayu Mountain is beautiful.")


def test_machine_marker_keeps_machine_block(make_settings):
    s = make_settings()
    write_override(s, "It rains in Zhenjiang today.\n\n<!-- machine -->\n\nDayu Mountain is beautiful.\n")
    ov = load_override(s.content_dir / "jingkou-news.en.md", ARTICLE)
    assert ov.blocks[0].text == "It rains in Zhenjiang today." and ov.blocks[1] is None
    assert ov.blocks[2].text == "Dayu Mountain is beautiful."


def test_partial_body_leaves_the_rest_to_the_machine(make_settings):
    s = make_settings()
    write_override(s, "It rains in Zhenjiang today.\n")
    ov = load_override(s.content_dir / "jingkou-news.en.md", ARTICLE)
    assert ov.blocks[1:] == [None, None] and ov.problems == []


@pytest.mark.model
def test_partial_override_is_mixed(make_settings, model_package):
    s = make_settings()
    write_override(s, "It rains in Zhenjiang today.\n\n<!-- machine -->\n")
    res = translate_site([ARTICLE], [], s, Reporter(quiet=True, stream=io.StringIO()))
    tr = res.translations["jingkou-news"]
    assert tr.origins == ["human", "machine", "machine"] and tr.origin == "mixed"
    assert tr.blocks[0].text == "It rains in Zhenjiang today."
    assert "Jianbi" in tr.blocks[1].text and "Dayu Mountain" in tr.blocks[2].text
    assert res.sent_to_model == 2


def test_kind_mismatch_is_an_error_naming_file_and_line(make_settings):
    s = make_settings()
    # block 2 is a paragraph here but a heading in the Chinese; it starts on line 8 of the file
    p = write_override(s, "It rains in Zhenjiang today.\n\nJianbi Subdistrict.\n\nDayu Mountain.\n")
    assert p.read_text(encoding="utf-8").splitlines()[7] == "Jianbi Subdistrict."
    out, reporter = run_overrides(s)
    ov = out["jingkou-news"]
    assert ov.blocks[1:] == [None, None]            # the rest goes to the machine
    errors = reporter.errors
    assert len(errors) == 1
    assert errors[0].path == str(p) and errors[0].line == 8
    assert "heading" in errors[0].message and "block 2" in errors[0].message


def test_stale_override_warns_and_marks_translation(make_settings):
    s = make_settings()
    changed = Article(slug=ARTICLE.slug, title=ARTICLE.title,
                      blocks=[Block("paragraph", "镇江今天下大雨。"), *ARTICLE.blocks[1:]])
    write_override(s, FULL)                          # made from ARTICLE, not from `changed`
    out, reporter = run_overrides(s, changed)
    assert out["jingkou-news"].stale
    warnings = [d for d in reporter.diagnostics if d.level == "warning"]
    # old format: which block changed is not recorded; one warning for the whole article
    assert [d.message for d in warnings if "stale human translation: jingkou-news:" in d.message]
    assert len(warnings) == 1
    res = translate_site([changed], [], s, Reporter(quiet=True, stream=io.StringIO()))
    assert res.translations["jingkou-news"].stale is True


def test_missing_hash_is_a_warning(make_settings):
    s = make_settings()
    write_override(s, FULL, meta="title: Jingkou News\n")
    out, reporter = run_overrides(s)
    assert not out["jingkou-news"].stale
    assert [d.level for d in reporter.diagnostics] == ["warning"]
    assert "zh_sha256" in reporter.diagnostics[0].message


@pytest.mark.parametrize("meta, words", [
    ("zh_sha256: abc\ntitel: Typo\n", "unknown key"),
    ("zh_sha256: abc\ntitle: [unclosed\n", "bad front matter"),
    ("zh_sha256: abc\ntitle: {a: 1}\n", "must be text"),
])
def test_broken_override_is_an_error_and_machine_is_used(make_settings, meta, words):
    s = make_settings()
    p = write_override(s, FULL, meta=meta)
    with pytest.raises(InputError, match=words):
        load_override(p, ARTICLE)
    out, reporter = run_overrides(s)
    assert "jingkou-news" not in out
    assert len(reporter.errors) == 1 and reporter.errors[0].path == str(p)
    assert words in reporter.errors[0].message
