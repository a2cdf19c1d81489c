"""The asset editor driven as a user would, on a real register file: saving through the
services, validation naming (and focusing) the field, a stale save refused with Reload."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication

from isms.db import Register
from isms.model import Asset, AssetStatus, AssetType, ChangeState, Person
from isms.services import classification
from isms.services.edits.history import load_change
from isms.services.read import queries
from ui.dialogs.asset_editor import AssetEditor
from ui.views.main_window import MainWindow

from .conftest import OnModal, Sample, shown


def asset_id(register: Register, ref: str) -> int:
    with register.session() as session:
        return session.query(Asset).filter_by(ref=ref).one().id


def stored(register: Register, ref: str) -> Asset:
    with register.session() as session:
        asset = session.query(Asset).filter_by(ref=ref).one()
        session.expunge(asset)
        return asset


def person_id(register: Register, name: str) -> int:
    with register.session() as session:
        return session.query(Person).filter_by(name=name).one().id


def department_id(register: Register, code: str) -> int:
    with register.session() as session:
        return queries.department_id(session, code)


def marking_id(register: Register, label: str) -> int:
    with register.session() as session:
        return classification.marking(session, label).id


def open_editor(qtbot: Any, register: Register, ref: str) -> AssetEditor:
    return shown(qtbot, AssetEditor(register, asset_id(register, ref)))


def pick(combo: Any, value: object) -> None:
    index = combo.findData(value)
    assert index >= 0, f"{value} is not offered"
    combo.setCurrentIndex(index)


def test_editing_an_asset_saves_it(qtbot: Any, register: Register, sample: Sample) -> None:
    editor = open_editor(qtbot, register, "A-001")
    assert editor.name_edit.text() == "Payroll records"
    assert editor.cia["confidentiality"].currentData() == 4
    assert editor.personal_check.isChecked()
    official = marking_id(register, "OFFICIAL")

    editor.name_edit.setText("Payroll and pensions records")
    pick(editor.cia["confidentiality"], 5)
    pick(editor.cia["availability"], None)
    pick(editor.owner_combo, person_id(register, "Dan Drake"))
    pick(editor.custodian_combo, person_id(register, "Bob Baker"))
    pick(editor.marking_combo, official)
    editor.location_edit.setText("  Payroll system, Town Hall  ")
    editor.special_check.setChecked(True)
    editor.review_date.setDate(QDate(2026, 9, 30))
    qtbot.keyClick(editor.name_edit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)

    assert editor.result() == AssetEditor.DialogCode.Accepted
    saved = stored(register, "A-001")
    assert saved.name == "Payroll and pensions records"
    assert (saved.confidentiality, saved.integrity, saved.availability) == (5, 3, None)
    assert saved.owner_id == person_id(register, "Dan Drake")
    assert saved.custodian_id == person_id(register, "Bob Baker")
    assert saved.marking_id == official
    assert saved.location == "Payroll system, Town Hall"
    assert saved.special_category
    assert saved.next_review is not None and saved.next_review.isoformat() == "2026-09-30"
    assert saved.version == 2
    assert editor.change is not None and editor.change.change_id is not None
    assert editor.change.text == "Edit A-001"
    with register.session() as session:
        change, state = load_change(session, editor.change.change_id)
    assert state == ChangeState.DONE
    assert change.steps[0].before["name"] == "Payroll records"
    assert change.steps[0].after["name"] == "Payroll and pensions records"
    assert change.steps[0].version == 2


def test_a_blank_name_is_named_focused_and_nothing_is_saved(
    qtbot: Any, register: Register, sample: Sample
) -> None:
    editor = open_editor(qtbot, register, "A-002")
    editor.name_edit.clear()
    assert "needs a name" in editor.hint_label.text()  # said live, before any save
    editor.ref_edit.setFocus()
    assert not editor.save()
    assert "needs a name" in editor.message.text()
    assert QApplication.focusWidget() is editor.name_edit
    assert editor.isVisible()
    assert stored(register, "A-002").version == 1


def test_a_service_error_focuses_the_field_it_names(
    qtbot: Any, register: Register, sample: Sample
) -> None:
    editor = open_editor(qtbot, register, "A-002")
    editor.ref_edit.setText("a-001")  # taken (case-insensitively), which only the service knows
    editor.name_edit.setText("Renamed")
    assert not editor.save()
    assert editor.message.text() == "Another asset is already a-001."
    assert QApplication.focusWidget() is editor.ref_edit
    saved = stored(register, "A-002")
    assert (saved.name, saved.version) == ("Council tax system", 1)


def test_special_category_needs_personal_data(
    qtbot: Any, register: Register, sample: Sample
) -> None:
    editor = open_editor(qtbot, register, "A-005")  # not personal data
    editor.special_check.setChecked(True)
    assert not editor.save()
    assert QApplication.focusWidget() is editor.special_check
    assert not stored(register, "A-005").special_category


def test_a_stale_save_is_a_conflict_with_reload(
    qtbot: Any, register: Register, sample: Sample
) -> None:
    editor = open_editor(qtbot, register, "A-003")
    with register.transaction(actor="someone else") as session:
        session.query(Asset).filter_by(ref="A-003").one().name = "Their name"
    editor.name_edit.setText("My name")
    assert not editor.save()
    assert "changed by someone else" in editor.message.text()
    assert editor.message.action.isVisible() and editor.message.action.text() == "Reload"
    assert stored(register, "A-003").name == "Their name"

    qtbot.mouseClick(editor.message.action, Qt.MouseButton.LeftButton)
    assert editor.name_edit.text() == "Their name"
    editor.name_edit.setText("My name")
    assert editor.save()
    assert (stored(register, "A-003").name, stored(register, "A-003").version) == ("My name", 3)


def test_escape_closes_without_saving_and_the_size_is_remembered(
    qtbot: Any, register: Register, sample: Sample
) -> None:
    editor = open_editor(qtbot, register, "A-004")
    editor.resize(700, 650)
    editor.name_edit.setText("Not kept")
    qtbot.keyClick(editor.name_edit, Qt.Key.Key_Escape)
    assert editor.result() == AssetEditor.DialogCode.Rejected
    assert stored(register, "A-004").name == "CCTV footage"
    again = open_editor(qtbot, register, "A-004")
    assert (again.width(), again.height()) == (700, 650)


def test_enter_and_ctrl_e_on_the_assets_page_open_the_editor(
    qtbot: Any, register: Register, sample: Sample, on_modal: OnModal
) -> None:
    window = shown(qtbot, MainWindow(register))
    window.show_page_key("assets")
    page = window.pages["assets"]
    row = page.model.row_of(asset_id(register, "A-006"))
    assert row is not None
    page.table.setCurrentIndex(page.model.index(row, 0))
    page.table.setFocus()
    opened: list[str] = []

    def rename(editor: AssetEditor) -> None:
        opened.append(editor.snapshot.ref)
        editor.name_edit.setText("Bin rounds")
        editor.save()

    on_modal(AssetEditor, rename)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert opened == ["A-006"]
    assert stored(register, "A-006").name == "Bin rounds"
    assert window.undo_history.undo_action.text() == "&Undo Edit A-006"

    on_modal(AssetEditor, lambda editor: (opened.append(editor.snapshot.ref), editor.reject()))
    window.activateWindow()  # back from the modal editor
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(page.table, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert opened == ["A-006", "A-006"]
    assert window.edit_asset_action.shortcut().toString() == "Ctrl+E"
    window.show_page_key("risks")
    assert window.edit_asset_action.shortcut().isEmpty()
    assert window.edit_risk_action.shortcut().toString() == "Ctrl+E"


def closing(act: Callable[[AssetEditor], None]) -> Callable[[AssetEditor], None]:
    """``act`` on the editor; should a check in it fail, the editor is closed and the test
    fails (a failure inside the modal's event loop would otherwise leave it open)."""
    def run(editor: AssetEditor) -> None:
        try:
            act(editor)
        except BaseException:
            editor.reject()
            raise
    return run


def test_ctrl_n_on_the_assets_page_adds_an_asset_in_the_toolbars_department(
    qtbot: Any, register: Register, sample: Sample, on_modal: OnModal
) -> None:
    window = shown(qtbot, MainWindow(register))
    window.show_page_key("assets")
    environment = department_id(register, "ENV")
    window.department_filter.select(environment)
    page = window.pages["assets"]
    page.table.setFocus()
    seen: list[tuple[str, object, str]] = []

    def fill_in(editor: AssetEditor) -> None:
        # An empty form in the toolbar's department, the reference left to the service.
        seen.append((editor.windowTitle(), editor.department_combo.currentData(),
                     editor.ref_edit.text()))
        assert not editor.save(), "a name is needed"
        assert editor.message.text() == "The asset needs a name."
        editor.name_edit.setText("Street lighting faults")
        pick(editor.type_combo, "service")
        pick(editor.owner_combo, person_id(register, "Carol Cole"))
        pick(editor.cia["availability"], 4)
        assert editor.save()

    on_modal(AssetEditor, closing(fill_in))
    assert window.new_action.isEnabled()
    qtbot.keyClick(page.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert seen == [("New asset — isms", environment, "")]

    made = stored(register, "ENV-0001")  # the department's first numbered asset
    assert (made.name, made.asset_type, made.department_id) == (
        "Street lighting faults", AssetType.SERVICE, environment)
    assert (made.owner_id, made.availability) == (person_id(register, "Carol Cole"), 4)
    assert made.status == AssetStatus.ACTIVE
    # The page shows it, selected; creating is not an undoable change.
    row = page.model.row_of(made.id)
    assert row is not None and page.table.currentIndex().row() == row
    assert page.model.index(row, 0).data() == "ENV-0001"
    assert not window.undo_history.undo_action.isEnabled()


def test_new_asset_from_the_menu_asks_for_a_department_when_none_is_chosen(
    qtbot: Any, register: Register, sample: Sample, on_modal: OnModal
) -> None:
    window = shown(qtbot, MainWindow(register))
    window.department_filter.select(None)
    said: list[str] = []

    def fill_in(editor: AssetEditor) -> None:
        assert editor.department_combo.currentData() is None
        assert editor.department_combo.currentText() == "Choose a department…"
        editor.name_edit.setText("Grant applications")
        assert not editor.save()
        said.append(editor.message.text())
        pick(editor.department_combo, department_id(register, "FIN"))
        assert editor.save()

    on_modal(AssetEditor, closing(fill_in))
    window.new_asset_action.trigger()
    assert said == ["Choose a department: every asset belongs to one."]
    made = stored(register, "FIN-0001")
    assert made.name == "Grant applications"
    assert made.status == AssetStatus.PENDING_VERIFICATION  # no owner to confirm it yet
    assert window.current_page is window.pages["assets"]
