"""A council officer's first run: an empty register, the window and a department's spreadsheet.

The spreadsheet is written here as a department writes one, not in our template: its own
headings, markings from its own words ("Confidential", "Internal") and owners given as job
titles that are not people in the register.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook
from PySide6.QtWidgets import QApplication, QWizard

from isms.db import Register
from isms.model import Department
from ui.dialogs.import_wizard import ImportWizard
from ui.dialogs.org_editors import DepartmentEditor

from .conftest import OnModal, shown

NEXT = QWizard.WizardButton.NextButton
HEADINGS = ["Item Name", "Asset Category", "Business Owner", "Security Classification",
            "Confidentiality Rating", "Integrity Rating", "Availability Rating", "Stored in"]
ROWS: list[list[Any]] = [
    ["Council tax accounts", "Database", "Head of Revenues", "Confidential", "High", "High",
     "Medium", "Civic Centre data centre"],
    ["Benefit claim files", "Paper records", "Head of Revenues", "Confidential", "High",
     "Medium", "Low", "Basement archive"],
    ["Parking permit register", "Database", "Parking Services Manager", "Internal", "Low",
     "Medium", "Medium", "Cloud (supplier)"],
    ["Committee papers", "Paper records", "Democratic Services Manager", "Internal", "Low",
     "Low", "Low", "Town hall"],
]


def department_spreadsheet(path: Path) -> Path:
    """The Revenues team's register as they keep it: a title row, then their own headings."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Our assets"
    sheet.append(["Revenues & Benefits — information assets (draft for the SMG)"])
    sheet.append(HEADINGS)
    for row in ROWS:
        sheet.append(row)
    book.save(path)
    return path


def departments(register: Register) -> list[tuple[str, str]]:
    with register.session() as session:
        return [(d.code, d.name) for d in session.query(Department).order_by(Department.code)]


def add_department_in_editor(code: str, name: str) -> Any:
    """An on_modal action: fill in the department editor and add the department."""
    def fill_in(editor: DepartmentEditor) -> bool:
        if QApplication.activeWindow() is not editor:
            return False  # not shown yet
        editor.code_edit.setText(code)
        editor.name_edit.setText(name)
        return editor.save()
    return fill_in


def test_the_wizard_adds_the_department_an_empty_register_lacks(
    qtbot: Any, register: Register, on_modal: OnModal, tmp_path: Path
) -> None:
    wizard = shown(qtbot, ImportWizard(register, "assets"))
    page = wizard.file_page
    assert [page.department.itemText(n) for n in range(page.department.count())] == [
        "— not one department: the file says —"]
    assert page.new_department.isEnabled()

    on_modal(DepartmentEditor, add_department_in_editor("REV", "Revenues and Benefits"))
    page.new_department.click()
    assert departments(register) == [("REV", "Revenues and Benefits")]
    assert page.department.currentText() == "Revenues and Benefits (REV)"
    assert wizard.state.department_id == page.department.currentData()
    assert "Added the department Revenues and Benefits (REV)" in page.message.text()

    # Cancelled: nothing added, the choice stays.
    on_modal(DepartmentEditor, lambda editor: editor.reject())
    page.new_department.click()
    assert len(departments(register)) == 1
    assert page.department.currentText() == "Revenues and Benefits (REV)"

    # The department goes with the file: the mapping needs no Department column.
    page.path_edit.setText(str(department_spreadsheet(tmp_path / "revenues.xlsx")))
    wizard.button(NEXT).click()
    wizard.button(NEXT).click()
    assert wizard.currentPage() is wizard.mapping_page
    assert wizard.state.missing() == []


def test_handling_practices_need_no_department_so_none_is_added(
    qtbot: Any, register: Register
) -> None:
    wizard = shown(qtbot, ImportWizard(register, "assets"))
    wizard.file_page.set_kind("handling")
    assert not wizard.file_page.new_department.isEnabled()
