"""What every editor dialog shares: it comes back where the user left it."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QWidget

from ..settings import restore_geometry, save_geometry


class RememberedDialog(QDialog):
    """A dialog that restores its size and place (``geometry_key`` in the UI settings)."""

    #: Settings group for the geometry; each dialog class names its own.
    geometry_key = "dialog"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._restored = False

    def restore_or_resize(self, width: int, height: int) -> None:
        """Call once the layout is built: the saved geometry, or this default size."""
        self._restored = restore_geometry(self, self.geometry_key)
        if not self._restored:
            # Never bigger than the screen: a council laptop may have a small one.
            screen = self.screen().availableGeometry()
            self.resize(min(width, screen.width() * 95 // 100),
                        min(height, screen.height() * 9 // 10))

    def run(self) -> bool:
        """Show modally, then let Qt delete the dialog; True when the user accepted it.

        What the dialog produced (a change summary...) stays readable on the Python side.
        """
        try:
            return self.exec() == self.DialogCode.Accepted
        finally:
            self.deleteLater()

    def done(self, result: int) -> None:
        save_geometry(self, self.geometry_key)
        super().done(result)
