"""The data model: articles and translations unpickle their blocks only when read."""
from __future__ import annotations

import pickle

from digest.article import Article, Block, Translation


def _roundtrip(x):
    return pickle.loads(pickle.dumps(x, protocol=5))


def test_blocks_are_unpickled_when_first_read_and_equal():
    a = Article(slug="x", title="标题", blocks=[Block("heading", "小标题"), Block("paragraph", "正文。")],
                date="2024-11-20")
    b = _roundtrip(a)
    assert "blocks" not in vars(b) and b.n_blocks == 2 and b.title == "标题"
    assert b.blocks == a.blocks and isinstance(b.blocks[0], Block)
    assert b == a and b.n_blocks == 2
    assert _roundtrip(_roundtrip(a)) == a                      # re-pickled before being read
    b.blocks.append(Block("paragraph", "又一段。"))            # read, then changed: the change counts
    assert b.n_blocks == 3 and _roundtrip(b).blocks[-1].text == "又一段。"
    assert b.zh_hash() != a.zh_hash() and _roundtrip(a).zh_hash() == a.zh_hash()


def test_translation_too_and_missing_attributes_still_raise():
    t = Translation(slug="x", title="Title", blocks=[Block("paragraph", "Text.")], origins=["human"],
                    title_origin="human")
    u = _roundtrip(t)
    assert u.n_blocks == 1 and u.origin == "human" and u == t
    try:
        u.no_such_thing
    except AttributeError as e:
        assert "no_such_thing" in str(e)
    else:
        raise AssertionError("no AttributeError")
