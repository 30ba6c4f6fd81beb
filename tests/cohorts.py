"""Build small cohorts in Python (no YAML) and solve them by brute force, for the plan tests."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import yaml

from peermatch.core.catalogue import Catalogue, Topic
from peermatch.core.dataset import Dataset, NeedEntry, Profile, StrengthEntry

TOPICS = ("t-a", "t-b", "t-c", "t-d")
RELATED = {"t-a": ("t-b",), "t-b": ("t-a",)}


@dataclass
class Spec:
    """One system, compactly: strengths {topic: level}, needs {topic: priority}."""

    id: str
    strengths: dict[str, int] = field(default_factory=dict)
    needs: dict[str, int] = field(default_factory=dict)
    teach: int | None = None
    learn: int | None = None
    exclude: tuple[str, ...] = ()
    partners: tuple[str, ...] = ()
    kind: str = "ics"
    population: int | None = None


def catalogue(
    topics: Sequence[str] = TOPICS, related: dict[str, tuple[str, ...]] | None = None
) -> Catalogue:
    related = RELATED if related is None else related
    return Catalogue(
        {t: Topic(t, t.upper(), "area", (), tuple(sorted(related.get(t, ())))) for t in topics}
    )


def dataset(specs: Sequence[Spec], cat: Catalogue | None = None) -> Dataset:
    profiles = [
        Profile(
            id=s.id,
            name=s.id.title(),
            kind=s.kind,
            country="England",
            population=s.population,
            tags=(),
            teach_capacity=s.teach,
            learn_capacity=s.learn,
            partners=frozenset(s.partners),
            exclude=frozenset(s.exclude),
            strengths={
                t: StrengthEntry(t, lv, f"evidence {t} 10%") for t, lv in s.strengths.items()
            },
            needs={t: NeedEntry(t, pr) for t, pr in s.needs.items()},
        )
        for s in specs
    ]
    return Dataset(sorted(profiles, key=lambda p: p.id), cat or catalogue())


def write_yaml(specs: Sequence[Spec], folder: Path, cat_topics: Sequence[str] = TOPICS) -> Path:
    """The same cohort as the two YAML files, systems in the order given."""
    folder.mkdir(parents=True, exist_ok=True)
    challenges = [
        {"id": t, "name": t.upper(), "area": "area", "related": list(RELATED.get(t, ()))}
        for t in cat_topics
    ]
    systems = []
    for s in specs:
        entry: dict[str, object] = {
            "id": s.id,
            "name": s.id.title(),
            "kind": s.kind,
            "country": "England",
        }
        if s.population:
            entry["population"] = s.population
        cap = {k: v for k, v in (("teach", s.teach), ("learn", s.learn)) if v is not None}
        if cap:
            entry["capacity"] = cap
        if s.partners:
            entry["partners"] = list(s.partners)
        if s.exclude:
            entry["exclude"] = list(s.exclude)
        entry["strengths"] = [
            {"challenge": t, "level": lv, "evidence": f"evidence {t} 10%"}
            for t, lv in s.strengths.items()
        ]
        entry["challenges"] = [{"challenge": t, "priority": pr} for t, pr in s.needs.items()]
        systems.append(entry)
    (folder / "challenges.yaml").write_text(
        yaml.safe_dump({"challenges": challenges}, sort_keys=False)
    )
    (folder / "systems.yaml").write_text(yaml.safe_dump({"systems": systems}, sort_keys=False))
    return folder


# --------------------------------------------------------------------------- brute force


def brute_bmatching(
    n: int,
    teacher: np.ndarray,
    learner: np.ndarray,
    score: np.ndarray,
    teach_cap: np.ndarray,
    learn_cap: np.ndarray,
    teach_lower: np.ndarray,
    learn_lower: np.ndarray,
    pinned: np.ndarray,
) -> tuple[int, float] | None:
    """(fewest unmet lower bounds, greatest total among those) over every subset of links."""
    m = len(score)
    masks = ((np.arange(2**m)[:, None] >> np.arange(m)) & 1).astype(np.int64)
    t_inc = np.zeros((m, n), dtype=np.int64)
    l_inc = np.zeros((m, n), dtype=np.int64)
    t_inc[np.arange(m), teacher] = 1
    l_inc[np.arange(m), learner] = 1
    td, ld = masks @ t_inc, masks @ l_inc
    ok = np.all(td <= teach_cap, axis=1) & np.all(ld <= learn_cap, axis=1)
    ok &= np.all(masks[:, pinned.astype(bool)] == 1, axis=1)
    if not ok.any():
        return None
    unmet = ((td == 0) & teach_lower).sum(axis=1) + ((ld == 0) & learn_lower).sum(axis=1)
    total = masks @ score
    best_unmet = unmet[ok].min()
    best_total = total[ok & (unmet == best_unmet)].max()
    return int(best_unmet), float(best_total)


def brute_cycles(n: int, edges: set[tuple[int, int]], max_size: int) -> set[tuple[int, ...]]:
    """Every directed cycle of 2..max_size distinct systems, smallest first."""
    out = set()
    for k in range(2, max_size + 1):
        for combo in itertools.permutations(range(n), k):
            if combo[0] != min(combo):
                continue
            if all((combo[i], combo[(i + 1) % k]) in edges for i in range(k)):
                out.add(combo)
    return out


def brute_rings(
    n: int, cycles: list[tuple[tuple[int, ...], float]], must: Sequence[tuple[int, int]] = ()
) -> tuple[int, float] | None:
    """(most systems covered, greatest weight among those) over disjoint cycle packings."""
    best: tuple[int, float] | None = None

    def links_of(c: tuple[int, ...]) -> set[tuple[int, int]]:
        return {(c[i], c[(i + 1) % len(c)]) for i in range(len(c))}

    def go(start: int, used: frozenset[int], chosen: list[int]) -> None:
        nonlocal best
        covered = {s for i in chosen for s in cycles[i][0]}
        in_links = set().union(*(links_of(cycles[i][0]) for i in chosen)) if chosen else set()
        if all(m in in_links for m in must):
            key = (len(covered), sum(cycles[i][1] for i in chosen))
            if best is None or key[0] > best[0] or (key[0] == best[0] and key[1] > best[1] + 1e-12):
                best = key
        for i in range(start, len(cycles)):
            members = cycles[i][0]
            if used.isdisjoint(members):
                go(i + 1, used | set(members), [*chosen, i])

    go(0, frozenset(), [])
    return best
