"""Answer escalation…: the SIRO's answer to an escalation a review meeting set, recorded with
one call, ``actions.answer_named`` (as `isms actions answer MEETING/AN TEXT`), who and when
kept with it. Lists the escalations still open; one already answered takes a new answer."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QWidget,
)

from isms.db import Register
from isms.errors import IsmsError
from isms.services import actions


class EscalationAnswerDialog(QDialog):
    def __init__(self, register: Register, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._register = register
        self.setWindowTitle("Answer escalation — isms")
        with register.session() as session:
            self.escalations = actions.open_escalations(session)
        self.escalation_combo = QComboBox()
        self.escalation_combo.setAccessibleName("Escalation")
        for escalation in self.escalations:
            self.escalation_combo.addItem(escalation.label, escalation.ref)
        self.answer_edit = QPlainTextEdit()
        self.answer_edit.setAccessibleName("The SIRO's answer")
        self.answer_edit.setPlaceholderText("The SIRO's decision, in words (kept with who "
                                            "recorded it and when)")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setVisible(not self.escalations)
        if not self.escalations:
            self.message.setText("No escalation to the SIRO is open.")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Record the answer")
        self.ok_button.setEnabled(False)
        self.answer_edit.textChanged.connect(self._update)
        buttons.accepted.connect(self.record)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("&Escalation:", self.escalation_combo)
        form.addRow("&Answer:", self.answer_edit)
        form.addRow(self.message)
        form.addRow(buttons)
        self.answer_edit.setFocus()
        self.answered: str | None = None

    def _update(self) -> None:
        self.ok_button.setEnabled(bool(self.escalations)
                                  and bool(self.answer_edit.toPlainText().strip()))

    def choose(self, ref: str) -> None:
        index = self.escalation_combo.findData(ref)
        if index >= 0:
            self.escalation_combo.setCurrentIndex(index)

    def record(self) -> None:
        """One service call; on an error say why, record nothing, stay open."""
        ref = self.escalation_combo.currentData()
        try:
            with self._register.transaction() as session:
                actions.answer_named(session, ref, self.answer_edit.toPlainText())
        except IsmsError as exc:
            self.message.setText(str(exc))
            self.message.setVisible(True)
            return
        self.answered = ref
        self.accept()

    @classmethod
    def ask(cls, register: Register, parent: QWidget | None = None) -> str | None:
        """The escalation answered (its reference), or None."""
        dialog = cls(register, parent)
        try:
            dialog.exec()
            return dialog.answered
        finally:
            dialog.deleteLater()
