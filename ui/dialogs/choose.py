"""A small dialog that asks for one choice from a list (an owner, a department, a marking)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QComboBox, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from .base import RememberedDialog

#: (text shown, value returned); a value of None is a real choice ("No owner"), not a cancel.
Choice = tuple[str, int | None]


class ChooseDialog(RememberedDialog):
    geometry_key = "choose_dialog"

    def __init__(
        self, title: str, prompt: str, choices: Sequence[Choice], action: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        label = QLabel(prompt)
        label.setWordWrap(True)
        self.combo = QComboBox()
        self.combo.setAccessibleName(title.rstrip("…"))
        self.combo.setEditable(len(choices) > 15)  # type to find among many people
        if self.combo.isEditable():
            self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for text, value in choices:
            self.combo.addItem(text, value)
        label.setBuddy(self.combo)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(action)
        ok.setEnabled(bool(choices))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.combo)
        layout.addWidget(buttons)
        self.restore_or_resize(420, 140)

    def choose(self, text: str) -> None:
        """Select the choice shown as ``text`` (tests, keyboard)."""
        self.combo.setCurrentIndex(self.combo.findText(text))

    def value(self) -> int | None:
        data = self.combo.currentData()
        return data if isinstance(data, int) else None

    @classmethod
    def ask(
        cls, parent: QWidget | None, title: str, prompt: str, choices: Sequence[Choice],
        action: str = "OK",
    ) -> tuple[bool, int | None]:
        """(accepted, chosen value)."""
        dialog = cls(title, prompt, choices, action, parent)
        value: list[int | None] = [None]
        dialog.accepted.connect(lambda: value.__setitem__(0, dialog.value()))
        return dialog.run(), value[0]
