"""Read and write content files: YAML front matter + Markdown body.

``content/<slug>.zh.md`` is written by ingest (and may be edited by hand);
``content/<slug>.en.md`` is an optional human translation that wins over the
machine. The body is ``## `` headings and paragraphs, one blank line apart.
"""
from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import frontmatter
import yaml

from .article import Article, Block
from .errors import InputError

ZH_SUFFIX = ".zh.md"
EN_SUFFIX = ".en.md"

SLUG_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,99}")

# front-matter keys of a Chinese content file, in the order they are written
ZH_KEYS = ("slug", "title", "subtitle", "dateline", "byline", "editor", "date",
           "source", "source_sha256", "original_script", "repairs")


def blocks_to_markdown(blocks: list[Block]) -> str:
    out = []
    for b in blocks:
        out.append(f"## {b.text}" if b.kind == "heading" else b.text)
    return "\n\n".join(out) + ("\n" if out else "")


def markdown_to_blocks(body: str) -> list[Block]:
    """Split a body into blocks: ``## `` lines are headings, other runs of lines paragraphs.

    Lines of one paragraph separated by single newlines are joined (without a
    space: this is Chinese text; an English body joins them with a space).
    """
    blocks: list[Block] = []
    para: list[str] = []

    def flush():
        if para:
            blocks.append(Block("paragraph", _join_lines(para)))
            para.clear()

    for raw in body.splitlines():
        line = raw.strip()
        if not line:
            flush()
        elif line.startswith("## ") or line == "##":
            flush()
            blocks.append(Block("heading", line[2:].strip()))
        else:
            para.append(line)
    flush()
    return blocks


def _join_lines(lines: list[str]) -> str:
    out = lines[0]
    for nxt in lines[1:]:
        if out and out[-1].isascii() and nxt[:1].isascii():
            out += " " + nxt
        else:
            out += nxt
    return out


def dump_article(article: Article) -> str:
    meta = {}
    for key in ZH_KEYS:
        value = getattr(article, key)
        if value in (None, "", {}):
            continue
        meta[key] = value
    post = frontmatter.Post(blocks_to_markdown(article.blocks), **meta)
    return frontmatter.dumps(post, sort_keys=False, allow_unicode=True, width=10_000) + "\n"


def _load_post(path: Path) -> frontmatter.Post:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        line = path.read_bytes()[: e.start].count(b"\n") + 1
        raise InputError(f"not valid UTF-8 ({e.reason})", path, line) from None
    except OSError as e:
        raise InputError(f"cannot read: {e.strerror}", path) from None
    try:
        return frontmatter.loads(text)
    except yaml.YAMLError as e:
        # the mark where the broken construct starts is the line to look at
        mark = getattr(e, "context_mark", None) or getattr(e, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise InputError(f"bad front matter: {problem}", path, line) from None


def _str_field(meta: dict, key: str, path: Path, required: bool = False) -> str | None:
    value = meta.get(key)
    if value is None or value == "":
        if required:
            raise InputError(f"front matter: '{key}' is missing", path, 1)
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool) or hasattr(value, "isoformat"):
        return str(value)
    if not isinstance(value, str):
        raise InputError(f"front matter: '{key}' must be text, not {type(value).__name__}", path, 1)
    return value


def load_article(path: Path) -> Article:
    post = _load_post(path)
    meta = post.metadata
    unknown = sorted(set(meta) - set(ZH_KEYS))
    if unknown:
        raise InputError(f"front matter: unknown key(s) {', '.join(map(repr, unknown))}; "
                         f"known keys are {', '.join(ZH_KEYS)}", path, 1)
    slug = _str_field(meta, "slug", path) or path.name[: -len(ZH_SUFFIX)]
    if not SLUG_RE.fullmatch(slug):
        raise InputError(f"front matter: slug {slug[:80]!r} is not usable in a URL; use lower-case "
                         "ASCII letters, digits and hyphens (at most 100), e.g. 'jingkou-news'", path, 1)
    repairs = meta.get("repairs") or {}
    if not isinstance(repairs, dict) or not all(isinstance(v, int) for v in repairs.values()):
        raise InputError("front matter: 'repairs' must map names to counts", path, 1)
    script = _str_field(meta, "original_script", path) or "simplified"
    if script not in ("simplified", "traditional"):
        raise InputError("front matter: 'original_script' must be simplified or traditional", path, 1)
    return Article(
        slug=slug,
        title=_str_field(meta, "title", path, required=True),
        subtitle=_str_field(meta, "subtitle", path),
        dateline=_str_field(meta, "dateline", path),
        byline=_str_field(meta, "byline", path),
        editor=_str_field(meta, "editor", path),
        date=_str_field(meta, "date", path),
        source=_str_field(meta, "source", path),
        source_sha256=_str_field(meta, "source_sha256", path),
        original_script=script,
        repairs=dict(repairs),
        blocks=markdown_to_blocks(post.content),
        path=path,
    )


def load_post(path: Path) -> tuple[dict, list[Block]]:
    """Front matter and blocks of any content file (used for English overrides)."""
    post = _load_post(path)
    return dict(post.metadata), markdown_to_blocks(post.content)


def atomic_write_text(path: Path, text: str) -> bool:
    """Write ``text`` to ``path`` via a temporary file and rename; False if unchanged."""
    path = Path(path)
    data = text.encode("utf-8")
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return True


def content_files(content_dir: Path) -> list[str]:
    """The paths of the Chinese content files of a folder, sorted by name (deterministic); as
    strings: a large site's rebuild stats each, and pathlib would cost more than the stat."""
    if not content_dir.is_dir():
        return []
    with os.scandir(content_dir) as entries:       # (file types from the listing: no stat each)
        return sorted(e.path for e in entries if e.name.endswith(ZH_SUFFIX) and e.is_file())


def orphan_files(content_dir: Path, slugs: set[str]) -> list[Path]:
    """The English files (``<slug>.en.md``) of a folder whose article is not among ``slugs``."""
    if not content_dir.is_dir():
        return []
    with os.scandir(content_dir) as entries:
        return sorted(Path(e.path) for e in entries
                      if e.name.endswith(EN_SUFFIX) and e.name[: -len(EN_SUFFIX)] not in slugs)
