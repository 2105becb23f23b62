"""The data model every stage shares: Article, Block, Translation.

Blocks are the unit of alignment: the Chinese and English versions of an
article have the same blocks in the same order, so the bilingual views pair
block ``i`` with block ``i``. The translation memory works on the sentences
inside blocks.
"""
from __future__ import annotations

import hashlib
import pickle
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

BlockKind = Literal["heading", "paragraph"]


@dataclass(frozen=True)
class Block:
    kind: BlockKind
    text: str


class _LazyBlocks:
    """Pickled with its blocks as one nested pickle of (kind, text) pairs, which is unpickled
    only when ``blocks`` is first read: a rebuild loads every article and translation from
    the build state, and most of them are never opened (their pages are unchanged)."""

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        if "blocks" in state:
            blocks = state.pop("blocks")
            state["_blocks_pickle"] = pickle.dumps([(b.kind, b.text) for b in blocks], protocol=5)
            state["_nblocks"] = len(blocks)
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)

    def __getattr__(self, name: str):
        # called only when normal lookup fails: ``blocks`` not yet unpickled
        if name == "blocks":
            data = self.__dict__.pop("_blocks_pickle", None)
            if data is not None:
                blocks = self.__dict__["blocks"] = [Block(k, t) for k, t in pickle.loads(data)]
                self.__dict__.pop("_nblocks", None)
                return blocks
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    @property
    def n_blocks(self) -> int:
        """len(blocks), without unpickling them."""
        d = self.__dict__
        return len(d["blocks"]) if "blocks" in d else d.get("_nblocks", 0)


@dataclass
class Article(_LazyBlocks):
    """One Chinese article, as ingested into ``content/<slug>.zh.md``."""

    slug: str
    title: str
    blocks: list[Block] = field(default_factory=list)
    subtitle: str | None = None
    dateline: str | None = None
    byline: str | None = None
    editor: str | None = None
    date: str | None = None               # ISO yyyy-mm-dd when known
    source: str | None = None             # source path, relative to the project root when possible
    source_sha256: str | None = None      # of the raw source bytes
    source_time: str | None = None        # the source file's modification time, UTC (yyyy-mm-ddThh:mm:ssZ)
    original_script: str = "simplified"   # "simplified" | "traditional"
    repairs: dict[str, int] = field(default_factory=dict)
    # damage ingest found but could not repair: (source line, the misread run as written)
    unrepaired: list[tuple[int, str]] = field(default_factory=list)
    path: Path | None = None              # the content file it was read from
    tags: list[str] = field(default_factory=list)   # the editor's keywords, before the automatic ones
    source_url: str | None = None         # where the article was published (shown as its source)
    publication: str | None = None        # the name of that publication
    draft: bool = False                   # a draft is not built

    def zh_hash(self) -> str:
        """sha256 of everything a translator translates (title, subtitle, blocks).

        An English override records this; when it differs later the override is stale.
        """
        h = hashlib.sha256()
        for part in (self.title, self.subtitle or "", self.dateline or ""):
            h.update(part.encode("utf-8") + b"\x00")
        for b in self.blocks:
            h.update(f"{b.kind}\x01{b.text}\x00".encode("utf-8"))
        return h.hexdigest()

    @property
    def headings(self) -> list[tuple[int, Block]]:
        return [(i, b) for i, b in enumerate(self.blocks) if b.kind == "heading"]


@dataclass(frozen=True)
class SentenceFlag:
    """One machine-translated sentence that needs a human, and why.

    Made by the translate stage's checks (numbers, money, dates, invented names, list
    markers, loops, length, leftovers, model score); read by the review list and the
    English page. ``unit`` is "title", "subtitle", "dateline" or "block"; ``block`` is the
    block index for "block" (else -1); ``sentence`` counts sentences within the unit.
    """

    unit: str
    block: int
    sentence: int
    zh: str
    en: str
    reasons: tuple[str, ...]
    severity: int = 1                     # higher is worse; the review list is sorted by it


@dataclass(frozen=True)
class HumanIssue:
    """A human translation (block or sentence) that no longer fits its Chinese.

    ``kind`` is "stale" (its Chinese changed: still shown, marked) or "orphaned" (its Chinese
    is gone: not shown). ``old_zh`` is the Chinese recorded with the English, ``new_zh`` the
    Chinese now at its place. Reported on every build until the override is fixed.
    """

    kind: str
    path: str                             # the .en.md file
    line: int | None
    unit: str                             # "title" | "subtitle" | "dateline" | "block"
    block: int                            # block index for "block", else -1
    sentence: int                         # sentence index for a sentence override, else -1
    old_zh: str
    new_zh: str
    en: str


@dataclass
class Translation(_LazyBlocks):
    """The English version of one article, block-aligned with the Chinese."""

    slug: str
    title: str
    blocks: list[Block]                   # same length and kinds as Article.blocks
    origins: list[str]                    # per block: "machine" | "human" | "mixed" (sentence fixes)
    subtitle: str | None = None
    dateline: str | None = None
    byline: str | None = None             # romanised with pypinyin
    editor: str | None = None             # romanised with pypinyin
    model_id: str | None = None
    stale: bool = False                   # a human override made from older Chinese
    title_origin: str = "machine"
    flags: list[SentenceFlag] = field(default_factory=list)   # sentences that need a human
    translator: str | None = None         # from the override's front matter
    human_issues: list[HumanIssue] = field(default_factory=list)   # stale or orphaned human items
    # per block: the English of each of its Chinese sentences (translate/sentences.py's split),
    # for the side-by-side view's sentence pairs; None for a human block (English as written)
    sentences: list[list[str] | None] | None = None

    @property
    def origin(self) -> str:
        """"human", "machine" or "mixed" for the whole article."""
        kinds = set(self.origins) | {self.title_origin}
        if "mixed" in kinds:
            return "mixed"
        if kinds == {"human"}:
            return "human"
        if kinds == {"machine"}:
            return "machine"
        return "mixed"
