"""The treatment action editor holds the plan's facts: priority and resources are saved, the
original due date and each deferral are shown, and Defer moves the date later with a reason
while keeping the original (issue 17, 3)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from PySide6.QtCore import QDate, Qt

from isms.db import Register
from isms.model import TreatmentAction
from isms.services import risks
from isms.services.read import queries
from ui.dialogs.action_editor import ActionEditor, DeferDialog

from .conftest import OnModal, Sample, shown

DUE = date.today() + timedelta(days=20)


@pytest.fixture
def action_id(register: Register, sample: Sample) -> int:
    with register.transaction(actor="tests") as session:
        action = risks.add_action(queries.risk_by_ref(session, "R-001"), "Encrypt laptops",
                                  due=DUE)
        action.original_due_date = DUE
        session.flush()
        return action.id


def _stored(register: Register, action_id: int) -> TreatmentAction:
    with register.session() as session:
        action = session.get(TreatmentAction, action_id)
        assert action is not None
        _ = action.deferrals  # loaded before the session closes
        session.expunge_all()
        return action


def test_priority_and_resources_are_saved(qtbot: Any, register: Register,
                                          action_id: int) -> None:
    editor = shown(qtbot, ActionEditor(register, action_id))
    assert editor.priority_combo.currentData() == ""
    assert editor.history_label.text() == f"Originally due {DUE}; never deferred."
    editor.priority_combo.setCurrentIndex(editor.priority_combo.findData("high"))
    editor.resources_edit.setPlainText("Two days of IT time")
    assert editor.save()
    saved = _stored(register, action_id)
    assert (saved.priority, saved.resources) == ("high", "Two days of IT time")


def test_defer_asks_for_date_and_reason_and_keeps_the_original(
        qtbot: Any, register: Register, action_id: int, on_modal: OnModal) -> None:
    editor = shown(qtbot, ActionEditor(register, action_id))
    later = DUE + timedelta(days=45)

    def fill_in(dialog: DeferDialog) -> None:
        assert not dialog.ok_button.isEnabled()  # no reason yet
        dialog.date_edit.setDate(QDate(later.year, later.month, later.day))
        dialog.reason_edit.setText("Laptops back from the supplier late")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    on_modal(DeferDialog, fill_in)
    assert editor.defer()
    assert editor.result() == ActionEditor.DialogCode.Accepted and editor.change is not None
    saved = _stored(register, action_id)
    assert (saved.original_due_date, saved.due_date) == (DUE, later)
    assert [(d.from_date, d.to_date, d.reason) for d in saved.deferrals] == [
        (DUE, later, "Laptops back from the supplier late")]

    again = shown(qtbot, ActionEditor(register, action_id))
    assert again.history_label.text().startswith(
        f"Originally due {DUE}; deferred {DUE} -> {later}: Laptops back from the supplier late (")


def test_defer_waits_for_unsaved_changes(qtbot: Any, register: Register,
                                         action_id: int) -> None:
    editor = shown(qtbot, ActionEditor(register, action_id))
    editor.title_edit.setText("Encrypt every laptop")
    assert not editor.defer()
    assert "Save or cancel your changes" in editor.message.text()
    assert _stored(register, action_id).deferrals == []
