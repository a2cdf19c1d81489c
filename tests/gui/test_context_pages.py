"""The context pages (issue 18, 1): the issues page asks for the climate decision until one is
recorded; issues and parties are made in their editors, listed, filtered by kind and by the
toolbar's department (a department's records and the council-wide ones); a party's requirement
is added with the controls that answer it."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import text

from isms.db import Register, commit
from isms.services import context
from tests import builders as b
from ui.dialogs.choose import ChooseDialog
from ui.dialogs.context_editors import ClimateEditor, IssueEditor, RequirementEditor

from .test_main_window import column_values, open_window


def _council(register: Register) -> None:
    with register.session() as s:
        b.department(s, code="HSG", name="Housing")
        b.department(s, code="ENV", name="Environment")
        b.person(s, name="Priya Shah", email="priya.shah@example.gov.uk")
        commit(s)


def test_the_climate_decision_is_asked_for_then_recorded_in_its_editor(
        qtbot: Any, register: Register, on_modal: Any) -> None:
    _council(register)
    window = open_window(qtbot, register, page="context")
    editing = window.context_editing
    assert editing.climate_note.isVisible()

    def decide(dialog: ClimateEditor) -> None:
        dialog.decision_box.setCurrentText("not relevant")
        dialog.buttons.button(dialog.buttons.StandardButton.Save).click()  # refused: no why
        assert "Say why climate change" in dialog.error.text()
        dialog.justification_edit.setPlainText("No site in a flood zone; hosting in two regions")
        dialog.decided_by_box.setCurrentText("Priya Shah")
        dialog.buttons.button(dialog.buttons.StandardButton.Save).click()

    on_modal(ClimateEditor, decide)
    qtbot.mouseClick(editing.climate_button, Qt.MouseButton.LeftButton)
    assert not editing.climate_note.isVisible()
    page = window.pages["context"]
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    assert column_values(page, "issue") == ["Climate change (not relevant)"]
    with register.session() as s:
        decision = context.climate_decision(s)
        assert decision is not None and decision.decided_by is not None
        assert (str(decision.decision), decision.decided_by.name) == ("not relevant",
                                                                     "Priya Shah")


def test_issues_are_made_in_the_editor_and_filtered_by_kind_and_department(
        qtbot: Any, register: Register, on_modal: Any) -> None:
    _council(register)
    with register.session() as s:
        context.add_issue(s, {"kind": "external", "category": "legal",
                              "issue": "Procurement Act 2023 in force"})
    window = open_window(qtbot, register, page="context")
    page = window.pages["context"]

    def new_issue(dialog: IssueEditor) -> None:
        dialog.kind_box.setCurrentText("internal")
        dialog.category_box.setCurrentText("people")
        dialog.issue_edit.setText("Two analysts leaving the housing team")
        dialog.department_box_.setCurrentText("HSG")
        dialog.owner_box.setCurrentText("Priya Shah")
        dialog.buttons.button(dialog.buttons.StandardButton.Save).click()

    on_modal(IssueEditor, new_issue)
    qtbot.mouseClick(window.context_editing.new_issue_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.model.rowCount() == 2)
    assert column_values(page, "ref") == ["CI-001", "CI-002"]
    assert column_values(page, "department") == ["", "HSG"]

    window.context_editing.kind_filter.setCurrentText("Internal")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    assert column_values(page, "issue") == ["Two analysts leaving the housing team"]
    window.context_editing.kind_filter.setCurrentText("All kinds")
    qtbot.waitUntil(lambda: page.model.rowCount() == 2)

    with register.session() as s:
        environment = s.execute(
            text("SELECT id FROM department WHERE code = 'ENV'")
        ).scalar_one()
    page.model.set_department(environment)
    page.refresh()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    assert column_values(page, "ref") == ["CI-001"]  # council-wide only


def test_a_requirement_is_added_to_the_selected_party_with_its_controls(
        qtbot: Any, register: Register, on_modal: Any) -> None:
    _council(register)
    with register.session() as s:
        context.add_party(s, {"name": "Information Commissioner's Office",
                              "kind": "regulator"})
    window = open_window(qtbot, register, page="parties")
    page = window.pages["parties"]
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    page.table.setCurrentIndex(page.model.index(0, 0))

    def require(dialog: RequirementEditor) -> None:
        dialog.text_edit.setPlainText("Report a personal data breach within 72 hours")
        dialog.source_edit.setText("UK GDPR Art. 33")
        dialog.controls_edit.setText("5.24, 9.99")
        dialog.buttons.button(dialog.buttons.StandardButton.Save).click()  # refused
        assert "No control '9.99'" in dialog.error.text()
        dialog.controls_edit.setText("5.24, 5.26")
        dialog.buttons.button(dialog.buttons.StandardButton.Save).click()

    on_modal(RequirementEditor, require)
    qtbot.mouseClick(window.context_editing.requirement_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: column_values(page, "requirements") == ["1"])
    assert column_values(page, "unanswered") == ["0"]
    with register.session() as s:
        party = context.party_by_ref(s, "IP-001")
        assert [[c.ref for c in row.controls] for row in party.requirements] == [
            ["5.24", "5.26"]]


def test_a_new_register_s_first_steps_ask_for_the_climate_decision(
        qtbot: Any, register: Register, on_modal: Any) -> None:
    _council(register)
    window = open_window(qtbot, register, page="dashboard")
    assert window.dashboard is not None
    panel = window.dashboard.onboarding
    assert panel.state_of("climate") == "To do"

    def decide(dialog: ClimateEditor) -> None:
        dialog.justification_edit.setPlainText("Flooding reaches the depot server room")
        dialog.buttons.button(dialog.buttons.StandardButton.Save).click()

    on_modal(ClimateEditor, decide)
    panel.button("climate").click()
    assert window.current_page is window.pages["context"]
    assert not window.context_editing.climate_note.isVisible()
    assert panel.state_of("climate") == "✓ Done"


def test_an_issue_is_retired_from_the_table_but_the_climate_decision_is_not(
        qtbot: Any, register: Register, on_modal: Any) -> None:
    _council(register)
    with register.session() as s:
        context.add_issue(s, {"kind": "external", "category": "legal",
                              "issue": "Procurement Act 2023 in force"})
        context.decide_climate(s, relevant=True, justification="Flooding at the depot")
    reported: list[str] = []
    window = open_window(qtbot, register, page="context")
    window.reporter.dialogs = False
    window.reporter.expected = lambda parent, exc, title="": reported.append(str(exc))
    page = window.pages["context"]
    qtbot.waitUntil(lambda: page.model.rowCount() == 2)

    page.table.setCurrentIndex(page.model.index(1, 0))  # CI-002, the climate decision
    on_modal(QMessageBox, lambda box: box.button(QMessageBox.StandardButton.Yes).click())
    window.context_editing.retire_issue()
    assert reported and "climate-change decision" in reported[0]

    page.table.setCurrentIndex(page.model.index(0, 0))
    on_modal(QMessageBox, lambda box: box.button(QMessageBox.StandardButton.Yes).click())
    window.context_editing.retire_issue()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    assert column_values(page, "ref") == ["CI-002"]
    with register.session() as s:
        assert str(context.issue_by_ref(s, "CI-001").status) == "retired"


def test_a_party_s_requirement_is_changed_then_retired_from_the_table(
        qtbot: Any, register: Register, on_modal: Any) -> None:
    _council(register)
    with register.session() as s:
        context.add_party(s, {"name": "Cabinet Office (PSN)", "kind": "regulator"})
        party = context.party_by_ref(s, "IP-001")
        context.add_requirement(s, party, {"text": "Annual PSN check", "controls": ["8.8"]})
        context.add_requirement(s, party, {"text": "Report incidents to the PSN team"})
        second = party.requirements[-1].id
    window = open_window(qtbot, register, page="parties")
    page = window.pages["parties"]
    qtbot.waitUntil(lambda: column_values(page, "unanswered") == ["1"])
    page.table.setCurrentIndex(page.model.index(0, 0))

    def pick(dialog: ChooseDialog) -> None:
        dialog.choose(next(dialog.combo.itemText(i) for i in range(dialog.combo.count())
                           if dialog.combo.itemText(i).startswith(f"{second}.")))
        dialog.accept()

    def answer(dialog: RequirementEditor) -> None:
        assert dialog.text_edit.toPlainText() == "Report incidents to the PSN team"
        dialog.controls_edit.setText("5.24")
        dialog.buttons.button(dialog.buttons.StandardButton.Save).click()

    on_modal(ChooseDialog, pick)
    on_modal(RequirementEditor, answer)
    window.context_editing.edit_requirement()
    qtbot.waitUntil(lambda: column_values(page, "unanswered") == ["0"])

    page.table.setCurrentIndex(page.model.index(0, 0))
    on_modal(ChooseDialog, pick)
    on_modal(QMessageBox, lambda box: box.button(QMessageBox.StandardButton.Yes).click())
    window.context_editing.retire_requirement()
    qtbot.waitUntil(lambda: column_values(page, "requirements") == ["1"])
    with register.session() as s:
        assert context.requirement(s, second).retired_at is not None
