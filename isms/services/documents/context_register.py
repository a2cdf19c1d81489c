"""The context register as Reports to write with ``isms.io.exports`` (xlsx or PDF), for one
department (its issues and parties, and the council-wide ones) or the whole council (None):

* ``context_issues`` - the internal and external issues (4.1) and the climate-change decision
  with its justification, who decided and when;
* ``interested_parties`` - the interested parties (4.2), one row per requirement, with the
  controls that answer it ("No control" shaded where none does).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from isms.io.exports.report import Column, Marked, Report
from isms.model.context import ContextIssue, IssueKind
from isms.services import context
from isms.services.documents.register_common import (
    OVERDUE_FILL,
    document_control,
    due_cell,
    generated_at,
    scope,
)

ISSUE_COLUMNS = (
    Column("Ref", 8),
    Column("Kind", 9),
    Column("Category", 13),
    Column("Issue", 28, wrap=True),
    Column("Effect on the ISMS", 34, wrap=True),
    Column("Owner", 15),
    Column("Department", 10),
    Column("Next review", 11, "date"),
)

PARTY_COLUMNS = (
    Column("Ref", 8),
    Column("Interested party", 22, wrap=True),
    Column("Kind", 12),
    Column("Requirement", 34, wrap=True),
    Column("Source", 18, wrap=True),
    Column("Answered by", 14, wrap=True),
    Column("Department", 10),
    Column("Next review", 11, "date"),
)


def _name(person: Any) -> str | None:
    return person.name if person is not None else None


def _department(record: Any) -> str:
    return record.department.code if record.department is not None else "All"


def _climate_effect(issue: ContextIssue) -> str:
    decided = issue.decided_on.isoformat() if issue.decided_on else "no date"
    by = f" by {issue.decided_by.name}" if issue.decided_by is not None else ""
    effect = f" {issue.effect}" if issue.effect else ""
    why = issue.justification.rstrip(".")
    return f"Decision: {issue.decision} ({decided}{by}). Why: {why}.{effect}"


def context_issues(session: Session, department_id: int | None, today: date, *,
                   generated: datetime | None = None, marking: str = "OFFICIAL") -> Report:
    """Current issues by reference, the climate decision among them."""
    where = scope(session, department_id)
    issues = context.issues(session, department=department_id)
    climate = context.climate_decision(session)
    notes = ["Categories: external issues by PESTLE (political, economic, social, "
             "technological, legal, environmental); internal ones by the council's own."]
    if climate is None:
        notes.append("No decision on whether climate change is a relevant issue is recorded "
                      "(ISO/IEC 27001 4.1 as amended in 2024 asks for one).")
    notes.append("Next review dates shaded red are past due.")
    rows: list[list[Any]] = [
        [issue.ref, str(issue.kind), issue.category, issue.issue,
         _climate_effect(issue) if issue.kind == IssueKind.CLIMATE else issue.effect or None,
         _name(issue.owner), _department(issue), due_cell(issue.review_date, today)]
        for issue in issues]
    return Report(
        title=f"Context issues - {where.name}",
        columns=ISSUE_COLUMNS,
        rows=rows,
        generated=generated_at(today, generated),
        row_count=len(rows),
        document_control=document_control(
            where, today, ("Issues", str(len(rows))),
            ("Climate change", str(climate.decision) if climate is not None
             else "no decision recorded")),
        marking=marking,
        notes=tuple(notes),
    )


def _party_rows(session: Session, department_id: int | None, today: date) -> Iterator[list[Any]]:
    for party in context.parties(session, department=department_id):
        head = [party.ref, party.name, party.kind]
        tail = [_department(party), due_cell(party.review_date, today)]
        rows = context.current_requirements(party)
        if not rows:
            yield [*head, Marked("No requirement recorded", OVERDUE_FILL), None, None, *tail]
        for row in rows:
            answered = ", ".join(control.ref for control in row.controls)
            yield [*head, row.text, row.source or None,
                   answered or Marked("No control", OVERDUE_FILL), *tail]


def interested_parties(session: Session, department_id: int | None, today: date, *,
                       generated: datetime | None = None, marking: str = "OFFICIAL") -> Report:
    """Current parties by reference, a row per current requirement."""
    where = scope(session, department_id)
    rows = list(_party_rows(session, department_id, today))
    parties = len({row[0] for row in rows})
    return Report(
        title=f"Interested parties - {where.name}",
        columns=PARTY_COLUMNS,
        rows=rows,
        generated=generated_at(today, generated),
        row_count=len(rows),
        document_control=document_control(
            where, today, ("Interested parties", str(parties)),
            ("Requirements", str(sum(1 for row in rows if not isinstance(row[3], Marked))))),
        marking=marking,
        notes=("Answered by: the Annex A or local controls that meet the requirement; "
               "'No control' is a requirement nothing answers yet.",),
    )
