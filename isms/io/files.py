"""Writing files so that a crash never leaves a half-written file that looks complete."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ..errors import StorageError


def _file_mode() -> int:
    # Read once at import (os.umask can only be read by setting it): what a plainly created
    # file gets, so an export is as readable as any other file the user saves.
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


_MODE = _file_mode()


def temporary_beside(path: Path) -> tuple[int, Path]:
    """An open temporary file (descriptor, path) in ``path``'s folder, to be renamed over it.

    mkstemp makes it private (0600); it gets the user's usual mode so the finished file does
    not end up unreadable to the colleagues the export is for.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
        os.fchmod(fd, _MODE)
    except OSError as exc:
        raise StorageError(f"Cannot write {path}: {exc.strerror}") from exc
    return fd, Path(temp)


def write_atomically(path: Path, data: bytes) -> Path:
    """Write to a temporary file beside ``path``, flush it to disk, then rename it over ``path``
    (atomic on one file system). On any error the target is untouched."""
    path = path.expanduser().resolve()
    fd, temp = temporary_beside(path)
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
