"""How plausible a stretch of Chinese is, in either script: a character bigram model.

The signal is jieba's dictionary (``jieba/dict.txt``, 350,000 words with their
frequencies in a large Simplified corpus): every character of a word counts its
frequency once (unigrams), every pair of adjacent characters inside a word too
(bigrams). A text is scored after OpenCC ``tw2s``, so Traditional text is judged
by the same table as Simplified (``家裏`` scores as ``家里``). A Han character
the dictionary never saw, and any other non-ASCII character that prose does not
use (kana, box drawing, Greek…), gets the floor: a character seen once in the
whole corpus.

The tables are made from ``dict.txt`` on first use (about 1-2 s) and kept as a
``marshal`` file in the cache folder the run's Settings name (``--cache DIR``;
``$DIGEST_CACHE``, default ``~/.cache/digest``, when none is given; 0.1-0.3 s to
load); when that cannot be written they are simply made again next time. The file
is named after ``dict.txt``'s size and content hash, not its time, so every virtual
environment with the same jieba shares it, and writing it removes the tables of any
other ``dict.txt`` (one file of 5 MB, however many environments come and go). The
tables depend only on ``dict.txt``, so a process loads them once: the first
call (``ingest`` passes its cache folder in) decides where the file is read.
"""
from __future__ import annotations

import hashlib
import marshal
import math
import os
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..chars import HAN_RE
from .script import to_simplified

# punctuation and symbols sound Chinese prose uses: scored as a boundary, not as evidence
PROSE_SYMBOLS = frozenset(
    "，。、；：！？“”‘’（）《》〈〉「」『』【】〔〕〖〗…—－～·•×÷±≈≠≤≥∶℃°′″％‰§№★☆●○◎◇◆□■△▲→←↑↓"
    "ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩⅪⅫ①②③④⑤⑥⑦⑧⑨⑩"
    "\u3000＂＃＄＆＇＊＋／＜＝＞＠［＼］＾＿｀｛｜｝￥")
SYMBOL = -3.0            # log probability of a punctuation mark (about one character in twenty)
LAMBDA = 0.7              # weight of the bigram estimate against the unigram one


@dataclass(frozen=True)
class Model:
    uni: dict[str, int]
    bi: dict[str, int]
    total: int

    @property
    def floor(self) -> float:
        return math.log(0.5 / self.total)


def _dict_path() -> Path:
    import importlib.util
    spec = importlib.util.find_spec("jieba")
    if spec is None or spec.origin is None:
        raise RuntimeError("jieba is not installed (it is a dependency of digest)")
    return Path(spec.origin).parent / "dict.txt"


def _build(path: Path) -> tuple[dict[str, int], dict[str, int]]:
    uni: dict[str, int] = {}
    bi: dict[str, int] = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            word, freq, _ = line.split(" ", 2)
            n = int(freq)
            for c in word:
                uni[c] = uni.get(c, 0) + n
            for i in range(len(word) - 1):
                pair = word[i:i + 2]
                bi[pair] = bi.get(pair, 0) + n
    return uni, bi


_LOADED: dict[tuple[str, int, str], Model] = {}      # dict.txt (path, size, hash) -> its tables


def model(cache_dir: Path | None = None) -> Model:
    """The tables, from the cache file in ``cache_dir`` (default: ``default_cache_dir()``) when
    there is one; loaded once per process (see the module docstring)."""
    key = _dict_key()
    m = _LOADED.get(key)
    if m is None:
        m = _LOADED[key] = _load(Path(key[0]), key[1], key[2], cache_dir)
    return m


@lru_cache(maxsize=1)
def _dict_key() -> tuple[str, int, str]:
    return dict_key(_dict_path())


def dict_key(path: Path) -> tuple[str, int, str]:
    """``dict.txt``'s path, size and content hash (5 MB: about 10 ms): what the tables depend on."""
    data = path.read_bytes()
    return str(path), len(data), hashlib.sha256(data).hexdigest()[:16]


def _load(path: Path, size: int, digest: str, cache_dir: Path | None) -> Model:
    from ..settings import default_cache_dir
    folder = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    cache = folder / f"han-bigrams-{size}-{digest}.marshal"
    tables = None
    try:
        with open(cache, "rb") as f:
            tables = marshal.load(f)
    except (OSError, EOFError, ValueError, TypeError):
        tables = None
    if not (isinstance(tables, tuple) and len(tables) == 2):
        tables = _build(path)
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=cache.parent, suffix=".tmp")
            with os.fdopen(fd, "wb") as f:
                marshal.dump(tables, f)
            os.replace(tmp, cache)
            for old in folder.glob("han-bigrams-*.marshal"):   # another dict.txt's: never read again
                if old != cache:
                    old.unlink(missing_ok=True)
        except OSError:
            pass
    uni, bi = tables
    return Model(uni, bi, sum(uni.values()))


def char_count(ch: str) -> int:
    """How often the dictionary's words use ``ch`` or its Simplified form."""
    m = model()
    return max(m.uni.get(ch, 0), m.uni.get(to_simplified(ch), 0))


def logprob(text: str) -> tuple[float, int]:
    """(log probability, number of scored characters) of ``text``, after t2s.

    Han characters are scored by the bigram model (the previous character
    must be Han too); prose punctuation and ASCII are boundaries and cost
    nothing; any other character costs the floor.
    """
    m = model()
    uni, bi, total = m.uni, m.bi, m.total
    denom = total + 0.5 * len(uni)
    floor = m.floor
    score, n, prev = 0.0, 0, ""
    for c in to_simplified(text):
        if c.isascii():
            prev = ""
            continue
        if c in PROSE_SYMBOLS:
            score += SYMBOL
            prev = ""
            continue
        n += 1
        if not HAN_RE.match(c):
            score += floor
            prev = ""
            continue
        p = (1 - LAMBDA) * (uni.get(c, 0) + 0.5) / denom
        if prev and prev in uni:
            p += LAMBDA * bi.get(prev + c, 0) / uni[prev]
        score += math.log(p)
        prev = c
    return score, n


def in_word(pair: str) -> bool:
    """Do two characters (either script) stand next to each other inside a dictionary word?"""
    return model().bi.get(to_simplified(pair), 0) > 0
