"""Half-width punctuation in Chinese text becomes full-width.

``, : ; ? !`` become ``，：；？！`` when they touch Chinese: the character
before is Han or CJK punctuation, or the character after is Han. Inside Latin
or number runs they stay (``10:30``, ``1,200``, ``AT&T, Inc``). Parentheses
are converted as matched pairs, and only when the pair holds Han text or
follows Chinese text, so ``Porter(1990)`` and ``(+1)305`` keep theirs. ``.`` is
never touched (``3.5``). Spans marked as mojibake remnants are left alone.
"""
from __future__ import annotations

from ..chars import is_cjk, is_han

SIMPLE = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！"}


def _pairs(line: str, protected: set[int]) -> dict[int, int]:
    """Matching '(' -> ')' positions (innermost first), skipping protected characters."""
    stack: list[int] = []
    pairs: dict[int, int] = {}
    for i, c in enumerate(line):
        if i in protected:
            continue
        if c == "(":
            stack.append(i)
        elif c == ")" and stack:
            pairs[stack.pop()] = i
    return pairs


def fullwidth(line: str, protected_spans: list[tuple[int, int]] = ()) -> tuple[str, int]:
    """Return (line, number of characters converted).

    Repeated until nothing changes: a comma made full-width can make the bracket
    after it Chinese context (``㐀,()``), and normalising must be idempotent.
    """
    total = 0
    while True:
        line, n = _fullwidth_once(line, protected_spans)
        total += n
        if n == 0:
            return line, total


def _fullwidth_once(line: str, protected_spans) -> tuple[str, int]:
    if not any(c in line for c in ",:;?!()"):
        return line, 0
    protected = {i for a, b in protected_spans for i in range(a, b)}
    chars = list(line)
    n = len(chars)
    count = 0
    for open_i, close_i in sorted(_pairs(line, protected).items()):     # outer pairs first
        inner = line[open_i + 1:close_i]
        before = chars[open_i - 1] if open_i > 0 else ""
        if any(is_han(c) for c in inner) or (before and is_cjk(before)):
            chars[open_i], chars[close_i] = "（", "）"
            count += 2
    for i, c in enumerate(line):
        if c in SIMPLE and i not in protected:
            before = chars[i - 1] if i > 0 else ""
            after = line[i + 1] if i + 1 < n else ""
            if (before and is_cjk(before)) or (after and is_han(after)):
                chars[i] = SIMPLE[c]
                count += 1
    return "".join(chars), count
