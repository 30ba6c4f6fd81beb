"""A pool of peers like the LGA's, deterministic by seed, and a timing of the teams kernel.

    python benchmarks/teams_pool.py [--seed 1] [--people 2200] [--hosts 150]
    python benchmarks/teams_pool.py --bench [--repeat 3] [--roles officer:1,member:1]
    python benchmarks/teams_pool.py --cli [--repeat 3] [--out benchmarks/out/teams-pool]

The pool: 2,200 people with roles (officer, member, clinician, lived-experience), homes
across 400 organisations grouped into 42 top-level systems (some people have no home),
capacity 1-3 teams each and 1-4 topics of expertise at levels 1-3 over a 60-topic
catalogue (topic popularity skewed, topics related in pairs); 150 of the organisations host
a challenge, each with 3-6 needs at priorities 1-3 and 0-3 partner organisations.

Credit is the single-teacher credit of ``explain``, from the default weights: the need's
points less the level's shortfall on the exact topic, ``related_factor`` of that on a
related one (the best related strength). A person is allowed on a host's team unless their
home is in the host's top-level system (its family) or is one of its partners; the group
for one-per-system is the home's top-level system (each person without a home is a group
of their own).

Without ``--bench`` it prints a summary of the pool. With ``--bench`` it builds the
:class:`~peermatch.solver.teams.TeamProblem` directly and times ``solve_teams`` (median of
``--repeat`` runs, each in this process, the pool built once). With ``--cli`` it writes the
pool as files (``challenges.yaml``, ``systems.yaml`` with the organisations ``part_of`` their
top-level systems and the hosts' needs and partners, and ``peers.yaml``) and times the full
path, ``peermatch teams --data DIR --peers DIR/peers.yaml --format json --output FILE``, as
a real process (loading, checking, credit, the solve and the output).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np

from peermatch.core.weights import DEFAULT_WEIGHTS
from peermatch.planning.teams import parse_roles
from peermatch.solver.teams import TeamProblem, TeamSolution, solve_teams

ROLES = ("officer", "member", "clinician", "lived-experience")
ROLE_SHARE = (0.40, 0.35, 0.15, 0.10)


@dataclass(frozen=True)
class Pool:
    topics: tuple[str, ...]
    related: tuple[tuple[int, ...], ...]  # per topic, its related topics
    org_system: np.ndarray  # per organisation: its top-level system
    person_role: tuple[str, ...]
    person_home: np.ndarray  # per person: organisation, or -1
    person_capacity: np.ndarray
    person_level: np.ndarray  # (people, topics): 0 none, 1 emerging .. 3 exemplar
    host_org: np.ndarray  # per host: its organisation
    host_needs: tuple[tuple[tuple[int, int], ...], ...]  # per host: (topic, priority)
    host_partners: tuple[frozenset[int], ...]  # per host: partner organisations


def generate(
    seed: int = 1,
    people: int = 2200,
    orgs: int = 400,
    systems: int = 42,
    hosts: int = 150,
    topics: int = 60,
) -> Pool:
    rng = np.random.default_rng(seed)
    names = tuple(f"t{i:02d}" for i in range(topics))
    related: list[tuple[int, ...]] = [() for _ in range(topics)]
    for i in range(0, topics - 1, 2):
        if rng.random() < 0.6:
            related[i], related[i + 1] = (i + 1,), (i,)
    popularity = 1.0 / np.arange(1, topics + 1) ** 0.8
    popularity = popularity[rng.permutation(topics)]
    popularity /= popularity.sum()
    # every top-level system has at least one organisation
    org_system = np.concatenate([np.arange(systems), rng.integers(0, systems, size=orgs - systems)])
    org_system = org_system[rng.permutation(orgs)]

    role = tuple(ROLES[i] for i in rng.choice(len(ROLES), size=people, p=ROLE_SHARE))
    home = rng.integers(0, orgs, size=people)
    home[rng.random(people) < 0.08] = -1
    capacity = rng.choice([1, 2, 3], size=people, p=[0.5, 0.3, 0.2])
    level = np.zeros((people, topics), dtype=np.int64)
    for i in range(people):
        k = int(rng.integers(1, 5))
        picks = rng.choice(topics, size=k, replace=False, p=popularity)
        level[i, picks] = rng.integers(1, 4, size=k)

    host_org = rng.choice(orgs, size=hosts, replace=False)
    needs = []
    partners = []
    for h in range(hosts):
        k = int(rng.integers(3, 7))
        picks = rng.choice(topics, size=k, replace=False, p=popularity)
        needs.append(tuple((int(t), int(rng.integers(1, 4))) for t in picks))
        others = rng.choice(orgs, size=int(rng.integers(0, 4)), replace=False)
        partners.append(frozenset(int(o) for o in others if o != host_org[h]))
    return Pool(
        names,
        tuple(related),
        org_system,
        role,
        home,
        capacity,
        level,
        host_org,
        tuple(needs),
        tuple(partners),
    )


def credit_matrix(pool: Pool, needs: tuple[tuple[int, int], ...]) -> np.ndarray:
    """(people, needs): each person's single-teacher credit on each need."""
    w = DEFAULT_WEIGHTS
    shortfall = np.array([0.0] + [w.level_shortfall.of(v) for v in (1, 2, 3)])
    out = np.zeros((len(pool.person_role), len(needs)))
    for j, (topic, priority) in enumerate(needs):
        points = w.priority.of(priority)
        lev = pool.person_level[:, topic]
        exact = np.where(lev > 0, points - shortfall[lev], 0.0)
        near = np.zeros(len(lev))
        for r in pool.related[topic]:
            lr = pool.person_level[:, r]
            near = np.maximum(
                near, np.where(lr > 0, w.related_factor * (points - shortfall[lr]), 0.0)
            )
        out[:, j] = np.where(lev > 0, exact, near)
    return out


def build_problem(pool: Pool, *, size: int = 4, roles: dict[str, int] | None = None) -> TeamProblem:
    """The teams problem of the whole pool: every host, every person."""
    w = DEFAULT_WEIGHTS
    n_orgs = len(pool.org_system)
    home = pool.person_home
    top = np.where(home >= 0, pool.org_system[np.maximum(home, 0)], -1)
    # one-per-system groups: the home's top-level system; no home, a group of one's own
    n_sys = int(pool.org_system.max()) + 1
    group = np.where(top >= 0, top, n_sys + np.arange(len(home)))
    points, members, credit = [], [], []
    for h, org in enumerate(pool.host_org):
        family = np.nonzero(pool.org_system == pool.org_system[org])[0]
        banned = np.zeros(n_orgs + 1, dtype=bool)  # the last slot: no home, never banned
        banned[family] = True
        banned[list(pool.host_partners[h])] = True
        allowed = np.nonzero(~banned[np.where(home >= 0, home, n_orgs)])[0]
        needs = pool.host_needs[h]
        points.append(np.array([w.priority.of(p) for _, p in needs]))
        members.append(allowed.astype(np.int64))
        credit.append(credit_matrix(pool, needs)[allowed])
    return TeamProblem(
        need_points=points,
        members=members,
        credit=credit,
        capacity=pool.person_capacity.astype(np.int64),
        role=pool.person_role,
        group=group.astype(np.int64),
        size=size,
        role_minimums=roles or {},
    )


def write_files(pool: Pool, folder: Path) -> Path:
    """The pool as the three files ``peermatch teams --peers`` reads."""
    import yaml

    folder.mkdir(parents=True, exist_ok=True)
    names = pool.topics
    challenges = [
        {"id": name, "name": f"Topic {name}", "area": "area",
         "related": [names[r] for r in pool.related[i]]}
        for i, name in enumerate(names)
    ]  # fmt: skip
    n_sys = int(pool.org_system.max()) + 1
    systems: list[dict[str, object]] = [
        {"id": f"sys-{s:02d}", "name": f"System {s:02d}", "kind": "ics"} for s in range(n_sys)
    ]
    host_of = {int(org): h for h, org in enumerate(pool.host_org)}
    for o, s in enumerate(pool.org_system):
        entry: dict[str, object] = {
            "id": f"org-{o:03d}", "name": f"Organisation {o:03d}", "kind": "trust",
            "part_of": f"sys-{int(s):02d}",
        }  # fmt: skip
        h = host_of.get(o)
        if h is not None:
            entry["partners"] = [f"org-{p:03d}" for p in sorted(pool.host_partners[h])]
            entry["challenges"] = [
                {"challenge": names[t], "priority": p} for t, p in pool.host_needs[h]
            ]
        systems.append(entry)
    peers = []
    for i, role in enumerate(pool.person_role):
        person: dict[str, object] = {"id": f"p-{i:04d}", "name": f"Person {i:04d}", "role": role}
        if pool.person_home[i] >= 0:
            person["home"] = f"org-{int(pool.person_home[i]):03d}"
        person["capacity"] = int(pool.person_capacity[i])
        person["expertise"] = [
            {"challenge": names[t], "level": int(pool.person_level[i, t]), "evidence": "e"}
            for t in np.nonzero(pool.person_level[i])[0]
        ]
        peers.append(person)
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    for name, doc in (
        ("challenges.yaml", {"challenges": challenges}),
        ("systems.yaml", {"systems": systems}),
        ("peers.yaml", {"peers": peers}),
    ):
        (folder / name).write_text(yaml.dump(doc, Dumper=dumper, sort_keys=False))
    return folder


def bench_cli(folder: Path, args: argparse.Namespace) -> None:
    """Time ``peermatch teams`` on the files, as a real process, ``--repeat`` times."""
    out = folder / "teams.json"
    command = [
        sys.executable, "-m", "peermatch", "teams", "--data", str(folder),
        "--peers", str(folder / "peers.yaml"), "--size", str(args.size),
        "--roles", args.roles, "--time-limit", str(args.time_limit),
        "--format", "json", "--output", str(out),
    ]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    times = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        subprocess.run(command, check=True, env=env, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - t)
        doc = json.loads(out.read_text())
        gap = (doc["bound"] - doc["total"]) / doc["bound"] if doc["bound"] else 0.0
        teams = ";".join(",".join(m["member"] for m in t["members"]) for t in doc["teams"])
        print(
            f"  {times[-1]:7.2f} s  total {doc['total']:.4f}  bound {doc['bound']:.4f}  "
            f"gap {100 * gap:.4f}%  optimal {doc['optimal']}  short {len(doc['short'])}  "
            f"teams {hashlib.sha256(teams.encode()).hexdigest()[:12]}",
            flush=True,
        )
    print(f"peermatch teams, end to end: median {statistics.median(times):.2f} s over "
          f"{args.repeat}")  # fmt: skip


def digest(solution: TeamSolution) -> str:
    """A short fingerprint of the teams, to see that repeated runs agree."""
    text = ";".join(",".join(map(str, t.members)) for t in solution.teams)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--people", type=int, default=2200)
    ap.add_argument("--hosts", type=int, default=150)
    ap.add_argument("--size", type=int, default=4)
    ap.add_argument("--roles", default="officer:1,member:1", help="minimums, e.g. officer:2")
    ap.add_argument("--bench", action="store_true", help="time the kernel on the pool")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--gap", type=float, default=0.0, help="relative gap to stop at")
    ap.add_argument("--cli", action="store_true", help="time peermatch teams on the files")
    ap.add_argument("--out", type=Path, default=Path("benchmarks/out/teams-pool"))
    args = ap.parse_args()

    t0 = time.perf_counter()
    pool = generate(args.seed, people=args.people, hosts=args.hosts)
    problem = build_problem(pool, size=args.size, roles=parse_roles(args.roles))
    built = time.perf_counter() - t0
    pairs = sum(int((c.max(axis=1) > 0).sum()) for c in problem.credit)
    print(
        f"pool seed {args.seed}: {args.people} people, {len(pool.org_system)} organisations, "
        f"{int(pool.org_system.max()) + 1} systems, {args.hosts} hosts, "
        f"{sum(len(n) for n in pool.host_needs)} needs; "
        f"{sum(len(m) for m in problem.members)} allowed pairs, {pairs} who bring a need; "
        f"built in {built:.2f} s"
    )
    if args.cli:
        bench_cli(write_files(pool, args.out), args)
    if not args.bench:
        return
    times, last = [], None
    for _ in range(args.repeat):
        t = time.perf_counter()
        last = solve_teams(problem, time_limit=args.time_limit, mip_gap=args.gap)
        times.append(time.perf_counter() - t)
        print(
            f"  {times[-1]:7.2f} s  total {last.total:.4f}  bound {last.bound:.4f}  "
            f"gap {100 * last.gap:.4f}%  optimal {last.optimal}  "
            f"role short {last.role_shortfall}  filled {last.filled_optimal}  "
            f"teams {digest(last)}",
            flush=True,
        )
    assert last is not None
    members = sum(len(t.members) for t in last.teams)
    short = sum(1 for t in last.teams if len(t.members) < args.size)
    print(
        f"median {statistics.median(times):.2f} s over {args.repeat}; "
        f"{members} places filled, {short} teams short of {args.size}, "
        f"{sum(not t.complete for t in last.teams)} short of the role mix"
    )


if __name__ == "__main__":
    main()
