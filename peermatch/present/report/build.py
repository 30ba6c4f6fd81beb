"""What the report draws, worked out once: the plan, each link's breakdown, the two-way
pairs, the drawing order and the supply and demand of topics."""

from __future__ import annotations

import dataclasses
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from peermatch.analysis.supply import TopicBalance, supply_demand
from peermatch.core.dataset import Dataset
from peermatch.core.plan import Plan, PlanLink
from peermatch.core.teams import Teams
from peermatch.core.weights import DEFAULT_WEIGHTS, Weights
from peermatch.present.report.labels import short_names
from peermatch.scoring.reference import Breakdown, score_pair

if TYPE_CHECKING:
    from peermatch.scoring.adjustments import Adjustments

Pair = tuple[str, str]


# --------------------------------------------------------------------------- building


@dataclass
class Report:
    """Everything the renderers need, worked out once."""

    title: str
    data: Dataset
    plan: Plan
    balance: list[TopicBalance]
    breakdowns: dict[Pair, Breakdown]
    mutual: set[Pair]
    order: list[str]
    ring_of: dict[Pair, int]
    names: dict[str, str]  # each system's short name, for labels (the full name on hover)
    history_note: str = ""
    teams: Teams | None = None  # with ``report --teams``: a section of peer review teams

    @property
    def rings(self) -> list[tuple[str, ...]]:
        """Each ring's systems in teaching order."""
        return [r.systems for r in self.plan.rings or []]

    @property
    def summary(self) -> str:
        return summary(self.plan)

    def by_round(self) -> list[tuple[int, Report]]:
        """With rounds: a report per round drawing that round's links (the same systems in
        the same order, so the pictures compare); empty for a plan without rounds."""
        numbers = sorted({k.round for k in self.plan.links if k.round is not None})
        out = []
        for r in numbers:
            links = [k for k in self.plan.links if k.round == r]
            pairs = {(k.teacher, k.learner) for k in links}
            mutual = {p for p in pairs if (p[1], p[0]) in pairs}
            one = dataclasses.replace(self.plan, links=links)
            out.append((r, dataclasses.replace(self, plan=one, mutual=mutual)))
        return out

    @property
    def linked(self) -> set[str]:
        return {s for link in self.plan.links for s in (link.teacher, link.learner)}


def build_report(
    data: Dataset,
    plan: Plan,
    *,
    weights: Weights = DEFAULT_WEIGHTS,
    adjustments: Adjustments | None = None,
    title: str = "Peer learning programme",
    teams: Teams | None = None,
) -> Report:
    pairs = {(link.teacher, link.learner) for link in plan.links}
    mutual = {p for p in pairs if (p[1], p[0]) in pairs}
    ring_of: dict[Pair, int] = {}
    for link in plan.links:
        if link.ring is not None:
            ring_of[(link.teacher, link.learner)] = link.ring
    breakdowns = {p: score_pair(data, p[0], p[1], weights, adjustments) for p in sorted(pairs)}
    note = ""
    if adjustments is not None:
        note = (
            f"History {adjustments.file}: links made in "
            f"{adjustments.year - adjustments.window} or later "
            f"are not repeated; teachers whose past links were rated well are lifted."
        )
    return Report(
        title=title,
        data=data,
        plan=plan,
        balance=supply_demand(data),
        breakdowns=breakdowns,
        mutual=mutual,
        order=drawing_order([p.id for p in data.systems], plan),
        ring_of=ring_of,
        names=short_names({p.id: p.name for p in data.systems}),
        history_note=note,
        teams=teams,
    )


def drawing_order(ids: Sequence[str], plan: Plan) -> list[str]:
    """Systems in drawing order: rings together, then linked systems
    near each other (breadth-first from the busiest system), then the unlinked ones."""
    weight: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for link in plan.links:
        if link.teacher == link.learner:
            continue
        weight[link.teacher][link.learner] += 1
        weight[link.learner][link.teacher] += 1
    known = set(ids)
    order: list[str] = []
    placed: set[str] = set()
    for ring in plan.rings or []:
        for sid in ring.systems:
            if sid in known and sid not in placed:
                order.append(sid)
                placed.add(sid)

    def degree(sid: str) -> int:
        return sum(weight[sid].values())

    remaining = sorted((s for s in ids if s not in placed), key=lambda s: (-degree(s), s))
    for start in remaining:
        if start in placed or degree(start) == 0:
            continue
        queue = [start]
        placed.add(start)
        while queue:
            sid = queue.pop(0)
            order.append(sid)
            neighbours = sorted(
                (n for n in weight[sid] if n in known and n not in placed),
                key=lambda n: (-weight[sid][n], -degree(n), n),
            )
            for n in neighbours:
                placed.add(n)
                queue.append(n)
    order += [s for s in sorted(ids) if s not in placed]
    return order


def link_topics(link: PlanLink) -> tuple[str, ...]:
    """The learner's needs a link meets: its main topic, then the others (an other topic
    written ``need<-via``, met through a related topic, counts as its need)."""
    needs = [link.topic] + [t.split("<-", 1)[0] for t in link.other_topics]
    return tuple(dict.fromkeys(needs))


def summary(plan: Plan) -> str:
    """The plan in a few words for the report's headline: its total and whether optimal."""
    parts = [f"total score {plan.total:.1f}"] if math.isfinite(plan.total) else []
    if plan.optimal:
        parts.append("optimal")
    return ", ".join(parts)
