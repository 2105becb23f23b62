"""`digest init DIR`: a new site's files, each usable as it is; nothing overwritten."""
from __future__ import annotations

from digest.cli import main
from digest.config import load_config
from digest.translate.glossary import load_glossary


def test_init_makes_a_site_whose_files_are_valid(tmp_path, capsys):
    site = tmp_path / "news"
    assert main(["init", str(site)]) == 0
    assert (site / "seeds").is_dir() and (site / "content").is_dir()
    kw = load_config(site / "digest.toml")
    assert kw["site_title_en"] == "My News Digest"
    glossary = load_glossary(site / "content" / "glossary.toml")
    assert not glossary.terms
    text = (site / "content" / "glossary.toml").read_text(encoding="utf-8")
    assert text.count("#") >= 5                                 # commented, for the editor
    assert "created" in capsys.readouterr().out


def test_init_never_overwrites_a_site(tmp_path, capsys):
    site = tmp_path / "news"
    site.mkdir()
    (site / "digest.toml").write_text("[site]\nper_page = 3\n", encoding="utf-8")
    assert main(["init", str(site)]) == 1
    assert "already there" in capsys.readouterr().err
    assert (site / "digest.toml").read_text(encoding="utf-8") == "[site]\nper_page = 3\n"
    assert not (site / "seeds").exists()


def test_init_keeps_a_glossary_that_is_there(tmp_path):
    site = tmp_path / "news"
    (site / "content").mkdir(parents=True)
    (site / "content" / "glossary.toml").write_text('[terms]\n"镇江" = "Zhenjiang"\n', encoding="utf-8")
    assert main(["init", str(site)]) == 0
    assert load_glossary(site / "content" / "glossary.toml").terms == {"镇江": "Zhenjiang"}
