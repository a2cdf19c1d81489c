"""A QListWidget of checkable items, each carrying its value in Qt.UserRole."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidget


def ticked(widget: QListWidget) -> list[Any]:
    """The values of the checked items, in list order."""
    items = (widget.item(n) for n in range(widget.count()))
    return [item.data(Qt.ItemDataRole.UserRole) for item in items
            if item.checkState() == Qt.CheckState.Checked]


def tick(widget: QListWidget, value: Any, on: bool = True) -> None:
    """Check (or uncheck) the item whose value is ``value``."""
    for number in range(widget.count()):
        item = widget.item(number)
        if item.data(Qt.ItemDataRole.UserRole) == value:
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
