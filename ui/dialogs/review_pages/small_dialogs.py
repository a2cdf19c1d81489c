"""The review wizard's small questions: a management-review input to add, signing off (as
yourself), and holding a meeting before its planned date (moving it to today)."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from isms.db import Register
from isms.errors import IsmsError
from isms.services.reviews.common import meeting_by_id
from isms.services.reviews.meetings import redate
from isms.services.signatures import acting_person

from ...errors import ErrorReporter
from ...widgets.message_bar import MessageBar
from ..record_editor import text_box


class AddInputDialog(QDialog):
    """An input to the management review (9.3): a title and what was said about it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add a management review input")
        self.title_edit = QLineEdit()
        self.title_edit.setAccessibleName("Input title")
        self.title_edit.setPlaceholderText("e.g. Results of the internal audit")
        self.detail_edit = text_box(4, self)
        self.detail_edit.setAccessibleName("Input detail")
        self.message = MessageBar()
        form = QFormLayout()
        form.addRow("&Title:", self.title_edit)
        form.addRow("&Detail:", self.detail_edit)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.add_button = buttons.addButton("&Add to the agenda",
                                            QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.add_button.setDefault(True)
        self.resize(480, 220)

    def title(self) -> str:
        return self.title_edit.text().strip()

    def detail(self) -> str:
        return self.detail_edit.toPlainText().strip()

    def accept(self) -> None:
        if not self.title():
            self.message.error("The input needs a title.", focus=self.title_edit)
            return
        super().accept()


class SignOffDialog(QDialog):
    """Signing the meeting off is the acting user's own act: shown, never chosen; the services
    check that they chair it and hold the approver role."""

    def __init__(self, signer: str | None, chair: str | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Sign the meeting off")
        self.signer = QLabel(f"{signer} (you)" if signer else
                             "You are not a person of this register: you cannot sign.")
        self.signer.setAccessibleName("Signed off by")
        note = QLabel("Once signed off the meeting's decisions cannot be changed. Only the chair"
                      f" ({chair or 'none'}), holding the approver role, can sign it off, as "
                      "themselves.")
        note.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Signed off by:", self.signer)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.sign_button = buttons.addButton("Si&gn off", QDialogButtonBox.ButtonRole.AcceptRole)
        self.sign_button.setEnabled(bool(signer))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.sign_button.setDefault(True)
        self.resize(440, 160)


def signer_and_chair(register: Register, meeting_id: int) -> tuple[str | None, str | None]:
    """The acting user's name (None: no person of the register) and the meeting chair's."""
    with register.session() as session:
        me = acting_person(session)
        chair = meeting_by_id(session, meeting_id).chair
        return (me.name if me is not None else None,
                chair.name if chair is not None else None)


def held_today(parent: QWidget, register: Register, meeting_id: int, today: date,
               reporter: ErrorReporter) -> bool:
    """Whether the meeting can start today: it is planned for today or before, or the user,
    asked, moves it to today (a meeting cannot start before its date)."""
    with register.session() as session:
        meeting = meeting_by_id(session, meeting_id)
        ref, planned = meeting.ref, meeting.meeting_date
    if planned <= today:
        return True
    answer = QMessageBox.question(
        parent, "Start the meeting",
        f"Review {ref} is planned for {planned:%A %d %B %Y}; a meeting cannot start before its "
        f"date. Is it being held today instead? Yes moves it to today ({today:%d %B %Y}).")
    if answer != QMessageBox.StandardButton.Yes:
        return False
    try:
        with register.transaction() as session:
            redate(session, meeting_id, today, today=today)
    except IsmsError as exc:
        reporter.expected(parent, exc, "Start the meeting")
        return False
    return True
