"""Help that teaches (issue 14): examples, every option's default, counts in the right number,
the no-base-URL notice once per site."""
from __future__ import annotations

import argparse

import pytest

from digest.cli import main, make_parser
from digest.errors import counted
from digest.site import BuildResult
from digest.translate import flagged_message, model_message


def _parsers():
    parser = make_parser()
    yield "digest", parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            yield from action.choices.items()


@pytest.mark.parametrize("name, parser", list(_parsers()), ids=lambda x: x if isinstance(x, str) else "")
def test_every_option_says_what_it_does_and_its_default(name, parser):
    for action in parser._actions:
        if not action.option_strings or isinstance(action, argparse._HelpAction):
            continue
        assert action.help, (name, action.option_strings)
        assert "default" in action.help, (name, action.option_strings, action.help)


def test_serve_port_is_described():
    out = " ".join(dict(_parsers())["serve"].format_help().split())
    assert "--port N" in out and "(default: 8000)" in out and "127.0.0.1" in out


def test_help_gives_examples(capsys):
    with pytest.raises(SystemExit) as e:
        main(["--help"])
    assert e.value.code == 0
    out = capsys.readouterr().out
    assert "examples:" in out and "init mysite" in out and "serve --port 8080" in out
    assert "--base-url https://example.org/news/" in out


@pytest.mark.parametrize("n, text", [(0, "0 sentences"), (1, "1 sentence"), (2, "2 sentences")])
def test_counts_in_the_right_number(n, text):
    assert counted(n, "sentence") == text


def test_the_build_summary_says_1_article_1_page_1_sentence():
    line = BuildResult(articles=1, pages_written=1, sentences_translated=1).summary()
    assert "1 article," in line and "1 page written" in line and "1 sentence translated" in line
    line = BuildResult(articles=2, pages_written=0, sentences_translated=3).summary()
    assert "2 articles," in line and "0 pages written" in line and "3 sentences translated" in line


def test_the_no_base_url_notice_is_given_once_per_site(tmp_path, capsys):
    from digest.errors import Reporter
    from digest.settings import Settings
    from digest.site import build
    (tmp_path / "content").mkdir()

    def run(**kw) -> str:
        build(Settings(root=tmp_path, tm_path=tmp_path / "tm.sqlite3", **kw), Reporter())
        return capsys.readouterr().out

    assert "no --base-url" in run(per_page=50)
    assert "no --base-url" not in run(per_page=10)          # a rebuild of the same site
    assert "no --base-url" not in run(per_page=10, base_url="https://example.org/")
    assert "no --base-url" in run(per_page=10)              # it went away: said again


def test_ctrl_c_while_the_flags_are_read_exits_130_without_a_traceback(monkeypatch, capsys):
    """A Ctrl-C that lands before the build starts (a loaded machine is slow to start: seen in
    the Ctrl-C test of tests/pipeline) is an interruption like any other, not a traceback."""
    from digest import cli

    def interrupted():
        raise KeyboardInterrupt
    monkeypatch.setattr(cli, "make_parser", interrupted)
    assert cli.main([]) == 130
    assert capsys.readouterr().err.strip() == "interrupted: output/ left as it was"


def test_the_translate_messages_say_1_sentence_and_2_sentences():
    assert model_message(1, 0) == "translate: 1 sentence to the model, 0 from the translation memory"
    assert model_message(2, 5).startswith("translate: 2 sentences to the model")
    assert flagged_message(1).startswith("translate: 1 machine sentence needs a human look")
    assert flagged_message(3).startswith("translate: 3 machine sentences need a human look")


def test_the_process_entry_point_collects_garbage_less_often(monkeypatch):
    """``run`` (build.py, the ``digest`` command) raises the collector's first threshold: a
    build keeps its objects to the end, and at 700 the collector scanned them ~440 times in a
    one-edit build of 1,000 articles. Only the process entry point does it (not ``main``,
    which tests and other programs call)."""
    import gc
    import signal

    from digest import cli
    before = gc.get_threshold()
    handler = signal.getsignal(signal.SIGINT)
    monkeypatch.setattr(cli, "main", lambda: gc.get_threshold())
    try:
        seen = cli.run()
    finally:
        gc.set_threshold(*before)
        signal.signal(signal.SIGINT, handler)
    assert seen == (cli.GC_YOUNG,) + before[1:]
    assert cli.GC_YOUNG >= 10_000
