"""The main window driven as a user would: real widgets on a real register file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from isms.db import Register, commit, open_register
from isms.model import Asset, AssetType, Department
from isms.services.setup import init_register
from ui.errors import ErrorReporter
from ui.views import main_window as main_window_module
from ui.views.main_window import MainWindow
from ui.views.register_page import RegisterPage

from .conftest import Sample, shown


def column_values(page: RegisterPage, key: str) -> list[str]:
    model = page.model
    column = [c.key for c in model.columns].index(key)
    return [model.data(model.index(row, column)) for row in range(model.rowCount())]


def open_window(
    qtbot: Any, register: Register, reporter: ErrorReporter | None = None, page: str = "assets"
) -> MainWindow:
    """The main window, shown, on ``page`` (it starts on the dashboard)."""
    window = MainWindow(register, reporter)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.show_page_key(page)
    return window


def activate(qtbot: Any, window: MainWindow) -> None:
    """Make the window the active one, as keyboard shortcuts only reach the active window."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


def click_header(qtbot: Any, page: RegisterPage, key: str) -> None:
    header = page.table.horizontalHeader()
    section = [c.key for c in page.model.columns].index(key)
    x = header.sectionViewportPosition(section) + header.sectionSize(section) // 2
    middle = QPoint(x, header.height() // 2)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=middle)


def test_window_shows_the_register_and_its_counts(
    qtbot: Any, register: Register, sample: Sample
) -> None:
    window = open_window(qtbot, register, page="dashboard")
    assert window.current_page is window.dashboard  # the dashboard comes first
    assert window.pages["assets"].model.rowCount() == 0  # not read until the page is shown
    window.show_page_key("assets")
    assert "Council ISMS register" in window.windowTitle()
    assert str(register.location.path) in window.windowTitle()
    assert window.pages["assets"].model.rowCount() == len(sample.asset_names)
    assert window.pages["risks"].model.rowCount() == 0  # not read until the page is shown
    assert window.counts_label.text() == "12 assets · 6 risks · 3 departments"
    assert window.location_label.text() == f"Register: {register.location.path}"
    assert window.pages["assets"].summary.text() == "12 assets"
    assert window.current_page is window.pages["assets"]
    window.show_page(3)  # Dashboard, Assets, Data handling, Risks
    assert window.current_page is window.pages["risks"]
    assert window.pages["risks"].model.rowCount() == len(sample.risk_titles)
    assert column_values(window.current_page, "ref")[0] == "R-001"


def test_typing_in_the_search_box_filters_the_table(
    qtbot: Any, register: Register, sample: Sample
) -> None:
    page = open_window(qtbot, register).pages["assets"]
    qtbot.keyClicks(page.search, "carol")
    qtbot.waitUntil(lambda: page.model.rowCount() == 2)
    assert column_values(page, "ref") == ["A-004", "A-006"]
    assert page.summary.text() == "2 of 12 assets match"
    qtbot.keyClick(page.search, Qt.Key.Key_Escape)  # clears the search
    qtbot.waitUntil(lambda: page.model.rowCount() == 12)


def test_ctrl_f_focuses_the_search_box_of_the_current_page(
    qtbot: Any, register: Register, sample: Sample
) -> None:
    window = open_window(qtbot, register, page="risks")
    activate(qtbot, window)
    window.current_page.table.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.pages["risks"].search.hasFocus())


def test_clicking_a_header_sorts_by_that_column(
    qtbot: Any, register: Register, sample: Sample
) -> None:
    page = open_window(qtbot, register).pages["assets"]
    assert column_values(page, "ref") == sorted(sample.asset_names)
    click_header(qtbot, page, "name")
    assert column_values(page, "name") == sorted(sample.asset_names.values())
    click_header(qtbot, page, "name")
    assert column_values(page, "name") == sorted(sample.asset_names.values(), reverse=True)
    click_header(qtbot, page, "owner")
    owners = column_values(page, "owner")
    assert owners[:3] == ["", "", ""]  # assets without an owner sort first (NULLs)
    assert owners[3:] == sorted(owners[3:])


def test_refresh_shows_what_others_have_saved(
    qtbot: Any, register: Register, sample: Sample
) -> None:
    window = open_window(qtbot, register)
    with register.session(actor="someone else") as session:
        department = session.query(Department).filter_by(code="FIN").one()
        session.add(Asset(ref="A-050", name="Pension fund ledger", asset_type=AssetType.INFORMATION,
                          department_id=department.id))
        commit(session)
    assert window.pages["assets"].model.rowCount() == 12
    activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_F5)
    assert window.pages["assets"].model.rowCount() == 13
    assert window.counts_label.text().startswith("13 assets")


def test_geometry_page_and_sort_are_remembered(
    qtbot: Any, register: Register, register_path: Path, sample: Sample
) -> None:
    first = open_window(qtbot, register)
    first.resize(700, 500)
    first.show_page_key("risks")
    click_header(qtbot, first.pages["risks"], "title")
    first.close()  # saves its state and closes the register

    second = MainWindow(open_register(str(register_path)))
    qtbot.addWidget(second)
    second.show()
    qtbot.waitExposed(second)
    assert (second.width(), second.height()) == (700, 500)
    assert second.current_page is second.pages["risks"]
    assert column_values(second.current_page, "title") == sorted(sample.risk_titles.values())


def test_open_register_switches_to_the_chosen_file(
    qtbot: Any, register: Register, sample: Sample, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    other, _ = init_register(str(tmp_path / "other.isms"), name="Shared services register")
    other.close()
    window = open_window(qtbot, register)
    monkeypatch.setattr(main_window_module, "ask_register_file",
                        lambda parent, folder: str(tmp_path / "other.isms"))
    window.open_register_file()
    assert window.windowTitle().startswith("Shared services register — ")
    assert window.pages["assets"].model.rowCount() == 0
    assert window.pages["assets"].summary.text() == "No assets in this register yet"
    assert window.counts_label.text() == "0 assets · 0 risks · 0 departments"
    window.close()


def test_a_file_that_is_not_a_register_is_explained(
    qtbot: Any, register: Register, sample: Sample, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    window = open_window(qtbot, register, ErrorReporter(dialogs=False))
    missing = tmp_path / "nowhere.isms"
    monkeypatch.setattr(main_window_module, "ask_register_file",
                        lambda parent, folder: str(missing))
    window.open_register_file()
    assert f"No register at {missing}" in capsys.readouterr().err
    assert window.register is register  # still showing the register it had
    assert window.pages["assets"].model.rowCount() == 12


def test_a_status_message_hides_the_register_location_until_it_goes(
    qtbot: Any, register: Register
) -> None:
    window = shown(qtbot, MainWindow(register))
    window.statusBar().clearMessage()
    assert window.location_label.isVisible()
    window.statusBar().showMessage("Saved.")
    assert not window.location_label.isVisible()
    window.statusBar().clearMessage()
    assert window.location_label.isVisible()
