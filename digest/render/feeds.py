"""Atom feeds per language and the sitemap, with absolute URLs from settings.base_url.

Deterministic: an entry's ``updated`` is the article's date (midnight UTC); for an article
without one, the time of its source file as ingest recorded it (``source_time`` in its front
matter), and for a file written by hand with neither, its modification time. Never the
clock of the build, never the epoch.
"""
from __future__ import annotations

import datetime
import os
from xml.etree import ElementTree as ET

from . import urls

ATOM = "http://www.w3.org/2005/Atom"
SM = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML = "http://www.w3.org/1999/xhtml"


def updated(article) -> str | None:
    """An article's time for feeds and the sitemap, as ``yyyy-mm-ddThh:mm:ssZ`` (see above);
    None only for an article with no date, no ingest time and no file (made in memory)."""
    if article.date:
        return f"{article.date}T00:00:00Z"
    if article.source_time:
        return article.source_time
    if article.path is not None:
        try:
            mtime = os.stat(article.path).st_mtime
        except OSError:
            return None
        return datetime.datetime.fromtimestamp(int(mtime), datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return None


def lastmod(article) -> str | None:
    """The sitemap's ``lastmod`` (a W3C date or date and time)."""
    return article.date or updated(article)


def _xml(root: ET.Element) -> bytes:
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def atom_feed(lang: str, title: str, entries: list[dict], base_url: str) -> bytes:
    """entries: dicts with slug, title, summary, updated, path (output path).

    Each entry links to its page in the feed's language only: a reader takes an entry's
    ``rel="alternate"`` link as the article, and with two (zh and en) feedparser takes the
    other language's."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {"xml:lang": urls.HTML_LANG[lang]})
    ET.SubElement(feed, f"{{{ATOM}}}id").text = urls.absolute(base_url, urls.atom(lang))
    ET.SubElement(feed, f"{{{ATOM}}}title").text = title
    times = [e["updated"] for e in entries if e["updated"]]
    if times:
        ET.SubElement(feed, f"{{{ATOM}}}updated").text = max(times)
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "self", "href": urls.absolute(base_url, urls.atom(lang))})
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "alternate", "type": "text/html",
                                            "href": urls.absolute(base_url, urls.lang_index(lang))})
    ET.SubElement(feed, f"{{{ATOM}}}author").append(_name(title))
    for e in entries:
        en = ET.SubElement(feed, f"{{{ATOM}}}entry")
        href = urls.absolute(base_url, e["path"])
        ET.SubElement(en, f"{{{ATOM}}}id").text = href
        ET.SubElement(en, f"{{{ATOM}}}title").text = e["title"]
        if e["updated"] or times:
            ET.SubElement(en, f"{{{ATOM}}}updated").text = e["updated"] or max(times)
        ET.SubElement(en, f"{{{ATOM}}}link", {"rel": "alternate", "type": "text/html", "href": href,
                                              "hreflang": urls.HTML_LANG[lang]})
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
