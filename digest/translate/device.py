"""Where CTranslate2 runs the model: ``auto`` (a GPU when CTranslate2 sees one), ``cpu`` or ``cuda``."""
from __future__ import annotations

from typing import Callable

from ..errors import BuildError

DEVICES = ("auto", "cpu", "cuda")


def _cuda_count() -> int:
    try:
        import ctranslate2
        return int(ctranslate2.get_cuda_device_count())
    except Exception:          # no CUDA runtime at all: as good as no GPU
        return 0


def pick_device(setting: str, cuda_count: Callable[[], int] = _cuda_count) -> str:
    """The CTranslate2 device for a ``--device`` setting; ``cuda`` with no GPU is an error."""
    if setting not in DEVICES:
        raise BuildError(f"unknown device {setting!r}: use one of {', '.join(DEVICES)}")
    if setting == "cpu":
        return "cpu"
    n = cuda_count()
    if setting == "cuda" and n == 0:
        raise BuildError("--device cuda: CTranslate2 finds no CUDA GPU on this machine; "
                         "use --device auto (or cpu)")
    return "cuda" if n > 0 else "cpu"
