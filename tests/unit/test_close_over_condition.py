"""Closing the last open treatment action of a risk still above its target asks for a reason,
records it (the description the change log keeps, the plan's action row) and flags the action
at the next review (issue 17, 4: "closing one whose subject still shows the condition that
raised it asks for a reason and is flagged at the next review")."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from isms.db import Register
from isms.errors import ValidationError
from isms.model import (
    ActionStatus,
    AgendaKind,
    ChangeLogEntry,
    DecisionKind,
    Role,
    TreatmentAction,
)
from isms.services import actions, edits
from isms.services.documents.registers import treatment_plan
from isms.services.documents.treatment_plan import plan_rows
from isms.services.read import queries
from isms.services.reviews import meetings as reviews
from isms.services.reviews.action_subjects import closed_over_condition
from tests import builders as b

pytestmark = pytest.mark.both_backends

TODAY = date(2026, 11, 25)
STILL = "R-0301 Laptops not encrypted is still Very high, above its target Low"
WHY = "Encryption moved to the new device contract"


def _setup(s: Session) -> tuple[int, int, int]:
    """A Very high risk with a Low target and two open actions; a risk at its target with one."""
    soc = b.department(s, code="SOC", name="Social Care")
    ann = b.person(s, name="Ann Lee", department=soc, username="ann")
    ann.add_role(Role.APPROVER)
    criteria = queries.current_criteria_id(s)
    rated = {"inherent_likelihood": 5, "inherent_impact": 5, "current_likelihood": 5,
             "current_impact": 5, "residual_likelihood": 2, "residual_impact": 2,
             "owner": ann, "criteria_id": criteria}
    risk = b.risk(s, soc, ref="R-0301", title="Laptops not encrypted", **rated)
    first = actions.new_action(s, risk.id, title="Buy licences", owner_id=ann.id,
                               due_date=TODAY - timedelta(days=30))
    last = actions.new_action(s, risk.id, title="Encrypt every laptop", owner_id=ann.id,
                              due_date=TODAY - timedelta(days=10))
    reached = b.risk(s, soc, ref="R-0302", title="Door codes shared",
                     **{**rated, "current_likelihood": 2, "current_impact": 2})
    done = actions.new_action(s, reached.id, title="Change the codes", owner_id=ann.id)
    s.flush()
    return first.id, last.id, done.id


def test_closing_the_last_action_over_the_condition_needs_a_reason_that_is_kept(
        register: Register) -> None:
    with register.transaction(actor="ann") as s:
        first, last, reached = _setup(s)
    with register.transaction(actor="ann") as s:
        # Another action still open, or the target reached: no reason asked.
        one = s.get_one(TreatmentAction, first)
        edits.close_action(s, first, one.version, "done", today=TODAY)
        other = s.get_one(TreatmentAction, reached)
        edits.close_action(s, reached, other.version, "done", today=TODAY)
        assert closed_over_condition(one.description) is None
    with register.transaction(actor="ann") as s:
        action = s.get_one(TreatmentAction, last)
        with pytest.raises(ValidationError, match=f"{STILL}: say why action {last} ") as refused:
            edits.close_action(s, last, action.version, "done", today=TODAY)
        assert refused.value.field == "reason"
        assert action.status == ActionStatus.OPEN
    with register.transaction(actor="ann") as s:
        action = s.get_one(TreatmentAction, last)
        edits.close_action(s, last, action.version, "done", "Half the laptops done", today=TODAY,
                           reason=WHY)
    with register.session() as s:
        action = s.get_one(TreatmentAction, last)
        assert action.status == ActionStatus.DONE
        assert closed_over_condition(action.description) == WHY
        assert f"Done on {TODAY} while the condition remained ({STILL}): {WHY}" \
            in action.description
        # The change log keeps the reason with the closing.
        entry = s.execute(select(ChangeLogEntry).where(
            ChangeLogEntry.table_name == "treatment_action",
            ChangeLogEntry.record_id == str(last)).order_by(ChangeLogEntry.id.desc())).scalar()
        assert entry is not None and WHY in entry.changes["description"][1]
        assert entry.changes["status"] == ["open", "done"]
        # The plan's action row says why it was closed.
        rows = [r for r in plan_rows(treatment_plan(s, None, TODAY))
                if r["Action / rationale"] == "Encrypt every laptop"]
        assert [r["Status"] for r in rows] == [
            f"done; closed while the condition remained: {WHY}"]


def test_the_editors_save_closing_over_the_condition_needs_the_reasons_line(
        register: Register) -> None:
    with register.transaction(actor="ann") as s:
        first, last, _ = _setup(s)
        actions.close_action(s, s.get_one(TreatmentAction, first), "cancelled", "Not needed")
    with register.transaction(actor="ann") as s:
        action = s.get_one(TreatmentAction, last)
        assert actions.closing_condition(s, action) == STILL
        with pytest.raises(ValidationError, match=f"{STILL}: closing action {last} .* needs a "
                                                  "reason") as refused:
            edits.save(s, "treatment action", last, action.version, {"status": "done"})
        assert refused.value.field == "status"
    with register.transaction(actor="ann") as s:
        action = s.get_one(TreatmentAction, last)
        said = actions.close_line(ActionStatus.DONE, TODAY, STILL, WHY)
        saved = edits.save(s, "treatment action", last, action.version,
                           {"status": "done", "description": said})
        assert saved.count == 1
    with register.session() as s:
        assert closed_over_condition(s.get_one(TreatmentAction, last).description) == WHY


def test_an_action_closed_over_the_condition_comes_back_at_the_next_review(
        register: Register) -> None:
    with register.transaction(actor="ann") as s:
        first, last, _ = _setup(s)
        actions.close_action(s, s.get_one(TreatmentAction, first), "done", today=TODAY)
        ann = s.get_one(TreatmentAction, first).owner_id
        meeting = reviews.plan_review(s, title="SMG", meeting_date=TODAY, chair_id=ann)
        items = reviews.start_review(s, meeting.id, today=TODAY)
        overdue = next(i for i in items if i.kind == AgendaKind.ACTION_OVERDUE
                       and i.subject_id == last)
        # The meeting closing it over the condition is asked why, in its note.
        with pytest.raises(ValidationError, match=STILL) as refused:
            reviews.decide(s, overdue.id, DecisionKind.CLOSE_ACTION, actor="ann", today=TODAY)
        assert refused.value.field == "note"
        reviews.decide(s, overdue.id, DecisionKind.CLOSE_ACTION, note=WHY, actor="ann",
                       today=TODAY)
        assert closed_over_condition(s.get_one(TreatmentAction, last).description) == WHY
        later = reviews.plan_review(s, title="SMG", meeting_date=TODAY + timedelta(days=91),
                                    chair_id=ann)
        items = reviews.start_review(s, later.id, today=TODAY + timedelta(days=91))
    flagged = [i for i in items if i.kind == AgendaKind.PREVIOUS_ACTION]
    assert [(i.subject_table, i.subject_id) for i in flagged] == [("treatment_action", last)]
    assert "R-0301: Encrypt every laptop (closed done while the condition remained)" \
        in flagged[0].title
    assert WHY in flagged[0].detail
    # The SMG takes it like any earlier action: its facts shown, and noted.
    with register.transaction(actor="ann") as s:
        assert reviews.item_context(s, flagged[0].id).facts
        reviews.decide(s, flagged[0].id, DecisionKind.NOTED, note="Seen; new contract in May",
                       actor="ann", today=TODAY + timedelta(days=91))
