"""File menu: New register…, Open recent and Back up register… (Open, Import and Export live in
main_window / import_menu / export_view).

The recent list holds register files, newest first (``RECENT_REGISTERS`` in the UI settings),
and server registers as URLs without a password (``RECENT_SERVERS``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QWidget

from isms.db import Register, open_register
from isms.db.location import data_dir
from isms.errors import IsmsError, StorageError

from ..opening import FILE_FILTER
from ..operations import run_with_progress
from ..settings import RECENT_REGISTERS, RECENT_SERVERS

if TYPE_CHECKING:
    from .shell import Shell

log = logging.getLogger(__name__)

RECENT_MAX = 8
SUFFIX = ".isms"


# --- the recent lists (UI settings) ---------------------------------------------------------

def recent_registers() -> list[Path]:
    return [Path(item) for item in RECENT_REGISTERS.get()]


def _save_recent(paths: list[Path]) -> None:
    RECENT_REGISTERS.set(tuple(str(p) for p in paths[:RECENT_MAX]))


def recent_servers() -> list[str]:
    """Server registers opened lately, as URLs without passwords (those live in the keyring)."""
    return list(RECENT_SERVERS.get())


def remember_register(register: Register) -> None:
    """Put ``register`` first in the recent list: its file, or its URL without a password."""
    path = register.location.path
    if path is None:
        url = register.location.display()
        kept = [url, *(u for u in recent_servers() if u != url)]
        RECENT_SERVERS.set(tuple(kept[:RECENT_MAX]))
        return
    path = path.resolve()
    _save_recent([path, *(p for p in recent_registers() if p != path)])


def forget_register(path: Path) -> None:
    _save_recent([p for p in recent_registers() if p != path])


# --- asking for files (module functions so tests can answer them) --------------------------

def ask_new_register_file(parent: QWidget | None, folder: Path) -> str | None:
    path, _filter = QFileDialog.getSaveFileName(
        parent, "New register", str(folder / f"register{SUFFIX}"), FILE_FILTER)
    return path or None


def ask_backup_file(parent: QWidget | None, suggested: Path) -> str | None:
    path, _filter = QFileDialog.getSaveFileName(
        parent, "Back up the register to", str(suggested), FILE_FILTER)
    return path or None


def _with_suffix(chosen: str) -> Path:
    path = Path(chosen)
    return path if path.suffix else path.with_name(path.name + SUFFIX)


# --- the menu -------------------------------------------------------------------------------

class FileMenu:
    """Adds New register…, Open recent and Back up register… to the window's File menu."""

    def __init__(self, window: Shell, menu: QMenu,
                 switch: Callable[[Register], None]) -> None:
        self.window = window
        self._switch = switch
        self.new_action = menu.addAction("&New register…")
        self.new_action.triggered.connect(self.new_register)
        self.recent_menu = QMenu("Open &recent", menu)
        self.recent_menu.aboutToShow.connect(self.fill_recent)
        self.backup_action = menu.addAction("&Back up register…")
        self.backup_action.triggered.connect(self.backup)
        self.backup_action.setToolTip("Save a consistent copy of the register to a file")

    def place(self, menu: QMenu) -> None:
        """Put New first and Open recent / Back up after what is already in ``menu`` (Open)."""
        actions = menu.actions()
        menu.removeAction(self.new_action)
        menu.insertAction(actions[0], self.new_action)
        menu.removeAction(self.backup_action)
        menu.addMenu(self.recent_menu)
        menu.addSeparator()
        menu.addAction(self.backup_action)

    # --- New register… ---------------------------------------------------------------------

    def new_register(self) -> Register | None:
        from isms.services.setup import init_register  # reference data: only when creating

        current = self.window.register.location.path
        chosen = ask_new_register_file(self.window, current.parent if current else data_dir())
        if chosen is None:
            return None
        path = _with_suffix(chosen)
        if path.exists():  # the save dialog asked about overwriting; a register is never
            self.window.reporter.expected(
                self.window, StorageError(f"{path} already exists; choose a new name for the "
                                          "new register (an existing one is opened with Open)."),
                "isms — the register was not created")
            return None
        try:
            register, _summary = init_register(str(path))
        except IsmsError as exc:
            self.window.reporter.expected(self.window, exc, "isms — the register was not created")
            return None
        log.info("created a register at %s", path)
        self._switch(register)
        self.window.statusBar().showMessage(f"Created an empty register at {path}", 10000)
        return register

    # --- Open recent -----------------------------------------------------------------------

    def fill_recent(self) -> None:
        """Rebuild the submenu: missing files are listed greyed out, with a way to clear them."""
        self.recent_menu.clear()
        paths = recent_registers()
        missing = False
        for number, path in enumerate(paths, start=1):
            exists = path.exists()
            where = f"{path.name} — {path.parent}".replace("&", "&&")
            text = f"&{number} {where}"
            action = self.recent_menu.addAction(text if exists else f"{text} (missing)")
            action.setToolTip(str(path))
            action.setData(str(path))
            action.setEnabled(exists)
            action.triggered.connect(lambda _checked=False, p=path: self.open_recent(p))
            missing = missing or not exists
        servers = recent_servers()
        for number, url in enumerate(servers, start=1):
            action = self.recent_menu.addAction(f"Server &{chr(ord('a') + number - 1)} "
                                                + url.replace("&", "&&"))
            action.setData(url)
            action.triggered.connect(lambda _checked=False, u=url: self.open_recent_server(u))
        if not paths and not servers:
            self.recent_menu.addAction("No recent registers").setEnabled(False)
            return
        self.recent_menu.addSeparator()
        if missing:
            self.recent_menu.addAction("Remove &missing registers").triggered.connect(
                self.remove_missing)
        self.recent_menu.addAction("&Clear the list").triggered.connect(self.clear_recent)

    def clear_recent(self) -> None:
        _save_recent([])
        RECENT_SERVERS.set(())

    def open_recent_server(self, url: str) -> Register | None:
        """A server register from the list: the keyring's password, else the server dialog."""
        from ..opening import reopen_server_register

        register = reopen_server_register(url, self.window)
        if register is not None:
            self._switch(register)
        return register

    def remove_missing(self) -> list[Path]:
        gone = [p for p in recent_registers() if not p.exists()]
        _save_recent([p for p in recent_registers() if p.exists()])
        if gone:
            self.window.statusBar().showMessage(
                f"Removed {len(gone)} missing register{'s' if len(gone) != 1 else ''} from "
                "Open recent", 10000)
        return gone

    def open_recent(self, path: Path) -> Register | None:
        if not path.exists():
            forget_register(path)
            QMessageBox.information(
                self.window, "Register not found",
                f"{path} is no longer there (moved, renamed or deleted), so it was removed from "
                "Open recent.")
            return None
        try:
            register = open_register(str(path))
        except IsmsError as exc:
            self.window.reporter.expected(self.window, exc, "isms — cannot open the register")
            return None
        self._switch(register)
        return register

    # --- Back up register… -----------------------------------------------------------------

    def backup(self) -> Path | None:
        register = self.window.register
        source = register.location.path
        if source is None:
            self.window.reporter.expected(
                self.window, StorageError("Backups of a server register are taken on the server "
                                          "(pg_dump); `isms db copy` can copy it to a file."),
                "isms — no backup was made")
            return None
        stamp = datetime.now().strftime("%Y-%m-%d-%H%M")
        chosen = ask_backup_file(self.window, source.with_name(f"{source.stem}-{stamp}{SUFFIX}"))
        if chosen is None:
            return None
        target = _with_suffix(chosen)
        if target.resolve() == source.resolve():
            self.window.reporter.expected(
                self.window, StorageError("A backup cannot replace the register itself; choose "
                                          "another file."), "isms — no backup was made")
            return None
        # The save dialog already asked before replacing a file; the backup never overwrites.
        target.unlink(missing_ok=True)
        try:
            written = run_with_progress(self.window, "Backing up",
                                        f"Copying the register to {target.name}…",
                                        lambda _progress: register.backup(target))
        except IsmsError as exc:
            self.window.reporter.expected(self.window, exc, "isms — no backup was made")
            return None
        except OSError as exc:
            self.window.reporter.expected(
                self.window, StorageError(f"Could not write {target}: {exc.strerror or exc}"),
                "isms — no backup was made")
            return None
        self.window.statusBar().showMessage(f"Backed up the register to {written}", 15000)
        return written
