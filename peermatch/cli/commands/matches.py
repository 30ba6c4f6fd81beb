"""The core commands: suggest, explain, systems, challenges, validate.

The library is imported inside each command, not at the top: ``peermatch --help`` and
``--version`` then never build pydantic's models or import the scoring code.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from peermatch.cli.app import app
from peermatch.cli.console import annotate, err, info, quiet
from peermatch.cli.options import (
    AcrossOpt,
    Format,
    NewOnlyOpt,
    Role,
    Shared,
    shares,
)
from peermatch.core.errors import UsageError
from peermatch.core.numbers import COUNT

if TYPE_CHECKING:
    from peermatch.files.checking import CheckResult


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
        int,
        typer.Option("--top", "-n", min=0, max=COUNT[1], help="Teachers per learner (0 = all)."),
    ] = 3,
    min_score: Annotated[
        float, typer.Option("--min-score", min=0, max=100, help="Leave out scores below this.")
    ] = 0.0,
    new_only: NewOnlyOpt = False,
    topic: Annotated[
        list[str] | None,
        typer.Option(
            "--topic",
            help="Only needs on this topic (id, alias or your own words); repeatable.",
            show_default=False,
        ),
    ] = None,
    role: Annotated[
        Role | None,
        typer.Option(
            "--as",
            help="With --for: only where it learns, or only where it teaches.",
            show_default=False,
        ),
    ] = None,
    across: AcrossOpt = False,
    *,
    shared: Shared,
) -> None:
    """Ranked teacher -> learner matches, with the topics and a short reason.

    Example: peermatch suggest --for "West Yorkshire" --top 5 --format csv

    Example: peermatch suggest --for dorset --topic frailty --as learner
    """
    from peermatch.cli.loaders import resolve_system, resolve_topic, suggested
    from peermatch.present import listings
    from peermatch.scoring.memo import Memo

    if role is not None and not system:
        raise UsageError("--as needs --for SYSTEM: whose side to show")
    dataset = shared.load()
    who = resolve_system(dataset, system, "--for") if system else None
    topics = sorted({resolve_topic(dataset, t, "--topic") for t in topic}) if topic else None
    w = shared.load_weights()
    matches = suggested(
        dataset,
        csv=shared.fmt is Format.csv,
        system=who,
        topics=topics,
        role=role.value if role is not None else None,
        top=top,
        min_score=min_score,
        new_only=new_only,
        weights=w,
        adjustments=shared.adjustments(dataset, w, note=True),
        across=across,
        memo=None if shared.no_cache else Memo(info),  # a large cohort's rows, for next time
    )
    shared.emit(listings.matches_listing(matches))


@app.command()
@shares("history", "weights", "data", "format", "output")
def explain(
    teacher: Annotated[
        str, typer.Argument(help="The teaching system (id or name).", metavar="TEACHER")
    ],
    learner: Annotated[
        str, typer.Argument(help="The learning system (id or name).", metavar="LEARNER")
    ],
    *,
    shared: Shared,
) -> None:
    """The full breakdown of one match: every topic, its evidence, and each factor.

    Example: peermatch explain nenc dorset
    """
    from peermatch.cli.loaders import resolve_pair
    from peermatch.present import listings
    from peermatch.scoring.reference import explain as explain_pair

    dataset = shared.load()
    t, lr = resolve_pair(dataset, teacher, learner)
    w = shared.load_weights()
    adj = shared.adjustments(dataset, w)
    b = explain_pair(dataset, t, lr, w, adj)
    shared.emit(listings.explain_listing(b, dataset, adj, w))
    if b.same_system:
        shared.notes([f"note: same system: {dataset.same_system_text(t, lr)}"])


@app.command("systems")
@shares("data", "format", "output")
def list_systems(*, shared: Shared) -> None:
    """List the systems loaded, with their strengths and challenges: each unit after the
    system it is part_of (indented in the table), otherwise in file order.

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
    history: Annotated[
        Path | None,
        typer.Option(
            "--history",
            help="Also check this history.yaml of past links: its years, ratings and the "
            "systems and topics it names.",
            show_default=False,
            dir_okay=False,
        ),
    ] = None,
    plan: Annotated[
        Path | None,
        typer.Option(
            "--plan",
            help="Also check a plan's JSON or CSV (as 'peermatch plan' writes it) against "
            "the data.",
            dir_okay=False,
            show_default=False,
        ),
    ] = None,
    *,
    shared: Shared,
) -> None:
    """Check the data; print every problem with file:line:column. Exit 1 if any error.

    Example: peermatch validate --strict --data profiles/ --plan plan.json
    """
    from peermatch.files.checking import check
    from peermatch.present.validation import check_listing, check_text

    result = check(
        shared.data,
        shared.systems,
        shared.challenges,
        history=history,
        plan=plan,
        strict=strict,
        load=shared.load,
        use_cache=not shared.no_cache,
    )
    _told(result)
    if shared.fmt is Format.table:
        shared.write_text(check_text(result, quiet=quiet()))
    else:
        shared.emit(check_listing(result))
    if result.failed:
        if shared.fmt is not Format.table and shared.output is None:
            err(f"{result.errors} error(s), {result.warnings} warning(s)")
        raise typer.Exit(1)


def _told(result: CheckResult) -> None:
    """With -v, where the data came from and how long the check took; in GitHub Actions,
    each finding as an annotation."""
    info(result.cache)
    info(f"checked {result.systems_file} and {result.challenges_file} in {result.seconds:.2f} s")
    annotate(result.findings)
