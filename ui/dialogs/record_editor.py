"""What the treatment-action, SoA and evidence editors share (the asset editor's pattern).

A subclass reads its record into plain values (``_read``), shows them (``_show``), says what
the form holds now (``values``) and what stops a save (``problems``), and writes the edited
fields through an ``isms.services.records`` function (``_write``). This base saves only the
changed fields in one ``register.transaction()``, checked against the version read with
``isms.db.expect_version``: a stale save is refused with a Reload button, and a
ValidationError puts the focus on the input its ``field`` names.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from isms.db import Register
from isms.errors import ConflictError, IsmsError, ValidationError

from ..widgets.message_bar import MessageBar
from .base import RememberedDialog

WARNING_TEXT = "#b3261e"
#: (text shown, id)
Choices = tuple[tuple[str, int], ...]


class OptionalDate(QWidget):
    """A date that may be blank: a check box ("Set") enabling a date picker."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.check = QCheckBox("Set")
        self.check.setAccessibleName(f"{name} is set")
        self.edit = QDateEdit()
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat("yyyy-MM-dd")
        self.edit.setAccessibleName(name)
        self.edit.setEnabled(False)
        self.check.toggled.connect(self.edit.setEnabled)
        self.check.toggled.connect(self._focus_date)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.check)
        layout.addWidget(self.edit)
        layout.addStretch(1)
        self.setFocusProxy(self.check)

    def _focus_date(self, on: bool) -> None:
        self.setFocusProxy(self.edit if on else self.check)

    def value(self) -> date | None:
        if not self.check.isChecked():
            return None
        picked: date = self.edit.date().toPython()  # type: ignore[assignment]
        return picked

    def set_value(self, value: date | None) -> None:
        self.check.setChecked(value is not None)
        self.edit.setDate(qdate(value) if value else QDate.currentDate())


def qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def text_box(lines: int, owner: QWidget) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)
    box.setFixedHeight(owner.fontMetrics().height() * lines + 12)
    return box


def fill_combo(combo: QComboBox, items: Choices, none_text: str | None) -> None:
    combo.clear()
    if none_text is not None:
        combo.addItem(none_text, None)
    for text, value in items:
        combo.addItem(text, value)


def select(combo: QComboBox, value: object, missing: str | None = None) -> None:
    """Show ``value``; one the choices lack (a person who left) is added as ``missing``."""
    index = combo.findData(value)
    if index < 0 and missing is not None:
        combo.addItem(missing, value)
        index = combo.count() - 1
    combo.setCurrentIndex(max(index, 0))


class RecordEditor(RememberedDialog):
    """Edit one versioned record; subclasses fill in the form and the service call."""

    #: Column name -> the version read, for expect_version (set by ``_read``).
    version: int = 0

    def __init__(self, register: Register, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._register = register
        self.message = MessageBar()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setToolTip("Save the changes (Ctrl+S)")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save)
        self.hint_label = QLabel()
        self.hint_label.setWordWrap(True)
        self.hint_label.setStyleSheet(f"color: {WARNING_TEXT};")
        self.saved_values: dict[str, Any] = {}

    def finish(self, form: QFormLayout, first: QWidget, width: int, height: int) -> None:
        """Lay the form out above the hints, message and buttons; show the record."""
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.hint_label)
        layout.addStretch(1)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.save_button.setDefault(True)
        self._show()
        self.update_hints()
        first.setFocus(Qt.FocusReason.OtherFocusReason)
        self.restore_or_resize(width, height)

    # --- for subclasses --------------------------------------------------------------------

    def _read(self) -> None:
        """Read the record into ``saved_values`` and ``version`` (one short session)."""
        raise NotImplementedError

    def _show(self) -> None:
        raise NotImplementedError

    def values(self) -> dict[str, Any]:
        raise NotImplementedError

    def problems(self) -> list[tuple[str, QWidget]]:
        """What stops a save, each with the input to fix (the services check again)."""
        return []

    def field_widgets(self) -> dict[str, QWidget]:
        """The input each service field name is edited in."""
        raise NotImplementedError

    def _write(self, session: Session, edited: dict[str, Any]) -> None:
        """Check the version and apply ``edited`` through the services (inside the save)."""
        raise NotImplementedError

    # --- shared ----------------------------------------------------------------------------

    def edited(self) -> dict[str, Any]:
        """Only the fields the user changed: a save never rewrites what they left alone."""
        return {k: v for k, v in self.values().items() if v != self.saved_values.get(k)}

    def update_hints(self) -> None:
        text = "\n".join(message for message, _field in self.problems())
        self.hint_label.setText(text)
        self.hint_label.setVisible(bool(text))

    def save(self) -> bool:
        """Apply the changes in one transaction; on an error say why, save nothing, stay open."""
        problems = self.problems()
        if problems:
            text, field = problems[0]
            self.message.error(text, focus=field)
            return False
        edited = self.edited()
        if not edited and self.version:
            self.accept()
            return True
        try:
            with self._register.transaction() as session, session.no_autoflush:
                self._write(session, edited)
        except ConflictError as exc:
            self.message.error(str(exc), ("Reload", self.reload))
            return False
        except IsmsError as exc:
            named = exc.field if isinstance(exc, ValidationError) else None
            self.message.error(str(exc), focus=self.field_widgets().get(named or ""))
            return False
        self.accept()
        return True

    def reload(self) -> None:
        """Read the record again as it is saved now (after a conflict), dropping the edits."""
        self._read()
        self._show()
        self.update_hints()
        self.message.info("Showing the record as it is saved now. Make your change again and "
                          "save.")
