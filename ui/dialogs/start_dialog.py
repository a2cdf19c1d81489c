"""The first-run dialog: there is no register yet, so what would the user like to do?"""

from __future__ import annotations

import enum

from PySide6.QtWidgets import (
    QCommandLinkButton,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from isms.db.location import Location


class StartChoice(enum.Enum):
    CREATE = "create"
    DEMO = "demo"
    OPEN_FILE = "open file"
    OPEN_SERVER = "open server"
    QUIT = "quit"


class StartDialog(QDialog):
    """Offers: create an empty register, open the demo, another file or a server register, or
    quit."""

    def __init__(self, location: Location, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Welcome to isms")
        self.choice = StartChoice.QUIT
        intro = QLabel(
            f"There is no register at <b>{location.display()}</b> yet.<br><br>"
            "A register keeps your council's information assets, risks, controls and reviews "
            "together in one file."
        )
        intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        self._buttons: dict[StartChoice, QCommandLinkButton] = {}
        for choice, title, detail in (
            (StartChoice.CREATE, "Create an empty register",
             f"A new register at {location.display()}, with the ISO/IEC 27001 controls and the "
             "default risk method, ready for your own assets and risks."),
            (StartChoice.DEMO, "Open the demo register",
             "A made-up council with sample data, in a file of its own: try things out "
             "without touching a real register."),
            (StartChoice.OPEN_FILE, "Open another register file…",
             "A register kept somewhere else, or one a colleague shared with you."),
            (StartChoice.OPEN_SERVER, "Open a register on a server…",
             "The council-wide register in a PostgreSQL database: give the server, the "
             "database and your user name."),
        ):
            button = QCommandLinkButton(title, detail)
            button.clicked.connect(lambda _=False, c=choice: self._choose(c))
            layout.addWidget(button)
            self._buttons[choice] = button
        # Enter creates the register: the usual first step on a new machine.
        self._buttons[StartChoice.CREATE].setDefault(True)
        self._buttons[StartChoice.CREATE].setFocus()
        quit_box = QDialogButtonBox()
        quit_box.addButton("Quit", QDialogButtonBox.ButtonRole.RejectRole)
        quit_box.rejected.connect(self.reject)
        layout.addWidget(quit_box)
        self.setMinimumWidth(560)

    def button(self, choice: StartChoice) -> QCommandLinkButton:
        """The button for ``choice`` (tests click it)."""
        return self._buttons[choice]

    def _choose(self, choice: StartChoice) -> None:
        self.choice = choice
        self.accept()

    @classmethod
    def ask(cls, location: Location, parent: QWidget | None = None) -> StartChoice:
        """Show the dialog and return what the user chose (QUIT when they close it)."""
        dialog = cls(location, parent)
        dialog.exec()
        return dialog.choice
