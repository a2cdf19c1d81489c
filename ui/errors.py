"""How the window reports errors: expected ones in plain words, bugs with their traceback.

``isms.errors.IsmsError`` and its subclasses are things a user can act on (a missing file, a
conflict); they get a message box. Anything else is a bug: it is logged with its traceback and
shown in the crash dialog with the log file's path. With dialogs off (``--no-error-dialogs``, for
smoke tests and scripts) both go to the log and stderr instead.
"""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from isms.errors import IsmsError

log = logging.getLogger(__name__)

ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], object]


class ErrorReporter:
    def __init__(self, *, dialogs: bool = True, log_file: Path | None = None) -> None:
        self.dialogs = dialogs
        self.log_file = log_file
        self._previous_hook: ExceptHook | None = None
        self._in_crash_dialog = False

    def expected(self, parent: QWidget | None, error: IsmsError, title: str = "isms") -> None:
        """Tell the user about an error they can act on."""
        log.warning("%s: %s", title, error)
        if self.dialogs:
            QMessageBox.warning(parent, title, str(error))
        else:
            print(f"isms-gui: {error}", file=sys.stderr)

    def unexpected(
        self, kind: type[BaseException], error: BaseException, tb: TracebackType | None
    ) -> None:
        """``sys.excepthook``: an exception nobody caught, usually from a slot or event handler."""
        if isinstance(error, IsmsError):
            self.expected(QApplication.activeWindow(), error)
            return
        if not isinstance(error, Exception):  # KeyboardInterrupt, SystemExit: not ours to show
            sys.__excepthook__(kind, error, tb)
            return
        log.critical("unexpected error", exc_info=(kind, error, tb))
        details = "".join(traceback.format_exception(kind, error, tb))
        # A second error while the crash dialog is open (e.g. from a repaint) must not stack
        # dialogs on top of each other: log it and carry on.
        if not self.dialogs or QApplication.instance() is None or self._in_crash_dialog:
            print(details, file=sys.stderr)
            return
        from .dialogs.crash_dialog import CrashDialog

        self._in_crash_dialog = True
        try:
            CrashDialog(details, self.log_file, QApplication.activeWindow()).exec()
        finally:
            self._in_crash_dialog = False

    def install(self) -> None:
        self._previous_hook = sys.excepthook
        sys.excepthook = self.unexpected

    def uninstall(self) -> None:
        if self._previous_hook is not None:
            sys.excepthook = self._previous_hook
            self._previous_hook = None
