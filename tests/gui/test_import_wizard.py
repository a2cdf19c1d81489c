"""The import wizard driven as a user would, on real register files and messy spreadsheets."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QProgressDialog, QPushButton, QWizard
from sqlalchemy import func, select

from isms.db import Register
from isms.model import Asset, AssetStatus, ImportBatch
from isms.services.imports import files as import_files
from isms.services.imports.batch_writer import ImportResult
from isms.services.read import queries
from ui.dialogs.import_pages import preview_page
from ui.dialogs.import_pages.apply_page import result_summary
from ui.dialogs.import_pages.base import ImportPage
from ui.dialogs.import_pages.file_page import path_from_text
from ui.dialogs.import_pages.mapping_page import NOT_IMPORTED
from ui.dialogs.import_wizard import ImportWizard
from ui.models.import_preview import ALL, PROBLEMS, STATUSES

from .conftest import OnModal, Sample, shown
from .spreadsheets import semicolon_csv, two_row_header_workbook

NEXT = QWizard.WizardButton.NextButton
IMPORT = QWizard.WizardButton.CommitButton

#: Rows under the two-row header (data from row 4): an update, a new asset, a near-miss owner.
MESSY_ROWS: list[list[Any]] = [
    ["Council tax system", "Bob Baker", None, 3, 2, 3, "Civic Centre", None],
    ["Gritting routes", "Carol Cole", "Dan Drake", 1, 2, 3, "Depot", "Winter only"],
    ["Pothole claims", "Bobby Baker", None, 2, 2, 2, "Depot", "From the app"],
    [None, None, None, None, None, None, None, None],  # a blank row: skipped
]


def department(register: Register, code: str) -> int:
    with register.session() as session:
        return queries.department_id(session, code)


def asset_count(register: Register) -> int:
    with register.session() as session:
        return session.execute(select(func.count()).select_from(Asset)).scalar_one()


def batch_count(register: Register) -> int:
    with register.session() as session:
        return session.execute(select(func.count()).select_from(ImportBatch)).scalar_one()


def press(wizard: ImportWizard, which: QWizard.WizardButton = NEXT) -> None:
    button = wizard.button(which)
    assert button.isVisible() and button.isEnabled(), f"{button.text()} cannot be pressed"
    button.click()


def open_wizard(qtbot: Any, register: Register, path: Path, department_id: int | None,
                kind: str = "assets") -> ImportWizard:
    wizard = shown(qtbot, ImportWizard(register, kind))
    wizard.file_page.path_edit.setText(str(path))
    wizard.file_page.set_department(department_id)
    return wizard


def page_message(wizard: ImportWizard) -> str:
    """What the current page's message bar says (why it did not move on)."""
    page = wizard.currentPage()
    return page.message.text() if isinstance(page, ImportPage) else ""


def to_preview(qtbot: Any, register: Register, path: Path, department_id: int | None,
               kind: str = "assets") -> ImportWizard:
    """File, sheet, mapping and values pages taken as they come (values the register does not
    recognise left unmapped): on to the preview."""
    wizard = open_wizard(qtbot, register, path, department_id, kind)
    for expected in (wizard.sheet_page, wizard.mapping_page):
        press(wizard)
        assert wizard.currentPage() is expected, page_message(wizard)
    press(wizard)
    if wizard.currentPage() is wizard.values_page:
        press(wizard)
    assert wizard.currentPage() is wizard.preview_page, page_message(wizard)
    return wizard


def preview_rows(wizard: ImportWizard, which: str = ALL) -> list[tuple[int, str]]:
    page = wizard.preview_page
    page.show_status(which)
    return [(r.row, r.status) for r in page.model.rows]


def test_a_messy_workbook_walked_end_to_end(
    qtbot: Any, register: Register, sample: Sample, tmp_path: Path
) -> None:
    path = two_row_header_workbook(tmp_path / "env assets.xlsx", MESSY_ROWS)
    env = department(register, "ENV")
    before = asset_count(register)
    wizard = open_wizard(qtbot, register, path, env)
    assert wizard.windowTitle() == "Import assets — isms"

    press(wizard)  # the sheet page: the hidden sheet is listed, not chosen
    sheets = wizard.sheet_page
    assert [sheets.sheets.item(n).text() for n in range(sheets.sheets.count())] == [
        "Lookups (hidden) — 3 rows", "Assets — 7 rows", "Notes — 1 row",
    ]
    assert sheets.sheet == "Assets"
    assert sheets.found.text() == "Column names found on rows 2–3 (highlighted)."

    press(wizard)  # the mapping page, proposed from the two-row header names
    mapping = wizard.mapping_page
    assert mapping.origin.text() == "Mapping proposed from the headers."
    assert wizard.state.mapping == {0: "name", 1: "owner", 2: "custodian", 3: "confidentiality",
                                    4: "integrity", 5: "availability", 6: "location"}
    assert mapping.combos[7].currentText() == NOT_IMPORTED  # "Comments": no synonym
    mapping.combos[7].setCurrentIndex(mapping.combos[7].findData("description"))
    assert wizard.state.mapping[7] == "description"
    assert mapping.origin.text() == "Mapping proposed from the headers, changed by you."

    press(wizard)  # the values page: the owner not in the register, with the nearest name
    assert [(r.value.written, r.value.proposal, r.choice)
            for r in wizard.values_page.model.rows] == [("Bobby Baker", "bob@council.example",
                                                         None)]
    press(wizard)  # the preview (left unmapped): nothing written yet
    assert asset_count(register) == before
    assert preview_rows(wizard, PROBLEMS) == [(6, "warning")]  # problems are shown first
    assert preview_rows(wizard) == [(4, "update"), (5, "new"), (6, "warning")]
    page = wizard.preview_page
    assert page.summary.text() == (
        "3 rows read from sheet Assets: 2 new assets, 1 to update, 0 unchanged. "
        "1 row has a warning: imported, with a note.")
    assert "did you mean Bob Baker?" in page.model.details(page.model.row(2))
    assert page.model.details(page.model.row(0)) == "Changes Location: (blank) → Civic Centre"

    press(wizard)  # the apply page: no errors, so "all" is chosen already
    assert wizard.apply_page.all_rows.isChecked()
    press(wizard, IMPORT)
    assert wizard.currentPage() is wizard.done_page
    result = wizard.result_of_import
    assert result is not None and (result.created, result.updated) == (2, 1)
    assert wizard.done_page.result.text() == (
        f"<b>Imported: 2 created, 1 updated (batch {result.batch_id}).</b>")

    with register.session() as session:
        assets = {a.name: a for a in session.execute(
            select(Asset).where(Asset.department_id == env)).scalars()}
        gritting, potholes = assets["Gritting routes"], assets["Pothole claims"]
        assert gritting.owner is not None and gritting.owner.name == "Carol Cole"
        assert gritting.custodian is not None and gritting.custodian.name == "Dan Drake"
        assert (gritting.confidentiality, gritting.integrity, gritting.availability) == (1, 2, 3)
        assert (gritting.location, gritting.description) == ("Depot", "Winter only")
        assert potholes.owner is None and potholes.description == "From the app"
        for created in (gritting, potholes):
            assert created.status == AssetStatus.PENDING_VERIFICATION
            assert created.import_batch_id == result.batch_id
        assert assets["Council tax system"].location == "Civic Centre"
        assert assets["Council tax system"].description == ""
    assert asset_count(register) == before + 2


def test_header_row_set_by_hand(
    qtbot: Any, register: Register, sample: Sample, tmp_path: Path
) -> None:
    path = two_row_header_workbook(tmp_path / "assets.xlsx", MESSY_ROWS)
    wizard = open_wizard(qtbot, register, path, department(register, "ENV"))
    press(wizard)
    sheets = wizard.sheet_page
    sheets.header_row.setValue(3)
    look = wizard.state.look
    assert look is not None and (look.header.first_row, look.header.last_row) == (3, 3)
    assert look.header.names[:3] == ["", "IAO", "Custodian"]
    assert sheets.found.text() == "Column names taken from row 3, as you set."
    sheets.header_row.setValue(0)  # back to automatic
    assert wizard.state.look is not None and wizard.state.look.header.first_row == 2


def test_a_file_with_an_error_row_all_or_valid_only(
    qtbot: Any, register: Register, sample: Sample, tmp_path: Path
) -> None:
    path = semicolon_csv(tmp_path / "env.csv", ["Asset", "Owner", "C", "I", "A"], [
        ["Café inspections", "Alice Archer", 1, 1, 1],
        ["Broken ratings", "Alice Archer", 9, 1, 1],
        ["Noise complaints", None, 2, 2, 2],
    ])
    before = asset_count(register)
    wizard = to_preview(qtbot, register, path, department(register, "ENV"))
    assert preview_rows(wizard) == [(2, "new"), (3, "error"), (4, "new")]
    press(wizard)
    apply_page = wizard.apply_page
    assert not apply_page.all_rows.isChecked() and not apply_page.valid_only.isChecked()
    assert not wizard.button(IMPORT).isEnabled()  # with errors the user says which they want

    apply_page.all_rows.setChecked(True)
    press(wizard, IMPORT)
    assert wizard.currentPage() is apply_page
    assert apply_page.message.kind == "error"
    assert "1 row(s) have errors, so nothing was imported" in apply_page.message.text()
    assert (asset_count(register), batch_count(register)) == (before, 0)

    apply_page.valid_only.setChecked(True)
    press(wizard, IMPORT)
    result = wizard.result_of_import
    assert result is not None and (result.created, result.skipped) == (2, 1)
    assert wizard.done_page.result.text() == (
        f"<b>Imported: 2 created, 0 updated, 1 row with errors left out "
        f"(batch {result.batch_id}).</b>")
    with register.session() as session:
        names = set(session.execute(
            select(Asset.name).where(Asset.import_batch_id == result.batch_id)).scalars())
    assert names == {"Café inspections", "Noise complaints"}


def _press_cancel_at_first_report(
    monkeypatch: pytest.MonkeyPatch, on_modal: OnModal
) -> list[tuple[str, int, int]]:
    """Press the progress dialog's Cancel when the import first reports progress: the worker
    waits at that report until the button has been pressed, so the timing is certain."""
    reported, pressed = threading.Event(), threading.Event()
    reports: list[tuple[str, int, int]] = []
    real_apply = import_files.apply

    def apply_and_wait(session: Any, plan: Any, *, valid_only: bool,
                       progress: Callable[[str, int, int], None] | None = None) -> Any:
        assert progress is not None

        def first_report(text: str, done: int, total: int) -> None:
            reports.append((text, done, total))
            reported.set()
            assert pressed.wait(10), "Cancel was never pressed"
            progress(text, done, total)

        return real_apply(session, plan, valid_only=valid_only, progress=first_report)

    def press_cancel(dialog: QProgressDialog) -> bool:
        if not reported.is_set():
            return False  # not yet: look again at the next poll
        cancel = dialog.findChild(QPushButton)
        assert cancel is not None and cancel.text() == "Cancel"
        cancel.click()
        pressed.set()
        return True

    monkeypatch.setattr(import_files, "apply", apply_and_wait)
    on_modal(QProgressDialog, press_cancel)
    return reports


def test_cancel_during_the_import_leaves_the_register_unchanged(
    qtbot: Any, register: Register, sample: Sample, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, on_modal: OnModal,
) -> None:
    rows: list[list[Any]] = [[f"Street light {n:04d}", "Carol Cole", 1, 2, 3]
                             for n in range(3000)]
    path = semicolon_csv(tmp_path / "lights.csv", ["Asset", "IAO", "C", "I", "A"], rows)
    before = asset_count(register)
    wizard = to_preview(qtbot, register, path, department(register, "ENV"))
    assert wizard.state.plan is not None and wizard.state.plan.counts["new"] == 3000
    press(wizard)

    reports = _press_cancel_at_first_report(monkeypatch, on_modal)
    press(wizard, IMPORT)
    assert reports == [("importing new assets", 3000, 3000)]  # the rows were inserted...
    assert wizard.currentPage() is wizard.apply_page
    assert wizard.apply_page.message.text() == "Import cancelled. The register was not changed."
    assert (asset_count(register), batch_count(register)) == (before, 0)  # ...and rolled back

    monkeypatch.undo()  # the user tries again and lets it run
    press(wizard, IMPORT)
    assert wizard.currentPage() is wizard.done_page
    assert asset_count(register) == before + 3000


def test_error_workbook_written_for_the_department(
    qtbot: Any, register: Register, sample: Sample, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = semicolon_csv(tmp_path / "env.csv", ["Asset", "Owner", "C"], [
        ["Café inspections", "Alice Archer", 1],
        ["Broken ratings", "Alice Archer", 9],
    ])
    target = tmp_path / "back to ENV.xlsx"
    monkeypatch.setattr(preview_page, "ask_save_path", lambda parent, suggested: target)
    wizard = to_preview(qtbot, register, path, department(register, "ENV"))
    page = wizard.preview_page
    page.write_button.click()
    assert page.message.text() == (
        "Wrote back to ENV.xlsx: every row with its status and what to fix.")
    book = load_workbook(target, read_only=True)
    try:
        values = [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()
    assert values[0] == ["Status", "What to fix", "Asset", "Owner", "C"]
    assert values[1][:3] == ["new", None, "Café inspections"]
    assert values[2][0] == "error"
    assert values[2][1] == "column C (C): 9 is not a rating from 1 to 5"
    assert values[2][2:] == ["Broken ratings", "Alice Archer", "9"]  # as the CSV had it


def test_a_saved_mapping_is_used_when_the_layout_comes_back(
    qtbot: Any, register: Register, sample: Sample, tmp_path: Path
) -> None:
    path = two_row_header_workbook(tmp_path / "assets.xlsx", MESSY_ROWS)
    env = department(register, "ENV")
    wizard = open_wizard(qtbot, register, path, env)
    press(wizard)
    press(wizard)
    mapping = wizard.mapping_page
    mapping.set_field(7, "description")
    mapping.set_field(2, "")  # leave out the custodian
    mapping.profile_name.setText("env-iar")
    mapping.save_button.click()
    assert mapping.message.text().startswith("Saved the mapping 'env-iar'")
    assert mapping.origin.text() == "Using saved mapping 'env-iar'."
    wizard.close()

    again = open_wizard(qtbot, register, path, env)
    press(again)
    press(again)
    assert again.mapping_page.origin.text() == "Using saved mapping 'env-iar'."
    assert again.state.mapping == {0: "name", 1: "owner", 3: "confidentiality", 4: "integrity",
                                   5: "availability", 6: "location", 7: "description"}
    assert again.mapping_page.combos[2].currentText() == NOT_IMPORTED


def test_a_field_comes_from_one_column_and_required_fields_are_flagged(
    qtbot: Any, register: Register, sample: Sample, tmp_path: Path
) -> None:
    path = two_row_header_workbook(tmp_path / "assets.xlsx", MESSY_ROWS)
    wizard = open_wizard(qtbot, register, path, None)  # no department: the file must say
    press(wizard)
    press(wizard)
    mapping = wizard.mapping_page
    assert mapping.required.text() == (
        "Not mapped yet, and needed: Department (or choose the department on the first page).")
    assert not wizard.button(NEXT).isEnabled()
    mapping.combos[6].setCurrentIndex(mapping.combos[6].findData("name"))  # "Where held"
    assert mapping.combos[0].currentText() == NOT_IMPORTED
    assert mapping.message.text() == (
        "Asset name now comes from column G; column A is no longer imported.")
    mapping.combos[6].setCurrentIndex(0)
    assert mapping.required.text().startswith("Not mapped yet, and needed: Asset name; ")


def test_a_file_that_is_not_a_spreadsheet_says_why_in_one_line(
    qtbot: Any, register: Register, sample: Sample, tmp_path: Path
) -> None:
    path = tmp_path / "scan.xlsx"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    wizard = open_wizard(qtbot, register, path, None)
    press(wizard)
    page = wizard.file_page
    assert wizard.currentPage() is page
    assert page.message.kind == "error"
    text = page.message.text()
    assert text == ("Cannot read scan.xlsx: it is a PNG image, not a spreadsheet: send it as "
                    ".xlsx, .xls, .ods or .csv")


def test_a_file_dropped_or_typed_as_copied(
    qtbot: Any, register: Register, sample: Sample, tmp_path: Path
) -> None:
    path = two_row_header_workbook(tmp_path / "dropped file.xlsx", MESSY_ROWS)
    wizard = open_wizard(qtbot, register, tmp_path / "elsewhere.xlsx", None)
    page = wizard.file_page
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(path))])
    drop = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, data,
                      Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    page.dropEvent(drop)
    assert page.path_edit.text() == str(path)
    assert path_from_text(f'"{path}"') == path  # Windows Explorer's "Copy as path"
    assert path_from_text(QUrl.fromLocalFile(str(path)).toString()) == path
    assert path_from_text("   ") is None


def test_nothing_to_import_says_so() -> None:
    assert result_summary(ImportResult(None, 0, 0, 3, 1)) == (
        "Nothing was imported: 3 rows already in the register as the file has them; "
        "1 row with errors left out.")
    assert result_summary(ImportResult(None, 0, 0, 0, 0)) == (
        "Nothing was imported: the sheet has no rows under its column names.")


def test_handling_practices_need_no_department(
    qtbot: Any, register: Register, sample: Sample, tmp_path: Path
) -> None:
    path = semicolon_csv(tmp_path / "practices.csv", ["Asset ref", "Stage", "Channel"],
                         [["A-002", "transferred", "e-mail"]])
    wizard = open_wizard(qtbot, register, path, None, kind="handling")
    assert wizard.windowTitle() == "Import handling practices — isms"
    assert not wizard.file_page.department.isEnabled()
    for _page in range(3):
        press(wizard)
    assert preview_rows(wizard) == [(2, "new")]
    press(wizard)
    press(wizard, IMPORT)
    result = wizard.result_of_import
    assert result is not None and result.created == 1


def test_preview_and_sheet_models_pass_the_model_tester(
    qtbot: Any, qtmodeltester: Any, register: Register, sample: Sample, tmp_path: Path
) -> None:
    path = two_row_header_workbook(tmp_path / "assets.xlsx", MESSY_ROWS)
    wizard = to_preview(qtbot, register, path, department(register, "ENV"))
    qtmodeltester.check(wizard.sheet_page.rows_model)
    for which in (ALL, PROBLEMS, *STATUSES):
        wizard.preview_page.show_status(which)
        qtmodeltester.check(wizard.preview_page.model)


def test_a_mac_roman_csv_gets_its_encoding_proposed_on_the_file_page(
    qtbot: Any, register: Register, sample: Sample, tmp_path: Path
) -> None:
    """Accented letters that read garbled as Windows text: Next proposes the encoding they
    read in and stays; the next Next goes on, and the names arrive as written."""
    path = tmp_path / "env-mac.csv"
    path.write_bytes("Asset name,Location\nCafé licences,Depot\nCrème rota,Dépôt\n"
                     "Élève records,Civic Centre\n".encode("mac_roman"))
    env = department(register, "ENV")
    wizard = open_wizard(qtbot, register, path, env)
    press(wizard)
    assert wizard.currentPage() is wizard.file_page
    assert wizard.file_page.encoding.currentText() == "Mac Roman"
    assert "read correctly as Mac Roman text" in page_message(wizard)
    for expected in (wizard.sheet_page, wizard.mapping_page, wizard.preview_page,
                     wizard.apply_page):
        press(wizard)
        assert wizard.currentPage() is expected, page_message(wizard)
    press(wizard, IMPORT)
    assert wizard.currentPage() is wizard.done_page
    with register.session() as session:
        names = set(session.execute(select(Asset.name).where(
            Asset.department_id == env, Asset.import_batch_id.is_not(None))).scalars())
    assert names == {"Café licences", "Crème rota", "Élève records"}
