"""The core commands: suggest, explain, systems, challenges, validate.

The library is imported inside each command, not at the top: ``peermatch --help`` and
``--version`` then never build pydantic's models or import the scoring code.
"""

from __future__ import annotations

import time
from typing import Annotated

import typer

from peermatch.cli.app import (
    Format,
    HistoryOpt,
    NewOnlyOpt,
    Shared,
    annotate,
    app,
    err,
    info,
    quiet,
    shares,
)


@app.command()
@shares("history", "weights", "data", "format", "output")
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
    new_only: NewOnlyOpt = False,
    *,
    shared: Shared,
) -> None:
    """Ranked teacher -> learner matches, with the topics and a short reason.

    Example: peermatch suggest --for "West Yorkshire" --top 5 --format csv
    """
    from peermatch.cli.common import resolve_system
    from peermatch.present import listings
    from peermatch.scoring.ranking import suggest as suggest_matches

    dataset = shared.load()
    who = resolve_system(dataset, system) if system else None
    w = shared.load_weights()
    matches = suggest_matches(
        dataset,
        top=top,
        system=who,
        min_score=min_score,
        new_only=new_only,
        weights=w,
        history=shared.adjustments(dataset, w, note=True),
    )
    shared.emit(listings.matches_listing(matches))


@app.command()
@shares("history", "weights", "data", "format", "output")
def explain(
    teacher: Annotated[str, typer.Argument(help="The teaching system (id or name).")],
    learner: Annotated[str, typer.Argument(help="The learning system (id or name).")],
    *,
    shared: Shared,
) -> None:
    """The full breakdown of one match: every topic, its evidence, and each factor.

    Example: peermatch explain nenc dorset
    """
    from peermatch.cli.common import resolve_system
    from peermatch.present import listings
    from peermatch.scoring.ranking import explain as explain_pair

    dataset = shared.load()
    t, lr = resolve_system(dataset, teacher), resolve_system(dataset, learner)
    if t == lr:
        raise typer.BadParameter(
            "a system cannot teach itself; name two different systems", param_hint="LEARNER"
        )
    w = shared.load_weights()
    adj = shared.adjustments(dataset, w)
    shared.emit(listings.explain_listing(explain_pair(dataset, t, lr, w, adj), dataset, adj, w))


@app.command("systems")
@shares("data", "format", "output")
def list_systems(*, shared: Shared) -> None:
    """List the systems loaded, with their strengths and challenges.

    Example: peermatch systems --format csv --output systems.csv
    """
    from peermatch.present import listings

    shared.emit(listings.systems_listing(shared.load()))


@app.command("challenges")
@shares("data", "format", "output")
def list_challenges(
    heatmap: Annotated[
        bool,
        typer.Option(
            "--heatmap", help="Supply and demand per topic as a grid (coloured on a terminal)."
        ),
    ] = False,
    *,
    shared: Shared,
) -> None:
    """List the topic catalogue, with how many systems teach and need each topic.

    Example: peermatch challenges --heatmap
    """
    from peermatch.present import listings

    dataset = shared.load()
    if heatmap:
        from peermatch.analysis.supply import supply_demand
        from peermatch.present.heatmap import emit_heatmap

        emit_heatmap(supply_demand(dataset), shared.fmt, shared.output)
        return
    shared.emit(listings.challenges_listing(dataset))


@app.command()
@shares("data", "format", "output")
def validate(
    strict: Annotated[
        bool, typer.Option("--strict", help="Fail (exit 1) on warnings too.")
    ] = False,
    history: HistoryOpt = None,
    *,
    shared: Shared,
) -> None:
    """Check the data; print every problem with file:line:column. Exit 1 if any error.

    Example: peermatch validate --strict --data profiles/
    """
    from peermatch.core.findings import Severity
    from peermatch.files.loading import data_paths
    from peermatch.files.loading import validate as validate_data
    from peermatch.present import listings

    started = time.perf_counter()
    findings = validate_data(shared.data, systems=shared.systems, challenges=shared.challenges)
    if history is not None and not any(f.severity is Severity.ERROR for f in findings):
        from peermatch.files.history import validate_history

        findings += validate_history(history, shared.load())
    errors = sum(1 for f in findings if f.severity is Severity.ERROR)
    warnings = len(findings) - errors
    failed = errors > 0 or (strict and warnings > 0)
    sys_path, cat_path = data_paths(shared.data, shared.systems, shared.challenges)
    info(f"checked {sys_path} and {cat_path} in {time.perf_counter() - started:.2f} s")
    annotate(findings)
    if shared.fmt is Format.table:
        # -q leaves out what does not fail the run: warnings without --strict, the OK line
        shown = [f for f in findings if strict or not quiet() or f.severity is Severity.ERROR]
        lines = [str(f) for f in shown]
        if not findings:
            if not quiet():
                shipped = (
                    shared.data is None and shared.systems is None and shared.challenges is None
                )
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
        if shared.output is not None:
            from peermatch.files.atomic import write_atomic

            write_atomic(shared.output, text)
        else:
            typer.echo(text, nl=False)
    else:
        listing = listings.findings_listing(findings)
        listing.extra["valid"] = not failed
        listing.extra["strict"] = strict
        shared.emit(listing)
    if failed:
        if shared.fmt is not Format.table and shared.output is None:
            err(f"{errors} error(s), {warnings} warning(s)")
        raise typer.Exit(1)
