"""write_pdf: read back with pypdf, checked with qpdf, same bytes twice."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pypdf import PdfReader

from isms.io.exports.pdf_report import CHUNK_ROWS, write_pdf
from isms.io.exports.report import Column, Marked, Report

GENERATED = datetime(2026, 3, 2, 9, 30)
COLUMNS = [Column("Ref", 8), Column("Title", 40, wrap=True), Column("Level", 10),
           Column("Next review", 12, "date"), Column("Owner", 14)]


def qpdf_check(path: Path) -> None:
    """qpdf's structural check of a PDF (install qpdf: apt-get install qpdf)."""
    qpdf = shutil.which("qpdf")
    assert qpdf, "qpdf is not installed (apt-get install qpdf)"
    done = subprocess.run([qpdf, "--check", str(path)], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def page_texts(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


def _rows(n: int) -> Iterator[list[Any]]:
    for k in range(n):
        yield [f"R-{k:04d}", f"Risk <b>{k}</b> & co " + "long words " * (k % 7),
               Marked("Very high", "#c62828") if k % 3 == 0 else "Low",
               date(2026, 1, 1 + k % 28), None]


def _report(n: int) -> Report:
    return Report("Risk register - Finance", COLUMNS, _rows(n), GENERATED, n,
                  [("Version", "1.2"), ("Approver", "Sam Siro")], "OFFICIAL-SENSITIVE",
                  ["Levels: Low < Very high."])


def test_rows_in_order_with_header_and_footer_on_every_page(tmp_path: Path) -> None:
    path = tmp_path / "register.pdf"
    rows = 2 * CHUNK_ROWS + 50  # three table pieces
    assert write_pdf(_report(rows), path) == rows
    qpdf_check(path)
    texts = page_texts(path)
    pages = len(texts)
    assert pages > 3
    assert texts[0].startswith("Risk register - Finance")
    for expected in ("Version", "1.2", "Sam Siro", "Generated", "2026-03-02 09:30"):
        assert expected in texts[0]
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} of {pages}" in text
        assert "OFFICIAL-SENSITIVE" in text
        # The column header, once on every page (pieces that follow on mid-page go without).
        assert text.count("Ref\nTitle\nLevel\nNext review\nOwner") == 1, number
    refs = re.findall(r"R-\d{4}", "\n".join(texts))
    assert refs == [f"R-{k:04d}" for k in range(rows)]
    assert "Risk <b>7</b> & co" in "\n".join(texts)  # escaped, not parsed as markup
    assert "Levels: Low < Very high." in texts[-1]
    info = PdfReader(path).metadata
    assert info is not None and info["/CreationDate"].startswith("D:20260302093000")


def test_same_report_same_bytes(tmp_path: Path) -> None:
    first, second = tmp_path / "a.pdf", tmp_path / "b.pdf"
    write_pdf(_report(230), first)
    write_pdf(_report(230), second)
    assert first.read_bytes() == second.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.pdf", "b.pdf"]


def test_empty_report_and_hostile_text(tmp_path: Path) -> None:
    path = tmp_path / "empty.pdf"
    assert write_pdf(Report("Empty <&>", COLUMNS, [], GENERATED), path) == 0
    qpdf_check(path)
    text = page_texts(path)[0]
    assert "Empty <&>" in text and "No entries." in text and "Page 1 of 1" in text
    odd = tmp_path / "odd.pdf"
    rows = [["R-1", "ctrl\x07char </para> <font", Marked("x", "#000000"), None, "a\nb"]]
    assert write_pdf(Report("Odd", COLUMNS, rows, GENERATED), odd) == 1
    qpdf_check(odd)
    assert "ctrlchar </para> <font" in page_texts(odd)[0]


def _page_mm(path: Path) -> list[tuple[int, int]]:
    """Each page's (width, height) in whole millimetres."""
    return [(round(float(page.mediabox.width) / 72 * 25.4),
             round(float(page.mediabox.height) / 72 * 25.4)) for page in PdfReader(path).pages]


def test_a_wide_table_goes_on_a3_landscape_with_whole_header_words(tmp_path: Path) -> None:
    # An SoA-like table: 17 columns, ~300 characters. "Control" is given far too small a
    # share to hold its header, and the wrap columns give it room.
    columns = [Column("Control", 3), Column("Implementation status", 8),
               Column("Justification for exclusion", 10, wrap=True)]
    columns += [Column(f"Field {k}", 18, wrap=True) for k in range(14)]
    rows = [["5.1", "partially implemented", "Not used", *(["some text"] * 14)]] * 40
    path = tmp_path / "wide.pdf"
    write_pdf(Report("Wide", columns, rows, GENERATED, marking="OFFICIAL"), path)
    qpdf_check(path)
    assert set(_page_mm(path)) == {(420, 297)}  # A3 landscape
    first = page_texts(path)[0]
    for word in ("Control", "Implementation", "Justification", "exclusion"):
        assert re.search(rf"\b{word}\b", first), word
    # The table starts on page 1, under the document-control block.
    assert "5.1" in first


def test_a_register_sized_table_stays_on_a4_landscape(tmp_path: Path) -> None:
    columns = [Column(f"Column {k}", 15, wrap=k % 2 == 0) for k in range(10)]
    path = tmp_path / "narrow.pdf"
    write_pdf(Report("Narrow", columns, [[f"v{k}" for k in range(10)]], GENERATED), path)
    qpdf_check(path)
    assert _page_mm(path) == [(297, 210)]  # A4 landscape


def test_a_row_taller_than_a_page_is_split_across_pages_not_refused(tmp_path: Path) -> None:
    """A control chosen by hundreds of risks lists them all: the row continues on the next
    page under the repeated header instead of failing the export."""
    refs = ", ".join(f"R-{n:04d}" for n in range(1, 1201))
    columns = [Column("Control", 8), Column("Linked risks", 20, wrap=True),
               Column("Status", 12)]
    report = Report("Statement of Applicability - tall rows", columns,
                    [["5.1", "few", "implemented"], ["5.2", refs, "planned"],
                     ["5.3", "few", "implemented"]],
                    datetime(2026, 3, 2), 3, marking="OFFICIAL")
    out = tmp_path / "tall.pdf"
    write_pdf(report, out)
    qpdf_check(out)
    pages = page_texts(out)
    assert len(pages) > 2
    text = "\n".join(pages)
    assert "R-0001" in text and "R-1200" in text and "5.3" in text
    assert all("Linked risks" in page for page in pages[1:])
