"""Stage 2, translate: Chinese articles -> English, block by block, offline.

``translate_site`` is the stage's one entry point. For every article it
splits each unit (title, subtitle, dateline, heading, paragraph) into
sentences, protects glossary terms, looks every sentence up in the
translation memory, sends only the missing ones to the model in one batched
run, puts the terms back, and assembles a :class:`~digest.article.Translation`
aligned block by block with the Chinese. Bylines and editors are romanised.
A human override (``content/<slug>.en.md``) wins where it gives a block.

Modules: ``model_store`` (fetch, verify, unpack), ``sentences`` (splitting),
``glossary`` (terms and placeholders), ``names`` (automatic names, from
``dictionary``: CC-CEDICT), ``memory`` (SQLite TM), ``engine``
(CTranslate2 + SentencePiece with guards), ``romanise`` (names), ``overrides``
(human translations).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..article import Article, Block, Translation
from ..content import EN_SUFFIX
from ..errors import BuildError, InputError, Reporter, progress_bar
from .glossary import (Glossary, check_terms, has_debris, inline, load_glossary, protect, restore,
                       strip_debris, token_counts)
from .memory import TranslationMemory, tm_key
from .model_store import resolve_model
from .overrides import Override, load_override
from .romanise import romanise_byline, romanise_leftovers, romanise_name
from .sentences import join_english, split_sentences

__all__ = ["translate_site", "TranslateResult"]


@dataclass
class TranslateResult:
    translations: dict[str, Translation] = field(default_factory=dict)
    terms: dict[str, str] = field(default_factory=dict)      # keyword -> English label
    sent_to_model: int = 0
    from_memory: int = 0
    glossary_misses: int = 0


@dataclass
class _Job:
    source: str                   # the Chinese sentence
    protected: str                # what the model sees
    mapping: dict[str, str]       # placeholder -> English
    entries: list[tuple[str, str]]
    result: str | None = None


def byline_names(article: Article) -> dict[str, str]:
    """Names from the byline and editor, romanised: they are protected in the body too."""
    from .romanise import ROLES, _HAN, _SPLIT
    names: dict[str, str] = {}
    for field_ in (article.byline, article.editor):
        for tok in _SPLIT.split(field_ or ""):
            if tok and tok not in ROLES and _HAN.match(tok) and 2 <= len(tok) <= 4:
                names[tok] = romanise_name(tok)
    return names


def like_source_end(zh: str, en: str) -> str:
    """A title or heading without a full stop in Chinese gets none in English (the model adds one)."""
    if en.endswith(".") and not en.endswith("..") and not zh.rstrip().endswith(("。", ".", "…")):
        return en[:-1].rstrip()
    return en


def _clean_term(en: str) -> str:
    return en.strip().rstrip(".。").strip()


_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


class _Planner:
    """Collects every sentence of the build once, keyed for the translation memory."""

    def __init__(self, model_id: str, decoding: str, names=None):
        self.model_id, self.decoding = model_id, decoding
        self.names = names            # sentence -> {zh: en} (translate/names.py), or None
        self.jobs: dict[str, _Job] = {}

    def unit(self, text: str, glossary: Glossary) -> list[str]:
        keys = []
        for s in split_sentences(text):
            if not _HAN.search(s):
                # nothing Chinese (a number, a Latin name, a URL): copied, never sent to the model
                key = "verbatim:" + s
                self.jobs.setdefault(key, _Job(s, s, {}, [], result=s))
                keys.append(key)
                continue
            # automatic names are a pure function of the sentence: the key stays deterministic
            g = glossary.with_names(self.names(s), s) if self.names else glossary
            entries = g.entries_in(s)
            key = tm_key(self.model_id, self.decoding, s, entries)
            if key not in self.jobs:
                protected, mapping = protect(s, g)
                self.jobs[key] = _Job(s, protected, mapping, entries)
            keys.append(key)
        return keys

    def text(self, keys: list[str]) -> str:
        parts = [(self.jobs[k].result or "").replace("<unk>", "") for k in keys]
        return romanise_leftovers(join_english(parts))


def _load_overrides(articles, settings, reporter: Reporter) -> dict[str, Override]:
    out: dict[str, Override] = {}
    for a in articles:
        p = settings.content_dir / f"{a.slug}{EN_SUFFIX}"
        if not p.is_file():
            continue
        try:
            ov = load_override(p, a)
        except InputError as e:
            reporter.report(e)
            reporter.info(f"translate: {a.slug}: the English override is not used; machine translation instead")
            continue
        for line, msg in ov.problems:
            reporter.error(p, line, msg) if "not used" in msg else reporter.warning(p, line, msg)
        if ov.stale:
            reporter.warning(p, 1, f"stale translation: {a.slug} (the Chinese changed after this "
                                   "translation was made; update it and its zh_sha256)")
        out[a.slug] = ov
    return out


def translate_site(articles: list[Article], terms: list[str], settings, reporter: Reporter,
                   rebuild_tm: bool = False, auto_names: bool = True) -> TranslateResult:
    """Translate ``articles`` (and keyword ``terms``); only sentences new to the memory reach the model.

    ``auto_names=False``: no automatic names nor dictionary labels (the glossary only; for
    bench/names_quality.py's "before" figures)."""
    result = TranslateResult()
    try:
        glossary = load_glossary(settings.glossary_path)
    except InputError as e:
        raise BuildError(e.message, e.path, e.line) from None
    package = resolve_model(settings, reporter)
    decoding = f"beam{max(1, settings.beam)}"
    from .dictionary import load_dictionary
    from .names import NameFinder
    finder = NameFinder(load_dictionary(settings.cache_dir))
    planner = _Planner(package.model_id, decoding, finder if auto_names else None)
    overrides = _load_overrides(articles, settings, reporter)

    plans = {}
    for a in articles:
        g = glossary.with_terms(byline_names(a))
        ov = overrides.get(a.slug)
        units = {"title": a.title, "subtitle": a.subtitle, "dateline": a.dateline}
        plan = {k: (planner.unit(v, g) if v and not (ov and getattr(ov, k)) else None) for k, v in units.items()}
        blocks = []
        for i, b in enumerate(a.blocks):
            human = ov.blocks[i] if ov and i < len(ov.blocks) else None
            blocks.append(None if human is not None else planner.unit(b.text, g))
        plans[a.slug] = (plan, blocks)
    term_keys = {}
    for t in terms:
        if t in glossary.terms:
            result.terms[t] = glossary.terms[t]
        elif auto_names and finder.label(t):
            # short texts are where the model is weakest: a dictionary entry wins over it
            result.terms[t] = finder.label(t)
        else:
            term_keys[t] = planner.unit(t, glossary)

    tm = TranslationMemory(settings.tm_path, rebuild=rebuild_tm)
    try:
        known = tm.get_many([k for k, j in planner.jobs.items() if j.result is None])
        # a placeholder an older build let through ("Qaaa") is translated again, never shown
        known = {k: v for k, v in known.items() if not (planner.jobs[k].mapping and has_debris(v))}
        for k, v in known.items():
            planner.jobs[k].result = v
        todo = [k for k, j in planner.jobs.items() if j.result is None]
        result.from_memory = len(known)
        if todo:
            result.sent_to_model = len(todo)
            reporter.info(f"translate: {len(todo)} sentence(s) to the model, "
                          f"{result.from_memory} from the translation memory")
            result.glossary_misses = _run_model(planner, todo, package, settings, tm, reporter)
    finally:
        tm.close()

    for a in articles:
        plan, blocks = plans[a.slug]
        ov = overrides.get(a.slug)
        en_blocks, origins = [], []
        for i, b in enumerate(a.blocks):
            human = ov.blocks[i] if ov and i < len(ov.blocks) else None
            if human is not None:
                en_blocks.append(Block(b.kind, human.text)); origins.append("human")
            else:
                en = planner.text(blocks[i])
                en_blocks.append(Block(b.kind, like_source_end(b.text, en) if b.kind == "heading" else en))
                origins.append("machine")

        def unit(name):
            human = getattr(ov, name) if ov else None
            if human:
                return human
            return like_source_end(units_of[name], planner.text(plan[name])) if plan[name] else None

        units_of = {"title": a.title, "subtitle": a.subtitle, "dateline": a.dateline}

        result.translations[a.slug] = Translation(
            slug=a.slug, title=unit("title") or a.title, blocks=en_blocks, origins=origins,
            subtitle=unit("subtitle"), dateline=unit("dateline"),
            byline=(ov.byline if ov and ov.byline else romanise_byline(a.byline)),
            editor=(ov.editor if ov and ov.editor else romanise_byline(a.editor)),
            model_id=package.model_id, stale=bool(ov and ov.stale),
            title_origin="human" if ov and ov.title else "machine")
    for t, keys in term_keys.items():
        result.terms[t] = _clean_term(planner.text(keys))
    return result


def _run_model(planner: _Planner, todo: list[str], package, settings, tm: TranslationMemory,
               reporter: Reporter) -> int:
    """Translate the missing sentences; commit to the memory batch by batch. Returns glossary misses."""
    from .engine import Engine

    engine = Engine(package, beam=max(1, settings.beam))
    jobs = [planner.jobs[k] for k in todo]
    retry: list[int] = []

    def on_batch(indices: list[int], outputs: list[str]) -> None:
        rows = []
        for i, out in zip(indices, outputs):
            j = jobs[i]
            text, ok = restore(out, j.mapping, token_counts(j.protected))
            if ok and not check_terms(text, j.entries, j.source):
                j.result = text
                rows.append((todo[i], package.model_id, j.source, text))
            else:
                j.result = text
                retry.append(i)
        tm.put_many(rows)

    with progress_bar(settings.quiet, len(jobs), "translating", "sent") as bar:
        engine.translate([j.protected for j in jobs], on_batch=on_batch, progress=bar.update)
        misses = 0
        third: list[int] = []
        if retry:
            # second chance: the English terms written inline into the Chinese
            outs = engine.translate([inline(jobs[i].source, Glossary(dict(jobs[i].entries))) for i in retry])
            rows = []
            for i, out in zip(retry, outs):
                j = jobs[i]
                candidates = [j.result or "", out]
                longest = max(len(strip_debris(c)) for c in candidates)
                # losing half the sentence is worse than missing a glossary term
                scored = [(len(strip_debris(c)) < 0.6 * longest, len(check_terms(c, j.entries, j.source)),
                           has_debris(c), n, c) for n, c in enumerate(candidates)]
                _short, n_missing, _debris, _n, best = min(scored)
                j.result = strip_debris(best)
                if n_missing and protect(j.source, Glossary(dict(j.entries)), merge=False)[0] != j.protected:
                    third.append(i)
                    continue
                misses += n_missing
                rows.append((todo[i], package.model_id, j.source, j.result))
            if third:
                # third chance: terms side by side each with its own placeholder (京口区谏壁街道 as
                # QZAA QZAB): the model sometimes drops one, sometimes the merged one
                plans = [protect(jobs[i].source, Glossary(dict(jobs[i].entries)), merge=False) for i in third]
                outs = engine.translate([p for p, _m in plans])
                for i, (p, m), out in zip(third, plans, outs):
                    j = jobs[i]
                    text, ok = restore(out, m, token_counts(p))
                    if ok and not check_terms(text, j.entries, j.source):
                        j.result = text
                    else:
                        misses += len(check_terms(j.result or "", j.entries, j.source))
                    rows.append((todo[i], package.model_id, j.source, j.result))
            tm.put_many(rows)
        return misses
