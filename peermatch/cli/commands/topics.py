"""Asking by topic: ``who`` (who can teach a topic, or who needs it) and ``resolve`` (free
text to catalogue topics). The library is imported inside each command."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from peermatch.cli.app import app
from peermatch.cli.options import Shared, shares


@app.command()
@shares("history", "weights", "data", "format", "output")
def who(
    query: Annotated[
        str, typer.Argument(help="A topic id, alias or name, or what you mean in your own words.")
    ],
    system: Annotated[
        str | None,
        typer.Option(
            "--for",
            help="Rank by the pair's score for this system (id or name), context included.",
            show_default=False,
        ),
    ] = None,
    learners: Annotated[
        bool, typer.Option("--learners", help="List who needs the topic instead.")
    ] = False,
    *,
    shared: Shared,
) -> None:
    """Who can teach a topic, with their level, evidence and source; exit 1 if none fits.

    Example: peermatch who "beds full of people who are medically fit to go home"

    Example: peermatch who frailty --for dorset
    """
    from peermatch.analysis.who import who as who_teaches
    from peermatch.cli.loaders import resolve_system
    from peermatch.present.who import who_listing

    dataset = shared.load()
    named = resolve_system(dataset, system, "--for") if system else None
    w = shared.load_weights()
    result = who_teaches(
        dataset,
        query,
        system=named,
        learners=learners,
        weights=w,
        adjustments=shared.adjustments(dataset, w) if named else None,
    )
    shared.emit(who_listing(result))


@app.command()
@shares("data", "format", "output")
def resolve(
    text: Annotated[
        list[str] | None,
        typer.Argument(
            help="Phrases to place on catalogue topics.", metavar="TEXT", show_default=False
        ),
    ] = None,
    file: Annotated[
        Path | None,
        typer.Option("--file", help="A text file: one phrase a line.", show_default=False),
    ] = None,
    *,
    shared: Shared,
) -> None:
    """Free text to catalogue topics: one row per phrase, topic empty when nothing fits.

    Example: peermatch resolve "bed blocking" "can't get a GP appointment" --format csv
    """
    from peermatch.core.errors import UsageError

    if bool(text) == (file is not None):
        raise UsageError("give phrases to resolve, or --file FILE: one of the two")
    from peermatch.files.phrases import read_phrases
    from peermatch.present.who import resolve_listing

    phrases = list(text) if text else read_phrases(file)  # type: ignore[arg-type]
    dataset = shared.load()
    shared.emit(resolve_listing(dataset.catalogue.resolver().resolve_many(phrases)))
