"""digest/errors.py: progress bars only on a terminal, only for real work, and never mixed into a printed line."""
from __future__ import annotations

import io
import sys

from digest import errors
from digest.errors import Reporter, progress_bar


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _screen_line(text: str, needle: str) -> str:
    """What a terminal shows on the line holding ``needle``: the text after its last \\r."""
    line = next(l for l in text.split("\n") if needle in l)
    return line.split("\r")[-1]


def test_no_bar_when_quiet_not_a_terminal_or_small(monkeypatch):
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    with progress_bar(False, 1000, "x", "item") as bar:          # not a terminal
        assert isinstance(bar, errors._NoBar)
    monkeypatch.setattr(sys, "stderr", FakeTerminal())
    for quiet, total in ((True, 1000), (False, 5)):
        with progress_bar(quiet, total, "x", "item") as bar:
            assert isinstance(bar, errors._NoBar)
    assert sys.stderr.getvalue() == ""


def test_a_printed_line_clears_the_bar_first_and_the_bar_comes_back(monkeypatch):
    term = FakeTerminal()
    monkeypatch.setattr(sys, "stderr", term)
    monkeypatch.setattr(sys, "stdout", term)                    # one screen, as on a terminal
    rep = Reporter()
    with progress_bar(False, 100, "stage", "item") as bar:
        assert not isinstance(bar, errors._NoBar)
        bar.delay = 0                                          # as if it had run half a second
        bar.update(10)
        bar.refresh()
        rep.info("a message while the bar is up")
        rep.warning("some/file.txt", 3, "a warning too")
        bar.update(10)
    out = term.getvalue()
    assert "stage:" in out
    assert _screen_line(out, "a message") == "a message while the bar is up"
    assert _screen_line(out, "a warning") == "some/file.txt:3: warning: a warning too"
    assert "stage:" in out[out.index("a message"):]            # drawn again after the line
    assert errors._BARS == []


def test_a_bar_within_its_delay_is_not_drawn_by_a_printed_line(monkeypatch):
    term = FakeTerminal()
    monkeypatch.setattr(sys, "stderr", term)
    monkeypatch.setattr(sys, "stdout", term)
    with progress_bar(False, 100, "stage", "item"):
        Reporter().info("quick")                                # a rebuild's few items: no bar
    assert "stage" not in term.getvalue() and "quick" in term.getvalue()
