"""The export dialog chooses the protective marking (issue 17, 8): it names the default (the
highest marking of what the chosen document holds), says when a choice is below it, and the
file carries what was chosen, the choice recorded in its document control."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl

from isms.db import Register
from ui.dialogs.export_documents import ExportDocumentsDialog
from ui.errors import ErrorReporter

from .conftest import shown


def test_the_dialog_names_the_default_marking_and_exports_the_chosen_one(
    qtbot: Any, demo: Register, tmp_path: Path
) -> None:
    opened = shown(qtbot, ExportDocumentsDialog(demo, None, ErrorReporter(dialogs=False)))
    opened.open_result.setChecked(False)
    opened.kind.setCurrentIndex(opened.kind.findData("method"))
    assert opened.marking.itemText(0).startswith("Default: OFFICIAL,")
    opened.kind.setCurrentIndex(opened.kind.findData("risks"))
    assert opened.marking.itemText(0).startswith("Default: OFFICIAL-SENSITIVE,")
    assert [opened.marking.itemData(i) for i in range(1, opened.marking.count())] == [
        "OFFICIAL", "OFFICIAL-SENSITIVE", "SECRET", "TOP SECRET"]
    assert opened.chosen_marking() is None and not opened.marking_note.isVisible()
    opened.marking.setCurrentIndex(opened.marking.findData("OFFICIAL"))
    assert opened.marking_note.isVisible()
    assert "below the OFFICIAL-SENSITIVE" in opened.marking_note.text()
    opened.format.setCurrentIndex(opened.format.findData("xlsx"))
    target = tmp_path / "risks.xlsx"
    opened.path.setText(str(target))
    opened.export_button.click()
    qtbot.waitUntil(lambda: opened.result_path is not None, timeout=30_000)
    assert opened.result_warnings and "OFFICIAL-SENSITIVE" in opened.result_warnings[0]
    book = openpyxl.load_workbook(target)
    assert book.properties.category == "OFFICIAL"
    control = {str(row[0]): str(row[1]) for row in book["Document control"].iter_rows(
        max_col=2, values_only=True) if len(row) == 2}
    assert control["Protective marking"] == "OFFICIAL"
    assert "below the OFFICIAL-SENSITIVE" in control["Marking chosen"]


def test_a_page_exported_as_shown_carries_the_marking_of_what_it_holds(
    qtbot: Any, demo: Register, tmp_path: Path
) -> None:
    from sqlalchemy import select

    from isms.model import Asset
    from isms.services import classification
    from ui.views.main_window import MainWindow

    with demo.transaction(actor="test") as session:
        asset = session.execute(select(Asset).order_by(Asset.id).limit(1)).scalar_one()
        classification.mark_asset(session, asset, "SECRET")
    window = shown(qtbot, MainWindow(demo, ErrorReporter(dialogs=False)))
    window.show_page_key("assets")
    page = window.pages["assets"]
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=10_000)
    csv_file = window.export_page(page, tmp_path / "assets.csv")
    assert csv_file is not None
    assert csv_file.read_text(encoding="utf-8-sig").splitlines()[0] == "# SECRET"
    book_file = window.export_page(page, tmp_path / "assets.xlsx")
    assert book_file is not None
    book = openpyxl.load_workbook(book_file)
    sheet = book.active
    assert sheet is not None and sheet.oddHeader is not None and sheet.oddFooter is not None
    assert sheet.oddHeader.right.text == "SECRET" and sheet.oddFooter.left.text == "SECRET"
    assert book.properties.category == "SECRET"
