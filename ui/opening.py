"""Which register the window opens at start, and the ways of getting one (create, demo, file,
server)."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from isms.db import Register, open_register
from isms.db.credentials import ServerAddress, with_stored_password
from isms.db.location import ENV_URL, Location, data_dir, demo_location, resolve
from isms.errors import IsmsError, StorageError
from isms.services.setup import init_register

from .dialogs.start_dialog import StartChoice, StartDialog
from .errors import ErrorReporter
from .operations import Progress, run_with_progress

log = logging.getLogger(__name__)

DEMO_NAME = "Demo council register (sample data)"
FILE_FILTER = "isms registers (*.isms);;All files (*)"


def startup_register(
    db: str | None, demo: bool, reporter: ErrorReporter, parent: QWidget | None = None
) -> Register | None:
    """The register named on the command line, by ISMS_DATABASE_URL, or chosen at the start dialog.

    Returns None when the user quits at the start dialog. Raises IsmsError when a register that
    was named explicitly cannot be opened. A damaged register file opens read-only, and the
    window says so with the CLI's message (what to do: restore from a backup).
    """
    register = _startup_register(db, demo, reporter, parent)
    if register is not None and register.damaged:
        reporter.expected(parent, StorageError(register.damaged), "isms — the register is damaged")
    return register


def _startup_register(
    db: str | None, demo: bool, reporter: ErrorReporter, parent: QWidget | None
) -> Register | None:
    if demo:
        return open_demo(parent)
    if db or os.environ.get(ENV_URL):
        # A server URL without a password gets the one remembered in the keyring, if any.
        return open_register(with_stored_password(resolve(db)))
    location = resolve(None)
    if location.path is None or location.path.exists():
        return open_register(location)
    return start_register(location, reporter, parent)


def start_register(
    location: Location, reporter: ErrorReporter, parent: QWidget | None = None
) -> Register | None:
    """Ask what to do when the default register does not exist yet, until something opens."""
    while True:
        choice = StartDialog.ask(location, parent)
        try:
            if choice is StartChoice.CREATE:
                register, _summary = init_register(location)
                log.info("created an empty register at %s", location.display())
                return register
            if choice is StartChoice.DEMO:
                return open_demo(parent)
            if choice is StartChoice.OPEN_FILE:
                path = ask_register_file(parent, data_dir())
                if path is not None:
                    return open_register(path)
                continue  # cancelled the file dialog: back to the choices
            if choice is StartChoice.OPEN_SERVER:
                on_server = ask_server_register(parent)
                if on_server is not None:
                    return on_server
                continue  # cancelled the server dialog: back to the choices
            return None
        except IsmsError as exc:
            reporter.expected(parent, exc, "isms — cannot open the register")


def ask_register_file(parent: QWidget | None, folder: Path) -> str | None:
    path, _filter = QFileDialog.getOpenFileName(parent, "Open register", str(folder), FILE_FILTER)
    return path or None


def ask_server_register(
    parent: QWidget | None = None, address: ServerAddress | None = None,
    problem: str | None = None,
) -> Register | None:
    """The "Open a register on a server" dialog: the register opened there, or None."""
    from .dialogs.server_register import ServerRegisterDialog

    return ServerRegisterDialog.ask(parent, address=address, problem=problem)


def reopen_server_register(url: str, parent: QWidget | None = None) -> Register | None:
    """Open a server register from its URL (no password): the remembered password, else ask.

    For Open recent. When the keyring has no password, or the one it has is refused, or the
    server cannot be reached, the server dialog opens filled in, saying what went wrong.
    """
    from isms.db.failures import plain_problem
    from isms.db.server import probe

    address = ServerAddress.from_url(url)
    location = with_stored_password(address.location())
    try:
        probe(address, location.url.password)  # a short connect timeout, not TCP's minutes
        return open_register(location)
    except IsmsError as exc:
        problem = plain_problem(address, exc)
    log.info("could not reopen %s without asking: %s", address.url_text(), problem)
    return ask_server_register(parent, address, problem)


def open_demo(parent: QWidget | None = None) -> Register:
    """The demo register, built in its own file the first time (never inside a real register)."""
    location = demo_location()
    assert location.path is not None  # the demo is always a file in the user's data folder
    if location.path.exists():
        return open_register(location)
    from isms.demo import build_demo  # only needed once per machine; keeps start-up light

    register, _summary = init_register(location, name=DEMO_NAME)
    def build(progress: Progress) -> object:
        def report(stage: str, done: int, total: int) -> None:
            progress(f"Sample data: {stage}…", done, total)

        return build_demo(register, progress=report)

    try:
        run_with_progress(parent, "Building the demo register", "Making up a sample council…",
                          build)
    except BaseException:
        # A half-built demo would be reopened as it is next time: remove it so it is rebuilt.
        register.close()
        _remove_sqlite_files(location.path)
        raise
    log.info("built the demo register at %s", location.path)
    return register


def _remove_sqlite_files(path: Path) -> None:
    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
