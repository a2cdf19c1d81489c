"""``isms-gui --selftest``: prove an installed window works, without touching the user's files.

``isms selftest`` proves the core; this proves what only the window needs: the Qt platform and
image plugins (an SVG icon that renders blank is a missing plugin), the packaged icons, and the
main window opening a real register and showing every page with its rows. It builds the register
``isms selftest`` builds, from the same files, through the services (``isms.demo.selftest``: the
window may not call the command line), in a temporary folder, and keeps the window's settings
there too, so the user's layout is left alone.
"""

from __future__ import annotations

import logging
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

import isms
from isms.db import open_register
from isms.demo.selftest import EXPECTED_ASSETS, build_register
from isms.errors import IsmsError

from .errors import ErrorReporter
from .icons import NAMES, icon
from .qt_messages import log as qt_log
from .settings import keep_in


def _blank(picture: QIcon) -> bool:
    """True when the icon draws nothing: no file, or no plugin that can render it."""
    image = picture.pixmap(QSize(32, 32)).toImage()
    if image.isNull():
        return True
    return all(image.pixelColor(x, y).alpha() == 0
               for x in range(image.width()) for y in range(image.height()))


def _icon_problems(app: QApplication) -> list[str]:
    problems = [f"the {name} icon is blank" for name in NAMES if _blank(icon(name))]
    if _blank(app.windowIcon()):
        problems.append("the application icon is blank")
    return problems


def _window_problems(app: QApplication, register_file: Path) -> list[str]:
    from .views.main_window import PAGE_KEYS, MainWindow

    window = MainWindow(open_register(str(register_file)), ErrorReporter(dialogs=False))
    problems: list[str] = []
    try:
        window.show()
        for key in PAGE_KEYS:
            window.show_page_key(key)
            app.processEvents()
            if window.current_page.grab().isNull():
                problems.append(f"the {key} page did not draw")
        assets = window.pages["assets"].model.rowCount()
        if assets != EXPECTED_ASSETS:
            problems.append(f"the Assets page shows {assets} rows, not {EXPECTED_ASSETS}")
    finally:
        window.close()  # closes the register, so the folder can be removed
        app.processEvents()
    return problems


def run_window_selftest(out: Callable[[str], Any] = print) -> int:
    """0 when the window works; 1 naming every problem found."""
    app = QApplication.instance()
    assert isinstance(app, QApplication), "create the QApplication first"
    # Uncaught errors (from slots) and Qt's warnings, which would otherwise only be logged.
    noticed: list[str] = []

    def record(kind: type[BaseException], error: BaseException,
               tb: TracebackType | None) -> None:
        noticed.append(f"unexpected error: {kind.__name__}: {error}")

    class QtWarnings(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            noticed.append(f"Qt said: {record.getMessage()}")

    qt_warnings = QtWarnings(logging.WARNING)
    qt_log.addHandler(qt_warnings)
    previous_hook = sys.excepthook
    sys.excepthook = record
    try:
        with tempfile.TemporaryDirectory(prefix="isms-gui-selftest-") as temp:
            folder = Path(temp)
            try:
                register_file = build_register(folder)
            except IsmsError as exc:
                out(f"FAILED: building the self-test register: {exc}")
                return 1
            keep_in(folder / "settings")
            problems = _icon_problems(app) + _window_problems(app, register_file)
    finally:
        sys.excepthook = previous_hook
        qt_log.removeHandler(qt_warnings)
    problems += noticed
    for problem in problems:
        out(f"FAILED: {problem}")
    if problems:
        return 1
    out(f"isms-gui {isms.__version__}: window self-test passed")
    return 0
