"""The document register (ISO/IEC 27001 5.1, 7.5): add, change, approve and withdraw the
council's policies, procedures, standards, guidance and plans.

Named ``policies`` so it is not mistaken for :mod:`isms.services.documents`, the documents isms
exports. Each write is one transaction (it commits) and returns :class:`Filed`: the document's
id and what changed. A refusal is a ValidationError naming the field, before anything is written.

Approval is an approver's act, as an SoA approval is (:func:`isms.services.signatures.signer`):
the acting user, holding the approver or SIRO role, becomes the document's approver, on the day
given (today unless said). The next review then falls the review interval (12 months unless set)
after the approval, unless a date was set by hand. A new version of an approved document goes
back to draft until it is approved in turn; the last approval stays on the record meanwhile.
A document is withdrawn, never deleted: it stays in the register, out of the reviews due.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..db import commit
from ..errors import ConflictError, NotFoundError, StorageError, ValidationError
from ..model import (
    Control,
    ControlEdition,
    ControlledDocument,
    Department,
    DocumentKind,
    DocumentStatus,
    Person,
)
from . import local_controls, signatures
from .changed import Changed
from .dates import check_review_date
from .evidence import keep_file

#: The reference series of each kind: POL-001, PRO-001 ...
PREFIXES: Mapping[DocumentKind, str] = {
    DocumentKind.POLICY: "POL-",
    DocumentKind.PROCEDURE: "PRO-",
    DocumentKind.STANDARD: "STD-",
    DocumentKind.GUIDANCE: "GUI-",
    DocumentKind.PLAN: "PLN-",
}
DEFAULT_REVIEW_MONTHS = 12
#: The fields :func:`add_document` and :func:`update_document` take.
FIELDS = frozenset({"title", "kind", "version_label", "summary", "owner_id", "department_id",
                    "review_months", "next_review", "url", "controls"})


@dataclass(frozen=True)
class Filed:
    """What a write of the document register did: the document, and what changed."""

    document_id: int
    changed: Changed


def add_months(day: date, months: int) -> date:
    """``day`` ``months`` later; the 31st of a shorter month falls on its last day."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has 28 days")


def next_ref(session: Session, kind: DocumentKind) -> str:
    """The next free reference of the kind's series (POL-001, POL-002 ...)."""
    prefix = PREFIXES[kind]
    refs = session.execute(select(ControlledDocument.ref)
                           .where(ControlledDocument.ref.like(f"{prefix}%"))).scalars()
    numbers = [int(ref[len(prefix):]) for ref in refs if ref[len(prefix):].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:03d}"


def document_by_ref(session: Session, ref: str) -> ControlledDocument:
    found = session.execute(select(ControlledDocument).where(
        func.lower(ControlledDocument.ref) == ref.strip().lower())).scalar()
    if found is None:
        raise NotFoundError(f"No document '{ref}' in this register (see `isms policies list`).")
    return found


def kind_of(value: object) -> DocumentKind:
    """A kind as typed ("Policy", "procedure"), else a ValidationError listing the kinds."""
    try:
        return DocumentKind(str(value).strip().lower())
    except ValueError:
        raise ValidationError(
            f"'{value}' is not a kind of document: give one of "
            f"{', '.join(kind.value for kind in DocumentKind)}.", field="kind") from None


def add_document(session: Session, *, ref: str | None = None, file: Path | None = None,
                 store: Path | None = None, today: date | None = None,
                 **fields: Any) -> Filed:
    """A new draft document: ``fields`` as :data:`FIELDS` (title, kind and owner_id required);
    ``ref`` the council's own reference, else the next of the kind's series. ``file`` is copied
    into the evidence ``store`` (content-addressed, as evidence files are)."""
    _known(fields)
    kind = kind_of(fields.get("kind") or "")
    ref = (ref or "").strip() or next_ref(session, kind)
    if len(ref) > 40:
        raise ValidationError("A document's reference is at most 40 characters.", field="ref")
    if session.execute(select(ControlledDocument.id).where(
            func.lower(ControlledDocument.ref) == ref.lower())).first():
        raise ValidationError(f"Another document is already {ref}.", field="ref")
    document = ControlledDocument(ref=ref, title="", kind=kind, version_label="", summary="",
                                  status=DocumentStatus.DRAFT,
                                  review_months=DEFAULT_REVIEW_MONTHS)
    _apply(session, document, {"controls": [], **fields}, today)
    if document.owner_id is None:
        raise ValidationError(f"Document {ref} needs an owner: the person who keeps it current.",
                              field="owner_id")
    if file is not None:
        _attach(document, file, store)
    session.add(document)
    session.flush()
    filed = Filed(document.id, Changed.of(ControlledDocument, [document.id]))
    commit(session)
    return filed


def update_document(session: Session, document_id: int, expected_version: int, *,
                    file: Path | None = None, store: Path | None = None,
                    today: date | None = None, **fields: Any) -> Filed:
    """Change a document's ``fields`` (as :data:`FIELDS`; ``file`` replaces its stored file).
    A new version label on an approved document sends it back to draft for approval."""
    _known(fields)
    document = _current(session, document_id, expected_version)
    if document.status == DocumentStatus.WITHDRAWN:
        raise ValidationError(f"Document {document.ref} is withdrawn: it is kept as it was.",
                              field="status")
    was = document.version_label
    _apply(session, document, fields, today)
    if document.owner_id is None:
        raise ValidationError(f"Document {document.ref} needs an owner.", field="owner_id")
    if file is not None:
        _attach(document, file, store)
    if document.status == DocumentStatus.APPROVED and document.version_label != was:
        document.status = DocumentStatus.DRAFT  # a new version awaits its own approval
    session.flush()
    commit(session)
    return Filed(document.id, Changed.of(ControlledDocument, [document.id]))


def approve_document(session: Session, document_id: int, expected_version: int, *,
                     on: date | None = None, today: date | None = None) -> Filed:
    """The acting user approves the document's current version (they must hold the approver or
    SIRO role): approved by them, on ``on`` (today unless given, never ahead); the next review
    falls the review interval later unless a later date was set by hand."""
    document = _current(session, document_id, expected_version)
    day = today or date.today()
    if document.status == DocumentStatus.WITHDRAWN:
        raise ValidationError(f"Document {document.ref} is withdrawn: it cannot be approved.",
                              field="status")
    if document.status == DocumentStatus.APPROVED:
        raise ValidationError(
            f"Document {document.ref} version {document.version_label or '-'} is approved "
            "already: give it a new version to approve again.", field="status")
    approved_on = on or day
    if approved_on > day:
        raise ValidationError(f"The approval date ({approved_on}) is after today.",
                              field="approved_on")
    approver = signatures.signer(session, f"approve document {document.ref}", approver=True)
    document.status = DocumentStatus.APPROVED
    document.approved_by = approver
    document.approved_on = approved_on
    document.next_review = add_months(approved_on, document.review_months)
    session.flush()
    commit(session)
    return Filed(document.id, Changed.of(ControlledDocument, [document.id]))


def withdraw_document(session: Session, document_id: int, expected_version: int,
                      reason: str) -> Filed:
    """Withdraw a document (superseded, no longer needed): kept, no longer due for review. The
    reason is added to its summary, so the register and the change log keep it."""
    document = _current(session, document_id, expected_version)
    reason = reason.strip()
    if not reason:
        raise ValidationError("Say why the document is withdrawn.", field="reason")
    if document.status == DocumentStatus.WITHDRAWN:
        raise ValidationError(f"Document {document.ref} is withdrawn already.", field="status")
    line = f"Withdrawn on {date.today().isoformat()}: {reason}"
    document.summary = f"{document.summary}\n\n{line}" if document.summary else line
    document.status = DocumentStatus.WITHDRAWN
    session.flush()
    commit(session)
    return Filed(document.id, Changed.of(ControlledDocument, [document.id]))


def documents(session: Session, *, department: int | None = None) -> list[ControlledDocument]:
    """Every document in reference order: of one department and the council-wide ones, or all."""
    query = select(ControlledDocument).order_by(ControlledDocument.ref)
    if department is not None:
        query = query.where((ControlledDocument.department_id == department)
                            | ControlledDocument.department_id.is_(None))
    return list(session.execute(query).scalars())


def due_for_review(session: Session, on: date,
                   scope: Sequence[int | None] = ()) -> list[ControlledDocument]:
    """Documents in force or in draft whose next review is on or before ``on``, soonest first:
    of the ``scope``'s departments and the council-wide ones, or every one (empty scope)."""
    query = select(ControlledDocument).where(
        ControlledDocument.status != DocumentStatus.WITHDRAWN,
        ControlledDocument.next_review.is_not(None), ControlledDocument.next_review <= on)
    departments = [d for d in scope if d is not None]
    if departments:
        query = query.where(ControlledDocument.department_id.in_(departments)
                            | ControlledDocument.department_id.is_(None))
    return list(session.execute(
        query.order_by(ControlledDocument.next_review, ControlledDocument.ref)).scalars())


def due_lines(documents: Iterable[ControlledDocument]) -> str:
    """One line per document due: "POL-002 Acceptable use policy (version 1.0, approved):
    review due 2026-10-01; owner Priya Shah." - the agenda item's detail."""
    return "\n".join(
        f"{d.ref} {d.title} ({'version ' + d.version_label + ', ' if d.version_label else ''}"
        f"{d.status.value}): review due {d.next_review}; owner "
        f"{d.owner.name if d.owner else 'none'}." for d in documents)


def monitoring_line(session: Session, as_of: date, scope: Sequence[int] = ()) -> str:
    """The document register's part of the 9.3.2 d2 monitoring input: "documents (policies
    and procedures): 14 in force, 2 in draft, 3 past their next review (POL-002, ...)"; ""
    while the register holds none."""
    query = select(ControlledDocument.status, func.count()).group_by(ControlledDocument.status)
    if scope:
        query = query.where(ControlledDocument.department_id.in_(scope)
                            | ControlledDocument.department_id.is_(None))
    counts = {status: n for status, n in session.execute(query)}
    if not counts.get(DocumentStatus.APPROVED) and not counts.get(DocumentStatus.DRAFT):
        return ""
    late = [d.ref for d in due_for_review(session, as_of - timedelta(days=1), scope)]
    return (f"documents (policies and procedures): {counts.get(DocumentStatus.APPROVED, 0)} in "
            f"force, {counts.get(DocumentStatus.DRAFT, 0)} in draft, {len(late)} past their "
            "next review" + (f" ({', '.join(late)})" if late else ""))


# --- checks ------------------------------------------------------------------------------------


def _known(fields: Mapping[str, Any]) -> None:
    unknown = sorted(set(fields) - FIELDS)
    if unknown:
        raise ValidationError(f"A document has no field {', '.join(unknown)}.",
                              field=unknown[0])


def _current(session: Session, document_id: int, expected_version: int) -> ControlledDocument:
    document = session.get(ControlledDocument, document_id)
    if document is None:
        raise NotFoundError(f"There is no document with id {document_id}.")
    if document.version != expected_version:
        raise ConflictError(f"Document {document.ref} was changed by someone else meanwhile: "
                            "reload it and make your change again.",
                            record=document.audit_label(), yours=expected_version,
                            theirs=document.version)
    return document


def _apply(session: Session, document: ControlledDocument, fields: Mapping[str, Any],
           today: date | None) -> None:
    """Check each field given and set it; a refusal names the field."""
    if "title" in fields:
        title = str(fields["title"] or "").strip()
        if not title:
            raise ValidationError("A document needs a title.", field="title")
        if len(title) > 300:
            raise ValidationError("A title is at most 300 characters.", field="title")
        document.title = title
    if "kind" in fields:
        document.kind = kind_of(fields["kind"])
    if "version_label" in fields:
        label = str(fields["version_label"] or "").strip()
        if len(label) > 20:
            raise ValidationError("A version is at most 20 characters (e.g. 2.1).",
                                  field="version_label")
        document.version_label = label
    if "summary" in fields:
        document.summary = str(fields["summary"] or "").strip()
    if "owner_id" in fields:
        document.owner_id = _person(session, fields["owner_id"])
    if "department_id" in fields:
        department_id = fields["department_id"]
        if department_id is not None and session.get(Department, department_id) is None:
            raise ValidationError(f"There is no department with id {department_id}.",
                                  field="department_id")
        document.department_id = department_id
    if "review_months" in fields:
        months = fields["review_months"]
        if months is None:
            months = DEFAULT_REVIEW_MONTHS
        if not isinstance(months, int) or not 1 <= months <= 60:
            raise ValidationError("The review interval is a number of months from 1 to 60.",
                                  field="review_months")
        document.review_months = months
        if "next_review" not in fields and document.approved_on is not None:
            document.next_review = add_months(document.approved_on, months)
    if "next_review" in fields:
        day = fields["next_review"]
        document.next_review = (check_review_date(day, "the next review", "next_review", today)
                                if day is not None else None)
    if "url" in fields:
        url = str(fields["url"] or "").strip()
        document.url = url or None
    if "controls" in fields:
        document.controls = _controls(session, fields["controls"])


def _person(session: Session, person_id: object) -> int | None:
    if person_id is None:
        return None
    person = session.get(Person, person_id)
    if person is None:
        raise ValidationError(f"There is no person with id {person_id}.", field="owner_id")
    if not person.active:
        raise ValidationError(f"{person.name} has left (inactive): choose a current owner.",
                              field="owner_id")
    return person.id


def _controls(session: Session, ids: Iterable[int]) -> list[Control]:
    found: list[Control] = []
    for control_id in dict.fromkeys(ids):
        control = session.get(Control, control_id)
        if control is None or control.edition == ControlEdition.ISO27001_2013:
            raise ValidationError(f"There is no current control with id {control_id}.",
                                  field="controls")
        found.append(control)
    local_controls.refuse_retired(found, "controls")
    return found


def _attach(document: ControlledDocument, source: Path, store: Path | None) -> None:
    """Keep ``source`` in the evidence store under its SHA-256, as evidence files are."""
    if store is None:
        raise StorageError("A document file needs the register's evidence store; attach a "
                           "link for a register on a database server.")
    source = Path(source)
    if not source.is_file():
        raise ValidationError(f"There is no file {source} to attach.", field="file")
    document.stored_name, document.sha256, document.size_bytes = keep_file(store, source)
    document.file_name = source.name[:255]
