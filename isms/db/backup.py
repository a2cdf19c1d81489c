"""Consistent copies of a SQLite register, taken while it may be open elsewhere."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

from ..errors import StorageError


def backup_sqlite(source: Path, target: Path) -> Path:
    """Copy ``source`` to ``target`` with SQLite's online backup API (safe under WAL and other
    readers/writers, unlike copying the file). The copy is written beside the target under a
    temporary name and renamed, so a crash never leaves a half backup that looks complete."""
    if target.exists():
        raise StorageError(f"Backup target {target} already exists; choose another name.")
    if not target.parent.is_dir():  # a mistyped --out is said, never created
        raise StorageError(
            f"Cannot back up to {target}: the folder {target.parent} does not exist (create it "
            "first, or choose another folder)."
        )
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            dst = sqlite3.connect(partial)
            try:
                src.backup(dst)
                # A backup is a single self-contained file: no -wal beside it.
                dst.execute("PRAGMA journal_mode = DELETE")
            finally:
                dst.close()
        finally:
            src.close()
        partial.replace(target)
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        raise StorageError(f"Could not back up {source} to {target}: {exc}") from exc
    return target


def default_backup_path(source: Path, reason: str) -> Path:
    """register.isms -> register.before-upgrade-0001-20261125T190000.isms, next to it."""
    stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
    candidate = source.with_name(f"{source.stem}.{reason}-{stamp}{source.suffix}")
    n = 1
    while candidate.exists():
        n += 1
        candidate = source.with_name(f"{source.stem}.{reason}-{stamp}-{n}{source.suffix}")
    return candidate
