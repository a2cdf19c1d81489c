"""The rows of the window's Policies page (the document register): ids filtered and sorted in
SQL (a department: its documents and the council-wide ones; a status, a kind), then the rows
for the ids shown."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, aliased

from isms.model import ControlledDocument, Department, DocumentStatus, Person

from .lists import _ids, _in_order


@dataclass(frozen=True)
class PolicyRow:
    id: int
    ref: str
    title: str
    kind: str
    version_label: str
    status: str
    owner: str | None
    approved_on: date | None
    next_review: date | None
    department: str | None
    #: In force or in draft, and its next review has passed.
    overdue: bool


_owner = aliased(Person)

SORT: dict[str, Any] = {
    "ref": ControlledDocument.ref, "title": ControlledDocument.title,
    "kind": ControlledDocument.kind, "version_label": ControlledDocument.version_label,
    "status": ControlledDocument.status, "owner": _owner.name,
    "approved_on": ControlledDocument.approved_on,
    "next_review": ControlledDocument.next_review, "department": Department.code,
}


def policy_ids(session: Session, *, department: int | None = None, search: str | None = None,
               order_by: str = "ref", descending: bool = False, status: str | None = None,
               kind: str | None = None) -> list[int]:
    """Documents of ``department`` and the council-wide ones (None: all), of one status or
    kind when given, whose reference, title, summary or owner holds ``search``."""
    query = (select(ControlledDocument.id)
             .outerjoin(_owner, ControlledDocument.owner_id == _owner.id)
             .outerjoin(Department, ControlledDocument.department_id == Department.id))
    if department is not None:
        query = query.where(or_(ControlledDocument.department_id == department,
                                ControlledDocument.department_id.is_(None)))
    if status:
        query = query.where(ControlledDocument.status == status)
    if kind:
        query = query.where(ControlledDocument.kind == kind)
    if search and search.strip():
        wanted = f"%{search.strip().lower()}%"
        query = query.where(or_(*(func.lower(column).like(wanted) for column in (
            ControlledDocument.ref, ControlledDocument.title, ControlledDocument.summary,
            _owner.name))))
    return _ids(query, SORT, order_by, descending, ControlledDocument.id, session)


def policy_rows(session: Session, ids: Sequence[int], today: date | None = None
                ) -> list[PolicyRow]:
    if not ids:
        return []
    today = today or date.today()
    query = (select(ControlledDocument, _owner.name, Department.code)
             .outerjoin(_owner, ControlledDocument.owner_id == _owner.id)
             .outerjoin(Department, ControlledDocument.department_id == Department.id)
             .where(ControlledDocument.id.in_(list(ids))))
    rows = [PolicyRow(d.id, d.ref, d.title, d.kind.value, d.version_label, d.status.value, owner,
                      d.approved_on, d.next_review, code,
                      d.status != DocumentStatus.WITHDRAWN and d.next_review is not None
                      and d.next_review < today)
            for d, owner, code in session.execute(query)]
    return _in_order(rows, ids)
