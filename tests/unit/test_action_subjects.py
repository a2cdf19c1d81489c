"""Review actions remember their subject and say it; closing one while its subject still shows
the condition that raised it needs a reason and comes back at the next review; an escalation
has a due date and an answer (issue 17, 4: "Actions forget their subject. 'Name an owner and
marking for the asset' does not say which asset; it can be closed as done while the same agenda
still lists that asset without an owner. An 'escalate to the SIRO' decision makes an action
with no due date and no recorded answer")."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy.orm import Session

from isms.db import Register
from isms.errors import ValidationError
from isms.model import (
    ActionStatus,
    AgendaKind,
    Asset,
    DecisionKind,
    ReviewAction,
    ReviewMeeting,
    Role,
)
from isms.services import actions, assets, classification
from isms.services.reviews import meetings as reviews
from isms.services.reviews.decisions import ESCALATION_DAYS
from isms.services.risks import score_risk
from tests import builders

pytestmark = pytest.mark.both_backends

TODAY = date(2026, 3, 3)
D = DecisionKind
NAME_AN_OWNER = "Name an owner and marking for the asset"


def _start(s: Session, chair: int, day: date) -> list[reviews.AgendaItemView]:
    meeting = reviews.plan_review(s, title="SMG", meeting_date=day, chair_id=chair)
    return reviews.start_review(s, meeting.id, today=day)


def _setup(s: Session) -> tuple[int, int, list[reviews.AgendaItemView]]:
    chair = builders.person(s, name="Chair", username="chair")
    chair.add_role(Role.APPROVER)
    siro = builders.person(s, name="Sally Siro", username="siro")
    siro.add_role(Role.SIRO)
    dept = builders.department(s, code="CHS", name="Children's Services")
    asset = builders.asset(s, dept, ref="CHS-0042", name="Case files")
    risk = builders.risk(s, dept, ref="R-0042", title="Case files lost in transit")
    score_risk(s, risk, inherent=(5, 5), today=TODAY - timedelta(days=400))
    return chair.id, asset.id, _start(s, chair.id, TODAY)


def _asset_item(items: list[reviews.AgendaItemView], asset_id: int) -> reviews.AgendaItemView:
    return next(i for i in items if i.kind == AgendaKind.ASSET_INCOMPLETE
                and i.subject_id == asset_id)


def test_an_action_names_its_subject_and_cannot_be_closed_silently_over_it(
        register: Register) -> None:
    with register.transaction(actor="chair") as s:
        chair, asset_id, items = _setup(s)
        reviews.decide(s, _asset_item(items, asset_id).id, D.ADD_ACTION, actor="chair",
                       today=TODAY, action_title=NAME_AN_OWNER, owner_id=chair,
                       due_date=TODAY + timedelta(days=28))
        action = s.query(ReviewAction).one()
        assert (action.subject_table, action.subject_id) == ("asset", asset_id)
        assert action.title == f"{NAME_AN_OWNER}: CHS-0042 Case files"

        # The next meeting: the action comes back beside the asset, which still has no owner.
        later = TODAY + timedelta(days=91)
        items = _start(s, chair, later)
        previous = next(i for i in items if i.kind == AgendaKind.PREVIOUS_ACTION)
        assert "CHS-0042 Case files" in previous.title
        assert _asset_item(items, asset_id)  # the same agenda still lists the asset
        with pytest.raises(ValidationError,
                           match="CHS-0042 Case files still has no owner and no marking: say "
                                 "why .* is closed anyway"):
            reviews.decide(s, previous.id, D.CLOSE_ACTION, actor="chair", today=later)
        view = reviews.decide(s, previous.id, D.CLOSE_ACTION, actor="chair", today=later,
                              note="Owner post vacant until April; tracked by HR")
        assert "while CHS-0042 Case files still has no owner" in view.effect
        assert (action.status, action.close_reason) == (
            ActionStatus.DONE, "Owner post vacant until April; tracked by HR")

        # The review after: flagged as closed while the condition remained.
        third = TODAY + timedelta(days=182)
        flagged = [i for i in _start(s, chair, third) if i.kind == AgendaKind.PREVIOUS_ACTION]
        assert [(i.subject_id, i.title) for i in flagged] == [(action.id, (
            f"{action.meeting.ref}: {NAME_AN_OWNER}: CHS-0042 Case files (closed done while "
            "the condition remained)"))]
        assert "Owner post vacant until April" in flagged[0].detail


def test_closing_once_the_condition_is_gone_needs_no_reason(register: Register) -> None:
    with register.transaction(actor="chair") as s:
        chair, asset_id, items = _setup(s)
        reviews.decide(s, _asset_item(items, asset_id).id, D.ADD_ACTION, actor="chair",
                       today=TODAY, action_title=NAME_AN_OWNER, owner_id=chair)
        action = s.query(ReviewAction).one()
        with pytest.raises(ValidationError, match="still has no owner and no marking"):
            actions.close_review_action(s, action, "done", today=TODAY)
        record = s.get_one(Asset, asset_id)
        assets.update_asset(s, record, owner_id=chair)
        classification.mark_asset(s, record, "OFFICIAL")
        assert actions.close_review_action(s, action, "done", today=TODAY) is None
        assert (action.status, action.close_reason) == (ActionStatus.DONE, "")


def test_an_escalation_is_due_and_takes_the_siros_answer(register: Register) -> None:
    with register.transaction(actor="chair") as s:
        _setup(s)
        item = next(i for i in reviews.agenda(s, s.query(ReviewMeeting).one().id)
                    if i.kind == AgendaKind.RISK_ABOVE_APPETITE)
        reviews.decide(s, item.id, D.ESCALATE, actor="chair", today=TODAY,
                       note="Needs funding beyond the service")
        escalation = s.query(ReviewAction).one()
        assert escalation.escalation and escalation.owner is not None
        assert escalation.owner.name == "Sally Siro"
        assert escalation.due_date == TODAY + timedelta(days=ESCALATION_DAYS)
        assert (escalation.subject_table, escalation.subject_id) == ("risk", item.subject_id)
        assert escalation.title == "Escalated to the SIRO: R-0042 Case files lost in transit"
        with pytest.raises(ValidationError, match="Give the SIRO's answer"):
            actions.answer_escalation(s, escalation, "  ", actor="siro")
        actions.answer_escalation(s, escalation, "Head of service owns it from May",
                                  actor="siro")
        assert (escalation.answer, escalation.answered_by) == (
            "Head of service owns it from May", "siro")
        assert escalation.answered_at is not None
        # The next meeting sees the escalation with its answer.
        later = TODAY + timedelta(days=91)
        chair = s.query(ReviewMeeting).one().chair_id
        assert chair is not None
        back = next(i for i in _start(s, chair, later) if i.kind == AgendaKind.PREVIOUS_ACTION)
        assert back.detail.endswith("The SIRO answered: Head of service owns it from May.")


def test_deferring_a_review_action_at_a_meeting_keeps_the_slip_and_undo_takes_it_back(
        register: Register) -> None:
    with register.transaction(actor="chair") as s:
        chair, asset_id, items = _setup(s)
        reviews.decide(s, _asset_item(items, asset_id).id, D.ADD_ACTION, actor="chair",
                       today=TODAY, action_title=NAME_AN_OWNER, owner_id=chair,
                       due_date=TODAY + timedelta(days=28))
        action = s.query(ReviewAction).one()
        later = TODAY + timedelta(days=91)
        previous = next(i for i in _start(s, chair, later)
                        if i.kind == AgendaKind.PREVIOUS_ACTION)
        reviews.decide(s, previous.id, D.DEFER, actor="chair", today=later,
                       note="Restructure first", due_date=later + timedelta(days=60))
        assert [(d.from_date, d.to_date, d.reason, d.deferred_by) for d in action.deferrals] == [
            (TODAY + timedelta(days=28), later + timedelta(days=60), "Restructure first",
             "chair")]
        reviews.undo_decision(s, previous.id)
        s.flush()
        s.expire_all()
        assert action.deferrals == [] and action.due_date == TODAY + timedelta(days=28)
