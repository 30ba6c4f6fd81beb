"""A programme people can run: the fair plan, several rounds, and alternates.

* :func:`plan_fair` first maximises the lowest score of any link in the plan, then the
  total (:func:`~peermatch.solver.fair.solve_fair`), with every other rule unchanged, and
  says what fairness costs against the total-optimal plan.
* :func:`plan_rounds` plans R rounds jointly (:func:`~peermatch.solver.rounds.solve_rounds`):
  each round a plan on its own, no teacher -> learner pair in two rounds.
* :func:`alternates` lists, for each learner, the next teachers not in the plan.

Both plans work over every candidate link (the caller builds them all, as for rings).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from peermatch.core.plan import Alternate, LeftOut, Plan
from peermatch.planning.column_generation import assemble, check
from peermatch.planning.context import PlanContext

if TYPE_CHECKING:
    from peermatch.solver.highs import IntArray


def plan_fair(ctx: PlanContext, pinned: list[int], time_limit: float) -> Plan:
    """The plan with the highest lowest link score, then the greatest total."""
    import numpy as np

    from peermatch.solver.fair import solve_fair

    cand = ctx.cand
    pin_mask = np.zeros(len(cand), dtype=bool)
    pin_mask[pinned] = True
    found = solve_fair(
        ctx.n,
        cand.teacher,
        cand.learner,
        cand.weight(),
        cand.score,
        bounds=ctx.bounds(),
        pinned=pin_mask,
        time_limit=time_limit,
    )
    check(ctx, found.fair.chosen, pin_mask)
    result = assemble(ctx, found.fair.chosen, pinned, found.fair.bound, True, [], time_limit)
    best = math.fsum(cand.score[found.total.chosen].tolist())
    result.objective = "fair"
    result.price_of_fairness = round(max(best - result.total, 0.0), 6)
    return result


def plan_rounds(ctx: PlanContext, pinned: list[int], rounds: int, time_limit: float) -> Plan:
    """R rounds planned jointly; pins in the first; links carry their round (1..R)."""
    import numpy as np

    from peermatch.solver.rounds import solve_rounds

    cand = ctx.cand
    pin_mask = np.zeros(len(cand), dtype=bool)
    pin_mask[pinned] = True
    round_of, sol = solve_rounds(
        ctx.n,
        cand.teacher,
        cand.learner,
        cand.weight(),
        rounds,
        bounds=ctx.bounds(),
        pinned=pin_mask,
        time_limit=time_limit,
    )
    for r in range(rounds):
        check(ctx, round_of == r, pin_mask if r == 0 else np.zeros(len(cand), dtype=bool))
    result = assemble(ctx, sol.chosen, pinned, sol.bound, sol.optimal, [], time_limit, round_of)
    result.left_out = _left_out(ctx, round_of, rounds, pinned)
    result.rounds = rounds
    return result


def _left_out(
    ctx: PlanContext, round_of: IntArray, rounds: int, pinned: list[int]
) -> list[LeftOut]:
    """Who has no link in a role: in every round (the plan's reasons), or in some rounds."""
    out = []
    for i in range(ctx.n):
        for role, ends in (("learn", ctx.cand.learner), ("teach", ctx.cand.teacher)):
            have = sorted({int(r) + 1 for r in round_of[(ends == i) & (round_of >= 0)]})
            if not have:
                out.append(ctx.why(i, role, pinned))
            elif len(have) < rounds:
                missing = [r for r in range(1, rounds + 1) if r not in have]
                partners = len(set(ctx.others(i, role == "learn")))
                verb, whom = ("learns", "learn from") if role == "learn" else ("teaches", "teach")
                why = (
                    f"it can {whom} only {partners} system(s), and a pair is planned in one "
                    "round only"
                    if partners < rounds
                    else f"a pair is planned in one round only, and the places of the {partners} "
                    f"system(s) it can {whom} go to others in those rounds"
                )
                out.append(
                    LeftOut(
                        ctx.cand.ids[i],
                        role,
                        "rounds",
                        f"{verb} in round {_listed(have)} but not in round {_listed(missing)}: "
                        + why,
                    )
                )
    return out


def _listed(rounds: list[int]) -> str:
    return ", ".join(map(str, rounds))


def alternates(
    ctx: PlanContext, result: Plan, k: int, ring_size: int | None = None
) -> list[Alternate]:
    """For each learner, its next ``k`` teachers not in the plan, best first (its ``suggest``
    order), each marked ``spare`` when the teacher has a free teaching place (in some round,
    with rounds; a ring gives each system one)."""
    import numpy as np

    ids = ctx.cand.ids
    index = {sid: i for i, sid in enumerate(ids)}
    planned = {(index[x.teacher], index[x.learner]) for x in result.links}
    rounds = result.rounds or 1
    used = np.zeros((rounds, ctx.n), dtype=np.int64)
    for x in result.links:
        used[(x.round or 1) - 1, index[x.teacher]] += 1
    cap = np.minimum(ctx.teach_cap, 1) if ring_size else ctx.teach_cap
    spare = [bool(x) for x in np.any(used < cap, axis=0)]
    cand = ctx.cand
    order = np.lexsort((cand.teacher, -cand.score, cand.rank, cand.rank < 0, cand.learner))
    out: list[Alternate] = []
    taken = np.zeros(ctx.n, dtype=np.int64)
    for li in order.tolist():
        t, lr = int(cand.teacher[li]), int(cand.learner[li])
        if (t, lr) in planned or taken[lr] >= k:
            continue
        taken[lr] += 1
        out.append(Alternate(ids[lr], ids[t], float(cand.score[li]), spare[t]))
    return out
