"""UI preferences (window geometry, column layout) in QSettings: one place names them.

The register's own settings (risk method, scheme...) live in the register, not here.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings

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
