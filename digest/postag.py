"""jieba.posseg's words and parts of speech, on the build's :class:`~digest.segment.Segmenter`.

The names finder (``translate/names.py``) reads names off ``jieba.posseg.cut``: its words
(which differ from ``jieba.cut``'s where the dictionary has no word: posseg's own HMM
splits 京口经开区 as 京口 | 经 | 开区 and tags 张哲依 nr) and its tags. ``import
jieba.posseg`` reads jieba's whole dictionary file for the tags (0.4 s of every build that
names anything); here the same algorithm runs on rjieba instead:

1. the line is cut into posseg's blocks (its regular expressions, copied below);
2. a block's dictionary route (the DAG's best path, no HMM) is rjieba's ``tag(block,
   False)``, with its dictionary tags (rjieba joins a run of single ASCII letters and digits
   into one piece, which is undone: jieba's dictionary has no word of ASCII letters or digits
   alone, and the Segmenter's terms all have a Han character);
3. posseg's own loop over the route: runs of one-character pieces that are not a dictionary
   word go through posseg's HMM (its probability tables and ``viterbi``, loaded from jieba's
   package files without ``jieba/posseg/__init__.py``, only when such a run first appears).

The result equals ``jieba.posseg.cut`` with the same dictionary and the terms added with
tag ``nz`` (as :meth:`Segmenter.jieba` adds them): ``bench/posseg_agreement.py`` measures it
on the WMT21 lines, the keyword labels of the benchmark corpus and random mixed strings.
"""
from __future__ import annotations

import re
from functools import lru_cache

# jieba.posseg's patterns (jieba 0.42.1, MIT licence)
_JIEBA_HAN_INTERNAL = re.compile("([\u4E00-\u9FD5a-zA-Z0-9+#&\\._]+)")
_SKIP_INTERNAL = re.compile("(\r\n|\\s)")
_JIEBA_HAN_DETAIL = re.compile("([\u4E00-\u9FD5]+)")
_SKIP_DETAIL = re.compile("([\\.0-9]+|[a-zA-Z0-9]+)")
_ENG = re.compile("[a-zA-Z0-9]+")
_NUM = re.compile("[\\.0-9]+")
_ASCII_RUN = re.compile("[a-zA-Z0-9]{2,}")

Tagged = list[tuple[str, str]]


@lru_cache(maxsize=1)
def _hmm():
    """posseg's HMM: ``viterbi`` and its four tables, from jieba's package files (their
    compiled bytecode where pip wrote it), without running ``jieba/posseg/__init__.py``."""
    import importlib.util
    from pathlib import Path
    folder = Path(importlib.util.find_spec("jieba").origin).parent / "posseg"

    def load(name: str):
        spec = importlib.util.spec_from_file_location(f"digest._jieba_posseg_{name}", folder / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module

    viterbi = load("viterbi").viterbi
    tables = tuple(load(n).P for n in ("char_state_tab", "prob_start", "prob_trans", "prob_emit"))
    return viterbi, tables


def _hmm_cut(text: str) -> Tagged:
    """posseg's ``__cut``: a run of Han characters the dictionary has no word for."""
    viterbi, (states, start, trans, emit) = _hmm()
    _prob, pos = viterbi(text, states, start, trans, emit)
    out: Tagged = []
    begin = nexti = 0
    for i, char in enumerate(text):
        p = pos[i][0]
        if p == "B":
            begin = i
        elif p == "E":
            out.append((text[begin:i + 1], pos[i][1]))
            nexti = i + 1
        elif p == "S":
            out.append((char, pos[i][1]))
            nexti = i + 1
    if nexti < len(text):
        out.append((text[nexti:], pos[nexti][1]))
    return out


def _detail(buf: str) -> Tagged:
    """posseg's ``__cut_detail``: Han runs through the HMM, numbers m, Latin eng, the rest x."""
    out: Tagged = []
    for blk in _JIEBA_HAN_DETAIL.split(buf):
        if _JIEBA_HAN_DETAIL.match(blk):
            out += _hmm_cut(blk)
        else:
            for x in _SKIP_DETAIL.split(blk):
                if x:
                    out.append((x, "m" if _NUM.match(x) else "eng" if _ENG.match(x) else "x"))
    return out


def pos_cut(sentence: str, route, known, tag) -> Tagged:
    """``jieba.posseg.lcut(sentence)`` as (word, flag) pairs (pure, given its three functions).

    ``route(block)``: the block's dictionary route (no HMM) as (piece, dictionary tag or None)
    pairs; ``known(word)``: whether the dictionary has the word (or it is a term);
    ``tag(word, dictionary_tag)``: posseg's tag of a route piece (``x`` for one the dictionary
    lacks, ``nz`` for a term)."""
    out: Tagged = []
    for blk in _JIEBA_HAN_INTERNAL.split(sentence):
        if not blk:
            continue
        if not _JIEBA_HAN_INTERNAL.match(blk):
            for x in _SKIP_INTERNAL.split(blk):
                if _SKIP_INTERNAL.match(x):
                    out.append((x, "x"))
                    continue
                eng = bool(_ENG.match(x))         # (posseg tests the whole piece here, not the character)
                for xx in x:
                    out.append((xx, "m" if _NUM.match(xx) else "eng" if eng else "x"))
            continue
        buf: list[tuple[str, str | None]] = []

        def flush() -> None:
            if not buf:
                return
            if len(buf) == 1:
                out.append((buf[0][0], tag(*buf[0])))
            else:
                text = "".join(w for w, _ in buf)
                if not known(text):
                    out.extend(_detail(text))
                else:                              # a dictionary word the route cut into characters
                    out.extend((w, tag(w, t)) for w, t in buf)
            buf.clear()

        for word, t in route(blk):
            if len(word) == 1:
                buf.append((word, t))
            elif _ASCII_RUN.fullmatch(word):       # rjieba's run of one-character pieces
                buf.extend((c, None) for c in word)
            else:
                flush()
                out.append((word, tag(word, t)))
        flush()
    return out
