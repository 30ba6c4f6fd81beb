"""How long `plan` takes on synthetic cohorts shaped like real ones.

    python benchmarks/plan_bench.py [--sizes 50,100,200,300] [--ring-size 3] [--seed 1]
    python benchmarks/plan_bench.py --sizes 60,300 --objective fair --repeat 5
    python benchmarks/plan_bench.py --sizes 60,300 --rounds 3 --repeat 5

Each synthetic system has 2-5 strengths and 2-5 challenges drawn from a 40-topic
catalogue (some topics far more common, as in the report: discharge, workforce...), with
related topics in pairs. Scores come from the reference scorer, exactly as `plan` uses
them. Prints per size: candidate links, seconds (scoring, then the plan: the median of
``--repeat`` runs), optimal?, left out.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np

from peermatch.core.catalogue import Catalogue, Topic
from peermatch.core.dataset import Dataset, NeedEntry, Profile, StrengthEntry
from peermatch.planning.api import plan
from peermatch.planning.candidates import Candidates
from peermatch.scoring.ranking import rank_all

KINDS = ("ics", "trust", "place", "pcn", "council")


def synthetic(n: int, seed: int, topics: int = 40) -> Dataset:
    rng = np.random.default_rng(seed)
    ids = [f"t{i:02d}" for i in range(topics)]
    related = dict.fromkeys(ids, ())
    for i in range(0, topics - 1, 4):  # pairs of related topics
        related[ids[i]] = (ids[i + 1],)
        related[ids[i + 1]] = (ids[i],)
    cat = Catalogue({t: Topic(t, t, "area", (), related[t]) for t in ids})
    popularity = 1.0 / np.arange(1, topics + 1) ** 0.8
    popularity /= popularity.sum()
    profiles = []
    for i in range(n):
        picks = rng.choice(topics, size=rng.integers(4, 11), replace=False, p=popularity)
        k = rng.integers(2, min(6, len(picks) - 1))
        strengths = {
            ids[t]: StrengthEntry(ids[t], int(rng.integers(1, 4)), "e 1") for t in picks[:k]
        }
        needs = {ids[t]: NeedEntry(ids[t], int(rng.integers(1, 4))) for t in picks[k:]}
        profiles.append(
            Profile(
                id=f"s{i:05d}",
                name=f"S{i}",
                kind=KINDS[int(rng.integers(0, len(KINDS)))],
                country="England",
                population=int(rng.integers(50_000, 3_000_000)),
                tags=(),
                teach_capacity=None,
                learn_capacity=None,
                partners=frozenset(),
                exclude=frozenset(),
                strengths=strengths,
                needs=needs,
            )
        )
    return Dataset(profiles, cat)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="50,100,200,300")
    ap.add_argument("--ring-size", type=int, default=None)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--objective", choices=("total", "fair"), default="total")
    ap.add_argument("--rounds", type=int, default=None)
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()
    for n in (int(s) for s in args.sizes.split(",")):
        data = synthetic(n, args.seed)
        t0 = time.perf_counter()
        cand = Candidates.from_ranking(data, rank_all(data))
        t1 = time.perf_counter()
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            result = plan(
                data,
                ring_size=args.ring_size,
                time_limit=args.time_limit,
                candidates=cand,
                objective=args.objective,
                rounds=args.rounds,
            )
            times.append(time.perf_counter() - start)
        print(
            f"n={n:5d} links={len(cand):7d} score={t1 - t0:6.2f}s "
            f"plan={statistics.median(times):6.2f}s (median of {len(times)}) "
            f"min_score={result.min_score} price={result.price_of_fairness} "
            f"optimal={result.optimal} total={result.total:.1f} bound={result.bound} "
            f"left_out={len(result.left_out)} notes={result.notes}",
            flush=True,
        )


if __name__ == "__main__":
    main()
