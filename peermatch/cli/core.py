"""The core commands: suggest, explain, systems, challenges, validate.

The library is imported inside each command, not at the top: ``peermatch --help`` and
``--version`` then never build pydantic's models or import the scoring code.
"""

from __future__ import annotations

import time
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
    annotate,
    app,
    emit,
    err,
    info,
    quiet,
)
from peermatch.cli.followup import (
    DEFAULT_WINDOW,
    HistoryOpt,
    WindowOpt,
    YearOpt,
    adjustments_from,
)


@app.command()
def suggest(
    system: Annotated[
        str | None,
        typer.Option(
            "--for",
            help="Only matches where this system (id or name) learns or teaches.",
            show_default=False,
        ),
    ] = None,
    top: Annotated[
        int, typer.Option("--top", "-n", min=0, help="Teachers per learner (0 = all).")
    ] = 3,
    min_score: Annotated[
        float, typer.Option("--min-score", min=0, max=100, help="Leave out scores below this.")
    ] = 0.0,
    new_only: Annotated[
        bool, typer.Option("--new-only", help="Leave out existing partners.")
    ] = False,
    history: HistoryOpt = None,
    window: WindowOpt = DEFAULT_WINDOW,
    year: YearOpt = None,
    weights: WeightsOpt = None,
    data: DataOpt = None,
    systems: SystemsOpt = None,
    challenges: ChallengesOpt = None,
    fmt: FormatOpt = Format.table,
    output: OutputOpt = None,
) -> None:
    """Ranked teacher -> learner matches, with the topics and a short reason.

    Example: peermatch suggest --for "West Yorkshire" --top 5 --format csv
    """
    from peermatch import listings
    from peermatch.cli.common import load_data, resolve_system, weights_from
    from peermatch.scoring import suggest as suggest_matches

    dataset = load_data(data, systems, challenges)
    who = resolve_system(dataset, system) if system else None
    w = weights_from(weights)
    matches = suggest_matches(
        dataset,
        top=top,
        system=who,
        min_score=min_score,
        new_only=new_only,
        weights=w,
        history=adjustments_from(history, dataset, w, window, year, note=True),
    )
    emit(listings.matches_listing(matches), fmt, output)


@app.command()
def explain(
    teacher: Annotated[str, typer.Argument(help="The teaching system (id or name).")],
    learner: Annotated[str, typer.Argument(help="The learning system (id or name).")],
    history: HistoryOpt = None,
    window: WindowOpt = DEFAULT_WINDOW,
    year: YearOpt = None,
    weights: WeightsOpt = None,
    data: DataOpt = None,
    systems: SystemsOpt = None,
    challenges: ChallengesOpt = None,
    fmt: FormatOpt = Format.table,
    output: OutputOpt = None,
) -> None:
    """The full breakdown of one match: every topic, its evidence, and each factor.

    Example: peermatch explain nenc dorset
    """
    from peermatch import listings
    from peermatch.cli.common import load_data, resolve_system, weights_from
    from peermatch.scoring import explain as explain_pair

    dataset = load_data(data, systems, challenges)
    t, lr = resolve_system(dataset, teacher), resolve_system(dataset, learner)
    if t == lr:
        raise typer.BadParameter(
            "a system cannot teach itself; name two different systems", param_hint="LEARNER"
        )
    w = weights_from(weights)
    adj = adjustments_from(history, dataset, w, window, year)
    emit(
        listings.explain_listing(explain_pair(dataset, t, lr, w, adj), dataset, adj, w),
        fmt,
        output,
    )


@app.command("systems")
def list_systems(
    data: DataOpt = None,
    systems: SystemsOpt = None,
    challenges: ChallengesOpt = None,
    fmt: FormatOpt = Format.table,
    output: OutputOpt = None,
) -> None:
    """List the systems loaded, with their strengths and challenges.

    Example: peermatch systems --format csv --output systems.csv
    """
    from peermatch import listings
    from peermatch.cli.common import load_data

    emit(listings.systems_listing(load_data(data, systems, challenges)), fmt, output)


@app.command("challenges")
def list_challenges(
    heatmap: Annotated[
        bool,
        typer.Option(
            "--heatmap", help="Supply and demand per topic as a grid (coloured on a terminal)."
        ),
    ] = False,
    data: DataOpt = None,
    systems: SystemsOpt = None,
    challenges: ChallengesOpt = None,
    fmt: FormatOpt = Format.table,
    output: OutputOpt = None,
) -> None:
    """List the topic catalogue, with how many systems teach and need each topic.

    Example: peermatch challenges --heatmap
    """
    from peermatch import listings
    from peermatch.cli.common import load_data

    dataset = load_data(data, systems, challenges)
    if heatmap:
        from peermatch import heatmap as grid

        grid.emit_heatmap(grid.supply_demand(dataset), fmt, output)
        return
    emit(listings.challenges_listing(dataset), fmt, output)


@app.command()
def validate(
    strict: Annotated[
        bool, typer.Option("--strict", help="Fail (exit 1) on warnings too.")
    ] = False,
    history: HistoryOpt = None,
    data: DataOpt = None,
    systems: SystemsOpt = None,
    challenges: ChallengesOpt = None,
    fmt: FormatOpt = Format.table,
    output: OutputOpt = None,
) -> None:
    """Check the data; print every problem with file:line:column. Exit 1 if any error.

    Example: peermatch validate --strict --data profiles/
    """
    from peermatch import listings
    from peermatch.findings import Severity
    from peermatch.loading import data_paths
    from peermatch.loading import validate as validate_data

    started = time.perf_counter()
    findings = validate_data(data, systems=systems, challenges=challenges)
    if history is not None and not any(f.severity is Severity.ERROR for f in findings):
        from peermatch.cli.common import load_data
        from peermatch.history import validate_history

        findings += validate_history(history, load_data(data, systems, challenges))
    errors = sum(1 for f in findings if f.severity is Severity.ERROR)
    warnings = len(findings) - errors
    failed = errors > 0 or (strict and warnings > 0)
    sys_path, cat_path = data_paths(data, systems, challenges)
    info(f"checked {sys_path} and {cat_path} in {time.perf_counter() - started:.2f} s")
    annotate(findings)
    if fmt is Format.table:
        # -q leaves out what does not fail the run: warnings without --strict, the OK line
        shown = [f for f in findings if strict or not quiet() or f.severity is Severity.ERROR]
        lines = [str(f) for f in shown]
        if not findings:
            if not quiet():
                shipped = data is None and systems is None and challenges is None
                where = "the shipped data" if shipped else f"{sys_path} and {cat_path}"
                if history is not None:
                    where += f" and {history}"
                lines.append(f"OK: {where}: no problems found")
        elif failed or not quiet():
            verdict = "FAILED" if failed else "OK"
            lines.append(
                f"{verdict}: {errors} error(s), {warnings} warning(s)"
                + ("" if strict or not warnings else "; --strict fails on warnings")
            )
        text = "".join(line + "\n" for line in lines)
        if output is not None:
            from peermatch.output import write_atomic

            write_atomic(output, text)
        else:
            typer.echo(text, nl=False)
    else:
        listing = listings.findings_listing(findings)
        listing.extra["valid"] = not failed
        listing.extra["strict"] = strict
        emit(listing, fmt, output)
    if failed:
        if fmt is not Format.table and output is None:
            err(f"{errors} error(s), {warnings} warning(s)")
        raise typer.Exit(1)
