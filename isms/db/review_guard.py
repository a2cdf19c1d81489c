"""A signed-off meeting is the 9.3 evidence: nothing of it may change, whoever writes.

The review services refuse first with a message naming the meeting; this hook on the register's
session class is the backstop for any other path (a script, a future screen editing the ORM
directly). Before every flush that touches a meeting, its agenda, decisions or attendees, it asks
the database for the meetings' stored status: a meeting already signed off in the database
refuses the flush. The sign-off itself passes (stored as "completed" until it is written).

Actions a meeting set are not frozen: they are followed up (closed, re-dated) by later meetings.
Only deleting one of a signed-off meeting's actions is refused.

The register session's before_flush hook (``isms.db.session``) calls :func:`refuse_signed_off`,
so every session has the guard, whatever was imported.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from ..errors import ValidationError
from ..model import (
    AgendaItem,
    ReviewAction,
    ReviewAttendee,
    ReviewDecision,
    ReviewMeeting,
    ReviewStatus,
)


def _meeting_id(obj: Any) -> int | None:
    if isinstance(obj, ReviewMeeting):
        return obj.id if inspect(obj).identity is not None else None
    if isinstance(obj, AgendaItem | ReviewAttendee | ReviewAction):
        return obj.meeting_id if obj.meeting_id is not None else (
            obj.meeting.id if obj.meeting is not None else None)
    if isinstance(obj, ReviewDecision):
        item = obj.item
        return item.meeting_id if item is not None else None
    return None


def _touched(session: Session) -> set[int]:
    ids: set[int] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, ReviewAction) and obj not in session.deleted:
            continue
        if isinstance(obj, ReviewMeeting) and obj in session.dirty and not session.is_modified(
                obj):
            continue
        meeting_id = _meeting_id(obj)
        if meeting_id is not None:
            ids.add(meeting_id)
    return ids


def refuse_signed_off(session: Session) -> None:
    """Raise if the pending changes touch a meeting already signed off in the database."""
    ids = _touched(session)
    if not ids:
        return
    frozen = session.execute(
        select(ReviewMeeting.ref).where(ReviewMeeting.id.in_(ids),
                                        ReviewMeeting.status == ReviewStatus.SIGNED_OFF)
    ).scalars().first()
    if frozen is not None:
        raise ValidationError(
            f"Review {frozen} is signed off and can no longer change.", field="meeting"
        )
