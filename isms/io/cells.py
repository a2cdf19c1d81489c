"""Making text safe to put in a spreadsheet.

Text that begins with = + - @ (or a tab or carriage return) is run as a formula by Excel and
LibreOffice: in a CSV when it is opened, and in an xlsx when it is written as a formula. Every
piece of register text we write goes through here so that no spreadsheet executes it:

* xlsx: the cell is written as a string cell, which no spreadsheet evaluates, and the text is kept
  exactly as it is (so an export can be edited and imported back unchanged);
* CSV: the text is prefixed with a single quote, OWASP's advice for CSV injection; the importer
  drops that quote again (``isms.io.importing.values.text``).
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # openpyxl loads only when a spreadsheet is written (it is slow to import)
    from collections.abc import Callable

    from openpyxl.cell import Cell
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def plain(value: Any) -> Any:
    """A register value as a spreadsheet value: enums as their text, the rest unchanged."""
    if isinstance(value, enum.Enum):
        return value.value
    return value


def csv_text(value: Any) -> Any:
    """For CSV: formula-like text gets a leading single quote; other values pass unchanged."""
    value = plain(value)
    if isinstance(value, str) and value.startswith(TRIGGERS):
        return "'" + value
    return value


#: openpyxl's WriteOnlyCell once the first cell is written (a global, not an import per cell:
#: an export writes millions of cells).
_new_cell: Callable[..., Cell] | None = None


def _load_cell() -> Callable[..., Cell]:
    global _new_cell
    from openpyxl.cell import WriteOnlyCell

    _new_cell = WriteOnlyCell
    return WriteOnlyCell


def xlsx_cell(sheet: WriteOnlyWorksheet, value: Any) -> Cell:
    """A write-only cell holding ``value``; text is always a string cell, never a formula."""
    value = plain(value)
    if value is not None and not isinstance(value, bool | int | float | date | datetime | str):
        value = str(value)
    cell: Cell = (_new_cell or _load_cell())(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl would store "=..." as a formula
    return cell
