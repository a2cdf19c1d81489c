"""The Statement of Applicability as a document: one row per Annex A 2022 control (93, in
natural clause order), for one department or council-wide, with the document-control block
an auditor reads first (ISO/IEC 27001 6.1.3 d, 7.5).

A control with no SoA entry in a department is *undecided* (applicability None). It is never
read as an exclusion: the report shows a red "Undecided" cell and :mod:`.checks` refuses
to let such an SoA be approved.

The rows themselves (and the council-wide aggregation) are built in :mod:`.rows`; this
module makes them a document and a report.

The rows depend on nothing but the register, so an approved version's snapshot (see
:func:`row_record`) can be compared with the current rows to tell a draft; whether evidence
is stale depends on the day the document is read, so it is judged in :func:`soa_report`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from isms.errors import NotFoundError
from isms.io.exports.report import Column, Marked, Report
from isms.model import Applicability, Department, Person, PersonRole, Role, SoaVersion
from isms.services.classification import current_scheme
from isms.services.read.queries import register_name
from isms.services.soa.rows import (
    NO_JUSTIFICATION,
    STATUS_ORDER,
    CouncilCells,
    DepartmentDecision,
    EvidenceRef,
    SoaFacts,
    SoaRow,
    council_applicability,
    load_facts,
    scope_departments,
    soa_rows,
)

__all__ = [
    "EDITION", "FIELD_LABELS", "GAP_FILL", "PREFERRED_MARKING", "STALE_FILL", "STATUS_ORDER",
    "CouncilCells", "DepartmentDecision", "DocumentControl", "EvidenceRef", "SoaDocument",
    "SoaFacts", "SoaRow", "council_applicability", "document_marking", "latest_version",
    "load_facts", "row_record", "scope_departments", "snapshot", "soa_document", "soa_report",
    "soa_rows", "version_scope",
]

EDITION = "ISO/IEC 27001:2022"
#: Fill of a cell that shows a gap an auditor will ask about.
GAP_FILL = "#F4CCCC"
#: Fill of evidence that ran out of date.
STALE_FILL = "#FCE5CD"
#: The marking an SoA carries when the current scheme has it: the SoA maps where the
#: council's controls are weak, which is more sensitive than the baseline marking.
PREFERRED_MARKING = "OFFICIAL-SENSITIVE"


@dataclass(frozen=True)
class DocumentControl:
    #: The latest approved version's number; None when the SoA was never approved.
    version: int | None
    #: The current rows differ from the latest approved version (or there is none).
    is_draft: bool
    owner: str
    approver: str | None
    approved_at: datetime | None
    marking: str
    scope: str
    edition: str = EDITION
    #: How many pre-flight warnings the approver acknowledged when approving the latest
    #: version (0: none stood, or the version predates their recording).
    acknowledged: int = 0

    def pairs(self) -> list[tuple[str, str]]:
        if self.version is None:
            version = "Draft (never approved)"
        else:
            notes = [text for text, shown in (
                (f"approved with {self.acknowledged:,} warning"
                 f"{'s' if self.acknowledged != 1 else ''} acknowledged", self.acknowledged),
                ("draft: changed since approval", self.is_draft)) if shown]
            version = f"{self.version}" + (f" ({'; '.join(notes)})" if notes else "")
        return [
            ("Version", version),
            ("Owner", self.owner or "(not set)"),
            ("Approved by", self.approver or "-"),
            ("Approval date", self.approved_at.date().isoformat() if self.approved_at else "-"),
            # The marking is not repeated here: every writer prints it as "Protective marking".
            ("Scope", self.scope),
            ("Edition", self.edition),
        ]


@dataclass(frozen=True)
class SoaDocument:
    department_id: int | None
    title: str
    today: date
    rows: tuple[SoaRow, ...]
    control: DocumentControl

    @property
    def council_wide(self) -> bool:
        return self.department_id is None


# --- the record a version freezes ---------------------------------------------------------


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def row_record(row: SoaRow) -> dict[str, Any]:
    """The row as JSON-ready values: what a version freezes and what changes compare."""
    return {
        "ref": row.ref,
        "title": row.title,
        "theme": row.theme,
        "applicability": row.applicability.value if row.applicability else None,
        "reasons": list(row.reasons),
        "risks": list(row.risk_refs),
        "inclusion_note": row.inclusion_note,
        "exclusion_justification": row.exclusion_justification,
        "decided_by": row.decided_by,
        "decided_on": _iso(row.decided_on),
        "implementation_status": row.status.value if row.status else None,
        "implementation": row.implementation,
        "target_date": _iso(row.target_date),
        "evidence": [e.ref for e in row.evidence],
        "owner": row.owner,
        "last_review": _iso(row.last_review),
        "next_review": _iso(row.next_review),
        "departments": "; ".join(d.record() for d in row.departments),
    }


def snapshot(rows: Iterable[SoaRow]) -> list[dict[str, Any]]:
    return [row_record(row) for row in rows]


# --- the document ---------------------------------------------------------------------------


def version_scope(department_id: int | None) -> ColumnElement[bool]:
    """SQL: the versions of one department's SoA, or the council-wide ones (None)."""
    return (SoaVersion.department_id.is_(None) if department_id is None
            else SoaVersion.department_id == department_id)


def latest_version(session: Session, department_id: int | None) -> SoaVersion | None:
    return session.execute(
        select(SoaVersion).where(version_scope(department_id))
        .order_by(SoaVersion.number.desc()).limit(1)
    ).scalar()


def document_marking(session: Session) -> str:
    """OFFICIAL-SENSITIVE when the current scheme has it, else the scheme's second marking
    (one above its baseline), else its only one; blank when there is no current scheme."""
    try:
        labels = [m.label for m in current_scheme(session).markings]
    except NotFoundError:
        return ""
    preferred = [label for label in labels if label.upper() == PREFERRED_MARKING]
    return (preferred or labels[1:2] or labels[:1] or [""])[0]


def _document_owner(session: Session, department: Department | None) -> str:
    """Council-wide the SIRO owns the SoA; a department's is kept by its SMG member(s)."""
    role = Role.SIRO if department is None else Role.SMG_MEMBER
    query = (select(Person.name).join(PersonRole, PersonRole.person_id == Person.id)
             .where(PersonRole.role == role, Person.active.is_(True)).order_by(Person.name))
    if department is not None:
        query = query.where(Person.department_id == department.id)
    return ", ".join(session.execute(query).scalars())


def _scope(session: Session, department: Department | None, in_scope: list[Department]) -> str:
    if department is not None:
        text = f"{department.name} ({department.code})"
        return f"{text}: {department.description}" if department.description.strip() else text
    names = ", ".join(f"{d.name} ({d.code})" for d in in_scope) or "no department yet"
    return f"{register_name(session)}, council-wide: the in-scope departments {names}"


def soa_document(session: Session, department_id: int | None, today: date) -> SoaDocument:
    """The SoA of one department, or council-wide (``department_id`` None)."""
    departments = scope_departments(session, department_id)
    department = departments[0] if department_id is not None else None
    rows = soa_rows(session, department_id)
    version = latest_version(session, department_id)
    control = DocumentControl(
        version=version.number if version else None,
        is_draft=version is None or version.snapshot != snapshot(rows),
        owner=_document_owner(session, department),
        approver=version.approved_by.name if version else None,
        approved_at=version.approved_at if version else None,
        marking=document_marking(session),
        scope=_scope(session, department, departments),
        acknowledged=len(version.acknowledged_warnings) if version else 0,
    )
    title = department.name if department else f"{register_name(session)} (council-wide)"
    return SoaDocument(department_id, f"Statement of Applicability - {title}", today, rows,
                       control)


# --- as a report ----------------------------------------------------------------------------

#: Record field -> column header; also names the fields in a change list.
FIELD_LABELS = {
    "ref": "Control",
    "title": "Title",
    "theme": "Theme",
    "applicability": "Applicable",
    "reasons": "Reasons for inclusion",
    "risks": "Linked risks",
    "inclusion_note": "Why included",
    "exclusion_justification": "Justification for exclusion",
    "decided_by": "Decided by",
    "decided_on": "Decided on",
    "implementation_status": "Implementation status",
    "implementation": "How implemented",
    "target_date": "Target date",
    "evidence": "Evidence",
    "owner": "Control owner",
    "last_review": "Last review",
    "next_review": "Next review",
    "departments": "Departments",
}
_COLUMNS = (
    Column("Control", 8, "clause"), Column("Title", 33, wrap=True), Column("Theme", 17),
    Column("Applicable", 14, wrap=True), Column("Reasons for inclusion", 20, wrap=True),
    Column("Linked risks", 16, wrap=True), Column("Why included", 30, wrap=True),
    Column("Justification for exclusion", 30, wrap=True), Column("Decided", 20, wrap=True),
    Column("Implementation status", 16, wrap=True), Column("How implemented", 30, wrap=True),
    Column("Target date", 11, "date"), Column("Evidence", 18, wrap=True),
    Column("Control owner", 18, wrap=True), Column("Last review", 11, "date"),
    Column("Next review", 11, "date"),
)
_BREAKDOWN = Column("Departments", 34, wrap=True)
#: Council-wide, the Applicable cell also names the departments that exclude the control and
#: whether each justified it ("Yes; excluded by CHS (justified) and HRD (unjustified)").
_COUNCIL_APPLICABLE = Column("Applicable", 18, wrap=True)
_APPLICABLE_TEXT = {
    Applicability.APPLICABLE: "Yes",
    Applicability.THIRD_PARTY: "Yes - provided by a third party",
    Applicability.EXCLUDED: "No",
}
_NOTES = (
    "Reasons for inclusion: legal, contractual, business requirement, best practice, risk "
    "assessment (with the risks whose treatment selected the control).",
    "'No evidence' marks a control that is not excluded and has no evidence of operation; "
    "'(stale)' marks evidence past its validity on the date of this document.",
    "'Undecided' marks a control with no decision recorded: it is neither included nor excluded.",
)
_COUNCIL_NOTE = (
    "Council-wide: a control is applicable if any in-scope department applies it; its status is "
    "the weakest of those departments' (a department with no decision counts as not "
    "implemented). The Departments column groups the departments by their own decision. Where "
    "departments wrote different texts, the three most common are shown, each with the "
    "departments that wrote it; the rest are in the departments' own SoAs. A control some "
    "departments exclude says which in the Applicable column, and whether each justified it, "
    f"with each one's justification (or {NO_JUSTIFICATION}) in the justification column, also "
    "where the council applies the control."
)


def _evidence_cell(row: SoaRow, today: date) -> Any:
    if not row.evidence:
        return "" if row.excluded else Marked("No evidence", GAP_FILL)
    text = ", ".join(e.ref + (" (stale)" if e.stale(today) else "") for e in row.evidence)
    return Marked(text, STALE_FILL) if any(e.stale(today) for e in row.evidence) else text


def _applicable_cell(row: SoaRow) -> Any:
    """"Yes", "No" or "Undecided"; council-wide, a control some departments exclude while the
    council applies it (or has not decided) says which, and whether each said why."""
    text = _APPLICABLE_TEXT[row.applicability] if row.applicability else "Undecided"
    excluding = () if row.excluded else row.excluded_by
    justified = [d.code for d in excluding if d.justification]
    unjustified = [d.code for d in excluding if not d.justification]
    parts = [f"{', '.join(codes)} ({label})" for codes, label in
             ((justified, "justified"), (unjustified, "unjustified")) if codes]
    if parts:
        text = f"{text}; excluded by {' and '.join(parts)}"
    return Marked(text, GAP_FILL) if unjustified or row.applicability is None else text


def _cells(row: SoaRow, today: date, council: bool) -> list[Any]:
    applicable = _applicable_cell(row)
    justification: Any = row.cells.exclusion_justification
    if row.excluded and not justification.strip():
        justification = Marked("No justification", GAP_FILL)
    elif row.unjustified_exclusion:
        justification = Marked(justification, GAP_FILL)
    decided = ", ".join(x for x in (row.decided_by, _iso(row.decided_on)) if x)
    texts = row.cells
    cells = [
        row.ref, row.title, row.theme, applicable, ", ".join(row.reasons),
        ", ".join(row.risk_refs), texts.inclusion_note, justification, decided,
        row.status.value if row.status else "", texts.implementation, row.target_date,
        _evidence_cell(row, today), texts.owner or "", row.last_review, row.next_review,
    ]
    return [*cells, row.breakdown()] if council else cells


def soa_report(document: SoaDocument, *, generated: datetime | None = None) -> Report:
    """The document in the shared export shape; ``generated`` defaults to the document's day."""
    council = document.council_wide
    return Report(
        title=document.title,
        columns=([_COUNCIL_APPLICABLE if c.header == "Applicable" else c for c in _COLUMNS]
                 + [_BREAKDOWN]) if council else list(_COLUMNS),
        rows=[_cells(row, document.today, council) for row in document.rows],
        generated=generated or datetime.combine(document.today, time(), UTC),
        row_count=len(document.rows),
        document_control=document.control.pairs(),
        marking=document.control.marking,
        notes=(*_NOTES, _COUNCIL_NOTE) if council else _NOTES,
    )

