"""Import batches of every kind: listing and undoing them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from isms.db.audit_seal import Seals, sealed_event
from isms.errors import NotFoundError, ValidationError
from isms.model import Department, ImportBatch
from isms.model.base import utcnow
from isms.services.imports.assets import undo_assets
from isms.services.imports.batch_writer import KIND_TABLES
from isms.services.imports.people import undo_people
from isms.services.imports.records import undo_records


@dataclass(frozen=True)
class BatchSummary:
    id: int
    kind: str
    file_name: str
    sheet: str
    department: str  # code, "" when the file was for several departments
    actor: str
    applied_at: datetime
    created: int
    updated: int
    skipped: int
    undone_at: datetime | None
    sha256: str


def list_batches(session: Session) -> list[BatchSummary]:
    """Every import batch, newest first."""
    codes = {
        dept_id: code for dept_id, code in session.execute(select(Department.id, Department.code))
    }
    return [
        BatchSummary(
            id=b.id,
            kind=b.kind,
            file_name=b.file_name,
            sheet=b.sheet or "",
            department=codes.get(b.department_id, "") if b.department_id else "",
            actor=b.actor,
            applied_at=b.applied_at,
            created=int(b.counts.get("created", 0)),
            updated=int(b.counts.get("updated", 0)),
            skipped=int(b.counts.get("skipped", 0)),
            undone_at=b.undone_at,
            sha256=b.file_sha256,
        )
        for b in session.execute(select(ImportBatch).order_by(ImportBatch.id.desc())).scalars()
    ]


@dataclass(frozen=True)
class UndoResult:
    batch_id: int
    removed: int
    restored: int


def undo_batch(session: Session, batch_id: int, *, actor: str | None = None) -> UndoResult:
    """Take a whole batch back while nothing has changed its records since (else refused, and
    nothing is changed)."""
    batch = session.get(ImportBatch, batch_id)
    if batch is None:
        raise NotFoundError(f"No import batch {batch_id} in this register.")
    if batch.undone_at is not None:
        raise ValidationError(
            f"Import batch {batch_id} was already undone on {batch.undone_at:%d/%m/%Y %H:%M}."
        )
    if batch.kind == "assets":
        removed, restored = undo_assets(session, batch)
    elif batch.kind == "people":
        removed, restored = undo_people(session, batch)
    else:
        removed, restored = undo_records(session, batch)
    batch.undone_at = utcnow()
    session.flush()
    # The rows the undo removed or restored in bulk: sealed as they now stand (audit_seal).
    seals = Seals()
    table = KIND_TABLES.get(batch.kind)
    if table is not None:
        seals.removed(table, batch.undo.get("created", []))
        seals.rows(session.connection(), table,
                   [int(i) for i in batch.undo.get("updated", {})])
    sealed_event(
        session.connection(),
        seals,
        actor=actor or str(session.info.get("actor", "unknown")),
        table_name="import_batch",
        record_id=str(batch.id),
        label=f"import batch {batch.id} undone",
        details={"removed": removed, "restored": restored},
    )
    return UndoResult(batch.id, removed, restored)
