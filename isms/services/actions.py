"""Actions: a risk's treatment actions (adding one by hand, closing it as done or cancelled,
deferring it) and the actions a review meeting set (closing one, recording the SIRO's answer to
an escalation, deferring it).

Editing a treatment action's fields is ``records.update_action`` (the action editor's save);
these are the steps around it. Each checks its values first and names the field to fix (a
ValidationError), and leaves the commit to the caller.

A deferral never overwrites the plan: the first due date stays as the original one and each
slip is kept (``action_deferral``: from, to, why, who, when), so the treatment plan shows it.
A review action remembers its subject; closing it while the subject still shows the condition
that raised it needs a reason, and the next meeting's agenda lists it (issue 17, 3-4).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import NotFoundError, ValidationError
from ..method.criteria import Criteria
from ..model import (
    ActionDeferral,
    ActionStatus,
    Control,
    ControlEdition,
    ReviewAction,
    ReviewMeeting,
    Risk,
    RiskStatus,
    TreatmentAction,
)
from ..model.base import utcnow
from . import local_controls, signatures
from .changed import Changed
from .read.queries import current_criteria
from .records import update_action
from .reviews.action_subjects import (
    close_line,
    close_lines,
    still_showing,
)
from .risks import OPEN_ACTION, levels

#: The statuses an action is closed with.
CLOSED = (ActionStatus.DONE, ActionStatus.CANCELLED)


def new_action(
    session: Session, risk_id: int, *, control_id: int | None = None,
    today: date | None = None, **fields: Any,
) -> TreatmentAction:
    """A new action of the risk: ``fields`` as ``records.update_action`` takes them (title
    required, description, owner_id, due_date, status, priority, resources), and the control
    it puts in place. Its first due date is its original one.

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
    today: date | None = None, *, reason: str = "", reason_field: str = "reason",
) -> None:
    """Close an open action as done (recording today as its completion) or cancelled; the
    ``note`` (required for a cancellation: why) is added to its description, dated.

    Closing the last open action of a risk whose current level is still above its target
    (:func:`closing_condition`) needs a ``reason``: it is added to the description too, as
    :func:`close_line` says it, so the change log keeps it, the plan shows it and the next
    review lists the action (:func:`closed_over_condition`). ``reason_field`` is what a
    refusal names for the reason (a meeting's decision: its note)."""
    status = _status(outcome)
    if action.status in CLOSED:
        raise ValidationError(f"The action \u201c{action.title}\u201d is {action.status} already.",
                              field="status")
    note = note.strip()
    if status == ActionStatus.CANCELLED and not note:
        raise ValidationError("Say why the action is cancelled.", field="note")
    closed = today or date.today()
    lines = [action.description] if action.description else []
    if note:
        lines.append(f"{status.value.capitalize()} on {closed.isoformat()}: {note}")
    condition = closing_condition(session, action)
    if condition is not None:
        lines.append(close_line(status, closed, condition,
                                _reason(action, condition, reason, reason_field)))
    fields: dict[str, Any] = {"status": status}
    if len(lines) > (1 if action.description else 0):
        fields["description"] = "\n\n".join(lines)
    update_action(session, action, today=today, **fields)


def update_checked(session: Session, action: TreatmentAction, **fields: Any) -> None:
    """``records.update_action`` as the action editor's save (and ``isms actions update``,
    undo and redo) makes it: a status that closes the last open action over the condition
    (:func:`closing_condition`) is refused unless the saved description gains the reason's
    line (:func:`close_line`; the editor asks for the reason and adds it)."""
    closing = "status" in fields and action.status not in CLOSED and str(
        fields["status"]) in {status.value for status in CLOSED}
    condition = closing_condition(session, action) if closing else None
    if condition is not None:
        if close_lines(str(fields.get("description", action.description))) \
                <= close_lines(action.description):
            raise ValidationError(
                f"{condition}: closing action {action.id} \u201c{action.title}\u201d needs a "
                f"reason (`isms actions close {action.id} --reason TEXT`; the action editor "
                "asks for it).", field="status")
    update_action(session, action, **fields)


def condition_of(session: Session, action_id: int) -> str | None:
    """:func:`closing_condition` of treatment action ``action_id``: what the action editor
    asks a reason for before it saves the action closed."""
    action = session.get(TreatmentAction, action_id)
    if action is None:
        raise NotFoundError(f"There is no treatment action {action_id}.")
    return closing_condition(session, action)


def with_reason(session: Session, action_id: int, values: dict[str, Any], reason: str,
                today: date | None = None) -> dict[str, Any]:
    """The editor's ``values`` with the reason's line (:func:`close_line`) added to the
    description when they close action ``action_id`` over the condition (unchanged
    otherwise), so its one save (``edits.save``) records the reason with the closing."""
    action = session.get(TreatmentAction, action_id)
    if action is None:
        raise NotFoundError(f"There is no treatment action {action_id}.")
    status = values.get("status")
    if action.status in CLOSED or str(status) not in {s.value for s in CLOSED}:
        return values
    condition = closing_condition(session, action)
    if condition is None:
        return values
    said = close_line(ActionStatus(str(status)), today or date.today(), condition,
                      _reason(action, condition, reason, "status"))
    description = str(values.get("description", action.description)).strip()
    return {**values, "description": f"{description}\n\n{said}" if description else said}


def _reason(action: TreatmentAction, condition: str, reason: str,
            field: str = "reason") -> str:
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError(
            f"{condition}: say why action {action.id} \u201c{action.title}\u201d is closed "
            "anyway (a reason; the next review sees it).", field=field)
    return reason


def closing_condition(session: Session, action: TreatmentAction) -> str | None:
    """What closing ``action`` would leave showing, in words ("R-0201 Lost laptops is still
    Very high, above its target Low"), or None: it is the last open action of a live risk
    whose current level is still above its residual (target) level."""
    risk = action.risk
    if risk is None or risk.status in (RiskStatus.RETIRED, RiskStatus.CLOSED):
        return None
    if any(other is not action and other.status in OPEN_ACTION for other in risk.actions):
        return None
    criteria = (Criteria.from_definition(risk.criteria.definition) if risk.criteria
                else current_criteria(session))
    found = levels(criteria, risk)
    today_level, target = found.governing, found.residual
    if today_level is None or target is None or \
            criteria.rank(today_level) <= criteria.rank(target):
        return None
    return (f"{risk.ref} {risk.title} is still {today_level.name}, above its target "
            f"{target.name}")


def _status(outcome: ActionStatus | str) -> ActionStatus:
    try:
        status = ActionStatus(str(outcome))
    except ValueError:
        status = None
    if status not in CLOSED:
        raise ValidationError(f"{outcome!r} does not close an action (done, cancelled).",
                              field="status")
    assert status is not None
    return status


# --- deferring ------------------------------------------------------------------------------


def _acting(session: Session, actor: str | None) -> str:
    return actor or signatures.actor(session) or "unknown"


def deferral_line(was: date | None, to: date, reason: str, by: str, at: datetime) -> str:
    """One slip in words: "2026-10-01 -> 2026-12-01: why (who, when)"."""
    return f"{was or 'no date'} -> {to}: {reason.rstrip('.')} ({by}, {at:%Y-%m-%d})"


@dataclass(frozen=True)
class ActionHistory:
    """What the action editor shows beside a treatment action's due date."""

    original_due: date | None
    #: Each deferral as :func:`deferral_line` says it, oldest first.
    deferrals: tuple[str, ...]


def action_history(session: Session, action_id: int) -> ActionHistory:
    action = session.get(TreatmentAction, action_id)
    if action is None:
        raise NotFoundError(f"There is no treatment action {action_id}.")
    return ActionHistory(action.original_due_date or action.due_date, tuple(
        deferral_line(d.from_date, d.to_date, d.reason, d.deferred_by, d.deferred_at)
        for d in action.deferrals))


def defer(
    session: Session, action: TreatmentAction | ReviewAction, to: date | None, reason: str,
    *, actor: str | None = None, today: date | None = None,
) -> ActionDeferral:
    """Move an open action's due date later, keeping the original one and recording the slip
    (from, to, ``reason``, who, when). A deferral needs a reason and a later date; an action
    with no due date yet is given one by editing it, not deferred."""
    label = _name(action)
    if action.status in CLOSED:
        raise ValidationError(f"{label} is {action.status} already: it cannot be deferred.",
                              field="status")
    if to is None:
        raise ValidationError("Give the new due date of the deferred action.", field="due_date")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(f"Say why {label} is deferred.", field="reason")
    if action.due_date is not None and to <= action.due_date:
        raise ValidationError(
            f"{label} is due {action.due_date}; a deferral moves it later (bring it forward by "
            "editing its due date).", field="due_date")
    if today is not None and to < today:
        raise ValidationError(f"The new due date {to} has passed already.", field="due_date")
    deferral = ActionDeferral(from_date=action.due_date, to_date=to, reason=reason,
                              deferred_by=_acting(session, actor), deferred_at=utcnow())
    if isinstance(action, TreatmentAction) and action.original_due_date is None:
        action.original_due_date = action.due_date
    action.deferrals.append(deferral)
    action.due_date = to
    return deferral


def defer_action(
    session: Session, action_id: int, to: date | None, reason: str, *,
    actor: str | None = None, today: date | None = None,
) -> Changed:
    """Defer treatment action ``action_id`` (see :func:`defer`): what the CLI's
    ``isms actions defer`` and the action editor's Defer make."""
    action = session.get(TreatmentAction, action_id)
    if action is None:
        raise NotFoundError(f"There is no treatment action {action_id}.")
    defer(session, action, to, reason, actor=actor, today=today)
    session.flush()
    return Changed.of(TreatmentAction, [action.id]) | Changed.of(Risk, [action.risk_id])


def _name(action: TreatmentAction | ReviewAction) -> str:
    if isinstance(action, TreatmentAction):
        return f"Action {action.id} \u201c{action.title}\u201d"
    return f"Review action {review_action_ref(action)} \u201c{action.title}\u201d"


# --- the actions review meetings set ---------------------------------------------------------

_REVIEW_REF = re.compile(r"^\s*(?:(?P<meeting>.+?)/)?A?(?P<id>\d+)\s*$", re.IGNORECASE)


def review_action_ref(action: ReviewAction) -> str:
    """How a review action is named: its meeting's reference and its number ("SMG-2026-11/A5"),
    as the agenda names it."""
    return f"{action.meeting.ref}/A{action.id}"


def review_action(session: Session, name: str) -> ReviewAction:
    """The review action ``name`` gives: "SMG-2026-11/A5" (or "A5", "5")."""
    found = _REVIEW_REF.match(name or "")
    action = session.get(ReviewAction, int(found.group("id"))) if found else None
    meeting = found.group("meeting") if found else None
    if action is None or (meeting and action.meeting.ref.lower() != meeting.strip().lower()):
        raise NotFoundError(f"There is no review action {name!r} (named as MEETING/A<number>; "
                            "see `isms actions list --review`).")
    return action


def review_actions(session: Session, *, open_only: bool = False) -> list[ReviewAction]:
    """Every action review meetings set, soonest due first (undated last)."""
    query = select(ReviewAction).join(ReviewMeeting, ReviewAction.meeting_id == ReviewMeeting.id)
    if open_only:
        query = query.where(ReviewAction.status.not_in(CLOSED))
    actions = list(session.execute(query).scalars())
    return sorted(actions, key=lambda a: (a.due_date is None, a.due_date or date.max, a.id))


def close_review_action(
    session: Session, action: ReviewAction, outcome: ActionStatus | str, reason: str = "",
    *, today: date, meeting: ReviewMeeting | None = None, reason_field: str = "reason",
) -> str | None:
    """Close a review action as done or cancelled (in ``meeting`` when a meeting closes it).

    When its subject still shows the condition that raised it (the asset still has no owner),
    it is closed only with a ``reason``, kept as its close reason; the next meeting's agenda
    lists it. Returns that condition (None when the subject no longer shows it).
    ``reason_field`` is what a refusal names for the reason (a meeting's decision: its note)."""
    status = _status(outcome)
    if action.status in CLOSED:
        raise ValidationError(f"{_name(action)} is {action.status} already.", field="status")
    reason = (reason or "").strip()
    if status == ActionStatus.CANCELLED and not reason:
        raise ValidationError("Say why the action is cancelled.", field=reason_field)
    condition = still_showing(session, action, today)
    if condition is not None and not reason:
        raise ValidationError(
            f"{condition}: say why {_name(action)} is closed anyway (a reason; the next review "
            "sees it).", field=reason_field)
    action.status = status
    action.close_reason = reason if condition is not None else ""
    action.closed_in_meeting_id = meeting.id if meeting is not None else None
    return condition


def answer_escalation(session: Session, action: ReviewAction, answer: str, *,
                      actor: str | None = None) -> None:
    """Record the SIRO's answer to an escalation (who recorded it, when). An answer given
    already is replaced only by a new one, never cleared."""
    if not action.escalation:
        raise ValidationError(f"{_name(action)} is not an escalation to the SIRO: it takes no "
                              "answer.", field="answer")
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError("Give the SIRO's answer.", field="answer")
    action.answer = answer
    action.answered_by = _acting(session, actor)
    action.answered_at = utcnow()


def answer_named(session: Session, name: str, answer: str, *,
                 actor: str | None = None) -> ReviewAction:
    """Record the SIRO's ``answer`` to the escalation ``name`` gives ("SMG-2026-11/A5"; see
    :func:`answer_escalation`): what `isms actions answer` and the window's Answer escalation…
    make."""
    action = review_action(session, name)
    answer_escalation(session, action, answer, actor=actor)
    return action


@dataclass(frozen=True)
class Escalation:
    """An escalation to the SIRO still open, as the window lists it to be answered."""

    ref: str
    title: str
    due: date | None
    #: The answer recorded so far ("" while it is awaited).
    answer: str

    @property
    def label(self) -> str:
        said = f"answered: {self.answer}" if self.answer else "answer awaited"
        return f"{self.ref} {self.title} (due {self.due or 'no date'}; {said})"


def open_escalations(session: Session) -> list[Escalation]:
    """Every escalation to the SIRO still open, soonest due first; awaited ones are the
    SIRO's to answer, answered ones may take a new answer."""
    return [Escalation(review_action_ref(a), a.title, a.due_date, a.answer)
            for a in review_actions(session, open_only=True) if a.escalation]

