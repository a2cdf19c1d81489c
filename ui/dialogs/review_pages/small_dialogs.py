"""The review wizard's two small questions: a management-review input to add, and who signs off."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ...widgets.message_bar import MessageBar
from ..record_editor import text_box
from .decision_form import People


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
    """Who signs the meeting off: the chair by default; the services check the approver role."""

    def __init__(self, people: People, chair_id: int | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Sign the meeting off")
        self.signer = QComboBox()
        self.signer.setAccessibleName("Signed off by")
        for text, person_id in people:
            self.signer.addItem(text, person_id)
        chair = self.signer.findData(chair_id)
        self.signer.setCurrentIndex(max(chair, 0))
        note = QLabel("Once signed off the meeting's decisions cannot be changed. Only the chair, "
                      "holding the approver role, can sign it off.")
        note.setWordWrap(True)
        form = QFormLayout()
        form.addRow("&Signed off by:", self.signer)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.sign_button = buttons.addButton("Si&gn off", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.sign_button.setDefault(True)
        self.resize(440, 160)

    def signer_id(self) -> int | None:
        value = self.signer.currentData()
        return value if isinstance(value, int) else None
