"""Risk → Awaiting my confirmation…: a risk acceptance the secretary recorded for its owner is
counted in the status bar, listed in the dialog, and confirmed there by the owner, acting as
themselves; only then is the risk accepted."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from isms.db import Register
from isms.db.session import default_actor
from isms.model import DecisionKind, Risk, RiskStatus, Role
from isms.services.reviews import meetings as reviews
from isms.services.risks import score_risk
from tests import builders
from ui.dialogs.awaiting import AwaitingDialog
from ui.errors import ErrorReporter
from ui.views.main_window import MainWindow

from .conftest import OnModal, shown

TODAY = date.today()


def _recorded_for_the_owner(register: Register) -> int:
    """A risk whose acceptance the secretary recorded at a meeting its owner missed; the owner
    is the account running the window. The risk's id."""
    with register.transaction() as s:
        chair = builders.person(s, name="Chair")
        chair.add_role(Role.APPROVER)
        sam = builders.person(s, name="Sam Secretary", username="sam")
        owner = builders.person(s, name="Olive Owner", username=default_actor())
        risk = builders.risk(s, builders.department(s), owner=owner)
        score_risk(s, risk, inherent=(3, 3), residual=(1, 2), today=TODAY - timedelta(days=400))
        meeting = reviews.plan_review(s, title="SMG", meeting_date=TODAY, chair_id=chair.id,
                                      attendee_ids=[sam.id], apology_ids=[owner.id])
        item = next(i for i in reviews.start_review(s, meeting.id, today=TODAY)
                    if i.subject_table == "risk")
        risk_id = risk.id
    with register.transaction(actor="sam") as s:
        reviews.decide(s, item.id, DecisionKind.ACCEPT, note="Tolerable", actor="sam",
                       today=TODAY)
    return risk_id


def _status(register: Register, risk_id: int) -> RiskStatus:
    with register.session() as s:
        return s.get_one(Risk, risk_id).status


def test_the_owner_confirms_an_acceptance_recorded_for_them(
    qtbot: Any, register: Register, on_modal: OnModal
) -> None:
    risk_id = _recorded_for_the_owner(register)
    assert _status(register, risk_id) != RiskStatus.ACCEPTED
    window = shown(qtbot, MainWindow(register, ErrorReporter(dialogs=False)))
    assert window.awaiting_label.text() == "1 awaiting your confirmation"
    seen: list[str] = []

    def confirm(dialog: AwaitingDialog) -> None:
        assert dialog.items.count() == 1
        seen.append(dialog.items.item(0).text())
        dialog.confirm_button.click()
        seen.append(dialog.heading.text())
        dialog.reject()

    on_modal(AwaitingDialog, confirm)
    window.awaiting_action.trigger()
    assert "accept the residual risk until" in seen[0]
    assert f"recorded by Sam Secretary on {date.today()} at the meeting of {TODAY}" in seen[0]
    assert seen[1] == "Nothing awaits your confirmation."
    assert _status(register, risk_id) == RiskStatus.ACCEPTED
    assert window.awaiting_label.text() == ""


def test_the_risk_editor_says_the_acceptance_awaits_its_owner(
    qtbot: Any, register: Register
) -> None:
    """Not shown as accepted: the editor's note names the pending acceptance and its recorder."""
    from ui.dialogs.risk_editor import RiskEditor

    risk_id = _recorded_for_the_owner(register)
    editor = shown(qtbot, RiskEditor(register, risk_id, today=TODAY))
    note = editor.acceptance_note.text()
    assert editor.acceptance_note.isVisible()
    assert note.startswith("Acceptance recorded for Olive Owner")
    assert "awaiting Olive Owner's confirmation (recorded by Sam Secretary" in note
    assert "accepted the residual risk" not in note
    editor.reject()
