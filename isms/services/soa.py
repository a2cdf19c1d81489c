"""The Statement of Applicability as a document: one row per Annex A 2022 control (93, in
natural clause order), for one department or council-wide, with the document-control block
an auditor reads first (ISO/IEC 27001 6.1.3 d, 7.5).

A control with no SoA entry in a department is *undecided* (applicability None). It is never
read as an exclusion: the report shows a red "Undecided" cell and :mod:`.soa_checks` refuses
to let such an SoA be approved.

Council-wide, over the in-scope departments (``Department.in_scope``):

- applicability: applicable if any department applies it; else provided by a third party if
  any has it so provided; else undecided if any department has not decided; else excluded.
- implementation status: the weakest among the departments that do not exclude it, an
  undecided department counting as "not implemented" (nothing is known to be in place there).
- reasons, risks, evidence, owners: all of theirs; texts are shown once per distinct text,
  prefixed with the departments that wrote it; the target date is the latest of the planned
  ones (when it is planned to be in place everywhere); last and next review are the earliest.
- ``departments`` carries each department's own applicability and status for the exports.

The rows depend on nothing but the register, so an approved version's snapshot (see
:func:`row_record`) can be compared with the current rows to tell a draft; whether evidence
is stale depends on the day the document is read, so it is judged in :func:`soa_report`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session, joinedload

from ..catalogue import natural_key
from ..errors import NotFoundError
from ..io.exports.report import Column, Marked, Report
from ..model import (
    Applicability,
    Control,
    Department,
    Evidence,
    ImplementationStatus,
    InclusionReason,
    Person,
    PersonRole,
    Risk,
    Role,
    SoaEntry,
    SoaVersion,
    evidence_control,
    risk_control,
)
from .classification import current_scheme
from .dashboard import live_risk
from .queries import controls, register_name

EDITION = "ISO/IEC 27001:2022"
#: Fill of a cell that shows a gap an auditor will ask about.
GAP_FILL = "#F4CCCC"
#: Fill of evidence that ran out of date.
STALE_FILL = "#FCE5CD"
#: Weakest first: the council-wide status is the weakest of the departments that apply it.
STATUS_ORDER = (
    ImplementationStatus.NOT_IMPLEMENTED,
    ImplementationStatus.PLANNED,
    ImplementationStatus.PARTIAL,
    ImplementationStatus.IMPLEMENTED,
)
#: The marking an SoA carries when the current scheme has it: the SoA maps where the
#: council's controls are weak, which is more sensitive than the baseline marking.
PREFERRED_MARKING = "OFFICIAL-SENSITIVE"


@dataclass(frozen=True)
class EvidenceRef:
    ref: str
    #: evidence_date + valid_days; None when the evidence does not run out.
    valid_until: date | None

    def stale(self, today: date) -> bool:
        return self.valid_until is not None and self.valid_until < today


@dataclass(frozen=True)
class DepartmentDecision:
    """One in-scope department's own decision on a control (council-wide rows only)."""

    code: str
    applicability: Applicability | None
    status: ImplementationStatus | None

    def label(self) -> str:
        if self.applicability is None:
            return f"{self.code}: undecided"
        if self.applicability == Applicability.EXCLUDED:
            return f"{self.code}: excluded"
        return f"{self.code}: {self.applicability.value}/{self.status.value if self.status else ''}"


@dataclass(frozen=True)
class SoaRow:
    control_id: int
    ref: str
    title: str
    theme: str
    #: None: undecided (no department decided it, or this department has no entry).
    applicability: Applicability | None
    #: InclusionReason values, in the vocabulary's order.
    reasons: tuple[str, ...]
    #: Live risks whose chosen controls include this one (the "risk assessment" reason).
    risk_refs: tuple[str, ...]
    inclusion_note: str
    exclusion_justification: str
    decided_by: str | None
    decided_on: date | None
    status: ImplementationStatus | None
    implementation: str
    target_date: date | None
    evidence: tuple[EvidenceRef, ...]
    owner: str | None
    last_review: date | None
    next_review: date | None
    #: Council-wide only: each in-scope department's decision, by code.
    departments: tuple[DepartmentDecision, ...] = ()

    @property
    def excluded(self) -> bool:
        return self.applicability == Applicability.EXCLUDED

    def breakdown(self) -> str:
        return "; ".join(decision.label() for decision in self.departments)


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

    def pairs(self) -> list[tuple[str, str]]:
        if self.version is None:
            version = "Draft (never approved)"
        else:
            version = f"{self.version}" + (" (draft: changed since approval)" if self.is_draft
                                           else "")
        return [
            ("Version", version),
            ("Owner", self.owner or "(not set)"),
            ("Approved by", self.approver or "-"),
            ("Approval date", self.approved_at.date().isoformat() if self.approved_at else "-"),
            ("Classification", self.marking or "-"),
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


# --- what the rows are made of --------------------------------------------------------------


@dataclass(frozen=True)
class SoaFacts:
    """Everything the rows and the checks read, loaded in a few queries."""

    departments: list[Department]
    controls: list[Control]
    entries: dict[tuple[int, int], SoaEntry]
    #: control id -> (department id or None for council-wide evidence, reference)
    evidence: dict[int, list[tuple[int | None, EvidenceRef]]]
    #: (department id, control id) -> live risk references
    risks: dict[tuple[int, int], list[str]]

    def evidence_for(self, control_id: int, department_ids: set[int]) -> tuple[EvidenceRef, ...]:
        found = {ref for dept, ref in self.evidence.get(control_id, ())
                 if dept is None or dept in department_ids}
        return tuple(sorted(found, key=lambda e: natural_key(e.ref)))

    def risks_for(self, control_id: int, department_ids: Iterable[int]) -> tuple[str, ...]:
        found = {ref for dept in department_ids for ref in self.risks.get((dept, control_id), ())}
        return tuple(sorted(found, key=natural_key))


def scope_departments(session: Session, department_id: int | None) -> list[Department]:
    """The department asked for, or every in-scope department (by code) for council-wide."""
    if department_id is not None:
        department = session.get(Department, department_id)
        if department is None:
            raise NotFoundError(f"There is no department with id {department_id}.")
        return [department]
    return list(session.execute(
        select(Department).where(Department.in_scope.is_(True)).order_by(Department.code)
    ).scalars())


def load_facts(session: Session, department_id: int | None) -> SoaFacts:
    departments = scope_departments(session, department_id)
    ids = [d.id for d in departments]
    entries = session.execute(
        select(SoaEntry)
        .options(joinedload(SoaEntry.owner), joinedload(SoaEntry.decided_by))
        .where(SoaEntry.department_id.in_(ids))
    ).scalars()
    evidence: dict[int, list[tuple[int | None, EvidenceRef]]] = {}
    linked = select(
        evidence_control.c.control_id, Evidence.department_id, Evidence.ref,
        Evidence.evidence_date, Evidence.valid_days,
    ).join(Evidence, Evidence.id == evidence_control.c.evidence_id).where(
        or_(Evidence.department_id.in_(ids), Evidence.department_id.is_(None))
    )
    for control_id, dept, ref, when, days in session.execute(linked):
        until = when + timedelta(days=days) if days is not None else None
        evidence.setdefault(control_id, []).append((dept, EvidenceRef(ref, until)))
    risks: dict[tuple[int, int], list[str]] = {}
    chosen = select(Risk.department_id, risk_control.c.control_id, Risk.ref).join(
        risk_control, risk_control.c.risk_id == Risk.id
    ).where(*live_risk(), Risk.department_id.in_(ids))
    for dept, control_id, ref in session.execute(chosen):
        risks.setdefault((dept, control_id), []).append(ref)
    return SoaFacts(
        departments, controls(session),
        {(e.department_id, e.control_id): e for e in entries}, evidence, risks,
    )


# --- rows -----------------------------------------------------------------------------------


def _department_row(facts: SoaFacts, control: Control, department: Department) -> SoaRow:
    entry = facts.entries.get((department.id, control.id))
    evidence = facts.evidence_for(control.id, {department.id})
    risks = facts.risks_for(control.id, [department.id])
    if entry is None:
        return SoaRow(control.id, control.ref, control.title, control.theme, None, (), risks,
                      "", "", None, None, None, "", None, evidence, None, None, None)
    return SoaRow(
        control.id, control.ref, control.title, control.theme, entry.applicability,
        _ordered_reasons(entry.reasons or ()), risks, entry.inclusion_note,
        entry.exclusion_justification, entry.decided_by.name if entry.decided_by else None,
        entry.decided_on, entry.implementation_status, entry.implementation, entry.target_date,
        evidence, entry.owner.name if entry.owner else None, entry.last_review,
        entry.next_review,
    )


def _ordered_reasons(values: Iterable[str]) -> tuple[str, ...]:
    given = set(values)
    return tuple(reason.value for reason in InclusionReason if reason.value in given)


def council_applicability(decisions: Sequence[Applicability | None]) -> Applicability | None:
    for wanted in (Applicability.APPLICABLE, Applicability.THIRD_PARTY):
        if wanted in decisions:
            return wanted
    if not decisions or None in decisions:
        return None
    return Applicability.EXCLUDED


def _per_department(texts: Iterable[tuple[str, str]]) -> str:
    """Each distinct text once, prefixed with the departments that wrote it (no prefix when
    every department that wrote one wrote the same)."""
    codes: dict[str, list[str]] = {}
    for code, text in texts:
        if text.strip():
            codes.setdefault(text.strip(), []).append(code)
    if len(codes) == 1:
        return next(iter(codes))
    return "\n".join(f"{', '.join(who)}: {text}" for text, who in codes.items())


def _council_row(facts: SoaFacts, control: Control) -> SoaRow:
    decided = [(d, facts.entries.get((d.id, control.id))) for d in facts.departments]
    decisions = tuple(
        DepartmentDecision(d.code, e.applicability if e else None,
                           e.implementation_status if e else None)
        for d, e in decided
    )
    applicability = council_applicability([x.applicability for x in decisions])
    excluded = applicability == Applicability.EXCLUDED
    # The entries the row speaks for: the exclusions when excluded, else those including it.
    speaking = [(d, e) for d, e in decided if e is not None
                and (e.applicability == Applicability.EXCLUDED) == excluded]
    entries = [e for _, e in speaking]
    status = None
    if applicability is not None and not excluded:
        status = min((x.status or ImplementationStatus.NOT_IMPLEMENTED for x in decisions
                      if x.applicability != Applicability.EXCLUDED), key=STATUS_ORDER.index)
    latest = max((e for e in entries if e.decided_on), key=lambda e: e.decided_on or date.min,
                 default=None)
    owners = sorted({e.owner.name for e in entries if e.owner})
    ids = [d.id for d in facts.departments]
    return SoaRow(
        control.id, control.ref, control.title, control.theme, applicability,
        _ordered_reasons(r for e in entries if not excluded for r in e.reasons or ()),
        facts.risks_for(control.id, ids),
        _per_department((d.code, e.inclusion_note) for d, e in speaking if not excluded),
        _per_department((d.code, e.exclusion_justification) for d, e in speaking if excluded),
        latest.decided_by.name if latest and latest.decided_by else None,
        latest.decided_on if latest else None,
        status,
        _per_department((d.code, e.implementation) for d, e in speaking if not excluded),
        max((e.target_date for e in entries
             if e.implementation_status == ImplementationStatus.PLANNED and e.target_date),
            default=None),
        facts.evidence_for(control.id, set(ids)),
        ", ".join(owners) or None,
        min((e.last_review for e in entries if e.last_review), default=None),
        min((e.next_review for e in entries if e.next_review), default=None),
        decisions,
    )


def soa_rows(session: Session, department_id: int | None) -> tuple[SoaRow, ...]:
    """One row per Annex A 2022 control, in natural clause order."""
    facts = load_facts(session, department_id)
    if department_id is None:
        return tuple(_council_row(facts, control) for control in facts.controls)
    department = facts.departments[0]
    return tuple(_department_row(facts, control, department) for control in facts.controls)


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
        "departments": row.breakdown(),
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
    Column("Control", 8), Column("Title", 36, wrap=True), Column("Theme", 14),
    Column("Applicable", 14, wrap=True), Column("Reasons for inclusion", 20, wrap=True),
    Column("Linked risks", 16, wrap=True), Column("Why included", 30, wrap=True),
    Column("Justification for exclusion", 30, wrap=True), Column("Decided", 20, wrap=True),
    Column("Implementation status", 16, wrap=True), Column("How implemented", 30, wrap=True),
    Column("Target date", 11, "date"), Column("Evidence", 18, wrap=True),
    Column("Control owner", 18, wrap=True), Column("Last review", 11, "date"),
    Column("Next review", 11, "date"),
)
_BREAKDOWN = Column("Departments", 34, wrap=True)
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
    "implemented). The Departments column gives each department's own decision."
)


def _evidence_cell(row: SoaRow, today: date) -> Any:
    if not row.evidence:
        return "" if row.excluded else Marked("No evidence", GAP_FILL)
    text = ", ".join(e.ref + (" (stale)" if e.stale(today) else "") for e in row.evidence)
    return Marked(text, STALE_FILL) if any(e.stale(today) for e in row.evidence) else text


def _cells(row: SoaRow, today: date, council: bool) -> list[Any]:
    applicable: Any = (_APPLICABLE_TEXT[row.applicability] if row.applicability
                       else Marked("Undecided", GAP_FILL))
    justification: Any = row.exclusion_justification
    if row.excluded and not justification.strip():
        justification = Marked("No justification", GAP_FILL)
    decided = ", ".join(x for x in (row.decided_by, _iso(row.decided_on)) if x)
    cells = [
        row.ref, row.title, row.theme, applicable, ", ".join(row.reasons),
        ", ".join(row.risk_refs), row.inclusion_note, justification, decided,
        row.status.value if row.status else "", row.implementation, row.target_date,
        _evidence_cell(row, today), row.owner or "", row.last_review, row.next_review,
    ]
    return [*cells, row.breakdown()] if council else cells


def soa_report(document: SoaDocument, *, generated: datetime | None = None) -> Report:
    """The document in the shared export shape; ``generated`` defaults to the document's day."""
    council = document.council_wide
    return Report(
        title=document.title,
        columns=[*_COLUMNS, _BREAKDOWN] if council else list(_COLUMNS),
        rows=[_cells(row, document.today, council) for row in document.rows],
        generated=generated or datetime.combine(document.today, time(), UTC),
        row_count=len(document.rows),
        document_control=document.control.pairs(),
        marking=document.control.marking,
        notes=(*_NOTES, _COUNCIL_NOTE) if council else _NOTES,
    )

