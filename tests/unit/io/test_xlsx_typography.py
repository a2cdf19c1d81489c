"""Spreadsheets that sort and print (issue 17, 10): clause numbers sort in clause order, a wide
table prints on A3 landscape like its PDF at a readable size, and a document dated by a day
says "As at" (never a 00:00 time)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import openpyxl

from isms.io.exports.page_rules import clause_key, is_wide
from isms.io.exports.report import Column, Report
from isms.io.exports.xlsx_report import write_xlsx

AS_OF = datetime(2026, 12, 7)
#: The council-wide SoA's columns (isms.services.soa.document): ~340 characters wide.
SOA_LIKE = [Column("Control", 8, "clause"), Column("Title", 33, wrap=True),
            Column("Theme", 17), Column("Applicable", 20, wrap=True),
            *(Column(f"Text {k}", 30, wrap=True) for k in range(5)),
            Column("Implementation status", 16, wrap=True), Column("Target date", 11, "date"),
            Column("Evidence", 18, wrap=True), Column("Control owner", 18, wrap=True),
            Column("Last review", 11, "date"), Column("Next review", 11, "date"),
            Column("Departments", 34, wrap=True)]
ORDER = ["5.1", "5.2", "5.9", "5.10", "5.37", "6.1", "8.2", "8.34"]


def _soa_like(tmp_path: Path) -> Path:
    rows = [[ref, "Policies", "Organizational", "Yes", *(["some text"] * 5), "implemented",
             date(2027, 1, 1), "EV-0001", "Aisha James", None, None, "ASC"]
            for ref in sorted(ORDER)]  # as text sorts them: 5.1, 5.10, 5.2, ...
    path = tmp_path / "soa.xlsx"
    write_xlsx(Report("Statement of Applicability - council", SOA_LIKE, rows, AS_OF, len(rows),
                      [("Scope", "Whole council")], "OFFICIAL-SENSITIVE"), path)
    return path


def test_control_numbers_sort_in_clause_order(tmp_path: Path) -> None:
    assert clause_key("5.10") > clause_key("5.9") > clause_key("5.2") > clause_key("5.1")
    assert clause_key("A.8.2.3") == 8.002003 and clause_key("none") is None
    sheet = openpyxl.load_workbook(_soa_like(tmp_path))["Statement of Applicability"]
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["Control", "Control order", "Title"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    keys = [row[1] for row in rows]
    assert all(isinstance(k, float) for k in keys)
    # Sorting the sheet by the key column (what the filter's "sort smallest to largest"
    # does) puts the controls in clause order.
    assert [row[0] for row in sorted(rows, key=lambda r: r[1])] == ORDER
    assert sheet["B2"].number_format == "0.000"
    assert sheet["C2"].value == "Policies"  # the rest of the row is where it was, one along


def test_a_wide_table_prints_a3_landscape_fit_to_width_at_a_readable_size(
        tmp_path: Path) -> None:
    assert is_wide(SOA_LIKE)
    book = openpyxl.load_workbook(_soa_like(tmp_path))
    for sheet in book.worksheets:
        assert sheet.page_setup.paperSize == 8, sheet.title  # A3, like the PDF
        assert sheet.page_setup.orientation == "landscape"
    sheet = book["Statement of Applicability"]
    assert sheet.page_setup.fitToWidth == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage
    # What fitting to the width prints the 11 pt cell text at: Excel's column widths are in
    # characters of 7 pixels, plus 5 pixels of padding, at 0.75 points a pixel.
    widths = [sheet.column_dimensions[c.column_letter].width for c in sheet[1]]
    table = sum((7 * w + 5) * 0.75 for w in widths)
    paper = 420 / 25.4 * 72 - 72 * (sheet.page_margins.left + sheet.page_margins.right)
    printed = 11 * min(1.0, paper / table)
    assert printed >= 7.5, printed
    assert all(w >= 8 for w in widths)


def test_a_document_dated_by_a_day_says_as_at(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(_soa_like(tmp_path))
    control = book["Document control"]
    pairs = {row[0].value: row[1].value for row in control.iter_rows(min_row=3)
             if row[0].value}
    assert "Generated" not in pairs and pairs["As at"] == datetime(2026, 12, 7)
    assert control["B3"].number_format == "yyyy-mm-dd"
    for sheet in book.worksheets:
        assert sheet.oddFooter.right.text == "As at 2026-12-07"
