"""The search index in parts (render/search_index.py, static/search.js): the same hits in the
same order as the whole-index search it replaced (tests/render/search_v2_reference.js, run in
node), while a query loads only some of the parts."""
from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from digest.render import search_index as si
from digest.segment import Segmenter

HERE = Path(__file__).resolve().parent
SEARCH_JS = HERE.parent.parent / "digest" / "themes" / "default" / "static" / "search.js"
NODE = shutil.which("node") or shutil.which("nodejs")
needs_node = pytest.mark.skipif(NODE is None, reason="node is not installed")
SEG = Segmenter()       # no glossary terms: the words a site without a glossary gets
PREFIX = "(window.DIGEST_SEARCH_PARTS=window.DIGEST_SEARCH_PARTS||{})["


def read_parts(folder: Path) -> dict[str, object]:
    """Every part under static/search, by name, as the value the file sets."""
    out = {}
    for p in sorted(folder.rglob("*.js")):
        js = p.read_text(encoding="utf-8")
        at = js.index(PREFIX) + len(PREFIX)
        name, rest = js[at:].split("]=", 1)
        out[json.loads(name)] = json.loads(rest.rstrip().rstrip(";"))
    return out


def write_parts(parts: dict[str, bytes], folder: Path) -> Path:
    for name, data in parts.items():
        p = folder / f"{name}.js"
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    return folder


def compare(folder: Path, docs: list[dict], queries: list[str], tmp: Path) -> dict:
    """Run the queries through both searches in node: {query: {old, new, parts}}."""
    (tmp / "docs.json").write_text(json.dumps(docs, ensure_ascii=False), encoding="utf-8")
    (tmp / "queries.json").write_text(json.dumps(queries, ensure_ascii=False), encoding="utf-8")
    r = subprocess.run([NODE, str(HERE / "search_compare.js"), str(SEARCH_JS), str(HERE / "search_v2_reference.js"),
                        str(folder), str(tmp / "docs.json"), str(tmp / "queries.json")],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    return json.loads(r.stdout)


def v2_docs(parts: dict) -> list[dict]:
    """The documents as the whole-index search had them: the entry made from each one."""
    return [json.loads(si.doc_entry(v, SEG)) for k, v in parts.items() if k.startswith("d/")]


SEED_QUERIES = ["京口", "口区", "数字经济", "京口 digital", "Jingkou", "economies", "economy", "digital economy",
                "经济发展", "主城", "的", "京", "jing", "kou", "the", "it's", "2024", "标题", "script",
                "没有日期", "尚未翻译", "xyzzy", "不存在的词语", "数字 经济 京口", "Jingkou District economy"]


@needs_node
def test_the_sharded_search_finds_what_the_whole_index_search_found_in_the_same_order(built, tmp_path):
    folder = built[0] / "static" / "search"
    parts = read_parts(folder)
    out = compare(folder, v2_docs(parts), SEED_QUERIES, tmp_path)
    for q in SEED_QUERIES:
        assert out[q]["new"] == out[q]["old"], q
    assert out["京口"]["new"] and out["Jingkou"]["new"] and out["京口 digital"]["new"]
    assert not out["xyzzy"]["new"] and not out["不存在的词语"]["new"]
    assert {u for u, _ in out["京口 digital"]["new"]} >= {"zh/jingkou-new-mission.html", "en/jingkou-new-mission.html"}
    for q in SEED_QUERIES:                 # a query reads its documents only if they are hits
        read = {parts[n]["u"] for n in out[q]["parts"] if n.startswith("d/")}
        assert read <= {u for u, _ in out[q]["new"]}, q
    assert out["京口"]["parts"] == ["meta", "h-0", "k-0", "t-0", "d/1", "d/4"]    # 2 of 7 documents


def _text(rng: random.Random) -> str:
    han = "京口区数字经济发展哈哈中国的了在是有新冠疫情上海市"
    words = ["economy", "economies", "market's", "it's", "the", "there", "other", "jing", "kou", "Jingkou",
             "COVID-19", "2021", "classes", "running", "ＡＢＣ", "Ｋ", "naïve", "İstanbul", "😀"]
    out = []
    for _ in range(rng.randint(1, 30)):
        if rng.random() < 0.5:
            out.append("".join(rng.choice(han) for _ in range(rng.randint(1, 6))))
        else:
            out.append(rng.choice(words))
        out.append(rng.choice([" ", "", "，", "。", "\n", " · ", "'"]))
    return "".join(out)


@needs_node
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_same_hits_and_order_on_hostile_random_documents_and_queries(seed, tmp_path):
    rng = random.Random(seed)
    docs = []
    for i in range(rng.randint(5, 40)):
        d = rng.choice(["2024-01-01", "2024-01-02", "", "2023-12-31"])
        zh = {"u": f"zh/a{i}.html", "l": "zh", "t": _text(rng)[:30], "d": d, "x": _text(rng)}
        docs.append(zh)
        if rng.random() < 0.8:
            docs.append({"u": f"en/a{i}.html", "l": "en", "t": _text(rng)[:40], "d": d, "x": _text(rng)})
    docs.append({"u": "zh/repeat.html", "l": "zh", "t": "哈", "d": "", "x": "哈哈哈哈哈，京京京京 哈哈。"})
    docs.append({"u": "zh/repeat2.html", "l": "zh", "t": "哈哈", "d": "", "x": "哈哈哈 京京"})
    docs.append({"u": "en/apart.html", "l": "en", "t": "ABC and DEF", "d": "", "x": "abcdef"})  # pieces, not the query
    docs.append({"u": "en/whole.html", "l": "en", "t": "the ABCDEF", "d": "", "x": "abcdef"})
    entries = [si.doc_entry(d, SEG) for d in docs]
    folder = write_parts(si.build_parts(entries, len({d["u"][3:] for d in docs})), tmp_path / "parts")
    queries = []
    for _ in range(60):                            # pieces of the texts, whole titles, mixtures
        d = rng.choice(docs)
        text = rng.choice([d["x"], d["t"]])
        a = rng.randrange(len(text) + 1)
        queries.append(text[a:a + rng.randint(1, 12)].strip() or "x")
    queries += ["abcdef", "ABCDEF", "abc and def", "哈哈", "哈哈哈", "哈哈哈哈", "京京", "京京京", "哈", "京", "the", "it's", "economies jing", "京口 economy", "abc", "k", "istanbul",
                "😀", "a" * 40, " ".join("abcdefghijklmnopqrstuvwxyz012345678"), "中国的上海"]
    out = compare(folder, [json.loads(e) for e in entries], queries, tmp_path)
    for q in queries:
        assert out[q]["new"] == out[q]["old"], q


@needs_node
def test_the_part_hash_is_the_same_in_python_and_javascript(tmp_path):
    words = ["京口", "a", "", "the", "😀x", "İ", "k-17", "\u2028"]
    js = ("const vm=require('vm'),fs=require('fs');const c={document:{readyState:'complete',getElementById:()=>null},"
          "location:{search:''},URLSearchParams,Intl};c.window=c;vm.createContext(c);"
          f"vm.runInContext(fs.readFileSync({json.dumps(str(SEARCH_JS))},'utf8'),c);"
          f"process.stdout.write(JSON.stringify({json.dumps(words, ensure_ascii=False)}.map(c.DIGEST_SEARCH_API.hash)))")
    r = subprocess.run([NODE, "-e", js], capture_output=True, text=True, timeout=60)
    assert json.loads(r.stdout) == [si.part_hash(w) for w in words]


def test_parts_are_deterministic_and_every_document_is_in_one_part():
    docs = [{"u": f"{lang}/a{i}.html", "l": lang, "t": f"标题{i} Title", "d": f"2024-01-0{i % 3 + 1}",
             "x": "京口区 economy"} for i in range(6) for lang in ("zh", "en")]
    entries = [si.doc_entry(d, SEG) for d in docs]
    parts = si.build_parts(entries, 6)
    assert parts == si.build_parts(list(reversed(entries)), 6)
    assert sorted(parts) == si.part_names(6, 12)
    shown = [json.loads(parts[f"d/{si.b36(n)}"].decode().split("]=", 1)[1].rstrip().rstrip(";"))["u"]
             for n in range(12)]
    # numbered in the order equal scores are shown: newest first, then by address
    assert shown == [d["u"] for d in sorted(sorted(docs, key=lambda d: d["u"]), key=lambda d: d["d"], reverse=True)]


def test_shard_counts_double_as_the_site_grows():
    assert si.shard_counts(1) == {"k": 1, "h": 1, "w": 1, "t": 1}
    grown = [si.shard_counts(n)["h"] for n in (4, 5, 8, 9, 1000, 5000)]
    assert grown == [1, 2, 2, 4, 256, 2048]


# -- an edit made in place (search_index.update_parts): the same bytes as a whole build

from hypothesis import given, settings as hsettings, strategies as st  # noqa: E402

_PIECES_OF_TEXT = ["京口区", "数字经济", "的", "哈哈", "京", "，", "。", " ", "\n", "economy", "Economies", "it's",
                   "abc", "ABCDEF", "2024", "x", "😀", "İ", "\u2028", "中国的上海", "Jingkou", "the"]
_text_st = st.lists(st.sampled_from(_PIECES_OF_TEXT) | st.text(max_size=3), max_size=25).map("".join)


def _apply(parts: dict[str, bytes], entries: list[str], n_articles: int, num: int, new: dict) -> dict[str, bytes]:
    """``parts`` after document ``num`` (in the index's order) becomes ``new``, by update_parts."""
    docs = [json.loads(e) for e in entries]
    ordered = [docs[i] for i in si.document_order(docs)]
    new_doc = json.loads(si.doc_entry(new, SEG))
    changed = si.update_parts([(num, ordered[num], new_doc)], si.shard_counts(n_articles),
                              lambda name: si.part_value(name, parts[name]))
    assert changed is not None
    return {**parts, **changed}


@hsettings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(_text_st, _text_st, _text_st, _text_st), min_size=1, max_size=8),
       st.integers(min_value=0), _text_st, _text_st, st.booleans())
def test_an_edit_in_place_gives_the_bytes_of_a_whole_build(texts, which, title, body, keep_title):
    """Any document's title and text changed (its address and date kept, so the numbering
    stays): the parts update_parts changes, over the old ones, are exactly build_parts's."""
    docs = []
    for i, (t_zh, x_zh, t_en, x_en) in enumerate(texts):
        d = ["2024-01-02", "2024-01-01", ""][i % 3]
        docs.append({"u": f"zh/a{i}.html", "l": "zh", "t": t_zh, "d": d, "x": x_zh})
        if i % 2 == 0:
            docs.append({"u": f"en/a{i}.html", "l": "en", "t": t_en, "d": d, "x": x_en})
    entries = [si.doc_entry(d, SEG) for d in docs]
    parts = si.build_parts(entries, len(texts))
    num = which % len(docs)
    old = [docs[i] for i in si.document_order(docs)][num]
    new = {**old, "x": body} if keep_title else {**old, "t": title, "x": old["x"] + body}
    want = si.build_parts([si.doc_entry(new if d is old else d, SEG) for d in docs], len(texts))
    assert _apply(parts, entries, len(texts), num, new) == want


def test_an_edit_in_place_touches_only_the_parts_its_pieces_hash_to():
    """Appending a sentence to one of many documents changes its document file and a few
    shards, not the whole index; an unknown old part stops the edit (None)."""
    docs = [{"u": f"zh/a{i}.html", "l": "zh", "t": f"标题{i}", "d": "2024-01-01",
             "x": "京口区的数字经济。" * (i % 5 + 1) + f"第{i}篇 economy {i}"} for i in range(200)]
    entries = [si.doc_entry(d, SEG) for d in docs]
    parts = si.build_parts(entries, 200)
    old = [docs[i] for i in si.document_order(docs)][7]
    new = {**old, "x": old["x"] + "今天下雨。"}
    counts = si.shard_counts(200)
    changed = si.update_parts([(7, json.loads(entries[docs.index(old)]), json.loads(si.doc_entry(new, SEG)))],
                              counts, lambda name: si.part_value(name, parts[name]))
    want = si.build_parts([si.doc_entry(new if d is old else d, SEG) for d in docs], 200)
    assert {**parts, **changed} == want
    assert {n for n in want if want[n] != parts[n]} == set(changed)
    assert "d/7" in changed and 1 < len(changed) < 20 < len(parts) / 10
    assert si.update_parts([(7, json.loads(entries[docs.index(old)]), json.loads(si.doc_entry(new, SEG)))],
                           counts, lambda name: None) is None
    assert si.part_value("k-0", parts["k-1"]) is None and si.part_value("k-0", b"junk") is None
