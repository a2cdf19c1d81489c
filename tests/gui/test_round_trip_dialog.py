"""File → Import → Department round trip…: the comparison dialog on a real exported workbook
the department edited, with the register changed meanwhile; ticks decide what is written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from sqlalchemy import select

from isms.db import Register, commit
from isms.model import Asset, Department
from isms.services.imports.comparison import open_comparison
from tests.integration.test_cli import run
from tests.integration.test_round_trip import _asset, _edit, _export, housing
from ui.dialogs.round_trip import (
    CHANGED,
    REGISTER_CHANGED,
    STATUS,
    TAKE,
    RoundTripDialog,
    send_to_department,
)

from .conftest import shown

__all__ = ["housing"]  # the fixture, shared with the command-line tests


def _cell(dialog: RoundTripDialog, row_number: int, column: str) -> Any:
    line = [r.row for r in dialog.rows].index(row_number)
    header = [dialog.table.horizontalHeaderItem(i).text()
              for i in range(dialog.table.columnCount())]
    return dialog.table.item(line, header.index(column))


def test_changed_cells_are_highlighted_and_the_ticked_rows_imported(
    qtbot: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path, register_db: str,
    housing: Register,
) -> None:
    path = tmp_path / "hsg.xlsx"
    _export(capsys, register_db, path)
    with housing.session() as s:
        asset = s.execute(select(Asset).where(Asset.ref == "HSG-0002")).scalar_one()
        asset.name = "Repairs log (renamed)"
        commit(s)
    _edit(path, {(2, "Location"): "Town Hall", (3, "Location"): "North Depot"}, [])
    with housing.session() as s:
        comparison = open_comparison(s, path)
    dialog = shown(qtbot, RoundTripDialog(housing, comparison))

    assert [(r.row, r.status) for r in dialog.rows] == [(2, "changed"), (3, "conflict")]
    assert _cell(dialog, 3, "Status").text() == "CONFLICT"
    assert dialog.ticked() == {2}  # a conflict starts unticked
    assert dialog.import_button.text() == "&Import 1 ticked row"
    location = _cell(dialog, 2, "Location")
    assert (location.text(), location.background().color()) == ("Town Hall", CHANGED)
    assert location.toolTip() == "Sent as: Civic Centre"
    name = _cell(dialog, 3, "Asset name")
    assert name.background().color() == REGISTER_CHANGED
    assert "Repairs log (renamed)" in name.toolTip()
    assert _cell(dialog, 2, "Asset name").background().color() != CHANGED

    dialog.set_ticked(3, True)  # overwrite the location, knowing the register renamed it
    assert dialog.ticked() == {2, 3}
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    result = dialog.result_of_import
    assert result is not None and (result.created, result.updated) == (0, 2)
    assert _asset(housing, "HSG-0001")["location"] == "Town Hall"
    assert _asset(housing, "HSG-0002")["name"] == "Repairs log (renamed)"  # theirs kept
    assert _asset(housing, "HSG-0002")["location"] == "North Depot"
    code, out, _ = run(capsys, "import", "batches", "--db", register_db)
    assert code == 0 and "hsg.xlsx" in out


def test_rows_with_errors_cannot_be_ticked_and_a_refusal_is_said(
    qtbot: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path, register_db: str,
    housing: Register,
) -> None:
    path = tmp_path / "hsg.xlsx"
    _export(capsys, register_db, path)
    _edit(path, {(2, "Confidentiality (1-5)"): 9, (3, "Location"): "North Depot"}, [])
    with housing.session() as s:
        comparison = open_comparison(s, path)
    dialog = shown(qtbot, RoundTripDialog(housing, comparison))
    take = dialog.table.item(0, TAKE)
    assert dialog.table.item(0, STATUS).text() == "error"
    assert not take.flags() & Qt.ItemFlag.ItemIsEnabled
    assert "Confidentiality" in dialog.table.item(0, STATUS).toolTip()
    assert dialog.ticked() == {3}

    # The register changes row 3's asset after the comparison was made: refused, nothing written.
    with housing.session() as s:
        asset = s.execute(select(Asset).where(Asset.ref == "HSG-0002")).scalar_one()
        asset.description = "Changed meanwhile"
        commit(s)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert dialog.result_of_import is None
    assert "changed in the register since the comparison was made" in dialog.message.text()
    assert _asset(housing, "HSG-0002")["location"] == "Depot"


def test_a_department_is_sent_its_assets_from_the_window(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, housing: Register
) -> None:
    with housing.session() as s:
        hsg = s.execute(select(Department.id).where(Department.code == "HSG")).scalar_one()
    asked: list[str] = []

    def save_as(_parent: Any, _title: str, suggested: str, _filter: str) -> tuple[str, str]:
        asked.append(suggested)
        return str(tmp_path / "for housing"), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    sent = send_to_department(housing, hsg, "HSG", None)
    assert asked == ["HSG-assets.xlsx"]
    assert sent == (tmp_path / "for housing.xlsx", 3)
    book = openpyxl.load_workbook(tmp_path / "for housing.xlsx")
    assert book["Assets"].protection.sheet is True
    assert book["isms round trip"].sheet_state == "veryHidden"
    with housing.session() as s:
        comparison = open_comparison(s, tmp_path / "for housing.xlsx")
    assert comparison.counts["unchanged"] == 3 and comparison.stamp.department == "HSG"
