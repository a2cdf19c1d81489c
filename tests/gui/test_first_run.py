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
from sqlalchemy import select

from isms.db import Register
from isms.model import Asset, Department, Risk
from ui.dialogs.import_pages.base import ImportPage
from ui.dialogs.import_wizard import ImportWizard
from ui.dialogs.new_risk import NewRiskDialog
from ui.dialogs.org_editors import DepartmentEditor
from ui.dialogs.risk_editor import RiskEditor
from ui.views.main_window import MainWindow
from ui.views.onboarding_panel import DONE_MARK, TO_DO_MARK

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


def page_message(wizard: ImportWizard) -> str:
    """What the wizard's current page says (why it did not move on)."""
    page = wizard.currentPage()
    return page.message.text() if isinstance(page, ImportPage) else ""


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
    assert page.department_hint.text().startswith("The register has no department yet")

    on_modal(DepartmentEditor, add_department_in_editor("REV", "Revenues and Benefits"))
    page.new_department.click()
    assert departments(register) == [("REV", "Revenues and Benefits")]
    assert page.department_hint.text().startswith("Choose the department when")
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
    assert wizard.file_page.department_hint.text() == (
        "Not needed: each practice belongs to the asset its row names.")


def test_an_officer_gets_from_an_empty_register_to_a_first_risk_in_the_window(
    qtbot: Any, register: Register, on_modal: OnModal, tmp_path: Path
) -> None:
    """The issue's "done when": dashboard → import wizard → New department… → mapping →
    values (proposals accepted, owners created) → preview → import → a new risk for an
    asset, scored; then the register, read through the services, holds all of it."""
    path = department_spreadsheet(tmp_path / "Revenues IAR.xlsx")
    window = shown(qtbot, MainWindow(register))
    window.show_page_key("dashboard")
    assert window.dashboard is not None
    panel = window.dashboard.onboarding
    assert panel.isVisible() and panel.state_of("assets") == TO_DO_MARK
    walked: list[str] = []

    def import_the_file(wizard: ImportWizard) -> bool:
        if QApplication.activeWindow() is not wizard:
            return False
        page = wizard.file_page
        page.path_edit.setText(str(path))
        on_modal(DepartmentEditor, add_department_in_editor("REV", "Revenues and Benefits"))
        page.new_department.click()
        for expected in (wizard.sheet_page, wizard.mapping_page, wizard.values_page):
            wizard.button(NEXT).click()
            assert wizard.currentPage() is expected, page_message(wizard)
            walked.append(type(expected).__name__)
        assert wizard.state.mapping == {0: "name", 1: "asset_type", 2: "owner", 3: "marking",
                                        4: "confidentiality", 5: "integrity",
                                        6: "availability", 7: "location"}
        wizard.values_page.accept_button.click()
        wizard.button(NEXT).click()
        assert wizard.currentPage() is wizard.preview_page, page_message(wizard)
        assert wizard.preview_page.summary.text().startswith(
            "4 rows read from sheet Our assets: 4 new assets")
        wizard.button(NEXT).click()
        wizard.button(QWizard.WizardButton.CommitButton).click()
        assert wizard.currentPage() is wizard.done_page, page_message(wizard)
        walked.append(wizard.done_page.result.text())
        wizard.button(QWizard.WizardButton.FinishButton).click()
        return True

    on_modal(ImportWizard, import_the_file)
    panel.button("assets").click()
    assert walked[:3] == ["SheetPage", "MappingPage", "ValuesPage"]
    assert walked[3].startswith("<b>Imported: 4 created")
    assert [panel.state_of(key) for key in ("departments", "people", "assets", "risk")] == [
        DONE_MARK, DONE_MARK, DONE_MARK, TO_DO_MARK]
    assert window.department_filter.findText("Revenues and Benefits (REV)") > 0

    # Assets > New risk for this asset…, then the risk editor to score it.
    window.show_page_key("assets")
    page = window.pages["assets"]
    with register.session() as session:
        council_tax = session.execute(
            select(Asset.id).where(Asset.name == "Council tax accounts")).scalar_one()
    row = page.model.row_of(council_tax)
    assert row is not None
    page.table.selectRow(row)

    def identify(dialog: NewRiskDialog) -> bool:
        if QApplication.activeWindow() is not dialog:
            return False
        dialog.title_edit.setText("Council tax accounts disclosed to the wrong resident")
        return dialog.save()

    def score(editor: RiskEditor) -> bool:
        if QApplication.activeWindow() is not editor:
            return False
        for combo, value in ((editor.likelihood["inherent"], 3), (editor.impact["inherent"], 4)):
            combo.setCurrentIndex(combo.findData(value))
        return editor.save()

    on_modal(NewRiskDialog, identify)
    on_modal(RiskEditor, score)
    window.new_risk_for_asset_action.trigger()
    assert window.current_page is window.pages["risks"]
    window.show_page_key("dashboard")
    assert panel.state_of("risk") == DONE_MARK

    with register.session() as session:
        assets = session.execute(select(Asset).order_by(Asset.name)).scalars().all()
        assert [(a.name, a.department.code, a.owner.name if a.owner else None,
                 a.marking.label if a.marking else None) for a in assets] == [
            ("Benefit claim files", "REV", "Head of Revenues", "OFFICIAL-SENSITIVE"),
            ("Committee papers", "REV", "Democratic Services Manager", "OFFICIAL"),
            ("Council tax accounts", "REV", "Head of Revenues", "OFFICIAL-SENSITIVE"),
            ("Parking permit register", "REV", "Parking Services Manager", "OFFICIAL"),
        ]
        assert all(a.confidentiality is not None for a in assets)
        risk = session.execute(select(Risk)).scalar_one()
        assert risk.title == "Council tax accounts disclosed to the wrong resident"
        assert [a.name for a in risk.assets] == ["Council tax accounts"]
        assert risk.owner is not None and risk.owner.name == "Head of Revenues"
        assert (risk.inherent_likelihood, risk.inherent_impact) == (3, 4)
