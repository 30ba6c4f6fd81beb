"""Keeping what was agreed: an earlier plan's links as pins, and the changes against it.

:func:`kept_pins` turns an earlier plan (read by :func:`peermatch.files.plan_json.read_plan`)
into pins: every link that is still possible, and for each one that is not, why (a system
gone, the topic no longer needed, no score left, an exclusion, a recent repeat, a partner
with ``new_only``, or a capacity now too small). :func:`changes` compares two plans.
"""

from __future__ import annotations

from collections import Counter

from peermatch.core.plan import Changes, NotKept, Plan, PlanLink
from peermatch.planning.context import PlanContext
from peermatch.scoring.reference import score_pair


def kept_pins(
    ctx: PlanContext,
    earlier: Plan,
    pins: list[tuple[str, str]],
    ring_size: int | None = None,
) -> tuple[list[tuple[str, str]], list[NotKept]]:
    """The earlier plan's links that can still hold, as ``(teacher, learner)`` pins after
    ``pins`` (which come first for the capacities), and those that cannot, with why.

    The earlier links are kept best score first while the capacities allow (one link per
    system and role with rings).
    """
    index = {sid: i for i, sid in enumerate(ctx.cand.ids)}
    teaching = Counter(t for t, _ in pins)
    learning = Counter(lr for _, lr in pins)
    kept: list[tuple[str, str]] = []
    not_kept: list[NotKept] = []
    seen = set(pins)
    for link in sorted(earlier.links, key=lambda k: (-k.score, k.learner, k.teacher)):
        pair = (link.teacher, link.learner)
        if pair in seen:
            continue
        seen.add(pair)
        why = _why_not(ctx, link)
        if why is None:
            t, lr = index[link.teacher], index[link.learner]
            t_cap, l_cap = int(ctx.teach_cap[t]), int(ctx.learn_cap[lr])
            if ring_size:
                t_cap, l_cap = min(t_cap, 1), min(l_cap, 1)
            if teaching[link.teacher] >= t_cap:
                why = ("capacity", f"{link.teacher} now teaches at most {t_cap} link(s)")
            elif learning[link.learner] >= l_cap:
                why = ("capacity", f"{link.learner} now learns in at most {l_cap} link(s)")
        if why is not None:
            not_kept.append(NotKept(link.learner, link.teacher, *why))
            continue
        teaching[link.teacher] += 1
        learning[link.learner] += 1
        kept.append(pair)
    not_kept.sort(key=lambda x: (x.learner, x.teacher))
    return kept, not_kept


def _why_not(ctx: PlanContext, link: PlanLink) -> tuple[str, str] | None:
    """Why the link ``teacher -> learner`` cannot be in a plan now (code, reason), if so."""
    data = ctx.data
    for sid in (link.teacher, link.learner):
        if sid not in data.by_id:
            return "system-gone", f"{sid} is no longer in the data"
    if link.topic not in data.system(link.learner).needs:
        return (
            "no-longer-needed",
            f"{link.topic} is no longer among {link.learner}'s challenges",
        )
    b = score_pair(data, link.teacher, link.learner, ctx.weights, ctx.adjustments)
    if b.excluded:
        return "excluded", "one of the two now lists the other under 'exclude'"
    if b.score <= 0:
        return (
            "no-score",
            f"{link.teacher} no longer has a strength on any of {link.learner}'s challenges",
        )
    if b.repeat:
        return "repeat", "linked within the history's window, which leaves out recent repeats"
    if ctx.new_only and b.partner:
        return "new-only", "they are existing partners, which --new-only leaves out"
    if ctx.across and data.same_system(link.teacher, link.learner):
        same = data.same_system_text(link.teacher, link.learner)
        return "across", f"{same}, and --across leaves out every pair within one system"
    return None


def changes(file: str, earlier: Plan, now: Plan) -> Changes:
    """The links of ``now`` not in ``earlier`` (added), of ``earlier`` not in ``now``
    (removed) and in both (kept, as in ``now``), by teacher -> learner pair."""

    def pairs(p: Plan) -> dict[tuple[str, str], PlanLink]:
        return {(k.teacher, k.learner): k for k in p.links}

    before, after = pairs(earlier), pairs(now)

    def ordered(links: list[PlanLink]) -> list[PlanLink]:
        return sorted(links, key=lambda k: (k.learner, k.teacher))

    return Changes(
        file,
        added=ordered([k for p, k in after.items() if p not in before]),
        removed=ordered([k for p, k in before.items() if p not in after]),
        kept=ordered([k for p, k in after.items() if p in before]),
    )
