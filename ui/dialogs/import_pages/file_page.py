"""First page: what the file holds, which file, and which department it is for."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QWidget,
)

from isms.errors import IsmsError
from isms.io.readers import open_source

from ...settings import IMPORT_FOLDER
from .base import ImportPage
from .state import KINDS, NEEDS_DEPARTMENT, ImportState, load_departments

FILE_FILTER = ("Spreadsheets (*.xlsx *.xlsm *.xlsb *.xls *.ods *.csv *.tsv *.txt);;"
               "All files (*)")


def ask_open_path(parent: QWidget, folder: str) -> Path | None:
    """The file the user picks, or None when they cancel (tests replace this)."""
    chosen, _ = QFileDialog.getOpenFileName(parent, "Choose the department's file", folder,
                                            FILE_FILTER)
    return Path(chosen) if chosen else None


def path_from_text(text: str) -> Path | None:
    """A path as typed or pasted: quotes (Windows "Copy as path") and file:// URLs taken off."""
    text = text.strip().strip('"').strip("'").strip()
    if not text:
        return None
    if text.startswith("file:"):
        text = QUrl(text).toLocalFile()
    return Path(text).expanduser()


class FilePage(ImportPage):
    def __init__(self, state: ImportState, parent: QWidget | None = None) -> None:
        super().__init__(state, "Choose the file",
                         "A department's spreadsheet: .xlsx, .xls, .ods or .csv, in whatever "
                         "shape it arrived. Nothing is written until the last step.", parent)
        self.kind_buttons = QButtonGroup(self)
        kinds = QHBoxLayout()
        for key, (label, _noun, _plural) in KINDS.items():
            button = QRadioButton(label)
            button.setProperty("kind", key)
            button.setChecked(key == state.kind)
            self.kind_buttons.addButton(button)
            kinds.addWidget(button)
        kinds.addStretch(1)
        self.kind_buttons.buttonToggled.connect(self._kind_toggled)

        self.path_edit = QLineEdit()
        self.path_edit.setAccessibleName("File to import")
        self.path_edit.setPlaceholderText("Type a path, browse, or drop the file on this page")
        self.path_edit.setAcceptDrops(False)  # a dropped file goes to the page, not into the text
        self.path_edit.textChanged.connect(self._path_changed)
        self.browse = QPushButton("&Browse…")
        self.browse.clicked.connect(self.choose_file)
        file_row = QHBoxLayout()
        file_row.addWidget(self.path_edit, 1)
        file_row.addWidget(self.browse)

        self.department = QComboBox()
        self.department.setAccessibleName("Department the file is for")
        self.department_hint = QLabel()
        self.department_hint.setWordWrap(True)
        self.department.currentIndexChanged.connect(self._department_changed)

        form = QFormLayout()
        form.addRow("The file holds:", kinds)
        file_label = QLabel("&File:")
        file_label.setBuddy(self.path_edit)
        form.addRow(file_label, file_row)
        form.addRow("&Department:", self.department)
        form.addRow("", self.department_hint)
        self.body.addLayout(form)
        self.body.addStretch(1)
        self.setAcceptDrops(True)

    def initializePage(self) -> None:  # noqa: N802 - Qt API
        if self.department.count() == 0:
            with self.state.register.session() as session:
                departments = load_departments(session)
            self.department.addItem("— not one department: the file says —", None)
            for choice in departments:
                self.department.addItem(choice.label, choice.id)
        self._show_kind()

    # --- choices ---------------------------------------------------------------------------

    def set_kind(self, kind: str) -> None:
        for button in self.kind_buttons.buttons():
            if button.property("kind") == kind:
                button.setChecked(True)

    def set_department(self, department_id: int | None) -> None:
        self.department.setCurrentIndex(max(self.department.findData(department_id), 0))

    def choose_file(self) -> None:
        folder = IMPORT_FOLDER.get() or Path.home()
        chosen = ask_open_path(self, str(folder))
        if chosen is not None:
            IMPORT_FOLDER.set(chosen.parent)
            self.path_edit.setText(str(chosen))

    def _kind_toggled(self, button: QRadioButton, checked: bool) -> None:
        if checked:
            self.state.kind = str(button.property("kind"))
            self._show_kind()

    def _show_kind(self) -> None:
        kind = self.state.kind
        needed = kind in NEEDS_DEPARTMENT
        self.department.setEnabled(needed)
        if needed:
            self.department_hint.setText(
                f"Choose the department when the file is one department's {self.state.plural}; "
                "leave it when the file has a Department column saying whose each row is."
            )
        else:
            self.department_hint.setText(
                "Not needed: each practice belongs to the asset its row names.")
        wizard = self.wizard()
        if wizard is not None:
            wizard.setWindowTitle(f"Import {KINDS[kind][0].lower()} — isms")

    def _department_changed(self) -> None:
        data = self.department.currentData()
        self.state.department_id = data if isinstance(data, int) else None

    def _path_changed(self) -> None:
        self.message.clear()
        self.completeChanged.emit()

    # --- dropping a file -------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt API
        urls = event.mimeData().urls()
        if urls and urls[0].isLocalFile():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt API
        urls = event.mimeData().urls()
        if urls and urls[0].isLocalFile():
            self.path_edit.setText(urls[0].toLocalFile())
            event.acceptProposedAction()

    # --- leaving the page ------------------------------------------------------------------

    def isComplete(self) -> bool:  # noqa: N802 - Qt API
        return path_from_text(self.path_edit.text()) is not None

    def validatePage(self) -> bool:  # noqa: N802 - Qt API
        """Open the file to list its sheets: a file that cannot be read stops here, with the
        reason in one line."""
        path = path_from_text(self.path_edit.text())
        if path is None:
            return False
        if not path.is_file():
            self.message.error(f"{path} is not a file that can be found.", focus=self.path_edit)
            return False
        try:
            with open_source(path) as source:
                sheets, default = list(source.sheets), source.default_sheet()
        except IsmsError as exc:
            self.message.error(str(exc), focus=self.path_edit)
            return False
        self.message.clear()
        self.state.kind = self._checked_kind()
        self.state.path = path
        self.state.sheets, self.state.default_sheet = sheets, default
        return True

    def _checked_kind(self) -> str:
        checked = self.kind_buttons.checkedButton()
        return str(checked.property("kind")) if checked is not None else self.state.kind
