"""The programme commands: plan, groups, gaps."""

from __future__ import annotations

from typing import Annotated

import typer

from peermatch.cli.app import (
    ChallengesOpt,
    DataOpt,
    Format,
    FormatOpt,
    OutputOpt,
    SystemsOpt,
    WeightsOpt,
    app,
    emit,
    err,
)
from peermatch.cli.common import load_data, resolve_system, weights_from
from peermatch.errors import UsageError
from peermatch.groups import DEFAULT_PER_SYSTEM, DEFAULT_SIZE
from peermatch.planning import DEFAULT_LEARN, DEFAULT_TEACH, TIME_LIMIT

TimeLimitOpt = Annotated[
    float,
    typer.Option(
        "--time-limit",
        min=0.1,
        help="Seconds the solver may take; then it reports the best found and its bound.",
    ),
]


def _pin(text: str) -> tuple[str, str]:
    teacher, sep, learner = text.partition(":")
    if not sep or not teacher.strip() or not learner.strip():
        raise UsageError(f"--pin '{text}': write TEACHER:LEARNER, e.g. --pin nenc:dorset")
    return teacher.strip(), learner.strip()


@app.command()
def plan(
    ring_size: Annotated[
        int | None,
        typer.Option(
            "--ring-size",
            min=2,
            max=3,
            help="Make rings of 2..N systems (2 or 3), each teaching the next.",
            show_default=False,
        ),
    ] = None,
    teach: Annotated[
        int | None,
        typer.Option(
            "--teach",
            min=0,
            help=f"Teaching links per system whose profile sets no capacity [default: "
            f"{DEFAULT_TEACH}]. A profile's own capacity.teach wins.",
            show_default=False,
        ),
    ] = None,
    learn: Annotated[
        int | None,
        typer.Option(
            "--learn",
            min=0,
            help=f"Learning links per system whose profile sets no capacity [default: "
            f"{DEFAULT_LEARN}]. A profile's own capacity.learn wins.",
            show_default=False,
        ),
    ] = None,
    pin: Annotated[
        list[str] | None,
        typer.Option(
            "--pin",
            metavar="TEACHER:LEARNER",
            help="Force this link into the plan (repeatable; ids or names).",
            show_default=False,
        ),
    ] = None,
    new_only: Annotated[
        bool, typer.Option("--new-only", help="Leave out existing partners.")
    ] = False,
    strict: Annotated[
        bool,
        typer.Option("--strict", help="Exit 1 if any system is left out of the plan."),
    ] = False,
    time_limit: TimeLimitOpt = TIME_LIMIT,
    weights: WeightsOpt = None,
    data: DataOpt = None,
    systems: SystemsOpt = None,
    challenges: ChallengesOpt = None,
    fmt: FormatOpt = Format.table,
    output: OutputOpt = None,
) -> None:
    """A programme for the whole cohort: every system teaches and learns, best total score.

    Exact (an integer programme solved by HiGHS). Systems that cannot be placed are listed
    with the reason; the rest are planned optimally.

    Example: peermatch plan --ring-size 3 --format csv --output rings.csv
    """
    from peermatch.planning import plan as make_plan
    from peermatch.planning import plan_listing

    dataset = load_data(data, systems, challenges)
    pins = []
    for text in pin or []:
        teacher, learner = _pin(text)
        pins.append((resolve_system(dataset, teacher), resolve_system(dataset, learner)))
    result = make_plan(
        dataset,
        weights=weights_from(weights),
        teach=teach,
        learn=learn,
        new_only=new_only,
        pins=pins,
        ring_size=ring_size,
        time_limit=time_limit,
    )
    emit(plan_listing(result, dataset), fmt, output)
    if fmt is not Format.table or output is not None:
        for note in result.notes:
            err(f"note: {note}")
        for x in result.left_out:
            err(f"left out: {x.system} ({x.role}): {x.reason}")
    if strict and result.left_out:
        systems_out = len({x.system for x in result.left_out})
        err(f"{systems_out} system(s) left out of the plan (--strict)")
        raise typer.Exit(1)


@app.command()
def groups(
    size: Annotated[
        int, typer.Option("--size", min=3, help="Most members in a group.")
    ] = DEFAULT_SIZE,
    per_system: Annotated[
        int, typer.Option("--per-system", min=1, help="Most groups a system joins.")
    ] = DEFAULT_PER_SYSTEM,
    time_limit: TimeLimitOpt = TIME_LIMIT,
    weights: WeightsOpt = None,
    data: DataOpt = None,
    systems: SystemsOpt = None,
    challenges: ChallengesOpt = None,
    fmt: FormatOpt = Format.table,
    output: OutputOpt = None,
) -> None:
    """Communities of practice: a group for each challenge that two or more systems share.

    Each group has the systems that need the topic and the best that teach it, at least
    one teacher, at most --size members; no system is in more than --per-system groups.

    Example: peermatch groups --size 8 --format markdown
    """
    from peermatch.groups import groups as make_groups
    from peermatch.groups import groups_listing

    dataset = load_data(data, systems, challenges)
    result = make_groups(
        dataset,
        size=size,
        per_system=per_system,
        weights=weights_from(weights),
        time_limit=time_limit,
    )
    emit(groups_listing(result), fmt, output)


@app.command()
def gaps(
    fail: Annotated[
        bool, typer.Option("--fail", help="Exit 1 if there is any gap (for CI).")
    ] = False,
    data: DataOpt = None,
    systems: SystemsOpt = None,
    challenges: ChallengesOpt = None,
    fmt: FormatOpt = Format.table,
    output: OutputOpt = None,
) -> None:
    """Challenges nobody can teach, and systems nobody needs or nobody can teach.

    Example: peermatch gaps --fail --format json
    """
    from peermatch.gaps import gaps as find_gaps
    from peermatch.gaps import gaps_listing

    found = find_gaps(load_data(data, systems, challenges))
    emit(gaps_listing(found), fmt, output)
    if fail and found:
        err(f"{len(found)} gap(s) found (--fail)")
        raise typer.Exit(1)
