"""Cohorts for the tests, built one way: a cohort is a list of :class:`Spec` (one system
each) and a catalogue; :func:`dataset` makes the library's :class:`Dataset` from it
directly, :func:`documents` the two YAML documents (and :func:`write_yaml` the files).

Hypothesis draws cohorts as specs too: :func:`doc_cohorts` (as parsed documents, for
properties through the loader) and :func:`fast_cohorts` (as datasets with the awkward
cases on purpose, for the score matrix). Brute-force solvers for the plan tests follow.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from hypothesis import assume
from hypothesis import strategies as st

from peermatch.core.catalogue import Catalogue, Topic
from peermatch.core.dataset import Dataset, NeedEntry, Profile, StrengthEntry
from peermatch.core.defaults import DEFAULT_LEARN, DEFAULT_TEACH
from peermatch.core.plan import Plan
from peermatch.core.weights import DEFAULT_WEIGHTS, Weights
from peermatch.scoring.reference import score_pair
from peermatch.solver.matching import Bounds

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
    country: str | None = "England"
    tags: tuple[str, ...] = ()
    name: str | None = None  # default: the id, title-cased
    evidence: str = "evidence {topic} 10%"  # each strength's evidence, {topic} filled in
    part_of: str | None = None  # the id of the system this one is a unit of

    @property
    def display(self) -> str:
        return self.name if self.name is not None else self.id.title()


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
            name=s.display,
            kind=s.kind,
            country=s.country,
            population=s.population,
            tags=s.tags,
            teach_capacity=s.teach,
            learn_capacity=s.learn,
            partners=frozenset(s.partners),
            exclude=frozenset(s.exclude),
            strengths={
                t: StrengthEntry(t, lv, s.evidence.format(topic=t)) for t, lv in s.strengths.items()
            },
            needs={t: NeedEntry(t, pr) for t, pr in s.needs.items()},
            part_of=s.part_of,
        )
        for s in specs
    ]
    order = tuple(s.id for s in specs)
    return Dataset(sorted(profiles, key=lambda p: p.id), cat or catalogue(), file_order=order)


def documents(
    specs: Sequence[Spec], cat: Catalogue | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(systems_doc, challenges_doc)``: the same cohort as the two files' documents."""
    cat = cat or catalogue()
    challenges = [
        {"id": t.id, "name": t.name, "area": t.area, "related": list(t.related)} for t in cat
    ]
    systems = []
    for s in specs:
        entry: dict[str, Any] = {"id": s.id, "name": s.display, "kind": s.kind}
        if s.part_of is not None:
            entry["part_of"] = s.part_of
        if s.country is not None:
            entry["country"] = s.country
        if s.population:
            entry["population"] = s.population
        if s.tags:
            entry["tags"] = list(s.tags)
        cap = {k: v for k, v in (("teach", s.teach), ("learn", s.learn)) if v is not None}
        if cap:
            entry["capacity"] = cap
        if s.partners:
            entry["partners"] = list(s.partners)
        if s.exclude:
            entry["exclude"] = list(s.exclude)
        entry["strengths"] = [
            {"challenge": t, "level": lv, "evidence": s.evidence.format(topic=t)}
            for t, lv in s.strengths.items()
        ]
        entry["challenges"] = [{"challenge": t, "priority": pr} for t, pr in s.needs.items()]
        systems.append(entry)
    return {"systems": systems}, {"challenges": challenges}


def write_yaml(specs: Sequence[Spec], folder: Path, cat_topics: Sequence[str] = TOPICS) -> Path:
    """The same cohort as the two YAML files, systems in the order given."""
    folder.mkdir(parents=True, exist_ok=True)
    systems, challenges = documents(specs, catalogue(cat_topics))
    (folder / "challenges.yaml").write_text(yaml.safe_dump(challenges, sort_keys=False))
    (folder / "systems.yaml").write_text(yaml.safe_dump(systems, sort_keys=False))
    return folder


def random_cohort(n: int, n_topics: int, per: int, seed: int = 1) -> Dataset:
    """``n`` systems, each with ``per`` random strengths and ``per`` random needs among
    ``n_topics`` unrelated topics: a dense cohort, the same for the same seed."""
    import random

    rnd = random.Random(seed)
    topics = tuple(f"t{i}" for i in range(n_topics))
    specs = [
        Spec(
            id=f"s{i:03d}",
            strengths={t: rnd.randint(1, 3) for t in rnd.sample(topics, per)},
            needs={t: rnd.randint(1, 3) for t in rnd.sample(topics, per)},
        )
        for i in range(n)
    ]
    return dataset(specs, catalogue(topics, {}))


# --------------------------------------------------------------------------- hypothesis

DOC_KINDS = ["ics", "trust", "place", "council", "international"]
DOC_TAGS = ["urban", "rural", "coastal", "large", "small"]


@st.composite
def doc_cohorts(
    draw: st.DrawFn, min_systems: int = 2, max_systems: int = 6, max_topics: int = 6
) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(systems_doc, challenges_doc)`` for a random small cohort."""
    n_topics = draw(st.integers(1, max_topics))
    topics = [f"t{i}" for i in range(n_topics)]
    related: dict[str, tuple[str, ...]] = {}
    areas: dict[str, str] = {}
    for i, t in enumerate(topics):
        related[t] = (
            tuple(sorted(draw(st.sets(st.sampled_from(topics[:i]), max_size=2)))) if i else ()
        )
        areas[t] = f"a{i % 3}"
    n = draw(st.integers(min_systems, max_systems))
    ids = [f"s{i}" for i in range(n)]
    specs = []
    for sid in ids:
        strengths = draw(
            st.dictionaries(st.sampled_from(topics), st.integers(1, 3), max_size=n_topics)
        )
        needs = draw(st.dictionaries(st.sampled_from(topics), st.integers(1, 3), max_size=n_topics))
        others = [o for o in ids if o != sid]
        spec = Spec(
            sid,
            strengths,
            needs,
            kind=draw(st.sampled_from(DOC_KINDS)),
            country=None,
            name=sid.upper(),
            evidence="{topic} work",
        )
        if draw(st.booleans()):
            spec.country = draw(st.sampled_from(["England", "Scotland"]))
        if draw(st.booleans()):
            spec.population = draw(st.integers(1_000, 3_000_000))
        spec.tags = tuple(sorted(draw(st.sets(st.sampled_from(DOC_TAGS), max_size=3))))
        if others and draw(st.integers(0, 4)) == 0:
            spec.exclude = (draw(st.sampled_from(others)),)
        specs.append(spec)
    # partners, symmetric
    for i, sid in enumerate(ids):
        for other in ids[i + 1 :]:
            if draw(st.integers(0, 5)) == 0:
                specs[i].partners += (other,)
                specs[ids.index(other)].partners += (sid,)
    cat = Catalogue({t: Topic(t, t.upper(), areas[t], (), related[t]) for t in topics})
    return documents(specs, cat)


FAST_KINDS = ["ics", "trust", "pcn"]
COUNTRIES = [None, "England", "england", "Wales"]
POPULATIONS = st.one_of(
    st.none(),
    st.just(0),
    st.integers(1, 3_000_000),
    st.integers(2**53 - 2, 2**53 + 10),  # beyond float64's exact integers
)


@st.composite
def fast_cohorts(draw: st.DrawFn, max_systems: int = 14, max_topics: int = 7) -> Dataset:
    """A random cohort as a :class:`Dataset`, with ties (no population, no tags), country
    case, zero and huge populations, duplicate tags, one-sided partners and exclusions,
    related topics, learners without needs and units inside systems (``part_of``, to any
    depth) on purpose."""
    n_topics = draw(st.integers(1, max_topics))
    tids = [f"t{i}" for i in range(n_topics)]
    related: dict[str, set[str]] = {t: set() for t in tids}
    for a, b in draw(st.lists(st.tuples(st.sampled_from(tids), st.sampled_from(tids)))):
        if a != b:
            related[a].add(b)
            related[b].add(a)
    n = draw(st.integers(1, max_systems))
    ids = [f"s{i:02d}" for i in range(n)]
    links = st.lists(st.sampled_from(ids), max_size=2) if n > 1 else st.just([])
    specs = []
    for sid in ids:
        order = draw(st.permutations(tids))
        n_strengths = draw(st.integers(0, min(3, n_topics)))
        n_needs = draw(st.integers(0, min(4, n_topics)))
        strengths = {t: draw(st.integers(1, 3)) for t in order[:n_strengths]}
        needs_order = draw(st.permutations(tids))[:n_needs]  # may overlap strengths
        needs = {t: draw(st.integers(1, 3)) for t in needs_order}
        specs.append(
            Spec(
                sid,
                strengths,
                needs,
                name=sid.upper(),
                kind=draw(st.sampled_from(FAST_KINDS)),
                country=draw(st.sampled_from(COUNTRIES)),
                population=draw(POPULATIONS),
                tags=tuple(draw(st.lists(st.sampled_from(["a", "b", "c", "d"]), max_size=3))),
                partners=tuple(x for x in draw(links) if x != sid),
                exclude=tuple(x for x in draw(links) if x != sid),
                evidence="did 1 thing",
                part_of=draw(part_of(ids[: len(specs)])),
            )
        )
    topics = {t: Topic(t, t, "area", (), tuple(sorted(related[t]))) for t in tids}
    return dataset(specs, Catalogue(topics))


def part_of(earlier: Sequence[str]) -> st.SearchStrategy[str | None]:
    """No parent (half the time), or one of the systems before: never a cycle."""
    if not earlier:
        return st.none()
    return st.one_of(st.none(), st.sampled_from(list(earlier)))


def _valid(**fields: object) -> Weights | None:
    try:
        return Weights.model_validate(fields)
    except ValueError:
        return None


@st.composite
def weights(draw: st.DrawFn) -> Weights:
    kind = draw(st.sampled_from(["default", "dyadic", "any"]))
    if kind == "default":
        return DEFAULT_WEIGHTS
    if kind == "dyadic":
        num = st.integers(0, 16).map(lambda k: k / 8)
    else:
        num = st.floats(0, 5, allow_nan=False, allow_infinity=False)
    low, medium, high = sorted(draw(num) + 0.125 for _ in range(3))
    exemplar, established, emerging = sorted(draw(num) for _ in range(3))
    frac = st.floats(0.01, 1) if kind == "any" else st.integers(1, 8).map(lambda k: k / 8)
    w = _valid(
        priority={"low": low, "medium": medium, "high": high},
        level_shortfall={"emerging": emerging, "established": established, "exemplar": exemplar},
        related_factor=draw(frac),
        context_weight=draw(frac) * 0.99,
        context={k: draw(num) for k in ("kind", "country", "size", "tags")},
        partner_factor=draw(st.one_of(frac, st.just(0.0))),
    )
    assume(w is not None)
    assert w is not None
    return w


# --------------------------------------------------------------------------- plans

NAMES = ("ash", "birch", "cedar", "elm", "fir")


@st.composite
def small_cohorts(draw: st.DrawFn, min_n: int = 2, max_n: int = 5) -> list[Spec]:
    n = draw(st.integers(min_n, max_n))
    names = NAMES[:n]
    specs = []
    for sid in names:
        strengths = draw(st.dictionaries(st.sampled_from(TOPICS), st.integers(1, 3), max_size=2))
        needs = draw(st.dictionaries(st.sampled_from(TOPICS), st.integers(1, 3), max_size=2))
        specs.append(
            Spec(
                sid,
                strengths,
                needs,
                teach=draw(st.one_of(st.none(), st.integers(0, 2))),
                learn=draw(st.one_of(st.none(), st.integers(0, 2))),
                population=draw(st.sampled_from([None, 100_000, 400_000])),
            )
        )
    others = [(a, b) for a in names for b in names if a < b]
    for a, b in draw(st.lists(st.sampled_from(others), unique=True, max_size=2)) if others else []:
        next(s for s in specs if s.id == a).exclude += (b,)
    for a, b in draw(st.lists(st.sampled_from(others), unique=True, max_size=2)) if others else []:
        if b in next(s for s in specs if s.id == a).exclude:
            continue
        next(s for s in specs if s.id == a).partners += (b,)
        next(s for s in specs if s.id == b).partners += (a,)
    return specs


def caps(data: Dataset, teach: int | None, learn: int | None) -> tuple[np.ndarray, np.ndarray]:
    t = teach if teach is not None else DEFAULT_TEACH
    lr = learn if learn is not None else DEFAULT_LEARN
    return (
        np.array([p.teach_capacity if p.teach_capacity is not None else t for p in data.systems]),
        np.array([p.learn_capacity if p.learn_capacity is not None else lr for p in data.systems]),
    )


def check_constraints(data: Dataset, result: Plan, **kw: object) -> None:
    """Every constraint of the issue, from the plan's rows alone."""
    teach_cap, learn_cap = caps(data, kw.get("teach"), kw.get("learn"))  # type: ignore[arg-type]
    index = {p.id: i for i, p in enumerate(data.systems)}
    pairs = [(k.teacher, k.learner) for k in result.links]
    assert len(pairs) == len(set(pairs))
    teaches = np.zeros(len(index), dtype=int)
    learns = np.zeros(len(index), dtype=int)
    for k in result.links:
        assert k.teacher != k.learner
        b = score_pair(data, k.teacher, k.learner)
        assert not b.excluded
        assert b.score > 0 and k.score == b.score  # exactly suggest's score
        if kw.get("new_only"):
            assert not b.partner
        teaches[index[k.teacher]] += 1
        learns[index[k.learner]] += 1
    assert np.all(teaches <= teach_cap) and np.all(learns <= learn_cap)
    for t, lr in kw.get("pins", ()):  # type: ignore[attr-defined]
        assert (t, lr) in pairs
    out = {(x.system, x.role) for x in result.left_out}
    one_way = {(x.system, x.role) for x in result.one_way}
    for p in data.systems:  # left out of a role, unless it is teach-only or learn-only
        learn_only, teach_only = (p.id, "learn-only") in one_way, (p.id, "teach-only") in one_way
        assert ((p.id, "teach") in out) == (teaches[index[p.id]] == 0 and not learn_only)
        assert ((p.id, "learn") in out) == (learns[index[p.id]] == 0 and not teach_only)
        assert teach_only == (bool(p.strengths) and not p.needs)
        assert learn_only == (bool(p.needs) and not p.strengths)
    assert result.total == pytest.approx(sum(k.score for k in result.links), abs=1e-9)
    loads = {ld.system: ld for ld in result.loads}
    for p in data.systems:
        assert loads[p.id].teaches == teaches[index[p.id]]
        assert loads[p.id].learns == learns[index[p.id]]


# --------------------------------------------------------------------------- brute force

SCORES = st.sampled_from([12.5, 25.0, 33.25, 40.0, 50.0, 62.5, 75.0, 90.0, 100.0])


@st.composite
def instances(draw: st.DrawFn, max_n: int = 5, max_links: int = 13) -> dict[str, np.ndarray]:
    n = draw(st.integers(2, max_n))
    pairs = [(t, lr) for t in range(n) for lr in range(n) if t != lr]
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=max_links))
    m = len(chosen)
    teacher = np.array([p[0] for p in chosen], dtype=np.int64)
    learner = np.array([p[1] for p in chosen], dtype=np.int64)
    score = np.array(draw(st.lists(SCORES, min_size=m, max_size=m)), dtype=float)
    teach_cap = np.array(draw(st.lists(st.integers(0, 3), min_size=n, max_size=n)), dtype=np.int64)
    learn_cap = np.array(draw(st.lists(st.integers(0, 3), min_size=n, max_size=n)), dtype=np.int64)
    has_out = np.bincount(teacher, minlength=n) > 0
    has_in = np.bincount(learner, minlength=n) > 0
    pinned = np.zeros(m, dtype=bool)
    if m:
        for i in draw(st.lists(st.integers(0, m - 1), max_size=2, unique=True)):
            pinned[i] = True
    # pins must fit the capacities (the caller checks; see test_planning)
    assume(np.all(np.bincount(teacher[pinned], minlength=n) <= teach_cap))
    assume(np.all(np.bincount(learner[pinned], minlength=n) <= learn_cap))
    return {
        "n": n,
        "teacher": teacher,
        "learner": learner,
        "score": score,
        "teach_cap": teach_cap,
        "learn_cap": learn_cap,
        "teach_lower": has_out & (teach_cap > 0),
        "learn_lower": has_in & (learn_cap > 0),
        "pinned": pinned,
    }


def bounds_of(inst: dict[str, np.ndarray]) -> Bounds:
    """An instance's capacities and lower bounds, as the solvers take them."""
    keys = ("teach_cap", "learn_cap", "teach_lower", "learn_lower")
    return Bounds(*(inst[k] for k in keys))


def brute_plans(inst: dict[str, np.ndarray]) -> list[tuple[np.ndarray, int]]:
    """Every subset of links within the capacities with the pins: (mask, unmet)."""
    n, teacher, learner = inst["n"], inst["teacher"], inst["learner"]
    m = len(teacher)
    masks = ((np.arange(2**m)[:, None] >> np.arange(m)) & 1).astype(bool)
    out = []
    for x in masks:
        td = np.bincount(teacher[x], minlength=n)
        ld = np.bincount(learner[x], minlength=n)
        if np.any(td > inst["teach_cap"]) or np.any(ld > inst["learn_cap"]):
            continue
        if not np.all(x[inst["pinned"]]):
            continue
        unmet = int(
            ((td == 0) & inst["teach_lower"]).sum() + ((ld == 0) & inst["learn_lower"]).sum()
        )
        out.append((x, unmet))
    return out


def brute_fair(inst: dict[str, np.ndarray]) -> tuple[int, float, float] | None:
    """(fewest unmet, the highest lowest unpinned score among those, then the greatest
    total) over every subset of links."""
    plans = brute_plans(inst)
    if not plans:
        return None
    score, pinned = inst["score"], inst["pinned"]
    fewest = min(u for _, u in plans)
    best: tuple[float, float] | None = None
    for x, u in plans:
        if u != fewest:
            continue
        free = score[x & ~pinned]
        key = (float(free.min()) if len(free) else float("inf"), float(score[x].sum()))
        best = key if best is None or key > best else best
    assert best is not None
    return fewest, best[0], best[1]


def brute_rounds(inst: dict[str, np.ndarray], rounds: int) -> tuple[int, float]:
    """(fewest unmet lower bounds over all rounds, then the greatest total): each link in
    no round or one, every round within the capacities, pins in the first."""
    n, teacher, learner, score = inst["n"], inst["teacher"], inst["learner"], inst["score"]
    best: tuple[int, float] | None = None
    for assign in itertools.product(range(-1, rounds), repeat=len(score)):
        a = np.array(assign, dtype=np.int64)
        if len(a) and not np.all(a[inst["pinned"]] == 0):
            continue
        unmet, ok = 0, True
        for r in range(rounds):
            x = a == r
            td = np.bincount(teacher[x], minlength=n)
            ld = np.bincount(learner[x], minlength=n)
            if np.any(td > inst["teach_cap"]) or np.any(ld > inst["learn_cap"]):
                ok = False
                break
            unmet += int(
                ((td == 0) & inst["teach_lower"]).sum() + ((ld == 0) & inst["learn_lower"]).sum()
            )
        if ok:
            key = (-unmet, float(score[a >= 0].sum()))
            best = key if best is None or key > best else best
    assert best is not None
    return -best[0], best[1]


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
