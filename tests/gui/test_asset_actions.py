"""Bulk actions on the Assets page and File → Export view, on real register files."""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import select

from isms.db import Register, commit
from isms.model import Asset, AssetStatus, ChangeLogEntry, Person
from ui.dialogs.choose import ChooseDialog
from ui.views.main_window import MainWindow
from ui.views.register_page import RegisterPage

from .conftest import OnModal, Sample, shown


def assets_page(qtbot: Any, register: Register) -> tuple[MainWindow, RegisterPage]:
    window = shown(qtbot, MainWindow(register))
    window.show_page_key("assets")
    return window, window.pages["assets"]


def select_rows(page: RegisterPage, rows: list[int]) -> list[int]:
    """Select these rows (as a user would with Ctrl+click); their asset ids."""
    selection = QItemSelection()
    for row in rows:
        selection.select(page.model.index(row, 0), page.model.index(row, 0))
    page.table.selectionModel().select(
        selection, QItemSelectionModel.SelectionFlag.ClearAndSelect
        | QItemSelectionModel.SelectionFlag.Rows)
    return [page.model.row_id(row) for row in rows]


def log_entries(register: Register, asset_ids: list[int]) -> list[ChangeLogEntry]:
    with register.session() as session:
        return list(session.execute(select(ChangeLogEntry).where(
            ChangeLogEntry.table_name == "asset",
            ChangeLogEntry.record_id.in_([str(i) for i in asset_ids]),
            ChangeLogEntry.action == "update",
        )).scalars())


def test_assign_owner_to_several_assets(
    qtbot: Any, register: Register, sample: Sample, on_modal: OnModal
) -> None:
    window, page = assets_page(qtbot, register)
    assert page.table.selectionMode() == page.table.SelectionMode.ExtendedSelection
    ids = select_rows(page, [0, 2, 5])
    assert window.asset_actions.assign_owner.isEnabled()
    before = len(log_entries(register, ids))

    def choose(dialog: ChooseDialog) -> None:
        dialog.choose(next(dialog.combo.itemText(i) for i in range(dialog.combo.count())
                           if dialog.combo.itemText(i).startswith("Dan Drake")))
        dialog.accept()

    on_modal(ChooseDialog, choose)
    window.asset_actions.assign_owner.trigger()
    with register.session() as session:
        dan = session.execute(select(Person).where(Person.name == "Dan Drake")).scalar_one()
        owners = {a.owner_id for a in session.execute(
            select(Asset).where(Asset.id.in_(ids))).scalars()}
    assert owners == {dan.id}
    assert len(log_entries(register, ids)) > before
    assert "3 assets" in window.statusBar().currentMessage()


def test_delete_retires_the_selected_assets(
    qtbot: Any, register: Register, sample: Sample, on_modal: OnModal
) -> None:
    window, page = assets_page(qtbot, register)
    ids = select_rows(page, [1, 3])
    page.table.setFocus()
    on_modal(QMessageBox, lambda box: box.button(QMessageBox.StandardButton.Yes).click())
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    with register.session() as session:
        statuses = {a.status for a in session.execute(
            select(Asset).where(Asset.id.in_(ids))).scalars()}
    assert statuses == {AssetStatus.RETIRED}
    assert page.model.rowCount() == len(sample.asset_names) - 2
    assert window.counts_label.text().startswith(f"{len(sample.asset_names) - 2} assets")
    assert len(log_entries(register, ids)) >= 2


def test_cancelled_dialog_changes_nothing(
    qtbot: Any, register: Register, sample: Sample, on_modal: OnModal
) -> None:
    window, page = assets_page(qtbot, register)
    ids = select_rows(page, [0])
    on_modal(ChooseDialog, lambda dialog: dialog.reject())
    window.asset_actions.move_department.trigger()
    assert log_entries(register, ids) == []


def _as_shown(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


PAYLOAD = '=HYPERLINK("http://evil.example","click")'


def _with_payload(register: Register) -> None:
    with register.session(actor="tests") as session:
        asset = session.execute(select(Asset).where(Asset.ref == "A-002")).scalar_one()
        asset.name = PAYLOAD
        commit(session)


def test_export_view_writes_the_rows_shown(
    qtbot: Any, register: Register, sample: Sample, tmp_path: Path
) -> None:
    _with_payload(register)
    window, page = assets_page(qtbot, register)
    page.model.set_search("a")  # a filter the view shows...
    page.table.sortByColumn([c.key for c in page.model.columns].index("name"),
                            Qt.SortOrder.DescendingOrder)  # ...and a sort
    page.table.horizontalHeader().hideSection([c.key for c in page.model.columns].index("owner"))
    shown_columns = [c for c in range(page.model.columnCount())
                     if not page.table.isColumnHidden(c)]
    expected = [[page.model.headerData(c, Qt.Orientation.Horizontal) for c in shown_columns]]
    expected += [[page.model.data(page.model.index(r, c)) for c in shown_columns]
                 for r in range(page.model.rowCount())]

    target = window.export_page(page, tmp_path / "view.xlsx")
    assert target == tmp_path / "view.xlsx"
    sheet = load_workbook(target).active
    assert sheet is not None
    written = [[_as_shown(cell.value) for cell in row] for row in sheet.iter_rows()]
    assert written == expected
    payload = next(cell for row in sheet.iter_rows() for cell in row if cell.value == PAYLOAD)
    assert payload.data_type == "s"  # a plain string, never a formula

    target = window.export_page(page, tmp_path / "view.csv")
    assert target is not None
    with target.open(encoding="utf-8-sig", newline="") as handle:
        marking, *rows = list(csv.reader(handle))
    assert marking == ["# OFFICIAL"]  # no asset is marked: the scheme's baseline (issue 17, 8)
    assert len(rows) == len(expected)
    assert "'" + PAYLOAD in [value for row in rows for value in row]
