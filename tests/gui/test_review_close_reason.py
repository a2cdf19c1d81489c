"""In the review wizard, closing an action whose subject still shows the condition that raised it
asks for the reason in the note (the demo's "Name an owner and marking for the asset" while the
asset still has no owner or marking), and takes it once given (issue 17, 4)."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from isms.db import Register
from isms.model import ActionStatus, AgendaKind, DecisionKind, ReviewAction

from .test_review_wizard import meeting, started

__all__ = ["meeting"]  # the fixture, shared with the wizard's own tests


def test_closing_over_a_remaining_condition_asks_for_the_reason(
        qtbot: Any, demo: Register, meeting: tuple[int, int],
        capsys: pytest.CaptureFixture[str]) -> None:
    wizard = started(qtbot, demo, meeting[0])
    row = next(n for n, item in enumerate(wizard.items)
               if item.kind == AgendaKind.PREVIOUS_ACTION
               and "Name an owner and marking for the asset: " in item.title)
    wizard.agenda_list.setCurrentRow(row)
    wizard.form.choose(DecisionKind.CLOSE_ACTION)
    assert not wizard.decide_and_next()
    err = capsys.readouterr().err
    assert " still has no " in err and "is closed anyway" in err
    assert QApplication.focusWidget() is wizard.form.note
    assert wizard.agenda_list.currentRow() == row

    wizard.form.note.setPlainText("Head of service names the owner at the restructure")
    assert wizard.decide_and_next()
    with demo.session() as s:
        action = s.get_one(ReviewAction, wizard.items[row].subject_id)
        assert (action.status, action.close_reason) == (
            ActionStatus.DONE, "Head of service names the owner at the restructure")
