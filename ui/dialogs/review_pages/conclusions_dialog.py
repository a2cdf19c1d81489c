"""The meeting's conclusions (ISO/IEC 27001 9.3.3): the continuing suitability, adequacy and
effectiveness of the ISMS, the changes it needs and the resources. The chair cannot sign off
without all five; saving is one call of ``isms.services.reviews.meetings.conclude`` (as `isms
review conclude`)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from isms.services.reviews.meetings import CONCLUSIONS

from ...widgets.message_bar import MessageBar
from ..record_editor import text_box

#: The form's labels, with the mnemonic each box is reached by.
_LABELS = {"suitability": "&Suitability:", "adequacy": "A&dequacy:",
           "effectiveness": "&Effectiveness:", "changes": "C&hanges needed:",
           "resources": "&Resources needed:"}


class ConclusionsDialog(QDialog):
    """Five boxes, filled with what is recorded; :meth:`given` is what to save. A signed-off
    meeting's conclusions are only shown (``read_only``)."""

    def __init__(self, recorded: Sequence[tuple[str, str]], *, need_all: bool,
                 read_only: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Conclusions of the management review")
        self.need_all = need_all
        note = QLabel("What the meeting concluded (ISO/IEC 27001 9.3.3). The chair signs off "
                      "only once all five are recorded.")
        note.setWordWrap(True)
        self.boxes: dict[str, QPlainTextEdit] = {}
        form = QFormLayout()
        labels = dict(CONCLUSIONS)
        for key, text in recorded:
            box = text_box(3, self)
            box.setPlainText(text)
            box.setReadOnly(read_only)
            box.setAccessibleName(labels[key])
            box.setToolTip(labels[key])
            self.boxes[key] = box
            form.addRow(_LABELS[key], box)
        self.message = MessageBar()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.addButton("Sa&ve the conclusions",
                                             QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.save_button.setDefault(True)
        if read_only:  # signed off: nothing to save
            self.save_button.hide()
            buttons.setStandardButtons(QDialogButtonBox.StandardButton.Close)
        self.resize(560, 480)

    def given(self) -> dict[str, str]:
        return {key: box.toPlainText().strip() for key, box in self.boxes.items()}

    def accept(self) -> None:
        if self.need_all:
            missing = [key for key, text in self.given().items() if not text]
            if missing:
                self.message.error(
                    f"Record the conclusion{'s' * (len(missing) > 1)} on {', '.join(missing)} "
                    "before signing off.",
                    focus=self.boxes[missing[0]])
                return
        super().accept()
