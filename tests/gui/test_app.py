"""``isms-gui`` start-up: arguments, the no-display check, logging, and error reporting."""

from __future__ import annotations

import logging
import sys
import time
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

import isms
from isms.db.location import log_dir
from isms.errors import ConflictError
from ui import app
from ui.dialogs.crash_dialog import CrashDialog
from ui.environment import NO_DISPLAY_MESSAGE, display_problem
from ui.errors import ErrorReporter
from ui.views.main_window import MainWindow

from .conftest import OnModal


@pytest.mark.parametrize("environ", [
    {"DISPLAY": ":0"}, {"WAYLAND_DISPLAY": "wayland-0"}, {"QT_QPA_PLATFORM": "offscreen"},
])
def test_a_display_or_a_chosen_platform_is_enough(environ: dict[str, str]) -> None:
    assert display_problem("linux", environ) is None


def test_no_display_on_linux_is_explained() -> None:
    message = display_problem("linux", {"HOME": "/home/smg", "DISPLAY": ""})
    assert message == NO_DISPLAY_MESSAGE
    assert "xvfb-run -a isms-gui" in message
    assert "QT_QPA_PLATFORM=offscreen isms-gui" in message
    assert display_problem("win32", {}) is None
    assert display_problem("darwin", {}) is None


def test_main_without_a_display_says_how_to_run_it_and_exits_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    assert app.main(["--db", "anything.isms"]) == 2
    assert "xvfb-run -a isms-gui" in capsys.readouterr().err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert app.main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"isms {isms.__version__}"


def test_db_and_demo_cannot_be_combined(capsys: pytest.CaptureFixture[str]) -> None:
    assert app.main(["--db", "x.isms", "--demo"]) == 2
    assert "not allowed with argument" in capsys.readouterr().err


def test_a_missing_register_is_reported_and_logged_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hook, level = sys.excepthook, logging.getLogger().level
    missing = tmp_path / "missing.isms"
    assert app.main(["--db", str(missing), "--no-error-dialogs"]) == 1
    assert f"No register at {missing}" in capsys.readouterr().err
    assert f"No register at {missing}" in (log_dir() / app.LOG_FILE).read_text(encoding="utf-8")
    assert sys.excepthook is hook  # main put back what it replaced
    root = logging.getLogger()
    assert not any(isinstance(h, RotatingFileHandler) for h in root.handlers)
    assert root.level == level


def test_a_register_given_both_ways_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert app.main(["x.isms", "--db", "y.isms"]) == 2
    assert "not both" in capsys.readouterr().err


def _run_until_a_window_shows(argv: list[str]) -> tuple[int, list[MainWindow]]:
    """Run ``main(argv)``, closing the first main window that shows; (exit status, windows)."""
    shown: list[MainWindow] = []
    started = time.monotonic()

    def close_window() -> None:
        windows = [w for w in QApplication.topLevelWidgets()
                   if isinstance(w, MainWindow) and w.isVisible()]
        if windows:
            shown.extend(windows)
            windows[0].close()  # the last window closing ends app.exec()
        elif time.monotonic() - started > 10:
            QApplication.quit()  # no window after 10 s: fail below instead of hanging
        else:
            watcher.start()

    watcher = QTimer(singleShot=True, interval=10)
    watcher.timeout.connect(close_window)
    watcher.start()
    try:
        return app.main(argv), shown
    finally:
        watcher.stop()


def test_main_opens_the_register_window_and_returns_0_when_it_closes(
    qtbot: Any, register_path: Path
) -> None:
    status, shown = _run_until_a_window_shows(["--db", str(register_path), "--no-error-dialogs"])
    assert status == 0
    assert len(shown) == 1
    assert shown[0].register.location.path == register_path


def test_a_register_file_given_plainly_opens_as_the_desktop_entry_passes_it(
    qtbot: Any, register_path: Path
) -> None:
    # packaging/isms.desktop runs `isms-gui %f`: the file the user opened, as a bare argument.
    status, shown = _run_until_a_window_shows([str(register_path), "--no-error-dialogs"])
    assert status == 0
    assert [window.register.location.path for window in shown] == [register_path]


def test_the_window_selftest_opens_every_page_of_a_sample_register(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert app.main(["--selftest"]) == 0
    passed = f"isms-gui {isms.__version__}: window self-test passed"
    assert capsys.readouterr().out.strip() == passed


def test_the_window_selftest_names_a_blank_icon(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from PySide6.QtGui import QIcon

    import ui.selftest

    # What a bundle without Qt's SVG icon engine would give: icons that draw nothing.
    monkeypatch.setattr(ui.selftest, "icon", lambda name: QIcon())
    assert app.main(["--selftest"]) == 1
    out = capsys.readouterr().out
    assert "FAILED: the assets icon is blank" in out
    assert "self-test passed" not in out


def test_the_window_selftest_fails_on_a_qt_warning(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from PySide6.QtCore import qWarning

    import ui.selftest

    real = ui.selftest._icon_problems

    def warn_then_check(application: QApplication) -> list[str]:
        qWarning("QPainter::begin: Paint device returned engine == 0")
        return real(application)

    monkeypatch.setattr(ui.selftest, "_icon_problems", warn_then_check)
    assert app.main(["--selftest"]) == 1
    assert "FAILED: Qt said: QPainter::begin" in capsys.readouterr().out


def test_bugs_go_to_the_crash_dialog_with_the_traceback_and_log_path(
    on_modal: OnModal, tmp_path: Path
) -> None:
    log_file = tmp_path / "isms.log"
    reporter = ErrorReporter(log_file=log_file)
    seen: list[str] = []

    def read_and_close(dialog: CrashDialog) -> None:
        seen.append(dialog.details.toPlainText())
        seen.append(dialog.intro.text())
        dialog.reject()

    on_modal(CrashDialog, read_and_close)
    try:
        1 / 0  # noqa: B018 - the bug under test
    except ZeroDivisionError:
        reporter.unexpected(*sys.exc_info())  # type: ignore[arg-type]
    assert "ZeroDivisionError: division by zero" in seen[0]
    assert "1 / 0" in seen[0]
    assert str(log_file) in seen[1]


def test_expected_errors_are_not_treated_as_bugs(
    capsys: pytest.CaptureFixture[str]
) -> None:
    reporter = ErrorReporter(dialogs=False)
    error = ConflictError("Risk R-001 was changed by someone else.", record="risk R-001",
                          yours=1, theirs=2)
    reporter.unexpected(ConflictError, error, None)
    err = capsys.readouterr().err
    assert err.strip() == "isms-gui: Risk R-001 was changed by someone else."
    assert "Traceback" not in err
