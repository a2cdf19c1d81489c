"""UI preferences (window geometry, column layout) in QSettings: one place names them.

The register's own settings (risk method, scheme...) live in the register, not here.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QWidget

ORGANISATION = "isms"
APPLICATION = "isms"


def settings() -> QSettings:
    """The user's UI settings, always as an INI file.

    INI on every platform (not the Windows registry) so a user can read, copy or delete the file,
    and so tests can redirect it with ``QSettings.setPath(IniFormat, UserScope, tmp)``.
    """
    return QSettings(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANISATION, APPLICATION
    )


def restore_geometry(widget: QWidget, key: str) -> bool:
    """Put a dialog back where the user last left it; False when there is nothing (valid) saved."""
    saved = settings().value(f"{key}/geometry")
    return isinstance(saved, QByteArray) and widget.restoreGeometry(saved)


def save_geometry(widget: QWidget, key: str) -> None:
    settings().setValue(f"{key}/geometry", widget.saveGeometry())
