"""Noticing other people's changes: on a shared register (or a file another window has open)
the pages refresh themselves when someone else writes, without touching unsaved edits.

Every write adds change-log entries, so the newest entry's id is a cheap, backend-neutral
"has anything changed" signal (one indexed max() every few seconds); no triggers, no
LISTEN/NOTIFY connection to keep alive. While a dialog is open (an editor with unsaved values,
a wizard, a progress dialog) nothing is refreshed: the check waits until it closes. Saves made
from a stale copy are refused by the version check whatever this does.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

from isms.db import Register
from isms.errors import IsmsError
from isms.services.read.queries import last_change_id

log = logging.getLogger(__name__)

#: How often to look, in milliseconds.
INTERVAL_MS = 5_000


class ChangeWatch(QObject):
    """Emits ``changedElsewhere`` when the register has entries this window has not seen."""

    changedElsewhere = Signal()

    def __init__(self, register: Callable[[], Register], parent: QObject | None = None,
                 interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self._register = register
        self._seen = 0
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.check)

    def start(self) -> None:
        self.mark()
        self.timer.start()

    def mark(self) -> None:
        """The window has just read the register (after its own change, or a refresh)."""
        self._seen = self._latest() or self._seen

    def _latest(self) -> int | None:
        try:
            with self._register().reading() as session:  # a failure: a StorageError
                return last_change_id(session)
        except IsmsError:
            # A server that is briefly unreachable must not flood the user: try next time.
            log.warning("could not check the register for changes", exc_info=True)
            return None

    def check(self) -> bool:
        """Look once; True when others' changes were found (and announced)."""
        if QApplication.activeModalWidget() is not None:
            return False  # an editor or wizard is open: refresh once it closes
        latest = self._latest()
        if latest is None or latest <= self._seen:
            return False
        self._seen = latest
        self.changedElsewhere.emit()
        return True
