"""Risk → Awaiting my confirmation…: the decisions someone recorded for me (a risk acceptance
minuted at a meeting I did not attend, an approval above the appetite), which count only once I
confirm them, as myself. Confirm or decline each, as ``isms awaiting confirm|decline`` does.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from isms.db import Register
from isms.errors import IsmsError
from isms.services import awaiting
from isms.services.changed import Changed

from ..errors import ErrorReporter

#: The list item's data role holding the signature's number.
_NUMBER = Qt.ItemDataRole.UserRole


class AwaitingDialog(QDialog):
    """What awaits the acting user's confirmation; ``changed`` is what confirming wrote."""

    def __init__(self, register: Register, reporter: ErrorReporter,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Awaiting my confirmation")
        self.register = register
        self.reporter = reporter
        self.changed = Changed()
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.items = QListWidget()
        self.items.setWordWrap(True)  # a decision reads whole, not cut at the dialog's edge
        self.items.setAlternatingRowColors(True)
        self.items.setAccessibleName("Awaiting my confirmation")
        self.reason = QLineEdit()
        self.reason.setAccessibleName("Reason for declining")
        self.reason.setPlaceholderText("Why you decline it (kept with the record)")
        form = QFormLayout()
        form.addRow("&Reason to decline:", self.reason)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.confirm_button = QPushButton("&Confirm")
        self.decline_button = QPushButton("&Decline")
        buttons.addButton(self.confirm_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.decline_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.confirm_button.clicked.connect(self.confirm)
        self.decline_button.clicked.connect(self.decline)
        self.items.currentRowChanged.connect(self._update_buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.items, 1)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.resize(680, 360)
        self.reload()

    def reload(self) -> None:
        try:
            with self.register.session() as session:
                rows = awaiting.awaiting_me(session)
        except IsmsError as exc:
            self.reporter.expected(self, exc, "isms — what awaits you cannot be read")
            rows = []
        self.items.clear()
        for row in rows:
            meeting = f" at the meeting of {row.meeting_date}" if row.meeting_date else ""
            item = QListWidgetItem(
                f"{row.subject}: {row.detail} — recorded by {row.recorded_by} on "
                f"{row.recorded_at:%Y-%m-%d}{meeting}")
            item.setData(_NUMBER, row.id)
            self.items.addItem(item)
        self.heading.setText(
            (f"{len(rows)} decisions recorded for you await your confirmation: each counts "
             "only once you confirm it." if len(rows) > 1 else
             "A decision recorded for you awaits your confirmation: it counts only once you "
             "confirm it.") if rows else "Nothing awaits your confirmation.")
        if rows:
            self.items.setCurrentRow(0)
        self._update_buttons()

    def _update_buttons(self) -> None:
        chosen = self.chosen() is not None
        self.confirm_button.setEnabled(chosen)
        self.decline_button.setEnabled(chosen)

    def chosen(self) -> int | None:
        item = self.items.currentItem()
        value = item.data(_NUMBER) if item is not None else None
        return value if isinstance(value, int) else None

    def confirm(self) -> None:
        self._resolve(confirming=True)

    def decline(self) -> None:
        self._resolve(confirming=False)

    def _resolve(self, *, confirming: bool) -> None:
        number = self.chosen()
        if number is None:
            return
        try:
            with self.register.transaction() as session:
                if confirming:
                    done = awaiting.confirm(session, number, today=date.today())
                else:
                    done = awaiting.decline(session, number, self.reason.text())
        except IsmsError as exc:
            verb = "confirmed" if confirming else "declined"
            self.reporter.expected(self, exc, f"isms — it cannot be {verb}")
            return
        self.changed = self.changed | done
        self.reason.clear()
        self.reload()
