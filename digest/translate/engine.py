"""The model on the CPU: CTranslate2 + SentencePiece, batched, with guards.

Speed (measured on WMT21, 2 cores): one batched call on a
``Translator(inter_threads=2, intra_threads=1)`` is 9x faster than a call per
sentence, and ``intra_threads=2`` halves throughput. We sort sentences by length,
cut them into batches of 64 and submit every batch asynchronously at once, so
both translator replicas stay busy, and each batch gets a decoding-length bound
relative to its longest input (a runaway output cannot take minutes).

Guards against the model's failure modes: an output that hit the length bound
or repeats itself (``… matriculados matriculados …``) is translated again with a
repetition penalty and ``no_repeat_ngram_size``; what still loops is collapsed.

The SentencePiece model covers the Chinese side only: the output is detokenised
by joining the pieces and turning ``▁`` into spaces.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Callable, Iterable

from ..errors import BuildError
from .model_store import ModelPackage

BATCH = 64
# one to six whole words repeated three or more times in a row, in any case ("Ha ha ha",
# "Development, development, development"); "300,000" is not a loop
LOOP = re.compile(r"(?<![\w,.])([^\W\d][\w'-]*(?:[ ,]+[^\W\d][\w'-]*){0,5})(?:[ ,]+\1(?![\w'-])){2,}",
                  re.IGNORECASE)


def decoding_bound(n_tokens: int) -> int:
    """The most target tokens an input of ``n_tokens`` may produce."""
    return min(512, 3 * n_tokens + 16)


def collapse_repeats(text: str) -> str:
    """``a b b b b c`` -> ``a b c``: a word or phrase repeated three or more times in a row."""
    prev = None
    while prev != text:
        prev = text
        text = LOOP.sub(lambda m: m.group(1), text)
    return re.sub(r"\s{2,}", " ", text).strip()


def looks_looped(tokens: list[str], bound: int) -> bool:
    if len(tokens) >= bound:
        return True
    for n in (1, 2, 3, 4):
        for i in range(len(tokens) - 3 * n + 1):
            g = tokens[i:i + n]
            if g == tokens[i + n:i + 2 * n] == tokens[i + 2 * n:i + 3 * n]:
                if n > 1 or len(g[0].strip("▁")) > 1 or (i + 4 * n <= len(tokens) and tokens[i + 3 * n] == g[0]):
                    return True
    return False


SPECIAL = {"<unk>", "<s>", "</s>", "<pad>"}


def detokenise(pieces: list[str]) -> str:
    """Join target pieces; ``▁`` marks a space; special tokens never reach a page."""
    return "".join(p for p in pieces if p not in SPECIAL).replace("<unk>", "").replace("▁", " ").strip()


@dataclass
class Engine:
    package: ModelPackage
    beam: int = 1
    threads: int = 0           # 0: one translator replica per core (inter_threads)
    device: str = "cpu"        # "cpu" or "cuda" (see translate/device.py for --device auto)

    def __post_init__(self) -> None:
        try:
            import ctranslate2
            import sentencepiece
        except ImportError as e:   # pragma: no cover - dependencies are pinned
            raise BuildError(f"missing dependency: {e.name}; reinstall with ./make.sh site") from None
        inter = self.threads or max(1, min(os.cpu_count() or 1, 8))
        try:
            self.sp = sentencepiece.SentencePieceProcessor(model_file=str(self.package.sp_model))
            self.translator = ctranslate2.Translator(str(self.package.ct2_dir), device=self.device,
                                                     inter_threads=inter, intra_threads=1)
        except (RuntimeError, OSError, ValueError) as e:
            raise BuildError(f"cannot load the translation model ({e}); "
                             "fetch it again with `python build.py fetch-model --force`",
                             self.package.root) from None

    @property
    def decoding(self) -> str:
        """Part of every translation-memory key: a different decoding is a different translation."""
        return f"beam{self.beam}"

    def tokenize(self, texts: list[str]) -> list[list[str]]:
        return self.sp.encode(texts, out_type=str)

    def translate(self, texts: list[str], on_batch: Callable[[list[int], list[str]], None] | None = None,
                  progress: Callable[[int], None] | None = None) -> list[str]:
        """Translate ``texts`` (sentences); ``on_batch(indices, outputs)`` after each batch."""
        if not texts:
            return []
        toks = self.tokenize(texts)
        order = sorted(range(len(texts)), key=lambda i: len(toks[i]))
        batches = [order[i:i + BATCH] for i in range(0, len(order), BATCH)]
        pending = []
        for b in batches:
            bound = decoding_bound(max(len(toks[i]) for i in b))
            futures = self.translator.translate_batch(
                [toks[i] for i in b], beam_size=self.beam, max_batch_size=BATCH,
                max_decoding_length=bound, asynchronous=True)
            pending.append((b, bound, futures))
        results: list[str | None] = [None] * len(texts)
        for b, bound, futures in pending:
            outs: list[str] = []
            retry: list[int] = []
            for j, (i, fut) in enumerate(zip(b, futures)):
                pieces = fut.result().hypotheses[0]
                if looks_looped(pieces, decoding_bound(len(toks[i]))):
                    retry.append(j)
                outs.append(detokenise(pieces))
            if retry:
                fixed = self.translator.translate_batch(
                    [toks[b[j]] for j in retry], beam_size=max(2, self.beam), repetition_penalty=1.2,
                    no_repeat_ngram_size=3, max_decoding_length=bound)
                for j, r in zip(retry, fixed):
                    outs[j] = detokenise(r.hypotheses[0])
            outs = [collapse_repeats(o) for o in outs]
            for i, o in zip(b, outs):
                results[i] = o
            if on_batch:
                on_batch(b, outs)
            if progress:
                progress(len(b))
        return [r or "" for r in results]


def translate_all(engine: Engine, texts: Iterable[str]) -> list[str]:
    return engine.translate(list(texts))
