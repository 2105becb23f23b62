"""Atom feeds per language and the sitemap, with absolute URLs from settings.base_url.

Deterministic: ``updated`` comes from the articles' dates, never from the clock.
"""
from __future__ import annotations

from xml.etree import ElementTree as ET

from . import urls

ATOM = "http://www.w3.org/2005/Atom"
SM = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML = "http://www.w3.org/1999/xhtml"
EPOCH = "1970-01-01"


def _ts(date: str | None) -> str:
    return f"{date or EPOCH}T00:00:00Z"


def _xml(root: ET.Element) -> bytes:
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def atom_feed(lang: str, title: str, entries: list[dict], base_url: str) -> bytes:
    """entries: dicts with slug, title, summary, date, path (output path), alt_path."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {"xml:lang": urls.HTML_LANG[lang]})
    ET.SubElement(feed, f"{{{ATOM}}}id").text = urls.absolute(base_url, urls.atom(lang))
    ET.SubElement(feed, f"{{{ATOM}}}title").text = title
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = _ts(max((e["date"] or EPOCH for e in entries), default=EPOCH))
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "self", "href": urls.absolute(base_url, urls.atom(lang))})
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "alternate", "type": "text/html",
                                            "href": urls.absolute(base_url, urls.lang_index(lang))})
    ET.SubElement(feed, f"{{{ATOM}}}author").append(_name(title))
    for e in entries:
        en = ET.SubElement(feed, f"{{{ATOM}}}entry")
        href = urls.absolute(base_url, e["path"])
        ET.SubElement(en, f"{{{ATOM}}}id").text = href
        ET.SubElement(en, f"{{{ATOM}}}title").text = e["title"]
        ET.SubElement(en, f"{{{ATOM}}}updated").text = _ts(e["date"])
        ET.SubElement(en, f"{{{ATOM}}}link", {"rel": "alternate", "type": "text/html", "href": href,
                                              "hreflang": urls.HTML_LANG[lang]})
        other = "en" if lang == "zh" else "zh"
        ET.SubElement(en, f"{{{ATOM}}}link", {"rel": "alternate", "type": "text/html",
                                              "href": urls.absolute(base_url, e["alt_path"]),
                                              "hreflang": urls.HTML_LANG[other]})
        if e.get("summary"):
            ET.SubElement(en, f"{{{ATOM}}}summary").text = e["summary"]
    return _xml(feed)


def _name(text: str) -> ET.Element:
    n = ET.Element(f"{{{ATOM}}}name")
    n.text = text
    return n


def sitemap(groups: list[dict[str, str]], base_url: str, dates: list[str | None]) -> bytes:
    """groups: per page, {hreflang: output path} of its language versions."""
    ET.register_namespace("", SM)
    ET.register_namespace("xhtml", XHTML)
    root = ET.Element(f"{{{SM}}}urlset")
    for group, date in zip(groups, dates):
        for _lang, path in group.items():
            u = ET.SubElement(root, f"{{{SM}}}url")
            ET.SubElement(u, f"{{{SM}}}loc").text = urls.absolute(base_url, path)
            if date:
                ET.SubElement(u, f"{{{SM}}}lastmod").text = date
            if len(group) > 1:
                for hl, p in group.items():
                    ET.SubElement(u, f"{{{XHTML}}}link", {"rel": "alternate", "hreflang": hl,
                                                         "href": urls.absolute(base_url, p)})
    return _xml(root)
