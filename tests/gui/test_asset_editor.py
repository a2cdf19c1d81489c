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


# --- what the asset is tied to: its risks and handling practices -----------------------------


def link_risk_and_practice(register: Register) -> None:
    from isms.model import HandlingChannel, HandlingStage
    from isms.services import records

    with register.transaction() as session:
        asset = queries.asset_by_ref(session, "A-001")
        risk = queries.risk_by_ref(session, "R-001")
        risk.assets.append(asset)
        records.add_practice(session, asset.id, stage=HandlingStage.SHARED,
                             channel=HandlingChannel.EMAIL, third_party="HMRC")


def test_the_assets_risks_and_practices_are_listed_and_open_their_editors(
    qtbot: Any, register: Register, sample: Sample, on_modal: OnModal
) -> None:
    from ui.dialogs.practice_editor import PracticeEditor
    from ui.dialogs.risk_editor import RiskEditor

    link_risk_and_practice(register)
    editor = open_editor(qtbot, register, "A-001")
    assert editor.risk_list.row_texts() == [["R-001", "Laptop stolen from a car", "Assessed"]]
    assert editor.practice_list.row_texts() == [["Shared", "e-mail", "HMRC"]]
    editor.name_edit.setText("Payroll records (2026)")  # kept while the others are edited

    def retitle(risk_editor: RiskEditor) -> None:
        risk_editor.title_edit.setText("Laptop with payroll stolen")
        assert risk_editor.save()

    on_modal(RiskEditor, retitle)
    tree = editor.risk_list.tree
    tree.setCurrentItem(tree.topLevelItem(0))
    tree.setFocus()
    qtbot.keyClick(tree, Qt.Key.Key_Return)  # Enter opens the risk, as a double-click does
    assert editor.risk_list.row_texts() == [["R-001", "Laptop with payroll stolen", "Assessed"]]

    opened: list[str] = []

    def look(practice_editor: PracticeEditor) -> None:
        opened.append(practice_editor.windowTitle())
        practice_editor.reject()

    on_modal(PracticeEditor, look)
    editor.practice_list.open(editor.practice_list.row_ids()[0])
    assert opened and "A-001" in opened[0]
    assert editor.name_edit.text() == "Payroll records (2026)"
    assert editor.save()
    assert stored(register, "A-001").name == "Payroll records (2026)"


def test_new_risk_for_this_asset_from_the_editor_links_it_and_lists_it(
    qtbot: Any, register: Register, sample: Sample, on_modal: OnModal
) -> None:
    from ui.dialogs.new_risk import NewRiskDialog
    from ui.dialogs.risk_editor import RiskEditor

    window = shown(qtbot, MainWindow(register))
    listed: list[list[list[str]]] = []

    def name_it(dialog: NewRiskDialog) -> None:
        dialog.title_edit.setText("Payroll file e-mailed to the wrong bank")
        assert dialog.save()

    def in_asset_editor(editor: AssetEditor) -> None:
        assert editor.risk_list.row_texts() == []
        on_modal(NewRiskDialog, name_it)
        on_modal(RiskEditor, lambda risk_editor: risk_editor.reject())  # opened to be scored
        qtbot.mouseClick(editor.new_risk_button, Qt.MouseButton.LeftButton)
        listed.append(editor.risk_list.row_texts())
        editor.reject()

    on_modal(AssetEditor, in_asset_editor)
    window.edit_asset(asset_id(register, "A-001"))
    assert listed == [[["R-0007", "Payroll file e-mailed to the wrong bank", "Identified"]]]
    with register.session() as session:
        risk = queries.risk_by_ref(session, "R-0007")
        assert [a.ref for a in risk.assets] == ["A-001"]


def test_a_new_asset_has_no_lists_of_risks_or_practices(
    qtbot: Any, register: Register, sample: Sample
) -> None:
    editor = shown(qtbot, AssetEditor.new(register, department_id(register, "CS")))
    assert editor.links is None
