"""digest.toml: the schema, errors naming the file and the key's line, flags over the file."""
from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from digest.cli import main, make_parser, settings_from
from digest.config import SCHEMA, key_line, load_config
from digest.errors import BuildError

GOOD = '''# a site
[site]
title_zh = "江边新闻"
title_en = "Riverside News"
base_url = "https://example.org/news/"
per_page = 10
feed_size = 20

[theme]
name = "mine"

[paths]
content = "articles"

[translate]
beam = 2
device = "cpu"
'''


def test_a_good_config_gives_settings(tmp_path):
    cfg = tmp_path / "digest.toml"
    cfg.write_text(GOOD, encoding="utf-8")
    kw = load_config(cfg)
    assert kw["site_title_zh"] == "江边新闻" and kw["site_title_en"] == "Riverside News"
    assert kw["per_page"] == 10 and kw["feed_size"] == 20 and kw["beam"] == 2
    assert kw["device"] == "cpu" and kw["theme"] == "mine"
    assert kw["content_dir"] == tmp_path / "articles"          # relative to the config file


@pytest.mark.parametrize("text, line, words", [
    ('[site]\ntitle_zh = "x"\ncolour = "red"\n', 3, "unknown key 'colour' in [site]"),
    ('[site]\nper_page = "ten"\n', 2, "per_page must be an integer"),
    ('[site]\n\n\nper_page = true\n', 4, "per_page must be an integer"),
    ('[translate]\nbeam = 0\n', 2, "beam must be 1 or more"),
    ('[translate]\n# device = "cpu"\ndevice = "tpu"\n', 3, "device must be one of auto, cpu, cuda"),
    ('[site]\nper_page = 5\n\n[look]\ncolour = 1\n', 4, "unknown section [look]"),
    ('[site]\nbase_url = "example.org"\n', 2, "base_url must be an absolute http(s) URL"),
    ('[paths]\ncontent = 3\n', 2, "content must be a string (a path)"),
    ('[site]\ntitle_en = "a\n', 2, "not valid TOML"),
    ('site = 3\n', 1, "'site' must be a table"),
    ('[site]\ntitle_en = """\nper_page = 1\n"""\n  "feed_size" = "x"\n', 5, "feed_size must be an integer"),
])
def test_errors_name_the_file_and_the_line(tmp_path, text, line, words):
    cfg = tmp_path / "digest.toml"
    cfg.write_text(text, encoding="utf-8")
    with pytest.raises(BuildError) as e:
        load_config(cfg)
    assert e.value.line == line, str(e.value)
    assert e.value.path == str(cfg)
    assert words in e.value.message


def test_a_config_that_is_not_utf8_is_an_error_with_its_line(tmp_path):
    cfg = tmp_path / "digest.toml"
    cfg.write_bytes(b'[site]\ntitle_zh = "\xbe\xa9\xbf\xda"\n')
    with pytest.raises(BuildError) as e:
        load_config(cfg)
    assert e.value.line == 2 and "UTF-8" in e.value.message


_KEYS = [(s, k) for s, keys in SCHEMA.items() for k in keys]


@given(st.permutations(list(SCHEMA)), st.lists(st.sampled_from(["", "# c", "# x = 1", "   "]), max_size=3))
def test_key_line_finds_every_key_wherever_it_is(order, filler):
    lines, expected = [], {}
    for section in order:
        lines += filler + [f"[{section}]"]
        for key in SCHEMA[section]:
            lines += filler
            lines.append(f'{key} = "v"')
            expected[(section, key)] = len(lines)
    text = "\n".join(lines) + "\n"
    for (section, key), n in expected.items():
        assert key_line(text, section, key) == n


def _args(argv):
    return make_parser().parse_args(argv)


def test_flags_override_the_config_and_the_config_overrides_the_defaults(tmp_path, monkeypatch):
    (tmp_path / "digest.toml").write_text(GOOD, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    s = settings_from(_args(["build"]))
    assert (s.per_page, s.beam, s.theme, s.device) == (10, 2, "mine", "cpu")
    assert s.base_url == "https://example.org/news/" and s.site_title_en == "Riverside News"
    s = settings_from(_args(["build", "--per-page", "3", "--beam", "1", "--theme", "default",
                             "--device", "auto", "--base-url", "https://x.example/"]))
    assert (s.per_page, s.beam, s.theme, s.device) == (3, 1, "default", "auto")
    assert s.base_url == "https://x.example/"


def test_no_config_gives_the_defaults(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    s = settings_from(_args([]))
    assert (s.per_page, s.feed_size, s.beam, s.theme, s.device) == (50, 50, 1, "default", "auto")
    assert s.config_path is None


def test_an_explicit_config_roots_the_site_beside_it(tmp_path, monkeypatch):
    site = tmp_path / "site"
    site.mkdir()
    (site / "digest.toml").write_text('[site]\nper_page = 7\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    s = settings_from(_args(["--config", str(site / "digest.toml")]))
    assert s.per_page == 7 and s.content_dir == site / "content" and s.output_dir == site / "output"


def test_the_cli_reports_a_bad_config_and_exits_1(tmp_path, monkeypatch, capsys):
    (tmp_path / "digest.toml").write_text('[site]\nper_page = 5\nperpage = 6\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["check"]) == 1
    err = capsys.readouterr().err
    assert "digest.toml:3: error: unknown key 'perpage' in [site]" in err
