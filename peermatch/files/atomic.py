"""Writing a file all at once: the one way peermatch writes output, so a failed write never
leaves a half-written file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from peermatch.core.errors import PeermatchError

# --------------------------------------------------------------------------- writing


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` all at once: a failed write leaves no file and the old one intact.

    The file gets ordinary permissions (0666 less the umask), like any file the user makes.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path()
    if path.is_dir():
        raise PeermatchError(f"{path}: is a folder; give a file name for --output")
    if not folder.is_dir():
        raise PeermatchError(f"{path}: the folder {folder} does not exist; create it first")
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise PeermatchError(
            f"{path}: cannot write here: {exc.strerror or exc}; choose another --output"
        ) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        umask = os.umask(0)
        os.umask(umask)
        Path(tmp).chmod(0o666 & ~umask)
        Path(tmp).replace(path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise PeermatchError(f"{path}: cannot write the file: {exc.strerror or exc}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
