"""A whole cohort's programme: every system teaches and learns, at the greatest total score.

``plan`` chooses directed links teacher -> learner among the pairs ``suggest`` scores
above zero (exclusions removed; existing partners too with ``new_only``), so that every
system learns in 1..``capacity.learn`` links and teaches in 1..``capacity.teach`` links,
pinned links are in, and the sum of the links' scores is the greatest possible. It is a
linear programme (:mod:`peermatch.solver.matching`, whose optimal vertex is integral)
solved by column generation over the candidate links: exact up to
:data:`~peermatch.planning.tuning.EXACT_UP_TO` profiles, proven within
:data:`~peermatch.planning.tuning.GAP` of the optimum above. When the lower bounds cannot
all hold it first meets as many as it can, then maximises the total, and
:class:`~peermatch.core.plan.LeftOut` says for each system left out *why*.

With ``ring_size`` N (2 or 3) the programme is instead made of rings of 2..N systems in
which each teaches the next: pairs that teach each other, or trios A -> B -> C -> A. It
puts as many systems in rings as possible, then maximises the total.

Capacities: a profile's own ``capacity: {teach, learn}`` wins; for profiles without one,
``teach``/``learn`` (the CLI's ``--teach``/``--learn``) apply, and without those
:data:`DEFAULT_TEACH` = 3 and :data:`DEFAULT_LEARN` = 2.

Ties: among plans with the same total, the one using links ranked higher in their
learner's ``suggest`` list wins (a deterministic nudge of at most :data:`TIE` points per
link, which the reported ``bound`` accounts for).

The options of :func:`plan`:

The candidate links are every pair ``suggest`` ranks (same ``weights``, same
``new_only``). ``method`` is :func:`~peermatch.scoring.ranking.rank_all`'s: from
:data:`~peermatch.scoring.ranking.FAST_FROM` profiles the vectorised scorer proposes each
learner's and each teacher's best links, and column generation adds any other link that
could improve the plan, so the result is the same exact optimum (above
:data:`EXACT_UP_TO` profiles: proven within :data:`GAP` of it, the bound saying how far at
most).

With ``adjustments`` (what a history changes:
:func:`peermatch.scoring.adjustments.adjustments`) the links are scored with it, as
``suggest --history`` scores them: a pair linked within the window is never planned
(a ``--pin`` on one is an error that says so), and well-rated teachers are lifted.

With ``across``, no link joins two systems of one family (the same top-level system,
:meth:`~peermatch.core.dataset.Dataset.same_system`): the candidates leave them out,
as ``suggest --across`` does, and a pin within one system is a usage error.

A teach-only or learn-only system (:attr:`~peermatch.core.dataset.Profile.one_way`)
is not left out of the role it has no topics for: ``Plan.one_way`` notes it.

A programme people can run (:mod:`peermatch.planning.programme`): ``objective="fair"``
first maximises the lowest link score, then the total; ``rounds`` plans that many rounds
jointly, no pair in two; ``alternates`` lists each learner's next teachers not in the
plan; ``keep`` pins every link of an earlier plan that still holds and says why the
others cannot (:mod:`peermatch.planning.agreed`); ``diff`` (its file name and plan)
adds the links added, removed and kept against it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from peermatch.core import progress
from peermatch.core.dataset import Dataset
from peermatch.core.defaults import DEFAULT_LEARN, DEFAULT_TEACH, TIME_LIMIT
from peermatch.core.errors import UsageError
from peermatch.core.gc_pause import paused_gc
from peermatch.core.plan import Plan
from peermatch.core.weights import DEFAULT_WEIGHTS, Weights
from peermatch.planning import tuning
from peermatch.planning.agreed import changes, kept_pins
from peermatch.planning.candidates import Candidates, with_history
from peermatch.planning.column_generation import plan_links
from peermatch.planning.context import PlanContext
from peermatch.planning.programme import alternates as find_alternates
from peermatch.planning.programme import plan_fair, plan_rounds
from peermatch.planning.rings import plan_rings
from peermatch.scoring.ranking import Method, rank_all, uses_fast_path

if TYPE_CHECKING:
    from peermatch.scoring.adjustments import Adjustments
    from peermatch.scoring.matrix import Cohort
    from peermatch.solver.highs import IntArray


# --------------------------------------------------------------------------- plan


@paused_gc()  # many small objects, no cycles: see peermatch.core.gc_pause
def plan(
    data: Dataset,
    *,
    weights: Weights = DEFAULT_WEIGHTS,
    teach: int | None = None,
    learn: int | None = None,
    new_only: bool = False,
    pins: Iterable[tuple[str, str]] = (),
    ring_size: int | None = None,
    time_limit: float = TIME_LIMIT,
    max_rings: int = tuning.MAX_RINGS,
    candidates: Candidates | None = None,
    method: Method = "auto",
    adjustments: Adjustments | None = None,
    across: bool = False,
    objective: str = "total",
    rounds: int | None = None,
    alternates: int = 0,
    keep: Plan | None = None,
    diff: tuple[str, Plan] | None = None,
) -> Plan:
    """The cohort programme (see the module docstring, which says what each option does).

    ``pins`` are ``(teacher, learner)`` ids forced into the plan; ``candidates`` may be
    given instead of the links ``suggest`` ranks (no links are added then).
    """
    _check_settings(ring_size, teach, learn, time_limit)
    _check_programme(objective, rounds, alternates, ring_size)
    every_link = ring_size is not None or objective == "fair" or bool(rounds or alternates)
    teach = DEFAULT_TEACH if teach is None else teach
    learn = DEFAULT_LEARN if learn is None else learn
    ctx = _context(
        data, weights, teach, learn, new_only, candidates, method, adjustments, across, every_link
    )
    asked = list(dict.fromkeys(pins))
    result = _programme(ctx, asked, keep, ring_size, objective, rounds, time_limit, max_rings)
    result.settings = _settings(
        teach, learn, new_only, ring_size, asked, adjustments, objective, rounds, across
    )
    result.one_way = data.one_way_systems()
    if alternates:
        result.alternates = find_alternates(ctx, result, alternates, ring_size)
    if diff is not None:
        result.changes = changes(diff[0], diff[1], result)
    return result


def _context(
    data: Dataset,
    weights: Weights,
    teach: int,
    learn: int,
    new_only: bool,
    candidates: Candidates | None,
    method: Method,
    adjustments: Adjustments | None,
    across: bool,
    every_link: bool,
) -> PlanContext:
    """The plan's context: capacities (``teach``/``learn`` for profiles that set none) and
    the candidate links, from the score matrix on the fast path, else from the ranking."""
    teach_cap = _capacities(data, "teach_capacity", teach)
    learn_cap = _capacities(data, "learn_capacity", learn)
    cohort = None
    if candidates is None:
        if uses_fast_path(data, method):
            from peermatch.scoring.matrix import Cohort

            cohort = Cohort(data, weights, across=across)
            candidates = _pruned_candidates(
                cohort, teach_cap, learn_cap, new_only, every_link, adjustments
            )
        else:
            ranking = rank_all(
                data,
                weights,
                new_only=new_only,
                method="reference",
                adjustments=adjustments,
                across=across,
            )
            candidates = Candidates.from_ranking(data, ranking)
    n = len(candidates.ids)
    return PlanContext(
        data, weights, candidates, teach_cap, learn_cap, new_only, n, cohort, adjustments, across
    )


def _settings(
    teach: int,
    learn: int,
    new_only: bool,
    ring_size: int | None,
    pins: list[tuple[str, str]],
    adjustments: Adjustments | None,
    objective: str,
    rounds: int | None,
    across: bool,
) -> dict[str, Any]:
    """What the plan was asked for, as its JSON's ``settings``."""
    settings: dict[str, Any] = {
        "teach": teach,
        "learn": learn,
        "new_only": new_only,
        "ring_size": ring_size,
        "across": across,
        "pins": [f"{t}:{lr}" for t, lr in pins],
    }
    if adjustments is not None:
        settings["history"] = {
            "file": adjustments.file,
            "year": adjustments.year,
            "window": adjustments.window,
        }
    if objective != "total" or rounds is not None:
        settings.update(objective=objective, rounds=rounds)
    return settings


def _programme(
    ctx: PlanContext,
    pins: list[tuple[str, str]],
    keep: Plan | None,
    ring_size: int | None,
    objective: str,
    rounds: int | None,
    time_limit: float,
    max_rings: int,
) -> Plan:
    """The plan of the chosen kind, with the pins and what of ``keep`` still holds."""
    not_kept = None
    if keep is not None:
        kept, not_kept = kept_pins(ctx, keep, pins, ring_size)
        pins = pins + kept
    pinned = ctx.pin_links(pins, ring_size)
    if ring_size is not None:
        result = plan_rings(ctx, pinned, ring_size, time_limit, max_rings)
    elif objective == "fair":
        result = plan_fair(ctx, pinned, time_limit)
    elif rounds is not None:
        result = plan_rounds(ctx, pinned, rounds, time_limit)
    else:
        result = plan_links(ctx, pinned, time_limit)
    result.not_kept = not_kept
    return result


def _check_programme(
    objective: str, rounds: int | None, alternates: int, ring_size: int | None
) -> None:
    """The programme's options, and the combinations that do not make sense."""
    if objective not in ("total", "fair"):
        raise UsageError(f"--objective must be total or fair, not {objective!r}")
    if rounds is not None and rounds < 1:
        raise UsageError(f"--rounds must be 1 or more, not {rounds}")
    if alternates < 0:
        raise UsageError(f"--alternates must be 0 or more, not {alternates}")
    if ring_size is not None and objective == "fair":
        raise UsageError(
            "--objective fair plans links, not rings: drop --ring-size or --objective fair"
        )
    if ring_size is not None and rounds is not None:
        raise UsageError("--rounds plans links, not rings: drop --ring-size or --rounds")
    if objective == "fair" and rounds is not None:
        raise UsageError("--objective fair plans one round: drop --rounds or --objective fair")


def _check_settings(
    ring_size: int | None, teach: int | None, learn: int | None, time_limit: float
) -> None:
    if ring_size is not None and ring_size not in (2, 3):
        raise UsageError(f"--ring-size must be 2 or 3, not {ring_size}")
    for name, value in (("--teach", teach), ("--learn", learn)):
        if value is not None and value < 0:
            raise UsageError(f"{name} must be 0 or more, not {value}")
    if time_limit <= 0:
        raise UsageError("--time-limit must be more than 0 seconds")


def _capacities(data: Dataset, attr: str, default: int) -> IntArray:
    """Each system's capacity (``teach_capacity`` or ``learn_capacity``), else ``default``."""
    import numpy as np

    values = [getattr(p, attr) for p in data.systems]
    return np.array([default if v is None else v for v in values], dtype=np.int64)


def _pruned_candidates(
    cohort: Cohort,
    teach_cap: IntArray,
    learn_cap: IntArray,
    new_only: bool,
    every_link: bool,
    adjustments: Adjustments | None,
) -> Candidates:
    """The score matrix's candidate links: each learner's and each teacher's best few
    (``every_link``: every one, for rings, the fair plan, rounds and alternates), ranked,
    and scored with the history if there is one."""
    from peermatch.planning.pricing import candidate_links
    from peermatch.scoring.places import ranks_of

    if not every_link:
        # fewer to start with above EXACT_UP_TO: each LP round costs seconds there,
        # and pricing adds what is missing; two rounds usually prove GAP
        exact = len(cohort.ids) <= tuning.EXACT_UP_TO
        least, depth = (tuning.PRUNE, tuning.PRUNE_PER_PLACE) if exact else (tuning.LARGE_PRUNE, 2)
        k_learn = max(least, depth * int(learn_cap.max(initial=0)))
        k_teach = max(least, depth * int(teach_cap.max(initial=0)))
    else:
        k_learn = k_teach = 0  # every link (rings: see max_rings)
    if adjustments is not None and k_learn:
        # repeats are dropped below: reach past them so no one runs out of links
        k_learn += max(Counter(lr for _, lr in adjustments.excluded).values(), default=0)
        k_teach += max(Counter(t for t, _ in adjustments.excluded).values(), default=0)
    with progress.step("choosing candidate links"):
        links = candidate_links(cohort, per_learner=k_learn, per_teacher=k_teach, new_only=new_only)
        assert links.rank is not None
        ranks = links.rank.copy()
        unknown = ranks < 0  # each learner's best are placed; column generation
        if every_link:  # places the others if it must; the others, here
            ranks[unknown] = ranks_of(
                cohort, links.teacher[unknown], links.learner[unknown], new_only
            )
    if adjustments is None:
        ids = tuple(cohort.ids)
        return Candidates.from_links(ids, links.teacher, links.learner, links.score, ranks)
    return with_history(cohort, adjustments, links.teacher, links.learner, links.score, new_only)


# --------------------------------------------------------------------------- rings
