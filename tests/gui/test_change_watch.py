"""Other people's changes appear: a second connection writes, the window refreshes itself."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QDialog
from sqlalchemy import select

from isms.db import Register, open_register
from isms.model import Asset
from ui.errors import ErrorReporter
from ui.views.change_watch import ChangeWatch
from ui.views.main_window import MainWindow

from .conftest import Sample, shown


def rename_elsewhere(path: Path, ref: str, name: str) -> None:
    """What a colleague's copy of isms does: its own connection, its own transaction."""
    other = open_register(str(path))
    try:
        with other.transaction(actor="colleague") as session:
            asset = session.execute(select(Asset).where(Asset.ref == ref)).scalar_one()
            asset.name = name
    finally:
        other.close()


def shown_name(window: MainWindow, ref: str) -> str | None:
    model = window.pages["assets"].model
    for row in range(model.rowCount()):
        index = model.index(row, 0)
        if model.data(index) == ref:
            return str(model.data(model.index(row, 1)))
    return None


def test_a_change_made_elsewhere_is_shown_and_announced(
    qtbot: Any, register: Register, register_path: Path, sample: Sample
) -> None:
    window = shown(qtbot, MainWindow(register, ErrorReporter(dialogs=False)))
    window.show_page(1)
    assert shown_name(window, "A-001") == sample.asset_names["A-001"]
    assert not window.change_watch.check()  # nothing new yet
    rename_elsewhere(register_path, "A-001", "Payroll records (archived)")
    assert window.change_watch.check()
    assert shown_name(window, "A-001") == "Payroll records (archived)"
    assert "changed by someone else" in window.statusBar().currentMessage()
    assert not window.change_watch.check()  # seen once, not again


def test_nothing_is_refreshed_under_an_open_dialog_until_it_closes(
    qtbot: Any, register: Register, register_path: Path, sample: Sample
) -> None:
    window = shown(qtbot, MainWindow(register, ErrorReporter(dialogs=False)))
    window.show_page(1)
    assert shown_name(window, "A-002") == sample.asset_names["A-002"]  # rows read and cached
    dialog = QDialog(window)
    dialog.setModal(True)
    dialog.show()
    qtbot.waitUntil(dialog.isVisible)
    rename_elsewhere(register_path, "A-002", "Council tax system (new)")
    assert not window.change_watch.check()
    assert shown_name(window, "A-002") == sample.asset_names["A-002"]
    dialog.close()
    assert window.change_watch.check()
    assert shown_name(window, "A-002") == "Council tax system (new)"


def test_a_check_that_cannot_read_the_register_waits_for_the_next_one(
    qtbot: Any, register: Register, register_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The read fails inside isms, which says so as a StorageError: no exception reaches the
    timer, nothing is announced, and the log says what failed in plain words."""
    watch = ChangeWatch(lambda: register)
    watch.start()
    watch.timer.stop()
    with sqlite3.connect(register_path) as db:  # what a damaged or foreign file could do
        db.execute("ALTER TABLE change_log RENAME TO change_log_gone")
    with caplog.at_level(logging.WARNING, logger="ui.views.change_watch"):
        assert not watch.check()
    assert "could not check the register for changes" in caplog.text
    assert f"{register_path} could not be read or written: " in caplog.text  # isms' words
