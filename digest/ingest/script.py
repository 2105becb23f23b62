"""Traditional to Simplified with OpenCC, and which script the source used.

The configuration is ``tw2s``: OpenCC's ``t2s`` tables plus its Taiwan phrase and
variant tables, which also resolve the verb particle ``著`` -> ``着``
(``上演著一場`` -> ``上演着一场``; plain ``t2s`` leaves ``著``, because ``著`` is
also a Simplified character, as in ``著名``, which both keep).

The source counts as Traditional when converting it changes a noticeable share
of its Han characters; converting Simplified text is (almost) the identity, so
the comparison needs no separate detector.
"""
from __future__ import annotations

from functools import lru_cache

import opencc

from ..chars import HAN_RE


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("tw2s")


def to_simplified(text: str) -> str:
    return _t2s().convert(text)


def detect_script(original: str, converted: str) -> str:
    """'traditional' when t2s changed at least 3% of the Han characters (and at least one)."""
    if len(original) != len(converted):          # phrase conversion changed lengths: compare sets
        return "traditional" if original != converted else "simplified"
    changed = sum(a != b for a, b in zip(original, converted))   # t2s only changes Han
    han = len(HAN_RE.findall(original))
    return "traditional" if changed and changed >= 0.03 * han else "simplified"
