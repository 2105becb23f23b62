"""Errors and warnings that name a place: ``path:line: level: message``.

Bad input is reported as a :class:`Diagnostic`, never as a traceback. A
:class:`DigestError` stops the current unit of work (one file, or the whole
build for a problem that makes the whole build wrong); the CLI prints it and
sets the exit status.
"""
from __future__ import annotations

import re
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path


def escaped(text: str) -> str:
    """Text that can be printed and written as UTF-8: the bytes of a file name that are not
    UTF-8 (which Python keeps as lone surrogates) as ``\\xff`` escapes."""
    if not _SURROGATE.search(text):
        return text
    return _SURROGATE.sub(lambda m: (f"\\x{ord(m.group()) - 0xdc00:02x}" if ord(m.group()) >= 0xdc80
                                     else f"\\u{ord(m.group()):04x}"), text)


_SURROGATE = re.compile("[\ud800-\udfff]")


def counted(n: int, noun: str) -> str:
    """``1 article``, ``2 articles``, ``0 articles``: the regular English nouns of messages."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def display_path(path: str) -> str:
    """A path as the user typed it: relative to the current folder when inside it."""
    try:
        p = Path(path)
        if p.is_absolute():
            return str(p.relative_to(Path.cwd()))
    except (ValueError, OSError):
        pass
    return path


@dataclass(frozen=True)
class Diagnostic:
    path: str
    line: int | None
    level: str  # "error" | "warning"
    message: str

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.level}: {self.message}"


class DigestError(Exception):
    """A problem the user can fix; printed as ``path:line: error: message``."""

    def __init__(self, message: str, path: str | Path | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line

    def __str__(self) -> str:
        if self.path is None:
            return f"error: {self.message}"
        return str(Diagnostic(self.path, self.line, "error", self.message))


class InputError(DigestError):
    """One input file cannot be used: it is skipped, the rest of the build goes on."""


class BuildError(DigestError):
    """The whole build would be wrong: stop, and leave the previous output untouched."""


@dataclass
class Reporter:
    """Collects diagnostics for one run and prints them as they come."""

    quiet: bool = False
    stream: object = None
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def _out(self):
        return self.stream if self.stream is not None else sys.stderr

    def warning(self, path: str | Path, line: int | None, message: str) -> None:
        self._emit(Diagnostic(str(path), line, "warning", message))

    def error(self, path: str | Path, line: int | None, message: str) -> None:
        self._emit(Diagnostic(str(path), line, "error", message))

    def report(self, exc: DigestError) -> None:
        self._emit(Diagnostic(exc.path or "digest", exc.line, "error", exc.message))

    def _emit(self, d: Diagnostic) -> None:
        d = Diagnostic(escaped(display_path(d.path)), d.line, d.level, escaped(d.message))
        self.diagnostics.append(d)
        with _bars_cleared():
            print(str(d), file=self._out(), flush=True)

    def info(self, message: str) -> None:
        if not self.quiet:
            with _bars_cleared():
                print(message, flush=True)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.level == "error"]


# ---------------------------------------------------------------- progress bars

_BARS: list = []        # progress bars in use; one on screen is cleared around a printed line


class _NoBar:
    def update(self, n: int) -> None:
        pass


@contextmanager
def progress_bar(quiet: bool, total: int | None, desc: str, unit: str):
    """A stage's progress bar on a terminal (stderr), shown once the stage has run half a
    second: real work, not a rebuild's few items. Quiet, not a terminal or fewer than 20
    items: no bar, and tqdm is not even imported."""
    if quiet or not sys.stderr.isatty() or (total is not None and total < 20):
        yield _NoBar()
        return
    from tqdm import tqdm
    with tqdm(total=total, unit=unit, desc=desc, leave=False, file=sys.stderr, delay=0.5) as bar:
        _BARS.append(bar)
        try:
            yield bar
        finally:
            _BARS.remove(bar)


@contextmanager
def _bars_cleared():
    """Take the bars on screen off it while a line is printed, then draw them again (a bar
    still within its delay is left alone: drawing it would show it early)."""
    shown = [b for b in _BARS if getattr(b, "last_print_t", 0) >= b.start_t + b.delay]
    for b in shown:
        b.clear()
    try:
        yield
    finally:
        for b in shown:
            b.refresh()
