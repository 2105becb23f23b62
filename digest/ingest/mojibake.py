"""GBK byte-misalignment repair, only where the repair can be verified.

When one byte of a GBK stream is lost, every following pair of bytes is read
off by one: ``改革試點`` (b8c4 b8ef d487 fc63) without its first byte reads as
``母镌圏c`` (c4b8 efd4 87fc 63). Alignment comes back at the first character
whose second byte is ASCII (here the ``c``), so a damaged run is always a run
of non-ASCII characters ended by one ASCII byte in 0x40-0x7E. Re-encoding the
run to GBK and dropping its first byte gives the original back.

A run is only touched when there is evidence (a rare character in it: real
prose is made of common characters) and the repair verifies (every repaired
character is common). A real rare character such as ``犇`` has neither a
trailing ASCII byte nor a shifted reading made of common characters, so it is
left alone. The half character before the run is lost; it and any other
unrecoverable remnant (``?`` or U+FFFD with a dangling ``pinyin)``) are kept
as they are and reported as warnings, never guessed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .annotations import PINYIN_LETTERS, TONED
from .chars import HAN_RE, is_common_han, is_han

MAX_RUN = 32
# up to MAX_RUN non-ASCII characters followed by the ASCII byte that realigned the stream
RUN_RE = re.compile(f"[^\\x00-\\x7f]{{1,{MAX_RUN}}}[\\x40-\\x7e]")
# remnants of lost bytes: replacement characters, or "?" + a dangling "pinyin)" after a Han char
REMNANT_RE = re.compile(f"\ufffd+|(?<=[^\\x00-\\x7f])\\?(?=[{PINYIN_LETTERS}]*[{TONED}])"
                        f"[{PINYIN_LETTERS}]{{1,7}}\\)")


@dataclass(frozen=True)
class Repair:
    damaged: str
    repaired: str


def _shifted(run: str) -> str | None:
    try:
        data = run.encode("gbk")
        return data[1:].decode("gbk")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return None


def _verified(damaged: str, repaired: str) -> bool:
    evidence = any(not is_common_han(c) for c in damaged[:-1])
    if not evidence or len(repaired) < 2:
        return False
    return all(is_common_han(c) or c in "，。、；：！？“”" for c in repaired) and HAN_RE.search(repaired)


def find_repair(run: str) -> tuple[int, str] | None:
    """(start offset in run, repaired text) for the longest damaged suffix that verifies."""
    for i in range(len(run) - 1):
        suffix = run[i:]
        fixed = _shifted(suffix)
        if fixed is not None and _verified(suffix, fixed):
            return i, fixed
    return None


def repair_line(line: str) -> tuple[str, list[Repair], list[str]]:
    """Repair verifiable runs; return (line, repairs, warning messages)."""
    if line.isascii():
        return line, [], []
    repairs: list[Repair] = []
    warnings: list[str] = []
    out: list[str] = []
    last = 0
    for m in RUN_RE.finditer(line):
        run = m.group()
        if all(is_common_han(c) for c in run[:-1] if is_han(c)):
            continue                                   # no evidence: nothing rare in it
        found = find_repair(run)
        if found is None:
            continue
        i, fixed = found
        out.append(line[last:m.start() + i])
        out.append(fixed)
        last = m.end()
        repairs.append(Repair(run[i:], fixed))
        warnings.append(f"mojibake: '{run[i:]}' repaired as '{fixed}' (GBK bytes shifted by one); "
                        f"the character before it lost a byte and is kept as it is, not guessed")
    out.append(line[last:])
    line = "".join(out)
    for m in REMNANT_RE.finditer(line):
        warnings.append(f"mojibake: '{m.group()}' is what is left of characters whose bytes were "
                        f"lost; kept as it is")
    return line, repairs, warnings


def remnant_spans(line: str) -> list[tuple[int, int]]:
    """Spans of unrecoverable remnants, which later rules (punctuation) must leave alone."""
    return [m.span() for m in REMNANT_RE.finditer(line)]
