"""The site config file, ``digest.toml``: read with the standard library's tomllib, checked
against a schema, and turned into keyword arguments for :class:`digest.settings.Settings`.

Command-line flags override it (the CLI passes only the flags that were given). Unknown keys
and values of the wrong type are errors naming the file and the key's line: tomllib gives line
numbers for syntax errors only, so :func:`key_line` finds a key's line in the text itself.
"""
from __future__ import annotations

import re
from pathlib import Path

from .errors import BuildError

CONFIG_NAME = "digest.toml"
DEVICES = ("auto", "cpu", "cuda")

# section -> key -> (expected type, Settings attribute, check or None)
# A "path" is a string, relative to the config file's folder.
_NONNEG = (lambda v: v >= 0, "must be 0 or more")
SCHEMA: dict[str, dict[str, tuple[str, str, tuple | None]]] = {
    "site": {
        "title_zh": ("str", "site_title_zh", (lambda v: v.strip() != "", "must not be empty")),
        "title_en": ("str", "site_title_en", (lambda v: v.strip() != "", "must not be empty")),
        "base_url": ("str", "base_url", (lambda v: re.match(r"https?://[^/\s]+", v) is not None,
                                         "must be an absolute http(s) URL")),
        "per_page": ("int", "per_page", _NONNEG),
        "feed_size": ("int", "feed_size", _NONNEG),
        "keyword_page_min": ("int", "keyword_page_min", (lambda v: v >= 1, "must be 1 or more")),
        "epub": ("bool", "epub", None),
    },
    "theme": {
        "name": ("str", "theme", (lambda v: v.strip() != "", "must not be empty")),
        "dir": ("path", "themes_dir", None),
    },
    "paths": {
        "seeds": ("path", "seeds_dir", None),
        "content": ("path", "content_dir", None),
        "output": ("path", "output_dir", None),
        "cache": ("path", "cache_dir", None),
        "tm": ("path", "tm_path", None),
    },
    "translate": {
        "model": ("path", "model_path", None),
        "beam": ("int", "beam", (lambda v: v >= 1, "must be 1 or more")),
        "device": ("str", "device", (lambda v: v in DEVICES, "must be one of " + ", ".join(DEVICES))),
        "tm_in_content": ("bool", "tm_in_content", None),
    },
}

_TYPE_NAMES = {"str": "a string", "path": "a string (a path)", "int": "an integer", "bool": "true or false"}


def _type_ok(kind: str, value: object) -> bool:
    if kind in ("str", "path"):
        return isinstance(value, str)
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "bool":
        return isinstance(value, bool)
    raise ValueError(kind)


_HEADER = re.compile(r'^\s*\[\s*("(?:[^"\\]|\\.)*"|[A-Za-z0-9_-]+)\s*\]\s*(?:#.*)?$')
_KEY = re.compile(r'^\s*("(?:[^"\\]|\\.)*"|\'[^\']*\'|[A-Za-z0-9_-]+)\s*=')


def _unquote(k: str) -> str:
    return k[1:-1] if k[:1] in "\"'" and k[-1:] == k[:1] else k


def key_line(text: str, section: str | None, key: str | None = None) -> int | None:
    """The 1-based line of ``key`` in table ``[section]`` (or of the ``[section]`` header when
    ``key`` is None; ``section`` None is the top level, before any header), found by scanning
    the text: tomllib gives no positions for values. None when it cannot be told (a key
    written as a dotted key or inside an inline table)."""
    current: str | None = None
    in_multiline: str | None = None
    for n, line in enumerate(text.splitlines(), 1):
        if in_multiline:                                    # inside a ''' or """ string
            if in_multiline in line:
                in_multiline = None
            continue
        m = _HEADER.match(line)
        if m:
            current = _unquote(m.group(1))
            if key is None and current == section:
                return n
            continue
        m = _KEY.match(line)
        if m:
            rest = line[m.end():].lstrip()
            for q in ('"""', "'''"):
                if rest.startswith(q) and rest.count(q) == 1:
                    in_multiline = q
            if key is not None and current == section and _unquote(m.group(1)) == key:
                return n
            if key is None and section is not None and current is None and _unquote(m.group(1)) == section:
                return n                                    # section = { ... } as an inline table
    return None


def parse_config(text: str, path: Path | str) -> dict:
    """Settings keyword arguments from the text of a config file; paths resolved against the
    file's folder. Raises BuildError naming the file and line of the first problem."""
    import tomllib                # (here: a site without a config file never needs it)
    path = Path(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        line = getattr(e, "lineno", None)
        if line is None:
            m = re.search(r"line (\d+)", str(e))
            line = int(m.group(1)) if m else None
        msg = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(e))
        raise BuildError(f"not valid TOML: {msg}", path=path, line=line) from None
    base = path.parent
    out: dict = {}
    for section, table in data.items():
        if section not in SCHEMA:
            raise BuildError(f"unknown section [{section}] (known: {', '.join(SCHEMA)})",
                             path=path, line=key_line(text, section) or key_line(text, None, section))
        if not isinstance(table, dict):
            raise BuildError(f"'{section}' must be a table ([{section}])",
                             path=path, line=key_line(text, None, section))
        schema = SCHEMA[section]
        for key, value in table.items():
            line = key_line(text, section, key)
            if key not in schema:
                raise BuildError(f"unknown key '{key}' in [{section}] (known: {', '.join(schema)})",
                                 path=path, line=line)
            kind, attr, check = schema[key]
            if not _type_ok(kind, value):
                raise BuildError(f"[{section}] {key} must be {_TYPE_NAMES[kind]}, not {type(value).__name__} "
                                 f"({value!r})", path=path, line=line)
            if check is not None and not check[0](value):
                raise BuildError(f"[{section}] {key} {check[1]} (got {value!r})", path=path, line=line)
            out[attr] = (base / Path(value).expanduser()) if kind == "path" else value
    return out


def find_config(root: Path) -> Path | None:
    p = Path(root) / CONFIG_NAME
    return p if p.is_file() else None


def load_config(path: Path) -> dict:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise BuildError(f"cannot read the config file: {e.strerror}", path=path) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise BuildError("the config file is not UTF-8", path=path,
                         line=raw[:e.start].count(b"\n") + 1) from None
    return parse_config(text, path)
