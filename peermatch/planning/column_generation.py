"""The b-matching plan: column generation over the candidate links, priced by the LP's
duals, with its proof of optimality (or the bound)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from peermatch.core import progress
from peermatch.core.dataset import LEARN_ONLY, TEACH_ONLY
from peermatch.core.errors import PeermatchError
from peermatch.core.plan import Plan
from peermatch.planning import tuning
from peermatch.planning.candidates import Candidates
from peermatch.planning.context import PlanContext

if TYPE_CHECKING:
    from peermatch.planning.pricing import Links
    from peermatch.solver.highs import BoolArray, FloatArray, IntArray
    from peermatch.solver.matching import Bounds, LPMatching, WarmMatching


@dataclass(frozen=True)
class _Touched:
    """The links the history changes, for column generation: repeats are never priced (nor
    planned), and lifted links are priced here with their lifted scores."""

    keys: IntArray  # teacher * n + learner of every repeat and lifted link, sorted
    teacher: IntArray  # the lifted links that can be planned
    learner: IntArray
    score: FloatArray

    @classmethod
    def of(cls, ctx: PlanContext) -> _Touched:
        import numpy as np

        index = {sid: i for i, sid in enumerate(ctx.cand.ids)}
        n = len(index)
        every = ctx.overlay.touched_pairs()
        keys = np.unique(np.array([index[t] * n + index[lr] for t, lr in every], dtype=np.int64))
        lifted = ctx.overlay.lifted_links(ctx.new_only)
        t = [index[teacher] for teacher, _, _ in lifted]
        lr = [index[learner] for _, learner, _ in lifted]
        sc = [score for _, _, score in lifted]
        return cls(
            keys,
            np.array(t, dtype=np.int64),
            np.array(lr, dtype=np.int64),
            np.array(sc, dtype=np.float64),
        )

    def gains(
        self,
        teacher_price: FloatArray,
        learner_price: FloatArray,
        skip: IntArray,
        slack: float = tuning.TIE,
    ) -> tuple[IntArray, IntArray, FloatArray, FloatArray]:
        """The lifted links not in ``skip`` whose score + ``slack`` exceeds their prices."""
        import numpy as np

        n = len(teacher_price)
        fresh = ~np.isin(self.teacher * n + self.learner, skip)
        t, lr, sc = self.teacher[fresh], self.learner[fresh], self.score[fresh]
        gain = sc + slack - teacher_price[t] - learner_price[lr]
        ok = gain > 0
        return t[ok], lr[ok], sc[ok], gain[ok]


def plan_links(ctx: PlanContext, pinned: list[int], time_limit: float) -> Plan:
    import numpy as np

    from peermatch.solver.matching import solve_bmatching

    n = ctx.n
    notes: list[str] = []
    if ctx.cohort is not None:
        chosen, bound, optimal, working = _column_generation(ctx, pinned, time_limit, notes)
        # the plan is over the final working set: the candidates, then the links priced in
        # (appended, so every pin keeps its index)
        ctx.cand = working
    else:
        cand = ctx.cand
        pin_mask = np.zeros(len(cand), dtype=bool)
        pin_mask[pinned] = True
        sol = solve_bmatching(
            n,
            cand.teacher,
            cand.learner,
            cand.weight(),
            bounds=ctx.bounds(),
            pinned=pin_mask,
            time_limit=time_limit,
        )
        chosen, bound, optimal = sol.chosen, sol.bound, sol.optimal
    pin_mask = np.zeros(len(ctx.cand), dtype=bool)
    pin_mask[pinned] = True
    check(ctx, chosen, pin_mask)
    return assemble(ctx, chosen, pinned, bound, optimal, notes, time_limit)


def assemble(
    ctx: PlanContext,
    chosen: BoolArray,
    pinned: list[int],
    bound: float,
    optimal: bool,
    notes: list[str],
    time_limit: float,
    round_of: IntArray | None = None,
) -> Plan:
    """The plan of the ``chosen`` candidate links (checked): its rows, loads, who is left
    out and why, its total and bound. With ``round_of`` each link carries its round
    (1-based) and the left out are the caller's to add."""
    import numpy as np

    pin_mask = np.zeros(len(ctx.cand), dtype=bool)
    pin_mask[pinned] = True
    teaches, learns, loads = ctx.loads(chosen)
    left_out = []
    for i in range(ctx.n if round_of is None else 0):
        one_way = ctx.data.systems[i].one_way  # not left out of the role it has no topics for
        if learns[i] == 0 and one_way != TEACH_ONLY:
            left_out.append(ctx.why(i, "learn", pinned))
        if teaches[i] == 0 and one_way != LEARN_ONLY:
            left_out.append(ctx.why(i, "teach", pinned))
    links = [
        ctx.link(
            int(li), bool(pin_mask[li]), at=None if round_of is None else int(round_of[li]) + 1
        )
        for li in np.flatnonzero(chosen)
    ]
    links.sort(key=lambda k: (k.round or 0, k.learner, -k.score, not k.two_way, k.teacher))
    total = math.fsum(k.score for k in links)
    if not optimal and not notes:  # column generation explains its own stop
        notes.append(not_proven(time_limit))
    return Plan(links, total, capped_bound(bound, total), optimal, left_out, loads, notes=notes)


# A solver kernel, kept whole on purpose (longer than the ~60-line rule): the column
# generation loop (solve, price, add, stop on proof or clock) reads best as one loop.
def _column_generation(
    ctx: PlanContext, pinned: list[int], time_limit: float, notes: list[str]
) -> tuple[BoolArray, float, bool, Candidates]:
    """The b-matching over every link, solving only over the links that matter.

    Solve the LP over a working set of links (:class:`~peermatch.solver.highs.WarmMatching`,
    each solve starting from the last basis); price every other link with its duals
    (:meth:`~peermatch.scoring.matrix.Cohort.price`, and the history's lifted links here); add
    those that could improve it, and the near misses so that few rounds are needed;
    repeat until no link left out could improve it. Then the LP optimum over the working
    set is the optimum over every link and, the matrix being totally unimodular,
    integral. Above :data:`EXACT_UP_TO` profiles it stops once proven within :data:`GAP`.
    Returns the chosen links, the bound, whether it is proven optimal, and the final
    working set the chosen links index: ``ctx.cand`` with the links that joined appended,
    in the order they joined (``ctx`` itself is not changed).
    """
    import time

    import numpy as np

    from peermatch.solver.highs import SolverLimit
    from peermatch.solver.matching import WarmMatching

    assert ctx.cohort is not None
    n = ctx.n
    if len(ctx.cand) == 0:  # each learner's best are candidates: no candidate, no link at all
        return np.zeros(0, dtype=bool), 0.0, True, ctx.cand
    touched = None if ctx.adjustments is None else _Touched.of(ctx)
    per_learner = max(
        tuning.PRICE_PER_LEARNER, tuning.PRUNE_PER_PLACE * int(ctx.learn_cap.max(initial=0))
    )
    # who can teach or learn at all: the first candidates have each one's best links
    bounds = ctx.bounds()
    lp = WarmMatching(
        n,
        bounds=bounds,
        max_weight=100.0 + tuning.TIE,  # a score and the largest nudge, for every link to come
        time_limit=time_limit,
    )
    pin_mask = np.zeros(len(ctx.cand), dtype=bool)
    pin_mask[pinned] = True
    lp.add(ctx.cand.teacher, ctx.cand.learner, ctx.cand.weight(), pin_mask)
    score = ctx.cand.score
    rank = ctx.cand.rank.copy()  # -1: placed only if it can matter (see _settled)
    rounds = 0
    margin = tuning.MARGIN
    last: tuple[LPMatching, float] | None = None  # a finished round: its plan and excess
    optimal = False
    while True:
        try:
            with progress.step("solving the plan"):
                sol = _settled(ctx, lp, score, rank)
        except SolverLimit:
            if last is None:  # not one round finished: no plan at all
                raise
            sol, excess = last  # the last round's plan, and its bound, still hold
            notes.append(_cut_short(rounds))
            break
        rounds += 1
        with progress.step("pricing the links left out"):
            more, excess = _priced(ctx, lp, sol, touched, per_learner, tuning.TIE + margin)
            # what each could gain at most: with the largest nudge (its place is not known)
            gain = (
                more.score
                + tuning.TIE
                - sol.teacher_price[more.teacher]
                - sol.learner_price[more.learner]
            )
        if not np.any(gain > tuning.GAIN_TOL):
            excess = 0.0
            optimal = True
            break
        if n > tuning.EXACT_UP_TO:
            got = float(lp.weight[sol.chosen].sum())
            unmet = _unmet(sol.chosen, lp, ctx.n, bounds)
            proven = sol.bound + excess + lp.big_m * unmet
            if proven - got <= tuning.GAP * max(got, 1.0):
                notes.append(
                    f"within {100 * (proven - got) / max(got, 1.0):.2f}% of the best possible "
                    f"plan, proven (the bound); above {tuning.EXACT_UP_TO:,} profiles the search "
                    f"stops once within {100 * tuning.GAP:g}% rather than finishing"
                )
                break
        if time.monotonic() >= lp.deadline:
            notes.append(_cut_short(rounds))
            break
        last = sol, excess
        # add the improving links and the near misses, unplaced: weighed at their scores
        # (prices move when links join: those within ``margin`` are the likeliest next)
        lp.add(more.teacher, more.learner, more.score, np.zeros(len(more.score), dtype=bool))
        score = np.concatenate([score, more.score])
        rank = np.concatenate([rank, np.full(len(more.score), -1, dtype=np.int64)])
        margin *= 2
    chosen = np.zeros(len(lp), dtype=bool)  # a plan from an earlier round has fewer links
    chosen[: len(sol.chosen)] = sol.chosen
    unmet = _unmet(chosen, lp, ctx.n, bounds)
    bound = sol.bound + excess + lp.big_m * unmet
    return chosen, bound, optimal, Candidates(ctx.cand.ids, lp.teacher, lp.learner, score, rank)


def _cut_short(rounds: int) -> str:
    return (
        f"column generation stopped at the time limit after {rounds} round(s); "
        "the bound counts what the links left out could add"
    )


def _settled(ctx: PlanContext, lp: WarmMatching, score: FloatArray, rank: IntArray) -> LPMatching:
    """Solve ``lp``, placing the links whose place in their learner's ranking can matter.

    A link weighs its score plus a nudge of ``TIE / (1 + place)``. Finding a place costs a
    pass over the learner's ranking, and most links that column generation adds are never
    chosen, so links join unplaced (``rank`` -1), weighed at their score alone: the least
    nudge. After each solve, an unplaced link that is chosen, or whose gain against its
    prices could be positive with the largest nudge, is placed and reweighed, and the
    programme solved again (from its basis). When no unplaced link could gain even with
    the largest nudge, the solution is optimal for the exact weights. ``score`` and
    ``rank`` are per link of ``lp``; ``rank`` is updated in place.
    """
    import numpy as np

    while True:
        sol = lp.solve()
        unplaced = np.flatnonzero(rank < 0)
        t, lr = lp.teacher[unplaced], lp.learner[unplaced]
        gain = score[unplaced] + tuning.TIE - sol.teacher_price[t] - sol.learner_price[lr]
        due = unplaced[sol.chosen[unplaced] | (gain > -tuning.GAIN_TOL)]
        if len(due) == 0:
            return sol
        rank[due] = ctx.ranks(lp.teacher[due], lp.learner[due])
        lp.reweigh(due, score[due] + tuning.TIE / (1.0 + rank[due]))


def _priced(
    ctx: PlanContext,
    lp: WarmMatching,
    sol: LPMatching,
    touched: _Touched | None,
    per_learner: int,
    slack: float,
) -> tuple[Links, float]:
    """The left-out links whose score + ``slack`` beats their prices (each learner's
    ``per_learner`` best), and what all the left-out links could add to the bound: the sum
    of their positive gains with the largest nudge, TIE."""
    import numpy as np

    assert ctx.cohort is not None
    from peermatch.planning.pricing import price

    cohort = ctx.cohort
    keys = np.sort(lp.teacher * ctx.n + lp.learner)
    skip = keys if touched is None else np.union1d(keys, touched.keys)
    pricing = price(
        cohort,
        sol.teacher_price,
        sol.learner_price,
        per_learner=per_learner,
        slack=slack,
        excess_slack=tuning.TIE,
        new_only=ctx.new_only,
        skip=skip,
    )
    more, excess = pricing.links, pricing.excess
    if touched is not None:  # lifted links are priced here, with their lifted scores
        lt, llr, lsc, _ = touched.gains(sol.teacher_price, sol.learner_price, keys, slack)
        if len(lt):
            from peermatch.planning.pricing import Links

            more = Links(
                np.concatenate([more.teacher, lt]),
                np.concatenate([more.learner, llr]),
                np.concatenate([more.score, lsc]),
                np.concatenate([more.two_way, cohort.two_way(lt, llr)]),
            )
            own = lsc + tuning.TIE - sol.teacher_price[lt] - sol.learner_price[llr]
            excess += math.fsum(own[own > 0].tolist())
    return more, excess


def _unmet(chosen: BoolArray, lp: WarmMatching, n: int, bounds: Bounds) -> int:
    """Lower bounds unmet: systems that can teach (learn) but do not in ``chosen`` (a
    choice among ``lp``'s links)."""
    import numpy as np

    teaches = np.bincount(lp.teacher[chosen], minlength=n)
    learns = np.bincount(lp.learner[chosen], minlength=n)
    unmet = (bounds.teach_lower & (teaches == 0)).sum() + (bounds.learn_lower & (learns == 0)).sum()
    return int(unmet)


def check(ctx: PlanContext, chosen: BoolArray, pin_mask: BoolArray) -> None:
    """The solver's answer (one round), checked in integers: capacities and pins."""
    import numpy as np

    teaches = np.bincount(ctx.cand.teacher[chosen], minlength=ctx.n)
    learns = np.bincount(ctx.cand.learner[chosen], minlength=ctx.n)
    if (
        np.any(teaches > ctx.teach_cap)
        or np.any(learns > ctx.learn_cap)
        or np.any(pin_mask & ~chosen)
    ):  # pragma: no cover - would be a solver bug
        raise PeermatchError(
            "the solver returned a plan that breaks a constraint; please report this"
        )


def capped_bound(bound: float, total: float) -> float:
    """The solver's bound, rounded up to 6 decimals and never below the plan's total."""
    if not math.isfinite(bound):
        return math.inf
    return math.ceil(max(bound, total) * 1e6) / 1e6


def not_proven(time_limit: float) -> str:
    return (
        f"the solver reached its time limit of {time_limit:g} s: this is the best plan found, "
        "not proven optimal (the bound says how much better one could be); raise --time-limit"
    )
