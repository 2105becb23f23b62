"""Markdown for content text, safely: raw HTML is escaped, never passed through.

Each block of an article is one paragraph or heading of plain text in which
inline Markdown (emphasis, code, links) is honoured. Block syntax is not: a
paragraph that starts with ``#``, ``---``, ``>``, ``1.`` or four spaces stays a
paragraph of text. Only http(s), mailto and relative links survive; images are
replaced by their alt text (a page makes no external requests).
"""
from __future__ import annotations

import re
from functools import lru_cache
from xml.etree import ElementTree as etree

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup, escape

from . import memo

_ALLOWED_SCHEMES = ("http", "https", "mailto")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_CTRL = re.compile(r"[\x00-\x20\x7f]+")


def safe_href(href: str | None) -> str | None:
    """The link if it is http(s), mailto or relative; None for javascript:, data:, vbscript: and the like."""
    if not href:
        return None
    probe = _CTRL.sub("", href)
    m = _SCHEME.match(probe)
    if m:
        return href.strip() if m.group(1).lower() in _ALLOWED_SCHEMES else None
    if probe.startswith("//"):                   # protocol-relative: treat as external http(s)
        return None
    return href.strip()


class _Sanitise(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        for parent in list(root.iter()):
            for i, el in enumerate(list(parent)):
                if el.tag == "img":
                    span = etree.Element("span")
                    span.text = el.get("alt") or ""
                    span.tail = el.tail
                    parent.remove(el)
                    parent.insert(i, span)
                elif el.tag == "a":
                    href = safe_href(el.get("href"))
                    title = el.get("title")
                    el.attrib.clear()
                    if href is None:
                        el.tag = "span"
                    else:
                        el.set("href", href)
                        if title:
                            el.set("title", title)
                        if _SCHEME.match(href):
                            el.set("rel", "nofollow noopener noreferrer")


class SafeExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.inlinePatterns.deregister("entity")       # &lt; stays the five characters it is
        md.treeprocessors.register(_Sanitise(md), "digest_sanitise", 0)


@lru_cache(maxsize=1)
def _md() -> markdown.Markdown:
    return markdown.Markdown(extensions=[SafeExtension()], output_format="html")


_BLOCK_START = re.compile(r"^(\s*)([#>+*=_|-]|\d+[.)])")


# text with none of these is plain text to Markdown too: escape it, skip the parser
_MD_SPECIAL = re.compile(r"[\\`*_\[\]<>&!#|]|^\s*(?:[-+=>]|\d+[.)])|  ")


_BLOCK_TAG = re.compile(r"</?(?:blockquote|div|pre|ul|ol|li|h[1-6]|hr|table|p)\b", re.I)


def inline_html(text: str) -> Markup:
    """One block's text as safe inline HTML (no surrounding <p>); memoised by text."""
    return Markup(memo.get("html", text, lambda: str(_inline_html(text))))


def _inline_html(text: str) -> Markup:
    text = " ".join(text.splitlines()).strip()   # every line break (\r, \u2028, …), not just \n
    if not _MD_SPECIAL.search(text):
        return escape(text)
    if not text:
        return Markup("")
    m = _BLOCK_START.match(text)
    if m:                                          # keep block syntax as text
        text = text[: m.start(2)] + "\\" + text[m.start(2):] if m.group(2)[0] in "#>+*-_.!" else \
            (text if not m.group(2)[0].isdigit() else re.sub(r"^(\d+)([.)])", r"\1\\\2", text))
    md = _md()
    md.reset()
    out = md.convert(text)
    inner = out[3:-4] if out.startswith("<p>") and out.endswith("</p>") else None
    if inner is None or _BLOCK_TAG.search(inner) or "</p>" in inner:
        # anything but one paragraph (a table, an hr, a list, a quote) means the text was not a
        # paragraph of inline Markdown: fall back to the text itself
        return Markup(escape(text))
    return Markup(inner)


def plain_text(text: str) -> str:
    """Text with inline Markdown removed, for titles, search and feeds."""
    from html import unescape
    return memo.get("plain", text, lambda: unescape(re.sub(r"<[^>]+>", "", str(inline_html(text)))))
