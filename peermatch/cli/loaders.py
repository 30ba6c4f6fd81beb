"""What the shared options load: the dataset, the weights, a history's adjustments, and a
system named on the command line. The library is imported here, never at start-up."""

from __future__ import annotations

import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from peermatch.cli.app import end_startup
from peermatch.cli.console import err, info, note
from peermatch.core.catalogue import closest, did_you_mean, normalise, ranked_matches
from peermatch.core.dataset import Dataset
from peermatch.core.errors import UsageError
from peermatch.core.findings import quote
from peermatch.core.weights import DEFAULT_WEIGHTS, Weights
from peermatch.files.cache import load_cached

if TYPE_CHECKING:
    from peermatch.scoring.adjustments import Adjustments
    from peermatch.scoring.match import Match
    from peermatch.scoring.memo import Memo


def load_data(
    data: Path | None, systems: Path | None, challenges: Path | None, *, use_cache: bool = True
) -> Dataset:
    started = time.perf_counter()
    loaded = load_cached(data, systems, challenges, use_cache=use_cache)
    end_startup()  # the collector, paused since main(), runs again from here
    dataset = loaded.dataset
    info(loaded.cache)
    info(
        f"loaded {len(dataset.systems)} systems from {dataset.systems_file} and "
        f"{len(dataset.catalogue)} topics from {dataset.challenges_file} "
        f"in {time.perf_counter() - started:.2f} s"
    )
    if dataset.warnings:
        info(f"{len(dataset.warnings)} warning(s) in the data; 'peermatch validate' lists them")
    return dataset


def weights_from(path: Path | None) -> Weights:
    if path is None:
        return DEFAULT_WEIGHTS
    from peermatch.files.weights import load_weights

    return load_weights(path)


def resolve_system(data: Dataset, text: str, where: str) -> str:
    """The id of the system ``text`` names: an id or name, exactly, in any case, or fuzzily.

    A fuzzy answer is taken only when it is clear (one strong candidate); otherwise a
    :class:`UsageError` (exit 2) names ``where`` (the option or argument) and the closest
    ones: naming a system the data does not have is a mistake on the command line, not in
    the data.
    """
    if text in data.by_id:
        return text
    key = normalise(text)
    named: dict[str, list[str]] = {}
    for p in data.systems:
        for label in (p.id, p.name):
            ids = named.setdefault(normalise(label), [])
            if p.id not in ids:
                ids.append(p.id)
    if key in named:
        if len(named[key]) > 1:  # e.g. "Café ICS" spelt NFC by one system and NFD by another
            listed = ", ".join(f"{sid} ({data.by_id[sid].name})" for sid in named[key])
            raise UsageError(f"{quote(text)} names more than one system: {listed}; give the id")
        return named[key][0]
    choices = {k: ids[0] for k, ids in named.items()}
    ranked = ranked_matches(text, choices, 60)
    if ranked and ranked[0][1] >= 90 and (len(ranked) == 1 or ranked[0][1] - ranked[1][1] >= 5):
        sid = ranked[0][0]
        note(f"note: taking {quote(text)} to mean {sid} ({data.by_id[sid].name})")
        return sid
    near = [sid for sid, _ in ranked[:3]] or closest(text, choices)
    hint = did_you_mean(near) or "; see 'peermatch systems' for the ids"
    raise UsageError(f"{where}: unknown system {quote(text)}{hint}")


def resolve_pair(data: Dataset, teacher: str, learner: str) -> tuple[str, str]:
    """``explain``'s TEACHER and LEARNER as ids: two systems, not one."""
    t = resolve_system(data, teacher, "TEACHER")
    lr = resolve_system(data, learner, "LEARNER")
    if t == lr:
        raise UsageError(f"TEACHER and LEARNER are both {t}: a system cannot teach itself")
    return t, lr


def resolve_pins(data: Dataset, texts: list[str]) -> list[tuple[str, str]]:
    """Each ``--pin TEACHER:LEARNER`` as (teacher id, learner id); a pin not written so, or
    naming a system the data does not have, is a usage error naming it."""
    pins = []
    for text in texts:
        teacher, sep, learner = text.partition(":")
        if not sep or not teacher.strip() or not learner.strip():
            raise UsageError(f"--pin '{text}': write TEACHER:LEARNER, e.g. --pin nenc:dorset")
        where = f"--pin {text}"
        pins.append(
            (
                resolve_system(data, teacher.strip(), where),
                resolve_system(data, learner.strip(), where),
            )
        )
    return pins


def resolve_topic(data: Dataset, text: str, where: str) -> str:
    """The topic ``text`` names: exactly (id, name or alias), or by meaning with a note.

    A query no topic fits is a usage error naming the nearest topics ("did you mean").
    """
    from peermatch.analysis.who import understand

    r = understand(data.catalogue, text)
    if r.topic is None:
        near = [tid for tid, score in r.ranked() if score > 0]
        hint = did_you_mean(near) or "; see 'peermatch challenges' for the topics"
        raise UsageError(f"{where}: unknown topic {quote(text)}{hint}")
    if r.how != "exact":
        name = data.catalogue.topics[r.topic].name
        note(f"note: taking {quote(text)} to mean {r.topic} ({name}, score {r.score:.1f})")
    return r.topic


def adjustments_from(
    path: Path | None,
    data: Dataset,
    weights: Weights,
    window: int,
    year: int | None,
    *,
    note: bool = False,
) -> Adjustments | None:
    """The history's adjustments, or None without ``--history``; ``note`` prints a summary."""
    if path is None:
        return None
    from peermatch.files.history import load_history
    from peermatch.scoring.adjustments import adjustments

    adj = adjustments(load_history(path, data), data, weights, year=year, window=window)
    if note:
        err(
            f"history: {len(adj.excluded)} pair(s) linked in {adj.year - window} or later "
            f"left out as repeats, {len(adj.factors)} pair(s) lifted for well-rated past "
            f"links ({path}); 'peermatch explain TEACHER LEARNER --history {path}' says why"
        )
    return adj


def suggested(
    data: Dataset,
    *,
    csv: bool,
    system: str | None,
    topics: list[str] | None,
    role: Literal["learner", "teacher"] | None,
    top: int,
    min_score: float,
    new_only: bool,
    weights: Weights,
    adjustments: Adjustments | None,
    across: bool,
    memo: Memo | None = None,
) -> Iterable[Match]:
    """``suggest``'s matches: streamed in bounded memory for a CSV of every learner
    (:func:`~peermatch.scoring.ranking.iter_suggest`), else ranked and sorted
    (:func:`~peermatch.scoring.ranking.suggest`), the same rows either way; ``memo`` keeps
    a large cohort's rows for the next run (:mod:`peermatch.scoring.memo`)."""
    from peermatch.scoring import ranking

    if csv and system is None:
        return ranking.iter_suggest(
            data,
            top=top,
            min_score=min_score,
            new_only=new_only,
            weights=weights,
            adjustments=adjustments,
            topics=topics,
            across=across,
            memo=memo,
        )
    return ranking.suggest(
        data,
        top=top,
        system=system,
        min_score=min_score,
        new_only=new_only,
        weights=weights,
        adjustments=adjustments,
        topics=topics,
        role=role,
        across=across,
        memo=memo,
    )
