"""Lines and spaces: CRLF/CR/form feeds, invisible characters, stray spaces.

Scraped text is full of indentation (full-width spaces), non-breaking spaces,
zero-width characters and trailing blanks. A single space between two words is
kept (titles such as ``京口 扛起主城新使命`` use it as a separator), runs of
spaces become one, and spaces touching full-width punctuation go (Chinese
typography has none there).
"""
from __future__ import annotations

import re

SPACES_RE = re.compile("[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
INVISIBLE_RE = re.compile("[\u200b-\u200d\u2060\ufeff\u00ad\x01-\x08\x0b\x0e-\x1f\x7f]")
FULLWIDTH_PUNCT = "，。、；：！？（）《》「」『』【】“”‘’…—"
AROUND_PUNCT_RE = re.compile(f" (?=[{FULLWIDTH_PUNCT}])|(?<=[{FULLWIDTH_PUNCT}]) ")


def split_lines(text: str) -> list[str]:
    """Split on any line ending; a form feed (page break) counts as a blank line."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n\n").replace("\x85", "\n")
    return text.split("\n")


def clean_invisible(line: str) -> str:
    return INVISIBLE_RE.sub("", line)


def tidy_spaces(line: str) -> str:
    line = SPACES_RE.sub(" ", line).strip()
    return AROUND_PUNCT_RE.sub("", line) if " " in line else line
