"""What the review services share: the views handed to the window and the CLI, loading a
meeting or item with the "signed off means frozen" rule, and naming an item's subject.

An agenda item points at its record by ``subject_table`` / ``subject_id``: ``risk``, ``asset``,
``treatment_action``, ``handling_practice``, ``soa_entry``, ``review_action``, or
``department`` for a grouped item ("412 assets without owner in CHS"); none for a management
review input.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import String, cast, select
from sqlalchemy.orm import Session

from isms.errors import NotFoundError, ValidationError
from isms.model import (
    AgendaItem,
    AgendaKind,
    Asset,
    Control,
    DecisionKind,
    Department,
    Evidence,
    HandlingPractice,
    ReviewAction,
    ReviewDecision,
    ReviewMeeting,
    ReviewStatus,
    Risk,
    SoaEntry,
    TreatmentAction,
)

RISK, ASSET, ACTION, PRACTICE, SOA, REVIEW_ACTION, GROUP, EVIDENCE = (
    "risk", "asset", "treatment_action", "handling_practice", "soa_entry", "review_action",
    "department", "evidence",
)

D = DecisionKind
_RISK_TAIL = (D.RESCORE, D.ACCEPT, D.ADD_ACTION, D.CHANGE_OWNER, D.ESCALATE, D.CLOSE,
              D.RETIRE, D.DEFER, D.NOTED)
_GROUPED = (D.NOTED, D.ADD_ACTION, D.ESCALATE, D.DEFER)
#: What makes sense per kind of item, most usual first (the wizard's default is the first).
_ALLOWED: dict[AgendaKind, tuple[DecisionKind, ...]] = {
    AgendaKind.RISK_DUE: (D.NOTED, *[k for k in _RISK_TAIL if k != D.NOTED]),
    AgendaKind.RISK_ABOVE_APPETITE: (D.ADD_ACTION, D.ESCALATE, D.ACCEPT, D.RESCORE,
                                     D.CHANGE_OWNER, D.CLOSE, D.RETIRE, D.DEFER, D.NOTED),
    AgendaKind.ACCEPTANCE_EXPIRING: _RISK_TAIL[1:2] + tuple(k for k in _RISK_TAIL
                                                            if k != D.ACCEPT),
    AgendaKind.ACTION_OVERDUE: (D.DEFER, D.CLOSE_ACTION, D.CHANGE_OWNER, D.ESCALATE, D.NOTED),
    AgendaKind.PREVIOUS_ACTION: (D.CLOSE_ACTION, D.DEFER, D.CHANGE_OWNER, D.ESCALATE, D.NOTED),
    AgendaKind.ASSET_CHANGED: (D.NOTED, D.CHANGE_OWNER, D.ADD_ACTION, D.RETIRE, D.DEFER),
    AgendaKind.ASSET_PENDING: (D.ADD_ACTION, D.CHANGE_OWNER, D.RETIRE, D.DEFER, D.NOTED),
    AgendaKind.ASSET_INCOMPLETE: (D.CHANGE_OWNER, D.ADD_ACTION, D.RETIRE, D.DEFER, D.NOTED),
    AgendaKind.ATTESTATION_DUE: (D.ADD_ACTION, D.CHANGE_OWNER, D.RETIRE, D.DEFER, D.NOTED),
    AgendaKind.HANDLING_FINDING: (D.ADD_ACTION, D.ESCALATE, D.NOTED, D.DEFER),
    AgendaKind.EXCLUSION_UNJUSTIFIED: (D.ADD_ACTION, D.NOTED, D.ESCALATE, D.DEFER),
    AgendaKind.EVIDENCE_GAP: (D.ADD_ACTION, D.NOTED, D.ESCALATE, D.DEFER),
    AgendaKind.MANAGEMENT_INPUT: (D.NOTED, D.ADD_ACTION, D.ESCALATE, D.DEFER),
}


@dataclass(frozen=True)
class DecisionView:
    kind: DecisionKind
    note: str
    decided_by: str
    decided_at: datetime
    next_review: date | None
    #: The subject as it stood when decided (bookkeeping keys starting "_" left out).
    snapshot: dict[str, Any]
    #: What the decision did, in words ("residual re-scored 4x4 -> 2x3; next review ...").
    effect: str = ""


@dataclass(frozen=True)
class AgendaItemView:
    id: int
    position: int
    kind: AgendaKind
    title: str
    detail: str
    subject_table: str | None
    subject_id: int | None
    subject_ref: str | None
    allowed: tuple[DecisionKind, ...]
    decision: DecisionView | None


@dataclass(frozen=True)
class ItemContext:
    facts: list[tuple[str, str]]
    history: list[tuple[date, str]]


@dataclass(frozen=True)
class DueItem:
    kind: str
    ref: str
    title: str
    due: date | None
    department: str | None


def allowed(item: AgendaItem) -> tuple[DecisionKind, ...]:
    if item.subject_table == GROUP:
        return _GROUPED
    return _ALLOWED.get(item.kind, _GROUPED)


# --- loading, with the freeze rule ----------------------------------------------------------


def frozen_error(meeting: ReviewMeeting) -> ValidationError:
    return ValidationError(
        f"Review {meeting.ref} is signed off and can no longer change.", field="meeting"
    )


def meeting_by_id(session: Session, meeting_id: int) -> ReviewMeeting:
    meeting = session.get(ReviewMeeting, meeting_id)
    if meeting is None:
        raise NotFoundError(f"There is no review meeting with id {meeting_id}.")
    return meeting


def meeting_by_ref(session: Session, ref: str) -> ReviewMeeting:
    meeting = session.execute(
        select(ReviewMeeting).where(ReviewMeeting.ref == ref.strip().upper())
    ).scalar()
    if meeting is None:
        raise NotFoundError(f"No review meeting '{ref}' in this register.")
    return meeting


def require_status(meeting: ReviewMeeting, *wanted: ReviewStatus, doing: str) -> None:
    """Refuse ``doing`` unless the meeting is in one of the ``wanted`` states."""
    if meeting.status == ReviewStatus.SIGNED_OFF:
        raise frozen_error(meeting)
    if meeting.status not in wanted:
        states = " or ".join(s.value for s in wanted)
        raise ValidationError(
            f"Review {meeting.ref} is {meeting.status.value}; {doing} needs it {states}.",
            field="status",
        )


def item_by_id(session: Session, item_id: int) -> AgendaItem:
    item = session.get(AgendaItem, item_id)
    if item is None:
        raise NotFoundError(f"There is no agenda item with id {item_id}.")
    return item


# --- subjects -------------------------------------------------------------------------------

_MODELS: dict[str, type[Any]] = {
    RISK: Risk, ASSET: Asset, ACTION: TreatmentAction, PRACTICE: HandlingPractice,
    SOA: SoaEntry, REVIEW_ACTION: ReviewAction, GROUP: Department, EVIDENCE: Evidence,
}


def subject(session: Session, item: AgendaItem) -> Any:
    """The record an item is about (None for an input); a vanished record is an error."""
    if item.subject_table is None or item.subject_id is None:
        return None
    model = _MODELS.get(item.subject_table)
    if model is None:  # an item written by another tool: decided as a plain item
        return None
    found = session.get(model, item.subject_id)
    if found is None:
        raise NotFoundError(
            f"The {item.subject_table.replace('_', ' ')} of agenda item {item.position} is no "
            "longer in the register."
        )
    return found


def subject_refs(session: Session, items: Iterable[AgendaItem]) -> dict[tuple[str, int], str]:
    """How each item's subject is named, a few queries for a whole agenda."""
    wanted: dict[str, set[int]] = {}
    for item in items:
        if item.subject_table and item.subject_id is not None:
            wanted.setdefault(item.subject_table, set()).add(item.subject_id)
    refs: dict[tuple[str, int], str] = {}
    queries = {
        RISK: lambda ids: select(Risk.id, Risk.ref).where(Risk.id.in_(ids)),
        ASSET: lambda ids: select(Asset.id, Asset.ref).where(Asset.id.in_(ids)),
        ACTION: lambda ids: select(TreatmentAction.id,
                                   Risk.ref + "/A" + cast(TreatmentAction.id, String))
        .join(Risk).where(TreatmentAction.id.in_(ids)),
        PRACTICE: lambda ids: select(HandlingPractice.id, Asset.ref)
        .join(Asset).where(HandlingPractice.id.in_(ids)),
        SOA: lambda ids: select(SoaEntry.id, Department.code + " " + Control.ref)
        .join(Department, SoaEntry.department_id == Department.id)
        .join(Control, SoaEntry.control_id == Control.id).where(SoaEntry.id.in_(ids)),
        REVIEW_ACTION: lambda ids: select(ReviewAction.id,
                                          ReviewMeeting.ref + "/A" + cast(ReviewAction.id, String))
        .join(ReviewMeeting, ReviewAction.meeting_id == ReviewMeeting.id)
        .where(ReviewAction.id.in_(ids)),
        GROUP: lambda ids: select(Department.id, Department.code).where(Department.id.in_(ids)),
        EVIDENCE: lambda ids: select(Evidence.id, Evidence.ref).where(Evidence.id.in_(ids)),
    }
    for table, ids in wanted.items():
        if table not in queries:  # an item written by another tool: shown without a ref
            continue
        for record_id, ref in session.execute(queries[table](sorted(ids))):
            refs[(table, record_id)] = str(ref)
    return refs


# --- views ----------------------------------------------------------------------------------


def decision_view(decision: ReviewDecision) -> DecisionView:
    snapshot = decision.snapshot or {}
    return DecisionView(
        kind=decision.kind,
        note=decision.note,
        decided_by=decision.decided_by,
        decided_at=decision.decided_at,
        next_review=decision.next_review,
        snapshot={k: v for k, v in snapshot.items() if not k.startswith("_")},
        effect=str(snapshot.get("_effect", "")),
    )


def item_views(session: Session, items: list[AgendaItem]) -> list[AgendaItemView]:
    refs = subject_refs(session, items)
    return [
        AgendaItemView(
            id=item.id,
            position=item.position,
            kind=item.kind,
            title=item.title,
            detail=item.detail,
            subject_table=item.subject_table,
            subject_id=item.subject_id,
            subject_ref=refs.get((item.subject_table, item.subject_id))
            if item.subject_table and item.subject_id is not None else None,
            allowed=allowed(item),
            decision=decision_view(item.decision) if item.decision is not None else None,
        )
        for item in items
    ]
