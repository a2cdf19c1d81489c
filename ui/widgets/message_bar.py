"""An inline message above a dialog's buttons: what went wrong (or happened) in plain words.

Dialogs use it instead of a message box for expected errors, so the user keeps their edits in
view while they fix what the message names, and tests can read it without a modal dialog.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QStyle, QWidget

_STYLES = {
    # Soft fills with a darker border: readable on light and dark palettes alike.
    "error": "QFrame#messageBar { background: #fdecea; border: 1px solid #e4a19b;"
             " border-radius: 4px; } QFrame#messageBar QLabel { color: #611a15; }",
    "info": "QFrame#messageBar { background: #e8f1fb; border: 1px solid #9fc1e6;"
            " border-radius: 4px; } QFrame#messageBar QLabel { color: #0d3c61; }",
}
_ICONS = {
    "error": QStyle.StandardPixmap.SP_MessageBoxWarning,
    "info": QStyle.StandardPixmap.SP_MessageBoxInformation,
}


class MessageBar(QFrame):
    """Hidden until there is something to say; ``kind`` is "error" or "info"."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messageBar")
        self.kind = ""
        self._icon = QLabel()
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.action = QPushButton()
        self.action.hide()
        self._action: Callable[[], object] | None = None
        self.action.clicked.connect(self._run_action)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addWidget(self._icon, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.action, 0, Qt.AlignmentFlag.AlignVCenter)
        self.hide()

    def show_message(
        self, kind: str, text: str, action: tuple[str, Callable[[], object]] | None = None
    ) -> None:
        self.kind = kind
        self.setStyleSheet(_STYLES[kind])
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize)
        self._icon.setPixmap(self.style().standardIcon(_ICONS[kind]).pixmap(size, size))
        self.label.setText(text)
        self.setAccessibleName(text)
        if action is None:
            self._action = None
            self.action.hide()
        else:
            self.action.setText(action[0])
            self._action = action[1]
            self.action.show()
        self.show()

    def error(
        self, text: str, action: tuple[str, Callable[[], object]] | None = None,
        *, focus: QWidget | None = None,
    ) -> None:
        """Say what went wrong; ``focus`` is the input it names, so the user can fix it."""
        self.show_message("error", text, action)
        if focus is not None:
            focus.setFocus(Qt.FocusReason.OtherFocusReason)

    def info(self, text: str) -> None:
        self.show_message("info", text)

    def clear(self) -> None:
        self.kind = ""
        self.label.clear()
        self._action = None
        self.hide()

    def text(self) -> str:
        """What the bar says ("" when it is hidden)."""
        return self.label.text() if self.kind else ""

    def _run_action(self) -> None:
        if self._action is not None:
            self._action()
