"""Human translations: ``content/<slug>.en.md`` wins over the machine, block by block or
sentence by sentence, each matched to its Chinese by the hash of that Chinese.

Front matter::

    ---
    title: The English title
    title_zh: 京口经开区：拼出融合加速度   # the Chinese title it translates (optional)
    subtitle: …      # optional, likewise subtitle_zh, dateline, dateline_zh
    translator: …    # optional, shown on the page
    ---

Body: items, each introduced by a marker line that carries the hash of the Chinese it
translates (``zh_id``: the first 12 hex digits of its sha256), a position hint and, for the
reader and for the stale report, the Chinese itself::

    <!-- zh 3f2a9c01ab12 b1: 盛夏的京口大地，热潮涌动。…… -->
    In the heat of midsummer, Jingkou is bustling. …

    <!-- zh 88aa01ff0012 b3.s2: 第二句。 -->
    The second sentence of block 3, fixed by hand (the rest of the block stays machine).

An item whose text is empty or only HTML comments (``<!-- machine -->``,
``<!-- machine: the machine's English -->``) is left to the machine. Blocks are matched to
the Chinese by hash and by order (``difflib`` on the hash sequences), so inserting a Chinese
paragraph moves nothing; a block whose Chinese changed (its hash is gone but its place is
there) is *stale*: still shown, marked, and reported with the old and the new Chinese on
every build; a block whose Chinese is gone is *orphaned*: not shown, reported. A sentence fix
is matched by its hash anywhere in the article (the nearest to its hint wins).

Files without markers are the old format (``zh_sha256`` of the whole article, blocks by
position): still read, as before; ``build.py human SLUG --update`` rewrites one in the new
format.
"""
from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..article import Article, Block, HumanIssue
from ..content import load_post, markdown_to_blocks
from ..errors import InputError
from .sentences import split_sentences

KEYS = {"zh_sha256", "title", "subtitle", "dateline", "byline", "editor", "translator", "slug",
        "title_zh", "subtitle_zh", "dateline_zh",
        "date", "source_url", "publication"}   # (the last three: as in the Chinese file, which is what pages show)
KEEP_MACHINE = "<!-- machine -->"
UNITS = ("title", "subtitle", "dateline")
ID_LEN = 12

# <!-- zh HASH [b3|title][.s2]: Chinese -->
MARKER = re.compile(r"^<!--\s*zh\s+([0-9a-fA-F]{6,64})(?:\s+(b\d+|title|subtitle|dateline)(?:\.s(\d+))?)?"
                    r"\s*:?\s*(.*?)\s*-->$")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_SIMILAR = 0.5
OLD_FORMAT = "(not recorded: old-format file)"          # a changed block is paired with the changed Chinese it most resembles


def zh_id(text: str) -> str:
    """The hash a human item carries of its Chinese (a block's or a sentence's text)."""
    return hashlib.sha256(text.strip().encode("utf-8")).hexdigest()[:ID_LEN]


def comment_text(zh: str) -> str:
    """Chinese as it is written into a marker: one line, no comment end inside."""
    return " ".join(zh.split()).replace("-->", "-- >")


def marker(zh: str, where: str) -> str:
    return f"<!-- zh {zh_id(zh)} {where}: {comment_text(zh)} -->"


@dataclass
class _Item:
    line: int
    hash: str
    unit: str | None          # "block" (hint b<N>), a unit name, or None (no hint)
    block: int | None         # 0-based block hint
    sentence: int | None      # 0-based sentence index: a sentence fix
    old_zh: str
    body: list[str] = field(default_factory=list)


@dataclass
class Override:
    path: Path
    blocks: list[Block | None]                 # by Chinese block; None: machine for that block
    title: str | None = None
    subtitle: str | None = None
    dateline: str | None = None
    byline: str | None = None
    editor: str | None = None
    translator: str | None = None
    # (unit, block) -> {sentence index: English}; unit "block" with the block index, else -1
    sentences: dict[tuple[str, int], dict[int, str]] = field(default_factory=dict)
    issues: list[HumanIssue] = field(default_factory=list)
    problems: list[tuple[int | None, str]] = field(default_factory=list)
    old_format: bool = False
    lines: dict[int, int] = field(default_factory=dict)     # Chinese block -> line of its human text
    items: list[_Item] = field(default_factory=list)         # as read, for --update

    @property
    def stale(self) -> bool:
        return any(i.kind == "stale" for i in self.issues)

    def human_sentences(self, unit: str, block: int = -1) -> dict[int, str]:
        return self.sentences.get((unit, block), {})


def _body_lines(text: str) -> tuple[list[str], int]:
    """The body's lines and the 0-based index of its first line (front matter skipped)."""
    lines = text.splitlines()
    i = 0
    if lines and lines[0].strip() == "---":
        i = 1
        while i < len(lines) and lines[i].strip() != "---":
            i += 1
        i += 1
    return lines, i


def _block_lines(text: str) -> list[int]:
    """1-based line numbers where each body block starts (front matter skipped)."""
    lines, i = _body_lines(text)
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


def parse_items(text: str) -> tuple[list[_Item], list[tuple[int, str]]]:
    """The marked items of a body, and text found before the first marker (line, text)."""
    lines, start = _body_lines(text)
    items: list[_Item] = []
    loose: list[tuple[int, str]] = []
    for n in range(start, len(lines)):
        s = lines[n].strip()
        m = MARKER.match(s)
        if m:
            h, hint, sent, zh = m.groups()
            unit = block = None
            if hint:
                unit, block = ("block", int(hint[1:]) - 1) if hint.startswith("b") else (hint, None)
            items.append(_Item(n + 1, h.lower()[:ID_LEN], unit, block,
                               int(sent) - 1 if sent else None, zh))
        elif items:
            items[-1].body.append(lines[n])
        elif s:
            loose.append((n + 1, s))
    return items, loose


def _english(item: _Item) -> list[Block]:
    """The item's English blocks; none when it is left to the machine (only comments)."""
    body = "\n".join(item.body)
    if not _COMMENT.sub("", body).strip():
        return []
    return markdown_to_blocks(_COMMENT.sub("", body))


def _check_meta(meta: dict, path: Path) -> dict:
    unknown = sorted(set(meta) - KEYS)
    if unknown:
        raise InputError(f"front matter: unknown key(s) {', '.join(map(repr, unknown))}; "
                         f"known keys are {', '.join(sorted(KEYS))}", path, 1)
    for k in KEYS:
        if k in meta and meta[k] is not None and not isinstance(meta[k], (str, int, float)):
            raise InputError(f"front matter: '{k}' must be text, not {type(meta[k]).__name__}", path, 1)
    return meta


def _text(meta: dict, k: str) -> str | None:
    v = meta.get(k)
    return (str(v).strip() or None) if v is not None else None


def load_override(path: Path, article: Article) -> Override:
    """Read an override and match it to its Chinese article; raise InputError if unusable."""
    meta, blocks = load_post(path)
    _check_meta(meta, path)
    ov = Override(path=path, blocks=[None] * len(article.blocks),
                  **{k: _text(meta, k) for k in ("title", "subtitle", "dateline", "byline", "editor",
                                                  "translator")})
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"cannot read: {e}", path) from None
    items, loose = parse_items(text)
    if not items:
        _old_format(ov, meta, blocks, text, article)
        return ov
    if loose and _COMMENT.sub("", "\n".join(t for _, t in loose)).strip():
        ov.problems.append((loose[0][0], "text before the first <!-- zh … --> marker is not used"))
    _units(ov, meta, article)
    ov.items = items
    _match_blocks(ov, [i for i in items if i.sentence is None and i.unit in (None, "block")], article)
    _match_sentences(ov, [i for i in items if i.sentence is not None], article)
    for i in items:
        if i.sentence is None and i.unit in UNITS:
            ov.problems.append((i.line, f"a whole {i.unit} goes in the front matter ({i.unit}: …); "
                                        "this item is not used"))
    return ov


def _units(ov: Override, meta: dict, article: Article) -> None:
    for u in UNITS:
        human, recorded, current = getattr(ov, u), _text(meta, f"{u}_zh"), getattr(article, u)
        if human and recorded is not None and recorded != (current or "").strip():
            ov.issues.append(HumanIssue("stale", str(ov.path), 1, u, -1, -1, recorded, current or "", human))


def _match_blocks(ov: Override, items: list[_Item], article: Article) -> None:
    zh = [zh_id(b.text) for b in article.blocks]
    sm = difflib.SequenceMatcher(None, [i.hash for i in items], zh, autojunk=False)
    for op, j1, j2, i1, i2 in sm.get_opcodes():
        if op == "equal":
            for k in range(j2 - j1):
                _place(ov, items[j1 + k], i1 + k, article, stale=False)
            continue
        free = list(range(i1, i2))
        for it in items[j1:j2]:
            target = _most_like(it, free, article)
            if target is None:
                en = _english(it)
                if en:
                    ov.issues.append(HumanIssue("orphaned", str(ov.path), it.line, "block",
                                                (it.block if it.block is not None else -1), -1,
                                                it.old_zh, "", en[0].text))
                continue
            free = [f for f in free if f > target]
            _place(ov, it, target, article, stale=True)


def _most_like(it: _Item, free: list[int], article: Article) -> int | None:
    """The changed Chinese block an item whose Chinese changed belongs to (order kept)."""
    if not free or not _english(it):
        return None
    if not it.old_zh:
        return free[0]
    score = {f: difflib.SequenceMatcher(None, it.old_zh, comment_text(article.blocks[f].text)).ratio()
             for f in free}
    best = max(free, key=lambda f: (score[f], -f))
    return best if score[best] >= _SIMILAR else None


def _place(ov: Override, it: _Item, i: int, article: Article, *, stale: bool) -> None:
    en = _english(it)
    if not en:
        return
    zh = article.blocks[i]
    if len(en) > 1:
        ov.problems.append((it.line, f"{len(en)} blocks after one marker; one block per marker "
                                     "(this item is not used)"))
        return
    if en[0].kind != zh.kind:
        ov.problems.append((it.line, f"block {i + 1} is a {en[0].kind} here but a {zh.kind} in the Chinese; "
                                     "this item is not used"))
        return
    ov.blocks[i] = en[0]
    ov.lines[i] = it.line
    if stale:
        ov.issues.append(HumanIssue("stale", str(ov.path), it.line, "block", i, -1,
                                    it.old_zh, zh.text, en[0].text))


def article_sentences(article: Article) -> list[tuple[str, int, int, str]]:
    """Every Chinese sentence as (unit, block, sentence, text): units first, then blocks."""
    out = []
    for u in UNITS:
        for n, s in enumerate(split_sentences(getattr(article, u) or "")):
            out.append((u, -1, n, s))
    for b, blk in enumerate(article.blocks):
        for n, s in enumerate(split_sentences(blk.text)):
            out.append(("block", b, n, s))
    return out


def _match_sentences(ov: Override, items: list[_Item], article: Article) -> None:
    if not items:
        return
    sents = article_sentences(article)
    by_hash: dict[str, list[tuple[str, int, int, str]]] = {}
    for s in sents:
        by_hash.setdefault(zh_id(s[3]), []).append(s)
    for it in items:
        en = _english(it)
        if not en:
            continue
        text = " ".join(b.text for b in en)
        unit = it.unit or "block"
        hint_b = it.block if it.block is not None else -1
        found = by_hash.get(it.hash)
        if not found:
            now = [s for s in sents if s[0] == unit and s[1] == hint_b and s[2] == it.sentence]
            new_zh = now[0][3] if now else ""
            ov.issues.append(HumanIssue("stale" if now else "orphaned", str(ov.path), it.line, unit,
                                        hint_b, it.sentence, it.old_zh, new_zh, text))
            continue
        u, b, n, _ = min(found, key=lambda s: (s[0] != unit, abs(s[1] - hint_b), abs(s[2] - it.sentence)))
        if u == "block" and ov.blocks[b] is not None:
            ov.problems.append((it.line, f"block {b + 1} has a human translation already; "
                                         "this sentence is not used"))
            continue
        ov.sentences.setdefault((u, b), {})[n] = text


def _old_format(ov: Override, meta: dict, blocks: list[Block], text: str, article: Article) -> None:
    """Blocks by position, staleness of the whole article by ``zh_sha256`` (the old format)."""
    ov.old_format = True
    recorded = meta.get("zh_sha256")
    stale = recorded is not None and str(recorded) != article.zh_hash()
    if recorded is None and blocks:
        ov.problems.append((1, "no zh_sha256 and no <!-- zh … --> markers: a later change of the Chinese "
                               f"cannot be noticed; run `build.py human {article.slug} --update` to add them"))
    starts = _block_lines(text)
    zh = article.blocks
    for i, b in enumerate(blocks):
        line = starts[i] if i < len(starts) else None
        if i >= len(zh):
            ov.problems.append((line, f"{len(blocks)} blocks, but the Chinese has {len(zh)}; "
                                      f"the blocks from here on are not used"))
            break
        if b.text.strip() == KEEP_MACHINE:
            continue
        if b.kind != zh[i].kind:
            ov.problems.append((line, f"block {i + 1} is a {b.kind} here but a {zh[i].kind} in the Chinese; "
                                      "the blocks from here on are not used (keep the Chinese file's order; "
                                      f"write {KEEP_MACHINE} for a block left to the machine)"))
            break
        ov.blocks[i] = b
        if line is not None:
            ov.lines[i] = line
    if stale:
        # which blocks changed is not recorded in this format: one item for the whole article
        ov.issues.append(HumanIssue("stale", str(ov.path), 1, "article", -1, -1, OLD_FORMAT, "", ""))


def issue_message(slug: str, issue: HumanIssue) -> str:
    """One line for the build, ``check`` and serve: which item, and the old and new Chinese."""
    where = describe(issue.unit, issue.block, issue.sentence)
    if issue.unit == "article":
        return (f"stale human translation: {slug}: the Chinese changed after this translation was made "
                "(an old-format file records no more than that); check the English, then "
                f"`build.py human {slug} --update` gives every block its own hash")
    if issue.kind == "orphaned":
        return (f"orphaned human translation: {slug}, {where}: its Chinese is gone "
                f"(was: {_short(issue.old_zh)}); the English is not shown")
    return (f"stale human translation: {slug}, {where}: the Chinese changed from "
            f"{_short(issue.old_zh)} to {_short(issue.new_zh)}; update the English and its marker "
            f"(`build.py human {slug} --update` writes the new hash)")


def describe(unit: str, block: int, sentence: int) -> str:
    if unit == "article":
        return "whole article"
    where = f"block {block + 1}" if unit == "block" and block >= 0 else unit
    return where + (f", sentence {sentence + 1}" if sentence is not None and sentence >= 0 else "")


def _short(zh: str, n: int = 40) -> str:
    zh = " ".join((zh or "").split())
    return "“" + (zh if len(zh) <= n else zh[:n] + "…") + "”"


# ---------------------------------------------------------------- scaffold

def _machine_comment(en: str | None, kind: str) -> str:
    if not en:
        return KEEP_MACHINE
    text = (f"## {en}" if kind == "heading" else en).replace("-->", "-- >")
    return f"<!-- machine: {text} -->"


def _yaml_str(v: str | None) -> str:
    import json
    return json.dumps(v or "", ensure_ascii=False)


def scaffold_text(article: Article, machine=None, existing: Override | None = None) -> str:
    """A ``<slug>.en.md`` with every block present: its Chinese and hash in a marker, the
    machine's English as a comment (``machine``: a Translation, optional), so an editor only
    writes English. With ``existing``, its human text is kept in place with the hashes of the
    Chinese it is now matched to (stale items are thereby accepted as updated); orphaned
    items are kept at the end, as they were."""
    ex = existing
    lines = ["---"]
    for u in UNITS:
        zh = getattr(article, u)
        if not zh and not (ex and getattr(ex, u)):
            continue
        human = getattr(ex, u) if ex else None
        en = getattr(machine, u, None) if machine is not None else None
        lines.append(f"{u}: {_yaml_str(human)}" + (f"   # machine: {' '.join(en.split())}" if en and not human else ""))
        lines.append(f"{u}_zh: {_yaml_str(zh)}")
    for k in ("byline", "editor"):
        if ex and getattr(ex, k):
            lines.append(f"{k}: {_yaml_str(getattr(ex, k))}")
    lines.append(f"translator: {_yaml_str(ex.translator if ex else None)}")
    lines += ["---", "",
              "<!-- Write the English under each marker; leave a block's marker alone. A block with only",
              "     comments stays machine-translated. To fix one sentence only, add the sentence's",
              "     marker line (zh HASH bN.sM, printed by `build.py review`) with the English under it. -->", ""]
    fixes = {}
    if ex:
        for (u, b), d in ex.sentences.items():
            for n, en in d.items():
                fixes.setdefault((u, b), {})[n] = en
        for iss in ex.issues:           # a stale sentence fix: accepted for the sentence now in its place
            if iss.kind == "stale" and iss.sentence >= 0:
                fixes.setdefault((iss.unit, iss.block), {})[iss.sentence] = iss.en
    sents = article_sentences(article)
    for u in UNITS:
        for (uu, b, n, zh) in sents:
            if uu == u and n in fixes.get((u, -1), {}):
                lines += [marker(zh, f"{u}.s{n + 1}"), fixes[(u, -1)][n], ""]
    for i, blk in enumerate(article.blocks):
        lines.append(marker(blk.text, f"b{i + 1}"))
        human = ex.blocks[i] if ex else None
        if human is not None:
            lines.append(f"## {human.text}" if human.kind == "heading" else human.text)
        else:
            mb = machine.blocks[i] if machine is not None and i < len(machine.blocks) else None
            lines.append(_machine_comment(mb.text if mb else None, blk.kind))
        lines.append("")
        for (uu, b, n, zh) in sents:
            if uu == "block" and b == i and n in fixes.get(("block", i), {}):
                lines += [marker(zh, f"b{i + 1}.s{n + 1}"), fixes[("block", i)][n], ""]
    if ex:
        kept = [it for it in ex.items if any(iss.kind == "orphaned" and iss.line == it.line for iss in ex.issues)]
        if kept:
            lines.append("<!-- orphaned: the Chinese of the items below is gone; delete them when done -->")
            lines.append("")
        for it in kept:
            hint = ("" if it.unit is None else (f" b{it.block + 1}" if it.unit == "block" else f" {it.unit}")
                    + (f".s{it.sentence + 1}" if it.sentence is not None else ""))
            lines.append(f"<!-- zh {it.hash}{hint}: {it.old_zh} -->")
            lines += [ln for ln in it.body if ln.strip()] + [""]
    return "\n".join(lines).rstrip() + "\n"
