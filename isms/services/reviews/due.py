"""What falls due before the next planned meeting: the SMG's forward look.

Everything dated before ``before`` and still live: risk reviews, risk acceptances running out,
open treatment actions, open actions set by review meetings, asset owner attestations, and
evidence that goes out of date. Overdue items (dated before ``today``) are included: they are
the most pressing. Sorted by date, then kind and reference.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from isms.model import (
    ActionStatus,
    Asset,
    AssetStatus,
    Department,
    Evidence,
    ReviewAction,
    ReviewMeeting,
    ReviewStatus,
    Risk,
    RiskAcceptance,
    TreatmentAction,
)
from isms.services.read.dashboard import live_risk
from isms.services.reviews.common import DueItem

_OPEN = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)
#: How far ahead to look when no meeting is planned.
HORIZON = timedelta(days=30)


def next_planned_meeting(session: Session, today: date | None = None) -> ReviewMeeting | None:
    """The earliest planned meeting (on or after ``today`` when given)."""
    query = select(ReviewMeeting).where(ReviewMeeting.status == ReviewStatus.PLANNED)
    if today is not None:
        query = query.where(ReviewMeeting.meeting_date >= today)
    return session.execute(
        query.order_by(ReviewMeeting.meeting_date, ReviewMeeting.id).limit(1)
    ).scalar()


def default_horizon(session: Session, today: date) -> date:
    """The next planned meeting's date, else 30 days ahead."""
    meeting = next_planned_meeting(session, today)
    return meeting.meeting_date if meeting else today + HORIZON


def due_items(session: Session, *, before: date, department_id: int | None = None,
              today: date) -> list[DueItem]:
    code = Department.code
    found: list[DueItem] = []

    def scoped(column: Any) -> list[Any]:
        return [column == department_id] if department_id else []

    risks = (select(Risk.ref, Risk.title, Risk.next_review, code)
             .join(Department, Risk.department_id == Department.id)
             .where(*live_risk(), Risk.next_review < before))
    found += [DueItem("risk review", r, t, d, c)
              for r, t, d, c in session.execute(risks.where(*scoped(Risk.department_id)))]
    accepted = (select(Risk.ref, Risk.title, RiskAcceptance.expires_on, code)
                .join(RiskAcceptance, RiskAcceptance.risk_id == Risk.id)
                .join(Department, Risk.department_id == Department.id)
                .where(*live_risk(), RiskAcceptance.withdrawn_at.is_(None),
                       RiskAcceptance.expires_on < before))
    found += [DueItem("risk acceptance", r, t, d, c)
              for r, t, d, c in session.execute(accepted.where(*scoped(Risk.department_id)))]
    actions = (select(Risk.ref, TreatmentAction.id, TreatmentAction.title,
                      TreatmentAction.due_date, code)
               .join(Risk, TreatmentAction.risk_id == Risk.id)
               .join(Department, Risk.department_id == Department.id)
               .where(*live_risk(), TreatmentAction.status.in_(_OPEN),
                      TreatmentAction.due_date < before))
    found += [DueItem("treatment action", f"{r}/A{i}", t, d, c)
              for r, i, t, d, c in session.execute(actions.where(*scoped(Risk.department_id)))]
    if department_id is None:  # a meeting's actions belong to no one department
        set_by = (select(ReviewMeeting.ref, ReviewAction.id, ReviewAction.title,
                         ReviewAction.due_date)
                  .join(ReviewMeeting, ReviewAction.meeting_id == ReviewMeeting.id)
                  .where(ReviewAction.status.in_(_OPEN),
                         or_(ReviewAction.due_date < before, ReviewAction.due_date.is_(None))))
        found += [DueItem("review action", f"{r}/A{i}", t, d, None)
                  for r, i, t, d in session.execute(set_by)]
    assets = (select(Asset.ref, Asset.name, Asset.next_review, code)
              .join(Department, Asset.department_id == Department.id)
              .where(Asset.status != AssetStatus.RETIRED, Asset.next_review < before))
    found += [DueItem("asset attestation", r, n, d, c)
              for r, n, d, c in session.execute(assets.where(*scoped(Asset.department_id)))]
    found += _evidence(session, before, department_id)
    return sorted(found, key=lambda i: (i.due or today, i.kind, i.ref))


def _evidence(session: Session, before: date, department_id: int | None) -> list[DueItem]:
    query = (select(Evidence.ref, Evidence.title, Evidence.evidence_date, Evidence.valid_days,
                    Department.code)
             .outerjoin(Department, Evidence.department_id == Department.id)
             .where(Evidence.valid_days.is_not(None),
                    Evidence.evidence_date < before))
    if department_id:
        query = query.where(Evidence.department_id == department_id)
    found = []
    for ref, title, dated, days, code in session.execute(query):
        until = dated + timedelta(days=days or 0)
        if until < before:
            found.append(DueItem("evidence expiry", ref, title, until, code))
    return found


@dataclass(frozen=True)
class DueSummary:
    """The dashboard's forward look: how much of each kind falls due before ``before``."""

    before: date
    #: The planned meeting that sets ``before`` ("SMG-2026-12-03"), or None (30 days ahead).
    meeting: str | None
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def due_summary(session: Session, *, today: date,
                department_id: int | None = None) -> DueSummary:
    meeting = next_planned_meeting(session, today)
    before = meeting.meeting_date if meeting else today + HORIZON
    counts = Counter(item.kind for item in due_items(session, before=before,
                                                     department_id=department_id, today=today))
    return DueSummary(before, meeting.ref if meeting else None, dict(sorted(counts.items())))
