"""Content keys of the render stage: what a page or file is made from, as a hash.

A page's key is made from its inputs (``digest.state.digest_of`` over tuples of plain
values, or ``stable_digest`` over objects such as an ``Article``), so an unchanged page is
never rendered again; a file made at once is keyed by its bytes (``key_of``).
"""
from __future__ import annotations

import hashlib
import io
import pickle


def stable_digest(obj) -> str:
    """sha256 of a value's pickle with pickle's memo off ("fast" mode), so equal values give
    equal digests whichever objects they share (no cycles in what is hashed here)."""
    buf = io.BytesIO()
    p = pickle.Pickler(buf, protocol=5)
    p.fast = True
    p.dump(obj)
    return hashlib.sha256(buf.getvalue()).hexdigest()


def key_of(data: bytes) -> str:
    """The key of a file made at once: a hash of its bytes."""
    return hashlib.sha256(data).hexdigest()[:32]
