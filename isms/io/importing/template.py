"""A blank asset workbook for departments: header, help row, drop-downs and an example."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

from ..files import write_atomically
from ..workbook_marking import mark_workbook
from .fields import ASSET_FIELDS, help_text

#: Rows the drop-downs cover (a department list is rarely longer).
_ROWS = 5000
_EXAMPLE = {
    "ref": "ENV-0042",
    "name": "Highways defect reports",
    "asset_type": "information",
    "description": "Reports of potholes and defects from the public and inspectors",
    "owner": "",
    "custodian": "",
    "location": "Highways management system",
    "confidentiality": "2",
    "integrity": "3",
    "availability": "3",
    "personal_data": "Yes",
    "special_category": "No",
    "status": "active",
    "next_review": "31/03/2027",
}


def write_template(
    path: Path,
    *,
    markings: Sequence[str],
    departments: Sequence[str],
    department: str | None = None,
    marking: str = "",
) -> Path:
    """Columns are the asset fields except the one-cell C/I/A form; lists for every choice
    (the register's own markings and departments) live on a hidden sheet so they can be long.
    ``marking``: the protective marking printed on every sheet and kept in the properties
    (a blank template holds nothing of the register's: the scheme's lowest)."""
    # openpyxl loads here, not with the module: the CLI's import verbs all import this one.
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    fields = [f for f in ASSET_FIELDS if f.key != "cia"]
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Assets"
    lists = book.create_sheet("Lists")
    lists.sheet_state = "hidden"
    choices: dict[str, Sequence[str]] = {f.key: f.choices for f in fields if f.choices}
    choices["marking"] = markings
    choices["department"] = departments
    for column, f in enumerate(fields, start=1):
        letter = get_column_letter(column)
        header = sheet.cell(row=1, column=column, value=f.label)
        header.font = Font(bold=True, color="FFFFFF")
        header.fill = PatternFill("solid", fgColor="1F4E79")
        note = sheet.cell(row=2, column=column, value=help_text(f))
        note.font = Font(italic=True, color="555555")
        note.alignment = Alignment(wrap_text=True, vertical="top")
        example = _EXAMPLE.get(f.key, "")
        if f.key == "department":
            example = department or (departments[0] if departments else "")
        if f.key == "marking":
            example = markings[0] if markings else ""
        sheet.cell(row=3, column=column, value=example or None)
        sheet.column_dimensions[letter].width = max(14, min(40, len(f.label) + 6))
        options = choices.get(f.key)
        if options:
            for row, option in enumerate(options, start=1):
                lists.cell(row=row, column=column, value=option)
            validation = DataValidation(
                type="list",
                formula1=f"=Lists!${letter}$1:${letter}${len(options)}",
                allow_blank=True,
                showErrorMessage=True,
                errorTitle=f.label,
                error=f"Choose one of the listed values for {f.label}.",
            )
            validation.add(f"{letter}3:{letter}{_ROWS}")
            sheet.add_data_validation(validation)
    sheet.row_dimensions[2].height = 45
    sheet.freeze_panes = "A3"
    mark_workbook(book, marking)
    buffer = io.BytesIO()
    book.save(buffer)
    return write_atomically(path, buffer.getvalue())
