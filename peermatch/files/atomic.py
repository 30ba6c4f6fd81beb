"""The one safe writer: every ``--output`` goes through :func:`write_atomic`.

- ``-`` is standard output; a device, a named pipe or a socket is written straight to
  (never replaced by a regular file: ``-o /dev/null`` leaves ``/dev/null`` a device);
- a regular file is written to a temporary file beside it and renamed over it at the end,
  so a failed write leaves no file and the old one intact; an existing file keeps its mode
  (and its owner and group, where the user may keep them); a symbolic link stays a link
  and the file it points to is replaced;
- no temporary file survives a signal that can be caught (SIGTERM, SIGINT, SIGHUP): the
  handler removes it, then the signal does what it would have done;
- :func:`refuse_inputs` refuses an output that is one of the command's input files.
"""

from __future__ import annotations

import os
import signal
import stat
import sys
import tempfile
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from types import FrameType
from typing import Any

from peermatch.core.errors import PeermatchError, UsageError

#: The signals after which no temporary file may remain.
_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGINT", "SIGHUP") if hasattr(signal, name)
)

# --------------------------------------------------------------------------- writing


def write_atomic(path: Path, text: str | Iterable[str]) -> None:
    """Write ``text`` (or its chunks, as they come) to ``path``; see the module docstring."""
    if str(path) == "-":
        _write_stream(sys.stdout, text)
        return
    path = Path(path)
    try:
        info: os.stat_result | None = path.stat()
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise PeermatchError(f"{path}: cannot write here: {exc.strerror or exc}") from None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise PeermatchError(f"{path}: is a folder; give a file name for --output")
    if info is not None and not stat.S_ISREG(info.st_mode):
        _write_straight(path, text)  # a device, FIFO or socket: never replaced
        return
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    folder = target.parent if str(target.parent) else Path()
    if not folder.is_dir():
        raise PeermatchError(f"{path}: the folder {folder} does not exist; create it first")
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise PeermatchError(
            f"{path}: cannot write here: {exc.strerror or exc}; choose another --output"
        ) from None
    with _removed_on_signal(tmp):
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                _write_stream(handle, text)
                handle.flush()
                os.fsync(handle.fileno())
            _keep_mode(Path(tmp), info)
            Path(tmp).replace(target)
        except OSError as exc:
            Path(tmp).unlink(missing_ok=True)
            raise PeermatchError(f"{path}: cannot write the file: {exc.strerror or exc}") from None
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def _write_stream(handle: Any, text: str | Iterable[str]) -> None:
    for chunk in [text] if isinstance(text, str) else text:
        handle.write(chunk)
    handle.flush()


def _write_straight(path: Path, text: str | Iterable[str]) -> None:
    try:
        with path.open("w", encoding="utf-8", newline="") as handle:
            _write_stream(handle, text)
    except OSError as exc:
        raise PeermatchError(f"{path}: cannot write to it: {exc.strerror or exc}") from None


def _keep_mode(tmp: Path, old: os.stat_result | None) -> None:
    """The new file gets the old one's mode (and owner, where allowed), else 0666 - umask."""
    if old is None:
        umask = os.umask(0)
        os.umask(umask)
        tmp.chmod(0o666 & ~umask)
        return
    if hasattr(os, "chown") and (old.st_uid, old.st_gid) != (os.getuid(), os.getgid()):
        # not ours to give away: the file becomes the writer's, as with cp
        with suppress(PermissionError):
            os.chown(tmp, old.st_uid, old.st_gid)
    tmp.chmod(stat.S_IMODE(old.st_mode))


@contextmanager
def _removed_on_signal(tmp: str) -> Iterator[None]:
    """While the block runs, a caught signal first removes ``tmp``, then acts as before."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.getsignal(sig) for sig in _SIGNALS}

    def handler(signum: int, frame: FrameType | None) -> None:
        Path(tmp).unlink(missing_ok=True)
        old = previous[signum]
        signal.signal(signum, old if old is not None else signal.SIG_DFL)
        if callable(old):
            old(signum, frame)
        elif old != signal.SIG_IGN:
            os.kill(os.getpid(), signum)  # the default action: end as the signal would

    for sig in _SIGNALS:
        if previous[sig] != signal.SIG_IGN:
            signal.signal(sig, handler)
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old if old is not None else signal.SIG_DFL)


# --------------------------------------------------------------------------- inputs


def refuse_inputs(output: Path | None, inputs: Sequence[Path | None], *, force: bool) -> None:
    """Refuse (exit 2) an ``output`` that is one of ``inputs``, unless ``force``."""
    if output is None or force or str(output) == "-":
        return
    try:
        info = output.stat()
    except OSError:
        return  # not there yet: it cannot be an input
    if not stat.S_ISREG(info.st_mode):
        return
    for source in inputs:
        if source is None:
            continue
        try:
            same = os.path.samestat(info, source.stat())
        except OSError:
            continue
        if same:
            raise UsageError(
                f"--output {output}: is also an input of this command ({source}); "
                "choose another --output, or add --force to replace it"
            )
