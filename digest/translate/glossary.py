"""The glossary: Chinese terms the model must render a fixed way (names, places).

``content/glossary.toml`` maps terms to English::

    [terms]
    "镇江" = "Zhenjiang"
    "京口区" = "Jingkou District"

    [names]          # people: romanised with pypinyin unless given here
    "薛诚" = ""      # empty: romanise ("Xue Cheng")

Terms are protected through the model by placeholders: each occurrence
(longest match first, so 京口经开区 wins over 京口) becomes a four-letter
uppercase token such as ``QZAA`` that the model copies through (78 of 84 in a
test, better than inline English or ``<x1>`` tags); terms side by side share
one placeholder. After translation the tokens are replaced by the English
terms. A sentence whose output lost or invented a token is translated again with
the English terms inline, and :func:`check_terms` reports any term still missing.
"""
from __future__ import annotations

import re
import string
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from .romanise import romanise_name

_TOKEN = re.compile(r"\bQ\s?Z\s?([A-Z])\s?([A-Z])\b", re.IGNORECASE)
_IN_TOKEN = re.compile(r"(?<![A-Za-z])QZ[A-Z]{2}(?![A-Za-z])")
# what a mangled placeholder looks like (QZAAA, ZAB, QAB, QZ): never shown to a reader
# (uppercase only, but for QZ: "Qing", "Quiz" and "Zoo" are words)
# and the model's lower-cased copies ("Qaaa", "QaAB" for QZAA, QZAB): Q then no i or u, which
# every English or pinyin word starting with Q has (Qi, Qu, Quiz; Qatar is five letters)
_DEBRIS = re.compile(r"\b(?:(?i:QZ[A-Z]{0,4})|Q[A-Z]{2,3}|Z[A-Z]{2}|Q[a-hj-tv-z][A-Za-z]{2}"
                     r"|Q(?=[\s.,;:!?]|$))\b")


@dataclass
class Glossary:
    terms: dict[str, str] = field(default_factory=dict)     # zh -> en
    _pattern: re.Pattern | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.terms = {k.strip(): v.strip() for k, v in self.terms.items() if k.strip() and v.strip()}
        if self.terms:
            alts = sorted(self.terms, key=lambda t: (-len(t), t))
            self._pattern = re.compile("|".join(map(re.escape, alts)))

    def with_terms(self, extra: dict[str, str]) -> "Glossary":
        """A glossary with ``extra`` added (existing entries win)."""
        merged = dict(extra)
        merged.update(self.terms)
        return Glossary(merged)

    def with_names(self, names: dict[str, str], sentence: str) -> "Glossary":
        """This glossary plus automatic ``names`` for ``sentence``: the glossary wins, so a name
        that is a glossary term, or that overlaps a glossary term in the sentence, is dropped."""
        if not names:
            return self
        taken = [(m.start(), m.end()) for m in self.find(sentence)]
        extra = {}
        for zh, en in names.items():
            if zh in self.terms:
                continue
            spans = [(m.start(), m.start() + len(zh)) for m in re.finditer(re.escape(zh), sentence)]
            if any(a < e and s < b for a, b in spans for s, e in taken):
                continue
            extra[zh] = en
        return self.with_terms(extra) if extra else self

    def find(self, text: str) -> list[re.Match]:
        return list(self._pattern.finditer(text)) if self._pattern else []

    def entries_in(self, text: str) -> list[tuple[str, str]]:
        """The (zh, en) entries a sentence uses, sorted: part of its translation-memory key."""
        return sorted({(m.group(), self.terms[m.group()]) for m in self.find(text)})


def token_name(i: int) -> str:
    """0 -> QZAA, 1 -> QZAB, ... (676 distinct tokens per sentence)."""
    a, b = divmod(i, 26)
    return "QZ" + string.ascii_uppercase[a % 26] + string.ascii_uppercase[b]


def token_counts(protected: str) -> dict[str, int]:
    """How often each placeholder occurs in the model's input.

    Tokens there sit between Chinese characters, which are word characters to
    ``re`` (``\\b`` never matches inside ``的QZAA在``): only ASCII letters bound them.
    """
    counts: dict[str, int] = {}
    for m in _IN_TOKEN.finditer(protected):
        t = m.group()
        counts[t] = counts.get(t, 0) + 1
    return counts


def protect(sentence: str, glossary: Glossary, merge: bool = True) -> tuple[str, dict[str, str]]:
    """Replace glossary terms by tokens; return (text for the model, token -> English).

    Terms that follow each other with nothing between them (京口区谏壁街道) share one token
    ("Jingkou District Jianbi Subdistrict"): two placeholders side by side are where the
    model most often drops one. ``merge=False``: a token each, separated by a space (a retry)."""
    matches = glossary.find(sentence)
    if not matches:
        return sentence, {}
    groups: list[tuple[int, int, list[str]]] = []
    for m in matches:
        if merge and groups and groups[-1][1] == m.start():
            groups[-1] = (groups[-1][0], m.end(), groups[-1][2] + [m.group()])
        else:
            groups.append((m.start(), m.end(), [m.group()]))
    out: list[str] = []
    mapping: dict[str, str] = {}
    by_term: dict[str, str] = {}
    pos = 0
    for start, end, terms in groups:
        key = "".join(terms)
        tok = by_term.get(key)
        if tok is None:
            tok = by_term[key] = token_name(len(by_term))
            mapping[tok] = " ".join(glossary.terms[t] for t in terms)
        if out and start == pos and out[-1].startswith("QZ"):
            out.append(" ")                  # (merge=False) adjacent placeholders keep a separator
        out.append(sentence[pos:start])
        out.append(tok)
        pos = end
    out.append(sentence[pos:])
    return "".join(x for x in out if x), mapping


def inline(sentence: str, glossary: Glossary) -> str:
    """Fallback: the English terms written into the Chinese (73 of 84 survive)."""
    if not glossary.terms:
        return sentence
    return glossary._pattern.sub(lambda m: f" {glossary.terms[m.group()]} ", sentence).strip()


def restore(output: str, mapping: dict[str, str], counts: dict[str, int] | None = None) -> tuple[str, bool]:
    """Put the English terms back; False when a token was lost, repeated, mangled or invented.

    ``counts``: how often each token occurs in the model's input (default once each).
    """
    seen: dict[str, int] = {}
    ok = True

    def sub(m: re.Match) -> str:
        nonlocal ok
        tok = ("QZ" + m.group(1) + m.group(2)).upper()
        if tok not in mapping:
            ok = False
            return ""
        seen[tok] = seen.get(tok, 0) + 1
        return mapping[tok]

    text = _TOKEN.sub(sub, output)
    want = counts or {t: 1 for t in mapping}
    if any(seen.get(t, 0) != n for t, n in want.items()):
        ok = False
    if mapping and _DEBRIS.search(text):
        ok = False
    text = re.sub(r"\s{2,}", " ", text).strip()
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    return text, ok


def has_debris(text: str) -> bool:
    return bool(_DEBRIS.search(text))


def strip_debris(text: str) -> str:
    return re.sub(r"\s{2,}", " ", _DEBRIS.sub("", text)).strip()


def check_terms(english: str, entries: list[tuple[str, str]], source: str | None = None) -> list[str]:
    """Glossary English terms missing from a translation (case-insensitive).

    With ``source`` (the Chinese), a term the Chinese uses n times must appear
    at least n times (so one correct "Jingkou" cannot hide a garbled second one).
    """
    low = english.lower()
    missing = []
    for zh, en in entries:
        need = 1
        if source is not None:
            need = sum(1 for m in Glossary({z: e for z, e in entries}).find(source) if m.group() == zh)
        if low.count(en.lower()) < max(1, need):
            missing.append(en)
    return missing


def load_glossary(path: Path) -> Glossary:
    """Read ``glossary.toml`` (or ``.yaml``); a broken file is an error naming its line."""
    path = Path(path)
    if not path.exists():
        yaml_path = path.with_suffix(".yaml")
        if not yaml_path.exists():
            return Glossary()
        path = yaml_path
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"cannot read glossary: {e}", path) from None
    if path.suffix in (".yaml", ".yml"):
        import yaml
        try:
            data = yaml.safe_load(raw) or {}
        except yaml.YAMLError as e:
            mark = getattr(e, "problem_mark", None)
            raise InputError(f"bad glossary: {getattr(e, 'problem', e)}", path,
                             mark.line + 1 if mark else None) from None
    else:
        try:
            data = tomllib.loads(raw)
        except tomllib.TOMLDecodeError as e:
            m = re.search(r"line (\d+)", str(e))
            raise InputError(f"bad glossary: {e}", path, int(m.group(1)) if m else None) from None
    if not isinstance(data, dict):
        raise InputError("glossary must be a table of [terms] and [names]", path, 1)
    unknown = set(data) - {"terms", "names"}
    if unknown:
        raise InputError(f"glossary: unknown table(s) {sorted(unknown)}; use [terms] and [names]", path, 1)
    terms: dict[str, str] = {}
    for table in ("terms", "names"):
        section = data.get(table) or {}
        if not isinstance(section, dict):
            raise InputError(f"glossary: [{table}] must map Chinese to English", path, _line_of(raw, table))
        for zh, en in section.items():
            if not isinstance(en, str):
                raise InputError(f"glossary: the English for {zh!r} must be text", path, _line_of(raw, zh))
            if table == "names" and not en.strip():
                en = romanise_name(zh)
            terms[str(zh)] = en
    return Glossary(terms)


def _line_of(raw: str, needle: str) -> int | None:
    for i, line in enumerate(raw.splitlines(), 1):
        if needle in line:
            return i
    return None
