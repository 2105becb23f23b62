"""The whole digest as one EPUB 3 file: pure functions from articles to bytes.

Written from a few XML templates and a small zip writer (not ebooklib, see the README): the
same articles give the same bytes (fixed member order and timestamps, ``mimetype`` first
and stored, the identifier and ``dcterms:modified`` taken from the content, never the clock).

Reading order: a title page (titles, the machine-translation notice, credits), then each
article, newest first, its Chinese and English paragraphs alternating, each element
carrying its ``lang``. Text is put in as plain text (XML-escaped): the site's inline
Markdown is HTML, not XHTML.
"""
from __future__ import annotations

import struct
import uuid
import zlib
from typing import Callable

from ..article import Article, Translation
from .markdown import plain_text

ZH, EN = "zh-Hans", "en"
FIXED_TIME = (1980, 1, 1, 0, 0, 0)          # the earliest a zip can say: no clock in the file

CREDITS = [
    ("Machine translation", "Argos Translate translate-zh_en-1_9, derived from OPUS-MT "
                            "(Jörg Tiedemann and Santhosh Thottingal), licensed CC BY 4.0"),
    ("Word segmentation and dictionary", "rjieba (jieba-rs) and the dictionary of jieba (MIT licences)"),
    ("Romanisation", "pypinyin (MIT licence)"),
    ("Names and keyword labels", "CC-CEDICT (MDBG and contributors), licensed CC BY-SA 4.0"),
]

CSS = """\
@charset "utf-8";
html { -epub-line-break: strict; line-break: strict; }
body { margin: 0 0.5em; line-height: 1.6; }
:lang(zh-Hans), :lang(zh) {
  font-family: "Noto Serif CJK SC", "Source Han Serif SC", "Songti SC", "SimSun", serif;
  text-align: justify; text-justify: inter-character; word-break: normal; line-height: 1.8;
  font-style: normal; }
:lang(en) { font-family: Georgia, "Times New Roman", serif; hyphens: auto; -epub-hyphens: auto; }
h1 { font-size: 1.4em; margin: 0 0 0.3em; }
h1.en, h2.en { font-weight: normal; font-style: italic; }
h2 { font-size: 1.15em; margin: 1.2em 0 0.2em; }
p { margin: 0 0 0.4em; text-indent: 0; }
p.zh { margin-top: 0.9em; }
p.en { color: #333; margin-left: 1em; font-size: 0.95em; }
.meta, .notice { font-size: 0.85em; color: #555; }
.notice { border-left: 0.2em solid #999; padding-left: 0.5em; }
nav ol { list-style: none; padding-left: 0; }
nav li { margin: 0.4em 0; }
"""


def _x(s: str | None) -> str:
    """Text or an attribute value for XML: ``& < > "`` escaped (xml.sax.saxutils.escape with
    ``"``, without importing it: it imports urllib.request and http.client, 30 ms of an edit)."""
    return (s or "").replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;").replace('"', "&quot;")


def _t(markdown_text: str | None) -> str:
    """Content text (inline Markdown) as escaped plain text."""
    return _x(plain_text(markdown_text)) if markdown_text else ""


def book_id(title_zh: str, title_en: str) -> str:
    """The same book (by its titles) keeps one identifier across builds."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'digest-epub:' + title_zh + '|' + title_en)}"


def modified(articles: list[Article]) -> str:
    """``dcterms:modified`` from the content: the newest date or source time, never the clock."""
    stamps = []
    for a in articles:
        if a.source_time:
            stamps.append(a.source_time)
        if a.date:
            stamps.append(a.date + "T00:00:00Z")
    return max(stamps, default="2000-01-01T00:00:00Z")


def article_file(i: int) -> str:
    """Member name of article ``i`` (by reading order: slugs may be any length)."""
    return f"a{i:05d}.xhtml"


def _page(lang: str, title: str, body: str, nav: bool = False) -> str:
    ns = ' xmlns:epub="http://www.idpf.org/2007/ops"' if nav else ""
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
            f'<html xmlns="http://www.w3.org/1999/xhtml"{ns} lang="{lang}" xml:lang="{lang}">\n'
            f'<head>\n<meta charset="utf-8"/>\n<title>{title}</title>\n'
            f'<link rel="stylesheet" type="text/css" href="style.css"/>\n</head>\n'
            f'<body>\n{body}</body>\n</html>\n')


def _p(cls: str, lang: str, text: str, tag: str = "p") -> str:
    return f'<{tag} class="{cls}" lang="{lang}" xml:lang="{lang}">{text}</{tag}>\n'


def article_xhtml(a: Article, t: Translation | None, notice: str) -> str:
    """One article: titles, then block i in Chinese, block i in English, for every block."""
    body = [_p("zh", ZH, _t(a.title), "h1")]
    if t is not None:
        body.append(_p("en", EN, _t(t.title), "h1"))
    if a.subtitle:
        body.append(_p("zh sub", ZH, _t(a.subtitle)))
    if t is not None and t.subtitle:
        body.append(_p("en sub", EN, _t(t.subtitle)))
    meta = " · ".join(_x(x) for x in (a.date, a.byline) if x)
    if meta:
        body.append(_p("meta", ZH, meta))
    body.append(_p("notice", EN, _x(notice)))
    for i, b in enumerate(a.blocks):
        tag = "h2" if b.kind == "heading" else "p"
        zh = _t(b.text)
        if i == 0 and a.dateline and b.kind == "paragraph":
            zh = _x(a.dateline) + " " + zh
        body.append(_p("zh", ZH, zh, tag))
        if t is not None:
            eb = t.blocks[i]
            en = _t(eb.text)
            if i == 0 and t.dateline and eb.kind == "paragraph":
                en = _x(t.dateline) + " " + en
            body.append(_p("en", EN, en, tag))
    return _page(ZH, _t(a.title), "".join(body))


def title_xhtml(title_zh: str, title_en: str, date: str, n: int) -> str:
    credits = "".join(f'<li>{_x(k)}: {_x(v)}</li>\n' for k, v in CREDITS)
    body = (_p("zh", ZH, _x(title_zh), "h1") + _p("en", EN, _x(title_en), "h1")
            + _p("meta", EN, f"{n} articles, as of {_x(date[:10])}. Chinese and English paragraphs "
                             "alternate; each article says who made its English.")
            + f'<div lang="en" xml:lang="en" class="meta">\n<h2>Credits</h2>\n<ul>\n{credits}</ul>\n</div>\n')
    return _page(ZH, _x(title_zh), body)


def nav_xhtml(entries: list[tuple[str, str, str | None]]) -> str:
    items = "".join(
        f'<li><a href="{href}"><span lang="{ZH}" xml:lang="{ZH}">{_t(zh)}</span>'
        + (f' · <span lang="{EN}" xml:lang="{EN}">{_t(en)}</span>' if en else "") + "</a></li>\n"
        for href, zh, en in entries)
    body = (f'<nav epub:type="toc" id="toc">\n<h1>目录 <span lang="{EN}" xml:lang="{EN}">Contents</span></h1>\n'
            f'<ol>\n<li><a href="title.xhtml">封面 <span lang="{EN}" xml:lang="{EN}">Title page</span></a></li>\n'
            f'{items}</ol>\n</nav>\n')
    return _page(ZH, "目录 Contents", body, nav=True)


def opf(ident: str, title_zh: str, title_en: str, date: str, files: list[str]) -> str:
    manifest = "".join(f'    <item id="i{k}" href="{f}" media-type="application/xhtml+xml"/>\n'
                       for k, f in enumerate(files))
    spine = "".join(f'    <itemref idref="i{k}"/>\n' for k in range(len(files)))
    credits = "; ".join(f"{k}: {v}" for k, v in CREDITS)
    return f"""<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="bookid" xml:lang="zh-Hans">
  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
    <dc:identifier id="bookid">{_x(ident)}</dc:identifier>
    <dc:title id="t-zh" xml:lang="zh-Hans">{_x(title_zh)}</dc:title>
    <dc:title id="t-en" xml:lang="en">{_x(title_en)}</dc:title>
    <meta refines="#t-zh" property="title-type">main</meta>
    <meta refines="#t-en" property="title-type">subtitle</meta>
    <dc:language>zh-Hans</dc:language>
    <dc:language>en</dc:language>
    <dc:date>{_x(date[:10])}</dc:date>
    <dc:publisher>{_x(title_en)}</dc:publisher>
    <dc:contributor>Argos Translate translate-zh_en-1_9 (OPUS-MT)</dc:contributor>
    <dc:rights xml:lang="en">{_x(credits)}</dc:rights>
    <meta property="dcterms:modified">{_x(date)}</meta>
  </metadata>
  <manifest>
    <item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>
    <item id="css" href="style.css" media-type="text/css"/>
{manifest}  </manifest>
  <spine>
{spine}  </spine>
</package>
"""


CONTAINER = """<?xml version="1.0" encoding="utf-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles>
    <rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>
  </rootfiles>
</container>
"""


def article_member(a: Article, t: Translation | None, notice: str) -> tuple[int, int, bytes, int]:
    """One article's page, compressed for the zip: (crc32, size, raw deflate data, method). Kept by the
    renderer by the article's identity, so an edit compresses one article, not the book."""
    return deflate(article_xhtml(a, t, notice).encode("utf-8"))


def make_book(articles: list[Article], en_titles: dict[str, str | None],
              member: Callable[[Article], tuple[int, int, bytes, int]], title_zh: str, title_en: str,
              old: dict[str, tuple] | None = None) -> bytes:
    """The EPUB: ``en_titles`` maps a slug to its English title (None: Chinese only); ``member``
    gives an article's page as :func:`article_member` makes it. ``old`` (optional): the members of
    the previous book (:func:`read_members`); a table of contents or package file whose bytes
    are those of its old member is copied, not compressed again."""
    old = old or {}

    def packed(name: str, data: bytes) -> tuple[int, int, bytes, int]:
        was = old.get(name)
        if (was is not None and was[3] == DEFLATED and was[1] == len(data) and was[0] == zlib.crc32(data)
                and zlib.decompress(was[2], -15) == data):          # the same bytes, verified
            return was
        return deflate(data)
    date = modified(articles)
    files = ["title.xhtml"] + [article_file(i) for i in range(1, len(articles) + 1)]
    entries = [(n, a.title, en_titles.get(a.slug)) for n, a in zip(files[1:], articles)]
    head = [("META-INF/container.xml", CONTAINER),
            ("OEBPS/content.opf", opf(book_id(title_zh, title_en), title_zh, title_en, date, files)),
            ("OEBPS/nav.xhtml", nav_xhtml(entries)),
            ("OEBPS/style.css", CSS),
            ("OEBPS/title.xhtml", title_xhtml(title_zh, title_en, date, len(articles)))]
    parts = [("mimetype", *stored(b"application/epub+zip"))]
    parts += [(name, *packed(name, text.encode("utf-8"))) for name, text in head]
    parts += [(f"OEBPS/{name}", *member(a)) for name, a in zip(files[1:], articles)]
    return write_zip(parts)


def book_members(articles: list[Article], translations: dict[str, Translation | None],
                 notices: dict[str, str], title_zh: str, title_en: str) -> bytes:
    """The whole EPUB from articles and their aligned translations (None: the Chinese alone)
    and the line on who made each one's English, with nothing kept between builds."""
    return make_book(articles, {s: (t.title if t is not None else None) for s, t in translations.items()},
                     lambda a: article_member(a, translations.get(a.slug), notices.get(a.slug, "")),
                     title_zh, title_en)


# ---------------------------------------------------------------- the zip, by hand
# zipfile cannot take data compressed beforehand, so the few headers are written here
# (APPNOTE 6.3: local headers, central directory, end record; no zip64: a book is far below
# 4 GB and 65,535 members). One fixed time (1980-01-01 00:00) and mode for every member.

_DOS_TIME, _DOS_DATE = 0, (0 << 9) | (1 << 5) | 1
STORED, DEFLATED = 0, 8


def stored(data: bytes) -> tuple[int, int, bytes, int]:
    return zlib.crc32(data), len(data), data, STORED


def deflate(data: bytes) -> tuple[int, int, bytes, int]:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return zlib.crc32(data), len(data), c.compress(data) + c.flush(), DEFLATED


def write_zip(parts: list[tuple[str, int, int, bytes, int]]) -> bytes:
    """(name, crc32, size, data as stored, method) -> the zip, in that order."""
    if len(parts) >= 0xFFFF:
        raise ValueError(f"an EPUB of {len(parts)} files needs zip64, which is not written")
    out: list = []          # the pieces, joined once at the end (members are copied once)
    central: list = []
    offset = 0
    for name, crc, size, data, method in parts:
        n = name.encode("ascii")
        version = 20 if method == DEFLATED else 10
        out += (struct.pack("<IHHHHHIIIHH", 0x04034B50, version, 0, method, _DOS_TIME, _DOS_DATE,
                            crc, len(data), size, len(n), 0), n, data)
        central += (struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, (3 << 8) | version, version, 0, method,
                                _DOS_TIME, _DOS_DATE, crc, len(data), size, len(n), 0, 0, 0, 0,
                                0o100644 << 16, offset), n)
        offset += 30 + len(n) + len(data)
    central_size = sum(map(len, central))
    if offset + central_size >= 0xFFFFFFFF:
        raise ValueError("an EPUB over 4 GB needs zip64, which is not written")
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(parts), len(parts), central_size, offset, 0)
    return b"".join(out + central + [end])


def zip_book(members: list[tuple[str, bytes]]) -> bytes:
    """A zip of ``members`` after a stored ``mimetype`` (deflated, fixed time and mode)."""
    return write_zip([("mimetype", *stored(b"application/epub+zip"))] +
                     [(n, *deflate(d)) for n, d in members])


def read_members(book: bytes) -> dict[str, tuple[int, int, memoryview, int]] | None:
    """The members of a zip that :func:`write_zip` wrote, by name: (crc32, size, data as stored,
    method), the data a view into ``book``; None when ``book`` is not such a zip (truncated,
    a comment, zip64, a local header that disagrees with the central directory)."""
    if len(book) < 22:
        return None
    sig, disk, cd_disk, n_here, n, cd_size, cd_offset, comment = struct.unpack_from("<IHHHHIIH", book, len(book) - 22)
    if sig != 0x06054B50 or disk or cd_disk or n_here != n or comment or cd_offset + cd_size != len(book) - 22:
        return None
    view = memoryview(book)
    out: dict[str, tuple[int, int, memoryview, int]] = {}
    pos = cd_offset
    try:
        for _ in range(n):
            (sig, _made, _version, flags, method, _time, _date, crc, csize, size, nlen, xlen, clen, _disk,
             _internal, _external, offset) = struct.unpack_from("<IHHHHHHIIIHHHHHII", book, pos)
            if sig != 0x02014B50 or flags or xlen or clen or method not in (STORED, DEFLATED):
                return None
            name = bytes(view[pos + 46:pos + 46 + nlen])
            pos += 46 + nlen
            (lsig, _lversion, lflags, lmethod, _ltime, _ldate, lcrc, lcsize, lsize, lnlen,
             lxlen) = struct.unpack_from("<IHHHHHIIIHH", book, offset)
            start = offset + 30 + lnlen
            if (lsig, lflags, lmethod, lcrc, lcsize, lsize, lnlen, lxlen) != (0x04034B50, 0, method, crc, csize,
                                                                             size, nlen, 0) \
                    or bytes(view[offset + 30:start]) != name or start + csize > cd_offset:
                return None
            out[name.decode("ascii")] = (crc, size, view[start:start + csize], method)
    except (struct.error, UnicodeDecodeError):
        return None
    return out if len(out) == n and pos == cd_offset + cd_size else None
