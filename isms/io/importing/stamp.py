"""The stamp a department's round-trip workbook carries: a very hidden sheet saying which
register and department it came from, when, and each row as it was exported with the record's
version, so that the file coming back can be compared cell by cell with what was sent, and with
what the register holds now.

Written by ``isms.io.exports.asset_table`` (``isms export assets --for-import``), read back by
``isms.services.imports.round_trip``.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

from . import values

#: The stamp sheet's name; "very hidden": Excel's Unhide does not list it.
STAMP_SHEET = "isms round trip"
#: Cell A1 of the stamp, and the layout's version (a later layout reads older stamps or
#: refuses them by this number).
MARK = "isms round-trip stamp"
LAYOUT = 1
_HEADER = "record id"


@dataclass(frozen=True)
class StampedRow:
    record_id: int
    version: int
    #: The row's visible cells as exported, in the comparison form of :func:`cell_text`.
    cells: tuple[str, ...]


@dataclass
class Stamp:
    register: str  # the register's name
    register_created: str  # when it was created (ISO text): two registers of one name differ
    department: str  # department code, "" for the whole council
    exported_at: str  # ISO time, UTC
    exported_by: str
    columns: tuple[str, ...]  # the visible sheet's header labels
    #: Asset reference (lower case) -> the row as exported.
    rows: dict[str, StampedRow] = field(default_factory=dict)

    def header_rows(self) -> list[list[Any]]:
        return [
            [MARK, LAYOUT],
            ["register", self.register],
            ["register created", self.register_created],
            ["department", self.department],
            ["exported at", self.exported_at],
            ["exported by", self.exported_by],
            [],
            [_HEADER, "version", *self.columns],
        ]


def cell_text(raw: Any) -> str:
    """A cell in the form two copies of it compare in: the visible text, whatever type the
    reader gave it (3 and 3.0 alike, a date with or without its midnight time, blank as "")."""
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return "Yes" if raw else "No"
    if isinstance(raw, datetime):
        return raw.date().isoformat() if raw.time() == datetime.min.time() else raw.isoformat()
    if isinstance(raw, date):
        return raw.isoformat()
    return values.text(raw) or ""


def stamp_rows(stamp: Stamp, rows: Iterable[tuple[int, int, list[Any]]]) -> Iterator[list[Any]]:
    """The stamp sheet's rows: its header, then (id, version, cells as text) per exported row,
    as text cells so that nothing is re-typed on the way back."""
    yield from stamp.header_rows()
    for record_id, version, cells in rows:
        yield [record_id, version, *(cell_text(c) for c in cells)]


class StampError(ValueError):
    """The stamp sheet is there but cannot be read: the file was altered, or is of a layout
    this version does not know."""


def read_stamp(rows: Iterable[list[Any]]) -> Stamp:
    """The stamp from the stamp sheet's rows (as any reader gives them)."""
    lines = [list(r) for r in rows]
    if not lines or cell_text(lines[0][0] if lines[0] else None) != MARK:
        raise StampError("the round-trip stamp sheet does not start with its mark")
    try:
        layout = int(float(lines[0][1]))
    except (IndexError, TypeError, ValueError):
        raise StampError("the round-trip stamp has no layout number") from None
    if layout != LAYOUT:
        raise StampError(f"the round-trip stamp is of layout {layout}; this isms reads {LAYOUT}")
    # Found by their first cells, not their positions: a reader may leave out blank rows.
    starts = [i for i, r in enumerate(lines) if r and cell_text(r[0]) == _HEADER]
    if not starts:
        raise StampError("the round-trip stamp has no row header")
    info = {cell_text(r[0]): cell_text(r[1]) for r in lines[1 : starts[0]] if len(r) >= 2}
    header = [cell_text(c) for c in lines[starts[0]][2:]]
    while header and not header[-1]:
        header.pop()
    stamp = Stamp(
        register=info.get("register", ""),
        register_created=info.get("register created", ""),
        department=info.get("department", ""),
        exported_at=info.get("exported at", ""),
        exported_by=info.get("exported by", ""),
        columns=tuple(header),
    )
    width = len(header)
    for line in lines[starts[0] + 1 :]:
        if not line or line[0] is None or cell_text(line[0]) == "":
            continue
        try:
            record_id, version = int(float(line[0])), int(float(line[1]))
        except (IndexError, TypeError, ValueError):
            raise StampError(f"a row of the round-trip stamp is unreadable: {line[:2]}") from None
        cells = tuple(cell_text(c) for c in (list(line[2:]) + [None] * width)[:width])
        ref = cells[0].lower() if cells else ""
        stamp.rows[ref] = StampedRow(record_id, version, cells)
    return stamp


def has_stamp(path: Path) -> bool:
    """Whether ``path`` is an .xlsx carrying the round-trip stamp sheet, found from the
    workbook's list of sheets alone (nothing else of the file is read)."""
    if path.suffix.lower() != ".xlsx":
        return False
    try:
        with zipfile.ZipFile(path) as archive:
            listing = archive.read("xl/workbook.xml").decode("utf-8", "replace")
    except (OSError, KeyError, zipfile.BadZipFile):
        return False  # the reader says what is wrong with the file
    return f"name={quoteattr(STAMP_SHEET)}" in listing
