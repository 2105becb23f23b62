"""The EPUB: valid (epubcheck), reading order, languages, same bytes for the same content."""
from __future__ import annotations

import io
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

from digest.render import epub
from digest.render.urls import EPUB
from sitedata import build, make_site

XHTML = "{http://www.w3.org/1999/xhtml}"
OPF = "{http://www.idpf.org/2007/opf}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
EPUBCHECK = shutil.which("epubcheck")


def _book(built) -> zipfile.ZipFile:
    out, _rep, _infos = built
    return zipfile.ZipFile(out / EPUB)


def _spine(z: zipfile.ZipFile) -> list[str]:
    opf = ET.fromstring(z.read("OEBPS/content.opf"))
    href = {i.get("id"): i.get("href") for i in opf.iter(OPF + "item")}
    return [href[r.get("idref")] for r in opf.iter(OPF + "itemref")]


def test_container_layout(built):
    z = _book(built)
    infos = z.infolist()
    assert infos[0].filename == "mimetype" and infos[0].compress_type == zipfile.ZIP_STORED
    assert infos[0].extra == b"" and z.read("mimetype") == b"application/epub+zip"
    assert {i.date_time for i in infos} == {epub.FIXED_TIME}
    assert "META-INF/container.xml" in z.namelist()


def test_reading_order_and_languages(built):
    z = _book(built)
    site = make_site()
    spine = _spine(z)
    assert spine[0] == "title.xhtml"
    assert len(spine) == 1 + len(site.articles)
    for name, a in zip(spine[1:], site.articles):           # newest first, as on the site
        root = ET.fromstring(z.read("OEBPS/" + name))
        assert root.get("lang") == root.get(XML_LANG) == "zh-Hans"
        body = root.find(XHTML + "body")
        els = [e for e in body if e.get("class") != "meta"]
        assert els[0].get("lang") == "zh-Hans" and a.title in "".join(els[0].itertext())
        t = site.translations.get(a.slug)
        paras = [e for e in els if e.tag in (XHTML + "p", XHTML + "h2")
                 and e.get("class") in ("zh", "en")]
        langs = [e.get("lang") for e in paras]
        if t is None:
            assert langs == ["zh-Hans"] * len(a.blocks)
        else:
            # block i in Chinese, then block i in English, for every block
            assert langs == ["zh-Hans", "en"] * len(a.blocks)
            assert "".join(paras[-1].itertext()).strip() == t.blocks[-1].text.strip() or \
                t.blocks[-1].text.split()[0] in "".join(paras[-1].itertext())
        for e in paras:
            assert e.get("lang") == e.get(XML_LANG)
        notice = [e for e in els if e.get("class") == "notice"]
        assert notice and notice[0].get("lang") == "en"
        assert ("machine" in "".join(notice[0].itertext()) or "person" in "".join(notice[0].itertext())
                or "No English" in "".join(notice[0].itertext()))


def test_hostile_text_stays_text(built):
    z = _book(built)
    for name in z.namelist():
        if name.endswith(".xhtml"):
            root = ET.fromstring(z.read(name))        # well-formed whatever the content says
            assert root.find(f".//{XHTML}script") is None, name


def test_metadata_titles_languages_credits(built):
    opf = _book(built).read("OEBPS/content.opf").decode()
    assert "京口新闻摘要" in opf and "Jingkou News Digest" in opf
    assert "<dc:language>zh-Hans</dc:language>" in opf and "<dc:language>en</dc:language>" in opf
    assert "CC BY 4.0" in opf and "OPUS-MT" in opf and "CC-CEDICT" in opf and "CC BY-SA 4.0" in opf
    assert "<dc:date>2024-11-20</dc:date>" in opf         # the newest article, not the clock


def test_same_content_same_bytes(tmp_path):
    a, _r, _i = build(tmp_path / "a")
    b, _r, _i = build(tmp_path / "b")
    assert (a / EPUB).read_bytes() == (b / EPUB).read_bytes()
    site = make_site()
    site.articles[0].blocks[0] = type(site.articles[0].blocks[0])("paragraph", "改过的一段。")
    c, _r, _i = build(tmp_path / "c", site=site)
    assert (c / EPUB).read_bytes() != (a / EPUB).read_bytes()


def test_flag_turns_it_off(tmp_path):
    out, _r, _i = build(tmp_path / "o", epub=False)
    assert not (out / EPUB).exists()
    assert EPUB not in (out / "index.html").read_text()
    on, _r, _i = build(tmp_path / "on")
    assert f'href="{EPUB}"' in (on / "index.html").read_text()


def test_zip_book_is_deterministic_for_any_member_bytes():
    members = [("OEBPS/x.xhtml", b"<x/>"), ("OEBPS/y.css", b"")]
    assert epub.zip_book(members) == epub.zip_book(list(members))
    z = zipfile.ZipFile(io.BytesIO(epub.zip_book(members)))
    assert z.namelist() == ["mimetype", "OEBPS/x.xhtml", "OEBPS/y.css"]
    assert z.testzip() is None and z.read("OEBPS/x.xhtml") == b"<x/>"


def test_the_hand_written_zip_reads_back(built):
    z = _book(built)
    assert z.testzip() is None                       # every member's CRC checks
    assert all(i.external_attr >> 16 == 0o100644 for i in z.infolist())


def test_an_edit_makes_one_article_page_again(built):
    """The renderer keeps each article's compressed page by its identity: the book made from
    kept pages is the book made from scratch."""
    site = make_site()
    trs = {a.slug: site.translations.get(a.slug) for a in site.articles}
    made = []

    def member(a):
        made.append(a.slug)
        return epub.article_member(a, trs[a.slug], "note")
    kept = {a.slug: epub.article_member(a, trs[a.slug], "note") for a in site.articles}
    whole = epub.make_book(site.articles, {s: t.title if t else None for s, t in trs.items()},
                           member, "中", "En")
    again = epub.make_book(site.articles, {s: t.title if t else None for s, t in trs.items()},
                           lambda a: kept[a.slug], "中", "En")
    assert whole == again and len(made) == len(site.articles)


@pytest.mark.skipif(EPUBCHECK is None, reason="Debian epubcheck is not installed (make.sh test installs it)")
def test_epubcheck_validates(built, tmp_path):
    out, _rep, _infos = built
    # Debian's /usr/bin/epubcheck is the jar itself (run through binfmt where that is set up)
    r = subprocess.run(["java", "-jar", EPUBCHECK, str(out / EPUB)], capture_output=True, text=True,
                       timeout=600, cwd=tmp_path)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    assert "No errors or warnings detected" in r.stdout, r.stdout[-3000:]


@given(st.text() | st.none())
def test_xml_escape_is_saxutils_escape_with_quotes(text):
    """epub._x escapes as xml.sax.saxutils.escape with ``"`` (imported only here: it pulls in
    urllib.request and http.client, 30 ms of every build that remakes the book)."""
    from xml.sax.saxutils import escape
    from digest.render.epub import _x
    assert _x(text) == escape(text or "", {'"': "&quot;"})


def test_the_old_books_members_are_copied_only_when_their_bytes_are_the_same(monkeypatch):
    """make_book given the previous book's members: a contents page or package file whose text
    is unchanged is copied (not compressed again), a changed one is made again; either way the
    bytes are those of a book made from scratch."""
    site = make_site()
    trs = {a.slug: site.translations.get(a.slug) for a in site.articles}
    titles = {s: t.title if t else None for s, t in trs.items()}
    kept = {a.slug: epub.article_member(a, trs[a.slug], "note") for a in site.articles}
    first = epub.make_book(site.articles, titles, lambda a: kept[a.slug], "中", "En")
    old = epub.read_members(first)
    assert old is not None and epub.write_zip([(n, *m) for n, m in old.items()]) == first
    deflated = []
    real = epub.deflate
    monkeypatch.setattr(epub, "deflate", lambda data: deflated.append(data) or real(data))
    again = epub.make_book(site.articles, titles, lambda a: kept[a.slug], "中", "En", old)
    assert again == first and deflated == []
    retitled = dict(titles, **{site.articles[0].slug: "Another title"})
    changed = epub.make_book(site.articles, retitled, lambda a: kept[a.slug], "中", "En", old)
    monkeypatch.setattr(epub, "deflate", real)
    assert changed == epub.make_book(site.articles, retitled, lambda a: kept[a.slug], "中", "En")
    assert len(deflated) == 1 and b"Another title" in deflated[0]          # the contents page alone


def test_read_members_refuses_what_write_zip_did_not_write():
    book = epub.zip_book([("OEBPS/x.xhtml", b"<x/>" * 50)])
    assert epub.read_members(book) is not None
    assert epub.read_members(book[:-1]) is None and epub.read_members(book + b"\0") is None
    assert epub.read_members(b"") is None and epub.read_members(b"PK" * 30) is None
    damaged = bytearray(book)
    damaged[30] ^= 1                                # the first member's name in its local header
    assert epub.read_members(bytes(damaged)) is None
