"""Hypothesis strategies: random cohorts in the data contract, as parsed documents."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

KINDS = ["ics", "trust", "place", "council", "international"]
TAGS = ["urban", "rural", "coastal", "large", "small"]


@st.composite
def cohorts(
    draw: st.DrawFn, min_systems: int = 2, max_systems: int = 6, max_topics: int = 6
) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(systems_doc, challenges_doc)`` for a random small cohort."""
    n_topics = draw(st.integers(1, max_topics))
    topics = [f"t{i}" for i in range(n_topics)]
    challenges = []
    for i, t in enumerate(topics):
        related = sorted(draw(st.sets(st.sampled_from(topics[:i]), max_size=2))) if i else []
        challenges.append({"id": t, "name": t.upper(), "area": f"a{i % 3}", "related": related})
    n = draw(st.integers(min_systems, max_systems))
    ids = [f"s{i}" for i in range(n)]
    systems = []
    for sid in ids:
        strengths = draw(
            st.dictionaries(st.sampled_from(topics), st.integers(1, 3), max_size=n_topics)
        )
        needs = draw(st.dictionaries(st.sampled_from(topics), st.integers(1, 3), max_size=n_topics))
        others = [o for o in ids if o != sid]
        profile: dict[str, Any] = {
            "id": sid,
            "name": sid.upper(),
            "kind": draw(st.sampled_from(KINDS)),
            "strengths": [
                {"challenge": t, "level": lv, "evidence": f"{t} work"}
                for t, lv in strengths.items()
            ],
            "challenges": [{"challenge": t, "priority": p} for t, p in needs.items()],
        }
        if draw(st.booleans()):
            profile["country"] = draw(st.sampled_from(["England", "Scotland"]))
        if draw(st.booleans()):
            profile["population"] = draw(st.integers(1_000, 3_000_000))
        profile["tags"] = sorted(draw(st.sets(st.sampled_from(TAGS), max_size=3)))
        if others and draw(st.integers(0, 4)) == 0:
            profile["exclude"] = [draw(st.sampled_from(others))]
        systems.append(profile)
    # partners, symmetric
    for i, sid in enumerate(ids):
        for other in ids[i + 1 :]:
            if draw(st.integers(0, 5)) == 0:
                systems[i].setdefault("partners", []).append(other)
                systems[ids.index(other)].setdefault("partners", []).append(sid)
    return {"systems": systems}, {"challenges": challenges}
