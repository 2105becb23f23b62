"""The model on the CPU: CTranslate2 + SentencePiece, batched, with guards.

Speed (measured on WMT21, 2 cores): one batched call on a
``Translator(inter_threads=2, intra_threads=1)`` is 9x faster than a call per
sentence, and ``intra_threads=2`` halves throughput. We submit every batch
asynchronously at once, so both translator replicas stay busy.

A sentence's translation does not depend on its neighbours. CTranslate2 pads a
batch to its longest sentence, and padding changes the floating-point sums
(on WMT21, 3 of 600 sentences got other words and 6 another score in length-sorted
batches of 64 than alone). So a sentence is always padded to the same length: its
length in tokens rounded up to a multiple of ``BUCKET``; a batch holds sentences
of one such bucket plus a filler row of exactly that length (dropped from the
output). The decoding bound is applied per sentence: an output that reaches its
own sentence's bound (``decoding_bound``) or repeats itself is translated again
alone, and a beam search that reached it is searched again with only its filler.
``bench/mt_batch_independence.py`` measures it again.

Every output carries the model's score (mean log-probability per target token).
``alternatives`` gives the n best hypotheses of a beam search, for the sentences
whose first translation failed a check.

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
BUCKET = 8         # tokens: every sentence is padded to a multiple of this
FILLER = "。"       # the piece a batch's filler row repeats
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


@dataclass(frozen=True)
class Hyp:
    text: str
    score: float          # mean log-probability per target token (higher is surer)


def padded_length(n_tokens: int) -> int:
    """The length every sentence of ``n_tokens`` is padded to, whatever its batch."""
    return max(1, -(-n_tokens // BUCKET)) * BUCKET


def bucket_batches(lengths: list[int], size: int = BATCH) -> list[list[int]]:
    """Indices grouped by padded length, each group (in input order) cut into batches of at most
    ``size - 1``: one row of each batch is the filler."""
    groups: dict[int, list[int]] = {}
    for i, n in enumerate(lengths):
        groups.setdefault(padded_length(n), []).append(i)
    return [g[k:k + size - 1] for n in sorted(groups) for g in (groups[n],) for k in range(0, len(g), size - 1)]


def _mean_score(result, k: int = 0) -> float:
    """CTranslate2's score is already the log-probability divided by the length (greedy, and
    beam search with its default ``length_penalty=1``): the mean per target token, end included."""
    return float(result.scores[k])


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

    def _submit(self, rows: list[list[str]], bound: int, size: int, **options):
        """One asynchronous batch: ``rows`` (of one bucket) and the filler row that pads them all to
        their bucket's length; the futures of ``rows`` only."""
        filler = [FILLER] * padded_length(max(len(r) for r in rows))
        futures = self.translator.translate_batch(rows + [filler], max_batch_size=size, asynchronous=True,
                                                  max_decoding_length=bound, return_scores=True, **options)
        return futures[:len(rows)]

    def translate(self, texts: list[str], on_batch: Callable[[list[int], list[str]], None] | None = None,
                  progress: Callable[[int], None] | None = None) -> list[str]:
        """Translate ``texts`` (sentences); ``on_batch(indices, outputs)`` after each batch."""
        cb = (lambda idx, hyps: on_batch(idx, [h.text for h in hyps])) if on_batch else None
        return [h.text for h in self.translate_scored(texts, cb, progress)]

    def translate_scored(self, texts: list[str], on_batch: Callable[[list[int], list[Hyp]], None] | None = None,
                         progress: Callable[[int], None] | None = None) -> list[Hyp]:
        """Translate ``texts``; each output with its score; ``on_batch(indices, hyps)`` after each batch."""
        if not texts:
            return []
        toks = self.tokenize(texts)
        pending = []
        for b in bucket_batches([len(t) for t in toks]):
            bound = max(decoding_bound(len(toks[i])) for i in b)
            pending.append((b, self._submit([toks[i] for i in b], bound, BATCH, beam_size=self.beam)))
        results: list[Hyp | None] = [None] * len(texts)
        for b, futures in pending:
            outs: list[Hyp] = []
            retry: list[int] = []
            for j, fut in enumerate(futures):
                r = fut.result()
                # judged by the sentence's own bound: alone it would have stopped there, and an
                # output that reaches it is retried whatever its neighbours
                if looks_looped(r.hypotheses[0], decoding_bound(len(toks[b[j]]))):
                    retry.append(j)
                outs.append(Hyp(detokenise(r.hypotheses[0]), _mean_score(r)))
            # one sentence at a time, so that the retry does not depend on which others looped
            for j in retry:
                r = self.translator.translate_batch(
                    [toks[b[j]]], beam_size=max(2, self.beam), repetition_penalty=1.2,
                    no_repeat_ngram_size=3, max_decoding_length=decoding_bound(len(toks[b[j]])),
                    return_scores=True)[0]
                outs[j] = Hyp(detokenise(r.hypotheses[0]), _mean_score(r))
            outs = [Hyp(collapse_repeats(o.text), o.score) for o in outs]
            for i, o in zip(b, outs):
                results[i] = o
            if on_batch:
                on_batch(b, outs)
            if progress:
                progress(len(b))
        return [r or Hyp("", float("-inf")) for r in results]

    def alternatives(self, texts: list[str], n: int = 4) -> list[list[Hyp]]:
        """The ``n`` best hypotheses of a beam search of width ``n`` for each text, best first."""
        if not texts:
            return []
        toks = self.tokenize(texts)
        pending = []
        beam = dict(beam_size=max(n, self.beam), num_hypotheses=n)
        pending = []
        for b in bucket_batches([len(t) for t in toks], size=16):
            bound = max(decoding_bound(len(toks[i])) for i in b)
            pending.append((b, self._submit([toks[i] for i in b], bound, 16, **beam)))
        results = [None] * len(texts)
        for b, futures in pending:
            for i, fut in zip(b, futures):
                results[i] = fut.result()
        # a search that ran to the sentence's own bound might have ended otherwise alone: redo it
        # with only its filler, to its own bound
        redo = [i for i, r in enumerate(results)
                if any(len(h) >= decoding_bound(len(toks[i])) for h in r.hypotheses)]
        for i in redo:
            results[i] = self._submit([toks[i]], decoding_bound(len(toks[i])), 16, **beam)[0].result()
        return [[Hyp(collapse_repeats(detokenise(h)), _mean_score(r, k)) for k, h in enumerate(r.hypotheses)]
                for r in results]


def translate_all(engine: Engine, texts: Iterable[str]) -> list[str]:
    return engine.translate(list(texts))
