"""What every record editor shares: asset, risk, treatment action, SoA entry and evidence.

A subclass reads its record into plain values (``_read``), shows them (``_show``), says what
the form holds now (``values``) and what stops a save (``problems``), and writes the edited
fields with one call into ``isms.services.edits`` (``_save``), the call the command line can
make too. This base saves only the changed fields in one ``register.transaction()``; the
service checks the record is still the version read: a stale save is refused with a Reload
button and a :class:`~ui.dialogs.conflict.ConflictDialog` showing, field by field, the user's
values and the ones saved now; a ValidationError puts the focus on the input its ``field``
names. What the save wrote is kept as ``change`` (an ``edits.Saved``, with the id of the change
the service recorded), for the window's undo history.
"""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from isms.db import Register
from isms.errors import ConflictError, IsmsError, ValidationError
from isms.services.edits import Saved

from ..widgets.message_bar import MessageBar
from .base import RememberedDialog
from .conflict import ConflictDialog, ConflictRow

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

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

    #: The version read (set by ``_read``): a save is refused unless the record is still at it.
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
        #: The dialog of the last refused stale save (None until there was one).
        self.conflict: ConflictDialog | None = None
        #: What the save wrote, with the change recorded for undo (None until a save).
        self.change: Saved | None = None

    def finish(self, form: QFormLayout, first: QWidget, width: int, height: int) -> None:
        """Lay the form out above the message and buttons; show the record; focus ``first``."""
        layout = QVBoxLayout(self)
        self.lay_out(layout, form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        # Only once the button is in the dialog does the dialog take it as its Enter button.
        self.save_button.setDefault(True)
        self._show()
        self.update_hints()
        first.setFocus(Qt.FocusReason.OtherFocusReason)
        self.restore_or_resize(width, height)

    def lay_out(self, layout: QVBoxLayout, form: QFormLayout) -> None:
        """What stands above the message and buttons: the form, then the live hints."""
        layout.addLayout(form)
        layout.addWidget(self.hint_label)
        layout.addStretch(1)

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

    def _save(self, session: Session, edited: dict[str, Any]) -> Saved:
        """Save ``edited`` with one ``isms.services.edits`` call, checked against
        ``version`` (inside the save's transaction)."""
        raise NotImplementedError

    def _saved(self) -> None:
        """After the save's transaction committed."""

    def record_name(self) -> str:
        """How messages name the record ("A-003", "R-001"...)."""
        return "the record"

    def field_widget(self, name: str) -> QWidget | None:
        """The input a ValidationError's ``field`` names ("title", "owner_id"...)."""
        return self.field_widgets().get(name)

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
            with self._register.transaction() as session:
                saved = self._save(session, edited)
        except ConflictError as exc:
            self.message.error(str(exc), ("Reload", self.reload))
            self.show_conflict(str(exc))
            return False
        except IsmsError as exc:
            named = exc.field if isinstance(exc, ValidationError) else None
            self.message.error(str(exc), focus=self.field_widget(named or ""))
            return False
        self.change = saved
        self._saved()
        self.accept()
        return True

    def reload(self) -> None:
        """Read the record again as it is saved now (after a conflict), dropping the edits."""
        self._read()
        self._show()
        self.update_hints()
        self.message.info(f"Showing {self.record_name()} as it is saved now. Make your change "
                          "again and save.")

    # --- conflicts -------------------------------------------------------------------------

    def theirs(self) -> dict[str, Any]:
        """The record's values as the register holds them now, read in a new session.

        ``_read`` fills the editor's own state, so that state is put back as it was: the
        form, and the version a save checks against, stay those the user saw.
        """
        kept = dict(vars(self))
        try:
            self._read()
            return dict(self.saved_values)
        finally:
            vars(self).update(kept)

    def conflict_rows(self) -> list[ConflictRow]:
        """Each field: its label, the user's value and the saved one, as the form shows them."""
        theirs = self.theirs()
        widgets = self.field_widgets()
        return [
            ConflictRow(label_of(name, widgets.get(name)),
                        self.describe(name, value), self.describe(name, theirs.get(name)))
            for name, value in self.values().items()
        ]

    def describe(self, name: str, value: object) -> str:
        """A value in the words its input shows it ("Alice Archer", not 7)."""
        if isinstance(value, Enum):
            value = value.value
        widget = self.field_widgets().get(name)
        if isinstance(value, list | tuple):
            if isinstance(widget, QListWidget):
                texts = {widget.item(row).data(Qt.ItemDataRole.UserRole): widget.item(row).text()
                         for row in range(widget.count())}
                return "; ".join(str(texts.get(item, item)) for item in value) or "None"
            return "; ".join(str(item) for item in value) or "None"
        if isinstance(widget, QComboBox):
            index = widget.findData(value)
            if index >= 0:
                return widget.itemText(index)
        if value is None or value == "":
            return "—"
        if isinstance(value, bool):
            return "Yes" if value else "No"
        if isinstance(value, date):
            return value.isoformat()
        return str(value)

    def show_conflict(self, reason: str) -> None:
        """Open the conflict dialog (window-modal, not blocking) for a refused stale save."""
        try:
            rows = self.conflict_rows()
        except IsmsError:  # gone meanwhile: the message bar says what happened
            return
        if self.conflict is not None:
            self.conflict.deleteLater()
        self.conflict = ConflictDialog(self.record_name(), reason, rows, self)
        self.conflict.reload_requested.connect(self.reload)
        self.conflict.open()


def label_of(name: str, widget: QWidget | None) -> str:
    """The name a field's input is known by (its accessible name), else one from ``name``."""
    if isinstance(widget, OptionalDate):
        widget = widget.edit
    if widget is not None and widget.accessibleName():
        return widget.accessibleName()
    if isinstance(widget, QAbstractButton) and widget.text():
        return widget.text().replace("&", "")
    return name.replace("_", " ").capitalize()
