"""Importing a department's asset list: plan (a dry run), apply (all or nothing, or the valid
rows by explicit choice), and undo a whole batch.

Bulk rows go through Core statements in one transaction (100,000 rows in seconds); the batch
records the file, mapping, who and when, the counts, and the values it replaced, so it can be
undone while nothing has changed the assets since. The change log gets one event per batch.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, func, or_, select, update
from sqlalchemy.orm import Session

from isms.db.audit_seal import Seals
from isms.db.bulk import insert_rows, search_index_after
from isms.db.locks import lock
from isms.db.row_form import row_form
from isms.errors import ConflictError, ValidationError
from isms.io.importing import values
from isms.io.importing.fields import ASSET_FIELDS, device_headings
from isms.io.importing.mapping import Mapping, column_letter
from isms.io.importing.plan import ImportPlan, Issue, RowVerdict
from isms.io.importing.sheet import SheetData
from isms.io.importing.value_map import ValueMap
from isms.model import (
    Asset,
    AssetStatus,
    AssetType,
    HandlingPractice,
    ImportBatch,
    asset_dependency,
    risk_asset,
)
from isms.model.base import utcnow
from isms.services.assets import next_refs
from isms.services.imports import value_choices
from isms.services.imports.batch_writer import (
    ImportResult,
    close_batch,
    lock_departments,
    open_batch,
    select_rows,
)
from isms.services.imports.rows import Directory, build_columns, is_help_row, read_row

#: Fields compared with the stored asset to decide new / update / unchanged.
COMPARED = (
    "name",
    "asset_type",
    "description",
    "department_id",
    "owner_id",
    "custodian_id",
    "location",
    "marking_id",
    "confidentiality",
    "integrity",
    "availability",
    "personal_data",
    "special_category",
    "status",
    "next_review",
)


#: The asset table for Core statements (typed as a Table, which Asset.__table__ is).
_ASSETS = cast(Table, Asset.__table__)


#: Where a parsed field lands on the asset (resolved names become ids).
ASSET_TARGETS = {
    "department": "department_id",
    "owner": "owner_id",
    "custodian": "custodian_id",
    "marking": "marking_id",
}


def _existing(session: Session) -> tuple[dict[str, int], dict[tuple[str, int], int]]:
    by_ref: dict[str, int] = {}
    by_name: dict[tuple[str, int], int] = {}
    for asset_id, ref, name, dept in session.execute(
        select(Asset.id, Asset.ref, Asset.name, Asset.department_id)
    ):
        by_ref[ref.lower()] = asset_id
        by_name.setdefault((values.key(name), dept), asset_id)
    return by_ref, by_name


def plan_assets(
    session: Session,
    sheet: SheetData,
    mapping: Mapping,
    department: int | None = None,
    value_map: ValueMap | None = None,
    new_type: AssetType | None = None,
) -> ImportPlan:
    """Read every row against the mapping and the register, writing nothing; values of the
    fixed-vocabulary columns are read through ``value_map``. ``new_type``: the type of new
    assets when the file has no type column (an IT inventory's devices are hardware)."""
    directory = Directory(session, department)
    value_map = value_map or ValueMap()
    proposers = value_choices.proposers(session, directory, "assets")
    columns = build_columns(
        sheet,
        mapping,
        ASSET_FIELDS,
        {
            "department": directory.department,
            "owner": directory.person,
            "custodian": directory.person,
            "marking": directory.marking,
        },
        ASSET_TARGETS,
        value_map,
        proposers,
        value_choices.allowed(session, "assets"),
    )
    mapped = {c.field.key for c in columns}
    plan = ImportPlan(
        "assets",
        sheet.file_name,
        sheet.sha256,
        sheet.sheet,
        sheet.header,
        mapping,
        department,
        [],
        list(sheet.notes),
        value_map,
    )
    if "name" not in mapped:
        raise ValidationError(
            "Map a column to the asset name: it is the one field every row needs.", field="mapping"
        )
    if "department" not in mapped and department is None:
        raise ValidationError(
            "Map a department column, or say which department the file is for.",
            field="department",
        )
    if "asset_type" in mapped:
        new_type = None
    elif new_type is not None:
        plan.notes.append(f"No type column: every new asset is taken as {new_type.value}.")
    elif devices := device_headings(sheet.header.names):
        plan.notes.append(
            "No type column: every new asset would be taken as an information asset, but the "
            f"headings ({', '.join(devices)}) look like a device inventory: give the type of "
            "new assets, most likely hardware (isms import assets --type hardware).")
    else:
        plan.notes.append("No type column: every new asset is taken as an information asset.")
    by_ref, by_name = _existing(session)
    seen_refs: dict[str, int] = {}
    seen_names: dict[tuple[str, int], int] = {}
    dept_header = next((c for c in columns if c.field.key == "department"), None)
    for number, cells in sheet.rows:
        if number == sheet.header.data_starts and is_help_row(cells, columns):
            continue
        verdict = read_row(number, cells, columns, sheet.cell_notes)
        if verdict is None:
            continue
        v = verdict.values
        # The whole file is for one department: a row naming another is a mistake, not a move.
        if department is not None:
            row_dept = v.get("department_id", department)
            if row_dept != department and dept_header is not None:
                verdict.issues.append(
                    Issue(
                        column_letter(dept_header.index),
                        dept_header.header,
                        f"says {directory.department_codes.get(row_dept, row_dept)} but this "
                        f"import is for {directory.department_codes.get(department, department)}",
                    )
                )
            v["department_id"] = department
        if "special_category" in v and v["special_category"]:
            if v.get("personal_data") is False:
                verdict.issues.append(
                    Issue(
                        "",
                        "",
                        "special-category data is personal data, "
                        "but the row says it holds no personal data",
                    )
                )
            v["personal_data"] = True
        _match_row(verdict, by_ref, by_name, seen_refs, seen_names)
        if new_type is not None and verdict.action == "new":
            v["asset_type"] = new_type  # never changes the type of an asset already held
        plan.rows.append(verdict)
    if not plan.rows:
        plan.notes.append("No data rows under the header.")
    plan.unrecognised = value_choices.listed(columns, proposers, directory)
    _compare(session, plan)
    return plan


def _match_row(
    verdict: RowVerdict,
    by_ref: dict[str, int],
    by_name: dict[tuple[str, int], int],
    seen_refs: dict[str, int],
    seen_names: dict[tuple[str, int], int],
) -> None:
    v = verdict.values
    ref = v.get("ref")
    if "name" not in v:
        verdict.issues.append(Issue("", "", "no asset name"))
    if ref is not None:
        ref_key = str(ref).lower()
        if ref_key in seen_refs:
            verdict.issues.append(
                Issue("", "", f"duplicate reference {ref} (also on row {seen_refs[ref_key]})")
            )
        seen_refs.setdefault(ref_key, verdict.row)
    elif "name" in v:
        # Only rows without a reference are matched by name: the comparison form of 100,000
        # unique names would fill values.key's cache for nothing.
        name_key = (values.key(v["name"]), v.get("department_id", -1))
        if name_key in seen_names:
            verdict.issues.append(
                Issue(
                    "", "", f"the same asset name as row {seen_names[name_key]} in this department"
                )
            )
        seen_names.setdefault(name_key, verdict.row)
    verdict.record_id = _stored_id(v, by_ref, by_name)
    if verdict.record_id is None and "department_id" not in v:
        verdict.issues.append(Issue("", "", "no department: fill in the department column"))
    verdict.action = "new" if verdict.record_id is None else "update"


def _stored_id(
    v: dict[str, Any], by_ref: dict[str, int], by_name: dict[tuple[str, int], int]
) -> int | None:
    """The asset a row is about: by reference when it gives one, else by name in its department."""
    if v.get("ref") is not None:
        return by_ref.get(str(v["ref"]).lower())
    if "name" in v:
        return by_name.get((values.key(v["name"]), v.get("department_id", -1)))
    return None


def _rematch(session: Session, plan: ImportPlan) -> None:
    """Match the rows against the register as it is now (under the import lock): another import
    may have added or changed the same assets since the plan was read."""
    by_ref, by_name = _existing(session)
    for verdict in plan.rows:
        verdict.record_id = _stored_id(verdict.values, by_ref, by_name)
        verdict.action = "new" if verdict.record_id is None else "update"
        verdict.changes = {}
    _compare(session, plan)


def _compare(session: Session, plan: ImportPlan) -> None:
    """Mark updates that change nothing as unchanged, and record before/after of the rest."""
    ids = [r.record_id for r in plan.rows if r.record_id is not None]
    stored: dict[int, dict[str, Any]] = {}
    columns = [getattr(Asset, name) for name in COMPARED]
    for chunk_start in range(0, len(ids), 5000):
        chunk = ids[chunk_start : chunk_start + 5000]
        for row in session.execute(select(Asset.id, *columns).where(Asset.id.in_(chunk))):
            stored[row[0]] = dict(zip(COMPARED, row[1:], strict=True))
    for verdict in plan.rows:
        if verdict.record_id is None:
            continue
        before = stored[verdict.record_id]
        verdict.changes = {
            key: (before[key], value)
            for key, value in verdict.values.items()
            if key in before and before[key] != value
        }
        _keep_pending(verdict)
        if not verdict.changes:
            verdict.action = "unchanged"


def _keep_pending(verdict: RowVerdict) -> None:
    """An asset waiting for its owner's confirmation stays so whatever the file's status column
    says: it becomes active when the owner attests it, never by (re-)import."""
    was, now = verdict.changes.get("status", (None, None))
    if was == AssetStatus.PENDING_VERIFICATION and now == AssetStatus.ACTIVE:
        del verdict.changes["status"]
        verdict.issues.append(Issue(
            "", "", "stays pending verification: an asset becomes active when its owner "
            "attests it (isms assets attest), not by import", warning=True))


# --- applying -------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "value"):
        return value.value
    return value


def apply_plan(
    session: Session,
    plan: ImportPlan,
    *,
    valid_only: bool = False,
    actor: str | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> ImportResult:
    """Write the plan in the session's transaction (the caller commits). Refused whole when any
    row has an error, unless ``valid_only``."""
    taken = select_rows(plan, valid_only)  # refuse a file with errors before waiting for the lock
    # The people and departments the value choices create, so the rows stand on their ids.
    made = value_choices.create_new_records(session, plan, taken.new + taken.changed)
    lock_departments(session, plan)
    _rematch(session, plan)
    chosen = select_rows(plan, valid_only)
    if chosen.empty:
        return chosen.result(None)
    if chosen.new:
        # New assets take ids from the highest in use (see _insert_new), across departments:
        # imports into different departments, which the department locks let run together on
        # PostgreSQL, would pick the same ids. Taken after the department locks, in every
        # import, so no import holding it ever waits for a department.
        lock(session, "import", "asset ids")
    actor = actor or str(session.info.get("actor", "unknown"))
    now = utcnow()
    batch_id = open_batch(session, plan, actor, chosen.counts, now)
    seals = Seals()
    created_ids = _insert_new(session, chosen.new, batch_id, now, progress, seals)
    updated = _update_changed(session, chosen.changed, batch_id, now, progress)
    written = value_choices.written_undo(created_ids, chosen.new)
    written.update(value_choices.written_undo(
        [r.record_id for r in chosen.changed if r.record_id is not None], chosen.changed))
    close_batch(
        session,
        plan,
        batch_id,
        actor,
        chosen.counts,
        {"created": created_ids, "updated": updated, **made, "written": written,
         "values": plan.value_map.as_json()},
        seals,
    )
    return chosen.result(batch_id)


_INSERT_CHUNK = 5000
#: The columns of a new asset that vary by row, in the order _insert_new builds them.
#: What a new asset takes from its row: the compared fields except its status, which is always
#: "pending verification" for a department's new asset.
_ROW_FIELDS = tuple(f for f in COMPARED if f != "status")
_NEW_COLUMNS = ("id", "ref", *_ROW_FIELDS)
#: Values for fields a row left blank (columns that are NOT NULL in the register).
_BLANK = {
    "asset_type": AssetType.INFORMATION,
    "description": "",
    "location": "",
    "personal_data": False,
    "special_category": False,
}


def _new_column(found: list[dict[str, Any]], field: str) -> list[Any]:
    """One field of every new asset, blank values filled in (a list comprehension per field
    rather than a call per value: 100,000 rows x 14 fields)."""
    blank = _BLANK.get(field)
    if blank is None:
        return [v.get(field) for v in found]
    return [blank if (value := v.get(field)) is None else value for v in found]


def _insert_new(
    session: Session,
    rows: list[RowVerdict],
    batch_id: int,
    now: Any,
    progress: Callable[[str, int, int], None] | None,
    seals: Seals,
) -> list[int]:
    """Write the new assets; each is sealed from the values written (no read back)."""
    next_ref = next_refs(session)
    start_id = (session.execute(select(func.max(Asset.id))).scalar() or 0) + 1
    found = [verdict.values for verdict in rows]
    refs = [v.get("ref") or next_ref(v["department_id"]) for v in found]
    constants = {
        # New from a department: pending until the owner or the SMG confirms it.
        "status": AssetStatus.PENDING_VERIFICATION,
        "import_batch_id": batch_id,
        "version": 1,
        "created_at": now,
        "updated_at": now,
    }
    connection = session.connection()
    ids = range(start_id, start_id + len(found))
    with search_index_after(connection, _ASSETS, ids):
        # Rows in storage form a chunk at a time: 100,000 of them at once would add to the peak.
        for chunk_start in range(0, len(found), _INSERT_CHUNK):
            part = found[chunk_start : chunk_start + _INSERT_CHUNK]
            first = start_id + chunk_start
            columns = [range(first, first + len(part)),
                       refs[chunk_start : chunk_start + len(part)],
                       *(_new_column(part, f) for f in _ROW_FIELDS)]
            records = list(zip(*columns, strict=True))
            insert_rows(connection, _ASSETS, _NEW_COLUMNS, records, constants)
            given = dict(zip(_NEW_COLUMNS, columns, strict=True))
            given.update({k: [v] * len(part) for k, v in constants.items()})
            seals.digests(_ASSETS, columns[0], row_form(_ASSETS).digests(given, len(part)))
            if progress:
                progress("importing new assets", min(chunk_start + _INSERT_CHUNK, len(found)),
                         len(found))
    return list(ids)


def _update_changed(
    session: Session,
    rows: list[RowVerdict],
    batch_id: int,
    now: Any,
    progress: Callable[[str, int, int], None] | None,
) -> dict[str, Any]:
    versions = (
        dict(
            session.execute(
                select(Asset.id, Asset.version).where(Asset.id.in_([r.record_id for r in rows]))
            ).all()
        )
        if rows
        else {}
    )
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    undo: dict[str, Any] = {}
    for verdict in rows:
        assert verdict.record_id is not None
        fields = tuple(sorted(verdict.changes))
        version = versions[verdict.record_id]
        params = {f"new_{k}": verdict.changes[k][1] for k in fields}
        params.update(b_id=verdict.record_id, b_version=version)
        groups[fields].append(params)
        undo[str(verdict.record_id)] = {
            "version": version + 1,
            "before": {k: _plain(verdict.changes[k][0]) for k in fields},
        }
    table = _ASSETS
    done = 0
    for fields, batch_params in groups.items():
        statement = (
            update(table)
            .where(table.c.id == bindparam("b_id"), table.c.version == bindparam("b_version"))
            .values(
                {
                    **{k: bindparam(f"new_{k}") for k in fields},
                    "version": table.c.version + 1,
                    "updated_at": now,
                    "import_batch_id": batch_id,
                }
            )
        )
        result = session.connection().execute(statement, batch_params)
        if result.rowcount != len(batch_params):
            raise ConflictError(
                "Some assets were changed by someone else while the import was being prepared; "
                "nothing was imported. Preview the file again.",
                record="assets",
                yours=None,
                theirs=None,
            )
        done += len(batch_params)
        if progress:
            progress("updating assets", done, len(rows))
    return undo


# --- undoing --------------------------------------------------------------------------------


def undo_assets(session: Session, batch: ImportBatch) -> tuple[int, int]:
    """Remove the assets a batch created and restore those it updated: (removed, restored).

    Refused (nothing changed) if any of them has been edited, linked to a risk, given handling
    practices or dependencies since: undoing would then lose someone's work.
    """
    created = [int(i) for i in batch.undo.get("created", [])]
    updated = {int(k): v for k, v in batch.undo.get("updated", {}).items()}
    _refuse_if_touched(session, created, updated)
    table = _ASSETS
    for start in range(0, len(created), 5000):
        chunk = created[start : start + 5000]
        # These assets were never confirmed; removing them is the undo, not a deletion of
        # register history (the batch and the change log keep the record).
        session.execute(delete(table).where(table.c.id.in_(chunk)))
    for asset_id, entry in updated.items():
        before = {k: _restore(k, v) for k, v in entry["before"].items()}
        session.execute(
            update(table)
            .where(table.c.id == asset_id)
            .values(**before, version=table.c.version + 1, updated_at=utcnow())
        )
    value_choices.undo_created(session, batch)
    return len(created), len(updated)


def _restore(key: str, value: Any) -> Any:
    if key == "next_review" and value is not None:
        return date.fromisoformat(value)
    if key == "asset_type" and value is not None:
        return AssetType(value)
    if key == "status" and value is not None:
        return AssetStatus(value)
    return value


def _refuse_if_touched(session: Session, created: list[int], updated: dict[int, Any]) -> None:
    def refs(ids: Iterator[int] | list[int]) -> str:
        found = session.execute(select(Asset.ref).where(Asset.id.in_(list(ids))).limit(5))
        return ", ".join(found.scalars())

    for start in range(0, len(created), 5000):
        chunk = created[start : start + 5000]
        edited = (
            session.execute(
                select(Asset.id).where(Asset.id.in_(chunk), Asset.version != 1).limit(5)
            )
            .scalars()
            .all()
        )
        linked = (
            session.execute(
                select(risk_asset.c.asset_id)
                .where(risk_asset.c.asset_id.in_(chunk))
                .union(
                    select(HandlingPractice.asset_id).where(HandlingPractice.asset_id.in_(chunk)),
                    select(asset_dependency.c.asset_id).where(
                        or_(
                            asset_dependency.c.asset_id.in_(chunk),
                            asset_dependency.c.depends_on_id.in_(chunk),
                        )
                    ),
                )
                .limit(5)
            )
            .scalars()
            .all()
        )
        if edited or linked:
            raise ConflictError(
                f"Cannot undo: assets created by this import have been changed or linked since "
                f"({refs([*edited, *linked])}).",
                record="import batch",
                yours=None,
                theirs=None,
            )
    if updated:
        current = dict(
            session.execute(
                select(Asset.id, Asset.version).where(Asset.id.in_(list(updated)))
            ).all()
        )
        moved = [i for i, entry in updated.items() if current.get(i) != entry["version"]]
        if moved:
            raise ConflictError(
                f"Cannot undo: assets this import updated have been changed since ({refs(moved)}).",
                record="import batch",
                yours=None,
                theirs=None,
            )
