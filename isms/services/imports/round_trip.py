"""A department's round-trip workbook coming back (``isms export assets --for-import``, edited,
then ``isms import assets``): a comparison rather than a plain import.

Each row is compared with the same row as it was exported (the stamp the workbook carries):
the cells the department changed, before -> after. A row whose asset the register changed since
the export (its version is not the stamped one) is a CONFLICT: it is never written unless it is
accepted by its row number, and then only the cells the department changed are written, so the
register's own later change to another cell stays. Accepted rows go through the asset import
(one batch, ``isms import undo`` takes it back).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from isms.errors import ConflictError, ValidationError
from isms.io.exports.asset_table import COLUMNS, asset_rows
from isms.io.importing.mapping import Mapping, column_letter
from isms.io.importing.plan import ImportPlan, Issue, RowVerdict
from isms.io.importing.sheet import SheetData
from isms.io.importing.stamp import STAMP_SHEET, Stamp, StampError, cell_text, read_stamp
from isms.io.readers import SourceFile
from isms.model import Asset, Department, RegisterSetting
from isms.services.imports.assets import ASSET_TARGETS, apply_plan, plan_assets
from isms.services.imports.batch_writer import ImportResult, lock_departments

#: Header label of the exported workbook -> import field key.
_FIELD_OF = {f.label: f.key for f in COLUMNS}

#: What a row of the comparison is, in the order they are listed.
STATUSES = ("conflict", "error", "changed", "new", "unchanged")


@dataclass(frozen=True)
class CellChange:
    column: str  # the column's header, as the workbook shows it
    before: str
    after: str

    def as_json(self) -> dict[str, str]:
        return {"column": self.column, "before": self.before, "after": self.after}


@dataclass
class ComparedRow:
    row: int  # the row number in the department's sheet
    ref: str  # "" for a row the department added
    name: str
    status: str  # one of STATUSES
    #: The row's cells as the file has them, in the stamp's column order (comparison form).
    cells: tuple[str, ...] = ()
    #: The cells the department changed: as exported -> as the file has them now.
    changes: list[CellChange] = field(default_factory=list)
    #: For a conflict: what the register changed since the export (as exported -> now).
    register_changes: list[CellChange] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    verdict: RowVerdict | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "row": self.row, "ref": self.ref, "name": self.name, "status": self.status,
            "changes": [c.as_json() for c in self.changes],
            "register_changes": [c.as_json() for c in self.register_changes],
            "problems": self.problems,
        }


@dataclass
class Comparison:
    stamp: Stamp
    plan: ImportPlan
    rows: list[ComparedRow]
    #: References exported that the file no longer has (rows deleted): never retired by this.
    missing: list[str]

    @property
    def counts(self) -> dict[str, int]:
        tally = {status: 0 for status in STATUSES}
        for row in self.rows:
            tally[row.status] += 1
        return {"rows": len(self.rows), "update": tally["changed"], **tally,
                "missing": len(self.missing)}

    def row(self, number: int) -> ComparedRow:
        for row in self.rows:
            if row.row == number:
                return row
        listed = ", ".join(str(r.row) for r in self.rows if r.status != "unchanged") or "none"
        raise ValidationError(
            f"Row {number} is not a row of the comparison (rows with something to take: {listed}).",
            field="rows",
        )


def stamp_of(source: SourceFile) -> Stamp | None:
    """The round-trip stamp of an opened workbook, or None when it has none."""
    if not any(s.name == STAMP_SHEET for s in source.sheets):
        return None
    try:
        return read_stamp(cells for _, cells in source.rows(STAMP_SHEET))
    except StampError as error:
        raise ValidationError(f"{source.path.name}: {error}.", field="file") from None


def _check_register(session: Session, stamp: Stamp, file_name: str) -> None:
    setting = session.get(RegisterSetting, "register")
    about = setting.value if setting is not None else {}
    if (str(about.get("name") or ""), str(about.get("created_at") or "")) != (
        stamp.register, stamp.register_created
    ):
        raise ValidationError(
            f"{file_name} was exported from the register '{stamp.register}' (created "
            f"{stamp.register_created[:10]}), not from this one: import it into that register, "
            "or as a new file without its round-trip sheet.", field="file")


def _department(session: Session, stamp: Stamp, given: int | None, file_name: str) -> int | None:
    if not stamp.department:
        return given
    found = session.execute(
        select(Department.id).where(Department.code == stamp.department)
    ).scalar_one_or_none()
    if found is None:
        raise ValidationError(
            f"{file_name} is the export of department {stamp.department}, which is no longer in "
            "the register.", field="department")
    if given is not None and given != found:
        raise ValidationError(
            f"{file_name} is the export of department {stamp.department}: import it for that "
            "department (or without --department).", field="department")
    return found


def compare(
    session: Session, sheet: SheetData, stamp: Stamp, department_id: int | None = None
) -> Comparison:
    """The comparison of a round-trip workbook's sheet (as ``files.prepare`` read it) with its
    stamp and with the register; writes nothing."""
    file_name = sheet.file_name
    _check_register(session, stamp, file_name)
    department = _department(session, stamp, department_id, file_name)
    names = sheet.header.names
    mapping: Mapping = {i: _FIELD_OF[n] for i, n in enumerate(names) if n in _FIELD_OF}
    if not {"ref", "name"} <= set(mapping.values()):
        raise ValidationError(
            f"{file_name}: the round-trip sheet has lost its 'Asset reference' or 'Asset name' "
            "heading; export the department again.", field="mapping")
    raw = list(sheet.rows)
    sheet.rows = iter(raw)
    plan = plan_assets(session, sheet, mapping, department)
    cells_of = dict(raw)
    index_of = {n: i for i, n in enumerate(names) if n in _FIELD_OF}
    letters = {label: column_letter(i) for label, i in index_of.items()}

    def file_cells(number: int) -> tuple[str, ...]:
        cells = cells_of.get(number, [])
        return tuple(
            cell_text(cells[index_of[label]]) if label in index_of
            and index_of[label] < len(cells) else ""
            for label in stamp.columns
        )

    stamped_ids = [s.record_id for s in stamp.rows.values()]
    versions = _versions(session, stamped_ids)
    rows: list[ComparedRow] = []
    seen: set[str] = set()
    for verdict in plan.rows:
        cells = file_cells(verdict.row)
        ref = cells[0] if cells else ""
        row = ComparedRow(verdict.row, ref, str(verdict.values.get("name") or ""), "unchanged",
                          cells, verdict=verdict)
        rows.append(row)
        stamped = stamp.rows.get(ref.lower()) if ref else None
        if ref and stamped is None:
            row.status = "error"
            row.problems.append(
                f"{ref} was not in this export: references come from the register (leave the "
                "reference blank for a new asset)")
            continue
        if stamped is None:
            _new_row(row, verdict)
            row.changes = [CellChange(label, "", after)
                           for label, after in zip(stamp.columns, cells, strict=True) if after]
            continue
        seen.add(ref.lower())
        row.changes = [CellChange(label, before, after) for label, before, after
                       in zip(stamp.columns, stamped.cells, cells, strict=True) if before != after]
        if not row.changes:
            continue
        changed_letters = {letters.get(c.column) for c in row.changes}
        row.problems = [i.describe() for i in verdict.issues
                        if not i.warning and (not i.column or i.column in changed_letters)]
        row.problems += [f"column {letters.get(c.column, '')} ({c.column}) was emptied: give a "
                         "value" for c in row.changes
                         if not c.after and _FIELD_OF[c.column] not in _CLEARABLE]
        if versions.get(stamped.record_id) != stamped.version:
            row.status = "conflict"
        else:
            row.status = "error" if row.problems else "changed"
    conflicts = {stamp.rows[r.ref.lower()].record_id: r for r in rows if r.status == "conflict"}
    for record_id, _version, now in asset_rows(session, None, True, ids=list(conflicts)):
        row = conflicts.pop(record_id)
        stamped = stamp.rows[row.ref.lower()]
        row.register_changes = [
            CellChange(label, before, cell_text(after)) for label, before, after
            in zip(stamp.columns, stamped.cells, now, strict=True) if before != cell_text(after)]
    for row in conflicts.values():  # no longer in the register at all (an import undone)
        row.status = "error"
        row.problems.append(f"{row.ref} is no longer in the register")
    missing = [s.cells[0] for key, s in stamp.rows.items() if key not in seen and s.cells]
    return Comparison(stamp, plan, rows, missing)


def _new_row(row: ComparedRow, verdict: RowVerdict) -> None:
    """A row the department added (no reference): a new asset, unless its name is taken."""
    row.problems = [i.describe() for i in verdict.issues if not i.warning]
    if verdict.record_id is not None:
        row.problems.append(
            f"an asset called {row.name} is already in the register: change its own row instead")
    row.status = "error" if row.problems else "new"


def _versions(session: Session, ids: list[int]) -> dict[int, int]:
    found: dict[int, int] = {}
    for start in range(0, len(ids), 5000):
        found.update({i: v for i, v in session.execute(
            select(Asset.id, Asset.version).where(Asset.id.in_(ids[start : start + 5000])))})
    return found


def flag_conflicts(session: Session, source: SourceFile, plan: ImportPlan) -> None:
    """For a round-trip workbook read as a plain asset import (the import wizard): a row that
    would change an asset the register changed since the export is an error, so the register's
    change is never overwritten silently by the exported value."""
    stamp = stamp_of(source)
    if stamp is None:
        return
    versions = _versions(session, [s.record_id for s in stamp.rows.values()])
    for verdict in plan.rows:
        ref = str(verdict.values.get("ref") or "").lower()
        stamped = stamp.rows.get(ref)
        if stamped is None or verdict.action != "update":
            continue
        if versions.get(stamped.record_id) != stamped.version:
            verdict.issues.append(Issue(
                "", "", f"CONFLICT: {verdict.values['ref']} was changed in the register after "
                f"this file was exported ({stamp.exported_at[:10]}); `isms import assets FILE "
                "--dry-run` compares the file cell by cell"))


# --- taking rows ----------------------------------------------------------------------------


def parse_rows(text: str) -> set[int]:
    """Row numbers as a person writes them: "4, 7-9 12" -> {4, 7, 8, 9, 12}."""
    numbers: set[int] = set()
    for part in text.replace(",", " ").split():
        first, dash, last = part.partition("-")
        try:
            start, end = int(first), int(last) if dash else int(first)
        except ValueError:
            raise ValidationError(
                f"'{part}' is not a row number or a range such as 7-9.", field="rows") from None
        if start < 1 or end < start:
            raise ValidationError(f"'{part}' is not a range of rows.", field="rows")
        numbers.update(range(start, end + 1))
    return numbers


def chosen_rows(
    comparison: Comparison, accept: set[int] | None, reject: Iterable[int], valid_only: bool
) -> list[ComparedRow]:
    """The rows an apply takes. ``accept`` None: every changed and new row (never a conflict);
    else those rows, conflicts included (naming a conflict is the decision to overwrite). Rows in
    ``reject`` are left out. A row with errors among them refuses the whole file, unless
    ``valid_only`` (default choice only) or it is rejected."""
    rejected = set(reject)
    for number in rejected | (accept or set()):
        comparison.row(number)  # a mistyped row number is refused, not ignored
    if accept is None:
        errors = [r for r in comparison.rows if r.status == "error" and r.row not in rejected]
        if errors and not valid_only:
            first = errors[0]
            raise ValidationError(
                f"{comparison.plan.file_name}: {len(errors)} row(s) have errors, so nothing was "
                f"imported. First: row {first.row}, {'; '.join(first.problems)}. Fix them, "
                "--reject those rows, or import the valid rows only.", field="rows")
        return [r for r in comparison.rows
                if r.status in ("changed", "new") and r.row not in rejected]
    taken = []
    for number in sorted(accept - rejected):
        row = comparison.row(number)
        if row.status == "error":
            raise ValidationError(f"Row {number} cannot be taken: {'; '.join(row.problems)}.",
                                  field="rows")
        if row.status != "unchanged":
            taken.append(row)
    return taken


def apply_comparison(
    session: Session,
    comparison: Comparison,
    rows: list[ComparedRow],
    *,
    progress: Callable[[str, int, int], None] | None = None,
) -> ImportResult:
    """Write the chosen rows as one asset import batch (the caller commits): a changed row
    writes only the cells the department changed; a new row becomes a pending asset.

    A row that was not a conflict when compared but whose asset changed since is refused with
    the whole file: the comparison is out of date."""
    plan = comparison.plan
    verdicts = [_restricted(row) for row in rows]
    only = replace(plan, rows=verdicts)
    lock_departments(session, only)
    versions = _versions(session, [comparison.stamp.rows[r.ref.lower()].record_id
                                   for r in rows if r.status == "changed"])
    stale = [r.ref for r in rows if r.status == "changed"
             and versions.get(comparison.stamp.rows[r.ref.lower()].record_id)
             != comparison.stamp.rows[r.ref.lower()].version]
    if stale:
        raise ConflictError(
            f"{', '.join(stale[:5])} changed in the register since the comparison was made; "
            "nothing was imported. Compare the file again.",
            record="assets", yours=None, theirs=None)
    return apply_plan(session, only, progress=progress)


#: Fields a department may empty in its file, and what the asset then holds.
_CLEARABLE: dict[str, Any] = {"description": "", "location": "", "owner": None,
                              "custodian": None, "marking": None, "next_review": None}


def _restricted(row: ComparedRow) -> RowVerdict:
    """The row's verdict carrying only what the department changed (a new row: everything)."""
    verdict = row.verdict
    assert verdict is not None
    if row.status == "new":
        return verdict
    keys = {ASSET_TARGETS.get(_FIELD_OF[c.column], _FIELD_OF[c.column]) for c in row.changes}
    values = {k: v for k, v in verdict.values.items() if k in keys}
    for change in row.changes:  # an emptied cell empties the field (blank is not "not given")
        key = _FIELD_OF[change.column]
        if not change.after and key in _CLEARABLE:
            values[ASSET_TARGETS.get(key, key)] = _CLEARABLE[key]
    values["ref"] = verdict.values.get("ref", row.ref)
    if "department_id" in verdict.values:
        values["department_id"] = verdict.values["department_id"]
    return replace(verdict, values=values, issues=[i for i in verdict.issues if i.warning],
                   changes={})
