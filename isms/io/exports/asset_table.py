"""The asset register as a spreadsheet whose columns the importer recognises, so a department
can be sent its assets, correct them, and send them back (export -> edit -> import)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from ...model import Asset, AssetStatus, ClassificationMarking, Department, Person
from ..cells import csv_text, xlsx_cell
from ..files import write_atomically
from ..importing.fields import ASSET_FIELDS
from .report import producer

#: The import fields exported, in order (C/I/A in one cell is an import convenience only).
COLUMNS = tuple(f for f in ASSET_FIELDS if f.key != "cia")
_CHUNK = 5000


def _rows(session: Session, department: int | None, include_retired: bool) -> Iterator[list[Any]]:
    owner, custodian = aliased(Person), aliased(Person)
    query = (
        select(
            Asset.ref,
            Asset.name,
            Asset.asset_type,
            Asset.description,
            Department.code,
            owner.name,
            custodian.name,
            Asset.location,
            ClassificationMarking.label,
            Asset.confidentiality,
            Asset.integrity,
            Asset.availability,
            Asset.personal_data,
            Asset.special_category,
            Asset.status,
            Asset.next_review,
        )
        .join(Department, Asset.department_id == Department.id)
        .outerjoin(owner, Asset.owner_id == owner.id)
        .outerjoin(custodian, Asset.custodian_id == custodian.id)
        .outerjoin(ClassificationMarking, Asset.marking_id == ClassificationMarking.id)
        .order_by(Asset.ref)
        .execution_options(yield_per=_CHUNK)
    )
    if department is not None:
        query = query.where(Asset.department_id == department)
    if not include_retired:
        query = query.where(Asset.status != AssetStatus.RETIRED)
    for row in session.execute(query):
        values = list(row)
        values[12] = "Yes" if values[12] else "No"
        values[13] = "Yes" if values[13] else "No"
        yield [v if v != "" else None for v in values]


def write_assets(
    session: Session,
    path: Path,
    *,
    department: int | None = None,
    include_retired: bool = False,
    progress: Callable[[str, int, int], None] | None = None,
) -> int:
    """Write the assets to ``path`` (.xlsx or .csv by its suffix); returns the row count.

    The file appears complete or not at all (written aside, then renamed).
    """
    headers = [f.label for f in COLUMNS]
    count = 0
    if path.suffix.lower() == ".csv":
        text = io.StringIO(newline="")
        writer = csv.writer(text)
        writer.writerow(headers)
        for count, row in enumerate(_rows(session, department, include_retired), start=1):
            writer.writerow([csv_text(v) for v in row])
            if progress and count % _CHUNK == 0:
                progress("writing assets", count, 0)
        # UTF-8 with BOM: Excel on Windows then reads £ and accents correctly.
        write_atomically(path, text.getvalue().encode("utf-8-sig"))
        return count
    book = Workbook(write_only=True)
    book.properties.creator = producer()
    sheet = book.create_sheet("Assets")
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for label in headers:
        cell = xlsx_cell(sheet, label)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for count, row in enumerate(_rows(session, department, include_retired), start=1):
        sheet.append([xlsx_cell(sheet, v) for v in row])
        if progress and count % _CHUNK == 0:
            progress("writing assets", count, 0)
    buffer = io.BytesIO()
    book.save(buffer)
    write_atomically(path, buffer.getvalue())
    return count
