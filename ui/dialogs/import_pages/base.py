"""What every page of the import wizard has: the shared state, and a message bar at the foot."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget, QWizardPage

from ...widgets.message_bar import MessageBar
from .state import ImportState


class ImportPage(QWizardPage):
    """A page over the wizard's ``ImportState``; subclasses lay out ``self.body``.

    Expected errors go in the page's message bar, next to what the user must change, rather than
    in a message box over the wizard.
    """

    def __init__(self, state: ImportState, title: str, subtitle: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.setTitle(title)
        self.setSubTitle(subtitle)
        self.message = MessageBar()
        layout = QVBoxLayout(self)
        self.body = QVBoxLayout()
        layout.addLayout(self.body, 1)
        layout.addWidget(self.message)
