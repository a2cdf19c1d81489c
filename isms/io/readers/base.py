"""What every reader shares: limits, the small records returned, and the SourceFile contract."""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import NoReturn

from ...errors import ImportFormatError

#: What a cell can hold once read. Times of day and durations come back as text (see to_cell_value).
CellValue = str | int | float | bool | dt.date | dt.datetime | None

#: Integral floats are turned into ints only inside this range, where a float holds every integer
#: exactly: beyond it "3.0 means 3" is no longer true.
_EXACT_INT = 2**53

#: Notes kept per sheet: a sheet with a million formulas and no saved values needs one clear
#: message, not a million of them.
MAX_NOTES = 1000


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 200 * 1024**2  # bigger files are refused up front
    # What an import holds in memory grows with the rows and cells it reads: these three keep
    # the whole import under 500 MB whatever the file (a 1,048,575-row sheet took 3 GB), while
    # a council's 100,000-row register (84 MB of sheet XML, 1.3 million cells) reads as before.
    max_uncompressed_bytes: int = 192 * 1024**2  # zip members (xlsx/ods): total inflated size
    max_data_rows: int = 150_000  # rows holding data, counted as read: more is refused
    max_cells: int = 3_000_000  # cells read (trailing empty ones trimmed), counted as read
    max_compression_ratio: int = 150  # per zip member of > 1 MB: zip/XML bomb guard
    max_rows: int = 1_048_576  # Excel's last row: anything after it is reported, not read
    max_columns: int = 512  # columns with data beyond this are reported, not read


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class SheetInfo:
    name: str
    hidden: bool  # hidden / very hidden sheets are listed but not chosen by default
    rows: int | None  # best estimate, None if unknown before reading (csv)


@dataclass(frozen=True)
class CellNote:
    """Something about a cell that the importer must report rather than guess."""

    row: int  # 1-based, as the user sees it in Excel
    column: int  # 1-based
    message: str


def fail(path: Path, reason: str) -> NoReturn:
    """Raise the one-line error the user sees: the file's name, then why it cannot be read."""
    raise ImportFormatError(f"Cannot read {path.name}: {reason}")


class RowCount:
    """Counts the rows with data and the cells a reader hands out, and refuses the file past
    ``max_data_rows`` or ``max_cells``: what an import holds in memory grows with these, so
    reading stays bounded whatever the file declares about itself. Blank rows (a stray value
    far down a sheet) cost nothing and are not counted."""

    def __init__(self, path: Path, limits: Limits) -> None:
        self.path = path
        self.limits = limits
        self.rows = 0
        self.cells = 0

    def take(self, values: list[CellValue]) -> None:
        if not values:
            return
        self.rows += 1
        self.cells += len(values)
        if self.rows > self.limits.max_data_rows:
            fail(self.path, f"the sheet has more than {self.limits.max_data_rows:,} rows of "
                            "data, more than one import reads: split it into files of fewer "
                            "rows and import each")
        if self.cells > self.limits.max_cells:
            fail(self.path, f"the sheet has more than {self.limits.max_cells:,} cells of data "
                            f"in its first {self.rows:,} rows of data, more than one import "
                            "reads: split it into files of fewer rows and import each")


def column_letters(column: int) -> str:
    """1 -> A, 27 -> AA, 16384 -> XFD (how Excel names the column)."""
    letters = ""
    while column > 0:
        column, rem = divmod(column - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_number(letters: bytes | str) -> int:
    """A -> 1, XFD -> 16384 (case-insensitive, as calamine reads cell references)."""
    n = 0
    for ch in letters.upper() if isinstance(letters, str) else letters.upper().decode("ascii"):
        n = n * 26 + (ord(ch) - 64)
    return n


def to_cell_value(value: object) -> CellValue:
    """One cell as the readers return it.

    - '' becomes None (calamine returns '' for empty cells, csv for empty fields);
    - a float holding a whole number becomes an int (Excel stores every number as a float, so a
      rating typed as 3 arrives as 3.0; the importer wants 3). Only floats: a cell that holds the
      text "3" stays text. Precision Excel already lost (8.20 stored as 8.2) is not restored here;
    - times of day and durations (calamine's time / timedelta) become text such as "10:30:00",
      since the register has no such field and the importer reports them as text;
    - everything else (str, int, bool, date, datetime) is kept as it is; strings are not trimmed.
    """
    t = type(value)
    if t is str:
        return value or None  # type: ignore[return-value]
    if t is float:
        f: float = value  # type: ignore[assignment]
        if f.is_integer() and -_EXACT_INT <= f <= _EXACT_INT:
            return int(f)
        return f
    if value is None or t in (int, bool, dt.date, dt.datetime):
        return value  # type: ignore[return-value]
    if isinstance(value, dt.time | dt.timedelta):
        return str(value)
    return str(value)


class SourceFile(ABC):
    """One opened spreadsheet or delimited text file. Use it as a context manager."""

    path: Path
    format: str
    sha256: str
    sheets: list[SheetInfo]
    encoding: str | None = None
    delimiter: str | None = None
    #: What the importer must report about the whole file (a doubtful text encoding).
    warnings: tuple[str, ...] = ()

    def __enter__(self) -> SourceFile:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @abstractmethod
    def close(self) -> None: ...

    @abstractmethod
    def _has_data(self, sheet: str) -> bool: ...

    def default_sheet(self) -> str:
        """The first visible sheet with data; else the first visible sheet; else the first."""
        if not self.sheets:
            fail(self.path, "the workbook has no sheets")
        visible = [s.name for s in self.sheets if not s.hidden]
        for name in visible:
            if self._has_data(name):
                return name
        return visible[0] if visible else self.sheets[0].name

    def _sheet_name(self, sheet: str | None) -> str:
        if sheet is None:
            return self.default_sheet()
        if all(s.name != sheet for s in self.sheets):
            names = ", ".join(repr(s.name) for s in self.sheets)
            fail(self.path, f"there is no sheet named {sheet!r} (the sheets are {names})")
        return sheet

    @abstractmethod
    def rows(self, sheet: str | None = None) -> Iterator[tuple[int, list[CellValue]]]:
        """(1-based row number, values) for every row up to the last with data, blank ones
        included (as []), so that numbers match what the user sees in Excel. Values follow
        to_cell_value; trailing empty cells are trimmed; at most Limits.max_columns per row."""

    @abstractmethod
    def merged_ranges(self, sheet: str | None = None) -> list[tuple[int, int, int, int]]:
        """Merged cells as 1-based (first_row, first_col, last_row, last_col)."""

    @abstractmethod
    def notes(self, sheet: str | None = None) -> list[CellNote]:
        """What the importer must report about cells of the sheet (complete, whether or not rows()
        has been read)."""


class ColumnCutter:
    """Cuts rows to Limits.max_columns and remembers, once per column, where data was cut off."""

    def __init__(self, max_columns: int) -> None:
        self.max_columns = max_columns
        self.notes: list[CellNote] = []
        self._seen: set[int] = set()

    def cut(self, row_number: int, values: list[CellValue]) -> list[CellValue]:
        for offset, value in enumerate(values[self.max_columns :]):
            column = self.max_columns + 1 + offset
            if value is not None:
                self.record(row_number, column)
        del values[self.max_columns :]
        while values and values[-1] is None:
            values.pop()
        return values

    def record(self, row_number: int, column: int) -> None:
        if column in self._seen or len(self.notes) >= MAX_NOTES:
            return
        self._seen.add(column)
        self.notes.append(
            CellNote(
                row_number,
                column,
                f"column {column_letters(column)} has data beyond the {self.max_columns}-column "
                "limit: it was not read (delete the stray cells in Excel if they are not needed)",
            )
        )
