"""``isms-gui``: start the window (logging, error handling, which register, main window)."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import TYPE_CHECKING

import isms
from isms.db.location import log_dir
from isms.errors import IsmsError

from .environment import NO_DISPLAY_EXIT, display_problem

if TYPE_CHECKING:
    from .errors import ErrorReporter

log = logging.getLogger(__name__)

LOG_FILE = "isms.log"
#: The application icon, packaged with ``ui`` so an installed copy has it too.
ICON = Path(__file__).resolve().parent / "resources" / "isms.svg"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="isms-gui", description="The isms window: an ISO/IEC 27001 risk register."
    )
    parser.add_argument("register", nargs="?", metavar="FILE",
                        help="a register file to open (the same as --db FILE; how the desktop "
                             "opens a register file)")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--db", metavar="PATH-or-URL",
                       help="open this register (a file, or a database URL)")
    where.add_argument("--demo", action="store_true",
                       help="open the demo register (built in its own file the first time)")
    parser.add_argument("--no-error-dialogs", action="store_true",
                        help="report errors on stderr and in the log instead of in dialogs")
    parser.add_argument("--selftest", action="store_true",
                        help="check that the window works (icons, pages, a sample register) "
                             "in a temporary folder, then exit; 0 when it does")
    parser.add_argument("--version", action="version", version=f"isms {isms.__version__}")
    return parser


def _start_logging() -> logging.Handler | None:
    """Log to a rotating file in the user's log folder (the crash dialog points people there)."""
    try:
        folder = log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = RotatingFileHandler(
            folder / LOG_FILE, maxBytes=2_000_000, backupCount=3, encoding="utf-8"
        )
    except OSError as exc:  # a read-only home should not stop the window from opening
        print(f"isms-gui: not logging to a file: {exc}", file=sys.stderr)
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return handler


def _stop_logging(handler: logging.Handler | None) -> None:
    if handler is not None:
        logging.getLogger().removeHandler(handler)
        handler.close()


def main(argv: list[str] | None = None) -> int:
    """Run the window; returns the process exit status (0 ok, 1 no register, 2 usage/no display)."""
    arguments = sys.argv[1:] if argv is None else argv
    parser = _parser()
    try:
        args = parser.parse_args(arguments)
        if args.register is not None:
            if args.db is not None or args.demo:
                parser.error("give the register as FILE or with --db/--demo, not both")
            args.db = args.register
    except SystemExit as stop:  # --help, --version, or a usage error argparse has explained
        return stop.code if isinstance(stop.code, int) else 0
    problem = display_problem(sys.platform, os.environ)
    if problem:
        print(problem, file=sys.stderr)
        return NO_DISPLAY_EXIT

    root_level = logging.getLogger().level
    handler = _start_logging()
    # Qt is imported only now, so --version and the display check work without it loading.
    from .errors import ErrorReporter
    from .qt_messages import qt_messages_logged

    log_file = Path(handler.baseFilename) if isinstance(handler, RotatingFileHandler) else None
    # The self-test runs unattended: a dialog would wait for a click that never comes.
    reporter = ErrorReporter(dialogs=not (args.no_error_dialogs or args.selftest),
                             log_file=log_file)
    reporter.install()
    try:
        log.info("isms %s starting", isms.__version__)
        with qt_messages_logged():
            return _run(args, reporter)
    except Exception:
        kind, error, tb = sys.exc_info()
        assert kind is not None and error is not None
        reporter.unexpected(kind, error, tb)
        return 1
    finally:
        reporter.uninstall()
        _stop_logging(handler)
        logging.getLogger().setLevel(root_level)  # main() may run inside a bigger program (tests)


def _run(args: argparse.Namespace, reporter: ErrorReporter) -> int:
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from .opening import startup_register
    from .views.main_window import MainWindow

    app = QApplication.instance() or QApplication([sys.argv[0]])
    assert isinstance(app, QApplication)
    app.setOrganizationName("isms")
    app.setApplicationName("isms")
    app.setApplicationVersion(isms.__version__)
    app.setDesktopFileName("isms")
    if ICON.exists():
        app.setWindowIcon(QIcon(str(ICON)))
    if args.selftest:
        from .selftest import run_window_selftest

        return run_window_selftest()

    try:
        register = startup_register(args.db, args.demo, reporter)
    except IsmsError as exc:
        reporter.expected(None, exc, "isms — cannot open the register")
        return exc.exit_code
    if register is None:
        return 0  # the user chose Quit at the start dialog
    window = MainWindow(register, reporter)
    window.show()
    return app.exec()
