"""Glossary: longest match, placeholders through the model and back, the file format."""
from __future__ import annotations

from pathlib import Path

import pytest

from digest.errors import InputError
from digest.translate.glossary import (Glossary, check_terms, has_debris, load_glossary, protect, restore,
                                       strip_debris, token_counts, token_name)

GLOSSARY = Path(__file__).resolve().parents[2] / "content" / "glossary.toml"
G = Glossary({"京口": "Jingkou", "京口区": "Jingkou District", "京口经开区": "Jingkou Economic Development Zone",
              "镇江": "Zhenjiang", "谏壁": "Jianbi"})


def test_longest_match_wins():
    assert [m.group() for m in G.find("京口经开区在京口区，不在京口")] == ["京口经开区", "京口区", "京口"]
    assert G.entries_in("京口经开区") == [("京口经开区", "Jingkou Economic Development Zone")]


def test_protect_replaces_terms_with_tokens_and_reuses_a_token_per_term():
    text, mapping = protect("镇江的京口区和镇江", G)
    assert "镇江" not in text and "京口" not in text
    assert text == "QZAA的QZAB和QZAA"
    assert mapping == {"QZAA": "Zhenjiang", "QZAB": "Jingkou District"}
    assert token_counts(text) == {"QZAA": 2, "QZAB": 1}


def test_adjacent_terms_share_one_placeholder():
    # side by side, the model dropped one of two placeholders (京口区谏壁街道 lost Jingkou District)
    text, mapping = protect("镇江京口谏壁的京口", G)
    assert text == "QZAA的QZAB"
    assert mapping == {"QZAA": "Zhenjiang Jingkou Jianbi", "QZAB": "Jingkou"}
    assert restore("QZAA of QZAB", mapping, token_counts(text)) == ("Zhenjiang Jingkou Jianbi of Jingkou", True)
    # a retry gives each its own, separated
    text, mapping = protect("镇江京口谏壁", G, merge=False)
    assert text == "QZAA QZAB QZAC"
    assert restore("QZAA QZAB QZAC", mapping, token_counts(text)) == ("Zhenjiang Jingkou Jianbi", True)


def test_no_terms_no_change():
    assert protect("今天天气很好。", G) == ("今天天气很好。", {})
    assert protect("anything", Glossary()) == ("anything", {})


def test_token_names_are_distinct():
    names = [token_name(i) for i in range(200)]
    assert len(set(names)) == 200 and names[:3] == ["QZAA", "QZAB", "QZAC"]


def test_restore_ok_and_spacing():
    text, ok = restore("The QZAA , of QZAB is big.", {"QZAA": "Jingkou", "QZAB": "Zhenjiang"})
    assert ok and text == "The Jingkou, of Zhenjiang is big."


def test_restore_tolerates_spaced_or_lowercased_token():
    assert restore("in Q Z A A today", {"QZAA": "Jianbi"}) == ("in Jianbi today", True)
    assert restore("in qzaa today", {"QZAA": "Jianbi"}) == ("in Jianbi today", True)


@pytest.mark.parametrize("output", [
    "Zhenjiang is nice.",                 # token lost
    "QZAA and QZAA are nice.",            # token duplicated
    "QZAAA is nice.",                     # mangled: an extra letter
    "QZAA and ZAB are nice.",             # mangled second token
    "QZAA and QZAC are nice.",            # invented token
])
def test_restore_detects_lost_duplicated_mangled_tokens(output):
    mapping = {"QZAA": "Zhenjiang", "QZAB": "Jingkou"} if "ZAB" in output else {"QZAA": "Zhenjiang"}
    _, ok = restore(output, mapping)
    assert ok is False


def test_restore_respects_counts_from_the_input():
    mapping = {"QZAA": "Zhenjiang"}
    assert restore("QZAA and QZAA", mapping, {"QZAA": 2}) == ("Zhenjiang and Zhenjiang", True)
    assert restore("QZAA only", mapping, {"QZAA": 2})[1] is False


def test_debris_detection_and_stripping():
    assert has_debris("the QZAAB area") and has_debris("the ZAB area")
    assert not has_debris("the Zhenjiang area")
    assert strip_debris("the QZAAB area") == "the area"


def test_check_terms_counts_occurrences():
    entries = [("京口", "Jingkou")]
    assert check_terms("Jingkou is here", entries) == []
    assert check_terms("Kyoto is here", entries) == ["Jingkou"]
    # the Chinese uses the term twice: one English occurrence is not enough
    assert check_terms("Jingkou and Kyoto", entries, "京口和京口") == ["Jingkou"]
    assert check_terms("jingkou and JINGKOU", entries, "京口和京口") == []


# --- the file --------------------------------------------------------------------------

def write(tmp_path, text, name="glossary.toml"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_load_glossary_terms_and_names(tmp_path):
    p = write(tmp_path, '[terms]\n"镇江" = "Zhenjiang"\n\n[names]\n"薛诚" = ""\n"欧阳修" = "Ouyang X."\n')
    g = load_glossary(p)
    assert g.terms == {"镇江": "Zhenjiang", "薛诚": "Xue Cheng", "欧阳修": "Ouyang X."}


def test_missing_glossary_is_empty(tmp_path):
    assert load_glossary(tmp_path / "glossary.toml").terms == {}


def test_yaml_glossary_is_read(tmp_path):
    write(tmp_path, "terms:\n  镇江: Zhenjiang\nnames:\n  薛诚: ''\n", "glossary.yaml")
    assert load_glossary(tmp_path / "glossary.toml").terms == {"镇江": "Zhenjiang", "薛诚": "Xue Cheng"}


def test_shipped_glossary_loads_with_required_terms():
    g = load_glossary(GLOSSARY)
    for zh, en in [("京口经开区", "Jingkou Economic Development Zone"),
                   ("谏壁", "Jianbi"), ("大禹山", "Dayu Mountain"), ("金山网", "Jinshan Net")]:
        assert g.terms[zh] == en
    # names the dictionary and the place rules give are not patched in one by one
    assert not {"镇江", "京口", "京口区", "江苏", "江苏省"} & set(g.terms)


@pytest.mark.parametrize("text, line, words", [
    ('[terms]\n"镇江" = "Zhenjiang"\n"京口" = Jingkou\n', 3, "bad glossary"),          # bad TOML
    ('[terms]\n"镇江" = "Zhenjiang"\n"京口" = 3\n', 3, "must be text"),                 # wrong type
    ('[terms]\n"镇江" = "Zhenjiang"\n\n[places]\n"京口" = "Jingkou"\n', 1, "unknown table"),
    ('terms = "Zhenjiang"\n', 1, "[terms] must map"),
])
def test_bad_glossary_names_file_and_line(tmp_path, text, line, words):
    p = write(tmp_path, text)
    with pytest.raises(InputError) as exc:
        load_glossary(p)
    e = exc.value
    assert e.path == str(p) and e.line == line
    assert words in e.message
    assert str(e).startswith(f"{p}:{line}: error:")


def test_bad_yaml_glossary_names_line(tmp_path):
    p = write(tmp_path, "terms:\n  镇江: Zhenjiang\n  京口: [unclosed\n", "glossary.yaml")
    with pytest.raises(InputError) as exc:
        load_glossary(tmp_path / "glossary.toml")
    assert exc.value.path == str(p) and exc.value.line in (3, 4)
