"""The programme commands: plan, groups, gaps.

The library is imported inside each command; the defaults come from
:mod:`peermatch.core.defaults`, which the library reads too.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from peermatch.cli.app import app
from peermatch.cli.console import check_failed, note
from peermatch.cli.options import (
    AcrossOpt,
    NewOnlyOpt,
    Shared,
    TimeLimitOpt,
    ranged,
    shares,
    strict_option,
)
from peermatch.core.defaults import (
    DEFAULT_GROUP_SIZE,
    DEFAULT_LEARN,
    DEFAULT_PER_SYSTEM,
    DEFAULT_TEACH,
    TIME_LIMIT,
)
from peermatch.core.numbers import CAPACITY, COUNT, ROUNDS

RingSizeOpt = Annotated[
    int | None,
    typer.Option(
        "--ring-size",
        min=2,
        max=3,
        help="Make rings of 2..N systems (N = 2 or 3), each teaching the next.",
        show_default=False,
    ),
]


def _capacity(role: str, default: int) -> Any:
    """``--teach`` / ``--learn``: the capacity of a system whose profile sets none."""
    return ranged(
        f"--{role}",
        CAPACITY,
        f"Most {role}ing links for a system whose profile sets no capacity.{role} "
        f"[default: {default}].",
    )


TeachOpt = Annotated[int | None, _capacity("teach", DEFAULT_TEACH)]
LearnOpt = Annotated[int | None, _capacity("learn", DEFAULT_LEARN)]
PinOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--pin",
        metavar="TEACHER:LEARNER",
        help="Force this link into the plan (repeatable; ids or names).",
        show_default=False,
    ),
]


class Objective(StrEnum):
    total = "total"
    fair = "fair"


ObjectiveOpt = Annotated[
    Objective,
    typer.Option(
        "--objective",
        help="total: the greatest total score; fair: first the highest lowest link score, "
        "then the greatest total.",
    ),
]
AlternatesOpt = Annotated[
    int,
    typer.Option(
        "--alternates",
        min=0,
        max=COUNT[1],
        metavar="K",
        help="List each learner's next K teachers not in the plan (best first).",
    ),
]
KeepOpt = Annotated[
    Path | None,
    typer.Option(
        "--keep",
        metavar="FILE",
        help="Pin every link of an earlier plan (its JSON or CSV) that still holds.",
        show_default=False,
    ),
]
DiffOpt = Annotated[
    Path | None,
    typer.Option(
        "--diff",
        metavar="FILE",
        help="Add the links added, removed and kept against an earlier plan (JSON or CSV).",
        show_default=False,
    ),
]
RoundsOpt = Annotated[
    int | None,
    ranged(
        "--rounds",
        ROUNDS,
        "Plan R rounds jointly: each a plan on its own, no pair in two rounds.",
        metavar="R",
    ),
]
StrictPlanOpt = Annotated[bool, strict_option("Exit 1 if any system is left out of the plan.")]


@app.command()
@shares("history", "weights", "data", "format", "output")
def plan(
    ring_size: RingSizeOpt = None,
    teach: TeachOpt = None,
    learn: LearnOpt = None,
    pin: PinOpt = None,
    new_only: NewOnlyOpt = False,
    across: AcrossOpt = False,
    strict: StrictPlanOpt = False,
    time_limit: TimeLimitOpt = TIME_LIMIT,
    objective: ObjectiveOpt = Objective.total,
    alternates: AlternatesOpt = 0,
    keep: KeepOpt = None,
    diff: DiffOpt = None,
    rounds: RoundsOpt = None,
    *,
    shared: Shared,
) -> None:
    """A programme for the whole cohort: every system teaches and learns, best total score.

    A linear programme (a b-matching, whose optimum is whole) solved by HiGHS with column
    generation: the exact optimum up to 2,000 profiles, proven within 0.1% of it above;
    with --ring-size, an integer programme over the candidate rings. Systems that cannot
    be placed are listed with the reason.

    Example: peermatch plan --ring-size 3 --format csv --output rings.csv

    Example: peermatch plan --objective fair --alternates 2 --keep plan.json --diff plan.json
    """
    from peermatch.cli.loaders import resolve_pins
    from peermatch.files.plan_json import read_plan
    from peermatch.planning.api import plan as make_plan
    from peermatch.present.plan import plan_listing, plan_messages

    dataset = shared.load()
    pins = resolve_pins(dataset, pin or [])
    w = shared.load_weights()
    result = make_plan(
        dataset,
        weights=w,
        adjustments=shared.adjustments(dataset, w, note=True),
        teach=teach,
        learn=learn,
        new_only=new_only,
        pins=pins,
        ring_size=ring_size,
        time_limit=time_limit,
        across=across,
        objective=objective.value,
        rounds=rounds,
        alternates=alternates,
        keep=None if keep is None else read_plan(keep, dataset, lenient=True),
        diff=None if diff is None else (str(diff), read_plan(diff, dataset, lenient=True)),
    )
    shared.emit(plan_listing(result, dataset))
    shared.notes(plan_messages(result))  # the table's footer says them already
    if strict and result.left_out:
        check_failed(
            f"{len({x.system for x in result.left_out})} system(s) left out of the plan (--strict)"
        )


@app.command()
@shares("weights", "data", "format", "output")
def groups(
    size: Annotated[
        int, typer.Option("--size", min=3, max=COUNT[1], help="Most members in a group.")
    ] = (DEFAULT_GROUP_SIZE),
    per_system: Annotated[
        int, typer.Option("--per-system", min=1, max=COUNT[1], help="Most groups a system joins.")
    ] = DEFAULT_PER_SYSTEM,
    across: AcrossOpt = False,
    time_limit: TimeLimitOpt = TIME_LIMIT,
    *,
    shared: Shared,
) -> None:
    """Communities of practice: groups for each challenge that two or more systems share.

    Each group has systems that need the topic and the best that teach it: at least one
    teacher and two learners, at most --size members; no system is in more than
    --per-system groups.

    Example: peermatch groups --size 8 --format markdown
    """
    from peermatch.analysis.groups import groups as make_groups
    from peermatch.present.groups import groups_listing
    from peermatch.present.plan import one_way_lines

    result = make_groups(
        shared.load(),
        size=size,
        per_system=per_system,
        weights=shared.load_weights(),
        time_limit=time_limit,
        across=across,
    )
    shared.emit(groups_listing(result))
    shared.notes(f"note: {line}" for line in one_way_lines(result.one_way))
    if not result.optimal:
        note("note: the solver's time limit stopped it; these groups are not proven best")


@app.command()
@shares("data", "format", "output")
def gaps(
    fail: Annotated[
        bool, typer.Option("--fail", help="Exit 1 if there is any gap (for CI).")
    ] = False,
    *,
    shared: Shared,
) -> None:
    """Challenges nobody can teach, and systems nobody needs or nobody can teach.

    Example: peermatch gaps --fail --format json
    """
    from peermatch.analysis.gaps import gaps as find_gaps
    from peermatch.present.gaps import gaps_listing
    from peermatch.present.plan import one_way_lines

    dataset = shared.load()
    found = find_gaps(dataset)
    one_way = dataset.one_way_systems()
    shared.emit(gaps_listing(found, one_way))
    shared.notes(f"note: {line}" for line in one_way_lines(one_way))
    if fail and found:
        check_failed(f"{len(found)} gap(s) found (--fail)")
