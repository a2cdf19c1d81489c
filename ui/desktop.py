"""Handing things to the desktop (file manager, browser)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QWidget


def open_folder(parent: QWidget | None, folder: Path) -> None:
    """Show ``folder`` in the file manager, or say where it is when there is none to ask."""
    folder.mkdir(parents=True, exist_ok=True)
    if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
        QMessageBox.information(parent, "isms", f"The folder is {folder}")


def open_file(parent: QWidget | None, path: Path) -> None:
    """Open ``path`` in the program the desktop uses for it, or say where it is."""
    if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
        QMessageBox.information(parent, "isms", f"The file is {path}")
