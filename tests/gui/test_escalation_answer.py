"""The Reviews page's Answer escalation… records the SIRO's answer to an escalation a meeting
set, through the service `isms actions answer` calls (issue 17, 4: "An 'escalate to the SIRO'
decision makes an action with no due date and no recorded answer")."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt

from isms.db import Register
from isms.model import AgendaKind, DecisionKind, ReviewAction, Role
from isms.services import actions
from isms.services.reviews import meetings as reviews
from isms.services.risks import score_risk
from tests import builders
from ui.dialogs.escalation_answer import EscalationAnswerDialog
from ui.errors import ErrorReporter
from ui.views.main_window import MainWindow

from .conftest import shown

DAY = date(2026, 3, 3)
ANSWER = "Head of service owns it from May"


def reviews_page(qtbot: Any, register: Register) -> MainWindow:
    window = shown(qtbot, MainWindow(register, ErrorReporter(dialogs=False)))
    window.show_page_key("reviews")
    assert window.stack.currentWidget() is window.pages["reviews"]
    return window


def _escalation(register: Register) -> str:
    with register.transaction(actor="chair") as s:
        chair = builders.person(s, name="Chair", username="chair")
        chair.add_role(Role.APPROVER)
        siro = builders.person(s, name="Sally Siro", username="siro")
        siro.add_role(Role.SIRO)
        dept = builders.department(s, code="CHS", name="Children's Services")
        risk = builders.risk(s, dept, ref="R-0042", title="Case files lost in transit")
        score_risk(s, risk, inherent=(5, 5), today=DAY)
        meeting = reviews.plan_review(s, title="SMG", meeting_date=DAY, chair_id=chair.id)
        item = next(i for i in reviews.start_review(s, meeting.id, today=DAY)
                    if i.kind == AgendaKind.RISK_ABOVE_APPETITE and i.subject_id == risk.id)
        reviews.decide(s, item.id, DecisionKind.ESCALATE, actor="chair", today=DAY,
                       note="Needs funding beyond the service")
        return actions.review_action_ref(s.query(ReviewAction).one())


def test_answer_escalation_records_the_siros_answer(
        qtbot: Any, register: Register, on_modal: Any) -> None:
    ref = _escalation(register)
    window = reviews_page(qtbot, register)
    listed: list[str] = []

    def answer(dialog: EscalationAnswerDialog) -> None:
        listed.extend(dialog.escalation_combo.itemText(i)
                      for i in range(dialog.escalation_combo.count()))
        dialog.choose(ref)
        assert not dialog.ok_button.isEnabled()  # no answer yet
        dialog.answer_edit.setPlainText(ANSWER)
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    on_modal(EscalationAnswerDialog, answer)
    assert window.review_meetings.answer_escalation() == ref
    assert len(listed) == 1 and listed[0].startswith(ref) and "answer awaited" in listed[0]
    with register.session() as s:
        action = actions.review_action(s, ref)
        assert (action.answer, action.answered_at is not None) == (ANSWER, True)
        assert action.answered_by
    # Listed again with its answer, which a new one may replace.
    with register.session() as s:
        assert [e.label for e in actions.open_escalations(s)][0].endswith(
            f"answered: {ANSWER})")


def test_cancelling_records_nothing(qtbot: Any, register: Register, on_modal: Any) -> None:
    ref = _escalation(register)
    window = reviews_page(qtbot, register)
    on_modal(EscalationAnswerDialog, lambda dialog: dialog.reject())
    assert window.review_meetings.answer_escalation() is None
    with register.session() as s:
        assert actions.review_action(s, ref).answer == ""
