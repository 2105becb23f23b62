"""--device auto|cpu|cuda: which CTranslate2 device the model runs on."""
from __future__ import annotations

import pytest

from digest.errors import BuildError
from digest.translate.device import pick_device


@pytest.mark.parametrize("setting, gpus, device", [
    ("auto", 0, "cpu"), ("auto", 1, "cuda"), ("auto", 4, "cuda"),
    ("cpu", 0, "cpu"), ("cpu", 2, "cpu"), ("cuda", 1, "cuda"),
])
def test_pick_device(setting, gpus, device):
    assert pick_device(setting, lambda: gpus) == device


def test_cuda_without_a_gpu_is_a_clear_error():
    with pytest.raises(BuildError, match="no CUDA GPU"):
        pick_device("cuda", lambda: 0)


def test_an_unknown_device_is_an_error():
    with pytest.raises(BuildError, match="unknown device"):
        pick_device("tpu", lambda: 0)


def test_this_machine_has_no_gpu_so_auto_is_the_cpu():
    import ctranslate2
    if ctranslate2.get_cuda_device_count():
        pytest.skip("this machine has a GPU")
    assert pick_device("auto") == "cpu"


def test_the_engine_passes_the_device_to_ctranslate2(model_package, monkeypatch):
    import ctranslate2
    from digest.translate.engine import Engine
    seen = {}

    class Recorder:
        def __init__(self, path, device="cpu", **kw):
            seen["device"] = device

    monkeypatch.setattr(ctranslate2, "Translator", Recorder)
    Engine(model_package, device="cuda")
    assert seen["device"] == "cuda"
    Engine(model_package)
    assert seen["device"] == "cpu"
