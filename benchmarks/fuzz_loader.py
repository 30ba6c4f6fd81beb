"""Fuzz the loader and the CLI with thousands of random and mutated inputs.

    python benchmarks/fuzz_loader.py 20000            # inputs; prints counts, exit 1 on a failure
    python benchmarks/fuzz_loader.py 5000 --seed 7 --cli-every 10

Each input is a pair of files (systems.yaml, challenges.yaml) made by mutating the valid test
fixtures, splicing lines, writing random bytes or dumping random YAML documents. The loader
(``peermatch.validate``) must return findings or raise a PeermatchError, nothing else;
every ``--cli-every``-th input also goes through ``peermatch suggest`` and ``validate``,
which must exit 0 or 1 without a traceback and leave an existing output file alone when they
fail. It also compares the C and pure-Python YAML parsers on every text input and reports
how often they disagree (reported, not a failure: see docs/hardening.md).

Failing inputs are saved under benchmarks/out/fuzz-failures/.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
import time
import traceback
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from peermatch.core.errors import PeermatchError  # noqa: E402
from peermatch.files import loading  # noqa: E402
from peermatch.files import yaml_read as yamlio  # noqa: E402

VALID = REPO / "tests" / "data" / "valid"
#: The two known differences between libyaml and pure-Python PyYAML (docs/hardening.md).
KNOWN_DIFFERENCE = re.compile(r"\?|:[\]},]")
SIGNIFICANT = [*":-[]{},#&*!|>'\"%@`?\n \t\\~=+", "---", "...", "é", "\u202e", "\x00", "\r"]
SIGNIFICANT += ["&a ", "*a", "!!python/object ", "<<: ", "\ufeff", "\u2028", '"\\e"', "yes"]


def fixtures() -> list[tuple[str, str]]:
    pairs = []
    for folder in sorted(p for p in VALID.iterdir() if p.is_dir()):
        pairs.append(
            ((folder / "systems.yaml").read_text(), (folder / "challenges.yaml").read_text())
        )
    return pairs


def mutate(rng: random.Random, text: str) -> str:
    chars = list(text)
    for _ in range(rng.randint(1, 8)):
        at = rng.randint(0, len(chars))
        piece = rng.choice(SIGNIFICANT) if rng.random() < 0.8 else chr(rng.randint(0, 0x2FFF))
        op = rng.random()
        if op < 0.4:
            chars[at:at] = list(piece)
        elif op < 0.7 and chars:
            del chars[min(at, len(chars) - 1)]
        elif chars:
            chars[min(at, len(chars) - 1)] = piece
    return "".join(chars)


def splice(rng: random.Random, a: str, b: str) -> str:
    la, lb = a.splitlines(keepends=True), b.splitlines(keepends=True)
    i, j = rng.randint(0, len(la)), rng.randint(0, len(lb))
    return "".join(la[:i] + lb[j:])


def random_value(rng: random.Random, depth: int = 0) -> object:
    roll = rng.random()
    if depth > 4 or roll < 0.5:
        long = "x" * rng.randint(0, 300)
        return rng.choice(
            [None, True, 3, -1, 1.5, float("nan"), "", long, "=1+1", "ics", "alpha", "camhs"]
        )
    if roll < 0.75:
        return [random_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    keys = ["id", "name", "kind", "level", "priority", "challenge", "evidence", "partners"]
    keys += ["strengths", "challenges", "capacity", "teach", "aliases", "related", "area"]
    return {rng.choice(keys): random_value(rng, depth + 1) for _ in range(rng.randint(0, 6))}


def make_input(rng: random.Random, pairs: list[tuple[str, str]]) -> tuple[str | bytes, str]:
    systems, challenges = rng.choice(pairs)
    kind = rng.random()
    if kind < 0.45:
        return mutate(rng, systems), challenges
    if kind < 0.65:
        return systems, mutate(rng, challenges)
    if kind < 0.75:
        return splice(rng, systems, rng.choice(pairs)[0]), challenges
    if kind < 0.85:
        return bytes(rng.randint(0, 255) for _ in range(rng.randint(0, 400))), challenges
    doc = {"systems": [random_value(rng) for _ in range(rng.randint(0, 4))]}
    return yaml.safe_dump(doc, allow_unicode=True), challenges


def write(folder: Path, systems: str | bytes, challenges: str) -> None:
    if isinstance(systems, bytes):
        (folder / "systems.yaml").write_bytes(systems)
    else:
        (folder / "systems.yaml").write_bytes(systems.encode("utf-8", "surrogatepass"))
    (folder / "challenges.yaml").write_text(challenges, encoding="utf-8")


def parse_outcome(text: str, make: object) -> tuple[object, ...]:
    try:
        value, positions = yamlio.parse_yaml(text, "f.yaml", make_parser=make)  # type: ignore[arg-type]
        return ("ok", repr(value), sorted(positions.items()))
    except PeermatchError as exc:
        return ("error", *((exc.findings[0].code,) if hasattr(exc, "findings") else ()))


def fuzz_csv_and_plans(
    rng: random.Random, n_csv: int, n_plan: int, failures: list[str], out: Path
) -> str:
    """The importer and the plan-JSON reader on mutated and random inputs: each must give
    findings (or a PeermatchError), nothing else."""
    import json

    from peermatch.files import importing
    from peermatch.files.plan_json import check_plan
    from peermatch.present.export import export_listing
    from peermatch.present.listing import render_csv

    data = loading.load(VALID / "small")
    csv_seed = render_csv(export_listing(data))
    from peermatch.planning.api import plan
    from peermatch.present.listing import render_json
    from peermatch.present.plan import plan_listing

    plan_seed = render_json(plan_listing(plan(data), data))
    link_keys = ["learner", "teacher", "topic", "score", "ring", "two_way", "reason"]
    counts = {"csv": 0, "csv rows placed": 0, "plan": 0, "plan valid": 0}
    started = time.perf_counter()

    def failed(kind: str, n: int, text: str | bytes) -> None:
        failures.append(f"{kind} #{n}: {traceback.format_exc(limit=3)}")
        out.mkdir(parents=True, exist_ok=True)
        name = out / f"{kind}-{n}.{'csv' if kind == 'csv' else 'json'}"
        name.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8", "replace"))

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "input"
        for n in range(n_csv):
            text = mutate(rng, csv_seed) if rng.random() < 0.8 else splice(rng, csv_seed, csv_seed)
            path.write_text(text, encoding="utf-8", errors="replace")
            counts["csv"] += 1
            try:
                result = importing.read_responses(path, data.catalogue)
                counts["csv rows placed"] += len(result.systems)
            except PeermatchError:
                pass
            except Exception:
                failed("csv", n, text)
        for n in range(n_plan):
            choice = rng.random()
            if choice < 0.6:
                text = mutate(rng, plan_seed)
            elif choice < 0.9:
                links = [
                    {rng.choice(link_keys): random_value(rng, 3) for _ in range(rng.randint(0, 6))}
                    for _ in range(rng.randint(0, 3))
                ]
                text = json.dumps({"links": links})
            else:
                text = json.dumps(random_value(rng))
            path.write_text(text, encoding="utf-8", errors="replace")
            counts["plan"] += 1
            try:
                model, findings = check_plan(path, data)
                counts["plan valid"] += model is not None and not findings
            except PeermatchError:
                pass
            except Exception:
                failed("plan", n, text)
    return (
        f"{counts['csv']} CSV inputs to the importer ({counts['csv rows placed']} rows placed) "
        f"and {counts['plan']} plan JSON inputs ({counts['plan valid']} valid) in "
        f"{time.perf_counter() - started:.1f} s"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("budget", type=int, nargs="?", default=5000, help="number of inputs")
    parser.add_argument("--seed", type=int, default=2023)
    parser.add_argument("--cli-every", type=int, default=20, help="also run the CLI every N")
    parser.add_argument(
        "--csv", type=int, default=None, help="CSV inputs for the importer [default: budget/4]"
    )
    parser.add_argument(
        "--plan", type=int, default=None, help="plan JSON inputs [default: budget/4]"
    )
    args = parser.parse_args()

    from typer.testing import CliRunner

    from peermatch.cli import app

    rng = random.Random(args.seed)
    pairs = fixtures()
    out = REPO / "benchmarks" / "out" / "fuzz-failures"
    counts = {"inputs": 0, "findings": 0, "clean": 0, "cli runs": 0}
    failures: list[str] = []
    disagree = known = 0
    runner = CliRunner()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for n in range(args.budget):
            systems, challenges = make_input(rng, pairs)
            write(folder, systems, challenges)
            counts["inputs"] += 1
            try:
                found = loading.validate(folder)
                counts["findings" if found else "clean"] += 1
            except PeermatchError:
                counts["findings"] += 1
            except Exception:
                failures.append(f"loader #{n}: {traceback.format_exc(limit=3)}")
                out.mkdir(parents=True, exist_ok=True)
                write(out, systems, challenges)
                (out / f"failure-{n}.txt").write_text(failures[-1])
            if isinstance(systems, str):
                c = parse_outcome(systems, yaml.CSafeLoader)
                p = parse_outcome(systems, yaml.SafeLoader)
                if c[0] != p[0] or (c[0] == "ok" and c != p):
                    disagree += 1
                    known += bool(KNOWN_DIFFERENCE.search(systems))
            if args.cli_every and n % args.cli_every == 0:
                counts["cli runs"] += 1
                target = folder / "out.csv"
                target.write_text("before\n")
                for command in ("suggest", "validate"):
                    argv = [command, "--data", str(folder), "-f", "csv", "-o", str(target)]
                    result = runner.invoke(app, argv)
                    bad = result.exit_code not in (0, 1) or "Traceback" in (result.stderr or "")
                    kept = result.exit_code == 0 or target.read_text() == "before\n"
                    if bad or (command == "suggest" and not kept):
                        detail = repr(result.exception) if result.exception else result.stderr
                        failures.append(f"cli {command} #{n}: exit {result.exit_code} {detail}")
    elapsed = time.perf_counter() - started
    n_csv = args.budget // 4 if args.csv is None else args.csv
    n_plan = args.budget // 4 if args.plan is None else args.plan
    other = fuzz_csv_and_plans(rng, n_csv, n_plan, failures, out)
    print(
        f"{counts['inputs']} inputs in {elapsed:.1f} s (seed {args.seed}): "
        f"{counts['findings']} with findings, {counts['clean']} clean; "
        f"{counts['cli runs']} through the CLI (suggest + validate)"
    )
    print(
        f"C and pure-Python parsers disagreed on {disagree} text inputs "
        f"({known} of them hold '?' or ':]', the two known differences)"
    )
    print(other)
    print(f"failures: {len(failures)}")
    for failure in failures[:10]:
        print("  " + failure.strip().replace("\n", "\n  "))
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
