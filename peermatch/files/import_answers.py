"""Answers to an import's questions (which topic a free-text cell means), kept in a small
YAML file as they are given, so that none is lost and a second import asks nothing twice.

The file maps each cell text to the topic id chosen, or to null for "none of these"::

    # Answers to 'peermatch import' questions: cell text -> topic id (null: none)
    DTOC: discharge
    hospital discharge delays: discharge
"""

from __future__ import annotations

from pathlib import Path

from peermatch.core.catalogue import Catalogue, normalise
from peermatch.core.errors import DataError, PeermatchError
from peermatch.core.findings import Finding
from peermatch.files.import_result import Decide, Question

ANSWERS_FILE = "import-answers.yaml"


class Answers:
    """The answers in ``path`` (read if it exists), written back after each new one."""

    def __init__(self, path: Path, catalogue: Catalogue) -> None:
        self.path = path
        self.given: dict[str, str | None] = {}
        self.new = 0
        if path.is_file():
            self.given = _read(path, catalogue)

    def known(self, text: str) -> tuple[bool, str | None]:
        """Whether ``text`` was answered before, and the answer."""
        key = normalise(text)
        return key in self.given, self.given.get(key)

    def record(self, text: str, topic: str | None) -> None:
        """Keep a new answer, on disk at once (an interrupted import loses none)."""
        from peermatch.files.atomic import write_atomic
        from peermatch.files.yaml_write import dump_yaml

        self.given[normalise(text)] = topic
        self.new += 1
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise PeermatchError(
                f"{self.path}: cannot keep your answers here: {exc.strerror or exc}; "
                "give --answers FILE elsewhere"
            ) from None
        header = "Answers to 'peermatch import' questions: cell text -> topic id (null: none)"
        write_atomic(self.path, dump_yaml(dict(sorted(self.given.items())), header=header))

    def decide(self, ask: Decide | None) -> Decide:
        """A decider that answers from the file, else asks (``ask``) and records the answer."""

        def decide(question: Question) -> str | None:
            seen, topic = self.known(question.text)
            if seen or ask is None:
                return topic
            topic = ask(question)
            self.record(question.text, topic)
            return topic

        return decide


def _read(path: Path, catalogue: Catalogue) -> dict[str, str | None]:
    from peermatch.files.checked_read import read_text
    from peermatch.files.yaml_read import parse_yaml

    display = str(path)
    raw, positions = parse_yaml(read_text(path, display, hint="check --answers"), display)
    raw = raw or {}
    if not isinstance(raw, dict):
        raise DataError(
            [Finding(display, 1, 1, "", "top-level", "expected a mapping: cell text: topic id")]
        )
    out: dict[str, str | None] = {}
    for text, topic in raw.items():
        if topic is not None and (not isinstance(topic, str) or topic not in catalogue.topics):
            line, col = positions.get((text,), (1, 1))
            raise DataError(
                [
                    Finding(
                        display,
                        line,
                        col,
                        str(text),
                        "unknown-topic",
                        f"'{topic}' is not a catalogue topic id; write an id, or null for none",
                    )
                ]
            )
        out[normalise(str(text))] = topic
    return out
