"""Making text safe to put in a spreadsheet.

Text that begins with = + - @ (or a tab or carriage return) is run as a formula by Excel and
LibreOffice: in a CSV when it is opened, and in an xlsx when it is written as a formula. Every
piece of register text we write goes through here so that no spreadsheet executes it:

* xlsx: the cell is written as a string cell, which no spreadsheet evaluates, and the text is kept
  exactly as it is (so an export can be edited and imported back unchanged): the control
  characters XML cannot hold are written the way Office writes them (ESC as ``_x001B_``), which
  Excel and the importer read back as the character;
* CSV: the text is prefixed with a single quote, OWASP's advice for CSV injection; the importer
  drops that quote again (``isms.io.importing.values.text``).
"""

from __future__ import annotations

import enum
import re
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # openpyxl loads only when a spreadsheet is written (it is slow to import)
    from collections.abc import Callable

    from openpyxl.cell import Cell
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

#: A character no XML 1.0 document may hold (openpyxl refuses them), or text that already reads
#: as an Office escape ("_x0041_", which a reader would turn into "A").
NEEDS_ESCAPE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]|_x[0-9A-Fa-f]{4}_")


def _office_escape(match: re.Match[str]) -> str:
    found = match.group()
    if len(found) == 1:
        return f"_x{ord(found):04X}_"
    return "_x005F_" + found[1:]  # the underscore escaped: "_x005F_x0041_" reads as "_x0041_"


def xlsx_text(text: str) -> str:
    """``text`` as an xlsx cell holds it: control characters as Office escapes (``_x001B_``)."""
    return NEEDS_ESCAPE.sub(_office_escape, text)


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
    if isinstance(value, str):
        value = xlsx_text(value)
    cell: Cell = (_new_cell or _load_cell())(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl would store "=..." as a formula
    return cell
