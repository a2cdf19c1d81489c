"""File → Export documents…: the SoA, the registers, the risk method or the audit pack, with the
same choices as ``isms export`` (the two call ``isms.services.documents.exports``).

The protective marking is chosen here too: the default (shown) is the highest marking of what the
document holds; a lower choice is said before the export and recorded in the document.

The SoA's pre-flight checks are shown before it is exported, so a gap an auditor would find
(an exclusion without justification, a control without evidence) is seen first. The export
runs off the UI thread behind a progress dialog with Cancel; the file appears complete or not
at all, and can be opened when done.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import cast

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from isms.db import Register
from isms.errors import Cancelled, IsmsError
from isms.services.documents.exports import (
    KINDS,
    ExportRequest,
    ExportResult,
    Kind,
    default_marking,
    export,
    markings,
    suggested_name,
)
from isms.services.read import queries

from ..desktop import open_file
from ..errors import ErrorReporter
from ..operations import run_with_progress
from ..settings import EXPORT_FOLDER, EXPORT_KIND, EXPORT_OPEN_RESULT, batch

#: Warnings listed in the dialog before "and N more" (the CLI's `isms soa check` lists all).
SHOWN_WARNINGS = 12


class ExportDocumentsDialog(QDialog):
    """Choose what to export, for whom, as what and where; ``run()`` does it."""

    def __init__(self, register: Register, department_id: int | None,
                 reporter: ErrorReporter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export documents")
        self.register = register
        self.reporter = reporter
        self.result_path: Path | None = None
        #: What the export said (a marking chosen below the content's).
        self.result_warnings: tuple[str, ...] = ()

        self.kind = QComboBox()
        self.kind.setAccessibleName("Document")
        for kind in KINDS.values():
            self.kind.addItem(kind.title, kind.key)
        self.description = QLabel()
        self.description.setWordWrap(True)
        self.department = QComboBox()
        self.department.setAccessibleName("Department")
        self.department.addItem("Whole council", None)
        #: department id -> code, for suggested file names
        self._codes: dict[int, str] = {}
        with register.session() as session:
            for d in queries.departments(session):
                self.department.addItem(f"{d.name} ({d.code})", d.id)
                self._codes[d.id] = d.code
                if d.id == department_id:
                    self.department.setCurrentIndex(self.department.count() - 1)
        self.format = QComboBox()
        self.format.setAccessibleName("Format")
        self.as_of = QDateEdit(QDate.currentDate())
        self.as_of.setAccessibleName("As of")
        self.as_of.setCalendarPopup(True)
        self.as_of.setDisplayFormat("yyyy-MM-dd")
        self.as_of.setToolTip("The day the document is dated and judged at (overdue reviews, "
                              "stale evidence); the same day gives the same file")
        self.marking = QComboBox()
        self.marking.setAccessibleName("Protective marking")
        self.marking.setToolTip("Printed on every page and in the file; by default the highest "
                                "marking of what the document holds")
        self.marking.addItem("", None)  # the default, named once the document is chosen
        #: The scheme's markings, least to most sensitive.
        self._labels = markings(register)
        for label in self._labels:
            self.marking.addItem(label, label)
        self._default_marking = ""
        self.marking_note = QLabel()
        self.marking_note.setWordWrap(True)
        self.path = QLineEdit()
        self.path.setAccessibleName("Save to")
        browse = QPushButton("&Browse…")
        browse.clicked.connect(self._browse)
        where_box = QWidget()  # a widget, not a layout: the form then makes "&Save to:" its buddy
        where = QHBoxLayout(where_box)
        where.setContentsMargins(0, 0, 0, 0)
        where.addWidget(self.path, 1)
        where.addWidget(browse)
        self.open_result = QCheckBox("&Open the file when it is written")
        self.open_result.setChecked(EXPORT_OPEN_RESULT.get())
        self.checks_label = QLabel()
        self.checks_label.setWordWrap(True)
        self.checks = QListWidget()
        self.checks.setAccessibleName("Pre-flight warnings")

        form = QFormLayout()
        form.addRow("&Document:", self.kind)
        form.addRow("", self.description)
        form.addRow("D&epartment:", self.department)
        form.addRow("&Format:", self.format)
        form.addRow("&As of:", self.as_of)
        form.addRow("&Marking:", self.marking)
        form.addRow("", self.marking_note)
        form.addRow("&Save to:", where_box)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.export_button = buttons.addButton("E&xport", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.run)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.checks_label)
        layout.addWidget(self.checks, 1)
        layout.addWidget(self.open_result)
        layout.addWidget(buttons)
        self.resize(640, 460)

        saved_kind = self.kind.findData(EXPORT_KIND.get())
        self.kind.setCurrentIndex(max(saved_kind, 0))
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.department.currentIndexChanged.connect(self._scope_changed)
        self.format.currentIndexChanged.connect(self._suggest_path)
        self.as_of.dateChanged.connect(self._scope_changed)
        self.marking.currentIndexChanged.connect(self._show_marking_note)
        self._kind_changed()

    # --- choices -----------------------------------------------------------------------------

    def chosen_kind(self) -> Kind:
        return cast(Kind, str(self.kind.currentData()))

    def chosen_department(self) -> int | None:
        value = self.department.currentData()
        return value if isinstance(value, int) else None

    def chosen_as_of(self) -> date:
        chosen = self.as_of.date()
        return date(chosen.year(), chosen.month(), chosen.day())

    def _kind_changed(self) -> None:
        kind = KINDS[self.chosen_kind()]
        self.description.setText(kind.description[0].upper() + kind.description[1:] + ".")
        self.format.blockSignals(True)
        self.format.clear()
        for fmt in kind.formats:
            self.format.addItem(fmt.upper() if fmt != "zip" else "ZIP archive", fmt)
        self.format.blockSignals(False)
        self.format.setEnabled(len(kind.formats) > 1)
        self._scope_changed()

    def chosen_marking(self) -> str | None:
        """The marking chosen, or None for the default (the highest of the content)."""
        value = self.marking.currentData()
        return value if isinstance(value, str) else None

    def _scope_changed(self) -> None:
        self._suggest_path()
        self._show_default_marking()
        self._show_checks()

    def _show_default_marking(self) -> None:
        """Name the default marking of the chosen document and scope in the first choice."""
        try:
            self._default_marking = default_marking(self.register, self.chosen_kind(),
                                                    self.chosen_department())
        except IsmsError:
            self._default_marking = ""
        shown = self._default_marking or "none (no classification scheme)"
        self.marking.setItemText(0, f"Default: {shown}, the highest of what it holds")
        self._show_marking_note()

    def _show_marking_note(self) -> None:
        chosen = self.chosen_marking()
        below = (chosen is not None and self._default_marking in self._labels
                 and self._labels.index(chosen) < self._labels.index(self._default_marking))
        self.marking_note.setText(
            f"{chosen} is below the {self._default_marking} of what the document holds: it "
            "will be written as chosen and the document will record the choice."
            if below else "")
        self.marking_note.setVisible(below)

    def _folder(self) -> Path:
        saved = EXPORT_FOLDER.get()
        return saved if saved is not None and saved.is_dir() else Path.home()

    def _suggest_path(self) -> None:
        fmt = str(self.format.currentData() or KINDS[self.chosen_kind()].formats[0])
        code = self._codes.get(self.chosen_department() or -1)
        name = suggested_name(self.chosen_kind(), code, fmt, self.chosen_as_of())
        current = Path(self.path.text()) if self.path.text() else None
        folder = current.parent if current else self._folder()
        self.path.setText(str(folder / name))

    def _browse(self) -> None:
        fmt = str(self.format.currentData())
        chosen, _ = QFileDialog.getSaveFileName(
            self, "Export to", self.path.text(), f"{fmt.upper()} files (*.{fmt})")
        if chosen:
            path = Path(chosen)
            self.path.setText(str(path if path.suffix else path.with_suffix(f".{fmt}")))

    def _show_checks(self) -> None:
        """The SoA's pre-flight warnings for the chosen scope (other documents have none)."""
        self.checks.clear()
        if self.chosen_kind() not in ("soa", "pack"):
            self.checks_label.setText("")
            self.checks.setVisible(False)
            return
        from isms.services.soa.checks import soa_checks

        with self.register.session() as session:
            warnings = soa_checks(session, self.chosen_department(), self.chosen_as_of())
        self.checks.setVisible(bool(warnings))
        if not warnings:
            self.checks_label.setText("Pre-flight checks: the SoA has no gaps an auditor "
                                      "would flag.")
            return
        self.checks_label.setText(
            f"Pre-flight checks: {len(warnings):,} warning{'s' if len(warnings) != 1 else ''} "
            "to act on before an auditor sees the SoA (you can still export it):")
        for warning in warnings[:SHOWN_WARNINGS]:
            self.checks.addItem(f"{warning.department} {warning.control}: {warning.message}")
        if len(warnings) > SHOWN_WARNINGS:
            self.checks.addItem(f"… and {len(warnings) - SHOWN_WARNINGS:,} more "
                                "(isms soa check lists them all)")

    # --- running -----------------------------------------------------------------------------

    def request(self) -> ExportRequest:
        return ExportRequest(
            kind=self.chosen_kind(),
            out=Path(self.path.text()).expanduser(),
            department_id=self.chosen_department(),
            format=str(self.format.currentData()),
            as_of=self.chosen_as_of(),
            marking=self.chosen_marking(),
        )

    def run(self) -> None:
        """Export with progress and Cancel; on success remember the choices and close."""
        if not self.path.text().strip():
            self.path.setFocus()
            return
        request = self.request()
        title = KINDS[request.kind].title
        try:
            result: ExportResult = run_with_progress(
                self, "Export documents", f"Writing the {title.lower()}…",
                lambda progress: export(self.register, request, progress), cancellable=True)
        except Cancelled:
            return  # nothing was written; the dialog stays for another try
        except IsmsError as exc:
            self.reporter.expected(self, exc, f"isms — cannot export the {title.lower()}")
            return
        with batch() as store:
            EXPORT_FOLDER.set(result.path.parent, store)
            EXPORT_OPEN_RESULT.set(self.open_result.isChecked(), store)
            EXPORT_KIND.set(request.kind, store)
        self.result_path = result.path
        self.result_warnings = result.warnings
        if self.open_result.isChecked():
            open_file(self, result.path)
        self.accept()
