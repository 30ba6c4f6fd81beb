"""Where the data files are: the shipped data, or the folder and files the user names.

Kept apart from :mod:`peermatch.files.loading` (which builds pydantic's models on import) so
that the data cache can find and hash the files without importing pydantic or PyYAML.
"""

from __future__ import annotations

from pathlib import Path

SYSTEMS_FILE = "systems.yaml"
CHALLENGES_FILE = "challenges.yaml"


def shipped_data_dir() -> Path:
    """The data that ships with peermatch: inside the wheel, or ``data/`` in a checkout."""
    # the package's own folder, as importlib.resources.files("peermatch") names it for a
    # package on disk, without importing its readers (zipfile and more: 3 ms a run)
    packaged = Path(__file__).parent.parent / "data"
    if (packaged / SYSTEMS_FILE).is_file():
        return packaged
    return Path(__file__).resolve().parents[2] / "data"


def is_shipped_catalogue(path: str | Path) -> bool:
    """Whether ``path`` holds the shipped catalogue as it is (a copy an import made)."""
    shipped = shipped_data_dir() / CHALLENGES_FILE
    try:
        return Path(path).read_bytes() == shipped.read_bytes()
    except OSError:
        return False


def data_paths(
    data: str | Path | None = None,
    systems: str | Path | None = None,
    challenges: str | Path | None = None,
) -> tuple[Path, Path]:
    """Which two files to read: explicit files win over ``data``, which wins over the shipped."""
    folder = Path(data) if data is not None else shipped_data_dir()
    if data is not None and not folder.is_dir():
        from peermatch.core.errors import PeermatchError

        what = "is not a folder" if folder.exists() else "does not exist"
        raise PeermatchError(
            f"{folder}: {what}; --data needs a folder with {SYSTEMS_FILE} and {CHALLENGES_FILE}"
        )
    return (
        Path(systems) if systems is not None else folder / SYSTEMS_FILE,
        Path(challenges) if challenges is not None else folder / CHALLENGES_FILE,
    )
