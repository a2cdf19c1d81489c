"""File → Export documents…: the real dialog exports real files through
isms.services.documents.exports."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl

from isms.db import Register
from isms.services.read import queries
from ui.dialogs.export_documents import ExportDocumentsDialog
from ui.errors import ErrorReporter

from .conftest import shown


def dialog(qtbot: Any, register: Register, department: int | None = None) -> ExportDocumentsDialog:
    opened = shown(qtbot, ExportDocumentsDialog(register, department, ErrorReporter(dialogs=False)))
    opened.open_result.setChecked(False)  # no desktop application to hand files to in tests
    return opened


def test_department_soa_is_exported_as_xlsx_with_pre_flight_warnings_shown(
    qtbot: Any, demo: Register, tmp_path: Path
) -> None:
    with demo.session() as session:
        department = queries.departments(session)[0]
    opened = dialog(qtbot, demo, department.id)
    opened.kind.setCurrentIndex(opened.kind.findData("soa"))
    assert opened.chosen_department() == department.id
    opened.format.setCurrentIndex(opened.format.findData("xlsx"))
    # The suggested name says what, for whom and when.
    assert Path(opened.path.text()).name.startswith(f"soa-{department.code}-")
    assert opened.checks.isVisible() and opened.checks.count() > 0
    target = tmp_path / "out" / "soa.xlsx"
    target.parent.mkdir()  # an export never makes the folder it is told to write in
    opened.path.setText(str(target))
    opened.export_button.click()
    qtbot.waitUntil(lambda: opened.result_path is not None, timeout=30_000)
    assert opened.result_path == target.resolve() or opened.result_path == target
    sheet = openpyxl.load_workbook(target)["Statement of Applicability"]
    assert sheet.max_row - 1 == 93


def test_method_has_one_format_no_checks_and_an_unwritable_path_is_reported(
    qtbot: Any, demo: Register, tmp_path: Path
) -> None:
    opened = dialog(qtbot, demo)
    opened.kind.setCurrentIndex(opened.kind.findData("method"))
    assert not opened.format.isEnabled() and opened.format.currentData() == "pdf"
    assert not opened.checks.isVisible()
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    opened.path.setText(str(blocker / "method.pdf"))
    opened.export_button.click()
    assert opened.result_path is None and opened.isVisible()
    opened.path.setText(str(tmp_path / "method.pdf"))
    opened.export_button.click()
    qtbot.waitUntil(lambda: opened.result_path is not None, timeout=30_000)
    assert (tmp_path / "method.pdf").read_bytes().startswith(b"%PDF")


def test_file_menu_opens_the_dialog_for_the_department_on_the_toolbar(
    qtbot: Any, demo: Register, tmp_path: Path, on_modal: Any
) -> None:
    from ui.views.main_window import MainWindow

    window = shown(qtbot, MainWindow(demo, ErrorReporter(dialogs=False)))
    window.department_filter.setCurrentIndex(1)
    chosen = window.department_filter.department()
    target = tmp_path / "method.pdf"

    def export_method(opened: ExportDocumentsDialog) -> None:
        assert opened.chosen_department() == chosen
        opened.open_result.setChecked(False)
        opened.kind.setCurrentIndex(opened.kind.findData("method"))
        opened.path.setText(str(target))
        opened.export_button.click()

    on_modal(ExportDocumentsDialog, export_method)
    window.export_documents_action.trigger()
    assert target.read_bytes().startswith(b"%PDF")
    assert str(target) in window.statusBar().currentMessage()
