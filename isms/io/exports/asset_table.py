"""The asset register as a spreadsheet whose columns the importer recognises, so a department
can be sent its assets, correct them, and send them back (export -> edit -> import).

An .xlsx is a round-trip file: the references are locked against editing (sheet protection, the
other cells and new rows left editable) and a very hidden sheet stamps the register, the
department, the time and each row as exported with its record's version (``importing.stamp``),
so that the file coming back is shown as a comparison, with conflicts where the register
changed meanwhile.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from ...model import (
    Asset,
    AssetStatus,
    ClassificationMarking,
    Department,
    Person,
    RegisterSetting,
)
from ...model.base import utcnow
from ..cells import csv_text, xlsx_cell
from ..files import write_atomically
from ..importing.fields import ASSET_FIELDS
from ..importing.mapping import column_letter
from ..importing.stamp import STAMP_SHEET, Stamp, stamp_rows
from .report import producer

#: The import fields exported, in order (C/I/A in one cell is an import convenience only).
COLUMNS = tuple(f for f in ASSET_FIELDS if f.key != "cia")
_CHUNK = 5000


def asset_rows(
    session: Session,
    department: int | None,
    include_retired: bool,
    ids: list[int] | None = None,
) -> Iterator[tuple[int, int, list[Any]]]:
    """(asset id, version, the row's cells in COLUMNS order) per asset, by reference; ``ids``:
    only these assets (whatever their department or status)."""
    owner, custodian = aliased(Person), aliased(Person)
    query = (
        select(
            Asset.id,
            Asset.version,
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
    if ids is not None:
        query = query.where(Asset.id.in_(ids))
    else:
        if department is not None:
            query = query.where(Asset.department_id == department)
        if not include_retired:
            query = query.where(Asset.status != AssetStatus.RETIRED)
    for row in session.execute(query):
        values = list(row[2:])
        values[12] = "Yes" if values[12] else "No"
        values[13] = "Yes" if values[13] else "No"
        yield row[0], row[1], [v if v != "" else None for v in values]


def new_stamp(session: Session, department: int | None) -> Stamp:
    """The stamp of an export taken now: the register, the department, when and by whom."""
    setting = session.get(RegisterSetting, "register")
    about = setting.value if setting is not None else {}
    found = session.get(Department, department) if department is not None else None
    return Stamp(
        register=str(about.get("name") or ""),
        register_created=str(about.get("created_at") or ""),
        department=found.code if found is not None else "",
        exported_at=utcnow().isoformat(timespec="seconds"),
        exported_by=str(session.info.get("actor", "")),
        columns=tuple(f.label for f in COLUMNS),
    )


def write_assets(
    session: Session,
    path: Path,
    *,
    department: int | None = None,
    include_retired: bool = False,
    progress: Callable[[str, int, int], None] | None = None,
    marking: str = "",
) -> int:
    """Write the assets to ``path`` (.xlsx or .csv by its suffix); returns the row count.

    The file appears complete or not at all (written aside, then renamed). ``marking`` is the
    protective marking: a CSV's first line ("# OFFICIAL-SENSITIVE", which the importer's header
    search steps over), the workbook's printed header and footer and its properties.
    """
    headers = [f.label for f in COLUMNS]
    count = 0
    if path.suffix.lower() == ".csv":
        text = io.StringIO(newline="")
        if marking:
            text.write(f"# {marking}\r\n")
        writer = csv.writer(text)
        writer.writerow(headers)
        for count, (_, _, row) in enumerate(
            asset_rows(session, department, include_retired), start=1
        ):
            writer.writerow([csv_text(v) for v in row])
            if progress and count % _CHUNK == 0:
                progress("writing assets", count, 0)
        # UTF-8 with BOM: Excel on Windows then reads £ and accents correctly.
        write_atomically(path, text.getvalue().encode("utf-8-sig"))
        return count
    # openpyxl loads here, not with the module: importing a file reads this module's columns.
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from ..workbook_marking import mark_workbook

    book = Workbook(write_only=True)
    book.properties.creator = producer()
    sheet = book.create_sheet("Assets")
    mark_workbook(book, marking)
    sheet.freeze_panes = "A2"
    unlocked = _protect(sheet)
    bold = Font(bold=True)
    header_cells = []
    for label in headers:
        cell = xlsx_cell(sheet, label)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    stamped: list[tuple[int, int, list[Any]]] = []
    for count, (asset_id, version, row) in enumerate(
        asset_rows(session, department, include_retired), start=1
    ):
        sheet.append(_editable_row(sheet, row, unlocked))
        stamped.append((asset_id, version, row))
        if progress and count % _CHUNK == 0:
            progress("writing assets", count, 0)
    hidden = book.create_sheet(STAMP_SHEET)
    hidden.sheet_state = "veryHidden"
    for line in stamp_rows(new_stamp(session, department), stamped):
        hidden.append([xlsx_cell(hidden, v) for v in line])
    buffer = io.BytesIO()
    book.save(buffer)
    write_atomically(path, buffer.getvalue())
    return count


def _protect(sheet: Any) -> Any:
    """Lock the reference column; every other column stays editable, down to rows the
    department adds (a new asset takes its reference from the register). Returns the
    protection of an editable cell."""
    from openpyxl.styles import Protection
    from openpyxl.worksheet.dimensions import ColumnDimension

    unlocked = Protection(locked=False)
    sheet.protection.sheet = True
    # What stays allowed on the protected sheet (openpyxl: False = not protected).
    for allowed in ("formatColumns", "formatRows", "insertRows", "deleteRows", "autoFilter",
                    "sort", "selectLockedCells", "selectUnlockedCells"):
        setattr(sheet.protection, allowed, False)
    for index in range(1, len(COLUMNS)):
        letter = column_letter(index)
        dimension = ColumnDimension(sheet, index=letter, width=_WIDTH)
        dimension.protection = unlocked
        sheet.column_dimensions[letter] = dimension
    return unlocked


#: Column width of the editable columns (characters), wide enough to read a name.
_WIDTH = 22


def _editable_row(sheet: Any, row: list[Any], unlocked: Any) -> list[Any]:
    """The row's cells: the reference (first) locked, as the sheet's cells are by default."""
    cells = [xlsx_cell(sheet, v) for v in row]
    for cell in cells[1:]:
        cell.protection = unlocked
    return cells
