"""Writing files so that a crash never leaves a half-written file that looks complete."""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from ..errors import StorageError


def _file_mode() -> int:
    # Read once at import (os.umask can only be read by setting it): what a plainly created
    # file gets, so an export is as readable as any other file the user saves.
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


_MODE = _file_mode()


def check_folder(path: Path) -> None:
    """Refuse to write ``path`` when its folder does not exist: a mistyped ``--out`` would
    otherwise create folders wherever it pointed (even at the file system's root)."""
    folder = path.expanduser().absolute().parent
    if not folder.is_dir():
        raise StorageError(
            f"Cannot write {path}: the folder {folder} does not exist (create it first, or "
            "choose another folder)."
        )


def temporary_beside(path: Path, *, make_folder: bool = False) -> tuple[int, Path]:
    """An open temporary file (descriptor, path) in ``path``'s folder, to be renamed over it.
    The folder must exist unless ``make_folder`` (the register's own stores, never a folder a
    user typed).

    mkstemp makes it private (0600); it gets the user's usual mode so the finished file does
    not end up unreadable to the colleagues the export is for.
    """
    if not make_folder:
        check_folder(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
        os.fchmod(fd, _MODE)
    except OSError as exc:
        raise StorageError(f"Cannot write {path}: {exc.strerror}") from exc
    return fd, Path(temp)


def write_atomically(path: Path, data: bytes, *, make_folder: bool = False) -> Path:
    """Write to a temporary file beside ``path``, flush it to disk, then rename it over ``path``
    (atomic on one file system). On any error the target is untouched. The folder must exist
    unless ``make_folder``."""
    path = path.expanduser().resolve()
    fd, temp = temporary_beside(path, make_folder=make_folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise StorageError(f"Cannot write {path}: {exc.strerror}") from exc
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return path


@contextmanager
def scratch_folder_beside(path: Path, prefix: str) -> Iterator[Path]:
    """A temporary folder beside ``path`` (in the folder the finished file goes to, so a large
    document is never staged on a small system disk), removed when the work ends: normally, on
    an error, on Ctrl+C, and when the process is told to stop (SIGTERM)."""
    check_folder(path)
    try:
        folder = Path(tempfile.mkdtemp(prefix=prefix, dir=path.expanduser().absolute().parent))
    except OSError as exc:
        raise StorageError(f"Cannot write {path}: {exc.strerror}") from exc
    try:
        with _stop_as_exit():
            yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _stop(signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


@contextmanager
def _stop_as_exit() -> Iterator[None]:
    """While inside, SIGTERM raises SystemExit (so ``finally`` blocks clean up) instead of
    ending the process on the spot. Only the main thread can set a handler: elsewhere (the
    window's worker threads) nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
