"""What the SMG looks at before deciding: the item, its subject's facts, earlier decisions on it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QLabel,
    QListWidget,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from isms.services.reviews.meetings import AgendaItemView, ItemContext

NO_HISTORY = "No earlier decisions on this."


def _selectable(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class ContextPanel(QWidget):
    """The item's title and detail, its facts as a form, and its history as a list."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind_label = QLabel()
        self.title_label = _selectable("")
        font = self.title_label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.title_label.setFont(font)
        self.detail_label = _selectable("")
        self.facts = QFormLayout()
        facts_box = QWidget()
        facts_box.setLayout(self.facts)
        # The facts scroll on a small screen; the area itself takes no focus (its labels have
        # nothing to type into), so Tab goes straight from the agenda to the history.
        scroll = QScrollArea()
        scroll.setWidget(facts_box)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.history = QListWidget()
        self.history.setAccessibleName("Earlier decisions")
        self.history.setMaximumHeight(self.fontMetrics().height() * 5 + 12)
        history_label = QLabel("&History:")
        history_label.setBuddy(self.history)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.kind_label)
        layout.addWidget(self.title_label)
        layout.addWidget(self.detail_label)
        layout.addWidget(scroll, 1)
        layout.addWidget(history_label)
        layout.addWidget(self.history)

    def show_item(self, item: AgendaItemView | None, context: ItemContext | None) -> None:
        self.kind_label.setText(item.kind.value.capitalize() if item else "")
        self.title_label.setText(item.title if item else "Nothing on the agenda yet.")
        self.detail_label.setText(item.detail if item else "")
        self.detail_label.setVisible(bool(item and item.detail))
        while self.facts.rowCount():
            self.facts.removeRow(0)
        self.history.clear()
        if context is None:
            return
        for name, value in context.facts:
            self.facts.addRow(f"{name}:", _selectable(value))
        for day, text in context.history:
            self.history.addItem(f"{day.isoformat()}  {text}")
        if not context.history:
            self.history.addItem(NO_HISTORY)

    def fact_texts(self) -> dict[str, str]:
        """The facts shown, by name (for tests and screen-reader checks)."""
        shown: dict[str, str] = {}
        for row in range(self.facts.rowCount()):
            label = self.facts.itemAt(row, QFormLayout.ItemRole.LabelRole)
            field = self.facts.itemAt(row, QFormLayout.ItemRole.FieldRole)
            if label is None or field is None:
                continue
            name, value = label.widget(), field.widget()
            if isinstance(name, QLabel) and isinstance(value, QLabel):
                shown[name.text().rstrip(":")] = value.text()
        return shown
