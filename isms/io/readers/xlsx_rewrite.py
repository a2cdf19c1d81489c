"""The careful path for worksheets too large or too odd to hand to calamine whole.

Used when the scan finds data beyond Limits.max_columns (a stray value in column XFD), beyond
max_rows, a grid larger than calamine can hold in bounded memory (one value in A1 and another in
row 1,048,576), or XML not in the canonical form. The sheet's cells are re-emitted, a window of
rows at a time, into a small in-memory workbook that shares the original's styles and shared
strings, so calamine still decodes every value (dates, shared strings, errors) exactly as on the
fast path, and memory stays bounded by the window.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import cast

import python_calamine

from .base import (
    CellNote,
    CellValue,
    ColumnCutter,
    Limits,
    RowCount,
    column_letters,
    fail,
)
from .calamine_cells import calamine_errors, convert_row  # the fast path's, for identical values
from .xlsx_scan import _R_ATTR, Cell, iter_canonical_cells, iter_cells

#: Cells calamine may hold at once per window (dense grid), and bytes of XML per window.
WINDOW_CELLS = 1_000_000
WINDOW_BYTES = 32 * 1024**2

_MAIN_NS = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _workbook_xml(date1904: bool) -> bytes:
    pr = b'<workbookPr date1904="1"/>' if date1904 else b""
    return (
        b'<workbook xmlns="'
        + _MAIN_NS
        + b'" xmlns:r="'
        + _REL_NS
        + b'">'
        + pr
        + b'<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )


_CONTENT_TYPES = (
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    b"</Types>"
)

_PACKAGE_RELS = (
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Target="xl/workbook.xml" '
    b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
    b"</Relationships>"
)

_RELS = (
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Target="worksheets/sheet1.xml" '
    b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
    b"</Relationships>"
)


class WindowedSheet:
    def __init__(
        self,
        path: Path,
        pieces: Iterator[bytes],
        limits: Limits,
        width: int,
        canonical: bool,
        styles: bytes | None,
        shared_strings: bytes | None,
        date1904: bool,
    ) -> None:
        self.path = path
        self.pieces = pieces
        self.limits = limits
        self.canonical = canonical
        self.window_rows = max(1, WINDOW_CELLS // max(1, min(width, limits.max_columns)))
        self.styles = styles
        self.shared_strings = shared_strings
        self.date1904 = date1904
        self.cutter = ColumnCutter(limits.max_columns)
        self.extra_notes: list[CellNote] = []

    def rows(self) -> Iterator[tuple[int, list[CellValue]]]:
        next_row = 1
        count = RowCount(self.path, self.limits)
        for base, grid in self._windows():
            for offset, raw in enumerate(grid):
                number = base + offset
                while next_row < number:
                    yield next_row, []
                    next_row += 1
                values = convert_row(raw, 0, self.cutter, number)
                count.take(values)
                yield number, values
                next_row = number + 1

    def _windows(self) -> Iterator[tuple[int, list[list[object]]]]:
        """(absolute row number of the grid's first row, grid) for each window with values."""
        base = 0
        rows_xml: list[bytes] = []
        row_cells: list[bytes] = []
        current = 0  # absolute row of row_cells
        size = 0
        last_row = 0
        cells = iter_canonical_cells if self.canonical else iter_cells
        for cell in cells(self.path, self.pieces):
            if not cell.valued:
                continue
            if cell.row < last_row:
                fail(
                    self.path,
                    f"the file is damaged: its rows are out of order near row {last_row} "
                    "(open it in Excel, save it, and send it again)",
                )
            last_row = cell.row
            if cell.row > self.limits.max_rows:
                self.extra_notes.append(
                    CellNote(
                        cell.row, cell.col, f"rows after row {self.limits.max_rows} were not read"
                    )
                )
                break
            if cell.col > self.limits.max_columns:
                self.cutter.record(cell.row, cell.col)
                continue
            if cell.row != current:
                if row_cells:
                    rows_xml.append(self._row_xml(current - base + 1, row_cells))
                    row_cells = []
                if base and (cell.row - base >= self.window_rows or size > WINDOW_BYTES):
                    yield from self._decode(base, rows_xml)
                    rows_xml, size = [], 0
                    base = 0
                if not base:
                    base = cell.row
                current = cell.row
            xml = self._cell_xml(cell, current - base + 1)
            size += len(xml)
            row_cells.append(xml)
        if row_cells:
            rows_xml.append(self._row_xml(current - base + 1, row_cells))
        if rows_xml:
            yield from self._decode(base, rows_xml)

    @staticmethod
    def _cell_xml(cell: Cell, relative_row: int) -> bytes:
        ref = column_letters(cell.col).encode() + str(relative_row).encode()
        attrs = _R_ATTR.sub(b"", cell.attrs)
        return b'<c r="' + ref + b'"' + attrs + b">" + (cell.content or b"") + b"</c>"

    @staticmethod
    def _row_xml(relative_row: int, cells: list[bytes]) -> bytes:
        return b'<row r="' + str(relative_row).encode() + b'">' + b"".join(cells) + b"</row>"

    def _decode(self, base: int, rows_xml: list[bytes]) -> Iterator[tuple[int, list[list[object]]]]:
        sheet_xml = (
            b'<worksheet xmlns="'
            + _MAIN_NS
            + b'"><sheetData>'
            + b"".join(rows_xml)
            + b"</sheetData></worksheet>"
        )
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
            # calamine recognises an xlsx held in memory by its package parts.
            z.writestr("[Content_Types].xml", _CONTENT_TYPES)
            z.writestr("_rels/.rels", _PACKAGE_RELS)
            z.writestr("xl/workbook.xml", _workbook_xml(self.date1904))
            z.writestr("xl/_rels/workbook.xml.rels", _RELS)
            if self.styles is not None:
                z.writestr("xl/styles.xml", self.styles)
            if self.shared_strings is not None:
                z.writestr("xl/sharedStrings.xml", self.shared_strings)
            z.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        del sheet_xml
        buf.seek(0)
        with calamine_errors(self.path, "xlsx", f"near row {base}"):
            wb = python_calamine.CalamineWorkbook.from_filelike(buf)
            try:
                sheet = wb.get_sheet_by_name("S")
                start = sheet.start
                grid = cast(list[list[object]], sheet.to_python()) if start is not None else []
            finally:
                wb.close()
        if start is None:
            return
        if start[1]:  # calamine's rows begin at the first column holding a value
            pad: list[object] = [""] * start[1]
            grid = [pad + r for r in grid]
        yield base + start[0], grid
