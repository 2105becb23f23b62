"""Human translations: ``content/<slug>.en.md`` wins over the machine.

Front matter::

    ---
    zh_sha256: <Article.zh_hash() of the Chinese it was made from>
    title: The English title
    subtitle: …            # optional
    translator: …          # optional, shown on the page
    ---

The body has the Chinese file's blocks in the same order (``## `` headings,
paragraphs). A block that is only ``<!-- machine -->`` keeps the machine's
translation; a body shorter than the Chinese leaves the rest to the machine.
When the Chinese changes after the override was made (its hash differs), the
build warns ``stale translation: <slug>`` and the page shows a notice.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..article import Article, Block
from ..content import load_post
from ..errors import InputError

KEYS = {"zh_sha256", "title", "subtitle", "dateline", "byline", "editor", "translator", "slug",
        "date", "source_url", "publication"}   # (the last three: as in the Chinese file, which is what pages show)
KEEP_MACHINE = "<!-- machine -->"


@dataclass
class Override:
    path: Path
    blocks: list[Block | None]                 # None: machine for that block
    title: str | None = None
    subtitle: str | None = None
    dateline: str | None = None
    byline: str | None = None
    editor: str | None = None
    stale: bool = False
    problems: list[tuple[int | None, str]] = field(default_factory=list)


def _block_lines(text: str) -> list[int]:
    """1-based line numbers where each body block starts (front matter skipped)."""
    lines = text.splitlines()
    i = 0
    if lines and lines[0].strip() == "---":
        i = 1
        while i < len(lines) and lines[i].strip() != "---":
            i += 1
        i += 1
    starts: list[int] = []
    in_para = False
    for n in range(i, len(lines)):
        s = lines[n].strip()
        if not s:
            in_para = False
        elif s.startswith("## ") or s == "##":
            starts.append(n + 1)
            in_para = False
        elif not in_para:
            starts.append(n + 1)
            in_para = True
    return starts


def load_override(path: Path, article: Article) -> Override:
    """Read and check an override against its Chinese article; raise InputError if unusable."""
    meta, blocks = load_post(path)
    unknown = sorted(set(meta) - KEYS)
    if unknown:
        raise InputError(f"front matter: unknown key(s) {', '.join(map(repr, unknown))}; "
                         f"known keys are {', '.join(sorted(KEYS))}", path, 1)
    for k in KEYS:
        if k in meta and meta[k] is not None and not isinstance(meta[k], (str, int, float)):
            raise InputError(f"front matter: '{k}' must be text, not {type(meta[k]).__name__}", path, 1)
    ov = Override(path=path, blocks=[],
                  **{k: (str(meta[k]).strip() or None) if meta.get(k) is not None else None
                     for k in ("title", "subtitle", "dateline", "byline", "editor")})
    recorded = meta.get("zh_sha256")
    if recorded is None:
        ov.problems.append((1, f"no zh_sha256 in the front matter; add `zh_sha256: {article.zh_hash()}` "
                               "so a later change of the Chinese is noticed"))
    elif str(recorded) != article.zh_hash():
        ov.stale = True
    try:
        starts = _block_lines(path.read_text(encoding="utf-8"))
    except OSError:
        starts = []
    zh = article.blocks
    for i, b in enumerate(blocks):
        line = starts[i] if i < len(starts) else None
        if i >= len(zh):
            ov.problems.append((line, f"{len(blocks)} blocks, but the Chinese has {len(zh)}; "
                                      f"the blocks from here on are not used"))
            break
        if b.text.strip() == KEEP_MACHINE:
            ov.blocks.append(None)
            continue
        if b.kind != zh[i].kind:
            ov.problems.append((line, f"block {i + 1} is a {b.kind} here but a {zh[i].kind} in the Chinese; "
                                      "the blocks from here on are not used (keep the Chinese file's order; "
                                      f"write {KEEP_MACHINE} for a block left to the machine)"))
            break
        ov.blocks.append(b)
    return ov
