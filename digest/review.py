"""``build.py review``: the sentences that need a human, worst first.

Made from what the translate stage produced (``Translation.flags``: the checks' verdicts on
machine sentences; ``Translation.human_issues``: stale and orphaned human translations) and
from the Chinese itself (ingest repairs and the damage it could not repair, ``unrepaired``, in the
front matter; unrecoverable remnants such as ``?lián)`` left in the text). Pure functions: the CLI gets the articles and translations by
running the build up to the translate stage (from the translation memory; nothing is
rendered) and prints or writes what these return.
"""
from __future__ import annotations

import html
import os
from dataclasses import dataclass
from pathlib import Path

from .article import Article, Translation
from .errors import display_path
from .ingest.mojibake import REMNANT_RE
from .render import urls
from .translate.overrides import describe, zh_id
from .translate.sentences import split_sentences

SEVERITY_STALE = 3          # a person's English that no longer says what the Chinese says
SEVERITY_REMNANT = 2
SEVERITY_ORPHANED = 2
SEVERITY_REPAIRS = 0        # verified repairs: worth a look, never urgent
_UNIT_ORDER = {"article": 0, "title": 1, "subtitle": 2, "dateline": 3, "block": 4}


@dataclass(frozen=True)
class ReviewItem:
    severity: int
    slug: str
    path: str               # the file to open: the .zh.md, or the .en.md for a human item
    unit: str               # "article" | "title" | "subtitle" | "dateline" | "block"
    block: int              # block index, or -1
    sentence: int           # sentence index within the unit, or -1
    zh: str
    en: str
    reasons: tuple[str, ...]
    kind: str = "flag"      # "flag" | "stale" | "orphaned" | "remnant" | "unrepaired" | "repairs"

    @property
    def where(self) -> str:
        return "whole article" if self.unit == "article" else describe(self.unit, self.block, self.sentence)

    def sort_key(self, order: dict[str, int]) -> tuple:
        return (-self.severity, order.get(self.slug, 0), _UNIT_ORDER.get(self.unit, 9), self.block,
                self.sentence)


def review_items(articles: list[Article], translations: dict[str, Translation]) -> list[ReviewItem]:
    """Everything that needs a human, worst first (severity, then content-file order)."""
    items: list[ReviewItem] = []
    for a in articles:
        zh_path = str(a.path) if a.path else f"{a.slug}.zh.md"
        t = translations.get(a.slug)
        for f in (t.flags if t is not None else ()):
            items.append(ReviewItem(f.severity, a.slug, zh_path, f.unit, f.block, f.sentence, f.zh, f.en,
                                    tuple(f.reasons)))
        for iss in (getattr(t, "human_issues", ()) if t is not None else ()):
            if iss.kind == "stale":
                why = (f"stale human translation: the Chinese changed (was: {iss.old_zh}); "
                       "update the English, then `build.py human " + a.slug + " --update`")
                items.append(ReviewItem(SEVERITY_STALE, a.slug, iss.path, iss.unit, iss.block, iss.sentence,
                                        iss.new_zh, iss.en, (why,), "stale"))
            else:
                items.append(ReviewItem(SEVERITY_ORPHANED, a.slug, iss.path, iss.unit, iss.block,
                                        iss.sentence, iss.old_zh, iss.en,
                                        ("orphaned human translation: its Chinese is gone; delete it",), "orphaned"))
        items.extend(remnant_items(a, t, zh_path))
        items.extend(unrepaired_items(a, zh_path))
        if a.repairs:
            done = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in sorted(a.repairs.items()))
            items.append(ReviewItem(SEVERITY_REPAIRS, a.slug, zh_path, "article", -1, -1, "", "",
                                    (f"ingest repaired the source ({done}); compare with the source "
                                     f"{a.source or ''}".rstrip(),), "repairs"))
    order = {a.slug: n for n, a in enumerate(sorted(articles, key=lambda a: str(a.path or a.slug)))}
    return sorted(items, key=lambda it: it.sort_key(order))


def unrepaired_items(a: Article, zh_path: str) -> list[ReviewItem]:
    """Damage ingest found and could not repair (the ``unrepaired`` front-matter list): one item
    per run, with its line in the source."""
    source = a.source or "the source"
    return [ReviewItem(SEVERITY_REMNANT, a.slug, zh_path, "article", -1, -1, run, "",
                       (f"ingest could not repair {run!r} (line {line} of {source}): it looks like GBK "
                        "bytes read one byte off; check the source, fix the content file, then delete "
                        "the entry from 'unrepaired' in its front matter",), "unrepaired")
            for line, run in a.unrepaired]


def remnant_items(a: Article, t: Translation | None, zh_path: str) -> list[ReviewItem]:
    """A sentence of the Chinese still holding damage ingest could not repair (``?lián)``, U+FFFD).
    Searched in the whole unit (the splitter may cut a remnant at its ``?``), reported at the
    sentence where it starts."""
    out = []
    units = [(u, -1, getattr(a, u) or "") for u in ("title", "subtitle", "dateline")]
    units += [("block", i, b.text) for i, b in enumerate(a.blocks)]
    for unit, b, text in units:
        text = text.strip()
        found = list(REMNANT_RE.finditer(text))
        if not found:
            continue
        sentences = split_sentences(text)
        ends, pos = [], 0
        for s in sentences:
            pos = text.find(s, pos) + len(s)
            ends.append(pos)
        by_sentence: dict[int, list[str]] = {}
        for m in found:
            n = next((k for k, e in enumerate(ends) if m.start() < e), len(sentences) - 1)
            by_sentence.setdefault(n, []).append(m.group())
        for n, remnants in sorted(by_sentence.items()):
            # the whole unit: the sentence splitter may have cut the remnant at its "?"
            out.append(ReviewItem(SEVERITY_REMNANT, a.slug, zh_path, unit, b, n, text, _english_of(t, unit, b),
                                  (f"ingest remnant {', '.join(map(repr, remnants))} in the Chinese: "
                                   "check the source and fix the content file",), "remnant"))
    return out


def _english_of(t: Translation | None, unit: str, block: int) -> str:
    if t is None:
        return ""
    if unit == "block":
        return t.blocks[block].text if 0 <= block < len(t.blocks) else ""
    return getattr(t, unit, None) or ""


def format_text(items: list[ReviewItem]) -> str:
    if not items:
        return "review: nothing needs a human\n"
    out = []
    for it in items:
        out.append(f"{display_path(it.path)}: {it.where} [severity {it.severity}]")
        if it.zh:
            hint = (f"   (fix: <!-- zh {zh_id(it.zh)} {_hint(it)}: … -->)"
                    if it.kind == "flag" and it.sentence >= 0 else "")
            out.append(f"  zh: {it.zh}{hint}")
        if it.en:
            out.append(f"  en: {it.en}")
        for r in it.reasons:
            out.append(f"  why: {r}")
        out.append("")
    n_articles = len({it.slug for it in items})
    out.append(f"review: {len(items)} item(s) in {n_articles} article(s)")
    return "\n".join(out) + "\n"


def _hint(it: ReviewItem) -> str:
    return (f"b{it.block + 1}" if it.unit == "block" else it.unit) + f".s{it.sentence + 1}"


def format_html(items: list[ReviewItem], articles: list[Article], page: Path, output_dir: Path) -> str:
    """The list as a standalone page; each item links to its paragraph in the side-by-side view
    (``parallel/<slug>.html#p3``), relative to where the page is written."""
    by_slug = {a.slug: a for a in articles}
    e = html.escape
    rows = []
    for it in items:
        a = by_slug.get(it.slug)
        target = output_dir / urls.parallel(it.slug)
        href = os.path.relpath(target, page.parent).replace(os.sep, "/")
        if a is not None and it.unit == "block" and 0 <= it.block < len(a.blocks):
            href += "#" + urls.block_anchors([b.kind for b in a.blocks])[it.block]
        rows.append(
            f'<li class="sev{min(it.severity, 3)}"><p class="where"><a href="{e(href)}">{e(it.slug)}: {e(it.where)}</a>'
            f' <span class="sev">severity {it.severity}</span> <code>{e(display_path(it.path))}</code></p>'
            + (f'<p class="zh" lang="zh-Hans">{e(it.zh)}</p>' if it.zh else "")
            + (f'<p class="en" lang="en">{e(it.en)}</p>' if it.en else "")
            + "".join(f'<p class="why">{e(r)}</p>' for r in it.reasons) + "</li>")
    body = "\n".join(rows) if rows else "<li>Nothing needs a human.</li>"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Review list ({len(items)})</title>
<style>
body{{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}}
ol{{padding-left:1.5rem}} li{{margin:0 0 1.2rem;padding:.4rem .8rem;border-left:4px solid #bbb}}
li.sev3{{border-color:#b00}} li.sev2{{border-color:#d70}} li.sev1{{border-color:#cb0}}
p{{margin:.2rem 0}} .sev,.where code{{color:#666;font-size:.85em}} .zh{{font-size:1.05em}}
.en{{color:#124}} .why{{color:#700}}
</style></head><body>
<h1>Review list</h1>
<p>{len(items)} item(s), worst first. Links open the side-by-side view of the built site.</p>
<ol>
{body}
</ol>
</body></html>
"""
