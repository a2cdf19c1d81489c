"""write_xlsx: read back with openpyxl - layout, values, formula payloads inert, same bytes."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from isms.io.exports.report import Column, Marked, Report
from isms.io.exports.xlsx_report import write_xlsx

GENERATED = datetime(2026, 3, 2, 9, 30)
COLUMNS = [
    Column("Ref", 10),
    Column("Name", 30, wrap=True),
    Column("Level", 12),
    Column("Next review", 12, "date"),
    Column("Score", 6, "number"),
]
PAYLOADS = ['=HYPERLINK("http://evil.example/x","click")', "+1+1", "-2+3", "@SUM(A1:A2)",
            "\t=1+1", "\r=1+1", "=1+1"]


def _rows(n: int) -> Iterator[list[Any]]:
    for k in range(n):
        yield [f"R-{k:04d}", f"Risk <{k}> & co", Marked("High", "#e07020") if k % 2 else "Low",
               date(2026, 1, 1 + k % 28), k]


def _report(rows: Any, n: int | None = None) -> Report:
    return Report("Risk register - Finance & Resources", COLUMNS, rows, GENERATED, n,
                  [("Version", "1.2"), ("Owner", "Olive Owner")], "OFFICIAL-SENSITIVE",
                  ["Levels: Low, Medium, High."])


def test_layout_values_and_print_setup(tmp_path: Path) -> None:
    path = tmp_path / "register.xlsx"
    progress: list[tuple[str, int, int]] = []
    assert write_xlsx(_report(_rows(12), 12), path, lambda *a: progress.append(a)) == 12
    assert progress[-1][1:] == (12, 12)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Document control", "Risk register"]
    sheet = book["Risk register"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:E13"
    assert [sheet.column_dimensions[c].width for c in "ABCDE"] == [10, 30, 12, 12, 6]
    assert [c.value for c in sheet[1]] == ["Ref", "Name", "Level", "Next review", "Score"]
    assert sheet["A1"].font.b
    assert sheet["B2"].alignment.wrap_text and not sheet["A2"].alignment.wrap_text
    assert [c.value for c in sheet[2]] == ["R-0000", "Risk <0> & co", "Low",
                                           datetime(2026, 1, 1), 0]
    assert sheet["D2"].is_date and "yy" in sheet["D2"].number_format
    high = sheet["C3"]
    assert high.value == "High" and high.fill.fgColor.rgb == "00E07020"
    assert sheet["C2"].fill.fill_type is None
    assert [sheet.cell(r, 1).value for r in range(2, 14)] == [f"R-{k:04d}" for k in range(12)]
    assert sheet.print_title_rows == "$1:$1"
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
    assert sheet.oddHeader.left.text == "Risk register - Finance && Resources"
    assert sheet.oddHeader.right.text == "OFFICIAL-SENSITIVE"
    assert sheet.oddFooter.center.text == "Page &P of &N"
    control = book["Document control"]
    texts = [c.value for row in control.iter_rows() for c in row if c.value is not None]
    assert texts[:2] == ["Risk register - Finance & Resources", "Generated"]
    for expected in ("Version", "1.2", "Olive Owner", "OFFICIAL-SENSITIVE",
                     "Levels: Low, Medium, High.", GENERATED):
        assert expected in texts
    assert book.properties.created == GENERATED == book.properties.modified


@pytest.mark.parametrize("wrap", [False, True])
def test_formula_payloads_stay_text(tmp_path: Path, wrap: bool) -> None:
    path = tmp_path / "hostile.xlsx"
    columns = [Column("Name", 20, wrap=wrap), Column("Level", 10)]
    rows = [[p, Marked(p, "#c62828")] for p in PAYLOADS] + [["bell\x07 in text", None]]
    write_xlsx(Report("Hostile", columns, rows, GENERATED), path)
    sheet = openpyxl.load_workbook(path)["Hostile"]
    for r, payload in enumerate(PAYLOADS, start=2):
        for c in (1, 2):
            cell = sheet.cell(r, c)
            assert cell.data_type == "s" and cell.value == payload, (r, c, cell.value)
    # The control character XML cannot hold is kept as Office writes it (Excel and the
    # importer read "_x0007_" back as the character; openpyxl shows the escape).
    assert sheet.cell(len(PAYLOADS) + 2, 1).value == "bell_x0007_ in text"
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            assert b"<f>" not in archive.read(name), name


def test_same_report_same_bytes(tmp_path: Path) -> None:
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    write_xlsx(_report(_rows(300)), first)
    write_xlsx(_report(_rows(300)), second)
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as archive:
        assert {i.date_time for i in archive.infolist()} == {(2026, 3, 2, 9, 30, 0)}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.xlsx", "b.xlsx"]  # no leftovers


def test_empty_report(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    assert write_xlsx(_report([]), path) == 0
    sheet = openpyxl.load_workbook(path).worksheets[1]
    assert sheet.max_row == 1 and sheet.auto_filter.ref == "A1:E1"
