"""Department files as they really arrive, built with openpyxl (or as text) inside the tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook


def two_row_header_workbook(path: Path, rows: list[list[Any]]) -> Path:
    """A title row merged across, a header over two rows under merged group titles, a hidden
    sheet before the data sheet and a visible notes sheet after it.

    Columns: A Asset (name) · B-C Ownership: IAO, Custodian · D-F CIA Ratings: C, I, A ·
    G Where held · H Comments (no synonym: the mapping leaves it out until the user maps it).
    """
    book = Workbook()
    lookups = book.active
    assert lookups is not None
    lookups.title = "Lookups"
    lookups.sheet_state = "hidden"
    for value in ("Marking", "OFFICIAL", "OFFICIAL-SENSITIVE"):
        lookups.append([value])
    sheet = book.create_sheet("Assets")
    sheet.append(["Environment — information asset register (v3, March 2025)"])
    sheet.append(["Asset", "Ownership", None, "CIA Ratings", None, None, "Where held",
                  "Comments"])
    sheet.append([None, "IAO", "Custodian", "C", "I", "A", None, None])
    for cells in ("A1:H1", "A2:A3", "B2:C2", "D2:F2", "G2:G3", "H2:H3"):
        sheet.merge_cells(cells)
    for row in rows:
        sheet.append(row)
    book.create_sheet("Notes").append(["Return to the SMG by 31 March"])
    book.save(path)
    return path


def semicolon_csv(path: Path, header: list[str], rows: list[list[Any]]) -> Path:
    """CSV as Excel writes it on a UK/European Windows: Windows-1252, ';' between values."""
    lines = [";".join(header)] + [";".join("" if v is None else str(v) for v in r) for r in rows]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    return path
