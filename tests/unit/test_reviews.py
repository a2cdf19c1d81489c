"""The review services' rules on small hand-built registers."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from isms.db import Register
from isms.errors import AccessDenied, ValidationError
from isms.model import (
    AgendaItem,
    AgendaKind,
    DecisionKind,
    Risk,
    RiskStatus,
    Role,
    Signature,
    SignatureState,
    TreatmentAction,
)
from isms.services import awaiting
from isms.services.reviews import meetings as reviews
from isms.services.risks import score_risk
from tests import builders

# Storage and service behaviour: the same on a SQLite file and a PostgreSQL server.
pytestmark = pytest.mark.both_backends

TODAY = date(2026, 3, 1)
D = DecisionKind


def _chair(session: Session) -> int:
    chair = builders.person(session, name="Chair", username="chair")
    chair.add_role(Role.APPROVER)
    return chair.id


def _start(session: Session, chair_id: int, *departments: int) -> list[reviews.AgendaItemView]:
    meeting = reviews.plan_review(session, title="SMG", meeting_date=TODAY, chair_id=chair_id,
                                  department_ids=departments)
    return reviews.start_review(session, meeting.id, today=TODAY)


def test_refs_are_unique_per_date_and_the_inputs_are_seeded(register: Register) -> None:
    with register.transaction() as s:
        chair = _chair(s)
        first = reviews.plan_review(s, title="A", meeting_date=TODAY, chair_id=chair)
        second = reviews.plan_review(s, title="B", meeting_date=TODAY, chair_id=chair)
        assert (first.ref, second.ref) == ("SMG-2026-03-01", "SMG-2026-03-01-2")
        items = reviews.start_review(s, first.id, today=TODAY)
        # The seven inputs of 9.3.2, a to g (tests/unit/test_review_inputs.py: what they say).
        assert [i.kind for i in items] == [AgendaKind.MANAGEMENT_INPUT] * 7
        assert reviews.next_planned_meeting(s) is second


def test_large_categories_are_grouped_per_department(register: Register) -> None:
    with register.transaction() as s:
        chair = _chair(s)
        dept, other = builders.department(s), builders.department(s)
        for _ in range(12):
            builders.asset(s, dept)  # no owner, no marking
        builders.asset(s, other)
        for n in range(9):
            risk = builders.risk(s, dept)
            score_risk(s, risk, inherent=(1, 1), today=TODAY - timedelta(days=400 - n))
        items = _start(s, chair)
    assets = [i for i in items if i.kind == AgendaKind.ASSET_INCOMPLETE]
    assert [(i.subject_table, i.title) for i in assets if i.subject_table == "department"] == [
        ("department", f"{dept.code}: 12 assets without owner or classification")]
    assert [i.subject_table for i in assets].count("asset") == 1  # the other department's one
    due = [i for i in items if i.kind == AgendaKind.RISK_DUE]
    assert [i.subject_table for i in due] == ["risk"] * 3 + ["department"]
    assert due[-1].title == f"{dept.code}: 6 more risks due for review"
    assert due[-1].allowed == (D.NOTED, D.ADD_ACTION, D.ESCALATE, D.DEFER)


def _one_risk(s: Session, *, above: bool) -> tuple[int, Risk, reviews.AgendaItemView]:
    chair = _chair(s)
    dept = builders.department(s)
    owner = builders.person(s, name="Owner", username="owner")
    risk = builders.risk(s, dept, owner=owner)
    rated = (4, 4) if above else (1, 1)  # High (an approver signs off) or Low today
    score_risk(s, risk, inherent=(5, 5), current=rated, residual=rated,
               today=TODAY - timedelta(days=400))
    item = next(i for i in _start(s, chair) if i.subject_table == "risk")
    return chair, risk, item


def test_accepting_above_appetite_needs_an_approver(register: Register) -> None:
    with register.transaction() as s:
        chair, risk, item = _one_risk(s, above=True)
        assert item.kind == AgendaKind.RISK_ABOVE_APPETITE
        risk_id = risk.id
    # The risk owner, who holds no approver role, records it.
    with register.transaction(actor="owner") as s:
        with pytest.raises(ValidationError, match="approver other than the owner must sign"):
            reviews.decide(s, item.id, D.ACCEPT, note="Tolerable", actor="t", today=TODAY)
        view = reviews.decide(s, item.id, D.ACCEPT, note="Tolerable for a quarter", actor="t",
                              today=TODAY, approver_id=chair)
        # The owner signed; the chair's sign-off was recorded for them and awaits them.
        assert "awaiting Chair's confirmation" in view.effect
        risk = s.get_one(Risk, risk_id)
        assert risk.status != RiskStatus.ACCEPTED and risk.current_acceptance is None
        reviews.undo_decision(s, item.id)
        s.flush()
        assert s.query(Signature).count() == 0
        reviews.decide(s, item.id, D.ACCEPT, note="Tolerable for a quarter", actor="t",
                       today=TODAY, approver_id=chair)
        waiting = s.query(Signature).filter_by(state=SignatureState.AWAITING).one().id
    with register.transaction(actor="chair") as s:
        awaiting.confirm(s, waiting, today=TODAY)
    with register.session() as s:
        risk = s.get_one(Risk, risk_id)
        assert risk.status == RiskStatus.ACCEPTED
        assert risk.current_acceptance is not None
        assert risk.current_acceptance.approved_by_id == chair
        assert risk.current_acceptance.expires_on == view.next_review == risk.next_review


def test_defer_and_overrides_need_a_note(register: Register) -> None:
    with register.transaction() as s:
        _, risk, item = _one_risk(s, above=False)
        with pytest.raises(ValidationError, match="deferred"):
            reviews.decide(s, item.id, D.DEFER, actor="t", today=TODAY)
        when = TODAY + timedelta(days=20)
        with pytest.raises(ValidationError, match="departs from the cadence"):
            reviews.decide(s, item.id, D.NOTED, actor="t", today=TODAY, next_review=when)
        view = reviews.decide(s, item.id, D.NOTED, actor="t", today=TODAY, next_review=when,
                              note="Before the audit")
        assert risk.next_review == view.next_review == when
        assert risk.review_override_reason == "Before the audit"
        heading = next(i for i in reviews.agenda(s, _meeting(s, item))
                       if i.kind == AgendaKind.MANAGEMENT_INPUT)
        with pytest.raises(ValidationError, match="not a decision"):
            reviews.decide(s, heading.id, D.RETIRE, actor="t", today=TODAY)


def test_undo_is_refused_when_the_subject_changed_since(register: Register) -> None:
    with register.transaction() as s:
        _, risk, item = _one_risk(s, above=False)
        reviews.decide(s, item.id, D.ADD_ACTION, actor="t", today=TODAY,
                       action_title="Encrypt the laptops", due_date=TODAY + timedelta(days=30))
        assert [a.title for a in risk.actions] == ["Encrypt the laptops"]
        s.flush()
    with register.transaction() as s:
        s.get_one(Risk, risk.id).review_override_reason = "someone else"
        s.get_one(Risk, risk.id).next_review = TODAY + timedelta(days=3)
    with register.transaction() as s, pytest.raises(ValidationError, match="changed after"):
        reviews.undo_decision(s, item.id)
    with register.transaction() as s:
        # Put back as the decision left it: the undo goes through and deletes the action.
        again = s.get_one(Risk, risk.id)
        again.review_override_reason = ""
        again.next_review = _decided_next_review(s, item.id)
    with register.transaction() as s:
        reviews.undo_decision(s, item.id)
    with register.session() as s:
        assert s.query(TreatmentAction).count() == 0


def _meeting(s: Session, item: reviews.AgendaItemView) -> int:
    return s.get_one(AgendaItem, item.id).meeting_id


def _decided_next_review(s: Session, item_id: int) -> date | None:
    decision = s.get_one(AgendaItem, item_id).decision
    assert decision is not None
    return decision.next_review


def test_only_the_chair_holding_the_approver_role_signs_off(register: Register) -> None:
    with register.transaction(actor="plain") as s:
        plain = builders.person(s, name="No role", username="plain")
        meeting = reviews.plan_review(s, title="SMG", meeting_date=TODAY, chair_id=plain.id)
        reviews.start_review(s, meeting.id, today=TODAY)
        for item in reviews.agenda(s, meeting.id):
            reviews.decide(s, item.id, D.NOTED, actor="t", today=TODAY)
        reviews.complete_review(s, meeting.id)
        with pytest.raises(AccessDenied, match="No role may not sign off review .*: that needs "
                           "the approver or siro role"):
            reviews.sign_off(s, meeting.id, now=datetime.now(UTC))


def test_due_items_look_ahead_to_the_date(register: Register) -> None:
    with register.transaction() as s:
        dept = builders.department(s)
        builders.asset(s, dept, next_review=TODAY + timedelta(days=5))
        builders.asset(s, dept, next_review=TODAY + timedelta(days=50))
        risk = builders.risk(s, dept)
        score_risk(s, risk, inherent=(3, 3), today=TODAY - timedelta(days=300))
        risk.actions.append(TreatmentAction(title="Patch", due_date=TODAY + timedelta(days=1)))
    with register.session() as s:
        due = reviews.due_items(s, before=TODAY + timedelta(days=30), today=TODAY)
        assert [d.kind for d in due] == ["risk review", "treatment action", "asset attestation"]
        assert all(d.department == dept.code for d in due)
        assert reviews.due_items(s, before=TODAY, department_id=dept.id + 99, today=TODAY) == []
