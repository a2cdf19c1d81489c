"""Treatment actions of a risk: adding one by hand and closing it as done or cancelled.

Editing an action's fields is ``records.update_action`` (the action editor's save); these are
the two steps around it. Each checks its values first and names the field to fix (a
ValidationError), and leaves the commit to the caller.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from ..errors import ValidationError
from ..model import ActionStatus, Control, ControlEdition, Risk, RiskStatus, TreatmentAction
from . import local_controls
from .records import update_action

#: The statuses an action is closed with.
CLOSED = (ActionStatus.DONE, ActionStatus.CANCELLED)


def new_action(
    session: Session, risk_id: int, *, control_id: int | None = None,
    today: date | None = None, **fields: Any,
) -> TreatmentAction:
    """A new action of the risk: ``fields`` as ``records.update_action`` takes them (title
    required, description, owner_id, due_date, status), and the control it puts in place.

    A retired risk takes no new actions. Everything is checked before the action joins the
    risk, so a refused one leaves nothing behind in the session.
    """
    risk = session.get(Risk, risk_id)
    if risk is None:
        raise ValidationError(f"There is no risk with id {risk_id}.", field="risk_id")
    if risk.status == RiskStatus.RETIRED:
        raise ValidationError(f"Risk {risk.ref} is retired: it takes no new treatment actions.",
                              field="risk_id")
    if not str(fields.get("title") or "").strip():
        raise ValidationError("A treatment action needs a title.", field="title")
    action = TreatmentAction(title="", description="", status=ActionStatus.OPEN)
    update_action(session, action, today=today, **fields)
    if control_id is not None:
        control = session.get(Control, control_id)
        if control is None or control.edition == ControlEdition.ISO27001_2013:
            raise ValidationError(f"There is no current control with id {control_id}.",
                                  field="control_id")
        local_controls.refuse_retired([control], "control_id")
        action.control = control
    risk.actions.append(action)
    return action


def close_action(
    session: Session, action: TreatmentAction, outcome: ActionStatus | str, note: str = "",
    today: date | None = None,
) -> None:
    """Close an open action as done (recording today as its completion) or cancelled; the
    ``note`` (required for a cancellation: why) is added to its description, dated."""
    try:
        status = ActionStatus(str(outcome))
    except ValueError:
        status = None
    if status not in CLOSED:
        raise ValidationError(f"{outcome!r} does not close an action (done, cancelled).",
                              field="status")
    assert status is not None
    if action.status in CLOSED:
        raise ValidationError(f"The action \u201c{action.title}\u201d is {action.status} already.",
                              field="status")
    note = note.strip()
    if status == ActionStatus.CANCELLED and not note:
        raise ValidationError("Say why the action is cancelled.", field="note")
    fields: dict[str, Any] = {"status": status}
    if note:
        closed = (today or date.today()).isoformat()
        said = f"{status.value.capitalize()} on {closed}: {note}"
        fields["description"] = f"{action.description}\n\n{said}" if action.description else said
    update_action(session, action, today=today, **fields)
