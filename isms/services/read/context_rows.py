"""The rows of the window's context pages (issues, interested parties): ids filtered and sorted
in SQL (department: its records and the council-wide ones), then the rows for the ids shown."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, aliased

from isms.model import Department, Person
from isms.model.context import (
    ContextIssue,
    ContextStatus,
    InterestedParty,
    PartyRequirement,
    requirement_control,
)

from .lists import _ids, _in_order


@dataclass(frozen=True)
class IssueRow:
    id: int
    ref: str
    kind: str
    category: str
    issue: str
    owner: str | None
    department: str | None
    review_date: date | None
    overdue: bool


@dataclass(frozen=True)
class PartyRow:
    id: int
    ref: str
    name: str
    kind: str
    requirements: int
    unanswered: int
    owner: str | None
    department: str | None
    review_date: date | None


_owner = aliased(Person)

ISSUE_SORT: dict[str, Any] = {
    "ref": ContextIssue.ref, "kind": ContextIssue.kind, "category": ContextIssue.category,
    "issue": ContextIssue.issue, "owner": _owner.name, "department": Department.code,
    "review_date": ContextIssue.review_date,
}
PARTY_SORT: dict[str, Any] = {
    "ref": InterestedParty.ref, "name": InterestedParty.name, "kind": InterestedParty.kind,
    "owner": _owner.name, "department": Department.code,
    "review_date": InterestedParty.review_date,
}


def _in_department(query: Select[Any], column: Any, department: int | None) -> Select[Any]:
    return query if department is None else query.where(
        or_(column == department, column.is_(None)))


def _search(query: Select[Any], search: str | None, *columns: Any) -> Select[Any]:
    if not search or not search.strip():
        return query
    wanted = f"%{search.strip().lower()}%"
    return query.where(or_(*(func.lower(c).like(wanted) for c in columns)))


def issue_ids(session: Session, *, department: int | None = None, search: str | None = None,
              order_by: str = "ref", descending: bool = False, kind: str | None = None
              ) -> list[int]:
    """Current issues (the climate decision among them) of ``department`` and council-wide."""
    query = (select(ContextIssue.id)
             .outerjoin(_owner, ContextIssue.owner_id == _owner.id)
             .outerjoin(Department, ContextIssue.department_id == Department.id)
             .where(ContextIssue.status == ContextStatus.CURRENT))
    if kind:
        query = query.where(ContextIssue.kind == kind)
    query = _search(_in_department(query, ContextIssue.department_id, department), search,
                    ContextIssue.ref, ContextIssue.issue, ContextIssue.effect,
                    ContextIssue.category, _owner.name)
    return _ids(query, ISSUE_SORT, order_by, descending, ContextIssue.id, session)


def issue_rows(session: Session, ids: Sequence[int], today: date | None = None
               ) -> list[IssueRow]:
    if not ids:
        return []
    today = today or date.today()
    query = (select(ContextIssue.id, ContextIssue.ref, ContextIssue.kind, ContextIssue.category,
                    ContextIssue.issue, ContextIssue.decision, _owner.name, Department.code,
                    ContextIssue.review_date)
             .outerjoin(_owner, ContextIssue.owner_id == _owner.id)
             .outerjoin(Department, ContextIssue.department_id == Department.id)
             .where(ContextIssue.id.in_(list(ids))))
    rows = [IssueRow(r[0], r[1], str(r[2]), r[3],
                     r[4] + (f" ({r[5]})" if r[5] is not None else ""), r[6], r[7], r[8],
                     r[8] is not None and r[8] < today)
            for r in session.execute(query)]
    return _in_order(rows, ids)


def party_ids(session: Session, *, department: int | None = None, search: str | None = None,
              order_by: str = "ref", descending: bool = False) -> list[int]:
    query = (select(InterestedParty.id)
             .outerjoin(_owner, InterestedParty.owner_id == _owner.id)
             .outerjoin(Department, InterestedParty.department_id == Department.id)
             .where(InterestedParty.status == ContextStatus.CURRENT))
    query = _search(_in_department(query, InterestedParty.department_id, department), search,
                    InterestedParty.ref, InterestedParty.name, InterestedParty.kind,
                    _owner.name)
    return _ids(query, PARTY_SORT, order_by, descending, InterestedParty.id, session)


def party_rows(session: Session, ids: Sequence[int]) -> list[PartyRow]:
    if not ids:
        return []
    wanted = list(ids)
    current = (PartyRequirement.party_id.in_(wanted), PartyRequirement.retired_at.is_(None))
    counts: dict[int, int] = {party: n for party, n in session.execute(
        select(PartyRequirement.party_id, func.count()).where(*current)
        .group_by(PartyRequirement.party_id))}
    answered = select(requirement_control.c.requirement_id)
    unanswered: dict[int, int] = {party: n for party, n in session.execute(
        select(PartyRequirement.party_id, func.count())
        .where(*current, PartyRequirement.id.not_in(answered))
        .group_by(PartyRequirement.party_id))}
    query = (select(InterestedParty.id, InterestedParty.ref, InterestedParty.name,
                    InterestedParty.kind, _owner.name, Department.code,
                    InterestedParty.review_date)
             .outerjoin(_owner, InterestedParty.owner_id == _owner.id)
             .outerjoin(Department, InterestedParty.department_id == Department.id)
             .where(InterestedParty.id.in_(wanted)))
    rows = [PartyRow(r[0], r[1], r[2], r[3], counts.get(r[0], 0), unanswered.get(r[0], 0),
                     r[4], r[5], r[6])
            for r in session.execute(query)]
    return _in_order(rows, ids)
