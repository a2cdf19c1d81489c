"""File → Export view…: the rows and columns a register page shows, to .xlsx or .csv.

Exactly what is on screen: the current department, search, ids filter and sort (the model's ids,
in order) and the visible columns in the order the user arranged them. The file carries the
protective marking of what the page holds (``view_marking``): a CSV on its first line, a
workbook in its printed header and footer and its properties. Rows are read in pages on
a worker thread with their own sessions; every text cell goes through ``isms.io.cells`` so no
spreadsheet runs a formula hidden in register text.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING

from isms.db import Register

from ..models.register_table import RegisterTableModel
from ..operations import Progress

if TYPE_CHECKING:
    from .register_page import RegisterPage

CHUNK = 1000


def view_marking(register: Register, page_key: str, department_id: int | None) -> str:
    """The marking a page's export carries: the highest of what that page holds."""
    from isms.services.documents.marking import view_marking as marking_of_page

    with register.session() as session:
        return marking_of_page(session, page_key, department_id)


def visible_columns(page: RegisterPage) -> list[int]:
    """Model columns in the order shown, hidden ones left out."""
    header = page.table.horizontalHeader()
    logical = [header.logicalIndex(visual) for visual in range(header.count())]
    return [column for column in logical if not header.isSectionHidden(column)]


def export_rows(
    register: Register, model: RegisterTableModel, ids: list[int], columns: list[int],
    target: Path, title: str, progress: Progress, marking: str = "",
) -> int:
    """Write ``ids`` (in order) with ``columns`` of ``model`` to ``target``; the rows written.
    ``marking`` is the protective marking: a CSV's first line ("# OFFICIAL-SENSITIVE", which
    the importer's header search steps over), a workbook's printed header, footer and
    properties.

    Runs on a worker thread: it only reads the model's column definitions and rows query, never
    its cache, and opens its own sessions.
    """
    # openpyxl (behind isms.io.cells) loads only when exporting: it is slow to import.
    from isms.io.cells import csv_text, xlsx_cell

    headers = [model.columns[c].header for c in columns]
    total = len(ids)

    def chunks() -> list[list[object]]:
        rows: list[list[object]] = []
        for start in range(0, total, CHUNK):
            progress(f"Reading rows {start + 1:,}–{min(start + CHUNK, total):,} of {total:,}",
                     start, total)
            with register.session() as session:
                fetched = model.fetch_rows(session, ids[start:start + CHUNK])
            rows.extend([model.cell_value(row, c) for c in columns] for row in fetched)
        return rows

    rows = chunks()
    progress(f"Writing {target.name}", total, total)
    partial = target.with_name(target.name + ".part")
    if target.suffix.lower() == ".csv":
        # UTF-8 with BOM so Excel on Windows reads the accents; the quote prefix of csv_text
        # stops formulas.
        with partial.open("w", encoding="utf-8-sig", newline="") as handle:
            if marking:
                handle.write(f"# {marking}\r\n")
            writer = csv.writer(handle)
            writer.writerow(headers)
            for row in rows:
                writer.writerow(["" if v is None else csv_text(v) for v in row])
    else:
        from openpyxl import Workbook

        from isms.io.exports.report import producer
        from isms.io.workbook_marking import mark_workbook

        book = Workbook(write_only=True)
        book.properties.creator = producer()
        sheet = book.create_sheet(title[:31])
        mark_workbook(book, marking)
        if marking:
            sheet.oddHeader.left.text = title.replace("&", "&&")  # "&" starts a code there
            sheet.oddFooter.center.text = "Page &P of &N"
        sheet.append([xlsx_cell(sheet, h) for h in headers])
        for row in rows:
            sheet.append([xlsx_cell(sheet, v) for v in row])
        book.save(partial)
    partial.replace(target)  # a failed export never leaves a half-written file under the name
    return len(rows)
