"""The search index: built here with the build's segmenter (:mod:`digest.segment`), read by themes/default/static/search.js.

Each document (one article in one language) has an entry: its URL relative to the site root,
title, date, plain text, and its jieba search-mode tokens (Chinese) or stemmed words (English)
with their counts (``k``), used for ranking. Entries are made once and kept (memo tables
``search`` and ``search-article``). :func:`build_parts` turns them into the index that
search.js reads: many small JavaScript files that a query loads only as it needs them, with
``<script src>`` tags (so search works from ``file://``, where ``fetch`` does not). The
stemmer and the part hash must stay the same as search.js's.
"""
from __future__ import annotations

import bisect
import hashlib
import json
import re
import unicodedata
from collections import Counter, defaultdict
from functools import lru_cache

from . import memo
from ..chars import HAN_RE as _HAN
from ..segment import Segmenter

_ALNUM = re.compile(r"[a-z0-9]+")
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A tiny English stemmer (plurals, -ing, -ed); the same rules as ``stem`` in search.js."""
    w = word.lower()
    if w.endswith("'s"):
        w = w[:-2]
    if len(w) > 4 and w.endswith("ies"):
        w = w[:-3] + "y"
    elif w.endswith("sses"):
        w = w[:-2]
    elif len(w) > 3 and re.search(r"(s|x|z|ch|sh)es$", w):
        w = w[:-2]
    elif len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    if len(w) > 5 and w.endswith("ing"):
        w = w[:-3]
    elif len(w) > 4 and w.endswith("ed"):
        w = w[:-2]
    return w


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def tokens_zh(text: str, seg: Segmenter) -> list[str]:
    """jieba search-mode tokens, normalised (NFKC, lower case, English stemmed); the text is
    segmented as written, so lines the keyword stage already segmented cost nothing."""
    out = []
    for t in seg.search_words(seg.cut(text)):
        t = _zh_token(t)
        if t is not None:
            out.append(t)
    return out


@lru_cache(maxsize=262144)
def _zh_token(word: str) -> str | None:
    """A segment as an index term: normalised; Chinese kept, English stemmed, the rest dropped
    (memoised: the same words recur across a site)."""
    t = normalise(word).strip()
    if not t:
        return None
    if _HAN.search(t):
        return t
    if _ALNUM.fullmatch(t):
        return stem(t)
    return None


def tokens_en(text: str) -> list[str]:
    return [stem(w) for w in _WORD.findall(normalise(text))]


def _doc_terms(lang: str, text: str, seg: Segmenter) -> dict[str, int]:
    counts = Counter(tokens_zh(text, seg) if lang == "zh" else tokens_en(text))
    return dict(sorted(counts.items()))


def _dumps(value) -> str:
    body = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return body.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def doc_entry(doc: dict, seg: Segmenter) -> str:
    """One document as JSON, with ``k``: its terms and their counts (what search.js ranks by)."""
    return _dumps({**doc, "k": _doc_terms(doc["l"], doc["t"] + "\n" + doc["x"], seg)})


def entry_key(doc: dict, seg: Segmenter) -> str:
    """The memo key of a document's entry: a hash of its fields and the segmenter's version."""
    return hashlib.sha256(_dumps([doc, seg.version if doc["l"] == "zh" else ""]).encode("utf-8")).hexdigest()


def entries(docs: list[dict], seg: Segmenter) -> list[str]:
    """Index entries of documents (u, l, t, d, x), memoised (memo table ``search``)."""
    return [memo.get("search", entry_key(d, seg), lambda d=d: doc_entry(d, seg)) for d in docs]


# ---------------------------------------------------------------------------------------------
# The index as many small files, loaded by search.js only as a query needs them
# (``static/search/<name>.js``, each setting ``window.DIGEST_SEARCH_PARTS[name]``).
#
# Documents are numbered by the order search.js shows equal scores in (newest first, then by
# address), so a number is also a rank. The parts:
#   meta          the shard counts and, per document, its article's number (one article's
#                 Chinese and English documents answer a query together)
#   k-<i>         term -> "doc:count;..." (the entries' ``k``), by a hash of the term
#   h-<i>         Chinese character pair -> "doc:pos,pos;..." (positions, delta coded) and single
#                 character -> "doc:count;...": exact substring counts of any Chinese run
#   w-<i>         letter triple -> {run of [a-z0-9'] in the lower-cased text: "doc;doc"}: which
#                 documents hold an English word as a substring (search.js's fallback)
#   t-<i>         1-2 character piece of the lower-cased title -> "doc;doc", 3 characters ->
#                 "doc:pos,pos;...": which titles hold the whole query (a bonus)
#   d/<n>         document n itself (u, l, t, d, x): loaded for the hits shown
# All numbers are base 36. The hash is FNV-1a over UTF-16 code units (``part_hash``, the same
# as search.js's).

_HAN_RUN = re.compile(_HAN.pattern + "+")
_LATIN_RUN = re.compile(r"[a-z0-9']{3,}")
KINDS = ("k", "h", "w", "t")
_PER_SHARD = {"k": 4, "h": 4, "w": 4, "t": 8}    # articles per shard of each kind, about


def _pow2_at_least(x: float) -> int:
    s = 1
    while s < x:
        s *= 2
    return s


def shard_counts(n_articles: int) -> dict[str, int]:
    """How many shards each kind of part has: powers of two that double as the site grows."""
    return {kind: _pow2_at_least(n_articles / per) for kind, per in _PER_SHARD.items()}


@lru_cache(maxsize=1 << 20)
def part_hash(s: str) -> int:
    """FNV-1a (32 bits) over the UTF-16 code units of ``s``: search.js's ``hash``."""
    h = 0x811C9DC5
    data = s.encode("utf-16-le", "surrogatepass")
    for i in range(0, len(data), 2):
        h ^= data[i] | (data[i + 1] << 8)
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h


def b36(n: int) -> str:
    if n < 36:
        return "0123456789abcdefghijklmnopqrstuvwxyz"[n]
    out = []
    while n:
        n, r = divmod(n, 36)
        out.append("0123456789abcdefghijklmnopqrstuvwxyz"[r])
    return "".join(reversed(out))


_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
# b36(i) for every i < 36 ** 3, in order (made by b36 one at a time it was 25 ms of every
# process that imports the search index, an edit's build among them; this way 5 ms)
_B36_TABLE = (list(_DIGITS) + [a + b for a in _DIGITS[1:] for b in _DIGITS]
              + [a + b + c for a in _DIGITS[1:] for b in _DIGITS for c in _DIGITS])


def document_order(docs: list[dict]) -> list[int]:
    """Document indexes in search.js's order for equal scores: date descending, then address
    ascending (both compared as UTF-16, as JavaScript compares strings)."""
    u16 = lambda s: s.encode("utf-16-be", "surrogatepass")  # noqa: E731
    by_u = sorted(range(len(docs)), key=lambda i: u16(docs[i]["u"]))
    return sorted(by_u, key=lambda i: u16(docs[i]["d"]), reverse=True)


def _han_parts(hay: str) -> tuple[dict[str, str], Counter]:
    """A text's Chinese character pairs with their positions (delta coded, base 36), and
    characters with their counts."""
    pos: dict[str, list[int]] = defaultdict(list)
    uni: Counter = Counter()
    for m in _HAN_RUN.finditer(hay):
        s, o = m.group(), m.start()
        uni.update(s)
        for i, g in enumerate(map(str.__add__, s, s[1:]), o):
            pos[g].append(i)
    out = {}
    table = _B36_TABLE
    for g, ps in pos.items():
        if len(ps) == 1:
            p = ps[0]
            out[g] = table[p] if p < len(table) else b36(p)
        else:
            out[g] = ",".join([table[d] if d < len(table) else b36(d)
                               for d in map(int.__sub__, ps, [0] + ps[:-1])])
    return out, uni


def _title_grams(title: str) -> dict[str, str]:
    """The lower-cased title's pieces of 1 and 2 characters (value ""), and of 3 with their
    positions (delta coded): search.js finds a longer query in a title by chaining those."""
    t = title.lower()
    out = {t[i:i + n]: "" for n in (1, 2) for i in range(len(t) - n + 1)}
    pos: dict[str, list[int]] = defaultdict(list)
    for i in range(len(t) - 2):
        pos[t[i:i + 3]].append(i)
    for g, ps in pos.items():
        out[g] = ",".join(b36(d) for d in map(int.__sub__, ps, [0] + ps[:-1]))
    return out


@lru_cache(maxsize=1 << 18)
def _trigrams(run: str) -> tuple[str, ...]:
    return tuple(sorted({run[i:i + 3] for i in range(len(run) - 2)}))


def _part_js(name: str, value) -> bytes:
    return ("/* digest search index: generated, do not edit */\n"
            "(window.DIGEST_SEARCH_PARTS=window.DIGEST_SEARCH_PARTS||{})[" + _dumps(name) + "]="
            + _dumps(value) + ";\n").encode("utf-8")


def part_names(n_articles: int, n_docs: int) -> list[str]:
    """The names of the parts of an index of ``n_docs`` documents of ``n_articles`` articles."""
    counts = shard_counts(n_articles)
    return sorted(["meta"] + [f"{kind}-{i}" for kind in KINDS for i in range(counts[kind])]
                  + [f"d/{b36(n)}" for n in range(n_docs)])


def build_parts(entries: list[str], n_articles: int) -> dict[str, bytes]:
    """Every part of the index (name -> file bytes) from the documents' entries (as made by
    :func:`doc_entry`). Deterministic: the same entries in any order give the same bytes.
    The Chinese pairs (half the work) are made on a second core when there are many documents."""
    return parts_of_docs([json.loads(e) for e in entries], n_articles)


def parts_of_docs(docs: list[dict], n_articles: int) -> dict[str, bytes]:
    """:func:`build_parts` from the entries already parsed (``json.loads``)."""
    from ..parallel import MIN_ITEMS, map_cores
    ordered = [docs[i] for i in document_order(docs)]
    counts = shard_counts(n_articles)
    parts: dict[str, bytes] = {}
    for made in map_cores(lambda job: _parts_of(job, ordered, counts), ["h", "rest"],
                          min_items=1 if len(ordered) >= MIN_ITEMS else 3):
        parts.update(made)
    return dict(sorted(parts.items()))


def _shard_files(kind: str, grams: dict, m: int) -> dict[str, bytes]:
    shards: list[dict] = [{} for _ in range(m)]
    for g, v in grams.items():
        shards[part_hash(g) % m][g] = dict(v) if kind == "w" else ";".join(v)
    return {f"{kind}-{i}": _part_js(f"{kind}-{i}", shard) for i, shard in enumerate(shards)}


def _parts_of(job: str, docs: list[dict], counts: dict[str, int]) -> dict[str, bytes]:
    """The parts of one job: ``h`` (Chinese pairs and characters) or ``rest`` (terms, English
    runs, titles, documents, meta), from the documents in their order."""
    if job == "h":
        H: dict[str, list[str]] = defaultdict(list)
        for n, doc in enumerate(docs):
            for g, piece in _h_pieces(doc, n).items():
                H[g].append(piece)
        return _shard_files("h", H, counts["h"])
    K: dict[str, list[str]] = defaultdict(list)
    T: dict[str, list[str]] = defaultdict(list)
    runs: dict[str, list[str]] = defaultdict(list)
    articles: dict[str, int] = {}
    art_of = []
    parts: dict[str, bytes] = {}
    for n, doc in enumerate(docs):
        did = b36(n)
        art_of.append(b36(articles.setdefault(re.sub(r"^[a-z]+/", "", doc["u"]), len(articles))))
        for term, piece in _k_pieces(doc, n).items():
            K[term].append(piece)
        for run in _runs(doc):
            runs[run].append(did)
        for g, piece in _t_pieces(doc, n).items():
            T[g].append(piece)
        parts[f"d/{did}"] = _part_js(f"d/{did}", _doc_value(doc))
    parts.update(_shard_files("k", K, counts["k"]))
    del K
    parts.update(_shard_files("t", T, counts["t"]))
    del T
    W: dict[str, list] = defaultdict(list)
    for run, ids in runs.items():
        joined = ";".join(ids)
        for g in _trigrams(run):
            W[g].append((run, joined))
    parts.update(_shard_files("w", W, counts["w"]))
    parts["meta"] = _part_js("meta", {"v": 3, "n": len(docs), "s": counts, "a": ",".join(art_of)})
    return parts


# ---------------------------------------------------------------------------------------------
# One document's pieces of each kind of part (what _parts_of joins, in document order), and an
# edit made in place: when the documents and their order are unchanged, an edited document's
# old pieces are taken out of the parts they hash to and its new ones put in, and only those
# parts are serialised again (the same bytes as build_parts makes: the tests compare).

def _num(n: int) -> str:
    return _B36_TABLE[n] if n < len(_B36_TABLE) else b36(n)


def _h_pieces(doc: dict, n: int) -> dict[str, str]:
    """Chinese pair -> "doc:positions", character -> "doc:count"."""
    pre = b36(n) + ":"
    pos, uni = _han_parts(doc["t"] + "\n" + doc["x"])
    out = {g: pre + enc for g, enc in pos.items()}
    for ch, c in uni.items():
        out[ch] = pre + _num(c)
    return out


def _k_pieces(doc: dict, n: int) -> dict[str, str]:
    pre = b36(n) + ":"
    return {term: pre + _num(c) for term, c in doc["k"].items()}


def _t_pieces(doc: dict, n: int) -> dict[str, str]:
    did = b36(n)
    return {g: did + ":" + enc if enc else did for g, enc in _title_grams(doc["t"]).items()}


def _runs(doc: dict) -> set[str]:
    return set(_LATIN_RUN.findall((doc["t"] + "\n" + doc["x"]).lower()))


def _doc_value(doc: dict) -> dict:
    return {k: doc[k] for k in ("u", "l", "t", "d", "x")}


_PIECES = {"h": _h_pieces, "k": _k_pieces, "t": _t_pieces}


def _set_piece(joined: str | None, n: int, piece: str | None) -> str | None:
    """A posting list ("doc[:...];doc[:...]", by document number) with document ``n``'s piece
    replaced by ``piece`` (removed when None); None when nothing is left."""
    items = joined.split(";") if joined else []
    nums = [int(p.split(":", 1)[0], 36) for p in items]
    i = bisect.bisect_left(nums, n)
    if i < len(nums) and nums[i] == n:
        del items[i]
    if piece is not None:
        items.insert(i, piece)
    return ";".join(items) if items else None


def part_value(name: str, data: bytes) -> dict | None:
    """The value a part's file holds (what _part_js wrote), or None if it is not such a file."""
    head = _part_js(name, 0)[:-3]          # everything before the value ("0;\n")
    if not (data.startswith(head) and data.endswith(b";\n")):
        return None
    try:
        value = json.loads(data[len(head):-2].decode("utf-8"))
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def update_parts(changes: list[tuple[int, dict, dict]], counts: dict[str, int],
                 old_value) -> dict[str, bytes] | None:
    """The parts an edit changes (name -> new bytes), given ``changes``: (document number, old
    document, new document) for documents whose numbers (and so the order) stay the same, and
    ``old_value(name)``: the value of a part as it is now (None if unknown: then None, and the
    caller builds the whole index). Every part not returned keeps its bytes."""
    edits: dict[str, list[tuple]] = defaultdict(list)
    parts: dict[str, bytes] = {}
    for n, old, new in changes:
        for kind, pieces in _PIECES.items():
            p0, p1 = pieces(old, n), pieces(new, n)
            m = counts[kind]
            for g in p0.keys() | p1.keys():
                v = p1.get(g)
                if p0.get(g) != v:
                    edits[f"{kind}-{part_hash(g) % m}"].append((g, None, n, v))
        r0, r1 = _runs(old), _runs(new)
        did = b36(n)
        for run in sorted(r0 ^ r1):
            v = did if run in r1 else None
            for g in _trigrams(run):
                edits[f"w-{part_hash(g) % counts['w']}"].append((g, run, n, v))
        value = _doc_value(new)
        if value != _doc_value(old):
            parts[f"d/{did}"] = _part_js(f"d/{did}", value)
    for name, todo in sorted(edits.items()):
        shard = old_value(name)
        if shard is None:
            return None
        for g, run, n, v in todo:
            if run is None:
                joined = _set_piece(shard.get(g), n, v)
                if joined is None:
                    shard.pop(g, None)
                else:
                    shard[g] = joined
            else:
                runs = shard.setdefault(g, {})
                joined = _set_piece(runs.get(run), n, v)
                if joined is None:
                    runs.pop(run, None)
                else:
                    runs[run] = joined
                if not runs:
                    del shard[g]
        parts[name] = _part_js(name, shard)
    return parts
