"""What every import kind does around its own writes: choose the rows, open the batch that
records the file and who applied it, and close it with its undo data and one change-log event."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, insert, update
from sqlalchemy.orm import Session

from isms.db.audit_seal import Seals, sealed_event
from isms.db.locks import lock
from isms.errors import ValidationError
from isms.io.importing.mapping import column_letter
from isms.io.importing.plan import ImportPlan, RowVerdict
from isms.model import Asset, HandlingPractice, ImportBatch, Person, Risk

_BATCHES = cast(Table, ImportBatch.__table__)
#: The table each kind of import writes its rows to (sealed with the batch's event).
KIND_TABLES: dict[str, Table] = {kind: cast(Table, model.__table__) for kind, model in (
    ("assets", Asset), ("people", Person), ("risks", Risk), ("handling", HandlingPractice))}


class ImportRejected(ValidationError):
    """The file has errors and "valid rows only" was not chosen: nothing was written."""


@dataclass(frozen=True)
class ImportResult:
    batch_id: int | None
    created: int
    updated: int
    unchanged: int
    skipped: int  # rows with errors left out (valid rows only)


@dataclass(frozen=True)
class Selection:
    """The rows an apply will write, and the counts the batch records."""

    new: list[RowVerdict]
    changed: list[RowVerdict]
    counts: dict[str, int]

    @property
    def empty(self) -> bool:
        return not self.new and not self.changed

    def result(self, batch_id: int | None) -> ImportResult:
        c = self.counts
        return ImportResult(batch_id, c["created"], c["updated"], c["unchanged"], c["skipped"])


def select_rows(plan: ImportPlan, valid_only: bool) -> Selection:
    """Refuse the whole file when a row has an error, unless the valid rows only were asked for."""
    # One pass, and has_error only for rows with issues: this runs twice per apply over every
    # row of files of 100,000 rows and more.
    errors: list[RowVerdict] = []
    new: list[RowVerdict] = []
    changed: list[RowVerdict] = []
    unchanged = 0
    for r in plan.rows:
        if r.issues and r.has_error:
            errors.append(r)
        elif r.action == "new":
            new.append(r)
        elif r.action == "update":
            changed.append(r)
        elif r.action == "unchanged":
            unchanged += 1
    if errors and not valid_only:
        first = errors[0]
        raise ImportRejected(
            f"{plan.file_name}: {len(errors)} row(s) have errors, so nothing was imported. "
            f"First: row {first.row}, {first.message}. Fix them, or import the valid rows only."
        )
    counts = {
        "created": len(new),
        "updated": len(changed),
        "unchanged": unchanged,
        "skipped": len(errors),
        "rows": len(plan.rows),
    }
    return Selection(new, changed, counts)


def lock_departments(session: Session, plan: ImportPlan) -> None:
    """Make this apply the only one writing into the plan's departments until it commits.

    The plan was read before the lock, so another import may have committed the same rows
    since: after this the caller matches the rows against the register again, and the result is
    what applying one file after the other would give (no duplicate refs, no half batch). Records
    read before the lock are reloaded, so nothing is saved from a copy older than the lock.
    """
    if plan.department_id is not None:
        keys: list[int | str] = [plan.department_id]
    else:
        # A file for several departments locks each of them, in one order so that two such
        # imports cannot each hold one department and wait for the other's.
        keys = sorted(
            {r.values["department_id"] for r in plan.rows if r.values.get("department_id")}
        )
    for key in keys or [plan.kind]:  # no departments at all (handling practices): the kind
        lock(session, "import", key)
    session.flush()  # nothing the caller changed before is lost by the reload
    session.expire_all()


def _mapping_record(plan: ImportPlan) -> dict[str, Any]:
    names = plan.header.names
    return {
        "header_rows": [plan.header.first_row, plan.header.last_row],
        "columns": {
            column_letter(i): {"header": names[i] if i < len(names) else "", "field": key}
            for i, key in plan.mapping.items()
        },
    }


def open_batch(
    session: Session, plan: ImportPlan, actor: str, counts: dict[str, int], now: datetime
) -> int:
    """The batch row, written through Core rather than the ORM: its undo data can be large, and
    the change log records the batch as one event instead of copying that data into an entry."""
    return int(
        session.execute(
            insert(_BATCHES).returning(_BATCHES.c.id),
            [
                {
                    "kind": plan.kind,
                    "file_name": plan.file_name,
                    "file_sha256": plan.file_sha256,
                    "sheet": plan.sheet,
                    "mapping": _mapping_record(plan),
                    "department_id": plan.department_id,
                    "actor": actor,
                    "applied_at": now,
                    "counts": counts,
                    "undo": {},
                    "undone_at": None,
                }
            ],
        ).scalar_one()
    )


def close_batch(
    session: Session,
    plan: ImportPlan,
    batch_id: int,
    actor: str,
    counts: dict[str, int],
    undo: dict[str, Any],
    seals: Seals | None = None,
) -> None:
    """Store the batch's undo data and record its event, sealing every row it created or
    updated as it now stands. A caller that sealed the rows it created from the values it
    wrote passes those ``seals``: only the updated rows are then read back."""
    session.execute(update(_BATCHES).where(_BATCHES.c.id == batch_id).values(undo=undo))
    session.flush()
    table = KIND_TABLES.get(plan.kind)
    read = [*undo.get("updated", {})] if seals is not None else [
        *undo.get("created", []), *undo.get("updated", {})]
    seals = seals or Seals()
    if table is not None:
        seals.rows(session.connection(), table, [int(i) for i in read])
    sealed_event(
        session.connection(),
        seals,
        actor=actor,
        table_name="import_batch",
        record_id=str(batch_id),
        label=f"import batch {batch_id} ({plan.file_name})",
        details={"file": plan.file_name, "sha256": plan.file_sha256, **counts},
    )
