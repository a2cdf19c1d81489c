"""Levels that mean what they say, and who may accept what (issue 17, points 1 and 2).

Each test is a finding of the issue, reproduced on a real register (SQLite and PostgreSQL):
the appetite is tested on today's exposure (the current level, else the inherent), never on
the residual target; a target within the appetite with no open action to reach it is flagged
"target without a plan"; accepting a target while today's exposure is higher needs the plan
complete or the acceptance to name the current level; and the acceptance authority per level
of the risk criteria (a Very high risk by the SIRO only) is enforced by the services, the
review decisions included.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from isms.db import Register
from isms.errors import ValidationError
from isms.model import (
    ActionStatus,
    AgendaKind,
    DecisionKind,
    Person,
    Risk,
    RiskStatus,
    Role,
    TreatmentOption,
)
from isms.services import risks
from isms.services.read import dashboard
from isms.services.read.risk_record import risk_record
from isms.services.reviews import meetings as reviews
from tests import builders as b

pytestmark = pytest.mark.both_backends

TODAY = date(2026, 12, 7)


def _people(s: Session) -> dict[str, Person]:
    """Olive owns risks; Alan is a plain approver; Sue is the SIRO; Sam minutes meetings."""
    olive = b.person(s, name="Olive Owner", username="olive")
    olive.add_role(Role.RISK_OWNER)
    alan = b.person(s, name="Alan Approver", username="alan")
    alan.add_role(Role.APPROVER)
    sue = b.person(s, name="Sue Siro", username="sue")
    sue.add_role(Role.SIRO)
    sam = b.person(s, name="Sam Secretary", username="sam")
    sam.add_role(Role.SMG_MEMBER)
    s.flush()
    return {"olive": olive, "alan": alan, "sue": sue, "sam": sam}


def _risk(s: Session, owner: Person, *, inherent: tuple[int, int] = (5, 5),
          current: tuple[int, int] | None = (4, 4), residual: tuple[int, int] | None = (2, 3),
          option: TreatmentOption = TreatmentOption.RETAIN) -> Risk:
    """Inherent Very high; current High (today's exposure); residual Medium (the target)."""
    risk = b.risk(s, b.department(s), owner=owner)
    risks.score_risk(s, risk, inherent=inherent, current=current, residual=residual,
                     today=TODAY)
    risks.set_treatment(risk, option)
    s.flush()
    return risk


# --- the appetite is tested on today's exposure ----------------------------------------------


def test_a_risk_high_today_is_above_the_appetite_whatever_its_target(register: Register) -> None:
    with register.transaction() as s:
        people = _people(s)
        high_today = _risk(s, people["olive"])  # current High, residual Medium, no action
        never_assessed = _risk(s, people["olive"], current=None, residual=(1, 2))  # Very high
        treated = _risk(s, people["olive"], current=(2, 2), residual=(1, 2))  # Low today
        above = dashboard.above_appetite(s)
        # Before: the residual governed, so the first two never showed as above the appetite.
        assert high_today.id in above and never_assessed.id in above
        assert treated.id not in above
        record = risk_record(s, high_today.id)
        assert record.above_appetite
        assert not risk_record(s, treated.id).above_appetite


def test_a_target_within_the_appetite_with_no_open_action_is_flagged(register: Register) -> None:
    with register.transaction() as s:
        people = _people(s)
        unplanned = _risk(s, people["olive"], option=TreatmentOption.MODIFY)
        planned = _risk(s, people["olive"], option=TreatmentOption.MODIFY)
        risks.add_action(planned, "Encrypt the laptops", owner=people["olive"],
                         due=date(2027, 3, 1))
        reached = _risk(s, people["olive"], current=(2, 3))  # Medium today: nothing to reach
        s.flush()
        assert dashboard.targets_without_plan(s) == [unplanned.id]
        assert risk_record(s, unplanned.id).as_json()["flags"] == ["target without a plan"]
        assert risk_record(s, planned.id).flags == ()
        assert risk_record(s, reached.id).flags == ()
        # An action done is no plan left to reach the target: flagged again.
        risks.set_action_status(planned.actions[0], ActionStatus.DONE, today=TODAY)
        s.flush()
        assert dashboard.targets_without_plan(s) == [unplanned.id, planned.id]


def test_a_review_rescore_of_the_target_leaves_the_risk_in_the_siros_view(
    register: Register,
) -> None:
    """The finding: a review re-scored a residual to Medium under "retain" with no actions while
    the current level stayed High, and the risk left the SIRO's view."""
    with register.transaction() as s:
        people = _people(s)
        risk = _risk(s, people["olive"], residual=(4, 4))  # High today, High target
        meeting = reviews.plan_review(s, title="SMG", meeting_date=TODAY,
                                      chair_id=people["sue"].id,
                                      attendee_ids=[people["sam"].id, people["olive"].id])
        items = reviews.start_review(s, meeting.id, today=TODAY)
        item = next(i for i in items if i.subject_id == risk.id)
        assert item.kind == AgendaKind.RISK_ABOVE_APPETITE
        meeting_id, item_id, risk_id = meeting.id, item.id, risk.id
    with register.transaction(actor="sam") as s:
        reviews.decide(s, item_id, DecisionKind.RESCORE, likelihood=2, impact=3,
                       note="Tolerable", actor="sam", today=TODAY)
    with register.transaction() as s:
        assert risk_id in dashboard.above_appetite(s)
        assert risk_record(s, risk_id).flags == ("target without a plan",)
        # The next meeting's agenda still takes it above the appetite, flagged.
        nxt = reviews.plan_review(s, title="SMG 2", meeting_date=date(2027, 1, 7),
                                  chair_id=None)
        later = reviews.start_review(s, nxt.id, today=date(2027, 1, 7))
        again = next(i for i in later if i.subject_id == risk_id)
        assert again.kind == AgendaKind.RISK_ABOVE_APPETITE
        assert "Level High (4x4)" in again.detail
        assert "Target without a plan" in again.detail
        assert meeting_id != nxt.id


# --- accepting a target that is not reached ------------------------------------------------


def test_accepting_the_target_while_today_is_higher_needs_the_plan_complete(
    register: Register,
) -> None:
    """The finding: a risk was accepted at its High target while its current level was Very
    high with the action open."""
    with register.transaction() as s:
        people = _people(s)
        risk = _risk(s, people["olive"], current=(5, 4), residual=(4, 4),
                     option=TreatmentOption.MODIFY)  # Very high today, High target
        action = risks.add_action(risk, "Replace the firewall", owner=people["olive"])
        s.flush()
        risk_id, action_id = risk.id, action.id
    with register.transaction(actor="olive") as s, pytest.raises(
            ValidationError, match=r"Very high today and its target \(High\) is not reached: "
                                   r"1 treatment action\(s\) still open") as refused:
        risks.sign_acceptance(s, s.get_one(Risk, risk_id), rationale="Budget next year",
                              approver=s.get_one(Person, people_id(s, "Alan Approver")),
                              today=TODAY)
    assert refused.value.field == "at_current"
    # Named at its current level, it is accepted as what it is: Very high, by the SIRO.
    with register.transaction(actor="sue") as s:
        signed = risks.sign_acceptance(s, s.get_one(Risk, risk_id), rationale="Budget next year",
                                       approver=None, today=TODAY, at_current=True)
        assert signed.awaiting and signed.acceptance is None  # awaiting Olive, the owner
        assert signed.signatures[0].terms["level"] == "Very high"
    with register.transaction(actor="olive") as s:
        from isms.services import awaiting

        awaiting.confirm(s, next(iter(_awaiting_ids(s))), today=TODAY)
        risk = s.get_one(Risk, risk_id)
        assert risk.status == RiskStatus.ACCEPTED
        assert risk.current_acceptance is not None
        assert risk.current_acceptance.rationale.startswith(
            "Accepted at current level Very high (target High not reached). Budget next year")
    # With the action done the plan is complete: the target itself can be accepted.
    with register.transaction(actor="olive") as s:
        risk = s.get_one(Risk, risk_id)
        next(a for a in risk.actions if a.id == action_id).status = ActionStatus.DONE
        s.flush()
        what = risks.accepting(risks.current_criteria(s), risk)
        assert (what.level.name, what.authority, what.at_current) == ("High", "approver", "")


def test_a_target_with_no_action_at_all_is_not_acceptable_as_reached(register: Register) -> None:
    with register.transaction() as s:
        people = _people(s)
        risk = _risk(s, people["olive"])  # High today, Medium target, retain, no action
        with pytest.raises(ValidationError, match="target without a plan"):
            risks.accept_risk(s, risk, by=people["olive"], rationale="Fine", today=TODAY)
        acceptance = risks.accept_risk(s, risk, by=people["olive"], rationale="Fine",
                                       approver=people["alan"], today=TODAY, at_current=True)
        assert acceptance.rationale == ("Accepted at current level High (target Medium not "
                                        "reached). Fine")


# --- who may accept what ---------------------------------------------------------------------


def test_a_plain_approver_cannot_sign_off_a_very_high_risk(register: Register) -> None:
    """The finding: any approver could accept a Very high risk."""
    with register.transaction() as s:
        people = _people(s)
        risk = _risk(s, people["olive"], current=(5, 5), residual=(5, 5))  # Very high
        with pytest.raises(ValidationError,
                           match=r"needs the risk owner with the SIRO's sign-off .*Alan Approver "
                                 r"is not the SIRO\. Who may sign it off: Sue Siro\."):
            risks.accept_risk(s, risk, by=people["olive"], rationale="No budget",
                              approver=people["alan"], today=TODAY)
        accepted = risks.accept_risk(s, risk, by=people["olive"], rationale="No budget",
                                     approver=people["sue"], today=TODAY)
        assert accepted.approved_by is people["sue"]
        risk_id = risk.id
    # Acting as the plain approver, the sign-off is refused before anything is recorded.
    with register.transaction(actor="alan") as s, pytest.raises(
            ValidationError, match="the SIRO, not the owner, must sign off its acceptance, and "
                                   "Alan Approver cannot; name the SIRO"):
        risks.sign_acceptance(s, s.get_one(Risk, risk_id), rationale="Again", today=TODAY)


def test_a_review_decision_cannot_accept_a_very_high_risk_on_an_approvers_word(
    register: Register,
) -> None:
    with register.transaction() as s:
        people = _people(s)
        risk = _risk(s, people["olive"], current=(5, 5), residual=(5, 5))
        meeting = reviews.plan_review(s, title="SMG", meeting_date=TODAY,
                                      chair_id=people["alan"].id,
                                      attendee_ids=[people["olive"].id, people["alan"].id])
        items = reviews.start_review(s, meeting.id, today=TODAY)
        item_id = next(i.id for i in items if i.subject_id == risk.id)
        alan_id, sue_id = people["alan"].id, people["sue"].id
    with register.transaction(actor="olive") as s, pytest.raises(
            ValidationError, match="Alan Approver is not the SIRO"):
        reviews.decide(s, item_id, DecisionKind.ACCEPT, note="Tolerable", actor="olive",
                       today=TODAY, approver_id=alan_id)
    with register.transaction(actor="olive") as s:
        view = reviews.decide(s, item_id, DecisionKind.ACCEPT, note="Tolerable",
                              actor="olive", today=TODAY, approver_id=sue_id)
        assert "awaiting Sue Siro's confirmation" in view.effect


def test_the_authority_follows_the_criteria(register: Register) -> None:
    """A register whose criteria say High is the SIRO's too refuses an approver for High."""
    from isms.method.criteria import Criteria
    from isms.services.method import change_criteria
    from isms.services.read.queries import current_criteria

    with register.transaction() as s:
        people = _people(s)
        definition = current_criteria(s).to_definition()
        definition["acceptance_authority"]["High"] = "siro"
        change_criteria(s, Criteria.from_definition(definition), note="High by the SIRO",
                        actor="test", today=TODAY)
        risk = _risk(s, people["olive"], current=(4, 4), residual=(4, 4))  # High
        with pytest.raises(ValidationError, match="Alan Approver is not the SIRO"):
            risks.accept_risk(s, risk, by=people["olive"], rationale="No budget",
                              approver=people["alan"], today=TODAY)


# --- helpers ---------------------------------------------------------------------------------


def people_id(s: Session, name: str) -> int:
    from sqlalchemy import select

    return s.execute(select(Person.id).where(Person.name == name)).scalar_one()


def _awaiting_ids(s: Session) -> list[int]:
    from isms.model import Signature, SignatureState

    return [sig.id for sig in s.query(Signature).filter_by(state=SignatureState.AWAITING)]


def test_a_review_accepting_a_target_not_reached_accepts_the_current_level(
    register: Register,
) -> None:
    """The finding: a review accepted a risk at its High target while its current level was
    Very high with the action open. The meeting accepts what the risk is today, and says so."""
    with register.transaction() as s:
        people = _people(s)
        risk = _risk(s, people["olive"], current=(5, 4), residual=(4, 4),
                     option=TreatmentOption.MODIFY)  # Very high today, High target
        risks.add_action(risk, "Replace the firewall", owner=people["olive"])
        meeting = reviews.plan_review(s, title="SMG", meeting_date=TODAY,
                                      chair_id=people["sue"].id,
                                      attendee_ids=[people["olive"].id, people["sue"].id])
        items = reviews.start_review(s, meeting.id, today=TODAY)
        item_id = next(i.id for i in items if i.subject_id == risk.id)
        risk_id, sue_id = risk.id, people["sue"].id
    with register.transaction(actor="olive") as s:
        view = reviews.decide(s, item_id, DecisionKind.ACCEPT, note="Budget next year",
                              actor="olive", today=TODAY, approver_id=sue_id)
        assert "at current level Very high" in view.effect
    with register.transaction(actor="sue") as s:
        from isms.services import awaiting

        awaiting.confirm(s, _awaiting_ids(s)[0], today=TODAY)
        accepted = s.get_one(Risk, risk_id).current_acceptance
        assert accepted is not None and accepted.approved_by_id == sue_id
        assert accepted.rationale.startswith("Accepted at current level Very high (target "
                                             "High not reached).")


def test_the_risk_register_says_an_acceptance_is_of_the_current_level(
    register: Register,
) -> None:
    """The document says "accepted at current level Very high", not a bare "accepted"."""
    from isms.services.documents.risk_register import risk_register
    from isms.services.documents.treatment_plan import treatment_plan

    with register.transaction() as s:
        people = _people(s)
        risk = _risk(s, people["olive"], current=(5, 4), residual=(4, 4),
                     option=TreatmentOption.MODIFY)  # Very high today, High target
        risks.add_action(risk, "Replace the firewall", owner=people["olive"])
        risks.accept_risk(s, risk, by=people["olive"], rationale="Budget next year",
                          approver=people["sue"], today=TODAY, at_current=True)
    with register.session() as s:
        registered = [" | ".join(str(v) for v in row) for row in
                      risk_register(s, None, TODAY).rows]
        planned = [" | ".join(str(v) for v in row) for row in
                   treatment_plan(s, None, TODAY).rows]
    assert any("Accepted at current level Very high by Olive Owner" in row for row in registered)
    assert any("Accepted at current level Very high (target High not reached). Budget next "
               "year" in row for row in planned)
