"""The context register (ISO/IEC 27001 4.1, 4.2 with Amendment 1:2024): internal and external
issues, the climate-change decision, interested parties and their requirements.

Every write is one call and one transaction (it commits), checks its values first (a
ValidationError names the field) and returns :class:`Changed` naming the records it touched.
Values come as a mapping of field -> value, as the window's editor and the CLI give them; a
person is named by name or e-mail, a department by code or name, a date as a ``date`` or
YYYY-MM-DD text. Records are retired, never deleted: what a review quoted stays readable.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db import commit
from ..errors import NotFoundError, ValidationError
from ..model.base import utcnow
from ..model.context import (
    ClimateDecision,
    ContextIssue,
    ContextStatus,
    InterestedParty,
    IssueKind,
    PartyRequirement,
)
from .changed import Changed
from .record_values import (
    by_ref as _by_ref,
)
from .record_values import (
    controls_in_use as _controls,
)
from .record_values import (
    dated as _date,
)
from .record_values import (
    department_id as _department_id,
)
from .record_values import (
    next_ref as _next_ref,
)
from .record_values import (
    person_id as _person_id,
)
from .record_values import (
    refuse_unknown as _unknown,
)

#: Categories offered for an issue: PESTLE for the world outside, and the council's own.
EXTERNAL_CATEGORIES = ("political", "economic", "social", "technological", "legal",
                       "environmental")
INTERNAL_CATEGORIES = ("organisational", "people", "processes", "technology", "culture",
                       "resources")
CATEGORIES = EXTERNAL_CATEGORIES + INTERNAL_CATEGORIES
#: Kinds of interested party offered; any other short text is taken as well.
PARTY_KINDS = ("regulator", "resident", "partner", "supplier", "staff", "elected members",
               "government", "auditor", "customer")
#: The words the climate decision's row carries as its issue.
CLIMATE_ISSUE = "Climate change"

ISSUE_FIELDS = frozenset({"kind", "category", "issue", "effect", "owner", "department",
                          "review_date"})
PARTY_FIELDS = frozenset({"name", "kind", "notes", "owner", "department", "review_date"})
REQUIREMENT_FIELDS = frozenset({"text", "source", "controls"})

_LONGEST = {"category": 40, "issue": 300, "name": 200, "kind": 40, "source": 300}

T = TypeVar("T")


# --- checking values ----------------------------------------------------------------------------


def _text(values: Mapping[str, Any], field: str, what: str, *, required: bool) -> str:
    text = str(values.get(field) or "").strip()
    if required and not text:
        raise ValidationError(f"{what} needs {field.replace('_', ' ')}.", field=field)
    longest = _LONGEST.get(field)
    if longest is not None and len(text) > longest:
        raise ValidationError(f"The {field} is longer than {longest} characters.", field=field)
    return text














def _stamp_review(record: Any, values: Mapping[str, Any], what: str) -> None:
    if "review_date" in values:
        record.review_date = _date(values["review_date"], "review_date", f"the {what}'s review")


# --- issues -------------------------------------------------------------------------------------


def issue_by_ref(session: Session, ref: str) -> ContextIssue:
    return _by_ref(session, ContextIssue, ref, "context issue", "isms context issues list")


def _set_issue(session: Session, issue: ContextIssue, values: Mapping[str, Any]) -> None:
    _unknown(values, ISSUE_FIELDS, "A context issue")
    if "kind" in values:
        kind = str(values["kind"] or "").strip().lower()
        if kind not in (IssueKind.INTERNAL, IssueKind.EXTERNAL):
            raise ValidationError(
                f"An issue is internal or external, not '{values['kind']}' (the climate "
                "decision is made with `isms context climate`).", field="kind")
        issue.kind = IssueKind(kind)
    if "category" in values:
        category = _text(values, "category", "An issue", required=True).lower()
        if category not in CATEGORIES:
            raise ValidationError(
                f"'{values['category']}' is not a category: give one of {', '.join(CATEGORIES)}.",
                field="category")
        issue.category = category
    if "issue" in values:
        issue.issue = _text(values, "issue", "An issue", required=True)
    if "effect" in values:
        issue.effect = _text(values, "effect", "An issue", required=False)
    if "owner" in values:
        issue.owner_id = _person_id(session, values["owner"], "owner")
    if "department" in values:
        issue.department_id = _department_id(session, values["department"])
    _stamp_review(issue, values, "issue")


def add_issue(session: Session, values: Mapping[str, Any]) -> Changed:
    """A new internal or external issue: kind, category and the issue required."""
    for field in ("kind", "category", "issue"):
        if not str(values.get(field) or "").strip():
            raise ValidationError(f"A context issue needs its {field}.", field=field)
    issue = ContextIssue(ref=_next_ref(session, ContextIssue.ref, "CI"), effect="",
                         justification="", category="", status=ContextStatus.CURRENT)
    _set_issue(session, issue, values)
    session.add(issue)
    commit(session)
    return Changed.of(ContextIssue, [issue.id])


def _current(record: ContextIssue | InterestedParty, what: str) -> None:
    if record.status == ContextStatus.RETIRED:
        raise ValidationError(f"{what} {record.ref} is retired and can no longer be changed.",
                              field="ref")


def update_issue(session: Session, issue: ContextIssue, values: Mapping[str, Any]) -> Changed:
    """Change an issue's fields (those given); the climate decision is changed with
    :func:`decide_climate`."""
    _current(issue, "Context issue")
    if issue.kind == IssueKind.CLIMATE:
        raise ValidationError(
            f"{issue.ref} is the climate-change decision: change it with `isms context climate`.",
            field="kind")
    _set_issue(session, issue, values)
    commit(session)
    return Changed.of(ContextIssue, [issue.id])


def retire_issue(session: Session, issue: ContextIssue) -> Changed:
    """An issue that no longer bears on the ISMS: kept, off the lists (the climate decision is
    never retired: 4.1 asks for one; change it instead)."""
    _current(issue, "Context issue")
    if issue.kind == IssueKind.CLIMATE:
        raise ValidationError(
            f"{issue.ref} is the climate-change decision, which 4.1 requires: record a new "
            "decision with `isms context climate` instead.", field="kind")
    issue.status = ContextStatus.RETIRED
    commit(session)
    return Changed.of(ContextIssue, [issue.id])


def issues(session: Session, *, department: int | None = None, kind: str | None = None,
           include_retired: bool = False) -> list[ContextIssue]:
    """Issues by reference; ``department`` gives that department's and the council-wide ones."""
    query = select(ContextIssue).order_by(ContextIssue.ref)
    if department is not None:
        query = query.where((ContextIssue.department_id == department)
                            | ContextIssue.department_id.is_(None))
    if kind:
        query = query.where(ContextIssue.kind == kind)
    if not include_retired:
        query = query.where(ContextIssue.status == ContextStatus.CURRENT)
    return list(session.execute(query).scalars())


# --- the climate decision -----------------------------------------------------------------------


def climate_decision(session: Session) -> ContextIssue | None:
    """The register's climate-change decision (4.1, Amd 1:2024), or None while none is made."""
    return session.execute(
        select(ContextIssue).where(ContextIssue.kind == IssueKind.CLIMATE)
        .order_by(ContextIssue.id.desc()).limit(1)
    ).scalar_one_or_none()


def decide_climate(session: Session, *, relevant: bool, justification: str,
                   decided_by: str | None = None, decided_on: date | None = None,
                   review_date: date | str | None = None, effect: str = "",
                   owner: str | None = None) -> Changed:
    """Record whether climate change is a relevant issue, and why. A register holds one
    decision: a later one replaces it (the change log keeps the earlier)."""
    why = str(justification or "").strip()
    if not why:
        raise ValidationError("Say why climate change is or is not a relevant issue.",
                              field="justification")
    issue = climate_decision(session)
    if issue is None:
        issue = ContextIssue(ref=_next_ref(session, ContextIssue.ref, "CI"),
                             kind=IssueKind.CLIMATE, category="environmental",
                             issue=CLIMATE_ISSUE, status=ContextStatus.CURRENT)
        session.add(issue)
    issue.decision = ClimateDecision.RELEVANT if relevant else ClimateDecision.NOT_RELEVANT
    issue.justification = why
    issue.effect = str(effect or "").strip()
    issue.decided_by_id = _person_id(session, decided_by, "decided_by")
    issue.decided_on = decided_on or date.today()
    issue.owner_id = _person_id(session, owner, "owner") if owner else issue.decided_by_id
    issue.review_date = _date(review_date, "review_date", "the climate decision's review")
    commit(session)
    return Changed.of(ContextIssue, [issue.id])


# --- interested parties and their requirements --------------------------------------------------


def party_by_ref(session: Session, ref: str) -> InterestedParty:
    return _by_ref(session, InterestedParty, ref, "interested party",
                   "isms context parties list")


def _set_party(session: Session, party: InterestedParty, values: Mapping[str, Any]) -> None:
    _unknown(values, PARTY_FIELDS, "An interested party")
    if "name" in values:
        party.name = _text(values, "name", "An interested party", required=True)
    if "kind" in values:
        party.kind = _text(values, "kind", "An interested party", required=True).lower()
    if "notes" in values:
        party.notes = _text(values, "notes", "An interested party", required=False)
    if "owner" in values:
        party.owner_id = _person_id(session, values["owner"], "owner")
    if "department" in values:
        party.department_id = _department_id(session, values["department"])
    _stamp_review(party, values, "party")


def add_party(session: Session, values: Mapping[str, Any]) -> Changed:
    """A new interested party: its name and kind (regulator, resident, partner...) required."""
    for field in ("name", "kind"):
        if not str(values.get(field) or "").strip():
            raise ValidationError(f"An interested party needs its {field}.", field=field)
    party = InterestedParty(ref=_next_ref(session, InterestedParty.ref, "IP"), notes="",
                            status=ContextStatus.CURRENT)
    _set_party(session, party, values)
    session.add(party)
    commit(session)
    return Changed.of(InterestedParty, [party.id])


def update_party(session: Session, party: InterestedParty, values: Mapping[str, Any]) -> Changed:
    _current(party, "Interested party")
    _set_party(session, party, values)
    commit(session)
    return Changed.of(InterestedParty, [party.id])


def retire_party(session: Session, party: InterestedParty) -> Changed:
    """A party the ISMS no longer answers to: kept with its requirements, off the lists."""
    _current(party, "Interested party")
    party.status = ContextStatus.RETIRED
    commit(session)
    return Changed.of(InterestedParty, [party.id])


def parties(session: Session, *, department: int | None = None,
            include_retired: bool = False) -> list[InterestedParty]:
    query = select(InterestedParty).order_by(InterestedParty.ref)
    if department is not None:
        query = query.where((InterestedParty.department_id == department)
                            | InterestedParty.department_id.is_(None))
    if not include_retired:
        query = query.where(InterestedParty.status == ContextStatus.CURRENT)
    return list(session.execute(query).scalars())




def _set_requirement(session: Session, requirement: PartyRequirement,
                     values: Mapping[str, Any]) -> None:
    _unknown(values, REQUIREMENT_FIELDS, "A requirement")
    if "text" in values:
        requirement.text = _text(values, "text", "A requirement", required=True)
    if "source" in values:
        requirement.source = _text(values, "source", "A requirement", required=False)
    if "controls" in values:
        requirement.controls = _controls(session, values["controls"] or ())


def requirement(session: Session, requirement_id: int) -> PartyRequirement:
    found = session.get(PartyRequirement, requirement_id)
    if found is None:
        raise NotFoundError(f"No requirement {requirement_id} in this register "
                            "(see `isms context parties show REF`).")
    return found


def add_requirement(session: Session, party: InterestedParty,
                    values: Mapping[str, Any]) -> Changed:
    """A party's requirement: its text required; its source and the controls that answer it
    (references: "5.34", "PSN-3")."""
    _current(party, "Interested party")
    if not str(values.get("text") or "").strip():
        raise ValidationError("A requirement needs its text.", field="text")
    row = PartyRequirement(party=party, text="", source="")
    _set_requirement(session, row, values)
    session.add(row)
    commit(session)
    return Changed.of(PartyRequirement, [row.id]) | Changed.of(InterestedParty, [party.id])


def update_requirement(session: Session, row: PartyRequirement,
                       values: Mapping[str, Any]) -> Changed:
    if row.retired_at is not None:
        raise ValidationError(f"Requirement {row.id} is retired and can no longer be changed.",
                              field="requirement")
    _set_requirement(session, row, values)
    commit(session)
    return Changed.of(PartyRequirement, [row.id]) | Changed.of(InterestedParty, [row.party_id])


def retire_requirement(session: Session, row: PartyRequirement) -> Changed:
    if row.retired_at is not None:
        raise ValidationError(f"Requirement {row.id} is retired already.", field="requirement")
    row.retired_at = utcnow()
    commit(session)
    return Changed.of(PartyRequirement, [row.id]) | Changed.of(InterestedParty, [row.party_id])


def current_requirements(party: InterestedParty) -> list[PartyRequirement]:
    return [row for row in party.requirements if row.retired_at is None]


# --- what needs attention -----------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """Something the context register lacks: ``ref`` names the record ("" for the register)."""

    ref: str
    text: str


def check(session: Session, today: date | None = None) -> list[Finding]:
    """What an auditor would ask about first: no climate decision, reviews overdue, a party
    with no requirement, a requirement that nothing answers."""
    today = today or date.today()
    found: list[Finding] = []
    climate = climate_decision(session)
    if climate is None:
        found.append(Finding("", "No decision on whether climate change is a relevant issue "
                                 "(ISO/IEC 27001 4.1, Amd 1:2024): record it with `isms context "
                                 "climate --relevant|--not-relevant --justification ...`."))
    elif climate.review_date is None:
        found.append(Finding(climate.ref, "The climate decision has no review date: it is "
                                          "reviewed like any other issue (--review-date)."))
    held = issues(session)
    if not any(issue is not climate for issue in held):
        found.append(Finding("", "No internal or external issue recorded (4.1): add them with "
                                 "`isms context issues add`."))
    if not parties(session):
        found.append(Finding("", "No interested party recorded (4.2): add them with `isms "
                                 "context parties add`, and their requirements."))
    for issue in held:
        if issue.review_date is not None and issue.review_date < today:
            found.append(Finding(issue.ref, f"Review of '{issue.issue}' was due on "
                                            f"{issue.review_date.isoformat()}."))
    for party in parties(session):
        if party.review_date is not None and party.review_date < today:
            found.append(Finding(party.ref, f"Review of {party.name} was due on "
                                            f"{party.review_date.isoformat()}."))
        rows = current_requirements(party)
        if not rows:
            found.append(Finding(party.ref, f"{party.name} has no requirement recorded."))
        for row in rows:
            if not row.controls:
                found.append(Finding(party.ref, f"Requirement {row.id} of {party.name} "
                                                f"('{row.text}') is answered by no control."))
    return found


def record_id(changed: Changed, model: type[Any]) -> int:
    """The one id of ``model`` a write above touched (what the CLI shows next)."""
    return min(changed.ids[str(model.__tablename__)])


# --- what the management review reads (9.3.2 b and c) -------------------------------------------


def _scoped(query: Any, column: Any, scope: list[int]) -> Any:
    """A scope's records and the council-wide ones (no department); every one for no scope."""
    return query.where(column.in_(scope) | column.is_(None)) if scope else query


def _moved(records: Iterable[ContextIssue | InterestedParty], since: datetime | None,
           name: Any) -> str:
    """ "added CI-004 (Cyber attacks on councils); changed CI-001 (...)" since ``since``."""
    if since is None:
        return ""
    added = [r for r in records if r.created_at >= since]
    changed = [r for r in records if r.created_at < since <= r.updated_at]
    parts = [f"{verb} " + ", ".join(f"{r.ref} ({name(r)}"
                                    + (", retired" if r.status == ContextStatus.RETIRED else "")
                                    + ")" for r in rows)
             for verb, rows in (("added", added), ("changed", changed)) if rows]
    return "; ".join(parts)


def issues_reading(session: Session, since: datetime | None, scope: list[int],
                   as_of: date) -> str:
    """Input b's issues part: what stands, the climate decision (or that none is recorded:
    4.1 asks for one), what changed ``since`` the last review (None: there was none)."""
    every = list(session.execute(_scoped(
        select(ContextIssue).order_by(ContextIssue.ref), ContextIssue.department_id, scope)
    ).scalars())
    current = [i for i in every if i.status == ContextStatus.CURRENT
               and i.kind != IssueKind.CLIMATE]
    climate = climate_decision(session)
    kinds = Counter(str(i.kind) for i in current)
    parts = [f"{len(current)} current issues ("
             + ", ".join(f"{kinds[k]} {k}" for k in ("external", "internal") if kinds[k])
             + ")" if current else "no current issue"]
    if climate is None:
        parts.append("climate change: no decision recorded (4.1 asks whether it is relevant)")
    else:
        decided = climate.decided_on.isoformat() if climate.decided_on else "no date"
        by = f" by {climate.decided_by.name}" if climate.decided_by is not None else ""
        due = (f", next review {climate.review_date.isoformat()}"
               if climate.review_date is not None else "")
        parts.append(f"climate change {climate.decision} (decided {decided}{by}{due}: "
                     f"{climate.justification})")
    overdue = [i.ref for i in current if i.review_date is not None and i.review_date < as_of]
    if overdue:
        parts.append(f"review overdue: {', '.join(overdue)}")
    moved = _moved(every, since, lambda i: i.issue)
    if moved:
        parts.append(f"since the last review: {moved}")
    return "; ".join(parts)


def parties_reading(session: Session, since: datetime | None, scope: list[int],
                    as_of: date) -> str:
    """Input c: the parties that stand, their requirements and what answers them, what changed
    ``since`` the last review — "" when the register holds no party."""
    every = list(session.execute(_scoped(
        select(InterestedParty).order_by(InterestedParty.ref), InterestedParty.department_id,
        scope)).scalars())
    if not every:
        return ""
    current = [p for p in every if p.status == ContextStatus.CURRENT]
    rows = [row for party in current for row in current_requirements(party)]
    unanswered = [f"{row.party.ref}/{row.id}" for row in rows if not row.controls]
    parts = [f"{len(current)} current parties with {len(rows)} requirements"
             + (f", {len(unanswered)} answered by no control ({', '.join(unanswered)})"
                if unanswered else ", each answered by a control" if rows else "")]
    overdue = [p.ref for p in current if p.review_date is not None and p.review_date < as_of]
    if overdue:
        parts.append(f"review overdue: {', '.join(overdue)}")
    moved = _moved(every, since, lambda p: p.name)
    if moved:
        parts.append(f"since the last review: {moved}")
    if since is not None:
        new_rows = sum(1 for party in every for row in party.requirements
                       if row.created_at >= since)
        if new_rows:
            parts.append(f"{new_rows} requirements added")
    return "; ".join(parts)
