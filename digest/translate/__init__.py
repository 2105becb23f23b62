"""Stage 2, translate: Chinese articles -> English, block by block, offline.

``translate_site`` is the stage's one entry point. For every article it
splits each unit (title, subtitle, dateline, heading, paragraph) into
sentences, protects glossary terms, looks every sentence up in the
translation memory, sends only the missing ones to the model in one batched
run, puts the terms back, and assembles a :class:`~digest.article.Translation`
aligned block by block with the Chinese. Bylines and editors are romanised.
A human override (``content/<slug>.en.md``) wins where it gives a block.

Money, scaled numbers and dates (``numbers``) pass through the model as
placeholders, like glossary terms: 4亿元 is "400 million yuan", 17日 "the 17th".
Every machine sentence is checked against its source (``checks``); one that
fails is translated again with the n best hypotheses of a beam search and the
best-scoring one that passes is kept; what still fails is listed in
``Translation.flags`` with its unit, block and sentence. The checks are pure and
the memory keeps each sentence's score, so a build from the memory has the same flags.

Modules: ``model_store`` (fetch, verify, unpack), ``sentences`` (splitting),
``glossary`` (terms and placeholders), ``names`` (automatic names, from
``dictionary``: CC-CEDICT), ``numbers`` (money, numbers, dates),
``checks`` (every sentence against its source), ``memory`` (SQLite TM), ``engine``
(CTranslate2 + SentencePiece with guards), ``romanise`` (names), ``overrides``
(human translations).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..article import Article, Block, SentenceFlag, Translation
from ..chars import HAN_RE, HAN_WORD_RE
from ..content import EN_SUFFIX
from ..errors import BuildError, InputError, Reporter, counted, progress_bar
from .glossary import (Glossary, check_terms, has_debris, inline, load_glossary, protect, restore,
                       strip_debris, token_counts)
from .checks import check, drop_invented_marker, retryable, severity
from .memory import TranslationMemory, tm_key
from .numbers import expressions
from .model_store import resolve_model
from .overrides import Override, issue_message, load_override
from .romanise import romanise_byline, romanise_leftovers, romanise_name
from .sentences import join_english, split_sentences

__all__ = ["translate_site", "TranslateResult"]

# part of every memory key: what the pipeline around the model does to a sentence
# (placeholders for money and dates, checked and retried) changes its translation
PIPELINE = "checks1"
ALTERNATIVES = 4          # hypotheses of the beam search that retries a failing sentence


@dataclass
class TranslateResult:
    translations: dict[str, Translation] = field(default_factory=dict)
    terms: dict[str, str] = field(default_factory=dict)      # keyword -> English label
    sent_to_model: int = 0
    from_memory: int = 0
    glossary_misses: int = 0
    retried: int = 0              # sentences that failed a check and were tried with other hypotheses
    retry_passed: int = 0         # ... of which one passed
    flagged: int = 0              # machine sentences on the review list (Translation.flags)


@dataclass
class _Job:
    source: str                   # the Chinese sentence
    protected: str                # what the model sees
    mapping: dict[str, str]       # placeholder -> English
    entries: list[tuple[str, str]]
    result: str | None = None
    score: float | None = None    # the model's mean log-probability per token
    _reasons: tuple[str, ...] | None = None

    @property
    def reasons(self) -> tuple[str, ...]:
        """Why this machine sentence needs a human (cached: the checks are pure); a sentence
        with nothing Chinese is copied, never checked."""
        if self._reasons is None:
            self._reasons = (tuple(check(self.source, self.result or "", self.score))
                             if HAN_RE.search(self.source) else ())
        return self._reasons

    @property
    def severity(self) -> int:
        return severity(list(self.reasons))


def byline_names(article: Article) -> dict[str, str]:
    """Names from the byline and editor, romanised: they are protected in the body too."""
    from .romanise import ROLES, _SPLIT
    names: dict[str, str] = {}
    for field_ in (article.byline, article.editor):
        for tok in _SPLIT.split(field_ or ""):
            if tok and tok not in ROLES and HAN_WORD_RE.match(tok) and 2 <= len(tok) <= 4:
                names[tok] = romanise_name(tok)
    return names


def like_source_end(zh: str, en: str) -> str:
    """A title or heading without a full stop in Chinese gets none in English (the model adds one)."""
    if en.endswith(".") and not en.endswith("..") and not zh.rstrip().endswith(("。", ".", "…")):
        return en[:-1].rstrip()
    return en


def _clean_term(en: str) -> str:
    return en.strip().rstrip(".。").strip()


class _Planner:
    """Collects every sentence of the build once, keyed for the translation memory."""

    def __init__(self, model_id: str, decoding: str, names=None):
        self.model_id, self.decoding = model_id, decoding
        self.names = names            # sentence -> {zh: en} (translate/names.py), or None
        self.jobs: dict[str, _Job] = {}
        self.retried = self.retry_passed = 0

    def unit(self, text: str, glossary: Glossary) -> list[str]:
        keys = []
        for s in split_sentences(text):
            if not HAN_RE.search(s):
                # nothing Chinese (a number, a Latin name, a URL): copied, never sent to the model
                key = "verbatim:" + s
                self.jobs.setdefault(key, _Job(s, s, {}, [], result=s))
                keys.append(key)
                continue
            # automatic names are a pure function of the sentence: the key stays deterministic;
            # money and dates pass through the model like glossary terms (the glossary wins)
            g = glossary.with_names(self.names(s), s) if self.names else glossary
            nums = expressions(s)
            g = g.with_terms(nums) if nums else g
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
        for issue in ov.issues:
            reporter.warning(p, issue.line, issue_message(a.slug, issue))
        out[a.slug] = ov
    return out


def _unit_text(planner: _Planner, keys: list[str], fixed: dict[int, str]) -> str:
    """A unit's English: the machine's sentences, with the human ones in their places."""
    if not fixed:
        return planner.text(keys)
    return join_english([fixed[n] if n in fixed else planner.text([k]) for n, k in enumerate(keys)])


def assemble(a: Article, plan: dict, blocks: list, ov: Override | None, planner: _Planner,
             model_id: str) -> Translation:
    """One article's Translation: human blocks and sentences where the override gives them
    (matched by the hash of their Chinese), the machine's everywhere else."""
    en_blocks, origins, sentences = [], [], []
    for i, b in enumerate(a.blocks):
        human = ov.blocks[i] if ov else None
        sentences.append(None)
        if human is not None:
            en_blocks.append(Block(b.kind, human.text)); origins.append("human")
            continue
        fixed = ov.human_sentences("block", i) if ov else {}
        en = _unit_text(planner, blocks[i], fixed)
        sentences[i] = [fixed[n] if n in fixed else planner.text([k]) for n, k in enumerate(blocks[i])]
        en_blocks.append(Block(b.kind, like_source_end(b.text, en) if b.kind == "heading" else en))
        origins.append("mixed" if fixed else "machine")

    def unit(name):
        human = getattr(ov, name) if ov else None
        if human:
            return human
        source = getattr(a, name)
        fixed = ov.human_sentences(name) if ov else {}
        return like_source_end(source, _unit_text(planner, plan[name], fixed)) if plan[name] else None

    t = Translation(
        slug=a.slug, title=unit("title") or a.title, blocks=en_blocks, origins=origins,
        subtitle=unit("subtitle"), dateline=unit("dateline"),
        byline=(ov.byline if ov and ov.byline else romanise_byline(a.byline)),
        editor=(ov.editor if ov and ov.editor else romanise_byline(a.editor)),
        model_id=model_id, stale=bool(ov and ov.stale),
        title_origin="human" if ov and (ov.title or ov.human_sentences("title")) else "machine",
        translator=ov.translator if ov else None,
        human_issues=list(ov.issues) if ov else [], sentences=sentences)
    t.flags = without_human(t.flags or machine_flags(a, plan, blocks, planner), ov)
    return t


def machine_flags(a: Article, plan: dict, blocks: list, planner: _Planner) -> list[SentenceFlag]:
    """The checks' verdicts, placed: a sentence job with ``reasons`` (translate/checks.py)
    becomes a SentenceFlag at its unit, block and sentence number (the review list and the
    English page read them)."""
    out = []

    def unit(name: str, block: int, keys: list[str] | None) -> None:
        for n, k in enumerate(keys or ()):
            job = planner.jobs[k]
            if job.reasons:
                out.append(SentenceFlag(name, block, n, job.source, job.result or "", job.reasons,
                                        job.severity))
    for name in ("title", "subtitle", "dateline"):
        unit(name, -1, plan.get(name))
    for i, keys in enumerate(blocks):
        unit("block", i, keys)
    return out


def without_human(flags: list, ov: Override | None) -> list:
    """Flags of machine sentences only: a block or sentence a person translated is never flagged."""
    if ov is None:
        return list(flags)
    out = []
    for f in flags:
        if f.unit == "block" and 0 <= f.block < len(ov.blocks) and ov.blocks[f.block] is not None:
            continue
        if f.unit != "block" and getattr(ov, f.unit, None):
            continue
        if f.sentence in ov.human_sentences(f.unit, f.block if f.unit == "block" else -1):
            continue
        out.append(f)
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
    decoding = f"beam{max(1, settings.beam)}+{PIPELINE}"
    from .dictionary import VERSION as DICTIONARY_VERSION, load_dictionary
    from ..segment import Segmenter
    from .names import NameFinder
    # (loaded when a machine-translated sentence or a keyword first needs it)
    finder = NameFinder(lambda: load_dictionary(settings.cache_dir), DICTIONARY_VERSION,
                        segmenter=Segmenter(glossary.terms, settings.cache_dir))
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
            human = ov.blocks[i] if ov else None
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
        known = tm.get_scored([k for k, j in planner.jobs.items() if j.result is None])
        # a placeholder an older build let through ("Qaaa") is translated again, never shown
        known = {k: v for k, v in known.items() if not (planner.jobs[k].mapping and has_debris(v[0]))}
        for k, (v, score) in known.items():       # (a memory made before the marker rule too)
            job = planner.jobs[k]
            job.result = drop_invented_marker(job.source, day_prepositions(v, job.mapping.values()))
            job.score = score
        todo = [k for k, j in planner.jobs.items() if j.result is None]
        result.from_memory = len(known)
        if todo:
            result.sent_to_model = len(todo)
            reporter.info(model_message(len(todo), result.from_memory))
            result.glossary_misses = _run_model(planner, todo, package, settings, tm, reporter)
    finally:
        tm.close()

    for a in articles:
        plan, blocks = plans[a.slug]
        result.translations[a.slug] = assemble(a, plan, blocks, overrides.get(a.slug), planner,
                                               package.model_id)
    for t, keys in term_keys.items():
        result.terms[t] = _clean_term(planner.text(keys))
    result.retried, result.retry_passed = planner.retried, planner.retry_passed
    result.flagged = sum(len(t.flags) for t in result.translations.values())
    if result.flagged:
        reporter.info(flagged_message(result.flagged))
    return result


def model_message(to_model: int, from_memory: int) -> str:
    return f"translate: {counted(to_model, 'sentence')} to the model, {from_memory} from the translation memory"


def flagged_message(flagged: int) -> str:
    return (f"translate: {counted(flagged, 'machine sentence')} {'needs' if flagged == 1 else 'need'} "
            "a human look (Translation.flags: numbers, dates, names or fluency the checks doubt)")


def _run_model(planner: _Planner, todo: list[str], package, settings, tm: TranslationMemory,
               reporter: Reporter) -> int:
    """Translate the missing sentences; commit to the memory batch by batch. Returns glossary misses.

    A sentence that loses a placeholder is translated again with the English terms inline;
    one that fails a check (:func:`~digest.translate.checks.check`) is translated again
    with the n best hypotheses of a beam search, and the best-scoring one that passes wins.
    """
    from .engine import Engine

    from .device import pick_device
    engine = Engine(package, beam=max(1, settings.beam), device=pick_device(settings.device))
    jobs = [planner.jobs[k] for k in todo]
    retry: list[int] = []
    recheck: list[int] = []

    def row(i: int) -> tuple:
        j = jobs[i]
        return (todo[i], package.model_id, j.source, j.result, j.score)

    def accept(i: int, text: str, score: float) -> bool:
        """Take ``text`` for job ``i``; False when it fails a check that another hypothesis may pass."""
        j = jobs[i]
        # the same tidying as a sentence read back from the memory, so its flags are the same
        j.result = drop_invented_marker(j.source, day_prepositions(text, j.mapping.values()))
        j.score, j._reasons = score, None
        return not retryable(list(j.reasons))

    def on_batch(indices: list[int], hyps) -> None:
        rows = []
        for i, h in zip(indices, hyps):
            j = jobs[i]
            text, ok = _restore(h.text, j)
            if not ok or check_terms(text, j.entries, j.source):
                j.result, j.score = text, h.score
                retry.append(i)
            elif accept(i, text, h.score):
                rows.append(row(i))
            else:
                recheck.append(i)
        tm.put_many(rows)

    with progress_bar(settings.quiet, len(jobs), "translating", "sent") as bar:
        engine.translate_scored([j.protected for j in jobs], on_batch=on_batch, progress=bar.update)
        misses = 0
        third: list[int] = []
        if retry:
            # second chance: the English terms written inline into the Chinese
            outs = engine.translate_scored([inline(jobs[i].source, Glossary(dict(jobs[i].entries)))
                                            for i in retry])
            rows = []
            for i, out in zip(retry, outs):
                j = jobs[i]
                candidates = [(j.result or "", j.score), (out.text, out.score)]
                longest = max(len(strip_debris(c)) for c, _ in candidates)
                # losing half the sentence is worse than missing a glossary term
                scored = [(len(strip_debris(c)) < 0.6 * longest, len(check_terms(c, j.entries, j.source)),
                           has_debris(c), n, c, sc) for n, (c, sc) in enumerate(candidates)]
                _short, n_missing, _debris, _n, best, best_score = min(scored)
                j.result, j.score = strip_debris(best), best_score
                if n_missing and protect(j.source, Glossary(dict(j.entries)), merge=False)[0] != j.protected:
                    third.append(i)
                    continue
                misses += n_missing
                if accept(i, j.result, best_score) or n_missing:
                    rows.append(row(i))
                else:
                    recheck.append(i)
            if third:
                # third chance: terms side by side each with its own placeholder (京口区谏壁街道 as
                # QZAA QZAB): the model sometimes drops one, sometimes the merged one
                plans = [protect(jobs[i].source, Glossary(dict(jobs[i].entries)), merge=False) for i in third]
                outs = engine.translate_scored([p for p, _m in plans])
                for i, (p, m), out in zip(third, plans, outs):
                    j = jobs[i]
                    text, ok = restore(out.text, m, token_counts(p))
                    if ok and not check_terms(text, j.entries, j.source):
                        if accept(i, text, out.score):
                            rows.append(row(i))
                        else:
                            recheck.append(i)
                        continue
                    misses += len(check_terms(j.result or "", j.entries, j.source))
                    accept(i, j.result or "", j.score)
                    rows.append(row(i))
            tm.put_many(rows)
        if recheck:
            planner.retried += len(recheck)
            planner.retry_passed += _retry_checks(engine, [jobs[i] for i in recheck])
            tm.put_many([row(i) for i in recheck])
        return misses


def _restore(output: str, j: _Job) -> tuple[str, bool]:
    """Placeholders back; a sentence opening with one ("the 17th") starts with a capital; a list
    marker the source does not have is dropped from its start."""
    text, ok = restore(output, j.mapping, token_counts(j.protected))
    if text[:1].islower() and any(text.startswith(v) for v in j.mapping.values()):
        text = text[0].upper() + text[1:]
    return drop_invented_marker(j.source, day_prepositions(text, j.mapping.values())), ok


_DAY = r"the \d{1,2}(?:st|nd|rd|th)\b"


def day_prepositions(text: str, values) -> str:
    """A day of the month put back from a placeholder ("the 24th") reads as a date: the model's
    own article before it goes ("in the the 27th building" -> "in the 27th building") and "at"
    before it becomes "on" ("announced at the 24th" -> "announced on the 24th")."""
    for day in {v for v in values if re.fullmatch(_DAY, v)}:
        d = re.escape(day)
        text = re.sub(rf"\b([Tt])he {d}", lambda m: m.group(1) + day[1:], text)
        text = re.sub(rf"\b([Aa])t {d}", lambda m: ("O" if m.group(1) == "A" else "o") + "n " + day, text)
    return text


def _retry_checks(engine, jobs: list[_Job]) -> int:
    """Each job failed a check: keep the best-scoring beam hypothesis that passes, if one does.

    Returns how many passed."""
    passed = 0
    for j, hyps in zip(jobs, engine.alternatives([j.protected for j in jobs], n=ALTERNATIVES)):
        for h in hyps:                          # best first
            text, ok = _restore(h.text, j)
            if not ok or check_terms(text, j.entries, j.source):
                continue
            reasons = check(j.source, text, h.score)
            if not retryable(reasons):
                j.result, j.score, j._reasons = text, h.score, tuple(reasons)
                passed += 1
                break
    return passed
