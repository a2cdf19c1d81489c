"""The import wizard's Values page: each value the register does not recognise, listed once,
mapped by the user, read into the preview, imported, and saved with the mapping."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QWizard
from sqlalchemy import select

from isms.db import Register
from isms.io.importing.value_map import NEW_DEPARTMENT, NEW_PERSON, ValueMap
from isms.model import Asset, Department, Person, Role
from isms.services.imports import mapping_profiles
from ui.dialogs.import_pages import values_page
from ui.dialogs.import_pages.values_page import MAP_TO, UNMAPPED
from ui.dialogs.import_wizard import ImportWizard

from .conftest import shown
from .test_first_run import HEADINGS, department_spreadsheet

NEXT = QWizard.WizardButton.NextButton
IMPORT = QWizard.WizardButton.CommitButton


def press(wizard: ImportWizard, which: QWizard.WizardButton = NEXT) -> None:
    button = wizard.button(which)
    assert button.isVisible() and button.isEnabled(), f"{button.text()} cannot be pressed"
    button.click()


def revenues(register: Register) -> int:
    with register.transaction() as session:
        department = Department(code="REV", name="Revenues and Benefits")
        session.add(department)
        session.flush()
        return department.id


def to_values(qtbot: Any, register: Register, path: Path, department_id: int) -> ImportWizard:
    wizard = shown(qtbot, ImportWizard(register, "assets"))
    wizard.file_page.path_edit.setText(str(path))
    wizard.file_page.set_department(department_id)
    for _page in range(3):
        press(wizard)
    assert wizard.currentPage() is wizard.values_page, wizard.currentPage().title()
    return wizard


def listed(wizard: ImportWizard) -> list[tuple[str, str, int, str | None, str | None]]:
    """(column, value as written, rows, proposal, choice) of each value listed."""
    return [(r.value.column, r.value.written, r.value.rows, r.value.proposal, r.choice)
            for r in wizard.values_page.model.rows]


def imported(register: Register, department_id: int) -> dict[str, tuple[str, str, bool]]:
    """Asset name -> (marking label, owner name, owner verified), read from the register."""
    with register.session() as session:
        assets = session.execute(
            select(Asset).where(Asset.department_id == department_id)).scalars()
        return {a.name: (a.marking.label if a.marking else "",
                         a.owner.name if a.owner else "", a.owner.verified if a.owner else True)
                for a in assets}


def map_to_combo(wizard: ImportWizard, row: int) -> QComboBox:
    table = wizard.values_page.table
    combo = table.indexWidget(wizard.values_page.model.index(row, MAP_TO))
    assert isinstance(combo, QComboBox)
    return combo


def pick(combo: QComboBox, text: str) -> None:
    """Choose ``text`` in the combo box as a user does (the choice is taken on activation)."""
    index = combo.findText(text)
    assert index >= 0, f"{text!r} not offered: {[combo.itemText(i) for i in range(combo.count())]}"
    combo.setCurrentIndex(index)
    combo.activated.emit(index)


def test_each_value_is_listed_once_and_accepted_proposals_import_every_row(
    qtbot: Any, register: Register, tmp_path: Path
) -> None:
    rev = revenues(register)
    wizard = to_values(qtbot, register, department_spreadsheet(tmp_path / "rev.xlsx"), rev)
    assert listed(wizard) == [
        ("C", "Head of Revenues", 2, NEW_PERSON, None),
        ("C", "Democratic Services Manager", 1, NEW_PERSON, None),
        ("C", "Parking Services Manager", 1, NEW_PERSON, None),
        ("D", "Confidential", 2, "OFFICIAL-SENSITIVE", None),
        ("D", "Internal", 2, "OFFICIAL", None),
    ]
    page = wizard.values_page
    assert page.summary.text() == ("5 values in 2 columns not recognised as written; 5 with a "
                                   "proposal. 0 mapped, 5 left unmapped.")
    assert map_to_combo(wizard, 3).currentText() == UNMAPPED
    page.table.selectRow(3)
    assert "transition guidance (2014)" in page.details.text()

    page.accept_button.click()
    assert [choice for *_rest, choice in listed(wizard)] == [
        NEW_PERSON, NEW_PERSON, NEW_PERSON, "OFFICIAL-SENSITIVE", "OFFICIAL"]
    assert map_to_combo(wizard, 3).currentText() == "OFFICIAL-SENSITIVE", "the combo follows"
    assert page.summary.text().endswith("5 mapped, 0 left unmapped.")
    assert not page.accept_button.isEnabled()

    press(wizard)  # read again with the values: every row is new, none with a problem
    assert wizard.currentPage() is wizard.preview_page
    plan = wizard.state.plan
    assert plan is not None
    assert (plan.counts["new"], plan.counts["error"], plan.counts["warning"]) == (4, 0, 0)
    press(wizard)
    press(wizard, IMPORT)
    assert wizard.currentPage() is wizard.done_page
    assert "were added as new people, marked unverified" in wizard.done_page.next_steps.text()
    assert imported(register, rev) == {
        "Council tax accounts": ("OFFICIAL-SENSITIVE", "Head of Revenues", False),
        "Benefit claim files": ("OFFICIAL-SENSITIVE", "Head of Revenues", False),
        "Parking permit register": ("OFFICIAL", "Parking Services Manager", False),
        "Committee papers": ("OFFICIAL", "Democratic Services Manager", False),
    }
    with register.session() as session:
        head = session.execute(select(Person).where(Person.name == "Head of Revenues")).scalar_one()
        assert (head.department_id, head.roles) == (rev, {Role.INFORMATION_ASSET_OWNER})


def test_a_value_mapped_elsewhere_and_one_left_unmapped(
    qtbot: Any, register: Register, tmp_path: Path
) -> None:
    rev = revenues(register)
    wizard = to_values(qtbot, register, department_spreadsheet(tmp_path / "rev.xlsx"), rev)
    page = wizard.values_page
    page.accept_button.click()
    # "Internal" is sensitive here, whatever the common labels say; one owner stays unknown.
    internal = map_to_combo(wizard, 4)
    assert [internal.itemText(i) for i in range(internal.count())] == [
        UNMAPPED, "OFFICIAL", "OFFICIAL-SENSITIVE", "SECRET", "TOP SECRET"]
    pick(internal, "OFFICIAL-SENSITIVE")
    pick(map_to_combo(wizard, 2), UNMAPPED)
    assert listed(wizard)[2][4] is None and listed(wizard)[4][4] == "OFFICIAL-SENSITIVE"
    wizard.back()  # to the mapping and on again: the choices made are kept
    press(wizard)
    assert wizard.currentPage() is page
    assert listed(wizard)[2][4] is None and listed(wizard)[4][4] == "OFFICIAL-SENSITIVE"
    assert map_to_combo(wizard, 4).currentText() == "OFFICIAL-SENSITIVE"

    press(wizard)
    plan = wizard.state.plan
    assert plan is not None
    problems = [(r.row, r.status) for r in plan.rows if r.status in ("warning", "error")]
    assert problems == [(5, "warning")], "the unmapped owner is left blank, with a warning"
    press(wizard)  # back on the values page, the choices are as left
    wizard.back()
    wizard.back()
    assert wizard.currentPage() is wizard.values_page
    assert listed(wizard)[4][4] == "OFFICIAL-SENSITIVE"
    press(wizard)
    press(wizard)
    press(wizard, IMPORT)
    assert imported(register, rev)["Committee papers"][0] == "OFFICIAL-SENSITIVE"
    assert imported(register, rev)["Parking permit register"][1] == ""


def test_with_many_values_the_cell_edited_gets_the_combo_box(
    qtbot: Any, qtmodeltester: Any, register: Register, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(values_page, "OPEN_COMBOS", 2)  # "many": more than two
    rev = revenues(register)
    wizard = to_values(qtbot, register, department_spreadsheet(tmp_path / "rev.xlsx"), rev)
    qtmodeltester.check(wizard.values_page.model)
    table = wizard.values_page.table
    cell = wizard.values_page.model.index(3, MAP_TO)
    assert table.indexWidget(cell) is None
    assert cell.data() == UNMAPPED
    table.setCurrentIndex(cell)
    qtbot.keyClick(table, Qt.Key.Key_F2)
    combo = table.indexWidget(cell)
    assert isinstance(combo, QComboBox) and combo.currentText() == UNMAPPED
    assert combo.accessibleName() == "Map 'Confidential' (column D) to"
    pick(combo, "OFFICIAL")
    assert cell.data() == "OFFICIAL"
    assert listed(wizard)[3][4] == "OFFICIAL"
    wizard.values_page.clear_button.click()
    assert [choice for *_rest, choice in listed(wizard)] == [None] * 5
    assert cell.data() == UNMAPPED


def test_value_choices_are_saved_with_the_mapping_and_come_back(
    qtbot: Any, register: Register, tmp_path: Path
) -> None:
    rev = revenues(register)
    wizard = to_values(qtbot, register, department_spreadsheet(tmp_path / "rev.xlsx"), rev)
    page = wizard.values_page
    page.accept_button.click()
    page.profile_name.setText("rev-iar")
    page.save_button.click()
    assert "Saved the mapping 'rev-iar' with these values" in page.message.text()
    wizard.reject()

    # The next file of the same layout: the markings come back chosen; the owners, proposed
    # as new people, are not kept (once imported they are people, found by name).
    again = to_values(qtbot, register, department_spreadsheet(tmp_path / "rev-2.xlsx"), rev)
    assert again.mapping_page.origin.text() == "Using saved mapping 'rev-iar'."
    assert [(written, choice) for _c, written, _n, _p, choice in listed(again)] == [
        ("Head of Revenues", None), ("Democratic Services Manager", None),
        ("Parking Services Manager", None), ("Confidential", "OFFICIAL-SENSITIVE"),
        ("Internal", "OFFICIAL"),
    ]
    assert again.values_page.profile_name.text() == "rev-iar"


def test_find_and_only_unmapped_narrow_a_long_list(
    qtbot: Any, register: Register, tmp_path: Path
) -> None:
    rev = revenues(register)
    wizard = to_values(qtbot, register, department_spreadsheet(tmp_path / "rev.xlsx"), rev)
    page = wizard.values_page

    def shown_values() -> list[str]:
        return [row.value.written for number, row in enumerate(page.model.rows)
                if not page.table.isRowHidden(number)]

    qtbot.keyClicks(page.find_edit, "manager")
    assert shown_values() == ["Democratic Services Manager", "Parking Services Manager"]
    page.find_edit.setText("classification")  # the column's heading finds its values
    assert shown_values() == ["Confidential", "Internal"]
    page.find_edit.clear()
    pick(map_to_combo(wizard, 3), "OFFICIAL-SENSITIVE")
    page.only_unmapped.setChecked(True)
    assert shown_values() == ["Head of Revenues", "Democratic Services Manager",
                              "Parking Services Manager", "Internal"]


def test_saved_choices_that_no_longer_fit_are_left_out_and_asked_again(
    qtbot: Any, register: Register, tmp_path: Path
) -> None:
    """A profile saved when the register had a marking it no longer has: the wizard does not
    stop on the mapping page with no way on, it lists the values to choose again."""
    rev = revenues(register)
    stale = ValueMap()
    stale.choose("marking", "Confidential", "RESTRICTED")  # not a marking of this scheme
    with register.transaction() as session:
        mapping_profiles.save_profile(
            session, kind="assets", name="rev-old", names=HEADINGS,
            mapping={n: key for n, key in enumerate(
                ("name", "asset_type", "owner", "marking", "confidentiality", "integrity",
                 "availability", "location"))},
            department_id=rev, value_map=stale)
    wizard = to_values(qtbot, register, department_spreadsheet(tmp_path / "rev.xlsx"), rev)
    assert wizard.mapping_page.origin.text() == "Using saved mapping 'rev-old'."
    page = wizard.values_page
    assert "no longer fit the register ('RESTRICTED' is not a target for 'Confidential'" in (
        page.message.text())
    assert ("D", "Confidential", 2, "OFFICIAL-SENSITIVE", None) in listed(wizard)


def test_departments_a_file_names_are_created_from_the_values_page(
    qtbot: Any, register: Register, tmp_path: Path
) -> None:
    """An empty register and a council-wide file with a Department column: no department is
    chosen on the first page; the Values page proposes each department and owner as new."""
    path = tmp_path / "council.csv"
    path.write_text("Asset,Directorate,Owner\n"
                    "Housing register,Housing Services,Head of Housing\n"
                    "Rent accounts,Housing Services,Head of Housing\n"
                    "Trade waste contracts,Waste and Recycling,Waste Manager\n", encoding="utf-8")
    wizard = shown(qtbot, ImportWizard(register, "assets"))
    wizard.file_page.path_edit.setText(str(path))
    for _page in range(3):
        press(wizard)
    assert wizard.currentPage() is wizard.values_page
    assert [(c, written, n, proposal) for c, written, n, proposal, _ in listed(wizard)] == [
        ("B", "Housing Services", 2, NEW_DEPARTMENT),
        ("B", "Waste and Recycling", 1, NEW_DEPARTMENT),
        ("C", "Head of Housing", 2, NEW_PERSON),
        ("C", "Waste Manager", 1, NEW_PERSON),
    ]
    assert map_to_combo(wizard, 0).itemText(1) == "Create as a new department"
    wizard.values_page.accept_button.click()
    press(wizard)
    press(wizard)
    press(wizard, IMPORT)
    assert wizard.currentPage() is wizard.done_page
    with register.session() as session:
        made = {a.name: (a.department.name, a.owner.name if a.owner else "",
                         a.owner.department.name if a.owner and a.owner.department else "")
                for a in session.execute(select(Asset)).scalars()}
    assert made == {
        "Housing register": ("Housing Services", "Head of Housing", "Housing Services"),
        "Rent accounts": ("Housing Services", "Head of Housing", "Housing Services"),
        "Trade waste contracts": ("Waste and Recycling", "Waste Manager", "Waste and Recycling"),
    }
