"""What ``--across`` costs: suggest (every learner's top 3) and plan on a generated cohort
whose profiles are grouped into families, with and without ``--across``.

    python benchmarks/across_bench.py --profiles 5000 --families 42

Generates a cohort (:mod:`benchmarks.generate`), then makes every profile after the first
``families`` a unit of one of them (``part_of``, in memory), like PCNs and trusts inside
42 ICSs. Prints seconds per run and how many suggest rows and plan links join two
profiles of one family. Figures only: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import tempfile
import time
from pathlib import Path

from benchmarks.generate import generate
from peermatch.core.dataset import Dataset
from peermatch.files.loading import load
from peermatch.planning.api import plan
from peermatch.scoring.ranking import suggest


def with_families(data: Dataset, families: int, seed: int) -> Dataset:
    rng = random.Random(seed)
    roots = [p.id for p in data.systems[:families]]
    systems = [
        p if i < families else dataclasses.replace(p, part_of=rng.choice(roots))
        for i, p in enumerate(data.systems)
    ]
    return Dataset(systems, data.catalogue)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--profiles", type=int, default=5000)
    parser.add_argument("--families", type=int, default=42)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--plan", action="store_true", help="time plan too (slower)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        data = with_families(
            load(generate(Path(tmp), args.profiles, seed=args.seed)), args.families, args.seed
        )
    top = data.top_level
    print(f"{len(data.systems)} profiles in {args.families} families")
    for across in (False, True):
        start = time.perf_counter()
        rows = suggest(data, top=3, across=across)
        took = time.perf_counter() - start
        inside = sum(top[m.teacher] == top[m.learner] for m in rows)
        print(f"suggest --top 3 across={across}: {took:.2f} s, {len(rows)} rows, {inside} within")
        if args.plan:
            start = time.perf_counter()
            result = plan(data, across=across)
            took = time.perf_counter() - start
            inside = sum(top[k.teacher] == top[k.learner] for k in result.links)
            print(
                f"plan across={across}: {took:.2f} s, {len(result.links)} links, "
                f"total {result.total:.1f}, {inside} within"
            )


if __name__ == "__main__":
    main()
