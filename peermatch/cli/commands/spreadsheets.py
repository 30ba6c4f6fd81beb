"""``import`` (a CSV of form responses -> systems.yaml) and ``export-csv`` (the reverse)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from peermatch.cli.app import app
from peermatch.cli.console import check_failed, err
from peermatch.cli.options import Shared, shares
from peermatch.core.keep import Keep

if TYPE_CHECKING:
    from peermatch.files.import_result import ImportResult, Question


def stdin_is_terminal() -> bool:
    return sys.stdin.isatty()


def ask(question: Question) -> str | None:
    """Ask on the terminal which topic a weakly matching free-text answer means; a weak
    best match is not offered as the default (see ``import_topics.default_answer``)."""
    from peermatch.files.import_topics import default_answer

    err(
        f"row {question.row}, {question.column}: '{question.text}' "
        "is not a catalogue topic. Closest:"
    )
    for i, (tid, name, score) in enumerate(question.candidates, start=1):
        err(f"  {i}) {tid}  ({name}; match {score:.0f})")
    offered = default_answer(question)
    if len(question.candidates) == 1:
        tid = question.candidates[0][0]
        yes = typer.confirm(f"Read it as {tid}?", default=True if offered else None, err=True)
        return tid if yes else None
    err("  0) none of these (the row stays unplaced)")
    choices = [str(i) for i in range(len(question.candidates) + 1)]
    default = "1" if offered else None
    while True:
        choice = str(typer.prompt("Which one", default=default, err=True)).strip()
        if choice in choices:
            return question.candidates[int(choice) - 1][0] if choice != "0" else None
        err(f"answer a number from 0 to {len(question.candidates)}")


ResponsesArg = Annotated[
    Path, typer.Argument(help="CSV of form responses, one row per system.", dir_okay=False)
]
ToOpt = Annotated[
    Path,
    typer.Option(
        "--to", help="Folder to write systems.yaml into (made if missing).", file_okay=False
    ),
]
NoInputOpt = Annotated[
    bool,
    typer.Option(
        "--no-input",
        help="Never ask: a free-text topic without a clear match fails its row (unless "
        "--answers has it).",
    ),
]
CatalogueOpt = Annotated[
    Path | None,
    typer.Option(
        "--challenges",
        help="The catalogue to read topics against and copy into the folder [default: the "
        "folder's challenges.yaml, else the shipped catalogue].",
        show_default=False,
        dir_okay=False,
    ),
]
AnswersOpt = Annotated[
    Path | None,
    typer.Option(
        "--answers",
        help="Answers to earlier questions (cell text: topic id), used without asking; "
        "each new answer is added to it as it is given [default: import-answers.yaml in "
        "the --to folder].",
        show_default=False,
        dir_okay=False,
    ),
]
KeepOpt = Annotated[
    Keep | None,
    typer.Option(
        "--keep",
        help="When one organisation answered twice, keep its latest or its first "
        "response (by the Timestamp column when there is one, else by row).",
        case_sensitive=False,
        show_default=False,
    ),
]
ForceOpt = Annotated[
    bool, typer.Option("--force", help="Replace an existing systems.yaml in the folder.")
]


@app.command("import")
def import_responses(
    responses: ResponsesArg,
    to: ToOpt,
    challenges: CatalogueOpt = None,
    no_input: NoInputOpt = False,
    answers: AnswersOpt = None,
    keep: KeepOpt = None,
    force: ForceOpt = False,
    peers: Annotated[
        bool,
        typer.Option(
            "--peers",
            help="The CSV is a pool of people: write peers.yaml (homes are checked against "
            "the folder's systems.yaml, else the shipped data).",
        ),
    ] = False,
) -> None:
    """Turn a spreadsheet of form responses into a checked systems.yaml.

    Topics may be catalogue ids, aliases, names or free text; free text without a clear
    match is asked about on a terminal once the rest of the file is right (each answer
    saved as given, see --answers), and fails its row with --no-input. Every row that
    cannot be placed is listed with its row and column; nothing is written then. The
    folder gets the catalogue too, unless it has one, so it works as --data.

    Example: peermatch import responses.csv --to programme/
    """
    from peermatch.files.import_cells import read_csv
    from peermatch.files.import_write import choose_catalogue, write_folder
    from peermatch.present import imports as told

    records = read_csv(responses)
    if peers:
        return _import_peers(records, responses, to, challenges, force)
    catalogue_path = choose_catalogue(to, challenges)
    result = _parse(records, responses, catalogue_path, to, answers, no_input, keep)
    if result.errors:
        check_failed("\n".join(told.rejected_lines(result, responses)))
    _say(told.read_lines(result, responses))
    written = write_folder(result, to, catalogue_path, force=force)
    _say(told.written_lines(result, written, catalogue_path))


def _say(lines: list[str]) -> None:
    """Each line on stderr (none at all for an empty list)."""
    for line in lines:
        err(line)


def _import_peers(
    records: list[list[str]], responses: Path, to: Path, challenges: Path | None, force: bool
) -> None:
    """``import --peers``: the pool of people, their homes checked against the folder's
    systems (else the shipped data), written as peers.yaml."""
    from peermatch.files.import_peers import parse_peers, write_peers
    from peermatch.files.loading import SYSTEMS_FILE, load

    data = load(to if (to / SYSTEMS_FILE).is_file() else None, challenges=challenges)
    pool = parse_peers(records, str(responses), data)
    err(f"wrote {len(pool.peers)} people to {write_peers(pool, to, force=force)}")


def _parse(
    records: list[list[str]],
    responses: Path,
    catalogue_path: Path,
    to: Path,
    answers: Path | None,
    no_input: bool,
    keep: Keep | None,
) -> ImportResult:
    """The responses read against the catalogue, each unclear free-text topic decided by
    the saved answers and, on a terminal (not --no-input), by asking."""
    from peermatch.files import importing
    from peermatch.files.import_answers import ANSWERS_FILE, Answers
    from peermatch.files.loading import load_catalogue

    catalogue = load_catalogue(catalogue_path)
    interactive = not no_input and stdin_is_terminal()
    saved = Answers(answers or to / ANSWERS_FILE, catalogue)
    use_answers = interactive or answers is not None
    result = importing.parse_responses(
        records,
        str(responses),
        catalogue,
        decide=saved.decide(ask if interactive else None) if use_answers else None,
        keep=keep,
    )
    if saved.new:
        err(f"your answers are saved in {saved.path}; --answers {saved.path} reuses them")
    return result


@app.command("export-csv")
@shares("data", "output")
def export_csv(
    template: Annotated[
        bool, typer.Option("--template", help="Only the header row: a blank form layout.")
    ] = False,
    peers: Annotated[
        Path | None,
        typer.Option(
            "--peers",
            help="Export this peers.yaml (a pool of people) instead of the systems.",
            dir_okay=False,
            show_default=False,
        ),
    ] = None,
    *,
    shared: Shared,
) -> None:
    """Write the systems (or, with --peers, a pool of people) in the CSV layout that
    'peermatch import' (with --peers) reads.

    Import the file again and you get the same profiles back.

    Example: peermatch export-csv --output responses.csv
    """
    from peermatch.present.export import export_listing, peers_export_listing
    from peermatch.present.listing import Format, emit

    if peers is not None:
        from peermatch.files.peers import load_peers

        emit(peers_export_listing(load_peers(peers, shared.load())), Format.csv, shared.output)
        return
    dataset = None if template else shared.load()
    emit(export_listing(dataset, template=template), Format.csv, shared.output)
