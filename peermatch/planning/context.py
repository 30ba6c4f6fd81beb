"""What every part of planning shares: the cohort, its candidate links and pins, the rows
of the result, and the reasons a system is left out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from peermatch.core.catalogue import closest, did_you_mean
from peermatch.core.dataset import Dataset, Profile
from peermatch.core.errors import PeermatchError, UsageError
from peermatch.core.plan import LeftOut, Load, PlanLink
from peermatch.core.weights import Weights
from peermatch.planning.candidates import Candidates
from peermatch.scoring.overlay import HistoryOverlay
from peermatch.scoring.ranking import to_match
from peermatch.scoring.reference import Breakdown, score_pair

if TYPE_CHECKING:
    from peermatch.scoring.adjustments import Adjustments
    from peermatch.scoring.matrix import Cohort
    from peermatch.solver.highs import BoolArray, IntArray
    from peermatch.solver.matching import Bounds


@dataclass
class PlanContext:
    data: Dataset
    weights: Weights
    cand: Candidates
    teach_cap: IntArray
    learn_cap: IntArray
    new_only: bool
    n: int
    cohort: Cohort | None = None  # the vectorised scorer, when the candidates are pruned
    adjustments: Adjustments | None = None
    across: bool = False  # no link within one system family

    @cached_property
    def overlay(self) -> HistoryOverlay:
        """The score matrix with the history (pruned candidates only)."""
        assert self.cohort is not None
        return HistoryOverlay(self.cohort, self.adjustments)

    def bounds(self) -> Bounds:
        """The solvers' rules over the candidates as they are now: the capacities, and
        a lower bound for each system with a candidate link in that role and room for it."""
        import numpy as np

        from peermatch.solver.matching import Bounds

        has_out = np.bincount(self.cand.teacher, minlength=self.n) > 0
        has_in = np.bincount(self.cand.learner, minlength=self.n) > 0
        teach_lower, learn_lower = has_out & (self.teach_cap > 0), has_in & (self.learn_cap > 0)
        return Bounds(self.teach_cap, self.learn_cap, teach_lower, learn_lower)

    # -- pins

    def pin_links(self, pins: list[tuple[str, str]], ring_size: int | None) -> list[int]:
        """The candidate link index of each pin, after checking it can be in a plan."""
        import numpy as np

        ids = self.cand.ids
        index = {sid: i for i, sid in enumerate(ids)}
        pairs: list[tuple[int, int]] = []
        scores: dict[tuple[int, int], float] = {}
        for teacher, learner in pins:
            for sid in (teacher, learner):
                if sid not in index:
                    near = closest(sid, {s: s for s in ids})
                    raise UsageError(
                        f"--pin {teacher}:{learner}: unknown system '{sid}'"
                        + (did_you_mean(near) or "; see 'peermatch systems' for the ids")
                    )
            if teacher == learner:
                raise UsageError(f"--pin {teacher}:{learner}: a system cannot teach itself")
            if self.across and self.data.same_system(teacher, learner):
                raise UsageError(
                    f"--pin {teacher}:{learner}: {self.data.same_system_text(teacher, learner)}, "
                    "and --across leaves out every pair within one system; drop the --pin or "
                    "--across"
                )
            b = score_pair(self.data, teacher, learner, self.weights, self.adjustments)
            if b.excluded or b.score <= 0 or b.repeat or (self.new_only and b.partner):
                raise PeermatchError(f"--pin {teacher}:{learner}: {self._why_no_link(b)}")
            pairs.append((index[teacher], index[learner]))
            scores[pairs[-1]] = b.score
        missing = [pr for pr in pairs if self.find(*pr) is None]
        if missing and self.cohort is not None:  # pruned away: add them
            t = np.array([pr[0] for pr in missing], dtype=np.int64)
            lr = np.array([pr[1] for pr in missing], dtype=np.int64)
            score = np.array([scores[pr] for pr in missing])
            self.cand = self.cand.extend(t, lr, score, self.ranks(t, lr))
        out = []
        for pr in pairs:
            found = self.find(*pr)
            if found is None:  # pragma: no cover - candidates given without this pair
                raise PeermatchError(f"--pin {ids[pr[0]]}:{ids[pr[1]]}: not a candidate link")
            out.append(found)
        pinned = np.array(out, dtype=np.int64)
        for role, ends, cap in (
            ("teaching", self.cand.teacher[pinned], self.teach_cap),
            ("learning", self.cand.learner[pinned], self.learn_cap),
        ):
            counts = np.bincount(ends, minlength=self.n)
            limit = np.minimum(cap, 1) if ring_size else cap
            over = np.flatnonzero(counts > limit)
            if len(over):
                i = int(over[0])
                what = "a ring gives each system one" if ring_size else f"its capacity is {cap[i]}"
                raise PeermatchError(
                    f"--pin gives {ids[i]} {counts[i]} {role} link(s) but {what}; "
                    "drop a --pin or raise the capacity"
                )
        return out

    def ranks(self, teacher: IntArray, learner: IntArray) -> IntArray:
        """Each link's place in its learner's ranking (with the history, if any)."""
        return self.overlay.ranks_of(teacher, learner, self.new_only)

    def find(self, teacher: int, learner: int) -> int | None:
        """The index of the candidate link ``teacher -> learner``, if it is one."""
        import numpy as np

        hit = np.flatnonzero((self.cand.teacher == teacher) & (self.cand.learner == learner))
        return int(hit[0]) if len(hit) else None

    def others(self, i: int, learning: bool) -> list[int]:
        """Every system ``i`` could learn from (or teach), over all links, not just candidates."""
        import numpy as np

        if self.cohort is None:
            mine = self.cand.learner == i if learning else self.cand.teacher == i
            ends = self.cand.teacher[mine] if learning else self.cand.learner[mine]
            return sorted(set(ends.tolist()))
        if learning:
            (ranked,) = self.cohort.ranked(np.array([i]), new_only=self.new_only)
            found = sorted(ranked.teachers)
        else:
            from peermatch.scoring.places import teaching

            found = sorted(lr for lr, _ in teaching(self.cohort, i, new_only=self.new_only))
        ids = self.cand.ids
        allows = self.overlay.allows
        return [j for j in found if allows(*((ids[j], ids[i]) if learning else (ids[i], ids[j])))]

    def _why_no_link(self, b: Breakdown) -> str:
        teacher, learner = b.teacher, b.learner
        if b.excluded:
            return "these two must not be paired (one lists the other under 'exclude')"
        if b.score <= 0:
            return (
                f"{teacher} has no strength on any of {learner}'s challenges or a related "
                "topic, so the pair scores 0"
            )
        if b.repeat and self.adjustments is not None:
            years = sorted({link.year for link in self.adjustments.excluded[(teacher, learner)]})
            return (
                f"{teacher} already taught {learner} in {', '.join(map(str, years))} "
                f"({self.adjustments.file}), within --window {self.adjustments.window} of "
                f"{self.adjustments.year}; drop the --pin or narrow --window"
            )
        return "they are existing partners, which --new-only leaves out"

    # -- rows

    def link(
        self, li: int, pinned: bool, ring: int | None = None, at: int | None = None
    ) -> PlanLink:
        """The row of candidate link ``li`` (``at``: its round, with rounds)."""
        ids = self.cand.ids
        b = score_pair(
            self.data,
            ids[self.cand.teacher[li]],
            ids[self.cand.learner[li]],
            self.weights,
            self.adjustments,
        )
        m = to_match(b, 1, self.data)
        credits = sorted(
            (c for c in b.topics if c.credit > 0), key=lambda c: (-c.credit, c.related, c.need)
        )
        main = credits[0].need
        others = [t for t in m.topics if t != main] + [
            r for r in m.related_topics if r.split("<-")[0] != main
        ]
        return PlanLink(
            learner=b.learner,
            teacher=b.teacher,
            topic=main,
            score=float(self.cand.score[li]),
            other_topics=tuple(others),
            two_way=b.two_way,
            partner=b.partner,
            pinned=pinned,
            reason=m.reason + ("; pinned" if pinned else ""),
            ring=ring,
            round=at,
        )

    def loads(self, chosen: BoolArray) -> tuple[IntArray, IntArray, list[Load]]:
        import numpy as np

        teaches = np.bincount(self.cand.teacher[chosen], minlength=self.n)
        learns = np.bincount(self.cand.learner[chosen], minlength=self.n)
        rows = [
            Load(
                sid, int(teaches[i]), int(learns[i]), int(self.teach_cap[i]), int(self.learn_cap[i])
            )
            for i, sid in enumerate(self.cand.ids)
        ]
        return teaches, learns, rows

    # -- why a system is left out

    def why(self, i: int, role: str, pinned: Sequence[int]) -> LeftOut:
        """Why system ``i`` cannot have a link as ``role`` (learn or teach)."""
        p = self.data.systems[i]
        sid = p.id
        ids = self.cand.ids
        learning = role == "learn"
        cap = int((self.learn_cap if learning else self.teach_cap)[i])
        own = p.learn_capacity if learning else p.teach_capacity
        if cap == 0:
            where = f"capacity.{role} in its profile" if own is not None else f"--{role} 0"
            return LeftOut(sid, role, "capacity", f"its {role} capacity is 0 ({where})")
        if learning and not p.needs:
            return LeftOut(
                sid, role, "no-challenges", "it lists no challenges, so it learns from no one"
            )
        if not learning and not p.strengths:
            return LeftOut(sid, role, "no-strengths", "it lists no strengths, so it teaches no one")
        others = self.others(i, learning)
        if not others:
            return self._no_candidates(p, role)
        names = [ids[j] for j in others]
        caps = self.teach_cap if learning else self.learn_cap
        verb = "teaches" if learning else "learns"
        listed = ", ".join(f"{ids[j]} ({verb} at most {int(caps[j])})" for j in others[:6])
        more = f" and {len(names) - 6} more" if len(names) > 6 else ""
        pin_note = ""
        if pinned:
            pin_ends = self.cand.teacher if learning else self.cand.learner
            pinned_users = {ids[int(pin_ends[li])] for li in pinned} & set(names)
            if pinned_users:
                pin_note = f"; pinned links take places of {', '.join(sorted(pinned_users))}"
        if learning:
            text = (
                f"capacity conflict: it can learn only from {listed}{more}, and any plan in which "
                f"it learns leaves at least as many others out{pin_note}; raise one's "
                "capacity.teach (or --teach)"
            )
        else:
            text = (
                f"capacity conflict: it can teach only {listed}{more}, and any plan in which "
                f"it teaches leaves at least as many others out{pin_note}; raise one's "
                "capacity.learn (or --learn)"
            )
        return LeftOut(sid, role, "conflict", text)

    def _no_candidates(self, p: Profile, role: str) -> LeftOut:
        """No candidate link at all in this role: nobody's topics fit, or exclusions."""
        learning = role == "learn"
        topics = self.data.catalogue.topics
        by_topic = self.data.teachers if learning else self.data.needers
        mine = p.needs if learning else p.strengths
        found: set[str] = set()
        for t in mine:
            for near in (t, *topics[t].related):
                found.update(by_topic.get(near, ()))
        found.discard(p.id)
        if found:
            return self._unusable(p, role, sorted(found))
        if learning:
            text = (
                "no one can teach it: none of its challenges ("
                + ", ".join(p.needs)
                + ") is anyone's strength, directly or through a related topic"
            )
            return LeftOut(p.id, role, "no-teacher", text)
        text = (
            "nobody needs its strengths: no other system lists "
            + ", ".join(p.strengths)
            + " (or a related topic) as a challenge"
        )
        return LeftOut(p.id, role, "not-needed", text)

    def _unusable(self, p: Profile, role: str, possible: list[str]) -> LeftOut:
        """Systems could teach it (or learn from it) but none may: exclusions, its own
        family with ``across``, repeats within the history's window, or partners."""
        learning = role == "learn"
        excluded = [o for o in possible if o in p.exclude or p.id in self.data.system(o).exclude]
        family = [
            o
            for o in possible
            if self.across and o not in excluded and self.data.same_system(o, p.id)
        ]
        repeats = []
        if self.adjustments is not None:
            adjustments = self.adjustments
            repeats = [
                o
                for o in possible
                if o not in excluded
                and o not in family
                and adjustments.is_excluded(*((o, p.id) if learning else (p.id, o)))
            ]
        partners = [o for o in possible if o not in (*excluded, *family, *repeats)]
        who = "that could teach it" if learning else "it could teach"
        parts = []
        if excluded:
            parts.append(f"{', '.join(excluded)} must not be paired with it (exclude)")
        if family:
            root = self.data.top_level[p.id]
            parts.append(
                f"{', '.join(family)} {'are' if len(family) > 1 else 'is'} in its own system "
                f"({root}), which --across leaves out"
            )
        if repeats and self.adjustments is not None:
            parts.append(
                f"{', '.join(repeats)} already linked with it within --window "
                f"{self.adjustments.window} of {self.adjustments.year} ({self.adjustments.file})"
            )
        if partners:
            are = "are existing partners" if len(partners) > 1 else "is an existing partner"
            parts.append(f"{', '.join(partners)} {are}, which --new-only leaves out")
        return LeftOut(
            p.id,
            role,
            "excluded" if excluded else "across" if family else "repeat" if repeats else "new-only",
            f"the only systems {who} ({', '.join(possible)}) cannot be used: " + "; ".join(parts),
        )
