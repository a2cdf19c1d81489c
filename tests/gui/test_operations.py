"""The background runner: results and errors come back, Cancel stops work that can stop."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from PySide6.QtWidgets import QProgressDialog, QPushButton

from isms.errors import Cancelled
from ui.operations import STOPPING, Progress, run_with_progress

from .conftest import OnModal


def test_work_that_cannot_stop_has_no_cancel_and_ignores_escape(
    qtbot: Any, on_modal: OnModal
) -> None:
    release = threading.Event()
    seen: list[tuple[bool, bool]] = []

    def escape(dialog: QProgressDialog) -> None:
        dialog.reject()  # what Escape does
        seen.append((dialog.findChild(QPushButton) is None, dialog.isVisible()))
        release.set()

    def work(progress: Progress) -> int:
        progress("working", 1, 2)
        assert release.wait(10)
        progress("working", 2, 2)
        return 42

    on_modal(QProgressDialog, escape)
    assert run_with_progress(None, "Test", "Starting…", work) == 42
    assert seen == [(True, True)]  # no button; still shown after Escape


def test_cancel_makes_progress_raise_cancelled(qtbot: Any, on_modal: OnModal) -> None:
    started = threading.Event()
    labels: list[str] = []

    def cancel(dialog: QProgressDialog) -> bool:
        if not started.is_set():
            return False
        button = dialog.findChild(QPushButton)
        assert button is not None
        button.click()
        labels.append(dialog.labelText())
        assert dialog.isVisible() and not button.isEnabled()
        return True

    def work(progress: Progress) -> None:
        progress("counting", 0, 0)
        started.set()
        while True:  # stops only by the Cancelled that progress raises
            progress("counting", 0, 0)

    on_modal(QProgressDialog, cancel)
    with pytest.raises(Cancelled, match="nothing was changed"):
        run_with_progress(None, "Test", "Starting…", work, cancellable=True)
    assert labels == [STOPPING]


def test_errors_of_the_work_come_back_on_the_ui_thread(qtbot: Any) -> None:
    def work(progress: Progress) -> None:
        raise ValueError("broken")

    with pytest.raises(ValueError, match="broken"):
        run_with_progress(None, "Test", "Starting…", work)
