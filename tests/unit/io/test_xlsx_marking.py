"""An exported workbook carries its protective marking on every printed page of every sheet,
the document control included, and in the file's properties (issue 17, 8)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import openpyxl

from isms.io.exports.report import Column, Report
from isms.io.exports.xlsx_report import write_xlsx


def test_every_sheet_prints_the_marking_and_the_file_properties_hold_it(tmp_path: Path) -> None:
    report = Report(title="Risk register - Finance & Audit", columns=[Column("Ref")],
                    rows=[["R-0001"]], generated=datetime(2026, 11, 25),
                    marking="OFFICIAL-SENSITIVE")
    path = tmp_path / "register.xlsx"
    write_xlsx(report, path)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[0] == "Document control" and len(book.sheetnames) == 2
    for sheet in book.worksheets:
        header, footer = sheet.oddHeader, sheet.oddFooter
        assert header is not None and footer is not None, sheet.title
        assert header.right.text == "OFFICIAL-SENSITIVE", sheet.title
        assert footer.left.text == "OFFICIAL-SENSITIVE", sheet.title
        assert header.left.text == "Risk register - Finance && Audit"
    assert book.properties.category == "OFFICIAL-SENSITIVE"
    assert book.properties.keywords == "OFFICIAL-SENSITIVE"
    assert book.properties.subject == "OFFICIAL-SENSITIVE"
