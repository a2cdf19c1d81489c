"""The obligations register (ISO/IEC 27001 A.5.31) as a Report to write as xlsx or PDF: every
current obligation of one department and the council-wide ones (or of the whole council), with
its kind, source, owner, what it requires, the controls that meet it and the evidence that shows
it ("No control" / "No evidence" shaded where there is none) and its next review (shaded when
past).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from isms.io.exports.report import Column, Marked, Report
from isms.model.obligation import Obligation
from isms.services.documents.register_common import (
    OVERDUE_FILL,
    document_control,
    due_cell,
    generated_at,
    scope,
)
from isms.services.obligations import obligations

COLUMNS = (
    Column("Ref", 8),
    Column("Obligation", 28, wrap=True),
    Column("Kind", 12),
    Column("Source", 18, wrap=True),
    Column("What it requires", 34, wrap=True),
    Column("Owner", 15, wrap=True),
    Column("Department", 10),
    Column("Met by controls", 14, wrap=True),
    Column("Evidence", 14, wrap=True),
    Column("Next review", 11, "date"),
)


def _row(obligation: Obligation, today: date) -> list[Any]:
    controls = ", ".join(control.ref for control in obligation.controls)
    evidence = ", ".join(row.ref for row in obligation.evidence)
    return [
        obligation.ref, obligation.title, obligation.kind.value, obligation.source or None,
        obligation.requirement or None,
        obligation.owner.name if obligation.owner is not None else None,
        obligation.department.code if obligation.department is not None else "All",
        controls or Marked("No control", OVERDUE_FILL),
        evidence or Marked("No evidence", OVERDUE_FILL),
        due_cell(obligation.review_date, today),
    ]


def obligation_register(session: Session, department_id: int | None, today: date, *,
                        generated: datetime | None = None, marking: str = "OFFICIAL") -> Report:
    """Current obligations of ``department_id`` and the council-wide ones (None: all)."""
    where = scope(session, department_id)
    found = obligations(session, department=department_id)
    late = [o.ref for o in found if o.review_date is not None and o.review_date < today]
    return Report(
        title=f"Obligations register - {where.name}",
        columns=COLUMNS,
        rows=[_row(obligation, today) for obligation in found],
        generated=generated_at(today, generated),
        row_count=len(found),
        document_control=document_control(
            where, today, ("Obligations", str(len(found))),
            ("Met by no control", ", ".join(o.ref for o in found if not o.controls) or "none"),
            ("With no evidence", ", ".join(o.ref for o in found if not o.evidence) or "none"),
            ("Past their next review", ", ".join(late) or "none")),
        marking=marking,
        notes=(
            "The legal, statutory, regulatory and contractual requirements the council must "
            "meet for information security (A.5.31): legislation, regulations, contracts, "
            "standards, agreements and codes of practice.",
            "Met by controls: the Annex A or local controls that meet the obligation; Evidence: "
            "the register's evidence records showing it is met. 'No control', 'No evidence' and "
            "next review dates shaded red are gaps to follow up.",
        ),
    )
