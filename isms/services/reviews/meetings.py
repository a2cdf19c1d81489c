"""Review meetings as the SMG runs them (ISO/IEC 27001 8.2, 9.3): plan, start (the agenda is
built from the register), decide each item, complete, and the chair signs off.

planned -> in progress -> completed -> signed off. Once signed off nothing of the meeting can
change: every function here refuses, and so does the session (see :mod:`isms.db.review_guard`).
Every function takes the caller's session and leaves the commit to it (one step, one
transaction). The agenda rules are in :mod:`.agenda`, the decisions' effects in
:mod:`.decisions`, the forward look in :mod:`.due`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from isms.db.changelog import record_event
from isms.db.locks import lock
from isms.errors import AccessDenied, ValidationError
from isms.model import (
    AgendaItem,
    AgendaKind,
    DecisionKind,
    Department,
    Person,
    ReviewAttendee,
    ReviewMeeting,
    ReviewStatus,
    SignatureKind,
)
from isms.services import signatures
from isms.services.reviews.agenda import build_agenda
from isms.services.reviews.common import (
    AgendaItemView,
    DecisionView,
    DueItem,
    ItemContext,
    item_views,
    meeting_by_id,
    meeting_by_ref,
    require_status,
)
from isms.services.reviews.context import item_context
from isms.services.reviews.decisions import Request
from isms.services.reviews.decisions import decide as _decide
from isms.services.reviews.due import (
    DueSummary,
    default_horizon,
    due_items,
    due_summary,
    next_planned_meeting,
)
from isms.services.reviews.undo import undo as _undo

__all__ = [
    "AgendaItemView", "CONCLUSIONS", "DecisionView", "DueItem", "ItemContext", "add_input",
    "agenda", "complete_review", "conclude", "conclusions", "decide", "default_horizon",
    "due_items", "due_summary", "DueSummary", "item_context",
    "meeting_by_ref", "next_planned_meeting", "plan_review", "redate", "sign_off",
    "start_review",
    "undo_decision",
]

#: Undecided items named in the refusal to complete.
_NAMED = 5
#: The meeting's conclusions (ISO/IEC 27001 9.3.3), each stored as ``conclusion_<key>``: key,
#: what the minutes call it.
CONCLUSIONS: tuple[tuple[str, str], ...] = (
    ("suitability", "Continuing suitability of the ISMS"),
    ("adequacy", "Adequacy of the ISMS"),
    ("effectiveness", "Effectiveness of the ISMS"),
    ("changes", "Changes needed to the ISMS"),
    ("resources", "Resources needed"),
)
#: Longest conclusion kept (a page of text).
CONCLUSION_LIMIT = 4000


def _people(session: Session, ids: Sequence[int], what: str) -> list[Person]:
    found = []
    for person_id in dict.fromkeys(ids):
        person = session.get(Person, person_id)
        if person is None:
            raise ValidationError(f"There is no person with id {person_id}.", field=what)
        found.append(person)
    return found


def _new_ref(session: Session, meeting_date: date) -> str:
    base = f"SMG-{meeting_date:%Y-%m-%d}"
    taken = set(session.execute(
        select(ReviewMeeting.ref).where(ReviewMeeting.ref.like(f"{base}%"))).scalars())
    if base not in taken:
        return base
    return next(f"{base}-{n}" for n in range(2, len(taken) + 3) if f"{base}-{n}" not in taken)


def plan_review(session: Session, *, title: str, meeting_date: date, chair_id: int | None,
                department_ids: Sequence[int] = (), attendee_ids: Sequence[int] = (),
                location: str = "", apology_ids: Sequence[int] = (),
                notes: str = "") -> ReviewMeeting:
    """A planned meeting; an empty ``department_ids`` is the whole council. Attendees sending
    apologies are recorded as not present."""
    if not title.strip():
        raise ValidationError("Give the meeting a title.", field="title")
    check_meeting_date(meeting_date, date.today())
    chair = _people(session, [chair_id], "chair_id")[0] if chair_id is not None else None
    if chair is not None and not chair.active:
        raise ValidationError(f"{chair.name} has left (inactive) and cannot chair.",
                              field="chair_id")
    scope = []
    for department_id in dict.fromkeys(department_ids):
        department = session.get(Department, department_id)
        if department is None:
            raise ValidationError(f"There is no department with id {department_id}.",
                                  field="department_ids")
        scope.append(department)
    present = _people(session, [*([chair_id] if chair_id else []), *attendee_ids], "attendees")
    absent = [p for p in _people(session, apology_ids, "apology_ids") if p not in present]
    meeting = ReviewMeeting(
        ref=_new_ref(session, meeting_date), title=title.strip(), meeting_date=meeting_date,
        location=location.strip(), chair=chair, scope=scope, notes=notes.strip(),
        attendees=[ReviewAttendee(person=p, capacity="Chair" if p is chair else "",
                                  present=True) for p in present]
        + [ReviewAttendee(person=p, present=False) for p in absent],
    )
    session.add(meeting)
    session.flush()
    return meeting


#: Review dates outside these bounds are typing mistakes, refused naming the field.
EARLIEST = date(2000, 1, 1)
#: How far ahead a meeting may be planned.
YEARS_AHEAD = 10


def check_meeting_date(value: date, today: date, field: str = "meeting_date") -> date:
    """Refuse a review date before 2000 or more than ten years ahead, naming the field."""
    latest = today + timedelta(days=round(365.25 * YEARS_AHEAD))
    if value < EARLIEST or value > latest:
        raise ValidationError(
            f"The {field.replace('_', ' ')} {value.isoformat()} is out of range: give a date "
            f"from {EARLIEST.isoformat()} to {latest.isoformat()}.", field=field)
    return value


def redate(session: Session, meeting_id: int, on: date, *, today: date) -> ReviewMeeting:
    """Move a planned meeting to the day it is (to be) held, e.g. to hold it earlier."""
    meeting = meeting_by_id(session, meeting_id)
    require_status(meeting, ReviewStatus.PLANNED, doing="re-dating it")
    meeting.meeting_date = check_meeting_date(on, today)
    session.flush()
    return meeting


def start_review(session: Session, meeting_id: int, *, today: date) -> list[AgendaItemView]:
    """Build the agenda from the register (see :mod:`.agenda`); planned -> in progress. A
    meeting happens when it happens: not before its date (re-date it to hold it earlier)."""
    meeting = meeting_by_id(session, meeting_id)
    require_status(meeting, ReviewStatus.PLANNED, doing="starting it")
    if today < meeting.meeting_date:
        raise ValidationError(
            f"Review {meeting.ref} is planned for {meeting.meeting_date.isoformat()}; it cannot "
            f"start before then (today is {today.isoformat()}). Re-date it to the day it is "
            f"held (`isms review redate {meeting.ref} --on {today.isoformat()}`).",
            field="meeting_date")
    build_agenda(session, meeting, today)
    meeting.status = ReviewStatus.IN_PROGRESS
    session.flush()
    return item_views(session, list(meeting.agenda))


def agenda(session: Session, meeting_id: int) -> list[AgendaItemView]:
    return item_views(session, list(meeting_by_id(session, meeting_id).agenda))


def add_input(session: Session, meeting_id: int, title: str, detail: str = "") -> AgendaItemView:
    """A management-review input (incidents, audit results, objectives...) on the agenda."""
    meeting = meeting_by_id(session, meeting_id)
    require_status(meeting, ReviewStatus.IN_PROGRESS, doing="adding an input")
    if not title.strip():
        raise ValidationError("Give the input a title.", field="title")
    last = session.execute(
        select(func.max(AgendaItem.position)).where(AgendaItem.meeting_id == meeting.id)
    ).scalar()
    item = AgendaItem(position=(last or 0) + 1, kind=AgendaKind.MANAGEMENT_INPUT,
                      title=title.strip()[:300], detail=detail.strip())
    meeting.agenda.append(item)
    session.flush()
    return item_views(session, [item])[0]


def decide(session: Session, item_id: int, kind: DecisionKind, *, note: str = "", actor: str,
           today: date, likelihood: int | None = None, impact: int | None = None,
           owner_id: int | None = None, action_title: str | None = None,
           due_date: date | None = None, approver_id: int | None = None,
           next_review: date | None = None) -> DecisionView:
    """Record the decision on an item and apply its effect (see :mod:`.decisions`)."""
    request = Request(kind, note, today, likelihood, impact, owner_id, action_title, due_date,
                      approver_id, next_review)
    return _decide(session, item_id, request, actor)


def undo_decision(session: Session, item_id: int) -> None:
    """Take a decision back while the meeting is in progress, restoring what it changed;
    refused (ValidationError naming the record) when that record changed since."""
    _undo(session, item_id)


def _locked_meeting(session: Session, meeting_id: int) -> ReviewMeeting:
    """The meeting as stored once no one else is completing or signing it off: a second
    concurrent sign-off waits here, then reads the first one's outcome (not the copy it loaded
    before), and is refused instead of signing twice."""
    lock(session, "review", meeting_id)
    session.flush()  # keep the caller's pending changes through the reload
    session.expire_all()
    return meeting_by_id(session, meeting_id)


def conclusions(meeting: ReviewMeeting) -> list[tuple[str, str]]:
    """The meeting's 9.3.3 conclusions as (key, text) in :data:`CONCLUSIONS` order."""
    return [(key, str(getattr(meeting, f"conclusion_{key}"))) for key, _label in CONCLUSIONS]


def conclude(session: Session, meeting_id: int, **given: str) -> ReviewMeeting:
    """Record the meeting's conclusions (9.3.3), those given (keys of :data:`CONCLUSIONS`; the
    others stay as they are), once the meeting has started and until it is signed off."""
    meeting = meeting_by_id(session, meeting_id)
    require_status(meeting, ReviewStatus.IN_PROGRESS, ReviewStatus.COMPLETED,
                   doing="recording its conclusions")
    known = dict(CONCLUSIONS)
    for key, text in given.items():
        if key not in known:
            raise ValidationError(
                f"'{key}' is not a conclusion of a management review; give one of "
                f"{', '.join(known)}.", field="conclusions")
        if len(text.strip()) > CONCLUSION_LIMIT:
            raise ValidationError(
                f"The conclusion on {key} is {len(text.strip()):,} characters long; keep it to "
                f"{CONCLUSION_LIMIT:,}.", field=f"conclusion_{key}")
    for key, text in given.items():
        setattr(meeting, f"conclusion_{key}", text.strip())
    session.flush()
    return meeting


def complete_review(session: Session, meeting_id: int) -> None:
    meeting = _locked_meeting(session, meeting_id)
    require_status(meeting, ReviewStatus.IN_PROGRESS, doing="completing it")
    open_items = [item for item in meeting.agenda if item.decision is None]
    if open_items:
        named = ", ".join(f"{i.position} {i.title}" for i in open_items[:_NAMED])
        more = f" and {len(open_items) - _NAMED} more" if len(open_items) > _NAMED else ""
        raise ValidationError(
            f"{len(open_items)} agenda item(s) of {meeting.ref} have no decision yet: "
            f"{named}{more}.", field="agenda")
    meeting.status = ReviewStatus.COMPLETED


def sign_off(session: Session, meeting_id: int, *, now: datetime) -> None:
    """The acting user, the meeting's chair holding the approver role, signs the completed
    meeting off; it is frozen. A sign-off cannot predate the meeting."""
    meeting = _locked_meeting(session, meeting_id)
    if meeting.status == ReviewStatus.SIGNED_OFF:
        signer = meeting.signed_off_by.name if meeting.signed_off_by else "someone"
        raise ValidationError(
            f"Review {meeting.ref} was already signed off by {signer}; it can no longer change.",
            field="status")
    require_status(meeting, ReviewStatus.COMPLETED, doing="signing it off")
    what = f"sign off review {meeting.ref}"
    by = signatures.signer(session, what, approver=True)
    if meeting.chair_id != by.id:
        chair = meeting.chair.name if meeting.chair else "no one"
        raise AccessDenied(
            f"{by.name} may not {what}: only its chair ({chair}), holding the approver role, "
            "can sign it off.", actor=signatures.actor(session), needed="chair")
    missing = [key for key, text in conclusions(meeting) if not text.strip()]
    if missing:
        raise ValidationError(
            f"Review {meeting.ref} has no conclusion on {', '.join(missing)} (ISO/IEC 27001 "
            "9.3.3): record them before signing off (`isms review conclude "
            f"{meeting.ref} --{missing[0]} TEXT ...`).", field="conclusions")
    if now.date() < meeting.meeting_date:
        raise ValidationError(
            f"Review {meeting.ref} took place on {meeting.meeting_date.isoformat()}; it cannot "
            f"be signed off before then ({now.date().isoformat()}).", field="signed_off_at")
    meeting.status = ReviewStatus.SIGNED_OFF
    meeting.signed_off_by = by
    meeting.signed_off_at = now
    session.flush()
    signatures.record(session, SignatureKind.REVIEW_SIGN_OFF, "review_meeting", meeting.id, by,
                      meeting=meeting, now=now)
    session.flush()
    record_event(session.connection(), actor=str(session.info.get("actor", "unknown")),
                 table_name="review_meeting", record_id=str(meeting.id),
                 label=f"review {meeting.ref} signed off by {by.name}",
                 details={"meeting": meeting.ref, "signed_off_by": by.name,
                          "signed_off_at": now, "decisions": len(meeting.agenda)})
