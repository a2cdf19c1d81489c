"""New… on every page, driven as a user would on a real register file: a treatment action of a
risk, a handling practice of an asset, evidence kept as a link, a local control; each page's
button and Edit > New record… (Ctrl+N) open the record's editor on an empty form, and what it
saves is read back from the register."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from isms.db import Register
from isms.model import (
    ActionStatus,
    Control,
    ControlEdition,
    Evidence,
    HandlingChannel,
    HandlingPractice,
    HandlingStage,
)
from isms.services.read import queries
from ui.dialogs.action_editor import ActionEditor
from ui.dialogs.asset_editor import AssetEditor
from ui.dialogs.choose import ChooseDialog
from ui.dialogs.evidence_editor import AddEvidenceLinkDialog
from ui.dialogs.local_control_editor import LocalControlEditor
from ui.dialogs.practice_editor import PracticeEditor
from ui.views.main_window import MainWindow

from .conftest import OnModal, Sample, shown
from .test_record_editors import pick


def choosing(text: str) -> Any:
    """Pick ``text`` in the ChooseDialog that opens, and go on."""
    def act(dialog: ChooseDialog) -> None:
        dialog.choose(text)
        assert dialog.combo.currentText() == text, f"{text} is not offered"
        dialog.accept()
    return act


def ctrl_n_on(qtbot: Any, window: MainWindow, key: str) -> None:
    """Edit > New record… (Ctrl+N) on the page ``key``."""
    window.show_page_key(key)
    assert window.new_action.isEnabled()
    window.new_action.trigger()


def test_ctrl_n_on_the_actions_page_adds_an_action_to_the_risk_chosen(
    qtbot: Any, register: Register, sample: Sample, on_modal: OnModal
) -> None:
    window = shown(qtbot, MainWindow(register))

    def fill_in(editor: ActionEditor) -> None:
        assert editor.windowTitle() == "New treatment action of R-002 — isms"
        assert not editor.save(), "a title is needed"
        editor.title_edit.setText("Delay on outgoing e-mail")
        pick(editor.status_combo, ActionStatus.IN_PROGRESS.value)
        assert editor.save()

    on_modal(ChooseDialog, choosing("R-002 Email sent to the wrong recipient"))
    on_modal(ActionEditor, fill_in)
    ctrl_n_on(qtbot, window, "actions")
    with register.session() as session:
        risk = queries.risk_by_ref(session, "R-002")
        assert [(a.title, a.status) for a in risk.actions] == [
            ("Delay on outgoing e-mail", ActionStatus.IN_PROGRESS)]
    qtbot.waitUntil(lambda: window.pages["actions"].model.rowCount() == 1)


def test_the_new_practice_button_adds_a_practice_to_the_asset_chosen(
    qtbot: Any, register: Register, sample: Sample, on_modal: OnModal
) -> None:
    window = shown(qtbot, MainWindow(register))
    window.show_page_key("handling")

    def fill_in(editor: PracticeEditor) -> None:
        assert editor.windowTitle() == "New handling practice — A-001 Payroll records — isms"
        pick(editor.stage_combo, HandlingStage.SHARED.value)
        pick(editor.channel_combo, HandlingChannel.EMAIL.value)
        editor.tick_safeguard("encrypted")
        editor.third_party_edit.setText("HMRC")
        assert editor.save()

    on_modal(ChooseDialog, choosing("A-001 Payroll records"))
    on_modal(PracticeEditor, fill_in)
    qtbot.mouseClick(window.record_editing.new_practice_button, Qt.MouseButton.LeftButton)
    with register.session() as session:
        practice = session.query(HandlingPractice).one()
        assert (practice.asset.ref, practice.stage, practice.channel, practice.safeguards,
                practice.third_party) == ("A-001", HandlingStage.SHARED, HandlingChannel.EMAIL,
                                          ["encrypted"], "HMRC")


def test_a_practice_is_added_from_the_asset_editor_and_listed_there(
    qtbot: Any, register: Register, sample: Sample, on_modal: OnModal
) -> None:
    with register.session() as session:
        asset_id = queries.asset_by_ref(session, "A-004").id
    editor = shown(qtbot, AssetEditor(register, asset_id))

    def fill_in(practice: PracticeEditor) -> None:
        pick(practice.stage_combo, HandlingStage.STORED.value)
        practice.retention_spin.setValue(24)
        assert practice.save()

    on_modal(PracticeEditor, fill_in)
    qtbot.mouseClick(editor.new_practice_button, Qt.MouseButton.LeftButton)
    assert editor.practice_list.row_texts() == [["Stored", "—", "—"]]
    with register.session() as session:
        assert session.query(HandlingPractice).one().retention_months == 24


def test_evidence_kept_as_a_link_is_added_and_a_blank_link_refused(
    qtbot: Any, register: Register, sample: Sample, on_modal: OnModal
) -> None:
    window = shown(qtbot, MainWindow(register))
    window.show_page_key("evidence")

    def fill_in(dialog: AddEvidenceLinkDialog) -> None:
        assert dialog.ref_edit.text() == "EV-0001"
        dialog.title_edit.setText("Backup policy")
        assert not dialog.save()
        assert dialog.message.text() == "Give the link to where the evidence is kept."
        dialog.url_edit.setText("https://intranet.example/policies/backup.pdf")
        with register.session() as session:
            dialog.tick_control(queries.control_by_ref(session, "8.13").id)
        assert dialog.save()

    on_modal(AddEvidenceLinkDialog, fill_in)
    qtbot.mouseClick(window.record_editing.add_link_button, Qt.MouseButton.LeftButton)
    with register.session() as session:
        item = session.query(Evidence).one()
        assert (item.ref, item.title, item.url, item.sha256) == (
            "EV-0001", "Backup policy", "https://intranet.example/policies/backup.pdf", None)
        assert [c.ref for c in item.controls] == ["8.13"]
    qtbot.waitUntil(lambda: window.pages["evidence"].model.rowCount() == 1)


def test_ctrl_n_on_the_evidence_page_asks_file_or_link(
    qtbot: Any, register: Register, sample: Sample, on_modal: OnModal
) -> None:
    window = shown(qtbot, MainWindow(register))
    opened: list[str] = []

    def link(box: QMessageBox) -> None:
        chosen = next(b for b in box.buttons() if b.text() == "&Link…")
        chosen.click()

    def look(dialog: AddEvidenceLinkDialog) -> None:
        opened.append(dialog.windowTitle())
        dialog.reject()

    on_modal(QMessageBox, link)
    on_modal(AddEvidenceLinkDialog, look)
    ctrl_n_on(qtbot, window, "evidence")
    assert opened == ["Add evidence link — isms"]


def test_a_local_control_is_added_then_edited_and_the_edit_undone(
    qtbot: Any, register: Register, sample: Sample, on_modal: OnModal
) -> None:
    window = shown(qtbot, MainWindow(register))
    said: list[str] = []

    def fill_in(editor: LocalControlEditor) -> None:
        assert editor.windowTitle() == "New local control — isms"
        editor.ref_edit.setText("5.15")
        editor.title_edit.setText("PSN: patch within 14 days")
        editor.source_combo.setCurrentText("PSN")
        assert not editor.save(), "an Annex A number is not a local control's"
        said.append(editor.message.text())
        editor.ref_edit.setText("PSN-3")
        assert editor.save()

    on_modal(LocalControlEditor, fill_in)
    ctrl_n_on(qtbot, window, "controls")
    assert "5.15" in said[0]
    with register.session() as session:
        control = session.query(Control).filter_by(edition=ControlEdition.LOCAL).one()
        assert (control.ref, control.title, control.theme) == (
            "PSN-3", "PSN: patch within 14 days", "PSN")
        control_id = control.id

    def retitle(editor: LocalControlEditor) -> None:
        assert editor.title_edit.text() == "PSN: patch within 14 days"
        editor.title_edit.setText("PSN: critical patches within 14 days")
        assert editor.save()

    # The Controls page lists it after Annex A; its context menu edits it.
    page = window.pages["controls"]
    qtbot.waitUntil(lambda: page.model.row_of(control_id) is not None)
    page.select_id(control_id)
    on_modal(LocalControlEditor, retitle)
    next(a for a in page.table.actions() if a.text() == "Edit local control…").trigger()
    with register.session() as session:
        assert session.get(Control, control_id).title == "PSN: critical patches within 14 days"
    window.undo_history.undo_action.trigger()
    with register.session() as session:
        assert session.get(Control, control_id).title == "PSN: patch within 14 days"


def test_a_viewer_has_no_new_buttons(qtbot: Any, register: Register, sample: Sample) -> None:
    from ui.errors import ErrorReporter

    from .test_window_roles import with_roles

    with_roles(register, [])
    window = shown(qtbot, MainWindow(register, ErrorReporter(dialogs=False)))
    editing = window.record_editing
    for button in (editing.new_action_button, editing.new_practice_button,
                   editing.add_evidence_button, editing.add_link_button,
                   editing.new_control_button):
        assert not button.isEnabled(), button.text()
    assert not window.new_treatment_action.isEnabled()  # Risk > New treatment action…
    assert not window.new_local_control_action.isEnabled()  # SoA > New local control…
    window.show_page_key("controls")
    assert not window.new_action.isEnabled()  # Edit > New record… (Ctrl+N)


def test_evidence_can_show_a_local_control_operating(
    qtbot: Any, register: Register, sample: Sample
) -> None:
    from isms.services import edits

    with register.transaction() as session:
        local_id = edits.add_local_control(session, {
            "ref": "PSN-3", "title": "Patch within 14 days", "source": "PSN"}).record_id
    dialog = shown(qtbot, AddEvidenceLinkDialog(register))
    texts = [dialog.controls_list.item(n).text() for n in range(dialog.controls_list.count())]
    assert texts[-1] == "PSN-3  Patch within 14 days (local)"
    dialog.url_edit.setText("https://intranet.example/patching")
    dialog.title_edit.setText("Patch report")
    dialog.tick_control(local_id)
    assert dialog.save()
    with register.session() as session:
        assert [c.ref for c in session.query(Evidence).one().controls] == ["PSN-3"]


def test_the_risk_and_soa_menus_make_actions_and_local_controls(
    qtbot: Any, register: Register, sample: Sample, on_modal: OnModal
) -> None:
    window = shown(qtbot, MainWindow(register))
    opened: list[str] = []

    def look(editor: Any) -> None:
        opened.append(editor.windowTitle())
        editor.reject()

    on_modal(ChooseDialog, choosing("R-001 Laptop stolen from a car"))
    on_modal(ActionEditor, look)
    window.new_treatment_action.trigger()
    on_modal(LocalControlEditor, look)
    window.new_local_control_action.trigger()
    assert opened == ["New treatment action of R-001 — isms", "New local control — isms"]
