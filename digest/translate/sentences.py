"""Split Chinese text into sentences for the model; join English sentences back.

The model was trained on sentences: a whole paragraph in one input degrades
badly (dropped clauses, loops). A sentence ends at 。！？； or an ellipsis,
and closing quotes or brackets stay with the sentence they close
(``他说：“好。”然后`` -> ``他说：“好。”`` + ``然后``); a piece with nothing
to translate (a closer after a space, a second ellipsis) joins its neighbour. A run with no such
mark that is still very long is cut at the comma nearest its middle, so no
input is longer than the model handles well.
"""
from __future__ import annotations

import re

ENDERS = "。！？；!?"
CLOSERS = "”’」』）》】〉\"')]"
MAX_CHARS = 150          # beyond this a sentence is cut at a comma
# closers stay with their sentence, even after a space (``还好 。 ”``); an ASCII quote
# after a space may open the next sentence, so it only counts when it follows at once
_END = re.compile(rf"(?:[{ENDERS}]+|…+|\.{{3,}})(?:\s*[”’」』）》】〉)\]]|[{re.escape(CLOSERS)}])*")
_COMMAS = "，、,："
_WORDY = re.compile(r"\w")       # letters, digits, Han: something to translate


def split_sentences(text: str, max_chars: int = MAX_CHARS) -> list[str]:
    """Sentences of ``text`` in order; ``"".join(result)`` equals ``text`` minus outer spaces."""
    text = text.strip()
    if not text:
        return []
    out: list[str] = []
    start = 0
    for m in _END.finditer(text):
        out.append(text[start:m.end()])
        start = m.end()
    if start < len(text):
        out.append(text[start:])
    pieces: list[str] = []
    for s in out:
        pieces.extend(_cut_long(s, max_chars))
    result: list[str] = []
    for p in (p.strip() for p in pieces):
        if not p:
            continue
        if result and not _WORDY.search(p):
            # a stray closer or ellipsis (``还好 。 ”``, ``… …``): alone, the model invents
            # a sentence for it ("The blogger adds:", "I'm sorry."); it belongs to the last one
            result[-1] += p
        elif result and not _WORDY.search(result[-1]):
            result[-1] += p
        else:
            result.append(p)
    return result


def _cut_long(s: str, max_chars: int) -> list[str]:
    if len(s) <= max_chars:
        return [s]
    mid = len(s) // 2
    best = None
    for i, ch in enumerate(s):
        if ch in _COMMAS and 0 < i < len(s) - 1:
            if best is None or abs(i - mid) < abs(best - mid):
                best = i
    if best is None:
        return [s]   # no place to cut: the decoding-length guard bounds the output
    return _cut_long(s[: best + 1], max_chars) + _cut_long(s[best + 1:], max_chars)


def tidy_english(text: str) -> str:
    """The model's spacing quirks: ``Jingkou ' s`` -> ``Jingkou's``, `` ,`` -> ``,``."""
    text = re.sub(r"\s+'\s*s\b", "'s", text)
    text = re.sub(r"\s+([,.;:!?%])(?=\s|$)", r"\1", text)
    return re.sub(r"\s{2,}", " ", text).strip()


def join_english(sentences: list[str]) -> str:
    """English sentences joined by single spaces, tidied."""
    return tidy_english(" ".join(s.strip() for s in sentences if s.strip()))
