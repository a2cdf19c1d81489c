"""The review-decisions document of the audit pack: every review meeting in scope, by date, with
its decisions and actions (``review-decisions.pdf``).

The pack (``isms.services.documents.audit_pack``) renders it with the other documents; the
meetings it covers (:func:`meetings_in_scope`) also decide which meetings' minutes go in.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from isms.io.exports.report import Column, Marked, Report
from isms.model import Department
from isms.model.review import AgendaItem, ReviewAction, ReviewAttendee, ReviewMeeting
from isms.services.documents.audit_pack_items import scope_label
from isms.services.documents.marking import meetings_marking

#: The meeting's reference on every row (a row split over two pages keeps it); who attended,
#: the chair and the status once, on the meeting's own shaded row.
MINUTES_COLUMNS = (
    Column("Meeting", 16, wrap=True),
    Column("Agenda item", 44, wrap=True),
    Column("Decision", 44, wrap=True),
    Column("Actions", 40, wrap=True),
)
#: The shade of a meeting's own row.
MEETING_FILL = "#E4EAF2"


def _status(meeting: ReviewMeeting) -> str:
    if meeting.signed_off_at is not None:
        by = f" by {meeting.signed_off_by.name}" if meeting.signed_off_by else ""
        return f"{meeting.status}{by} on {meeting.signed_off_at.date().isoformat()}"
    return str(meeting.status)


def _attendees(attendees: Sequence[ReviewAttendee]) -> str:
    people = sorted(attendees, key=lambda a: (a.person.name, a.person_id))
    present = [f"{a.person.name}" + (f" ({a.capacity})" if a.capacity else "")
               for a in people if a.present]
    apologies = [a.person.name for a in people if not a.present]
    return (f"Present: {'; '.join(present) or 'no one recorded'}"
            + (f". Apologies: {'; '.join(apologies)}" if apologies else ""))


def _meeting_row(meeting: ReviewMeeting) -> list[Any]:
    """The meeting once: what, when, where, who chaired and attended, and where it stands."""
    where = f" ({meeting.location})" if meeting.location else ""
    scope = ", ".join(sorted(d.code for d in meeting.scope)) or "whole council"
    held = (f"{meeting.title}, {meeting.meeting_date.isoformat()}{where}. Scope: {scope}. "
            f"Chair: {meeting.chair.name if meeting.chair else 'none'}.")
    items = len(meeting.agenda)
    status = _status(meeting)
    summary = f"{status[:1].upper()}{status[1:]}. {items} agenda item{'s' * (items != 1)}, " \
        f"{len(meeting.actions)} action{'s' * (len(meeting.actions) != 1)}."
    return [Marked(meeting.ref, MEETING_FILL), Marked(held, MEETING_FILL),
            Marked(_attendees(meeting.attendees), MEETING_FILL), Marked(summary, MEETING_FILL)]


def _action(action: ReviewAction) -> str:
    owner = action.owner.name if action.owner else "no owner"
    due = f", due {action.due_date.isoformat()}" if action.due_date else ""
    return f"{action.title} ({owner}{due}; {action.status})"


def _decision(item: AgendaItem) -> str:
    decision = item.decision
    if decision is None:
        return ""
    text = f"{decision.kind}"
    if decision.note:
        text += f": {decision.note}"
    text += f" ({decision.decided_by}, {decision.decided_at.date().isoformat()})"
    if decision.next_review:
        text += f"; next review {decision.next_review.isoformat()}"
    return text


def _minutes_rows(meetings: Sequence[ReviewMeeting]) -> Iterator[list[Any]]:
    for meeting in meetings:
        yield _meeting_row(meeting)
        actions = sorted(meeting.actions, key=lambda a: a.id)
        by_item: dict[int | None, list[str]] = {}
        for action in actions:
            by_item.setdefault(action.agenda_item_id, []).append(_action(action))
        if not meeting.agenda and not actions and meeting.notes:
            yield [meeting.ref, meeting.notes, "", ""]
        for item in meeting.agenda:
            title = f"{item.position}. {item.title}"
            yield [meeting.ref, title, _decision(item), "\n".join(by_item.get(item.id, []))]
        if by_item.get(None):
            yield [meeting.ref, "Other actions", "", "\n".join(by_item[None])]


def meetings_in_scope(session: Session, department_id: int | None) -> list[ReviewMeeting]:
    """The review meetings a pack covers, by date: all of them council-wide; for a department,
    the council-wide meetings (no departments named) and those whose scope names it."""
    query = (
        select(ReviewMeeting)
        .options(selectinload(ReviewMeeting.chair), selectinload(ReviewMeeting.signed_off_by),
                 selectinload(ReviewMeeting.scope),
                 selectinload(ReviewMeeting.attendees).selectinload(ReviewAttendee.person),
                 selectinload(ReviewMeeting.agenda).selectinload(AgendaItem.decision),
                 selectinload(ReviewMeeting.actions).selectinload(ReviewAction.owner))
        .order_by(ReviewMeeting.meeting_date, ReviewMeeting.ref)
    )
    if department_id is not None:
        scope_label(session, department_id)  # refuses a department that is not there
        query = query.where(or_(~ReviewMeeting.scope.any(),
                                ReviewMeeting.scope.any(Department.id == department_id)))
    return list(session.execute(query).scalars())


def review_minutes_report(
    session: Session, *, department_id: int | None, generated: datetime
) -> Report:
    """The decisions of the review meetings in scope (council-wide meetings, and those whose
    scope names the department), by date: each meeting's own row (attendance, chair, status),
    then one row per agenda item with its decision and actions."""
    meetings = meetings_in_scope(session, department_id)
    rows = list(_minutes_rows(meetings))
    return Report(
        title=f"Review decisions - {scope_label(session, department_id)}",
        columns=MINUTES_COLUMNS,
        rows=rows,
        generated=generated,
        row_count=len(rows),
        document_control=(("Scope", scope_label(session, department_id)),
                          ("Meetings", str(len(meetings)))),
        marking=meetings_marking(session, [m.id for m in meetings]),
        notes=("Meetings with no departments named cover the whole council. Each meeting's "
               "shaded row names who attended; its minutes (minutes/REF.pdf) have the inputs "
               "and conclusions.",),
    )
