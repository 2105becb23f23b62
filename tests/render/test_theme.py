"""The packaged theme, and a site's own theme overriding it template by template, static file
by static file (MkDocs' custom_dir)."""
from __future__ import annotations

from pathlib import Path

import pytest

from digest.errors import BuildError
from digest.settings import PACKAGE_THEMES, Settings, theme_chain
from sitedata import build

DEFAULT = PACKAGE_THEMES / "default"


def test_the_default_theme_is_inside_the_package():
    import digest
    assert DEFAULT == Path(digest.__file__).parent / "themes" / "default"
    assert (DEFAULT / "templates" / "base.html").is_file() and (DEFAULT / "static" / "style.css").is_file()


def test_without_a_site_theme_the_packaged_one_is_used(tmp_path):
    assert theme_chain("default", tmp_path / "themes") == [DEFAULT]
    assert Settings(root=tmp_path).theme_dirs == [DEFAULT]


def test_a_site_theme_comes_first_then_the_packaged_default(tmp_path):
    (tmp_path / "themes" / "mine" / "templates").mkdir(parents=True)
    (tmp_path / "themes" / "default" / "static").mkdir(parents=True)
    assert theme_chain("mine", tmp_path / "themes") == [tmp_path / "themes" / "mine", DEFAULT]
    assert theme_chain("default", tmp_path / "themes") == [tmp_path / "themes" / "default", DEFAULT]
    folder = tmp_path / "themes" / "mine"
    assert theme_chain(str(folder), tmp_path / "elsewhere") == [folder, DEFAULT]


def test_an_unknown_theme_is_an_error(tmp_path):
    with pytest.raises(BuildError, match="theme not found"):
        build(tmp_path / "out", theme="nosuch", themes_dir=tmp_path / "themes")


def test_a_site_overrides_one_template_and_one_static_file(tmp_path):
    plain, _, _ = build(tmp_path / "plain")
    theme = tmp_path / "themes" / "default"
    (theme / "templates").mkdir(parents=True)
    (theme / "static").mkdir()
    base = (DEFAULT / "templates" / "base.html").read_text(encoding="utf-8")
    assert "</body>" in base
    (theme / "templates" / "base.html").write_text(base.replace("</body>", "<p id=mine>site footer</p></body>"),
                                                  encoding="utf-8")
    (theme / "static" / "style.css").write_text("body { color: teal }\n", encoding="utf-8")
    (theme / "static" / "extra.css").write_text("/* extra */\n", encoding="utf-8")
    out, _, _ = build(tmp_path / "mine", themes_dir=tmp_path / "themes")
    page = (out / "zh" / "index.html").read_text(encoding="utf-8")
    assert "site footer" in page
    assert (out / "static" / "style.css").read_text() == "body { color: teal }\n"
    assert (out / "static" / "extra.css").is_file()
    # what was not overridden comes from the package, unchanged
    assert (out / "static" / "search.js").read_bytes() == (plain / "static" / "search.js").read_bytes()
    assert (out / "static" / "site.js").read_bytes() == (DEFAULT / "static" / "site.js").read_bytes()
    # article.html is the packaged one, extending the site's base.html
    art = next((out / "zh").glob("jingkou-new-mission.html")).read_text(encoding="utf-8")
    assert "site footer" in art


def test_an_override_is_not_served_from_the_compiled_template_cache(tmp_path):
    """Compiled templates are cached by file name and source: the site's base.html, then an
    edit to it, each give their own page, with the cache shared."""
    cache = tmp_path / "cache"
    theme = tmp_path / "themes" / "default" / "templates"
    theme.mkdir(parents=True)
    base = (DEFAULT / "templates" / "base.html").read_text(encoding="utf-8")
    out, _, _ = build(tmp_path / "a", cache_dir=cache, themes_dir=tmp_path / "themes")
    assert "ONE" not in (out / "zh" / "index.html").read_text(encoding="utf-8")
    for word in ("ONE", "TWO"):
        (theme / "base.html").write_text(base.replace("</body>", f"{word}</body>"), encoding="utf-8")
        out, _, _ = build(tmp_path / word, cache_dir=cache, themes_dir=tmp_path / "themes")
        assert f"{word}</body>" in (out / "zh" / "index.html").read_text(encoding="utf-8")

