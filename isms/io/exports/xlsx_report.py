"""A :class:`~isms.io.exports.report.Report` as an .xlsx workbook an auditor can file.

Layout: a first sheet "Document control" (title, date, marking, the document-control pairs and
the notes), then the table on a sheet of its own whose header is row 1. Keeping the table
alone on its sheet lets the header be frozen, filtered and repeated on every printed page
without a tall block of document control frozen above it on screen.

A clause column ("5.10") is followed by its numeric key ("Control order", 5.01), so the sheet
sorts in clause order: text sorts 5.10 before 5.2, and no number format can show 5.10 and sort
it after 5.9, so the key is a column of its own. A table printed on A3 in PDF prints on A3
here too, fitted to the width, its wrap columns narrowed so the text prints at 7.5 pt or more.

Speed (PERFORMANCE.md: <= 1.2 x openpyxl write-only of the same cells): plain values are
appended as they are, so openpyxl reuses its one internal cell for them; only cells that need a
style or protection get a cell object of their own, and their style is a precomputed style
array copied in, not fonts and fills looked up per cell.

Same report, same bytes: the document properties take ``report.generated`` and every zip
entry carries that moment as its time, in openpyxl's fixed order.
"""

from __future__ import annotations

import io
import os
import re
import shutil
from collections.abc import Callable, Sequence
from copy import copy
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from ..cells import NEEDS_ESCAPE, xlsx_cell
from ..files import write_atomically
from .page_rules import clause_key, dated, is_wide
from .report import Column, Marked, Report, producer, text_colour_on

Progress = Callable[[str, int, int], None]
#: A write-only sheet or cell. openpyxl's stubs give neither the attributes they borrow from
#: Worksheet and Cell (page_setup, column_dimensions, _style...), so they are typed loosely.
Sheet = Any
XCell = Any

#: Rows between progress calls.
_EVERY = 5000
_A4, _A3 = "9", "8"  # paper-size codes
#: Left and right print margins (inches): narrow, as a wide register needs its paper.
_SIDE_MARGIN = 0.4
#: The least size a table's 11 pt text prints at when fitted to the paper's width.
PRINTED_SIZE = 7.5
#: The narrowest a wrap column is made to get there (characters).
_NARROWEST = 8
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")


def write_xlsx(report: Report, path: Path, progress: Progress | None = None) -> int:
    """Write ``report`` to ``path`` as .xlsx; returns the number of table rows written.

    The file appears complete or not at all (written aside, then renamed)."""
    book = Workbook(write_only=True)
    paper = _A3 if is_wide(report.columns) else _A4
    _document_control(book.create_sheet("Document control"), report, paper)
    sheet = book.create_sheet(_sheet_name(report.title))
    count = _table(sheet, report, paper, progress)
    stamp = _utc(report.generated)
    book.properties.title = report.title
    book.properties.creator = producer()
    book.properties.lastModifiedBy = producer()
    book.properties.created = stamp
    book.properties.modified = stamp
    # The marking in the file's properties too (File > Info, and what mail and document
    # systems read), not only on the printed page.
    book.properties.subject = book.properties.category = report.marking or None
    book.properties.keywords = report.marking or None
    buffer = io.BytesIO()
    archive = _FixedTimeZip(buffer, stamp)
    ExcelWriter(book, archive).save()
    write_atomically(path, buffer.getvalue())
    return count


# --- the table sheet ------------------------------------------------------------------------


class _Styles:
    """Style arrays computed once per workbook; cells get a copy (openpyxl mutates a cell's
    array in place when, say, a date sets its number format)."""

    def __init__(self, sheet: Sheet) -> None:
        self._sheet = sheet
        self.header = self._make(font=Font(bold=True), fill=_solid("#D9D9D9"),
                                 alignment=Alignment(wrap_text=True, vertical="top"))
        self.wrap = self._make(alignment=Alignment(wrap_text=True, vertical="top"))
        self.key = self._make(number_format="0.000")
        self._marked: dict[tuple[str, bool], StyleArray] = {}

    def _make(self, **attributes: Any) -> StyleArray:
        cell: XCell = WriteOnlyCell(self._sheet)
        for name, value in attributes.items():
            setattr(cell, name, value)
        style: StyleArray = cell._style
        return style

    def marked(self, fill: str, wrap: bool) -> StyleArray:
        key = (fill, wrap)
        if key not in self._marked:
            self._marked[key] = self._make(
                fill=_solid(fill),
                font=Font(color=text_colour_on(fill).lstrip("#")),
                alignment=Alignment(wrap_text=wrap, vertical="top"),
            )
        return self._marked[key]


def _solid(colour: str) -> PatternFill:
    rgb = colour.lstrip("#").upper()
    return PatternFill(fill_type="solid", start_color=rgb, end_color=rgb)


def _table(sheet: Sheet, report: Report, paper: str, progress: Progress | None) -> int:
    columns = _sheet_columns(report.columns)
    width = len(columns)
    last = get_column_letter(max(width, 1))
    # Everything written before the first row (views, columns) must be set now: write-only
    # sheets stream their XML from the first append.
    sheet.freeze_panes = "A2"
    for index, size in enumerate(_printed_widths(columns, paper), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = size
    _print_setup(sheet, report, paper)
    styles = _Styles(sheet)
    sheet.append([_styled(sheet, c.header, styles.header) for c in columns])
    wraps = tuple(c.wrap for c in columns)
    keyed = [i for i, c in enumerate(report.columns) if c.kind == "clause"]
    total = report.row_count or 0
    count = 0
    for count, row in enumerate(report.rows, start=1):
        cells = [_value(sheet, v, wrap, styles) for v, wrap in zip(row, wraps, strict=False)]
        for index in reversed(keyed):  # each clause's key right after it
            cells.insert(index + 1, _key(sheet, row[index] if index < len(row) else None,
                                         styles))
        sheet.append(cells)
        if progress and count % _EVERY == 0:
            progress("writing spreadsheet", count, total)
    # The filter and the print titles are written after the rows, so they can cover them.
    sheet.auto_filter.ref = f"A1:{last}{count + 1}"
    sheet.print_title_rows = "1:1"
    if progress:
        progress("writing spreadsheet", count, total)
    return count


def _sheet_columns(columns: Sequence[Column]) -> list[Column]:
    """The sheet's columns: the report's, each clause column followed by its key."""
    shown: list[Column] = []
    for column in columns:
        shown.append(column)
        if column.kind == "clause":
            shown.append(Column(f"{column.header} order", 8, "number"))
    return shown


def _key(sheet: Sheet, value: Any, styles: _Styles) -> Any:
    """The clause key of a clause cell ("5.10" -> 5.010), shown with its three decimals."""
    text = value.value if isinstance(value, Marked) else value
    key = clause_key(str(text)) if text is not None else None
    return None if key is None else _styled(sheet, key, styles.key)


def _printed_widths(columns: Sequence[Column], paper: str) -> list[float]:
    """Column widths (characters) such that the table, fitted to the paper's width, prints at
    PRINTED_SIZE or more: the wrap columns give up width (down to _NARROWEST, or their
    header's longest word) in proportion to what they have above it; the others keep theirs."""
    widths = [float(c.width) for c in columns]
    paper_points = (420 if paper == _A3 else 297) / 25.4 * 72 - 2 * 72 * _SIDE_MARGIN
    # Excel's width unit is a character of 7 pixels, plus 5 pixels of padding; 0.75 pt a pixel.
    most = paper_points * 11 / PRINTED_SIZE
    excess = sum((7 * w + 5) * 0.75 for w in widths) - most
    floors = [max(_NARROWEST, max((len(x) for x in c.header.split()), default=0) + 1)
              if c.wrap else w for c, w in zip(columns, widths, strict=True)]
    room = [max(0.0, w - f) for w, f in zip(widths, floors, strict=True)]
    if excess <= 0 or not sum(room):
        return widths
    share = min(1.0, excess / 5.25 / sum(room))
    return [round(w - r * share, 1) for w, r in zip(widths, room, strict=True)]


def _value(sheet: Sheet, value: Any, wrap: bool, styles: _Styles) -> Any:
    """What to append for one value: the value itself when openpyxl stores it safely and
    unstyled, else a cell of its own."""
    kind = value.__class__
    if kind is str:
        # openpyxl stores every str as a string cell except one starting with "=", which it
        # would write as a formula; xlsx_cell keeps that one a string too.
        if wrap:
            return _styled(sheet, value, styles.wrap)
        if value.startswith("="):
            return _cell(sheet, value)
        return value if not NEEDS_ESCAPE.search(value) else _cell(sheet, value)
    if value is None or kind is int or kind is float or kind is date or kind is datetime:
        # Stored by openpyxl exactly as xlsx_cell would (dates get a date number format).
        return value
    if isinstance(value, Marked):
        return _styled(sheet, value.value, styles.marked(value.fill, wrap))
    # Dates, bools, enums and anything else: xlsx_cell knows how to store them.
    return _cell(sheet, value)


def _cell(sheet: Sheet, value: Any) -> XCell:
    return xlsx_cell(sheet, value)  # control characters written as Office escapes (cells.py)


def _styled(sheet: Sheet, value: Any, style: StyleArray) -> XCell:
    cell = _cell(sheet, value)
    number_format = cell.number_format  # a date's format, set when its value was bound
    cell._style = copy(style)
    if number_format != "General":
        cell.number_format = number_format
    return cell


def _paper(sheet: Sheet, paper: str) -> None:
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = paper
    sheet.page_margins.left = sheet.page_margins.right = _SIDE_MARGIN


def _print_setup(sheet: Sheet, report: Report, paper: str) -> None:
    _paper(sheet, paper)
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as the rows need
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    _running_header(sheet, report)


def _running_header(sheet: Sheet, report: Report) -> None:
    """Title and marking at the top of every printed page, the marking again at the bottom:
    on every sheet, the document control included."""
    title, marking = _header_text(report.title), _header_text(report.marking)
    sheet.oddHeader.left.text = title
    sheet.oddHeader.right.text = marking
    sheet.oddFooter.left.text = marking
    sheet.oddFooter.center.text = "Page &P of &N"
    sheet.oddFooter.right.text = " ".join(dated(report.generated))


def _header_text(text: str) -> str:
    # "&" starts a code in Excel's header and footer language; "&&" prints one.
    return text.replace("&", "&&")


def _sheet_name(title: str) -> str:
    """The table sheet's name: the title's first part ("Risk register" of "Risk register -
    Finance"), without the characters Excel forbids, within its 31 characters."""
    name = _SHEET_NAME_BAD.sub(" ", title.split(" - ")[0]).strip().strip("'")[:31].strip()
    return name if name and name != "Document control" else "Table"


# --- the document-control sheet -------------------------------------------------------------


def _document_control(sheet: Sheet, report: Report, paper: str) -> None:
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 90
    _paper(sheet, paper)
    _running_header(sheet, report)
    title_style: XCell = WriteOnlyCell(sheet)
    title_style.font = Font(bold=True, size=14)
    label_style: XCell = WriteOnlyCell(sheet)
    label_style.font = Font(bold=True)
    label_style.alignment = Alignment(vertical="top")
    wrap_style: XCell = WriteOnlyCell(sheet)
    wrap_style.alignment = Alignment(wrap_text=True, vertical="top")

    sheet.append([_styled(sheet, report.title, title_style._style)])
    sheet.append([])
    # "As at" a day (a date) or "Generated" at a moment (with its time), as in the PDF.
    label = dated(report.generated)[0]
    moment = report.generated.date() if label == "As at" else report.generated
    given = {str(k) for k, _ in report.document_control}
    pairs: list[tuple[str, Any]] = [] if label in given else [(label, moment)]
    if report.marking:
        pairs.append(("Protective marking", report.marking))
    pairs.extend(report.document_control)
    for label, value in pairs:
        sheet.append([_styled(sheet, label, label_style._style),
                      _styled(sheet, value, wrap_style._style)])
    for note in report.notes:
        sheet.append([])
        sheet.append([None, _styled(sheet, note, wrap_style._style)])


# --- fixed-time zip -------------------------------------------------------------------------


def _utc(moment: datetime) -> datetime:
    """Naive UTC, as the xlsx core properties expect."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.replace(microsecond=0)


class _FixedTimeZip(ZipFile):
    """A zip whose every entry is stamped with one given moment instead of "now" (or a temp
    file's mtime), so the same workbook gives the same bytes. openpyxl's ExcelWriter writes
    its parts in a fixed order through ``writestr`` and ``write``."""

    def __init__(self, file: io.BytesIO, moment: datetime) -> None:
        super().__init__(file, "w", ZIP_DEFLATED, allowZip64=True)
        # Zip times cannot precede 1980.
        self._date_time = max(moment, datetime(1980, 1, 1)).timetuple()[:6]

    def _info(self, name: str) -> ZipInfo:
        info = ZipInfo(name, date_time=self._date_time)
        info.compress_type = ZIP_DEFLATED
        info.external_attr = 0o600 << 16
        return info

    def writestr(self, zinfo_or_arcname: str | ZipInfo, data: Any,
                 *args: Any, **kwargs: Any) -> None:
        if isinstance(zinfo_or_arcname, str):
            zinfo_or_arcname = self._info(zinfo_or_arcname)
        super().writestr(zinfo_or_arcname, data, *args, **kwargs)

    def write(self, filename: Any, arcname: Any = None, *args: Any, **kwargs: Any) -> None:
        info = self._info(str(arcname if arcname is not None else filename))
        info.file_size = os.path.getsize(filename)
        with open(filename, "rb") as source, self.open(info, "w") as target:
            shutil.copyfileobj(source, target, 1 << 20)


__all__: Sequence[str] = ("write_xlsx",)
