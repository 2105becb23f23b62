"""Bytes to text: UTF-8 (with or without BOM), UTF-16 with BOM, GB18030, Big5.

Detection is by strict trial decoding, in an order that puts the least
permissive codec first: UTF-8 almost never decodes text that is not UTF-8,
while GB18030 decodes almost anything. When both GB18030 and Big5 succeed,
the decoding that yields more common Han characters and fewer rare ones wins
(the same bytes read in the wrong legacy codec give a scatter of rare
characters). Binary files and undecodable bytes are refused with the line of
the first bad byte.
"""
from __future__ import annotations

import codecs

from ..errors import InputError
from ..chars import HAN_RE, common_han

MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x7fELF", "an executable"),
)
BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
LEGACY = ("gb18030", "big5", "cp950")


def line_of(raw: bytes, pos: int) -> int:
    """1-based line number of byte offset ``pos`` (LF or lone CR end a line)."""
    head = raw[:pos]
    return head.count(b"\n") + head.replace(b"\r\n", b"\n").count(b"\r") + 1


def decode(raw: bytes, name: str) -> tuple[str, str]:
    """Return (text, encoding name) or raise InputError naming the first bad line."""
    if not raw:
        raise InputError("empty file", name, None)
    for bom, enc in BOMS:
        if raw.startswith(bom):
            body = raw[len(bom):]
            try:
                return body.decode(enc), enc + " with BOM"
            except UnicodeDecodeError as e:
                if enc == "utf-8":
                    line = line_of(raw, len(bom) + e.start)
                else:
                    line = body[: e.start - e.start % 2].decode(enc, "replace").count("\n") + 1
                raise InputError(f"not valid {enc.upper()} although it starts with a {enc.upper()} "
                                 f"byte-order mark: {e.reason} at byte {len(bom) + e.start}", name, line) from None
    for magic, what in MAGIC:
        if raw.startswith(magic):
            raise InputError(f"binary file ({what}), not text", name, 1)
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise InputError("binary file (contains NUL bytes), not text; UTF-16 needs a byte-order mark",
                         name, line_of(raw, nul))
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as e:
        utf8_err = e
    # a file whose beginning is clearly UTF-8 (Chinese text) is a damaged UTF-8 file, not
    # GB18030 or Big5; GB18030 bytes can read as a few valid UTF-8 letters (驻英使 d7a4 d3a2
    # cab9 -> פӢʹ), so what counts is Han characters, most of what is outside ASCII
    prefix = raw[: utf8_err.start].decode("utf-8")
    han = len(HAN_RE.findall(prefix))
    if han >= 3 and 2 * han >= sum(1 for c in prefix if ord(c) > 0x7F):
        raise InputError(f"not valid UTF-8: byte 0x{raw[utf8_err.start]:02x} cannot appear here "
                         f"({utf8_err.reason})", name, line_of(raw, utf8_err.start))
    candidates: list[tuple[float, str, str]] = []
    furthest = (utf8_err.start, "UTF-8", utf8_err)
    for enc in LEGACY:
        try:
            text = raw.decode(enc)
        except UnicodeDecodeError as e:
            if e.start > furthest[0]:
                furthest = (e.start, enc.upper(), e)
            continue
        candidates.append((plausibility(text), enc, text))
    if not candidates:
        pos, enc, err = furthest
        raise InputError(f"cannot decode as UTF-8, GB18030 or Big5: byte 0x{raw[pos]:02x} is invalid "
                         f"(it got furthest as {enc}: {err.reason})", name, line_of(raw, pos))
    candidates.sort(key=lambda c: -c[0])      # stable: GB18030 wins ties
    _, enc, text = candidates[0]
    return text, ("big5" if enc == "cp950" else enc)


def plausibility(text: str) -> float:
    """Common Han count minus rare Han and odd characters: higher is more likely right."""
    common = common_han()
    score = 0.0
    for m in HAN_RE.finditer(text):
        score += 1.0 if m.group() in common else -1.0
    for c in text:
        o = ord(c)
        if 0xE000 <= o <= 0xF8FF or (o < 0x20 and c not in "\t\r\n\f") or 0x80 <= o < 0xA0:
            score -= 2.0
    return score
