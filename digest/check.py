"""``build.py check``: verify a built site without a browser.

- every HTML file parses (tags balanced, no stray end tags);
- every internal link and asset (href, src, form action) resolves to a file inside
  the site, and every ``#fragment`` to an id on the target page;
- every Chinese article page has its English pair, and each links to the other;
- every keyword page lists only articles that exist;
- no publish was cut short: no journal beside the site, no temporary files in it.
"""
from __future__ import annotations

import posixpath
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .publish import TMP_SUFFIX, journal_path

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr"}
# elements whose end tag may be omitted (HTML's optional end tags)
OPTIONAL_END = {"p", "li", "dt", "dd", "option", "tr", "td", "th", "thead", "tbody", "tfoot",
                "rt", "rp", "optgroup", "colgroup", "caption", "html", "head", "body"}
ARTICLE_RE = re.compile(r"^(zh|en)/(?!index\.html$|search\.html$)([^/]+)\.html$")


class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, int]] = []
        self.errors: list[str] = []
        self.links: list[tuple[str, str, int]] = []    # (attribute kind, url, line)
        self.ids: set[str] = set()
        self.alternates: dict[str, str] = {}
        self.article_links: list[str] = []
        self._in_cards = 0
        self.html_lang: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        line = self.getpos()[0]
        if tag == "html":
            self.html_lang = a.get("lang")
        if a.get("id"):
            if a["id"] in self.ids:
                self.errors.append(f"{line}: duplicate id '{a['id']}'")
            self.ids.add(a["id"])
        for attr in ("href", "src", "action"):
            if a.get(attr) is not None and tag != "base":
                self.links.append((tag, a[attr], line))
        if tag == "link" and a.get("rel") == "alternate" and a.get("hreflang"):
            self.alternates[a["hreflang"]] = a.get("href", "")
        if tag == "a" and a.get("href"):
            self.article_links.append(a["href"])
        if tag not in VOID:
            self.stack.append((tag, line))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack and self.stack[-1][0] == tag:
            self.stack.pop()

    def handle_endtag(self, tag):
        line = self.getpos()[0]
        if tag in VOID:
            return
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                for t, l in self.stack[i + 1:]:
                    if t not in OPTIONAL_END:
                        self.errors.append(f"{l}: <{t}> is not closed before </{tag}> on line {line}")
                del self.stack[i:]
                return
        self.errors.append(f"{line}: stray </{tag}>")

    def close(self):
        super().close()
        for t, l in self.stack:
            if t not in OPTIONAL_END:
                self.errors.append(f"{l}: <{t}> is never closed")


def _parse(path: Path) -> _Page:
    p = _Page()
    p.feed(path.read_text(encoding="utf-8"))
    p.close()
    return p


def _resolve(site: Path, page_rel: str, url: str) -> tuple[str | None, str | None, str | None]:
    """(target output path, fragment, problem) for an internal URL; (None, None, None) for external ones."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        if parts.scheme in ("http", "https", "mailto"):
            return None, None, None
        return None, None, f"link with a forbidden scheme: {url}"
    if url.startswith("/"):
        return None, None, f"absolute path (breaks file:// and sub-paths): {url}"
    if not parts.path:
        return page_rel, parts.fragment or None, None
    target = posixpath.normpath(posixpath.join(posixpath.dirname(page_rel), unquote(parts.path)))
    if target.startswith("../") or target == "..":
        return None, None, f"link leaves the site: {url}"
    if (site / target).is_dir():
        return None, None, f"link to a folder (does not open from file://): {url}"
    return target, parts.fragment or None, None


def check_site(output_dir: Path) -> list[str]:
    site = Path(output_dir)
    if not site.is_dir():
        return [f"{site}: error: no site here (run `python build.py` first)"]
    problems: list[str] = []
    pages: dict[str, _Page] = {}
    files = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    journal = journal_path(site)
    if journal.exists():
        problems.append(f"{journal}: error: a publish was cut short (the next build, or `build.py check`, "
                        f"finishes it or rolls it back)")
    for rel in sorted(f for f in files if f.endswith(TMP_SUFFIX)):
        problems.append(f"{site / rel}: error: temporary file left by an interrupted build")
        files.discard(rel)
    for rel in sorted(f for f in files if f.endswith(".html")):
        try:
            pages[rel] = _parse(site / rel)
        except (UnicodeDecodeError, OSError) as e:
            problems.append(f"{site / rel}: error: cannot read: {e}")
            continue
        for err in pages[rel].errors:
            line, msg = err.split(": ", 1)
            problems.append(f"{site / rel}:{line}: error: HTML: {msg}")
        if not pages[rel].html_lang:
            problems.append(f"{site / rel}: error: <html> has no lang")

    for rel, page in pages.items():
        for tag, url, line in page.links:
            target, frag, problem = _resolve(site, rel, url)
            if problem:
                problems.append(f"{site / rel}:{line}: error: {problem}")
                continue
            if target is None:
                continue
            if target not in files:
                problems.append(f"{site / rel}:{line}: error: broken link: {url}")
                continue
            if frag and target.endswith(".html") and target in pages and frag not in pages[target].ids:
                problems.append(f"{site / rel}:{line}: error: broken anchor: {url}")

    articles = {}
    for rel in pages:
        m = ARTICLE_RE.match(rel)
        if m:
            articles.setdefault(m.group(2), {})[m.group(1)] = rel
    for slug, langs in sorted(articles.items()):
        for lang, other in (("zh", "en"), ("en", "zh")):
            if lang not in langs:
                continue
            if other not in langs:
                problems.append(f"{site / langs[lang]}: error: no {other} page for this {lang} article")
                continue
            want = "en" if other == "en" else "zh-Hans"
            alt = pages[langs[lang]].alternates.get(want)
            target = _resolve(site, langs[lang], alt)[0] if alt else None
            if target != langs[other]:
                problems.append(f"{site / langs[lang]}: error: does not link to its pair {langs[other]} "
                                f"(hreflang={want})")

    for rel, page in pages.items():
        if re.match(r"^(zh|en)/keywords/(?!index\.html$)[^/]+\.html$", rel):
            for url in page.article_links:
                target = _resolve(site, rel, url)[0]
                m = ARTICLE_RE.match(target) if target else None
                if m:
                    if m.group(2) not in articles:
                        problems.append(f"{site / rel}: error: lists an article that does not exist: {url}")
    return problems


def human_issues(content_dir: Path) -> list:
    """Stale and orphaned human translations in ``content_dir`` (and English files whose
    Chinese is missing), as warnings naming file, line, article, block and sentence."""
    from .content import EN_SUFFIX, ZH_SUFFIX, content_files, load_article, orphan_files
    from .errors import Diagnostic, DigestError, display_path
    from .translate.overrides import issue_message, load_override
    out: list = []
    slugs = set()
    for zh in content_files(content_dir):
        try:
            a = load_article(Path(zh))
        except DigestError:
            continue                    # the build reports it
        slugs.add(a.slug)
        en = Path(content_dir) / f"{a.slug}{EN_SUFFIX}"
        if not en.is_file():
            continue
        try:
            ov = load_override(en, a)
        except DigestError as e:
            out.append(Diagnostic(display_path(str(en)), e.line, "warning", e.message))
            continue
        out += [Diagnostic(display_path(str(en)), i.line, "warning", issue_message(a.slug, i)) for i in ov.issues]
    for p in orphan_files(Path(content_dir), slugs):
        out.append(Diagnostic(display_path(str(p)), 1, "warning",
                              f"English translation without its Chinese: {p.name[:-len(EN_SUFFIX)]}{ZH_SUFFIX} "
                              "is missing (or could not be read); this file is not used"))
    return out
