"""Long work off the UI thread, behind a progress dialog, with the result back on the UI thread.

The seed of the one background runner the window uses (ARCHITECTURE.md: long work off the UI
thread). The work function opens its own sessions in its own thread; sessions never cross threads.

Work that can stop safely (an import inside ``register.transaction()``) runs ``cancellable``: the
dialog then has a Cancel button, and once it is pressed the next call of the progress function
raises ``isms.errors.Cancelled`` in the worker thread, which unwinds the work and rolls back its
transaction. Work is never killed from outside: it stops where it reports progress.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import SIGNAL, SLOT, QEventLoop, QObject, Qt, Signal, Slot
from PySide6.QtGui import QCloseEvent, QGuiApplication
from PySide6.QtWidgets import QProgressDialog, QPushButton, QWidget

from isms.errors import Cancelled

T = TypeVar("T")

#: What work receives to report progress: (what is happening, steps done, steps in all or 0).
Progress = Callable[[str, int, int], None]

STOPPING = "Stopping… nothing will be changed."


class _ProgressDialog(QProgressDialog):
    """A progress dialog that stays up until the work ends, whatever the user presses.

    Qt's own dialog hides itself on Cancel, Escape or the close button, which would let the user
    back into the window while the work still runs; here those only ask the work to stop.
    """

    stopRequested = Signal()

    def __init__(self, label: str, parent: QWidget | None, cancellable: bool) -> None:
        super().__init__(label, "", 0, 0, parent)
        self.cancellable = cancellable
        self.cancel_button: QPushButton | None = None
        # Reaching the maximum must not reset or hide the dialog: one step may finish (reading
        # the rows) while the next (writing them) has not reported yet.
        self.setAutoReset(False)
        self.setAutoClose(False)
        if cancellable:
            self.cancel_button = QPushButton("Cancel")
            self.setCancelButton(self.cancel_button)
            # Qt connects canceled() to cancel(), which hides the dialog: take that away and
            # keep the dialog up, saying it is stopping, until the work has unwound.
            QObject.disconnect(self, SIGNAL("canceled()"), self, SLOT("cancel()"))
            self.canceled.connect(self._ask_to_stop)
        else:
            self.setCancelButton(None)  # nothing stops half way safely without a transaction

    def _ask_to_stop(self) -> None:
        self.setLabelText(STOPPING)
        if self.cancel_button is not None:
            self.cancel_button.setEnabled(False)
        self.stopRequested.emit()

    def reject(self) -> None:  # Escape
        if self.cancellable:
            self.canceled.emit()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        event.ignore()  # the runner hides the dialog when the work has ended
        if self.cancellable:
            self.canceled.emit()


class _Relay(QObject):
    """Carries progress and completion from the worker thread to the UI thread.

    It lives in the UI thread, so signals the worker emits reach its slot queued, on the UI
    thread; a plain function slot could be called on the worker thread and touch widgets there.
    """

    progressed = Signal(str, int, int)
    finished = Signal()

    def __init__(self, dialog: _ProgressDialog) -> None:
        super().__init__()
        self._dialog = dialog
        self.stopping = threading.Event()
        self.progressed.connect(self.show_progress)
        dialog.stopRequested.connect(self.stopping.set)

    @Slot(str, int, int)
    def show_progress(self, text: str, done: int, total: int) -> None:
        if self.stopping.is_set():
            return  # reports queued before the stop must not overwrite "Stopping…"
        if text:
            self._dialog.setLabelText(text)
        self._dialog.setMaximum(max(total, 0))
        if total > 0:
            self._dialog.setValue(min(done, total))

    def report(self, text: str, done: int, total: int) -> None:
        """The progress function handed to the work (called on the worker thread)."""
        if self.stopping.is_set():
            raise Cancelled("Stopped before the end: nothing was changed.")
        self.progressed.emit(text, done, total)


def run_with_progress(
    parent: QWidget | None,
    title: str,
    label: str,
    work: Callable[[Progress], T],
    *,
    cancellable: bool = False,
) -> T:
    """Run ``work(progress)`` in a thread while a modal progress dialog keeps the window alive.

    Returns what ``work`` returned, or raises what it raised, on the calling (UI) thread. With
    ``cancellable`` the dialog has a Cancel button; after it is pressed ``progress`` raises
    ``Cancelled``, so the caller gets ``Cancelled`` unless the work had already finished.
    """
    dialog = _ProgressDialog(label, parent, cancellable)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
    dialog.setMinimumDuration(0)
    dialog.setMinimumWidth(420)
    relay = _Relay(dialog)
    outcome: dict[str, object] = {}

    def target() -> None:
        try:
            outcome["result"] = work(relay.report)
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
        dialog.hide()  # not close(): the dialog refuses to close while work may still run
        dialog.deleteLater()
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["result"]  # type: ignore[return-value]
