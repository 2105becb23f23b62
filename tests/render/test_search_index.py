"""digest/render/search_index.py: the stemmer search.js mirrors, document terms, the shard file."""
from __future__ import annotations

import json

import pytest

from digest.render import search_index as si
from digest.segment import Segmenter


@pytest.mark.parametrize("word,stem", [("cities", "city"), ("classes", "class"), ("boxes", "box"),
                                       ("markets", "market"), ("bus", "bus"), ("analysis", "analysis"),
                                       ("building", "build"), ("raised", "rais"), ("China's", "china"),
                                       ("ring", "ring"), ("bed", "bed")])
def test_stem(word, stem):
    assert si.stem(word) == stem


def test_english_terms_are_normalised_stemmed_and_counted():
    doc = {"u": "en/a.html", "l": "en", "t": "Markets", "d": "", "x": "The MARKET rose; markets fell."}
    entry = json.loads(si.doc_entry(doc, Segmenter()))
    assert entry["k"]["market"] == 3 and entry["u"] == "en/a.html"


def test_an_entry_key_changes_with_the_document_and_a_part_is_valid_javascript_data():
    a = {"u": "en/a.html", "l": "en", "t": "A", "d": "", "x": "one"}
    seg = Segmenter()
    assert si.entry_key(a, seg) == si.entry_key(dict(a), seg) != si.entry_key({**a, "x": "two"}, seg)
    parts = si.build_parts([si.doc_entry(a, seg), si.doc_entry({**a, "u": "en/b.html", "x": "\u2028"}, seg)], 2)
    js = parts["d/1"].decode("utf-8")
    assert "\u2028" not in js                      # a raw U+2028 ends a JavaScript line in old engines
    prefix = '(window.DIGEST_SEARCH_PARTS=window.DIGEST_SEARCH_PARTS||{})["d/1"]='
    assert json.loads(js[js.index(prefix) + len(prefix):js.rindex(";")])["u"] == "en/b.html"


def test_the_base_36_table_is_b36_of_every_number_below_36_cubed():
    """The positions and document numbers of the parts are written through this table: it
    must be what search.js reads back (parseInt(s, 36)), b36 itself."""
    assert si._B36_TABLE == [si.b36(i) for i in range(36 ** 3)]
    assert all(int(s, 36) == i for i, s in enumerate(si._B36_TABLE))
