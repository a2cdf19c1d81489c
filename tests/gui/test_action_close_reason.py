"""The action editor asks why before it closes the last open action of a risk still above its
target, and the reason goes with the save (issue 17, 4)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from PySide6.QtCore import Qt

from isms.db import Register
from isms.model import ActionStatus, TreatmentAction
from isms.services import risks
from isms.services.read import queries
from isms.services.reviews.action_subjects import closed_over_condition
from ui.dialogs.action_editor import ActionEditor, CloseReasonDialog

from .conftest import OnModal, Sample, shown

WHY = "Laptops replaced under the new device contract"


@pytest.fixture
def action_id(register: Register, sample: Sample) -> int:
    """R-001's only action, the risk Very high today with a Low target."""
    with register.transaction(actor="tests") as session:
        risk = queries.risk_by_ref(session, "R-001")
        for stage, (likelihood, impact) in {"inherent": (5, 5), "current": (5, 5),
                                            "residual": (1, 2)}.items():
            setattr(risk, f"{stage}_likelihood", likelihood)
            setattr(risk, f"{stage}_impact", impact)
        for other in risk.actions:
            other.status = ActionStatus.DONE
        action = risks.add_action(risk, "Encrypt laptops",
                                  due=date.today() + timedelta(days=20))
        session.flush()
        return action.id


def _stored(register: Register, action_id: int) -> TreatmentAction:
    with register.session() as session:
        action = session.get(TreatmentAction, action_id)
        assert action is not None
        session.expunge_all()
        return action


def _close(editor: ActionEditor) -> None:
    editor.status_combo.setCurrentIndex(editor.status_combo.findData(ActionStatus.DONE))


def test_closing_over_the_condition_asks_why_and_keeps_the_reason(
        qtbot: Any, register: Register, action_id: int, on_modal: OnModal) -> None:
    editor = shown(qtbot, ActionEditor(register, action_id))
    _close(editor)
    seen: list[str] = []

    def fill_in(dialog: CloseReasonDialog) -> None:
        seen.append(dialog.condition_label.text())
        assert not dialog.ok_button.isEnabled()  # no reason yet
        dialog.reason_edit.setText(WHY)
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    on_modal(CloseReasonDialog, fill_in)
    assert editor.save()
    assert "is still Very high, above its target" in seen[0]
    saved = _stored(register, action_id)
    assert saved.status == ActionStatus.DONE
    assert closed_over_condition(saved.description) == WHY


def test_cancelling_the_question_saves_nothing(
        qtbot: Any, register: Register, action_id: int, on_modal: OnModal) -> None:
    editor = shown(qtbot, ActionEditor(register, action_id))
    _close(editor)
    on_modal(CloseReasonDialog, lambda dialog: dialog.reject())
    assert not editor.save()
    assert editor.isVisible()
    assert _stored(register, action_id).status == ActionStatus.OPEN
