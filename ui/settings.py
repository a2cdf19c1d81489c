"""UI preferences in QSettings: every key the window stores is declared here, once.

Each preference is a ``Setting`` with its key, its type and its default: ``WINDOW_PAGE.get()``
reads it, ``WINDOW_PAGE.set("risks")`` writes it. Preferences kept once per page or per dialog
(column layouts, dialog geometries) are a ``SettingFamily``: ``PAGE_HEADER.of("risks")``.
Nothing else in ``ui/`` opens QSettings (a test checks), so this file lists all a user's settings
hold. The keys are the ones earlier versions wrote, so a user's settings still apply.

A value reads back as its type whatever the INI file holds: INI keeps no types (``true`` comes
back as a string, a one-item list as a plain string, an empty list as nothing), and a user may
edit the file by hand. What cannot be read as the setting's type gives its default.

The register's own settings (risk method, scheme...) live in the register, not here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QWidget

log = logging.getLogger(__name__)

ORGANISATION = "isms"
APPLICATION = "isms"

T = TypeVar("T")


def settings() -> QSettings:
    """The user's UI settings, always as an INI file.

    INI on every platform (not the Windows registry) so a user can read, copy or delete the file,
    and so tests can redirect it with ``QSettings.setPath(IniFormat, UserScope, tmp)``.
    Opening one is cheap (Qt shares the parsed file); each one writes the file when it goes,
    which is why ``batch()`` exists.
    """
    return QSettings(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANISATION, APPLICATION
    )


@contextmanager
def batch() -> Iterator[QSettings]:
    """One store for several settings written together (``setting.set(value, store)``): the
    file is written once, at the end, not once per setting (it may be on a slow profile share)."""
    store = settings()
    yield store
    store.sync()


def keep_in(folder: Path) -> None:
    """Keep the UI settings in ``folder`` from now on (the self-test's throwaway settings)."""
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))


# --- how each type of value is written and read back ------------------------------------------

@dataclass(frozen=True)
class Kind(Generic[T]):
    """How values of one type are written to the INI file and read back from it."""

    name: str
    #: The stored value as this type, or None when it cannot be one (the default is used).
    read: Callable[[object], T | None]
    #: What QSettings is given to store (a type INI keeps: str, bool, list of str, QByteArray).
    write: Callable[[T], object]


def _read_text(stored: object) -> str | None:
    return stored if isinstance(stored, str) else None


def _read_flag(stored: object) -> bool | None:
    if isinstance(stored, bool):
        return stored
    if isinstance(stored, str):  # what INI gives back for a bool written earlier
        return {"true": True, "1": True, "false": False, "0": False}.get(stored.strip().lower())
    return None


def _read_texts(stored: object) -> tuple[str, ...] | None:
    # INI gives a one-item list back as a plain str and a longer one as a list.
    items = [stored] if isinstance(stored, str) else stored if isinstance(stored, list) else None
    if items is None:
        return None
    return tuple(item for item in items if isinstance(item, str) and item)


def _read_bytes(stored: object) -> bytes | None:
    return bytes(stored.data()) if isinstance(stored, QByteArray) else None


def _read_folder(stored: object) -> Path | None:
    return Path(stored) if isinstance(stored, str) and stored.strip() else None


def _write_folder(folder: Path | None) -> str:
    return "" if folder is None else str(folder)


TEXT: Kind[str] = Kind("text", _read_text, str)
FLAG: Kind[bool] = Kind("flag", _read_flag, bool)
#: A list of texts (tuples, so a default can never be changed by a caller).
TEXTS: Kind[tuple[str, ...]] = Kind("texts", _read_texts, list)
#: Qt's saved states (geometry, header layout); stored as @ByteArray, read back as bytes.
BYTES: Kind[bytes] = Kind("bytes", _read_bytes, QByteArray)
FOLDER: Kind[Path | None] = Kind("folder", _read_folder, _write_folder)


# --- settings ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Setting(Generic[T]):
    """One preference: its key in the INI file, its type and what it is when not (validly) set."""

    key: str
    kind: Kind[T]
    default: T

    def get(self, store: QSettings | None = None) -> T:
        """The value saved, or the default when nothing (readable as this type) was saved."""
        try:
            stored = (store if store is not None else settings()).value(self.key)
        except Exception:  # noqa: BLE001 - an unreadable entry (a hand-edited @Variant) is unset
            log.warning("the UI setting %s could not be read; using its default", self.key,
                        exc_info=True)
            return self.default
        value = None if stored is None else self.kind.read(stored)
        return self.default if value is None else value

    def set(self, value: T, store: QSettings | None = None) -> None:
        (store if store is not None else settings()).setValue(self.key, self.kind.write(value))


@dataclass(frozen=True)
class SettingFamily(Generic[T]):
    """Settings of one type and default kept once per page or dialog, under ``pattern`` with
    the page's or dialog's name in place of ``{}``."""

    pattern: str
    kind: Kind[T]
    default: T

    def of(self, name: str) -> Setting[T]:
        return Setting(self.pattern.format(name), self.kind, self.default)


#: Every setting and family declared below, in order (the tests round-trip each one).
REGISTERED: list[Setting[Any] | SettingFamily[Any]] = []


def _setting(key: str, kind: Kind[T], default: T) -> Setting[T]:
    setting = Setting(key, kind, default)
    REGISTERED.append(setting)
    return setting


def _family(pattern: str, kind: Kind[T], default: T) -> SettingFamily[T]:
    family = SettingFamily(pattern, kind, default)
    REGISTERED.append(family)
    return family


# The main window: where it was, its toolbars, and the page shown (by key, not row).
WINDOW_GEOMETRY = _setting("main_window/geometry", BYTES, b"")
WINDOW_STATE = _setting("main_window/state", BYTES, b"")
WINDOW_PAGE = _setting("main_window/page", TEXT, "dashboard")
#: The toolbar's department, by code: ids differ from register to register. "" is the council.
DEPARTMENT = _setting("filter/department", TEXT, "")

# Registers opened lately, newest first: files, and server registers as URLs without a password
# (passwords live in the system keyring, never here).
RECENT_REGISTERS = _setting("recent/registers", TEXTS, ())
RECENT_SERVERS = _setting("recent/servers", TEXTS, ())
LAST_SERVER = _setting("server/last", TEXT, "")

#: Where the last export (a page, documents, review minutes) was written.
EXPORT_FOLDER = _setting("export/folder", FOLDER, None)
EXPORT_OPEN_RESULT = _setting("export/open_result", FLAG, True)
EXPORT_KIND = _setting("export/kind", TEXT, "soa")
#: Where the import wizard last found a file.
IMPORT_FOLDER = _setting("import_wizard/folder", FOLDER, None)

# Per register page (by its key): the header's layout and sort, and the columns it was saved
# with (comma-joined), since a saved layout only fits those columns.
PAGE_HEADER = _family("{}/header", BYTES, b"")
PAGE_COLUMNS = _family("{}/columns", TEXT, "")
#: Per dialog (by its ``geometry_key``): its size and place.
DIALOG_GEOMETRY = _family("{}/geometry", BYTES, b"")


def restore_geometry(widget: QWidget, name: str) -> bool:
    """Put a dialog back where the user last left it; False when there is nothing (valid) saved."""
    saved = DIALOG_GEOMETRY.of(name).get()
    return bool(saved) and widget.restoreGeometry(saved)


def save_geometry(widget: QWidget, name: str) -> None:
    DIALOG_GEOMETRY.of(name).set(bytes(widget.saveGeometry().data()))
