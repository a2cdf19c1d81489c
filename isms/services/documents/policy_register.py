"""The document register (ISO/IEC 27001 5.1, 7.5) as a Report to write as xlsx or PDF: every
policy, procedure, standard, guidance note and plan of one department and the council-wide ones
(or of the whole council), with its version, owner, approval, next review (shaded when past)
and the controls it supports. Withdrawn documents are listed too, as withdrawn: an auditor sees
what was superseded.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from isms.io.exports.report import Column, Report
from isms.model import ControlledDocument, DocumentStatus
from isms.services.documents.register_common import (
    document_control,
    due_cell,
    generated_at,
    scope,
)
from isms.services.policies import documents

COLUMNS = (
    Column("Ref", 10),
    Column("Title", 34, wrap=True),
    Column("Kind", 11),
    Column("Version", 8),
    Column("Status", 10),
    Column("Department", 12),
    Column("Owner", 18, wrap=True),
    Column("Approved by", 18, wrap=True),
    Column("Approved on", 12, "date"),
    Column("Review every (months)", 9, "number"),
    Column("Next review", 12, "date"),
    Column("Controls", 14, wrap=True),
    Column("Kept at", 30, wrap=True),
)


def policy_register(session: Session, department_id: int | None, today: date, *,
                    generated: datetime | None = None, marking: str = "OFFICIAL") -> Report:
    """The register's documents of ``department_id`` and the council-wide ones (None: all)."""
    where = scope(session, department_id)
    found = documents(session, department=department_id)
    statuses = Counter(document.status for document in found)
    late = [d for d in found if d.status != DocumentStatus.WITHDRAWN
            and d.next_review is not None and d.next_review < today]
    return Report(
        title=f"Document register - {where.name}",
        columns=COLUMNS,
        rows=[_row(document, today) for document in found],
        generated=generated_at(today, generated),
        row_count=len(found),
        document_control=document_control(
            where, today, ("Documents", str(len(found))),
            ("Approved (in force)", str(statuses[DocumentStatus.APPROVED])),
            ("Draft", str(statuses[DocumentStatus.DRAFT])),
            ("Withdrawn", str(statuses[DocumentStatus.WITHDRAWN])),
            ("Past their next review", ", ".join(d.ref for d in late) or "none"),
        ),
        marking=marking,
        notes=(
            "Approved: approved by the person named, who held the approver or SIRO role, on the "
            "date given; the next review falls the review interval after it unless set by hand. "
            "A draft that was approved before keeps its last approval until the new version is "
            "approved. Next review dates shaded red are past.",
            "Kept at: the published address, or the file kept in the register's evidence store "
            "with the start of its SHA-256.",
        ),
    )


def _row(document: ControlledDocument, today: date) -> list[Any]:
    in_force = document.status != DocumentStatus.WITHDRAWN
    kept = document.url or (f"{document.file_name} (SHA-256 {document.sha256[:12]}...)"
                            if document.file_name and document.sha256 else "")
    return [
        document.ref, document.title, document.kind.value, document.version_label,
        document.status.value,
        document.department.code if document.department else "council-wide",
        document.owner.name if document.owner else "",
        document.approved_by.name if document.approved_by else "",
        document.approved_on, document.review_months,
        due_cell(document.next_review, today, in_force),
        ", ".join(control.ref for control in
                  sorted(document.controls, key=lambda control: control.sort_key)),
        kept,
    ]
