"""Evidence: adding a file to the register's evidence store, and editing an evidence record.

``AddEvidenceDialog`` records a file the user picked (reference suggested as the next EV-nnnn,
title, date, validity, the controls it supports) through ``isms.services.evidence.attach_file``,
which copies it into the store under its SHA-256 (one call, ``edits.add_evidence_file``).
``EvidenceEditor`` changes the title, date, period and validity of a record
(``edits.save``: ``records.update_evidence``); the stored file itself never changes.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDateEdit,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QWidget,
)

from isms.db import Register
from isms.model import ControlEdition
from isms.services import edits, evidence, records
from isms.services.edits import reads
from isms.services.read import queries

from ..widgets.check_list import tick, ticked
from .record_editor import OptionalDate, RecordEditor, qdate, text_box

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

#: Shown in the validity box for "no expiry" (its minimum, 0).
NO_EXPIRY = "Does not expire"


class _EvidenceForm(RecordEditor):
    """The inputs an added and an edited evidence record share."""

    def _build(self, ref_text: str) -> QFormLayout:
        self.ref_edit = QLineEdit(ref_text)
        self.ref_edit.setMaxLength(40)
        self.title_edit = QLineEdit()
        self.title_edit.setMaxLength(300)
        self.title_edit.textChanged.connect(self.update_hints)
        self.description_edit = text_box(3, self)
        self.date_edit = QDateEdit()
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.period_start = OptionalDate("Period start")
        self.period_end = OptionalDate("Period end")
        for period in (self.period_start, self.period_end):
            period.check.toggled.connect(self.update_hints)
            period.edit.dateChanged.connect(self.update_hints)
        self.valid_spin = QSpinBox()
        self.valid_spin.setRange(0, 3650)
        self.valid_spin.setSuffix(" days")
        self.valid_spin.setSpecialValueText(NO_EXPIRY)
        self.controls_list = QListWidget()
        self.controls_list.setToolTip("Tick the controls this evidence shows operating")
        named: tuple[tuple[QWidget, str], ...] = (
            (self.ref_edit, "Reference"), (self.title_edit, "Title"),
            (self.description_edit, "Description"), (self.date_edit, "Evidence date"),
            (self.valid_spin, "Valid for"), (self.controls_list, "Controls supported"))
        for widget, name in named:
            widget.setAccessibleName(name)
        form = QFormLayout()
        form.addRow("&Reference:", self.ref_edit)
        form.addRow("&Title:", self.title_edit)
        form.addRow("&Description:", self.description_edit)
        form.addRow("D&ate:", self.date_edit)
        form.addRow("Period from:", self.period_start)
        form.addRow("Period to:", self.period_end)
        form.addRow("&Valid for:", self.valid_spin)
        form.addRow("&Controls:", self.controls_list)
        return form

    def _fill_controls(self, session: Session, ticked: set[int]) -> None:
        self.controls_list.clear()
        # Annex A, then the local controls (PSN, CAF, a contract...): evidence shows either.
        for control in [*queries.controls(session),
                        *queries.controls(session, ControlEdition.LOCAL)]:
            local = " (local)" if control.edition == ControlEdition.LOCAL else ""
            item = QListWidgetItem(f"{control.ref}  {control.title}{local}")
            item.setData(Qt.ItemDataRole.UserRole, control.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if control.id in ticked
                               else Qt.CheckState.Unchecked)
            self.controls_list.addItem(item)

    def ticked_controls(self) -> list[int]:
        return [int(v) for v in ticked(self.controls_list)]

    def tick_control(self, control_id: int, on: bool = True) -> None:
        tick(self.controls_list, control_id, on)

    def values(self) -> dict[str, Any]:
        picked: date = self.date_edit.date().toPython()  # type: ignore[assignment]
        return {
            "title": self.title_edit.text().strip(),
            "description": self.description_edit.toPlainText().strip(),
            "evidence_date": picked,
            "period_start": self.period_start.value(),
            "period_end": self.period_end.value(),
            "valid_days": self.valid_spin.value() or None,
            "controls": self.ticked_controls(),
        }

    def problems(self) -> list[tuple[str, QWidget]]:
        found: list[tuple[str, QWidget]] = []
        if not self.title_edit.text().strip():
            found.append(("The evidence needs a title.", self.title_edit))
        start, end = self.period_start.value(), self.period_end.value()
        if start and end and start > end:
            found.append(("The period starts after it ends.", self.period_end))
        return found

    def field_widgets(self) -> dict[str, QWidget]:
        return {"ref": self.ref_edit, "title": self.title_edit,
                "description": self.description_edit, "evidence_date": self.date_edit,
                "period_start": self.period_start, "period_end": self.period_end,
                "valid_days": self.valid_spin, "controls": self.controls_list}


class EvidenceEditor(_EvidenceForm):
    """Edit one evidence record's description of itself (not its file or link)."""

    geometry_key = "evidence_editor"

    def __init__(
        self, register: Register, evidence_id: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(register, parent)
        self.evidence_id = evidence_id
        self._read()
        form = self._build(self.ref)
        self.ref_edit.setReadOnly(True)
        self.source_label = QLabel()
        self.source_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.insertRow(1, "Kept as:", self.source_label)
        self.finish(form, self.title_edit, 620, 620)

    def _read(self) -> None:
        with self._register.session() as session:
            read = reads.evidence(session, self.evidence_id)
        self.version, self.ref = read.version, str(read.facts["ref"])
        self.source = str(read.facts["source"])
        self.saved_values = dict(read.values)

    def _show(self) -> None:
        values = self.saved_values
        self.setWindowTitle(f"{self.ref} — {values['title']} — isms")
        self.source_label.setText(self.source)
        self.title_edit.setText(values["title"])
        self.title_edit.setCursorPosition(0)
        self.description_edit.setPlainText(values["description"])
        self.date_edit.setDate(qdate(values["evidence_date"]))
        self.period_start.set_value(values["period_start"])
        self.period_end.set_value(values["period_end"])
        self.valid_spin.setValue(values["valid_days"] or 0)
        with self._register.session() as session:
            self._fill_controls(session, set(values["controls"]))

    def values(self) -> dict[str, Any]:
        found = super().values()
        found["controls"] = sorted(found["controls"])
        return found

    def _save(self, session: Session, edited: dict[str, Any]) -> edits.Saved:
        return edits.save(session, "evidence", self.evidence_id, self.version, edited)

    @classmethod
    def ask(cls, register: Register, evidence_id: int, parent: QWidget | None = None) -> bool:
        return cls(register, evidence_id, parent).run()


class _NewEvidence(_EvidenceForm):
    """What adding a file and adding a link share: a suggested reference, every field saved."""

    department_id: int | None = None
    #: The id of the evidence added (None until it is).
    evidence_id: int | None = None

    def _read(self) -> None:
        with self._register.session() as session:
            self.suggested_ref = records.next_evidence_ref(session)

    def edited(self) -> dict[str, Any]:
        return self.values()  # everything: the record is new

    def problems(self) -> list[tuple[str, QWidget]]:
        found = super().problems()
        if not self.ref_edit.text().strip():
            found.insert(0, ("The evidence needs a reference.", self.ref_edit))
        return found

    def reload(self) -> None:  # a new record cannot be stale
        self._read()
        self.ref_edit.setText(self.suggested_ref)

    def _show_new(self, title: str) -> None:
        self.title_edit.setText(title)
        self.date_edit.setDate(qdate(date.today()))
        with self._register.session() as session:
            self._fill_controls(session, set())


class AddEvidenceLinkDialog(_NewEvidence):
    """Record evidence kept elsewhere (an intranet page, a shared folder) by its address
    (``edits.add_evidence_link``)."""

    geometry_key = "add_evidence_link"

    def __init__(
        self, register: Register, department_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(register, parent)
        self.department_id = department_id
        self._read()
        form = self._build(self.suggested_ref)
        self.url_edit = QLineEdit()
        self.url_edit.setAccessibleName("Link")
        self.url_edit.setPlaceholderText("https://intranet.example/policies/backup.pdf, or "
                                         "a shared folder")
        self.url_edit.textChanged.connect(self.update_hints)
        form.insertRow(0, "&Link:", self.url_edit)
        self.save_button.setText("&Add")
        self.save_button.setToolTip("Record the link as evidence (Ctrl+S)")
        self.finish(form, self.url_edit, 620, 620)

    def _show(self) -> None:
        self.setWindowTitle("Add evidence link — isms")
        self._show_new("")

    def problems(self) -> list[tuple[str, QWidget]]:
        found = super().problems()
        if not self.url_edit.text().strip():
            found.insert(0, ("Give the link to where the evidence is kept.", self.url_edit))
        return found

    def field_widgets(self) -> dict[str, QWidget]:
        return {**super().field_widgets(), "url": self.url_edit}

    def _save(self, session: Session, edited: dict[str, Any]) -> edits.Saved:
        saved = edits.add_evidence_link(
            session, self.url_edit.text().strip(), ref=self.ref_edit.text(),
            department_id=self.department_id, values=edited)
        self.evidence_id = saved.record_id
        return saved


class AddEvidenceDialog(_NewEvidence):
    """Record a file as evidence: copied into the register's evidence store with its SHA-256."""

    geometry_key = "add_evidence"

    def __init__(
        self, register: Register, source: Path, department_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(register, parent)
        self.source, self.department_id = Path(source), department_id
        self._read()
        form = self._build(self.suggested_ref)
        self.file_label = QLabel(str(self.source))
        self.file_label.setWordWrap(True)
        form.insertRow(0, "File:", self.file_label)
        self.save_button.setText("&Add")
        self.save_button.setToolTip("Copy the file into the evidence store (Ctrl+S)")
        self.finish(form, self.title_edit, 620, 620)

    def _show(self) -> None:
        self.setWindowTitle(f"Add evidence — {self.source.name} — isms")
        self._show_new(self.source.stem.replace("_", " "))

    def _save(self, session: Session, edited: dict[str, Any]) -> edits.Saved:
        saved = edits.add_evidence_file(
            session, evidence.evidence_dir(self._register.location), self.source,
            ref=self.ref_edit.text(), department_id=self.department_id, values=edited)
        self.evidence_id = saved.record_id
        return saved

    @classmethod
    def ask(
        cls, register: Register, source: Path, department_id: int | None = None,
        parent: QWidget | None = None,
    ) -> int | None:
        """The id of the evidence added, or None when the user cancelled."""
        dialog = cls(register, source, department_id, parent)
        return dialog.evidence_id if dialog.run() else None
