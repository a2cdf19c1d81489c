"""The SoA entry editor: one department's decision on one control.

Applicability and why (reasons, note), or why it is excluded (justification, who decided and
when); how and how far it is implemented, by whom and by when; its reviews. Saved with one call,
``isms.services.edits.save_soa`` (``records.save_soa_entry``), which creates the entry when the
department has none yet. Opened from the Controls & SoA page when a department is chosen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QWidget,
)

from isms.db import Register
from isms.model import (
    Applicability,
    ImplementationStatus,
    InclusionReason,
)
from isms.services import edits
from isms.services.edits import reads
from isms.services.read import queries

from .record_editor import Choices, OptionalDate, RecordEditor, fill_combo, select, text_box

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


class SoaEditor(RecordEditor):
    geometry_key = "soa_editor"

    def __init__(
        self, register: Register, department_id: int, control_id: int,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(register, parent)
        self.department_id, self.control_id = department_id, control_id
        self._read()
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.applicability_combo = QComboBox()
        for value in Applicability:
            self.applicability_combo.addItem(value.value.capitalize(), value.value)
        self.reason_checks: dict[str, QCheckBox] = {}
        reasons = QWidget()
        grid = QGridLayout(reasons)
        grid.setContentsMargins(0, 0, 0, 0)
        for number, reason in enumerate(InclusionReason):
            check = QCheckBox(reason.value.capitalize())
            check.setAccessibleName(f"Reason: {reason.value}")
            self.reason_checks[reason.value] = check
            grid.addWidget(check, number // 3, number % 3)
        reasons.setFocusProxy(self.reason_checks[InclusionReason.LEGAL.value])
        self.reasons_box = reasons
        self.inclusion_edit = text_box(2, self)
        self.justification_edit = text_box(3, self)
        self.decided_by_combo = QComboBox()
        self.decided_on = OptionalDate("Decided on")
        self.status_combo = QComboBox()
        for status in ImplementationStatus:
            self.status_combo.addItem(status.value.capitalize(), status.value)
        self.implementation_edit = text_box(3, self)
        self.owner_combo = QComboBox()
        self.target_date = OptionalDate("Target date")
        self.last_review = OptionalDate("Last review")
        self.next_review = OptionalDate("Next review")
        for widget, name in (
            (self.applicability_combo, "Applicability"), (self.inclusion_edit, "Inclusion note"),
            (self.justification_edit, "Exclusion justification"),
            (self.decided_by_combo, "Decided by"), (self.status_combo, "Implementation status"),
            (self.implementation_edit, "How it is implemented"),
            (self.owner_combo, "Control owner"),
        ):
            widget.setAccessibleName(name)
        self.applicability_combo.currentIndexChanged.connect(self._applicability_changed)
        self.status_combo.currentIndexChanged.connect(self.update_hints)
        self.justification_edit.textChanged.connect(self.update_hints)
        self.target_date.check.toggled.connect(self.update_hints)

        form = QFormLayout()
        form.addRow(self.heading)
        form.addRow("&Applicability:", self.applicability_combo)
        form.addRow("Reasons:", reasons)
        form.addRow("Inclusion &note:", self.inclusion_edit)
        form.addRow("Exclusion &justification:", self.justification_edit)
        form.addRow("Decided &by:", self.decided_by_combo)
        form.addRow("Decided on:", self.decided_on)
        form.addRow("&Implementation:", self.status_combo)
        form.addRow("&How implemented:", self.implementation_edit)
        form.addRow("O&wner:", self.owner_combo)
        form.addRow("Target date:", self.target_date)
        form.addRow("Last review:", self.last_review)
        form.addRow("Next review:", self.next_review)
        self.finish(form, self.applicability_combo, 640, 680)

    def _read(self) -> None:
        with self._register.session() as session:
            read = reads.soa(session, self.department_id, self.control_id)
            self.people: Choices = tuple((p.name, p.id) for p in queries.people(session))
        self.title = str(read.facts["title"])
        self.version = read.version
        self.names: dict[str, str | None] = {
            "owner_id": read.facts["owner_id"], "decided_by_id": read.facts["decided_by_id"]}
        self.saved_values = dict(read.values)

    def _show(self) -> None:
        values = self.saved_values
        self.setWindowTitle(f"SoA — {self.title} — isms")
        self.heading.setText(self.title + ("" if self.version else
                                           "\nNo entry yet: saving creates it."))
        select(self.applicability_combo, values["applicability"])
        for reason, check in self.reason_checks.items():
            check.setChecked(reason in values["reasons"])
        self.inclusion_edit.setPlainText(values["inclusion_note"])
        self.justification_edit.setPlainText(values["exclusion_justification"])
        for combo, name, none_text in ((self.owner_combo, "owner_id", "No owner"),
                                       (self.decided_by_combo, "decided_by_id", "Not recorded")):
            fill_combo(combo, self.people, none_text)
            select(combo, values[name], f"{self.names[name]} (has left)")
        select(self.status_combo, values["implementation_status"])
        self.implementation_edit.setPlainText(values["implementation"])
        for widget, name in ((self.decided_on, "decided_on"), (self.target_date, "target_date"),
                             (self.last_review, "last_review"),
                             (self.next_review, "next_review")):
            widget.set_value(values[name])
        self._applicability_changed()

    def _applicability_changed(self) -> None:
        excluded = self.applicability_combo.currentData() == Applicability.EXCLUDED
        self.justification_edit.setEnabled(excluded)
        self.update_hints()

    def values(self) -> dict[str, Any]:
        excluded = self.applicability_combo.currentData() == Applicability.EXCLUDED
        return {
            "applicability": self.applicability_combo.currentData(),
            "reasons": [r for r, check in self.reason_checks.items() if check.isChecked()],
            "inclusion_note": self.inclusion_edit.toPlainText().strip(),
            # Kept as it was while the control is not excluded (the box is disabled then).
            "exclusion_justification": self.justification_edit.toPlainText().strip()
            if excluded else self.saved_values["exclusion_justification"],
            "decided_by_id": self.decided_by_combo.currentData(),
            "decided_on": self.decided_on.value(),
            "implementation_status": self.status_combo.currentData(),
            "implementation": self.implementation_edit.toPlainText().strip(),
            "owner_id": self.owner_combo.currentData(),
            "target_date": self.target_date.value(),
            "last_review": self.last_review.value(),
            "next_review": self.next_review.value(),
        }

    def problems(self) -> list[tuple[str, QWidget]]:
        found: list[tuple[str, QWidget]] = []
        if (self.applicability_combo.currentData() == Applicability.EXCLUDED
                and not self.justification_edit.toPlainText().strip()):
            found.append(("An excluded control needs a justification.", self.justification_edit))
        if (self.status_combo.currentData() == ImplementationStatus.PLANNED
                and self.target_date.value() is None):
            found.append(("A planned implementation needs a target date.", self.target_date))
        return found

    def field_widgets(self) -> dict[str, QWidget]:
        return {
            "applicability": self.applicability_combo, "reasons": self.reasons_box,
            "inclusion_note": self.inclusion_edit,
            "exclusion_justification": self.justification_edit,
            "decided_by_id": self.decided_by_combo, "decided_on": self.decided_on,
            "implementation_status": self.status_combo,
            "implementation": self.implementation_edit, "owner_id": self.owner_combo,
            "target_date": self.target_date, "last_review": self.last_review,
            "next_review": self.next_review,
        }

    def _save(self, session: Session, edited: dict[str, Any]) -> edits.Saved:
        """Creates the entry when the editor opened on "no entry yet" (version 0); a save
        creating it cannot be undone (the services do not delete SoA entries)."""
        return edits.save_soa(session, self.department_id, self.control_id, self.version,
                              edited)

    @classmethod
    def ask(
        cls, register: Register, department_id: int, control_id: int,
        parent: QWidget | None = None,
    ) -> bool:
        """Edit the department's entry for the control modally; True when a save was made."""
        return cls(register, department_id, control_id, parent).run()
