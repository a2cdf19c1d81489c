"""The review wizard on the demo council: a meeting planned in the plan dialog is started, walked
item by item from the keyboard alone, paused and resumed, completed and signed off."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from sqlalchemy import select

from isms.db import Register
from isms.db.session import default_actor
from isms.model import (
    AgendaItem,
    DecisionKind,
    Person,
    ReviewDecision,
    ReviewMeeting,
    ReviewStatus,
)
from isms.services.reviews import meetings as reviews
from ui.dialogs.record_editor import qdate
from ui.dialogs.review_pages.conclusions_dialog import ConclusionsDialog
from ui.dialogs.review_pages.small_dialogs import AddInputDialog, SignOffDialog
from ui.dialogs.review_plan import ReviewPlanDialog
from ui.dialogs.review_wizard import ReviewWizard
from ui.errors import ErrorReporter

from .conftest import OnModal, shown
from .test_review_plan import make_approver

TODAY = date.today()
CTRL, ALT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.AltModifier


@pytest.fixture
def meeting(qtbot: Any, demo: Register) -> tuple[int, int]:
    """A whole-council meeting planned in the plan dialog, chaired by an approver: (id, chair)."""
    chair_id, _ = make_approver(demo)
    with demo.transaction() as session:  # the window acts as the account running it: the chair
        session.get_one(Person, chair_id).username = default_actor()
    dialog = ReviewPlanDialog(demo, ErrorReporter(dialogs=False))
    qtbot.addWidget(dialog)
    dialog.date_edit.setDate(qdate(TODAY))  # held today: a meeting cannot start before its date
    dialog.chair_combo.setCurrentIndex(dialog.chair_combo.findData(chair_id))
    assert dialog.save() and dialog.meeting_id is not None
    return dialog.meeting_id, chair_id


def open_wizard(qtbot: Any, register: Register, meeting_id: int) -> ReviewWizard:
    return shown(qtbot, ReviewWizard(register, meeting_id, ErrorReporter(dialogs=False),
                                     today=TODAY))


def started(qtbot: Any, register: Register, meeting_id: int) -> ReviewWizard:
    wizard = open_wizard(qtbot, register, meeting_id)
    mnemonic(qtbot, Qt.Key.Key_S)  # &Start the meeting
    qtbot.waitUntil(lambda: wizard.status is ReviewStatus.IN_PROGRESS)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is wizard)
    assert wizard.status is ReviewStatus.IN_PROGRESS
    return wizard


def press(qtbot: Any, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
          ) -> None:
    """A key pressed where the focus is, as a keyboard user would."""
    focus = QApplication.focusWidget()
    assert focus is not None
    qtbot.keyClick(focus, key, modifier)


def mnemonic(qtbot: Any, key: Qt.Key) -> None:
    """Alt+key on a button: Qt presses it at once and clicks it 100 ms later."""
    press(qtbot, key, ALT)
    qtbot.wait(150)


def type_text(qtbot: Any, text: str) -> None:
    focus = QApplication.focusWidget()
    assert focus is not None
    qtbot.keyClicks(focus, text)


def decisions(register: Register, meeting_id: int) -> dict[int, tuple[DecisionKind, str]]:
    """Agenda position -> (decision kind, note) of each decided item."""
    with register.session() as session:
        rows = session.execute(
            select(AgendaItem.position, ReviewDecision.kind, ReviewDecision.note)
            .join(ReviewDecision, ReviewDecision.agenda_item_id == AgendaItem.id)
            .where(AgendaItem.meeting_id == meeting_id)
        )
        return {position: (kind, note) for position, kind, note in rows}


def status(register: Register, meeting_id: int) -> ReviewStatus:
    with register.session() as session:
        return session.get_one(ReviewMeeting, meeting_id).status


def decide_in_service(register: Register, item: reviews.AgendaItemView) -> None:
    with register.transaction(actor="tests") as session:
        reviews.decide(session, item.id, DecisionKind.NOTED, note="noted in the test",
                       actor="tests", today=TODAY)


def test_a_planned_meeting_offers_only_start(qtbot: Any, demo: Register,
                                             meeting: tuple[int, int]) -> None:
    wizard = open_wizard(qtbot, demo, meeting[0])
    assert wizard.start_button.isVisible() and wizard.start_button.isEnabled()
    assert wizard.agenda_list.count() == 0
    assert wizard.progress_label.text() == "0 of 0 decided"
    assert not wizard.decide_button.isEnabled()
    assert not wizard.complete_button.isEnabled() and not wizard.sign_button.isEnabled()
    assert not wizard.form.kind_combo.isEnabled()


def test_walks_the_agenda_with_the_keyboard_only(qtbot: Any, demo: Register,
                                                 meeting: tuple[int, int]) -> None:
    meeting_id = meeting[0]
    wizard = started(qtbot, demo, meeting_id)
    total = wizard.agenda_list.count()
    assert total > 5
    assert wizard.progress_label.text() == f"0 of {total} decided"
    assert not wizard.start_button.isVisible()
    assert wizard.agenda_list.currentRow() == 0
    assert QApplication.focusWidget() is wizard.form.kind_combo

    for done in range(1, 4):
        item = wizard.current_item()
        assert item is not None and DecisionKind.NOTED in item.allowed
        type_text(qtbot, "noted")  # the combo's keyboard search picks the decision
        assert wizard.form.kind() is DecisionKind.NOTED
        press(qtbot, Qt.Key.Key_O, ALT)  # N&ote
        assert QApplication.focusWidget() is wizard.form.note
        type_text(qtbot, f"Discussed as item {item.position}")
        press(qtbot, Qt.Key.Key_Return, CTRL)

        assert wizard.progress_label.text() == f"{done} of {total} decided"
        assert wizard.progress_bar.value() == done
        assert wizard.agenda_list.item(done - 1).text().startswith("✓")
        assert wizard.agenda_list.currentRow() == done  # the next undecided item
        assert QApplication.focusWidget() is wizard.form.kind_combo
        assert decisions(demo, meeting_id)[item.position] == (
            DecisionKind.NOTED, f"Discussed as item {item.position}")
    assert len(decisions(demo, meeting_id)) == 3


def test_previous_and_next_from_the_keyboard(qtbot: Any, demo: Register,
                                             meeting: tuple[int, int]) -> None:
    wizard = started(qtbot, demo, meeting[0])
    press(qtbot, Qt.Key.Key_Right, ALT)
    press(qtbot, Qt.Key.Key_Right, ALT)
    assert wizard.agenda_list.currentRow() == 2
    press(qtbot, Qt.Key.Key_Left, ALT)
    assert wizard.agenda_list.currentRow() == 1
    press(qtbot, Qt.Key.Key_PageDown)
    assert wizard.agenda_list.currentRow() == 2
    press(qtbot, Qt.Key.Key_PageUp)
    press(qtbot, Qt.Key.Key_PageUp)
    assert wizard.agenda_list.currentRow() == 0
    assert not wizard.previous_button.isEnabled()
    mnemonic(qtbot, Qt.Key.Key_N)  # &Next
    assert wizard.agenda_list.currentRow() == 1
    item = wizard.current_item()
    assert item is not None and wizard.context_panel.title_label.text() == item.title


def test_pause_and_reopen_resumes_at_the_first_undecided(qtbot: Any, demo: Register,
                                                         meeting: tuple[int, int]) -> None:
    meeting_id = meeting[0]
    wizard = started(qtbot, demo, meeting_id)
    for _ in range(2):
        type_text(qtbot, "noted")
        press(qtbot, Qt.Key.Key_Return, CTRL)
    mnemonic(qtbot, Qt.Key.Key_A)  # P&ause
    assert not wizard.isVisible()
    assert wizard.result() == wizard.DialogCode.Accepted

    again = open_wizard(qtbot, demo, meeting_id)
    assert again.status is ReviewStatus.IN_PROGRESS
    assert again.agenda_list.currentRow() == 2
    assert again.progress_label.text().startswith("2 of ")
    # An earlier item shows its decision, read only, and can be undone.
    press(qtbot, Qt.Key.Key_Left, ALT)
    assert not again.form.kind_combo.isEnabled() and not again.decide_button.isEnabled()
    assert again.undo_button.isEnabled()
    assert again.form.decided_label.text().startswith("Decided by ")


def test_undo_decision_takes_it_back(qtbot: Any, demo: Register,
                                     meeting: tuple[int, int]) -> None:
    meeting_id = meeting[0]
    wizard = started(qtbot, demo, meeting_id)
    type_text(qtbot, "noted")
    press(qtbot, Qt.Key.Key_Return, CTRL)
    press(qtbot, Qt.Key.Key_Left, ALT)
    mnemonic(qtbot, Qt.Key.Key_U)  # &Undo decision
    assert decisions(demo, meeting_id) == {}
    assert wizard.progress_label.text().startswith("0 of ")
    assert wizard.form.kind_combo.isEnabled() and wizard.agenda_list.currentRow() == 0


def test_defer_without_a_note_is_refused_inline(qtbot: Any, demo: Register,
                                                meeting: tuple[int, int]) -> None:
    meeting_id = meeting[0]
    wizard = started(qtbot, demo, meeting_id)
    item = wizard.current_item()
    assert item is not None and DecisionKind.DEFER in item.allowed
    type_text(qtbot, "defer")
    assert wizard.form.kind() is DecisionKind.DEFER
    assert "needs a note" in wizard.form.hint.text()  # said as soon as defer is chosen

    press(qtbot, Qt.Key.Key_Return, CTRL)

    assert wizard.message.kind == "error" and "needs a note" in wizard.message.text()
    assert QApplication.focusWidget() is wizard.form.note
    assert wizard.current_item() == item and decisions(demo, meeting_id) == {}
    type_text(qtbot, "Waiting for the supplier's report")
    assert not wizard.form.hint.isVisible()
    press(qtbot, Qt.Key.Key_Return, CTRL)
    assert decisions(demo, meeting_id)[item.position] == (
        DecisionKind.DEFER, "Waiting for the supplier's report")


def test_only_the_fields_of_the_chosen_decision_are_shown(qtbot: Any, demo: Register,
                                                          meeting: tuple[int, int]) -> None:
    wizard = started(qtbot, demo, meeting[0])
    row = next(n for n, item in enumerate(wizard.items) if DecisionKind.RESCORE in item.allowed)
    wizard.agenda_list.setCurrentRow(row)
    form = wizard.form

    def visible() -> set[str]:
        return {w.accessibleName() for w in form.inputs() if not w.isHidden()}

    form.choose(DecisionKind.RESCORE)
    assert {"Likelihood", "Impact"} <= visible() and "Action title" not in visible()
    form.choose(DecisionKind.ADD_ACTION)
    assert {"Action title", "Owner", "Due date"} <= visible() and "Likelihood" not in visible()
    form.choose(DecisionKind.ACCEPT)
    # The acceptance is signed by the acting user (shown, not an input); only the approver it
    # is recorded for can be chosen.
    assert "Recorded for approver" in visible() and "Owner" not in visible()
    assert not form.accepted_by.isHidden() and "Recorded by you (" in form.accepted_by.text()
    # An override of the cadence needs a note too.
    form.override.setChecked(True)
    assert form.next_review.isEnabled() and "needs a note" in form.hint.text()


def test_a_refusal_from_the_services_keeps_the_item(qtbot: Any, demo: Register,
                                                    meeting: tuple[int, int],
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    meeting_id = meeting[0]
    wizard = started(qtbot, demo, meeting_id)
    row = next(n for n, item in enumerate(wizard.items)
               if DecisionKind.CHANGE_OWNER in item.allowed)
    wizard.agenda_list.setCurrentRow(row)
    wizard.form.choose(DecisionKind.CHANGE_OWNER)
    # Nobody chosen as the new owner: the services refuse, the reporter says so, and the
    # wizard stays on the item with the owner picker focused.
    assert not wizard.decide_and_next()
    assert "Choose the new owner" in capsys.readouterr().err
    assert wizard.agenda_list.currentRow() == row and decisions(demo, meeting_id) == {}
    assert QApplication.focusWidget() is wizard.form.owner


def test_add_input(qtbot: Any, demo: Register, meeting: tuple[int, int],
                   on_modal: OnModal) -> None:
    wizard = started(qtbot, demo, meeting[0])
    before = wizard.agenda_list.count()

    def fill(dialog: AddInputDialog) -> None:
        dialog.title_edit.setText("Internal audit results")
        dialog.add_button.click()

    on_modal(AddInputDialog, fill)
    mnemonic(qtbot, Qt.Key.Key_I)  # Add &input…
    assert wizard.agenda_list.count() == before + 1
    item = wizard.current_item()
    assert item is not None and item.title == "Internal audit results"
    assert wizard.progress_label.text() == f"0 of {before + 1} decided"


def test_complete_then_sign_off_by_the_chair(qtbot: Any, demo: Register,
                                             meeting: tuple[int, int],
                                             on_modal: OnModal) -> None:
    meeting_id, chair_id = meeting
    wizard = started(qtbot, demo, meeting_id)
    assert not wizard.complete_button.isEnabled()
    for item in wizard.items[:-1]:  # the rest through the services, to save time
        decide_in_service(demo, item)
    wizard.reload()
    wizard.select_first_undecided()
    assert wizard.agenda_list.currentRow() == wizard.agenda_list.count() - 1
    type_text(qtbot, "noted")
    press(qtbot, Qt.Key.Key_Return, CTRL)
    total = wizard.agenda_list.count()
    assert wizard.progress_label.text() == f"{total} of {total} decided"
    assert wizard.complete_button.isEnabled()
    assert QApplication.focusWidget() is wizard.complete_button

    mnemonic(qtbot, Qt.Key.Key_C)  # &Complete
    assert status(demo, meeting_id) is ReviewStatus.COMPLETED
    assert wizard.sign_button.isEnabled() and not wizard.undo_button.isEnabled()

    # No conclusions yet (9.3.3): signing off asks for them first, all five.
    def conclude(dialog: ConclusionsDialog) -> None:
        for key, box in dialog.boxes.items():
            box.setPlainText("" if key == "resources" else f"Our {key} conclusion")
        dialog.save_button.click()
        assert dialog.isVisible() and "conclusion on resources" in dialog.message.text()
        dialog.boxes["resources"].setPlainText("No more staff needed")
        dialog.save_button.click()

    def sign(dialog: SignOffDialog) -> None:
        with demo.session() as session:  # the acting user signs: shown, not chosen
            assert dialog.signer.text() == f"{session.get_one(Person, chair_id).name} (you)"
        dialog.sign_button.click()

    on_modal(ConclusionsDialog, conclude)
    on_modal(SignOffDialog, sign)
    mnemonic(qtbot, Qt.Key.Key_F)  # Sign o&ff…

    with demo.session() as session:
        signed = session.get_one(ReviewMeeting, meeting_id)
        assert signed.status is ReviewStatus.SIGNED_OFF
        assert signed.signed_off_by_id == chair_id and signed.signed_off_at is not None
        assert (signed.conclusion_suitability, signed.conclusion_resources) == (
            "Our suitability conclusion", "No more staff needed")
    # Read only from now on.
    assert "signed off by" in wizard.heading.text()

    # The conclusions are shown, no longer edited.
    def read(dialog: ConclusionsDialog) -> None:
        box = dialog.boxes["resources"]
        assert box.isReadOnly() and box.toPlainText() == "No more staff needed"
        assert not dialog.save_button.isVisible()
        dialog.reject()

    on_modal(ConclusionsDialog, read)
    assert wizard.conclusions_button.isEnabled()
    wizard.conclusions_button.click()
    with demo.session() as session:
        assert session.get_one(ReviewMeeting, meeting_id).conclusion_resources == (
            "No more staff needed")
    for button in (wizard.decide_button, wizard.undo_button, wizard.input_button,
                   wizard.complete_button, wizard.sign_button):
        assert not button.isEnabled()
    assert not wizard.form.kind_combo.isEnabled()
    assert wizard.next_button.isEnabled() or wizard.previous_button.isEnabled()


def test_every_control_is_named_and_reached_by_tab(qtbot: Any, demo: Register,
                                                   meeting: tuple[int, int]) -> None:
    wizard = started(qtbot, demo, meeting[0])
    wizard.agenda_list.setFocus()
    seen: list[QWidget] = []
    for _ in range(60):
        focus = QApplication.focusWidget()
        assert focus is not None
        if seen and focus is seen[0]:
            break
        seen.append(focus)
        wizard.focusNextChild()
    names = {w.accessibleName() or w.text().replace("&", "")  # type: ignore[attr-defined]
             for w in seen if w.accessibleName() or hasattr(w, "text")}
    # At the first item, undecided: Previous and Undo have nothing to do, so Tab skips them.
    assert {"Agenda", "Earlier decisions", "Decision", "Note", "Next", "Add input…",
            "Pause"} <= names


def test_a_signed_off_meeting_only_shows(qtbot: Any, demo: Register) -> None:
    with demo.session() as session:
        past = session.execute(select(ReviewMeeting.id).where(
            ReviewMeeting.status == ReviewStatus.SIGNED_OFF)).scalar_one()
    wizard = open_wizard(qtbot, demo, past)
    total = wizard.agenda_list.count()
    assert total and wizard.progress_label.text() == f"{total} of {total} decided"
    assert "signed off by" in wizard.heading.text()
    assert wizard.agenda_list.currentRow() == 0  # nothing undecided: from the top
    assert wizard.form.decided_label.text().startswith("Decided by ")
    for button in (wizard.decide_button, wizard.undo_button, wizard.input_button,
                   wizard.sign_button, wizard.start_button):
        assert not button.isEnabled() or not button.isVisible()
    assert wizard.pause_button.text() == "Close"
    press(qtbot, Qt.Key.Key_PageDown)
    assert wizard.agenda_list.currentRow() == 1


def test_a_meeting_planned_for_later_starts_today_only_if_moved_to_today(
    qtbot: Any, demo: Register, on_modal: OnModal
) -> None:
    """A meeting cannot start before its date: the wizard asks whether it is held today."""
    chair_id, _ = make_approver(demo)
    dialog = ReviewPlanDialog(demo, ErrorReporter(dialogs=False))
    qtbot.addWidget(dialog)
    dialog.chair_combo.setCurrentIndex(dialog.chair_combo.findData(chair_id))
    dialog.date_edit.setDate(qdate(TODAY + timedelta(days=7)))
    assert dialog.save() and dialog.meeting_id is not None
    meeting_id = dialog.meeting_id
    wizard = open_wizard(qtbot, demo, meeting_id)
    asked: list[str] = []

    def answer(button: QMessageBox.StandardButton) -> Any:
        return lambda box: asked.append(box.text()) or box.button(button).click()

    on_modal(QMessageBox, answer(QMessageBox.StandardButton.No))
    wizard.start()
    assert "cannot start before its date" in asked[0]
    assert status(demo, meeting_id) is ReviewStatus.PLANNED
    on_modal(QMessageBox, answer(QMessageBox.StandardButton.Yes))
    wizard.start()
    qtbot.waitUntil(lambda: wizard.status is ReviewStatus.IN_PROGRESS)
    with demo.session() as session:
        assert session.get_one(ReviewMeeting, meeting_id).meeting_date == TODAY
