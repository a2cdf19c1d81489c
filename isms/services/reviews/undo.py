"""Taking a decision back while the meeting is in progress (the wizard's Back).

The decision's snapshot holds the restorable columns before and after it, the records it created
(with their version) and the acceptances it withdrew (see :mod:`.decisions`). Undo puts
the "before" values back directly - values the services' rules accepted once - deletes what the
decision created and reinstates what it withdrew. It refuses, naming the record, when the
subject or a created record was changed since by anything else: that has to be put right by hand.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from isms.db.changelog import label_of
from isms.errors import ValidationError
from isms.model import (
    ActionDeferral,
    ReviewAction,
    ReviewStatus,
    RiskAcceptance,
    Signature,
    TreatmentAction,
)
from isms.services.reviews.common import item_by_id, require_status, subject
from isms.services.reviews.decisions import restorable

_CREATABLE: dict[str, type[Any]] = {
    "TreatmentAction": TreatmentAction, "ReviewAction": ReviewAction,
    "RiskAcceptance": RiskAcceptance, "Signature": Signature, "ActionDeferral": ActionDeferral,
}


def _revive(record: Any, name: str, value: Any) -> Any:
    """A snapshot's JSON value back in the column's Python type."""
    if value is None:
        return None
    kind = inspect(type(record)).columns[name].type.python_type
    if kind is datetime:
        return datetime.fromisoformat(value)
    if kind is date:
        return date.fromisoformat(value)
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return kind(value)
    return value


def _restore(session: Session, record: Any, values: dict[str, Any]) -> None:
    relationships = inspect(type(record)).relationships
    for name, value in values.items():
        link = name.removesuffix("_id")
        if name.endswith("_id") and link in relationships:
            # Through the relationship, so the loaded object and the key agree.
            target = relationships[link].mapper.class_
            setattr(record, link, session.get(target, value) if value is not None else None)
        else:
            setattr(record, name, _revive(record, name, value))


def undo(session: Session, item_id: int) -> None:
    item = item_by_id(session, item_id)
    require_status(item.meeting, ReviewStatus.IN_PROGRESS, doing="taking back a decision")
    decision = item.decision
    if decision is None:
        raise ValidationError(f"Agenda item {item.position} has no decision to take back.")
    snap = decision.snapshot or {}
    record = subject(session, item)
    if record is not None and restorable(record) != snap.get("_after", {}):
        changed = [k for k, v in restorable(record).items() if snap.get("_after", {}).get(k) != v]
        raise ValidationError(
            f"{label_of(record).capitalize()} was changed after the decision "
            f"({', '.join(changed)}); the decision cannot be taken back - change it by hand.")
    created = []
    for kind, record_id, version in snap.get("_created", []):
        made = session.get(_CREATABLE[kind], record_id)
        if made is not None and getattr(made, "version", None) != version:
            raise ValidationError(
                f"{label_of(made).capitalize()}, made by the decision, was changed since; the "
                "decision cannot be taken back - change it by hand.")
        created.append(made)
    for made in created:
        if made is not None:
            session.delete(made)
            # Deleted rows must also leave the loaded collections that hold them.
            if isinstance(made, TreatmentAction) and made in made.risk.actions:
                made.risk.actions.remove(made)
            if isinstance(made, RiskAcceptance) and made in made.risk.acceptances:
                made.risk.acceptances.remove(made)
            if isinstance(made, ReviewAction) and made in item.meeting.actions:
                item.meeting.actions.remove(made)
            if isinstance(made, ActionDeferral):
                action = made.treatment_action or session.get(ReviewAction,
                                                              made.review_action_id)
                if action is not None and made in action.deferrals:
                    action.deferrals.remove(made)
    for acceptance_id in snap.get("_withdrawn", []):
        acceptance = session.get(RiskAcceptance, acceptance_id)
        if acceptance is not None:
            acceptance.withdrawn_at = None
            acceptance.withdrawn_reason = ""
    if record is not None:
        _restore(session, record, snap.get("_before", {}))
    item.decision = None
