"""Settings → Protective markings…: the current scheme's markings with the local labels among
them, "Add local label…" (the words a department uses for one of them) and choosing the
register's current scheme, confirmed first.

Each change is one call into ``isms.services.edits.markings`` in one transaction, the calls
behind ``isms markings add`` and ``isms method scheme NAME``; a refusal (a label already there,
a user who is not an administrator) is said in the dialog and nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from isms.db import Register
from isms.errors import IsmsError, ValidationError
from isms.services import classification
from isms.services.changed import Changed
from isms.services.edits import Saved
from isms.services.edits import markings as marking_edits

from ..widgets.message_bar import MessageBar
from .base import RememberedDialog

if TYPE_CHECKING:
    from ..views.shell import Shell

#: Asks "Make X the current scheme?"; True to go on.
Confirm = Callable[[QWidget, str, str], bool]


def ask_yes(parent: QWidget, title: str, question: str) -> bool:
    answer = QMessageBox.question(
        parent, title, question,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel)
    return answer == QMessageBox.StandardButton.Yes


class LocalLabelDialog(RememberedDialog):
    """Add local label…: the words, and the marking of the scheme they stand for. Saved by
    Add (``edits.markings.add_local_label``); a refusal stays in the dialog to be fixed."""

    geometry_key = "local_label_dialog"

    def __init__(
        self, register: Register, markings: list[str], parent: QWidget | None = None,
        *, scheme: str = "",
    ) -> None:
        super().__init__(parent)
        self._register = register
        self.setWindowTitle("Add local label — isms")
        self.label_edit = QLineEdit()
        self.label_edit.setAccessibleName("Local label")
        self.label_edit.setMaxLength(classification.LABEL_LENGTH)
        self.label_edit.setPlaceholderText("As the department writes it, e.g. Council Confidential")
        self.marking_combo = QComboBox()
        self.marking_combo.setAccessibleName("Stands for")
        self.marking_combo.addItems(markings)
        note = QLabel(f"The label is kept among the markings of the {scheme} scheme, just above "
                      "the one it stands for: every handling rule for that marking applies to "
                      "it too.")
        note.setWordWrap(True)
        self.message = MessageBar()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.add_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.add_button.setText("Add")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        label = QLabel("&Label:")
        label.setBuddy(self.label_edit)
        stands = QLabel("&Stands for:")
        stands.setBuddy(self.marking_combo)
        form.addRow(label, self.label_edit)
        form.addRow(stands, self.marking_combo)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addWidget(buttons)
        #: What the save wrote (None until it did).
        self.saved: Saved | None = None
        self.restore_or_resize(480, 200)

    def save(self) -> bool:
        label = self.label_edit.text().strip()
        if not label:
            self.message.error("Give the label as the department writes it.",
                               focus=self.label_edit)
            return False
        try:
            with self._register.transaction() as session:
                self.saved = marking_edits.add_local_label(
                    session, label, stands_for=self.marking_combo.currentText())
        except IsmsError as exc:
            field = exc.field if isinstance(exc, ValidationError) else None
            self.message.error(str(exc), focus=self.marking_combo if field == "marking"
                               else self.label_edit)
            return False
        self.accept()
        return True


class MarkingsDialog(RememberedDialog):
    """The current scheme's markings and local labels; add a label; choose the scheme."""

    geometry_key = "markings_dialog"

    def __init__(
        self, register: Register, parent: QWidget | None = None, *, confirm: Confirm = ask_yes,
    ) -> None:
        super().__init__(parent)
        self._register = register
        self._confirm = confirm
        #: What was written while the dialog was open, for the window to refresh.
        self.changed = Changed()
        self.setWindowTitle("Protective markings — isms")
        self.scheme_combo = QComboBox()
        self.scheme_combo.setAccessibleName("Scheme")
        self.make_current_button = QPushButton("Make &current…")
        self.make_current_button.setToolTip(
            "Mark assets from this scheme from now on (administrators)")
        self.make_current_button.clicked.connect(self.make_current)
        self.scheme_combo.currentIndexChanged.connect(self._update_buttons)
        self.current_label = QLabel()
        self.current_label.setWordWrap(True)
        self.table = QTreeWidget()
        self.table.setAccessibleName("Markings")
        self.table.setRootIsDecorated(False)
        self.table.setHeaderLabels(["Rank", "Marking", "Local label for"])
        self.add_button = QPushButton("&Add local label…")
        self.add_button.setToolTip("The words a department uses for a marking of this scheme")
        self.add_button.clicked.connect(self.add_label)
        self.message = MessageBar()
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)

        scheme_row = QHBoxLayout()
        scheme_label = QLabel("&Scheme:")
        scheme_label.setBuddy(self.scheme_combo)
        scheme_row.addWidget(scheme_label)
        scheme_row.addWidget(self.scheme_combo, 1)
        scheme_row.addWidget(self.make_current_button)
        add_row = QHBoxLayout()
        add_row.addWidget(self.add_button)
        add_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(scheme_row)
        layout.addWidget(self.current_label)
        layout.addWidget(self.table, 1)
        layout.addLayout(add_row)
        layout.addWidget(self.message)
        layout.addWidget(close)
        self.load()
        self.restore_or_resize(560, 420)

    def load(self) -> None:
        """Read the schemes and the current one's markings again."""
        with self._register.session() as session:
            self.schemes = [scheme.name for scheme in classification.schemes(session)]
            self.current = classification.current_scheme(session).name
            self.rows = classification.markings(session)
        self.scheme_combo.blockSignals(True)
        self.scheme_combo.clear()
        for name in self.schemes:
            self.scheme_combo.addItem(f"{name} (current)" if name == self.current else name,
                                      name)
        self.scheme_combo.setCurrentIndex(self.schemes.index(self.current))
        self.scheme_combo.blockSignals(False)
        self.current_label.setText(
            f"Assets are marked from {self.current}. Its markings, least to most sensitive, "
            "with the local labels departments use for them:")
        self.table.clear()
        for row in self.rows:
            self.table.addTopLevelItem(QTreeWidgetItem(
                [str(row.rank), row.label, row.stands_for or ""]))
        for column in range(self.table.columnCount()):
            self.table.resizeColumnToContents(column)
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.make_current_button.setEnabled(self.scheme_combo.currentData() != self.current)

    def row_texts(self) -> list[list[str]]:
        items = (self.table.topLevelItem(n) for n in range(self.table.topLevelItemCount()))
        return [[item.text(c) for c in range(self.table.columnCount())]
                for item in items if item is not None]

    def add_label(self) -> None:
        dialog = LocalLabelDialog(self._register, [row.label for row in self.rows], self,
                                  scheme=self.current)
        if dialog.run() and dialog.saved is not None:
            self.changed = self.changed | dialog.saved.changed
            self.load()
            label = dialog.label_edit.text().strip().upper()
            self.message.info(f"Added the local label {label}.")

    def make_current(self) -> None:
        """Make the scheme chosen current, once the user confirms."""
        name = str(self.scheme_combo.currentData())
        if name == self.current:
            return
        if not self._confirm(self, "Make current scheme", (
                f"Mark assets from {name} from now on? Assets keep their {self.current} "
                "markings, shown as not in the scheme, until they are marked again.")):
            return
        try:
            with self._register.transaction() as session:
                saved = marking_edits.set_current_scheme(session, name)
        except IsmsError as exc:
            self.message.error(str(exc))
            return
        self.changed = self.changed | saved.changed
        self.load()
        self.message.info(f"{name} is now the current scheme.")


def open_markings(window: Shell) -> None:
    """Settings → Protective markings…; afterwards the window shows what changed."""
    dialog = MarkingsDialog(window.register, window)
    dialog.run()
    if dialog.changed.ids:
        window.refresh(dialog.changed)
