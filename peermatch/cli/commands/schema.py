"""``peermatch schema``: the JSON Schema of the data files, for editors and CI."""

from __future__ import annotations

from typing import Annotated

import typer

from peermatch.cli.app import app
from peermatch.cli.options import (
    OutputOpt,
)
from peermatch.files.atomic import write_atomic
from peermatch.files.schema import Which, schema_text


@app.command()
def schema(
    which: Annotated[
        Which,
        typer.Argument(
            help="Which file: systems, challenges, peers, or both (a schema either data file "
            "satisfies).",
            case_sensitive=False,
        ),
    ] = Which.both,
    output: OutputOpt = None,
) -> None:
    """Print the JSON Schema (draft-07) of systems.yaml, challenges.yaml, peers.yaml or both.

    Editors validate and complete the YAML as you type with it: in VS Code (the YAML
    extension) put "# yaml-language-server: $schema=schemas/systems.schema.json" on the
    file's first line.

    Example: peermatch schema systems --output schemas/systems.schema.json
    """
    text = schema_text(which)
    if output is not None:
        write_atomic(output, text)
    else:
        typer.echo(text, nl=False)
