"""The workbook sent back to a department: its own rows, each with a status and what to fix."""

from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from ..cells import xlsx_cell
from ..files import write_atomically
from ..workbook_marking import mark_workbook
from .headers import Row
from .plan import ImportPlan

_FILLS = {
    "error": PatternFill("solid", fgColor="F8D0D0"),
    "warning": PatternFill("solid", fgColor="FFF0C0"),
}
_BOLD = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")


def _cells(
    sheet: WriteOnlyWorksheet, values: Iterable[Any], fill: PatternFill | None, bold: bool = False
) -> list[Cell]:  # WriteOnlyCell() returns a Cell
    cells: list[Cell] = []
    for value in values:
        cell = xlsx_cell(sheet, value)
        if fill is not None:
            cell.fill = fill
        if bold:
            cell.font = _BOLD
        cells.append(cell)
    return cells


def write_error_workbook(plan: ImportPlan, rows: Iterable[Row], path: Path) -> Path:
    """``rows``: the sheet's rows as read (row number, cells), header included. Each data row
    the import looked at gets its status and message in two columns on the left, coloured.
    The workbook carries the plan's marking (the highest of the rows it holds)."""
    verdicts = {v.row: v for v in plan.rows}
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=(plan.sheet or "Assets")[:31])
    sheet.freeze_panes = f"C{plan.header.last_row + 1}"
    sheet.column_dimensions["A"].width = 11
    sheet.column_dimensions["B"].width = 60
    for number, cells in rows:
        verdict = verdicts.get(number)
        if plan.header.first_row <= number <= plan.header.last_row:
            lead = ["Status", "What to fix"] if number == plan.header.last_row else ["", ""]
            sheet.append(_cells(sheet, [*lead, *cells], None, bold=True))
        elif verdict is None:
            sheet.append(_cells(sheet, ["", "", *cells], None))
        else:
            fill = _FILLS.get(verdict.status)
            row = _cells(sheet, [verdict.status, verdict.message, *cells], fill)
            row[1].alignment = _WRAP
            sheet.append(row)
    mark_workbook(book, plan.marking)
    buffer = io.BytesIO()
    book.save(buffer)
    return write_atomically(path, buffer.getvalue())
