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


#: The text encodings offered for a CSV file: (shown, codec); None: detected.
ENCODINGS: tuple[tuple[str, str | None], ...] = (
    ("Detected", None), ("UTF-8", "utf-8"), ("Windows, Western European (1252)", "cp1252"),
    ("Mac Roman", "mac_roman"), ("Windows, Central European (1250)", "cp1250"),
    ("Windows, Greek (1253)", "cp1253"),
)


#: Why a kind of file needs no department chosen here.
_NO_DEPARTMENT = {
    "handling": "Not needed: each practice belongs to the asset its row names.",
    "people": "Not needed: each person's department is the one their row names.",
}


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
        # A first import into an empty register has no department to offer: add it here.
        self.new_department = QPushButton("Ne&w department…")  # Alt+N is Next
        self.new_department.setToolTip("Add the department the file is for to the register "
                                       "(as Settings → Departments… does) and choose it")
        self.new_department.clicked.connect(self.add_department)
        department_row = QHBoxLayout()
        department_row.addWidget(self.department, 1)
        department_row.addWidget(self.new_department)

        form = QFormLayout()
        form.addRow("The file holds:", kinds)
        file_label = QLabel("&File:")
        file_label.setBuddy(self.path_edit)
        form.addRow(file_label, file_row)
        department_label = QLabel("&Department:")
        department_label.setBuddy(self.department)
        form.addRow(department_label, department_row)
        form.addRow("", self.department_hint)
        self.encoding = QComboBox()
        self.encoding.setAccessibleName("Text encoding of a CSV file")
        self.encoding.setToolTip("How a CSV file's letters are stored; leave it on Detected "
                                 "unless accented letters look wrong")
        for label, codec in ENCODINGS:
            self.encoding.addItem(label, codec)
        self.encoding.currentIndexChanged.connect(self._encoding_changed)
        encoding_label = QLabel("Text &encoding (CSV):")
        encoding_label.setBuddy(self.encoding)
        form.addRow(encoding_label, self.encoding)
        self.body.addLayout(form)
        self.body.addStretch(1)
        self.setAcceptDrops(True)

    def initializePage(self) -> None:  # noqa: N802 - Qt API
        if self.department.count() == 0:
            self._load_departments()
        self._show_kind()

    def _load_departments(self) -> None:
        """List the register's departments, keeping the one chosen (the signal is quiet: the
        caller chooses afterwards, or the choice is unchanged)."""
        with self.state.register.session() as session:
            departments = load_departments(session)
        self.department.blockSignals(True)
        try:
            self.department.clear()
            self.department.addItem("— not one department: the file says —", None)
            for choice in departments:
                self.department.addItem(choice.label, choice.id)
            self.department.setCurrentIndex(
                max(self.department.findData(self.state.department_id), 0))
        finally:
            self.department.blockSignals(False)

    # --- choices ---------------------------------------------------------------------------

    def set_kind(self, kind: str) -> None:
        for button in self.kind_buttons.buttons():
            if button.property("kind") == kind:
                button.setChecked(True)

    def set_department(self, department_id: int | None) -> None:
        self.department.setCurrentIndex(max(self.department.findData(department_id), 0))

    def add_department(self) -> int | None:
        """New department…: the department editor on a new department; once added, the list
        offers it and it is chosen. Its id, or None when nothing was added."""
        from ..org_editors import DepartmentEditor  # loads when first used

        editor = DepartmentEditor(self.state.register, None, self)
        if not editor.run() or editor.created is None:
            return None
        self._load_departments()
        self.set_department(editor.created)
        self._show_kind()  # the hint for an empty register no longer applies
        self.message.info(f"Added the department {self.department.currentText()}: the file is "
                          "imported into it.")
        return editor.created

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
        self.new_department.setEnabled(needed)
        if not needed:
            self.department_hint.setText(_NO_DEPARTMENT.get(kind, "Not needed for this file."))
        elif self.department.count() <= 1:  # only "not one department": the register has none
            self.department_hint.setText(
                "The register has no department yet: add the one the file is for with New "
                "department…, or leave it when the file has a Department column (the Values "
                "page can then create the departments it names).")
        else:
            self.department_hint.setText(
                f"Choose the department when the file is one department's {self.state.plural}; "
                "leave it when the file has a Department column saying whose each row is."
            )
        wizard = self.wizard()
        if wizard is not None:
            wizard.setWindowTitle(f"Import {KINDS[kind][0].lower()} — isms")

    def _department_changed(self) -> None:
        data = self.department.currentData()
        self.state.department_id = data if isinstance(data, int) else None

    def _path_changed(self) -> None:
        self.message.clear()
        self.completeChanged.emit()

    def _encoding_changed(self) -> None:
        data = self.encoding.currentData()
        self.state.encoding = data if isinstance(data, str) else None
        self.message.clear()

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
            with open_source(path, encoding=self.state.encoding) as source:
                sheets, default = list(source.sheets), source.default_sheet()
                warnings = source.warnings
        except IsmsError as exc:
            self.message.error(str(exc), focus=self.encoding if self.state.encoding
                               else self.path_edit)
            return False
        if warnings and self.state.encoding is None and self._propose_encoding(warnings[0]):
            return False
        self.message.clear()
        self.state.kind = self._checked_kind()
        self.state.path = path
        self.state.sheets, self.state.default_sheet = sheets, default
        return True

    def _propose_encoding(self, warning: str) -> bool:
        """The file's letters read garbled as detected: choose the encoding they read in and
        say so; the user goes on with Next (or picks another). False when none is proposed."""
        proposed = next((i for i in range(1, self.encoding.count())
                         if f"--encoding {self.encoding.itemData(i)} " in warning), None)
        if proposed is None:
            return False
        self.encoding.setCurrentIndex(proposed)
        self.message.error(f"The file's accented letters look garbled as it was read, and "
                           f"read correctly as {self.encoding.currentText()} text: the text "
                           "encoding is set to that. Press Next to go on, or choose another.",
                           focus=self.encoding)
        return True

    def _checked_kind(self) -> str:
        checked = self.kind_buttons.checkedButton()
        return str(checked.property("kind")) if checked is not None else self.state.kind
