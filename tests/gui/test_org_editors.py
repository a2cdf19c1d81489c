"""The person and department editors, and the Settings lists that open them, driven as a user
would on a real register file: a save reaches the register, a validation error focuses its
field and saves nothing, and a department cannot be put under itself or its own departments."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from isms.db import Register
from isms.model import AccreditationStatus, Department, Person, Role
from isms.services.read import queries
from ui.dialogs.org_editors import DepartmentEditor, PersonEditor
from ui.dialogs.org_lists import DepartmentsDialog, PeopleDialog
from ui.views.main_window import MainWindow

from .conftest import OnModal, Sample, shown
from .test_record_editors import focused_in, pick


def person_id(register: Register, name: str) -> int:
    with register.session() as session:
        return queries.person(session, name).id


def department_id(register: Register, code: str) -> int:
    with register.session() as session:
        return queries.department_id(session, code)


def stored_person(register: Register, key: int) -> tuple[Person, set[Role]]:
    with register.session() as session:
        person = session.get(Person, key)
        assert person is not None
        roles = person.roles
        session.expunge(person)
        return person, roles


def stored_department(register: Register, key: int) -> Department:
    with register.session() as session:
        department = session.get(Department, key)
        assert department is not None
        session.expunge(department)
        return department


def test_editing_a_person_saves_it(qtbot: Any, register: Register, sample: Sample) -> None:
    alice = person_id(register, "Alice Archer")
    env = department_id(register, "ENV")
    editor = shown(qtbot, PersonEditor(register, alice))
    assert editor.name_edit.text() == "Alice Archer"
    editor.name_edit.setText("Alice Armstrong")
    editor.email_edit.setText("alice.armstrong@council.example")
    pick(editor.department_combo, env)
    editor.tick_role(Role.RISK_OWNER)
    editor.tick_role(Role.SIRO)
    editor.active_check.setChecked(False)
    assert editor.save()
    saved, roles = stored_person(register, alice)
    assert (saved.name, saved.email, saved.department_id, saved.active) == (
        "Alice Armstrong", "alice.armstrong@council.example", env, False)
    assert roles == {Role.RISK_OWNER, Role.SIRO}
    assert saved.version == 2


def test_a_taken_email_is_focused_and_nothing_is_saved(
    qtbot: Any, register: Register, sample: Sample
) -> None:
    alice = person_id(register, "Alice Archer")
    editor = shown(qtbot, PersonEditor(register, alice))
    editor.email_edit.setText("BOB@council.example")
    editor.name_edit.setText("Alice Armstrong")
    editor.name_edit.setFocus()
    assert not editor.save()
    assert "already has the e-mail" in editor.message.text()
    assert QApplication.focusWidget() is editor.email_edit
    assert stored_person(register, alice)[0].name == "Alice Archer"
    assert stored_person(register, alice)[0].version == 1


def test_a_blank_person_name_is_focused(qtbot: Any, register: Register, sample: Sample) -> None:
    alice = person_id(register, "Alice Archer")
    editor = shown(qtbot, PersonEditor(register, alice))
    editor.name_edit.clear()
    editor.email_edit.setFocus()
    assert not editor.save()
    assert QApplication.focusWidget() is editor.name_edit
    assert stored_person(register, alice)[0].version == 1


def test_editing_a_department_saves_it(qtbot: Any, register: Register, sample: Sample) -> None:
    env, cs = department_id(register, "ENV"), department_id(register, "CS")
    editor = shown(qtbot, DepartmentEditor(register, env))
    assert editor.parent_combo.findData(env) < 0, "not offered as its own parent"
    editor.code_edit.setText("ENVR")
    editor.name_edit.setText("Environment and Regeneration")
    pick(editor.parent_combo, cs)
    editor.in_scope_check.setChecked(False)
    pick(editor.accreditation_combo, AccreditationStatus.READY_FOR_AUDIT.value)
    editor.description_edit.setPlainText("Parks, planning")
    assert editor.save()
    saved = stored_department(register, env)
    assert (saved.code, saved.name, saved.parent_id, saved.in_scope) == (
        "ENVR", "Environment and Regeneration", cs, False)
    assert (saved.accreditation_status, saved.description, saved.version) == (
        AccreditationStatus.READY_FOR_AUDIT, "Parks, planning", 2)


def test_a_department_cannot_be_put_under_its_own_department(
    qtbot: Any, register: Register, sample: Sample
) -> None:
    env, cs = department_id(register, "ENV"), department_id(register, "CS")
    with register.transaction(actor="tests") as session:
        child = session.get(Department, env)
        assert child is not None
        child.parent_id = cs
    editor = shown(qtbot, DepartmentEditor(register, cs))
    pick(editor.parent_combo, env)
    editor.name_edit.setText("Children")
    editor.name_edit.setFocus()
    assert not editor.save()
    assert "own ancestor" in editor.message.text()
    assert focused_in(editor.parent_combo)
    saved = stored_department(register, cs)
    assert (saved.parent_id, saved.name, saved.version) == (None, "Children's Services", 1)


def test_a_taken_department_code_is_focused(
    qtbot: Any, register: Register, sample: Sample
) -> None:
    env = department_id(register, "ENV")
    editor = shown(qtbot, DepartmentEditor(register, env))
    editor.code_edit.setText("fin")
    editor.name_edit.setFocus()
    assert not editor.save()
    assert QApplication.focusWidget() is editor.code_edit
    assert stored_department(register, env).code == "ENV"


def test_the_people_list_opens_the_editor_on_double_click(
    qtbot: Any, register: Register, sample: Sample, on_modal: OnModal
) -> None:
    dialog = shown(qtbot, PeopleDialog(register))
    bob = person_id(register, "Bob Baker")
    row = dialog.row_of(bob)
    assert row is not None
    assert [dialog.table.item(row, n).text() for n in range(3)] == [
        "Bob Baker", "bob@council.example", "ENV"]

    def rename(editor: PersonEditor) -> None:
        editor.name_edit.setText("Robert Baker")
        editor.save()

    on_modal(PersonEditor, rename)
    cell = dialog.table.visualItemRect(dialog.table.item(row, 1)).center()
    qtbot.mouseClick(dialog.table.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    qtbot.mouseDClick(dialog.table.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    assert dialog.changed
    assert stored_person(register, bob)[0].name == "Robert Baker"
    row = dialog.row_of(bob)
    assert row is not None
    assert dialog.table.item(row, 0).text() == "Robert Baker"


def test_settings_menu_lists_departments(
    qtbot: Any, register: Register, sample: Sample, on_modal: OnModal
) -> None:
    window = shown(qtbot, MainWindow(register))
    settings_menu = window._menus["&Settings"]
    entries = {action.text(): action for action in settings_menu.actions()}
    assert "&People…" in entries
    seen: list[list[str]] = []

    def look(dialog: DepartmentsDialog) -> None:
        seen.append(dialog.codes())
        dialog.reject()

    on_modal(DepartmentsDialog, look)
    entries["&Departments…"].trigger()
    assert seen == [["CS", "ENV", "FIN"]]


# --- adding people and departments ------------------------------------------------------------


def test_new_person_button_adds_one_and_selects_the_row(
    qtbot: Any, register: Register, sample: Sample, on_modal: OnModal
) -> None:
    dialog = shown(qtbot, PeopleDialog(register))
    env = department_id(register, "ENV")
    assert dialog.new_button.text() == "&New person…"

    def fill_in(editor: PersonEditor) -> None:
        assert editor.windowTitle() == "New person — isms"
        assert editor.name_edit.text() == "" and editor.active_check.isChecked()
        editor.name_edit.setText("Erin Evans")
        editor.email_edit.setText("erin@council.example")
        pick(editor.department_combo, env)
        editor.tick_role(Role.RISK_OWNER)
        assert editor.save()

    on_modal(PersonEditor, fill_in)
    qtbot.mouseClick(dialog.new_button, Qt.MouseButton.LeftButton)
    with register.session() as session:
        erin = session.query(Person).filter_by(name="Erin Evans").one()
        assert (erin.email, erin.department_id, erin.active, erin.roles) == (
            "erin@council.example", env, True, {Role.RISK_OWNER})
        erin_id = erin.id
    assert dialog.changed
    row = dialog.row_of(erin_id)
    assert row is not None
    assert dialog.table.currentRow() == row
    assert [item.text() for item in dialog.table.selectedItems()][:3] == [
        "Erin Evans", "erin@council.example", "ENV"]


def test_ctrl_n_adds_a_department_and_a_taken_code_is_refused_first(
    qtbot: Any, register: Register, sample: Sample, on_modal: OnModal
) -> None:
    dialog = shown(qtbot, DepartmentsDialog(register))
    said: list[str] = []

    def fill_in(editor: DepartmentEditor) -> bool:
        if QApplication.activeWindow() is not editor:
            return False  # not yet: the focus is still in the list
        editor.code_edit.setText("env")
        editor.name_edit.setText("Housing")
        editor.name_edit.setFocus()
        assert not editor.save(), "ENV is taken, whatever its case"
        said.append(editor.message.text())
        assert QApplication.focusWidget() is editor.code_edit
        editor.code_edit.setText("HSG")
        assert editor.save()
        return True

    on_modal(DepartmentEditor, fill_in)
    qtbot.keyClick(dialog.tree, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert "already has the code" in said[0]
    with register.session() as session:
        housing = session.query(Department).filter_by(code="HSG").one()
        assert (housing.name, housing.in_scope) == ("Housing", True)
        housing_id = housing.id
    assert dialog.current_id() == housing_id
    assert dialog.codes() == ["CS", "ENV", "FIN", "HSG"]


def test_a_new_person_with_a_taken_email_is_not_added(
    qtbot: Any, register: Register, sample: Sample
) -> None:
    editor = shown(qtbot, PersonEditor(register))
    assert editor.save_button.text() == "&Add"
    editor.email_edit.setText("Alice@Council.example")
    assert not editor.save()
    assert QApplication.focusWidget() is editor.name_edit, "a name is needed first"
    editor.name_edit.setText("Alice Again")
    assert not editor.save()
    assert "already has the e-mail" in editor.message.text()
    assert QApplication.focusWidget() is editor.email_edit
    assert editor.created is None
    with register.session() as session:
        assert session.query(Person).filter_by(name="Alice Again").count() == 0


# --- the departments as a tree: moving one under another -------------------------------------


def test_departments_show_as_a_tree_and_move_under_another_then_undo(
    qtbot: Any, register: Register, sample: Sample, on_modal: OnModal
) -> None:
    from ui.dialogs.choose import ChooseDialog
    from ui.undo import UndoHistory

    cs, env, fin = (department_id(register, code) for code in ("CS", "ENV", "FIN"))
    window = shown(qtbot, MainWindow(register))
    history: UndoHistory = window.undo_history
    dialog = shown(qtbot, DepartmentsDialog(register, window, history))
    assert dialog.codes() == ["CS", "ENV", "FIN"]

    offered: list[list[str]] = []

    def under_cs(choose: ChooseDialog) -> None:
        offered.append([choose.combo.itemText(n) for n in range(choose.combo.count())])
        choose.choose("CS Children's Services")
        choose.accept()

    dialog.select_id(fin)
    on_modal(ChooseDialog, under_cs)
    qtbot.mouseClick(dialog.move_button, Qt.MouseButton.LeftButton)
    assert offered == [["(the top of the tree)", "CS Children's Services", "ENV Environment"]]
    assert dialog.codes() == ["CS", "  FIN", "ENV"]
    assert dialog.current_id() == fin and dialog.changed
    assert stored_department(register, fin).parent_id == cs

    # CS cannot go under FIN, now one of its own: the choice is not even offered...
    dialog.select_id(cs)

    def look(choose: ChooseDialog) -> None:
        offered.append([choose.combo.itemText(n) for n in range(choose.combo.count())])
        choose.reject()

    on_modal(ChooseDialog, look)
    dialog.move_button.click()
    assert offered[1] == ["(the top of the tree)", "ENV Environment"]
    # ...and the services refuse it, said in a message box, nothing written.
    said: list[str] = []

    def read_warning(box: Any) -> None:
        said.append(box.text())
        box.accept()

    from PySide6.QtWidgets import QMessageBox

    on_modal(QMessageBox, read_warning)
    assert not dialog.move_under(cs, fin)
    assert "cannot be placed under one of its own sub-departments" in said[0]
    assert stored_department(register, cs).parent_id is None

    # ENV under FIN: three levels.
    assert dialog.move_under(env, fin)
    assert dialog.codes() == ["CS", "  FIN", "    ENV"]
    dialog.reject()

    history.undo_action.trigger()  # the last move
    assert stored_department(register, env).parent_id is None
    history.undo_action.trigger()
    assert stored_department(register, fin).parent_id is None


# --- confirming a person an import made ---------------------------------------------------------


def test_confirming_an_imported_person_is_a_save_undo_takes_back(
    qtbot: Any, register: Register, sample: Sample
) -> None:
    with register.session() as session:
        made = Person(name="Head of IT", job_title="Head of IT", active=True, verified=False)
        session.add(made)
        session.commit()
        head = made.id
    window = shown(qtbot, MainWindow(register))
    people = shown(qtbot, PeopleDialog(register, window, window.undo_history))
    verified = PeopleDialog.columns.index("Verified")

    def shown_as(row: int | None) -> str:
        item = people.table.item(row, verified) if row is not None else None
        return item.text() if item is not None else ""

    assert shown_as(people.row_of(head)) == "unverified"
    assert shown_as(people.row_of(person_id(register, "Bob Baker"))) == "yes"
    people.reject()

    editor = shown(qtbot, PersonEditor(register, head))
    assert not editor.verified_check.isChecked()
    editor.verified_check.setChecked(True)
    assert editor.save()
    assert stored_person(register, head)[0].verified is True
    window.undo_history.push(editor.change)
    window.undo_history.undo_action.trigger()
    assert stored_person(register, head)[0].verified is False
    window.undo_history.redo_action.trigger()
    assert stored_person(register, head)[0].verified is True


def test_a_new_person_added_by_hand_is_verified(
    qtbot: Any, register: Register, sample: Sample
) -> None:
    editor = shown(qtbot, PersonEditor(register))
    assert editor.verified_check.isChecked()
    editor.name_edit.setText("Erin Evans")
    assert editor.save()
    with register.session() as session:
        assert queries.person(session, "Erin Evans").verified is True
