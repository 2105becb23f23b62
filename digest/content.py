"""Read and write content files: YAML front matter + Markdown body.

``content/<slug>.zh.md`` is written by ingest (and may be edited by hand);
``content/<slug>.en.md`` is an optional human translation that wins over the
machine. The body is ``## `` headings and paragraphs, one blank line apart.
"""
from __future__ import annotations

import datetime
import os
import re
import stat
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml
import yaml.composer
import yaml.constructor

from .article import Article, Block
from .errors import InputError

ZH_SUFFIX = ".zh.md"
EN_SUFFIX = ".en.md"

SLUG_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,99}")

# front-matter keys of a Chinese content file, in the order they are written
ZH_KEYS = ("slug", "title", "subtitle", "dateline", "byline", "editor", "date",
           "source", "source_sha256", "source_time", "original_script", "repairs",
           "unrepaired", "tags", "source_url", "publication", "draft")


def has_words(text: str) -> bool:
    """Whether a title holds a letter or a digit of any script: one made only of punctuation
    and symbols (``！！！``, ``【】``) names nothing."""
    return any(unicodedata.category(c)[0] in "LN" for c in text)


# a line that would read as a heading: ``## `` or ``##`` alone, after any backslashes (one
# more backslash is written before a paragraph line that starts so, and taken off on reading)
_HEADING_LOOK = re.compile(r"\\*##(?: |$)")


def blocks_to_markdown(blocks: list[Block]) -> str:
    out = []
    for b in blocks:
        if b.kind == "heading":
            out.append(f"## {b.text}")
        else:
            out.append("\\" + b.text if _HEADING_LOOK.match(b.text) else b.text)
    return "\n\n".join(out) + ("\n" if out else "")


def markdown_to_blocks(body: str) -> list[Block]:
    """Split a body into blocks: ``## `` lines are headings, other runs of lines paragraphs.

    Lines of one paragraph separated by single newlines are joined (without a
    space: this is Chinese text; an English body joins them with a space). A line
    ``\\## …`` is a paragraph line ``## …`` (the backslash is taken off).
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
        elif line.startswith("\\") and _HEADING_LOOK.match(line, 1):
            para.append(line[1:])
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
        if value is None or value is False or value in ("", {}, []):
            continue
        meta[key] = [{"line": n, "run": run} for n, run in value] if key == "unrepaired" else value
    import frontmatter            # (here: a build that only reads content never needs it)
    post = frontmatter.Post(blocks_to_markdown(article.blocks), **meta)
    return frontmatter.dumps(post, sort_keys=False, allow_unicode=True, width=10_000) + "\n"


class _FrontMatterLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """YAML for front matter: plain data only. Aliases are refused (see parse_yaml); nothing is
    read as a timestamp (``date`` is validated as text, so ``2025-02-30`` is an error with its
    line, not a traceback); a value that a constructor cannot make is an error at its node.
    libyaml's parser when it is there: ten times faster than PyYAML's own (0.1 ms against
    1 ms for a content file's front matter), which a large site's clean build feels."""

    def construct_object(self, node, deep=False):
        try:
            return super().construct_object(node, deep)
        except (ValueError, TypeError, OverflowError) as e:      # e.g. ``!!int 0xZZ``
            raise yaml.constructor.ConstructorError(None, None, f"cannot read {node.value!r}: {e}",
                                                    node.start_mark) from None


def _refuse_aliases(root: yaml.Node) -> None:
    """Raise at the first node reached twice: an alias (``*name``) is the node of its anchor
    again. Content files never need one, and nested aliases (a YAML "bomb": nine lines that
    expand to 387 million strings) cost minutes and gigabytes once anything walks the value.
    Each node is visited once, so a bomb is refused at its cost as text."""
    seen: set[int] = set()
    todo = [root]
    while todo:
        node = todo.pop()
        if id(node) in seen:
            raise yaml.composer.ComposerError(
                None, None, "anchors and aliases (&name, *name) are not allowed in front matter",
                node.start_mark)
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            todo.extend(reversed(node.value))
        elif isinstance(node, yaml.MappingNode):
            for k, v in reversed(node.value):
                todo.extend((v, k))


_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_FrontMatterLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != _TIMESTAMP]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}
_FrontMatterLoader.add_constructor(_TIMESTAMP, yaml.SafeLoader.construct_yaml_str)

_FM_START = re.compile(r"---[ \t]*\r?\n")
_FM_END = re.compile(r"^---[ \t]*\r?$", re.MULTILINE)


def parse_yaml(text: str) -> tuple[object, dict[str, int]]:
    """A front-matter block's data and, for a mapping, the 0-based line of each of its keys
    within ``text``. Raises yaml.YAMLError (with a mark) or RecursionError."""
    loader = _FrontMatterLoader(text)
    try:
        node = loader.get_single_node()
        if node is not None:
            _refuse_aliases(node)
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    lines: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for k, _v in node.value:
            if isinstance(k, yaml.ScalarNode):
                lines.setdefault(k.value, k.start_mark.line)
    return data, lines


@dataclass
class _Post:
    meta: dict
    lines: dict[str, int]        # 1-based line in the file of each front-matter key
    content: str

    def line(self, key: str) -> int:
        return self.lines.get(key, 1)


def split_front_matter(text: str) -> tuple[str | None, int, str]:
    """(front matter or None, the file line its first line is on, body)."""
    stripped = text.lstrip()
    offset = text[: len(text) - len(stripped)].count("\n")
    m = _FM_START.match(stripped)
    if not m:
        return None, 1, text.strip()
    end = _FM_END.search(stripped, m.end())
    if not end:
        return None, 1, text.strip()
    return stripped[m.end(): end.start()], offset + 2, stripped[end.end():].strip()


def _load_post(path: Path) -> _Post:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        line = path.read_bytes()[: e.start].count(b"\n") + 1
        raise InputError(f"not valid UTF-8 ({e.reason})", path, line) from None
    except OSError as e:
        raise InputError(f"cannot read: {e.strerror}", path) from None
    fm, first, body = split_front_matter(text)
    if fm is None:
        return _Post({}, {}, body)
    try:
        meta, lines = parse_yaml(fm)
    except yaml.YAMLError as e:
        # the mark where the broken construct starts is the line to look at
        mark = getattr(e, "context_mark", None) or getattr(e, "problem_mark", None)
        line = mark.line + first if mark is not None else 1
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise InputError(f"bad front matter: {problem}", path, line) from None
    except RecursionError:
        raise InputError("bad front matter: nested too deeply", path, first) from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise InputError(f"bad front matter: 'key: value' lines expected, not a {type(meta).__name__}",
                         path, first)
    return _Post(meta, {k: v + first for k, v in lines.items()}, body)


def _str_field(post: _Post, key: str, path: Path, required: bool = False) -> str | None:
    value = post.meta.get(key)
    if value is None or value == "":
        if required:
            raise InputError(f"front matter: '{key}' is missing", path, 1)
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise InputError(f"front matter: '{key}' must be text, not {type(value).__name__}", path, post.line(key))
    return value


# (format, how to write it, parser): a date, and a time in UTC
DATE = (re.compile(r"\d{4}-\d{2}-\d{2}"), "YYYY-MM-DD, e.g. 2025-07-20", datetime.date.fromisoformat)
UTC_TIME = (re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z"),
            "YYYY-MM-DDThh:mm:ssZ (UTC), e.g. 2025-07-20T08:30:00Z", datetime.datetime.fromisoformat)


def date_problem(text: str, kind=DATE) -> str | None:
    """Why ``text`` is not a date (or, with ``kind=UTC_TIME``, a time) of the calendar in
    the one form content files use, or None when it is one (``2025-02-30`` is not)."""
    form, how, parse = kind
    if not form.fullmatch(text):
        return f"write it as {how}"
    try:
        parse(text)
    except ValueError as e:
        return str(e)
    return None


def _date_field(post: _Post, key: str, path: Path, kind) -> str | None:
    value = post.meta.get(key)
    if value is None or value == "":
        return None
    problem = date_problem(value, kind) if isinstance(value, str) else "it is not text"
    if problem:
        raise InputError(f"front matter: '{key}' is not a valid date: {str(value)[:40]!r} ({problem})",
                         path, post.line(key))
    return value


URL_RE = re.compile(r"https?://[^\s/?#]+[^\s]*")


def _url_field(post: _Post, key: str, path: Path) -> str | None:
    value = _str_field(post, key, path)
    if value is not None and not URL_RE.fullmatch(value.strip()):
        raise InputError(f"front matter: '{key}' must be an http(s) URL, e.g. https://example.org/news/1.html, "
                         f"not {value[:60]!r}", path, post.line(key))
    return value.strip() if value is not None else None


def _tags_field(post: _Post, path: Path) -> list[str]:
    """``tags``: a list of words (or one word), each with a letter or digit; repeats dropped."""
    value = post.meta.get("tags")
    if value is None or value == "":
        return []
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list):
        raise InputError(f"front matter: 'tags' must be a list, e.g. [京口, 数字经济], "
                         f"not {type(value).__name__}", path, post.line("tags"))
    tags: list[str] = []
    for t in items:
        if isinstance(t, (int, float)) and not isinstance(t, bool):
            t = str(t)
        if not isinstance(t, str) or not has_words(t) or "\n" in t or len(t.strip()) > 40:
            raise InputError(f"front matter: tag {str(t)[:40]!r} is not usable: a tag is a word or a short "
                             "phrase on one line (at most 40 characters)", path, post.line("tags"))
        t = " ".join(t.split())
        if t not in tags:
            tags.append(t)
    return tags


def _bool_field(post: _Post, key: str, path: Path) -> bool:
    value = post.meta.get(key)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise InputError(f"front matter: '{key}' must be true or false, not {str(value)[:40]!r}",
                         path, post.line(key))
    return value


def _unrepaired_field(post: _Post, path: Path) -> list[tuple[int, str]]:
    """``unrepaired``: what ingest found damaged and kept, a list of ``{line: N, run: TEXT}``
    (the source line and the run as written there)."""
    value = post.meta.get("unrepaired")
    if value is None:
        return []
    ok = isinstance(value, list) and all(
        isinstance(v, dict) and set(v) == {"line", "run"} and type(v["line"]) is int and v["line"] >= 1
        and isinstance(v["run"], str) and v["run"] for v in value)
    if not ok:
        raise InputError("front matter: 'unrepaired' must be a list of {line: N, run: TEXT} "
                         "(a source line number from 1, and the damaged text)", path, post.line("unrepaired"))
    return [(v["line"], v["run"]) for v in value]


def load_article(path: Path) -> Article:
    post = _load_post(path)
    meta = post.meta
    unknown = sorted(set(meta) - set(ZH_KEYS))
    if unknown:
        raise InputError(f"front matter: unknown key(s) {', '.join(map(repr, unknown))}; "
                         f"known keys are {', '.join(ZH_KEYS)}", path, post.line(unknown[0]))
    slug = _str_field(post, "slug", path) or path.name[: -len(ZH_SUFFIX)]
    if not SLUG_RE.fullmatch(slug):
        raise InputError(f"front matter: slug {slug[:80]!r} is not usable in a URL; use lower-case "
                         "ASCII letters, digits and hyphens (at most 100), e.g. 'jingkou-news'", path,
                         post.line("slug"))
    repairs = meta.get("repairs") or {}
    if not isinstance(repairs, dict) or not all(isinstance(v, int) for v in repairs.values()):
        raise InputError("front matter: 'repairs' must map names to counts", path, post.line("repairs"))
    unrepaired = _unrepaired_field(post, path)
    script = _str_field(post, "original_script", path) or "simplified"
    if script not in ("simplified", "traditional"):
        raise InputError("front matter: 'original_script' must be simplified or traditional", path,
                         post.line("original_script"))
    title = _str_field(post, "title", path, required=True)
    if not has_words(title):
        raise InputError(f"front matter: the title {title[:40]!r} has no words, only punctuation or symbols",
                         path, post.line("title"))
    return Article(
        slug=slug,
        title=title,
        subtitle=_str_field(post, "subtitle", path),
        dateline=_str_field(post, "dateline", path),
        byline=_str_field(post, "byline", path),
        editor=_str_field(post, "editor", path),
        date=_date_field(post, "date", path, DATE),
        source_time=_date_field(post, "source_time", path, UTC_TIME),
        source=_str_field(post, "source", path),
        source_sha256=_str_field(post, "source_sha256", path),
        original_script=script,
        repairs=dict(repairs),
        unrepaired=unrepaired,
        blocks=markdown_to_blocks(post.content),
        path=path,
        tags=_tags_field(post, path),
        source_url=_url_field(post, "source_url", path),
        publication=_str_field(post, "publication", path),
        draft=_bool_field(post, "draft", path),
    )


def load_post(path: Path) -> tuple[dict, list[Block]]:
    """Front matter and blocks of any content file (used for English overrides)."""
    post = _load_post(path)
    return dict(post.meta), markdown_to_blocks(post.content)


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
        # mkstemp makes the file 0600; give it the mode an editor would: the old file's, or
        # the umask's for a new one
        try:
            mode = stat.S_IMODE(os.stat(path).st_mode)
        except OSError:
            mode = 0o666 & ~current_umask()
        os.fchmod(fd, mode)
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


def current_umask() -> int:
    """The process's umask, read without changing it (``os.umask`` can only set it, and a
    set-and-restore would race with threads: ``watch`` builds in one)."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    old = os.umask(0o022)
    os.umask(old)
    return old


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
