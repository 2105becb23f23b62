"""Chinese word segmentation: one :class:`Segmenter` per build, used by every stage.

The build (``digest.site.make_segmenter``) makes one, with the glossary's terms (so that
京口经开区 stays one word, not 经 + 开区) and its cache folder, and passes it to the keyword
stage, the pinyin readings and the search index. Nothing here is set from outside.

Words come from ``rjieba`` (jieba-rs: jieba's algorithm and dictionary in Rust; here 5 times
faster than jieba to segment and tag, and to load). Its words are jieba's accurate-mode words
(HMM on) but for two differences, undone here: it keeps a run like ``2020-07-26`` or
``www.gov.cn`` whole where jieba splits it at the punctuation (:func:`_jieba_pieces`), and it
counts the CJK extension characters as Chinese where jieba does not (such a line goes
through jieba's own loop, :meth:`Segmenter._tagged_blocks`). With that, the words are
jieba's on every line measured (``bench/segment_agreement.py``: the 1,948 WMT21 lines; the
1,000-article benchmark corpus; 200,000 random mixed strings). Parts of speech are the
dictionary's (``None`` for a word it does not have, the glossary's new terms included).

jieba itself is still used for what rjieba lacks: the IDF weights of its TF-IDF
(``jieba/analyse/idf.txt``, read through the SQLite lexicon of :mod:`digest.lexicon`), the
frequency jieba gives a glossary term (:meth:`Segmenter.freq`), and the tables of
jieba.posseg's HMM, which :mod:`digest.postag` runs on rjieba's words for the names finder
(:meth:`Segmenter.pos_tagged`, without importing jieba.posseg).
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .chars import HAN_RE as _HAN
from .settings import default_cache_dir

# jieba's own patterns: the characters it segments (jieba.re_han_default) and the spaces it
# keeps (re_skip_default), what its HMM counts as Chinese and how it splits the rest (finalseg)
_JIEBA_BLOCK = re.compile("([\u4E00-\u9FD5a-zA-Z0-9+#&\\._%\\-]+)")
_JIEBA_SPACE = re.compile("(\r\n|\\s)")
_JIEBA_HAN = re.compile(r"[\u4E00-\u9FD5]")
_JIEBA_SKIP = re.compile(r"([a-zA-Z0-9]+(?:\.\d+)?%?)")
# what rjieba (jieba-rs) segments as Chinese and jieba does not: the CJK extensions
_RJIEBA_ONLY_HAN = re.compile("[\u3400-\u4DBF\u9FD6-\u9FFF\uF900-\uFAFF\U00020000-\U0002FA1F]")
_MEMO_LINES = 200_000          # segmented lines kept (a long watch session starts again after)


def _jieba_pieces(word: str) -> list[str]:
    """jieba's words for one of rjieba's that the dictionary lacks: a run without Chinese that
    mixes letters or digits with other characters (2020-07-26) is cut into its alphanumeric
    runs and the rest, as jieba's HMM stage does; anything else is already jieba's word."""
    if len(word) < 2 or _JIEBA_HAN.search(word) or _JIEBA_SKIP.fullmatch(word) or word.isspace():
        return [word]
    return [p for p in _JIEBA_SKIP.split(word) if p]


Word = tuple[str, "str | None", bool]      # a word, its dictionary tag (or None), whether known


@dataclass
class Idf:
    """jieba.analyse's IDF weights (a mapping word -> weight) and their median."""
    table: object
    median: float


class Segmenter:
    """Segmentation with the glossary's ``terms``; ``cache_dir`` holds the lexicon (IDF
    weights). Everything is loaded on first use, so making one costs nothing."""

    def __init__(self, terms=(), cache_dir: Path | str | None = None):
        self.terms: tuple[str, ...] = tuple(dict.fromkeys(t for t in terms if _HAN.search(t)))
        self.cache_dir = Path(cache_dir) if cache_dir is not None else None
        # identifies the words this segmenter gives: part of every cached segmentation's key
        self.version = "rjieba|" + "|".join(sorted(self.terms))
        self._term_set = frozenset(self.terms)
        self._rj = None
        self._lex = False                       # not opened yet (None: none to be had)
        self._idf: Idf | None = None
        self._lines: dict[str, tuple[Word, ...]] = {}
        self._tags: dict[str, str | None] = {}
        self._search: dict[str, tuple[str, ...]] = {}        # a word -> its search words
        self._jieba_ready = False

    # -- words --------------------------------------------------------------------------
    def _engine(self):
        if self._rj is None:
            self._rj = _engine(self.terms)
        return self._rj

    def _tagged_line(self, line: str) -> tuple[Word, ...]:
        found = self._lines.get(line)
        if found is None:
            if _RJIEBA_ONLY_HAN.search(line):
                found = self._tagged_blocks(line)
            else:
                found = self._tagged_words(self._engine().tag(line))
            if len(self._lines) > _MEMO_LINES:
                self._lines.clear()
            self._lines[line] = found
            self._tags.update((w, t) for w, t, _ in found)
        return found

    def _tagged_words(self, tagged) -> tuple[Word, ...]:
        """rjieba's (word, tag) pairs as jieba's words with their dictionary tags (rjieba also
        tags words its dictionary lacks: names its HMM found nr, others x, m or eng)."""
        has = self._engine().has_word
        out: list[Word] = []
        for word, tag in tagged:
            if has(word):
                out.append((word, tag or None, True))
                continue
            pieces = _jieba_pieces(word)
            if len(pieces) > 1:
                out += [self._word(p) for p in pieces]
            else:
                out.append((word, None, False))
        return tuple(out)

    def _tagged_blocks(self, line: str) -> tuple[Word, ...]:
        """A line with characters rjieba counts as Chinese and jieba does not (rare ones from
        the CJK extensions): jieba.cut's own loop over the line, rjieba inside each block."""
        rj = self._engine()
        out: list[Word] = []
        for block in _JIEBA_BLOCK.split(line):
            if not block:
                continue
            if _JIEBA_BLOCK.match(block):
                out += self._tagged_words(rj.tag(block))
            else:                                        # not a word character to jieba: as it is
                for x in _JIEBA_SPACE.split(block):
                    out += [self._word(x)] if _JIEBA_SPACE.match(x) else [self._word(c) for c in x]
        return tuple(out)

    def _word(self, word: str) -> Word:
        return (word, self.tag(word), self.known(word))

    def _dictionary_tag(self, word: str) -> str | None:
        rj = self._engine()
        if not rj.has_word(word):
            return None
        tagged = rj.tag(word)
        return (tagged[0][1] or None) if len(tagged) == 1 else None

    def cut(self, text: str) -> list[str]:
        """jieba's accurate-mode words of ``text``, line by line (jieba never joins words across
        a line break, so this equals ``jieba.lcut(text)``), with ``"\\n"`` between lines; each
        line memoised: the keyword, search and pinyin steps segment the same lines once."""
        out: list[str] = []
        lines = text.split("\n")
        for i, line in enumerate(lines):
            if line:
                out += [w for w, _, _ in self._tagged_line(line)]
            if i < len(lines) - 1:
                out.append("\n")
        return out

    def tagged(self, line: str) -> tuple[Word, ...]:
        """The words of one line (no line breaks) as (word, dictionary tag or None, whether the
        dictionary knows it), memoised with :meth:`cut`'s."""
        return self._tagged_line(line) if line else ()

    def tag(self, word: str) -> str | None:
        """The dictionary's part of speech of ``word`` (None when the dictionary lacks it)."""
        try:
            return self._tags[word]
        except KeyError:
            tag = self._tags[word] = self._dictionary_tag(word)
            return tag

    def known(self, word: str) -> bool:
        """Whether ``word`` is a dictionary word (or one of the glossary's terms)."""
        return self._engine().has_word(word)

    def search_words(self, words: list[str]) -> list[str]:
        """``jieba.cut_for_search`` from an accurate-mode segmentation: each word, preceded by
        the dictionary words of two and three characters inside it (memoised per word)."""
        memo = self._search
        out: list[str] = []
        for w in words:
            if len(w) < 3:
                out.append(w)
                continue
            found = memo.get(w)
            if found is None:
                if len(memo) > _MEMO_LINES:
                    memo.clear()
                found = memo[w] = self._search_pieces(w)
            out += found
        return out

    def _search_pieces(self, w: str) -> tuple[str, ...]:
        known = self._engine().has_word
        n = len(w)
        out = [w[i:i + 2] for i in range(n - 1) if known(w[i:i + 2])]
        if n > 3:
            out += [w[i:i + 3] for i in range(n - 2) if known(w[i:i + 3])]
        out.append(w)
        return tuple(out)

    # -- jieba.posseg's words and tags (the names finder) ----------------------------------
    def pos_tagged(self, sentence: str) -> list[tuple[str, str]]:
        """``jieba.posseg.lcut(sentence)`` with this segmenter's terms added (tag ``nz``), as
        (word, flag) pairs, on rjieba: :mod:`digest.postag`."""
        from .postag import pos_cut
        rj = self._engine()
        has = rj.has_word
        terms = self._term_set

        def route(block: str) -> list[tuple[str, str | None]]:
            return [(w, t if has(w) else None) for w, t in rj.tag(block, False)]

        def tag(word: str, dictionary_tag: str | None) -> str:
            return "nz" if word in terms else dictionary_tag or "x"

        return pos_cut(sentence, route, has, tag)

    def freq(self, word: str) -> int:
        """jieba's frequency of ``word`` (its FREQ with the terms added; 0 when it has none):
        the lexicon's, or jieba's own for a term (what jieba.add_word gave it)."""
        lex = self._lexicon() if word not in self._term_set else None
        if lex is None:
            return self.jieba().dt.FREQ.get(word) or 0
        return lex.freq.get(word) or 0

    # -- IDF weights and jieba ------------------------------------------------------------
    def _lexicon(self):
        if self._lex is False:
            self._lex = _lexicon_in(self.cache_dir if self.cache_dir is not None else default_cache_dir())
        return self._lex

    def idf(self) -> Idf:
        """jieba.analyse's IDF weights: from the lexicon (read per word, or whole on a large
        build), or parsed from jieba's idf.txt when there is no lexicon (0.5 s)."""
        if self._idf is None:
            lex = self._lexicon()
            if lex is not None:
                self._idf = Idf(lex.idf, lex.median_idf)
            else:
                import importlib.util
                src = Path(importlib.util.find_spec("jieba").origin).parent / "analyse" / "idf.txt"
                table = {}
                for line in src.read_text(encoding="utf-8").splitlines():
                    word, _, freq = line.strip().partition(" ")
                    if freq:
                        table[word] = float(freq)
                median = sorted(table.values())[len(table) // 2] if table else 0.0
                self._idf = Idf(table, median)
        if hasattr(self._idf.table, "plain"):          # the lexicon's table: a dict once loaded
            self._idf.table = self._idf.table.plain()
        return self._idf

    def idf_of(self, words) -> dict[str, float]:
        """The IDF weight of each of ``words`` (the median for a word jieba's table lacks)."""
        idf = self.idf()
        table, median = idf.table, idf.median
        if hasattr(table, "prefetch"):                 # the lexicon's table, read per word
            table.prefetch(words)
        return {w: table.get(w, median) for w in words}

    def prepare_for_many(self) -> None:
        """Before segmenting many articles (and before forking workers to do it, so that they
        share it): the dictionary and the IDF weights loaded whole."""
        self._engine()
        lex = self._lexicon()
        if lex is not None:
            lex.idf.load_all()
        self.idf()

    def jieba(self):
        """jieba itself, with the lexicon's prefix dictionary and the glossary's terms (the
        frequency jieba.add_word gives a term: :meth:`freq`)."""
        jieba = _import_jieba()
        jieba.setLogLevel(logging.WARNING)
        dt = jieba.dt
        if not dt.initialized:
            lex = self._lexicon()
            if lex is not None:
                with dt.lock:
                    if not dt.initialized:    # the prefix dictionary, read per word from SQLite
                        dt.FREQ, dt.total, dt.initialized = lex.freq, lex.total, True
        if hasattr(dt.FREQ, "plain"):
            dt.FREQ = dt.FREQ.plain()         # many lookups made: the whole dictionary, as a dict
        if not self._jieba_ready:
            for t in self.terms:
                if t not in _JIEBA_ADDED:       # adding a word twice would count it twice
                    jieba.add_word(t, tag="nz")
                    _JIEBA_ADDED.add(t)
            self._jieba_ready = True
        return jieba


_JIEBA_ADDED: set[str] = set()       # the words added to jieba's one global tokenizer


@lru_cache(maxsize=4)
def _lexicon_in(cache_dir: Path):
    """The lexicon of a cache folder, kept for the next build (see :func:`_engine`)."""
    from .lexicon import open_lexicon
    return open_lexicon(cache_dir)


@lru_cache(maxsize=2)
def _engine(terms: tuple[str, ...]):
    """rjieba with ``terms`` added (as jieba.add_word does: with a frequency that keeps each
    whole), kept for the next build with the same terms (``watch`` and ``serve`` rebuild in
    one process; loading the dictionary costs 0.15 s)."""
    rj = _rjieba_class()()
    for t in terms:
        rj.add_word(t, None, None)
    return rj


def _rjieba_class():
    """rjieba's ``Jieba`` class, from its compiled module alone: ``import rjieba`` also makes a
    default instance (its whole dictionary, 0.2-0.4 s) that nothing here uses."""
    import sys
    if "rjieba" in sys.modules:
        return sys.modules["rjieba"].Jieba
    ext = sys.modules.get("rjieba.rjieba")
    if ext is None:
        try:
            import importlib.util
            spec = importlib.util.find_spec("rjieba")
            path = next(p for d in spec.submodule_search_locations for p in sorted(Path(d).glob("rjieba.*"))
                        if p.suffix in (".so", ".pyd"))
            ext_spec = importlib.util.spec_from_file_location("rjieba.rjieba", path)
            ext = importlib.util.module_from_spec(ext_spec)
            ext_spec.loader.exec_module(ext)
            sys.modules["rjieba.rjieba"] = ext      # a later "import rjieba" uses this one
        except Exception:                          # (an unusual install): the ordinary import
            import rjieba
            return rjieba.Jieba
    return ext.Jieba


def _import_jieba():
    """``import jieba``, without letting it import ``pkg_resources`` (deprecated, and 0.2-0.4 s
    of every rebuild): jieba falls back to opening its data files by path."""
    import sys
    if "jieba" in sys.modules:
        return sys.modules["jieba"]
    blocked = "pkg_resources" not in sys.modules
    if blocked:
        sys.modules["pkg_resources"] = None          # makes "import pkg_resources" raise ImportError
    try:
        import jieba
    finally:
        if blocked and sys.modules.get("pkg_resources", 0) is None:
            del sys.modules["pkg_resources"]
    return jieba
