"""Treatment actions through ``edits.add_action`` / ``edits.close_action`` on a real register:
what is written, what ``changed`` names for the window, undo of a closing, and refusals that
name the field and leave nothing behind."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from isms.db import Register, commit
from isms.errors import ValidationError
from isms.model import ActionStatus, Risk, TreatmentAction
from isms.services import edits
from isms.services.read import queries
from tests import builders as b

TODAY = date(2026, 11, 25)


@pytest.fixture
def risk_id(register: Register) -> int:
    with register.session() as s:
        dept = b.department(s, code="HSG")
        b.person(s, name="Olive Owner", department=dept)
        risk = b.risk(s, dept, ref="R-0001")
        commit(s)
        return risk.id


def test_an_action_is_added_to_its_risk_with_a_control(register: Register, risk_id: int) -> None:
    with register.session() as s:
        control = queries.control_by_ref(s, "8.24")
        owner = queries.person(s, "Olive Owner")
        saved = edits.add_action(s, risk_id, {"title": " Encrypt laptops ", "owner_id": owner.id,
                                              "due_date": TODAY, "control_id": control.id})
        commit(s)
    assert saved.change_id is None and saved.count == 1
    assert saved.changed.touches(TreatmentAction) and saved.changed.touches(Risk)
    with register.session() as s:
        action = s.get(TreatmentAction, saved.record_id)
        assert action is not None
        assert (action.risk.ref, action.title, action.owner and action.owner.name,
                action.due_date, action.status, action.control and action.control.ref) == (
            "R-0001", "Encrypt laptops", "Olive Owner", TODAY, ActionStatus.OPEN, "8.24")


def test_closing_is_recorded_and_undone(register: Register, risk_id: int) -> None:
    with register.session() as s:
        saved = edits.add_action(s, risk_id, {"title": "Encrypt laptops",
                                              "description": "All of them."})
        commit(s)
        action = s.get(TreatmentAction, saved.record_id)
        assert action is not None
        closed = edits.close_action(s, action.id, action.version, "done", "Done by IT.",
                                    today=TODAY)
        commit(s)
    assert closed.text == "Close action R-0001 \u201cEncrypt laptops\u201d"
    with register.session() as s:
        action = s.get(TreatmentAction, saved.record_id)
        assert action is not None
        assert (action.status, action.completed_on, action.description) == (
            ActionStatus.DONE, TODAY, "All of them.\n\nDone on 2026-11-25: Done by IT.")
        assert closed.change_id is not None
        edits.undo_change(s, closed.change_id)
        commit(s)
    with register.session() as s:
        action = s.get(TreatmentAction, saved.record_id)
        assert action is not None
        assert (action.status, action.completed_on, action.description) == (
            ActionStatus.OPEN, None, "All of them.")


@pytest.mark.parametrize(("values", "field"), [
    ({"title": "  "}, "title"),
    ({"title": "X", "status": "finished"}, "status"),
    ({"title": "X", "owner_id": 999_999}, "owner_id"),
    ({"title": "X", "control_id": 999_999}, "control_id"),
])
def test_a_bad_action_names_its_field_and_adds_nothing(
    register: Register, risk_id: int, values: dict[str, object], field: str
) -> None:
    with register.session() as s:
        with pytest.raises(ValidationError) as refused:
            edits.add_action(s, risk_id, values)
        assert refused.value.field == field
        s.rollback()
        assert s.execute(select(TreatmentAction)).first() is None


def test_an_action_closes_once_and_a_cancellation_says_why(
    register: Register, risk_id: int
) -> None:
    with register.session() as s:
        saved = edits.add_action(s, risk_id, {"title": "Encrypt laptops"})
        commit(s)
        action = s.get(TreatmentAction, saved.record_id)
        assert action is not None
        for outcome, note, field in (("cancelled", " ", "note"), ("open", "x", "status")):
            with pytest.raises(ValidationError) as refused:
                edits.close_action(s, action.id, action.version, outcome, note)
            assert refused.value.field == field
            s.rollback()
        edits.close_action(s, action.id, action.version, "cancelled", "Laptops replaced.")
        commit(s)
        with pytest.raises(ValidationError, match="is cancelled already"):
            edits.close_action(s, action.id, action.version, "done")
