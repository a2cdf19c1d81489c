"""Recording the SMG's decision on an agenda item (taking it back: :mod:`.undo`).

A decision changes the register through the services a manual edit uses (risks.score_risk,
accept_risk, add_action, update_details; assets.update_asset and retire; records.update_action),
so the change log records every effect under the actor. An acceptance is signed by the acting
user when they are the risk owner; otherwise it is recorded for the owner and awaits the owner's
confirmation (:mod:`isms.services.awaiting`), not counting until then. Then the subject's
next review moves: a risk by the cadence of its (new) level from the meeting date, an asset by
the owner attestation interval; ``next_review`` overrides either, with the note as its reason.
A deferred, retired or closed subject keeps its dates (a deferred one comes back at the next
meeting).

The snapshot keeps the subject's facts as they stood, plus bookkeeping for undo under keys
starting "_": the restorable columns before and after, the records the decision created (with
their version) and the acceptances it withdrew. Undo refuses when the subject or a created record
was changed since by anything else, naming it: it then has to be put right by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from isms.db.changelog import plain
from isms.errors import ValidationError
from isms.model import (
    ActionStatus,
    AgendaItem,
    Asset,
    DecisionKind,
    Person,
    PersonRole,
    ReviewAction,
    ReviewDecision,
    ReviewMeeting,
    ReviewStatus,
    Risk,
    RiskStatus,
    Role,
    TreatmentAction,
)
from isms.model.base import utcnow
from isms.services import actions, assets, records, risks
from isms.services.read.queries import current_criteria
from isms.services.reviews.action_subjects import item_subject, subject_label, titled
from isms.services.reviews.common import (
    DecisionView,
    allowed,
    decision_view,
    item_by_id,
    require_status,
    subject,
)
from isms.services.reviews.context import facts

D = DecisionKind
#: Columns a decision may change on each kind of subject, restored by undo.
_RESTORABLE: dict[type[Any], tuple[str, ...]] = {
    Risk: ("residual_likelihood", "residual_impact", "criteria_id", "status", "owner_id",
           "next_review", "review_override_reason", "retired_at"),
    Asset: ("owner_id", "status", "retired_at", "next_review"),
    TreatmentAction: ("owner_id", "due_date", "status", "completed_on", "original_due_date",
                      "description"),
    ReviewAction: ("owner_id", "due_date", "status", "closed_in_meeting_id", "close_reason"),
}
#: An escalation is answered within this many days of the meeting unless it says otherwise.
ESCALATION_DAYS = 30
#: Decisions after which the subject is not reviewed again on the cadence.
_KEEPS_DATES = (D.DEFER, D.RETIRE, D.CLOSE)


@dataclass
class Request:
    kind: DecisionKind
    note: str
    today: date
    likelihood: int | None = None
    impact: int | None = None
    owner_id: int | None = None
    action_title: str | None = None
    due_date: date | None = None
    #: Above the appetite: the approver whose sign-off is recorded (the acting user when they
    #: hold the approver role); recorded for someone else, it awaits their confirmation.
    approver_id: int | None = None
    next_review: date | None = None


@dataclass
class _Effect:
    meeting: ReviewMeeting
    item: AgendaItem
    request: Request
    actor: str
    words: list[str] = field(default_factory=list)
    created: list[Any] = field(default_factory=list)
    next_review: date | None = None


def _person(session: Session, person_id: int | None, what: str) -> Person | None:
    if person_id is None:
        return None
    who = session.get(Person, person_id)
    if who is None:
        raise ValidationError(f"There is no person with id {person_id}.", field=what)
    return who


def _needs(value: Any, message: str, field_name: str) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValidationError(message, field=field_name)
    return value


def _siro(session: Session) -> Person | None:
    return session.execute(
        select(Person).join(PersonRole).where(PersonRole.role == Role.SIRO,
                                              Person.active.is_(True)).order_by(Person.id)
    ).scalar()


def _review_action(session: Session, effect: _Effect, title: str, owner: Person | None, *,
                   escalation: bool = False) -> None:
    """An action of the meeting about the item's subject (the meeting itself for an input),
    its title naming that subject; an escalation is due :data:`ESCALATION_DAYS` after the
    meeting unless a date is given, and awaits the SIRO's answer."""
    if owner is not None and not owner.active:
        raise ValidationError(f"{owner.name} has left (inactive) and cannot own an action.",
                              field="owner_id")
    table, record_id = item_subject(effect.item)
    label = subject_label(session, table, record_id)
    due_date = effect.request.due_date
    if escalation and due_date is None:
        due_date = effect.meeting.meeting_date + timedelta(days=ESCALATION_DAYS)
    action = ReviewAction(agenda_item_id=effect.item.id,
                          title=titled(title, (table, record_id), label), owner=owner,
                          due_date=due_date, subject_table=table, subject_id=record_id,
                          escalation=escalation)
    effect.meeting.actions.append(action)
    effect.created.append(action)
    due = f", due {action.due_date}" if action.due_date else ""
    who = f" ({owner.name}{due})" if owner is not None else due
    effect.words.append(f"action set: {action.title}{who}")


def _common(session: Session, effect: _Effect) -> bool:
    """Decisions that do the same whatever the subject; False when it is not one of them."""
    req = effect.request
    if req.kind == D.ESCALATE:
        owner = _person(session, req.owner_id, "owner_id") or _siro(session)
        _review_action(session, effect, req.action_title or f"Escalated to the SIRO: "
                       f"{effect.item.title}", owner, escalation=True)
        return True
    if req.kind in (D.NOTED, D.DEFER):
        effect.words.append("carried forward to the next meeting" if req.kind == D.DEFER
                            else "noted")
        return True
    return False


# --- per subject ----------------------------------------------------------------------------


def _on_risk(session: Session, risk: Risk, effect: _Effect) -> None:
    req = effect.request
    if req.kind == D.RESCORE:
        lk = _needs(req.likelihood, "Give the new residual likelihood.", "likelihood")
        im = _needs(req.impact, "Give the new residual impact.", "impact")
        old = f"{risk.residual_likelihood}x{risk.residual_impact}"
        change = risks.score_risk(session, risk, residual=(lk, im), today=req.today)
        level = change.levels.residual.name if change.levels.residual else ""
        effect.words.append(f"residual re-scored {old} -> {lk}x{im} {level}".rstrip())
    elif req.kind == D.ADD_ACTION:
        title = _needs(req.action_title, "Give the treatment action a title.", "action_title")
        owner = _person(session, req.owner_id, "owner_id")
        effect.created.append(risks.add_action(risk, title, owner=owner, due=req.due_date))
        effect.words.append(f"treatment action added: {title.strip()}"
                            + (f" ({owner.name}, due {req.due_date})" if owner else ""))
    elif req.kind == D.CHANGE_OWNER:
        owner = _person(session, _needs(req.owner_id, "Choose the new owner.", "owner_id"),
                        "owner_id")
        risks.update_details(risk, title=risk.title, description=risk.description, owner=owner)
        effect.words.append(f"owner now {owner.name if owner else '-'}")
    elif req.kind in (D.CLOSE, D.RETIRE):
        if req.kind == D.RETIRE:  # why is in the minutes, not the risk's description
            risks.mark_retired(risk)
        else:
            risk.status = RiskStatus.CLOSED
        effect.words.append(f"risk {risk.status.value}")
    elif req.kind != D.ACCEPT and not _common(session, effect):
        raise AssertionError(req.kind)
    if req.kind not in _KEEPS_DATES or req.next_review is not None:
        if req.next_review is not None:
            risks.override_review(session, risk, req.next_review, req.note, req.today)
        else:  # back on the cadence, from the meeting
            risks.override_review(session, risk, None, "", effect.meeting.meeting_date)
        effect.next_review = risk.next_review
        effect.words.append(f"next review {risk.next_review or '-'}")
    if req.kind == D.ACCEPT:
        _accept(session, risk, effect)


def accept_preview(session: Session, risk_id: int) -> str | None:
    """What an 'accept' decision on risk ``risk_id`` would accept, said before the SMG decides,
    when it is not the target (:func:`_accept`): "Accepts the current level Very high: the
    target High is not reached". None when the acceptance would be of the target."""
    risk = session.get(Risk, risk_id)
    criteria = current_criteria(session)
    if risk is None or not risks.target_not_reached(criteria, risk):
        return None
    found = risks.levels(criteria, risk)
    assert found.governing is not None and found.residual is not None  # not reached: both rated
    return (f"Accepts the current level {found.governing.name}: the target "
            f"{found.residual.name} is not reached")


def _accept(session: Session, risk: Risk, effect: _Effect) -> None:
    """The owner's acceptance, signed by the acting user when they are the owner, else
    recorded for the owner and awaiting them (not accepted until they confirm). While the
    risk's target is not reached (risks.target_not_reached) the meeting accepts what the
    risk is today: its current level, and the acceptance says so."""
    req = effect.request
    at_current = risks.target_not_reached(current_criteria(session), risk)
    signed = risks.sign_acceptance(
        session, risk, rationale=req.note, expires_on=risk.next_review,
        approver=_person(session, req.approver_id, "approver_id"), meeting=effect.meeting,
        today=req.today, at_current=at_current)
    session.flush()
    effect.created += signed.signatures
    if signed.acceptance is not None:
        effect.created.append(signed.acceptance)
    owner = risk.owner.name if risk.owner is not None else "-"
    absent = "" if _attended(effect.meeting, risk.owner_id) else f" ({owner} was not present)"
    if signed.awaiting:
        names = " and ".join(f"{s.signer.name}'s" for s in signed.awaiting)
        effect.words.append(f"acceptance until {risk.next_review} recorded for {owner}"
                            f"{absent}, awaiting {names} confirmation")
    else:
        effect.words.append(f"accepted by {owner} until {risk.next_review}")
    if at_current:
        effect.words[-1] += f", at current level {signed.signatures[0].terms['level']}"


def _attended(meeting: ReviewMeeting, person_id: int | None) -> bool:
    return any(a.person_id == person_id and a.present for a in meeting.attendees)


def _on_asset(session: Session, asset: Asset, effect: _Effect) -> None:
    req = effect.request
    if req.kind == D.CHANGE_OWNER:
        assets.update_asset(session, asset, owner_id=_needs(req.owner_id, "Choose the new owner.",
                                                            "owner_id"))
        effect.words.append(f"owner now {_name(session, req.owner_id)}")
    elif req.kind == D.ADD_ACTION:
        _review_action(session, effect, _needs(req.action_title, "Give the action a title.",
                                               "action_title"),
                       _person(session, req.owner_id, "owner_id"))
    elif req.kind == D.RETIRE:
        assets.retire(session, [asset.id])
        effect.words.append("asset retired")
    elif not _common(session, effect):
        raise AssertionError(req.kind)
    if req.kind not in _KEEPS_DATES or req.next_review is not None:
        when = req.next_review or assets.attestation_due(session, effect.meeting.meeting_date)
        assets.update_asset(session, asset, next_review=when)
        effect.next_review = when
        effect.words.append(f"next attestation {when}")


def _name(session: Session, person_id: int | None) -> str:
    who = _person(session, person_id, "owner_id")
    return who.name if who else "-"


def _on_action(session: Session, action: TreatmentAction | ReviewAction, effect: _Effect) -> None:
    req = effect.request
    fields: dict[str, Any] = {}
    if req.kind in (D.DEFER, D.CLOSE_ACTION) and action.status in actions.CLOSED:
        raise ValidationError(f"The action \u201c{action.title}\u201d is {action.status} "
                              "already; note it or escalate it.", field="kind")
    if req.kind == D.DEFER:
        # The slip is kept (from, to, why, who): the plan never loses its original date.
        was = action.due_date
        effect.created.append(actions.defer(
            session, action, _needs(req.due_date, "Give the new due date of the deferred action.",
                                    "due_date"), req.note, actor=effect.actor))
        effect.next_review = req.due_date
        effect.words.append(f"due date moved from {was or 'none'} to {req.due_date}")
        return
    if req.kind == D.CLOSE_ACTION and isinstance(action, ReviewAction):
        condition = actions.close_review_action(session, action, ActionStatus.DONE, req.note,
                                                today=req.today, meeting=effect.meeting,
                                                reason_field="note")
        effect.words.append("action closed" + (f" while {condition}" if condition else ""))
        return
    if req.kind == D.CLOSE_ACTION and isinstance(action, TreatmentAction):
        # The last open action of a risk still above its target: the note says why.
        condition = actions.closing_condition(session, action)
        actions.close_action(session, action, ActionStatus.DONE, today=req.today,
                             reason=req.note, reason_field="note")
        effect.words.append("action closed" + (f" while {condition}" if condition else ""))
        return
    if req.kind == D.CHANGE_OWNER:
        fields["owner_id"] = _needs(req.owner_id, "Choose the new owner.", "owner_id")
        effect.words.append(f"owner now {_name(session, req.owner_id)}")
    elif not _common(session, effect):
        raise AssertionError(req.kind)
    if isinstance(action, TreatmentAction):
        records.update_action(session, action, today=req.today, **fields)
        return
    # A meeting's own actions have no editor service: the rules are the same, applied here.
    if "owner_id" in fields:
        owner = _person(session, fields["owner_id"], "owner_id")
        if owner is not None and not owner.active:
            raise ValidationError(f"{owner.name} has left (inactive) and cannot own an action.",
                                  field="owner_id")
        action.owner = owner


def _on_other(session: Session, effect: _Effect) -> None:
    """Inputs, findings, SoA gaps and grouped items: an action of the meeting, or words."""
    req = effect.request
    if req.kind == D.ADD_ACTION:
        _review_action(session, effect, _needs(req.action_title, "Give the action a title.",
                                               "action_title"),
                       _person(session, req.owner_id, "owner_id"))
    elif not _common(session, effect):
        raise AssertionError(req.kind)


# --- decide and undo ------------------------------------------------------------------------


def restorable(record: Any) -> dict[str, Any]:
    names = _RESTORABLE.get(type(record), ())
    return {name: plain(getattr(record, name)) for name in names}


def _live_acceptances(record: Any) -> set[int]:
    if not isinstance(record, Risk):
        return set()
    return {a.id for a in record.acceptances if a.withdrawn_at is None and a.id is not None}


def _check(item: AgendaItem, req: Request) -> None:
    if item.decision is not None:
        raise ValidationError(
            f"Agenda item {item.position} is already decided ({item.decision.kind.value}); undo "
            "that decision first.", field="kind")
    if req.kind not in allowed(item):
        raise ValidationError(
            f"'{req.kind.value}' is not a decision for agenda item {item.position} "
            f"({item.kind.value}); choose one of {', '.join(k.value for k in allowed(item))}.",
            field="kind")
    if req.kind == D.DEFER and not req.note.strip():
        raise ValidationError("Say why the item is deferred.", field="note")
    if req.next_review is not None and not req.note.strip():
        raise ValidationError("Say why the next review departs from the cadence.", field="note")


def decide(session: Session, item_id: int, req: Request, actor: str) -> DecisionView:
    item = item_by_id(session, item_id)
    meeting = item.meeting
    require_status(meeting, ReviewStatus.IN_PROGRESS, doing="recording a decision")
    _check(item, req)
    record = subject(session, item)
    snapshot: dict[str, Any] = dict(facts(session, item))
    before, live_before = restorable(record), _live_acceptances(record)
    effect = _Effect(meeting, item, req, actor)
    if isinstance(record, Risk):
        _on_risk(session, record, effect)
    elif isinstance(record, Asset):
        _on_asset(session, record, effect)
    elif isinstance(record, TreatmentAction | ReviewAction):
        _on_action(session, record, effect)
    else:
        _on_other(session, effect)
    if isinstance(record, Risk):
        effect.created += [a for a in record.acceptances if a.id is None]
    session.flush()  # the created records' ids and versions, for the snapshot and undo
    snapshot.update({
        "_before": before, "_after": restorable(record),
        # A deferral has no version: it is only ever added, and taken back with its decision.
        "_created": [[type(r).__name__, r.id, getattr(r, "version", None)]
                     for r in effect.created],
        "_withdrawn": sorted(live_before - _live_acceptances(record)),
        "_effect": "; ".join(effect.words),
        # The decision carries the date of the meeting that took it; decided_at says when it
        # was recorded.
        "_meeting_date": meeting.meeting_date.isoformat(),
    })
    item.decision = ReviewDecision(kind=req.kind, note=req.note.strip(), snapshot=snapshot,
                                   decided_by=actor, decided_at=utcnow(),
                                   next_review=effect.next_review)
    return decision_view(item.decision)
