"""Long work off the UI thread, behind a progress dialog, with the result back on the UI thread.

The seed of the one background runner the window uses (ARCHITECTURE.md: long work off the UI
thread). The work function opens its own sessions in its own thread; sessions never cross threads.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QEventLoop, QObject, Qt, Signal, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QProgressDialog, QWidget

T = TypeVar("T")

#: What work receives to report progress: (what is happening, steps done, steps in all or 0).
Progress = Callable[[str, int, int], None]


class _Relay(QObject):
    """Carries progress and completion from the worker thread to the UI thread.

    It lives in the UI thread, so signals the worker emits reach its slot queued, on the UI
    thread; a plain function slot could be called on the worker thread and touch widgets there.
    """

    progressed = Signal(str, int, int)
    finished = Signal()

    def __init__(self, dialog: QProgressDialog) -> None:
        super().__init__()
        self._dialog = dialog
        self.progressed.connect(self.show_progress)

    @Slot(str, int, int)
    def show_progress(self, text: str, done: int, total: int) -> None:
        if text:
            self._dialog.setLabelText(text)
        self._dialog.setMaximum(max(total, 0))
        if total > 0:
            self._dialog.setValue(min(done, total))


def run_with_progress(
    parent: QWidget | None, title: str, label: str, work: Callable[[Progress], T]
) -> T:
    """Run ``work(progress)`` in a thread while a modal progress dialog keeps the window alive.

    Returns what ``work`` returned, or raises what it raised, on the calling (UI) thread.
    """
    dialog = QProgressDialog(label, "", 0, 0, parent)
    dialog.setWindowTitle(title)
    dialog.setCancelButton(None)  # nothing we run yet can stop half way safely
    dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
    dialog.setMinimumDuration(0)
    dialog.setMinimumWidth(420)
    relay = _Relay(dialog)
    outcome: dict[str, object] = {}

    def target() -> None:
        try:
            outcome["result"] = work(relay.progressed.emit)
        except BaseException as exc:  # handed back to the UI thread below
            outcome["error"] = exc
        finally:
            relay.finished.emit()

    loop = QEventLoop()
    relay.finished.connect(loop.quit, Qt.ConnectionType.QueuedConnection)
    QGuiApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)
    dialog.show()
    worker = threading.Thread(target=target, name=f"isms: {title}", daemon=True)
    try:
        worker.start()
        loop.exec()
        worker.join()
    finally:
        QGuiApplication.restoreOverrideCursor()
        dialog.close()
        dialog.deleteLater()
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["result"]  # type: ignore[return-value]
