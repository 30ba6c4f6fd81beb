"""The ring plan: rings of 2..N systems, each teaching the next."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from peermatch.core.errors import PeermatchError
from peermatch.core.plan import LeftOut, Plan, PlanLink, Ring
from peermatch.planning.candidates import Candidates
from peermatch.planning.column_generation import capped_bound, not_proven
from peermatch.planning.context import PlanContext

if TYPE_CHECKING:
    from peermatch.solver.highs import IntArray
    from peermatch.solver.rings import Rings


def plan_rings(
    ctx: PlanContext, pinned: list[int], ring_size: int, time_limit: float, max_rings: int
) -> Plan:
    import numpy as np

    from peermatch.solver.rings import solve_rings

    full = ctx.cand
    cand, rings, notes, pruned = _enumerated(ctx, ring_size, max_rings)
    to_full, pin_idx = _ring_pins(ctx, cand, rings, pinned, ring_size)
    sol = solve_rings(
        ctx.n,
        rings,
        cand.weight(),
        pinned=np.array(pin_idx, dtype=np.int64),
        time_limit=time_limit,
    )
    chosen_rings = np.flatnonzero(sol.chosen)
    pin_set = set(pinned)
    # rings in order of their member ids (smallest id first within each)
    built: list[tuple[tuple[str, ...], list[int]]] = []
    for r in chosen_rings:
        size = int(rings.size[r])
        members = tuple(cand.ids[int(s)] for s in rings.members[r, :size])
        built.append((members, [int(to_full[x]) for x in rings.links[r, :size]]))
    built.sort()
    links: list[PlanLink] = []
    ring_rows: list[Ring] = []
    chosen_links = np.zeros(len(full), dtype=bool)
    for number, (members, link_ids) in enumerate(built, start=1):
        ring_links = [ctx.link(li, li in pin_set, number) for li in link_ids]
        links.extend(ring_links)
        ring_rows.append(Ring(number, members, math.fsum(k.score for k in ring_links)))
        chosen_links[link_ids] = True
    in_ring = np.zeros(ctx.n, dtype=bool)
    in_ring[full.teacher[chosen_links]] = True
    _, _, loads = ctx.loads(chosen_links)
    stopped = None if sol.optimal else time_limit
    left_out = [  # a teach-only or learn-only system is in no ring: a note, not left out
        _why_no_ring(ctx, cand, rings, i, ring_size, stopped)
        for i in range(ctx.n)
        if not in_ring[i] and ctx.data.systems[i].one_way is None
    ]
    total = math.fsum(k.score for k in links)
    if not sol.optimal:
        notes.append(not_proven(time_limit))
    bound = None if pruned else capped_bound(sol.bound, total)
    return Plan(
        links, total, bound, sol.optimal and not pruned, left_out, loads, ring_rows, notes=notes
    )


def _enumerated(
    ctx: PlanContext, ring_size: int, max_rings: int
) -> tuple[Candidates, Rings, list[str], bool]:
    """Every ring of the candidate links (each learner's best teachers only, halving how
    many it keeps, if there are more than ``max_rings``), with a note when pruned."""
    from peermatch.solver.rings import enumerate_rings

    full = ctx.cand
    able = (ctx.teach_cap > 0) & (ctx.learn_cap > 0)
    ok = able[full.teacher] & able[full.learner]
    cand = Candidates(full.ids, full.teacher[ok], full.learner[ok], full.score[ok], full.rank[ok])
    notes: list[str] = []
    pruned = False
    k = int(cand.rank.max()) + 1 if len(cand) else 0
    rings = enumerate_rings(ctx.n, cand.teacher, cand.learner, ring_size, limit=max_rings)
    while rings is None:
        if k <= 1:
            raise PeermatchError(
                f"more than {max_rings} possible rings even with one teacher per learner; "
                "plan a smaller cohort"
            )
        k = max(1, k // 2)
        pruned = True
        sub = cand.top(k)
        rings = enumerate_rings(ctx.n, sub.teacher, sub.learner, ring_size, limit=max_rings)
        if rings is not None:
            cand = sub
    if pruned:
        notes.append(
            f"more than {max_rings} possible rings: each learner kept only its best {k} "
            "teachers; the rings are the best among those, not proven best overall"
        )
    return cand, rings, notes, pruned


def _ring_pins(
    ctx: PlanContext, cand: Candidates, rings: Rings, pinned: list[int], ring_size: int
) -> tuple[IntArray, list[int]]:
    """Each ring candidate's index among all candidates, and each pin's ring candidate
    index (a pin no ring contains is an error that says why)."""
    import numpy as np

    full = ctx.cand
    # cand (possibly pruned) index -> full candidate index
    full_index = {
        (int(t), int(lr)): i
        for i, (t, lr) in enumerate(zip(full.teacher, full.learner, strict=True))
    }
    to_full = np.array(
        [full_index[(int(t), int(lr))] for t, lr in zip(cand.teacher, cand.learner, strict=True)],
        dtype=np.int64,
    )
    from_full = {int(f): j for j, f in enumerate(to_full)}
    on_ring = np.zeros(len(cand), dtype=bool)
    on_ring[rings.links[rings.links >= 0]] = True
    pin_idx = []
    for li in pinned:
        j = from_full.get(li)
        if j is None or not on_ring[j]:
            t, lr = full.ids[int(full.teacher[li])], full.ids[int(full.learner[li])]
            raise PeermatchError(
                f"--pin {t}:{lr}: no ring of up to {ring_size} systems contains this link "
                f"({lr} cannot teach {t} back"
                + (", directly or through a third system)" if ring_size == 3 else ")")
            )
        pin_idx.append(j)
    return to_full, pin_idx


def _why_no_ring(
    ctx: PlanContext, cand: Candidates, rings: Rings, i: int, size: int, stopped: float | None
) -> LeftOut:
    """Why system ``i`` is in no ring; ``stopped`` is the time limit when the search ended
    there, so a conflict was not proven and the reason must not claim it was."""
    import numpy as np

    p = ctx.data.systems[i]
    for role in ("learn", "teach"):
        cap = (ctx.learn_cap if role == "learn" else ctx.teach_cap)[i]
        has = np.any((cand.learner if role == "learn" else cand.teacher) == i)
        full_has = np.any((ctx.cand.learner if role == "learn" else ctx.cand.teacher) == i)
        if cap == 0 or not full_has:
            base = ctx.why(i, role, ())
            return LeftOut(p.id, "ring", base.code, base.reason)
        if not has:  # only partners whose capacity is 0
            return LeftOut(
                p.id,
                "ring",
                "capacity",
                f"every system it could {'learn from' if role == 'learn' else 'teach'} "
                "has a capacity of 0",
            )
    mine = np.any(rings.members == i, axis=1)
    if not mine.any():
        back = "back" + (", directly or through a third system" if size == 3 else "")
        targets = sorted({cand.ids[int(j)] for j in cand.learner[cand.teacher == i]})
        shown = ", ".join(targets[:6]) + (
            f" and {len(targets) - 6} more" if len(targets) > 6 else ""
        )
        return LeftOut(
            p.id,
            "ring",
            "no-ring",
            f"no ring is possible: none of the systems it can teach ({shown}) can teach it {back}",
        )
    mates = sorted({cand.ids[int(s)] for s in rings.members[mine].ravel() if s >= 0 and s != i})
    shown = ", ".join(mates[:6]) + (f" and {len(mates) - 6} more" if len(mates) > 6 else "")
    if stopped is not None:
        return LeftOut(
            p.id,
            "ring",
            "time-limit",
            f"not placed within the time limit of {stopped:g} s: it could join a ring (with "
            f"{shown}), but the search stopped before placing it or proving it cannot be; "
            "raise --time-limit",
        )
    return LeftOut(
        p.id,
        "ring",
        "conflict",
        f"ring conflict: every ring it could join (with {shown}) shares a system with the "
        "rings chosen, and no other choice puts more systems in rings (or as many with a "
        "higher total)",
    )
