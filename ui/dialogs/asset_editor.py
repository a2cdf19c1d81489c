"""The asset editor: reference, name, type, ownership, location, marking, C/I/A, personal data and
review date of one asset, or of a new one (``AssetEditor.new``); beside them, read-only, the
risks the asset is linked to and how it is handled, each opening its own editor, and "New risk
for this asset…".

Everything saved is one call, ``isms.services.edits.save`` (``assets.update_asset``), or for a
new asset ``edits.add_asset``, in one transaction, so the window and the CLI validate an asset the
same way. A save made from a stale
copy (someone else saved the asset after the editor opened it) is refused with a ConflictError
naming the asset, a Reload button and the conflict dialog (``RecordEditor``); nothing is
written. A save is recorded as a change the window's undo history (and ``isms revert``) can take
back.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from isms.db import Register
from isms.model import AssetType
from isms.model.asset import CIA_MAX, CIA_MIN
from isms.services import edits
from isms.services.assets import EDITABLE
from isms.services.read.asset_record import AssetChoices
from isms.services.read.asset_record import AssetRecord as AssetSnapshot
from isms.services.read.asset_record import asset_choices as load_choices
from isms.services.read.asset_record import asset_record as load_snapshot

from .record_editor import RecordEditor, fill_combo, select, text_box
from .risk_parts import RecordList, RunEditor, run_here

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

CIA = ("confidentiality", "integrity", "availability")


class AssetEditor(RecordEditor):
    """Edit one asset; ``ask()`` opens it modally and returns the change saved (for undo).
    ``new()`` opens it on an empty form that saves a new asset."""

    geometry_key = "asset_editor"

    def __init__(
        self, register: Register, asset_id: int | None, parent: QWidget | None = None,
        *, department_id: int | None = None, run_editor: RunEditor | None = None,
        new_risk: Callable[[list[int]], object] | None = None,
    ) -> None:
        super().__init__(register, parent)
        self._asset_id = asset_id
        #: A new asset's department until the user picks another (the toolbar's, say).
        self._department_id = department_id
        #: Opens a risk's or practice's editor (the window's, so its save can be undone).
        self.run_editor: RunEditor = run_editor or run_here
        #: The window's "new risk to these assets" (else the new-risk dialog, here).
        self._new_risk = new_risk
        self._read()
        self.links = self._links() if asset_id is not None else None
        self.finish(self._form(), self.name_edit, 700 if self.links else 620,
                    720 if self.links else 600)

    def lay_out(self, layout: QVBoxLayout, form: QFormLayout) -> None:
        """The form and its hints, then (for a saved asset) its risks beside its handling
        practices, taking the room left."""
        if self.links is None:
            super().lay_out(layout, form)
            return
        layout.addLayout(form)
        layout.addWidget(self.hint_label)
        layout.addWidget(self.links, 1)

    @classmethod
    def new(
        cls, register: Register, department_id: int | None, parent: QWidget | None = None
    ) -> AssetEditor:
        """The editor on an empty form (in ``department_id``, when given): Save adds the asset,
        whose id is then ``change.record_id``."""
        return cls(register, None, parent, department_id=department_id)

    def _read(self) -> None:
        with self._register.session() as session:
            self.snapshot: AssetSnapshot | None = (
                None if self._asset_id is None else load_snapshot(session, self._asset_id))
            self.choices: AssetChoices = load_choices(session)
        self.version = self.snapshot.version if self.snapshot else 0
        self.saved_values = dict(self.snapshot.values if self.snapshot else self._blank())

    def _blank(self) -> dict[str, Any]:
        """A new asset's fields as the empty form shows them."""
        blank: dict[str, Any] = dict.fromkeys(EDITABLE)
        blank.update(ref="", name="", asset_type=AssetType.INFORMATION, description="",
                     location="", department_id=self._department_id, personal_data=False,
                     special_category=False)
        return blank

    def record_name(self) -> str:
        return self.snapshot.ref if self.snapshot else "the new asset"

    # --- building --------------------------------------------------------------------------

    def _links(self) -> QWidget:
        """Read-only: the asset's risks and handling practices, each opened by double-click."""
        self.risk_list = RecordList("Risks to the asset", ("Risk", "Title", "Status"),
                                    self.open_risk)
        self.practice_list = RecordList(
            "Handling practices", ("Stage", "Channel", "Third party"), self.open_practice)
        # Below both lists, made after them: Tab reaches it after the lists, as the eye does.
        self.new_risk_button = QPushButton("New ris&k for this asset…")
        self.new_risk_button.setToolTip(
            "A new risk to this asset, in its department and with its owner")
        self.new_risk_button.clicked.connect(self.new_risk_for_asset)
        self.new_practice_button = QPushButton("Add &handling practice…")
        self.new_practice_button.setToolTip("How the asset is handled at one more stage")
        self.new_practice_button.clicked.connect(self.new_practice)
        links = QWidget()
        lists = QHBoxLayout()
        for title, part in (("Risks", self.risk_list), ("Handling", self.practice_list)):
            box = QGroupBox(title)
            QVBoxLayout(box).addWidget(part)
            lists.addWidget(box, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_risk_button)
        buttons.addWidget(self.new_practice_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(links)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(lists, 1)
        layout.addLayout(buttons)
        return links

    def _show_links(self, snap: AssetSnapshot | None) -> None:
        if snap is None or self.links is None:
            return
        self.risk_list.set_rows([(r.id, (r.ref, r.title, r.status.capitalize()))
                                 for r in snap.linked_risks])
        self.practice_list.set_rows([
            (h.id, (h.stage.capitalize(), (h.channel or "—").replace("_", " "),
                    h.third_party or "—"))
            for h in snap.handling])
        retired = str(snap.status) == "retired"
        for button in (self.new_risk_button, self.new_practice_button):
            button.setEnabled(not retired)
            if retired:
                button.setToolTip("A retired asset takes no new risks or handling practices")

    def _reread_links(self) -> None:
        """The risks and practices as saved now; the form keeps the user's edits."""
        assert self._asset_id is not None
        with self._register.session() as session:
            fresh = load_snapshot(session, self._asset_id)
        assert self.snapshot is not None
        if fresh.version == self.snapshot.version:  # else a save will say it changed
            self.snapshot = fresh
        self._show_links(fresh)

    def open_risk(self, risk_id: int) -> None:
        from .risk_editor import RiskEditor

        run = self.run_editor
        if run(lambda: RiskEditor(self._register, risk_id, self, run_editor=run), "risk"):
            self._reread_links()

    def open_practice(self, practice_id: int) -> None:
        from .practice_editor import PracticeEditor

        if self.run_editor(lambda: PracticeEditor(self._register, practice_id, self),
                           "handling practice"):
            self._reread_links()

    def new_practice(self) -> None:
        """Add handling practice…: the practice editor on an empty form, for this asset."""
        from .practice_editor import PracticeEditor

        asset_id = self._asset_id
        assert asset_id is not None
        if self.run_editor(lambda: PracticeEditor.new(self._register, asset_id, self),
                           "handling practice"):
            self._reread_links()

    def new_risk_for_asset(self) -> None:
        """New risk for this asset…: the window's new-risk dialog, starting with this asset."""
        assert self._asset_id is not None
        asset_ids = [self._asset_id]
        if self._new_risk is not None:
            self._new_risk(asset_ids)
        else:
            from .new_risk import NewRiskDialog

            self.run_editor(lambda: NewRiskDialog(self._register, asset_ids, None, self), "risk")
        self._reread_links()

    def _form(self) -> QFormLayout:
        self.ref_edit = QLineEdit()
        self.ref_edit.setMaxLength(40)
        self.name_edit = QLineEdit()
        self.name_edit.setMaxLength(300)
        self.type_combo = QComboBox()
        for kind in AssetType:
            self.type_combo.addItem(kind.value.capitalize(), kind.value)
        self.description_edit = text_box(3, self)
        self.department_combo = QComboBox()
        self.owner_combo = QComboBox()
        self.owner_combo.setToolTip("The information asset owner: accountable for the asset")
        self.custodian_combo = QComboBox()
        self.custodian_combo.setToolTip("Who looks after the asset day to day")
        self.location_edit = QLineEdit()
        self.location_edit.setMaxLength(200)
        self.location_edit.setPlaceholderText("Where it is kept (system, building, supplier)")
        self.marking_combo = QComboBox()
        self.cia: dict[str, QComboBox] = {}
        cia_row = QHBoxLayout()
        for name in CIA:
            combo = QComboBox()
            combo.addItem("Not rated", None)
            for value in range(CIA_MIN, CIA_MAX + 1):
                combo.addItem(str(value), value)
            combo.setAccessibleName(name.capitalize())
            self.cia[name] = combo
            cia_row.addWidget(QLabel(f"{name[0].upper()}:"))
            cia_row.addWidget(combo)
        cia_row.addStretch(1)
        self.personal_check = QCheckBox("&Personal data")
        self.special_check = QCheckBox("&Special category data (health, ethnicity, beliefs…)")
        personal_row = QHBoxLayout()
        personal_row.addWidget(self.personal_check)
        personal_row.addWidget(self.special_check)
        personal_row.addStretch(1)
        self.status_label = QLabel()
        self.review_check = QCheckBox("Review by")
        self.review_date = QDateEdit()
        self.review_date.setCalendarPopup(True)
        self.review_date.setDisplayFormat("yyyy-MM-dd")
        self.review_date.setAccessibleName("Next review date")
        self.review_check.toggled.connect(self.review_date.setEnabled)
        review_row = QHBoxLayout()
        review_row.addWidget(self.review_check)
        review_row.addWidget(self.review_date)
        review_row.addStretch(1)

        for widget, name in (
            (self.ref_edit, "Reference"), (self.name_edit, "Name"), (self.type_combo, "Type"),
            (self.description_edit, "Description"), (self.department_combo, "Department"),
            (self.owner_combo, "Owner"), (self.custodian_combo, "Custodian"),
            (self.location_edit, "Location"), (self.marking_combo, "Protective marking"),
            (self.personal_check, "Personal data"), (self.special_check, "Special category data"),
            (self.review_check, "Next review date is set"),
        ):
            widget.setAccessibleName(name)
        for line in (self.ref_edit, self.name_edit):
            line.textChanged.connect(self.update_hints)
        for check in (self.personal_check, self.special_check):
            check.toggled.connect(self.update_hints)
        self.department_combo.currentIndexChanged.connect(self.update_hints)

        form = QFormLayout()
        for label, field in (
            ("&Reference:", self.ref_edit), ("&Name:", self.name_edit),
            ("&Type:", self.type_combo), ("&Description:", self.description_edit),
            ("De&partment:", self.department_combo), ("O&wner:", self.owner_combo),
            ("&Custodian:", self.custodian_combo), ("&Location:", self.location_edit),
            ("&Marking:", self.marking_combo),
        ):
            form.addRow(label, field)
        form.addRow("C / I / A:", cia_row)
        form.addRow("", personal_row)
        form.addRow("Status:", self.status_label)
        form.addRow("Next review:", review_row)
        return form

    # --- showing the asset -----------------------------------------------------------------

    def _show(self) -> None:
        snap, values, choices = self.snapshot, self.saved_values, self.choices
        if snap is None:
            self.setWindowTitle("New asset — isms")
            self.ref_edit.setPlaceholderText("Blank: the department's next, e.g. HSG-0042")
        else:
            self.setWindowTitle(f"{snap.ref} — {values['name']} — isms")
        self.ref_edit.setText(values["ref"])
        self.name_edit.setText(values["name"])
        self.name_edit.setCursorPosition(0)
        select(self.type_combo, str(values["asset_type"]))
        self.description_edit.setPlainText(values["description"] or "")
        # A new asset with no department chosen yet says so, rather than showing the first.
        unplaced = snap is None and values["department_id"] is None
        for combo, items, none_text in (
            (self.department_combo, choices.departments,
             "Choose a department…" if unplaced else None),
            (self.owner_combo, choices.people, "No owner"),
            (self.custodian_combo, choices.people, "No custodian"),
            (self.marking_combo, choices.markings, "No marking"),
        ):
            combo.blockSignals(True)
            fill_combo(combo, items, none_text)
            combo.blockSignals(False)
        select(self.department_combo, values["department_id"])
        if snap is not None:  # what a new asset cannot have: a person who left, an old marking
            select(self.owner_combo, values["owner_id"], f"{snap.owner_name} (has left)")
            select(self.custodian_combo, values["custodian_id"],
                   f"{snap.custodian_name} (has left)")
            select(self.marking_combo, values["marking_id"],
                   f"{snap.marking_label} (not in the {choices.scheme} scheme)")
        self.marking_combo.setToolTip(f"A marking of the {choices.scheme} scheme")
        self.location_edit.setText(values["location"] or "")
        for name in CIA:
            select(self.cia[name], values[name])
        self.personal_check.setChecked(bool(values["personal_data"]))
        self.special_check.setChecked(bool(values["special_category"]))
        self.status_label.setText(str(snap.status).capitalize() if snap else (
            "New: active once saved with an owner, else pending verification"))
        review = values["next_review"]
        self.review_check.setChecked(review is not None)
        self.review_date.setEnabled(review is not None)
        self.review_date.setDate(QDate(review.year, review.month, review.day) if review
                                else QDate.currentDate())
        self._show_links(snap)

    # --- reading the form ------------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        """Every editable field as the form has it now (column names, as update_asset takes)."""
        review: date | None = (self.review_date.date().toPython()  # type: ignore[assignment]
                               if self.review_check.isChecked() else None)
        return {
            "ref": self.ref_edit.text().strip(),
            "name": self.name_edit.text().strip(),
            "asset_type": self.type_combo.currentData(),
            "description": self.description_edit.toPlainText().strip(),
            "department_id": self.department_combo.currentData(),
            "owner_id": self.owner_combo.currentData(),
            "custodian_id": self.custodian_combo.currentData(),
            "location": self.location_edit.text().strip(),
            "marking_id": self.marking_combo.currentData(),
            **{name: self.cia[name].currentData() for name in CIA},
            "personal_data": self.personal_check.isChecked(),
            "special_category": self.special_check.isChecked(),
            "next_review": review,
        }

    def problems(self) -> list[tuple[str, QWidget]]:
        """What stops a save, each with the input to fix (the services check again)."""
        found: list[tuple[str, QWidget]] = []
        if self.snapshot is not None and not self.ref_edit.text().strip():
            found.append(("The asset needs a reference.", self.ref_edit))
        if not self.name_edit.text().strip():
            found.append(("The asset needs a name.", self.name_edit))
        if self.department_combo.currentData() is None:
            found.append(("Choose a department: every asset belongs to one.",
                          self.department_combo))
        if self.special_check.isChecked() and not self.personal_check.isChecked():
            found.append(("Special category data is personal data: tick personal data too.",
                          self.special_check))
        return found

    def field_widgets(self) -> dict[str, QWidget]:
        """The input each field a ValidationError may name is edited in ("ref", "owner"...)."""
        return {
            "ref": self.ref_edit, "name": self.name_edit, "asset_type": self.type_combo,
            "description": self.description_edit, "department_id": self.department_combo,
            "owner_id": self.owner_combo, "owner": self.owner_combo,
            "custodian_id": self.custodian_combo, "location": self.location_edit,
            "marking_id": self.marking_combo, "personal_data": self.personal_check,
            "special_category": self.special_check, "next_review": self.review_date,
            **self.cia,
        }

    # --- saving ----------------------------------------------------------------------------

    def _save(self, session: Session, edited: dict[str, Any]) -> edits.Saved:
        if self.snapshot is None or self._asset_id is None:  # new: everything the form holds
            return edits.add_asset(session, self.values())
        return edits.save(session, "asset", self._asset_id, self.version, edited,
                          name=self.snapshot.ref)

    @classmethod
    def ask(
        cls, register: Register, asset_id: int, parent: QWidget | None = None
    ) -> tuple[bool, edits.Saved | None]:
        """Edit the asset modally: (saved, the change to record for undo)."""
        dialog = cls(register, asset_id, parent)
        saved = dialog.run()
        return saved, dialog.change

