"""A new risk, identified by hand: title, department, owner, assets, threat, vulnerability and
description, saved with one call (``isms.services.edits.add_risk``, as ``isms risks add``).

Opened from the Risks page (Edit > New record…, Risk > New risk…) or for the assets selected on
the Assets page, whose department, owner and assets it starts with
(``risks.starting_values``). Scores are given afterwards in the risk editor, which the window
opens on the new risk; ``created`` is its id.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from isms.db import Register
from isms.errors import IsmsError
from isms.model import Threat, Vulnerability
from isms.services import edits
from isms.services import risks as risk_service
from isms.services.read import queries
from isms.services.read.risk_record import risk_owners

from ..widgets.check_list import tick, ticked
from .record_editor import Choices, RecordEditor, fill_combo, select, text_box

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


class NewRiskDialog(RecordEditor):
    geometry_key = "new_risk"

    #: The new risk's id, once saved.
    created: int | None = None

    def __init__(
        self, register: Register, asset_ids: list[int] | None = None,
        department_id: int | None = None, parent: QWidget | None = None,
    ) -> None:
        super().__init__(register, parent)
        self._asset_ids = list(asset_ids or [])
        self._department_id = department_id
        self._read()
        self.setWindowTitle("New risk — isms")
        self.save_button.setText("&Add")
        self.save_button.setToolTip("Add the risk, then score it (Ctrl+S)")
        self.title_edit = QLineEdit()
        self.title_edit.setMaxLength(300)
        self.title_edit.setPlaceholderText("What could happen, in a line")
        self.title_edit.textChanged.connect(self.update_hints)
        self.department_combo = QComboBox()
        self.department_combo.currentIndexChanged.connect(self.update_hints)
        self.owner_combo = QComboBox()
        self.assets_list = QListWidget()
        self.assets_list.setToolTip("The assets the risk is to; untick one to leave it out")
        self.asset_ref_edit = QLineEdit()
        self.asset_ref_edit.setPlaceholderText("Add an asset: type its reference, press Enter")
        self.asset_ref_edit.returnPressed.connect(self.add_asset_ref)
        self.threat_combo = QComboBox()
        self.vulnerability_combo = QComboBox()
        self.description_edit = text_box(4, self)
        for widget, name in ((self.title_edit, "Title"), (self.department_combo, "Department"),
                             (self.owner_combo, "Risk owner"), (self.assets_list, "Assets"),
                             (self.asset_ref_edit, "Add an asset by reference"),
                             (self.threat_combo, "Threat"),
                             (self.vulnerability_combo, "Vulnerability"),
                             (self.description_edit, "Description")):
            widget.setAccessibleName(name)
        assets = QVBoxLayout()
        assets.addWidget(self.assets_list)
        assets.addWidget(self.asset_ref_edit)
        form = QFormLayout()
        form.addRow("&Title:", self.title_edit)
        form.addRow("&Department:", self.department_combo)
        form.addRow("Risk &owner:", self.owner_combo)
        form.addRow("&Assets:", assets)
        form.addRow("T&hreat:", self.threat_combo)
        form.addRow("&Vulnerability:", self.vulnerability_combo)
        form.addRow("D&escription:", self.description_edit)
        self.finish(form, self.title_edit, 560, 520)

    def _read(self) -> None:
        with self._register.session() as session:
            self.departments: Choices = tuple(
                (f"{d.code} {d.name}", d.id) for d in queries.departments(session))
            self.people: Choices = tuple((name, i) for i, name in risk_owners(session))
            self.threats: Choices = tuple(risk_service.catalogue(session, Threat))
            self.vulnerabilities: Choices = tuple(risk_service.catalogue(session, Vulnerability))
            self.saved_values = risk_service.starting_values(session, self._asset_ids,
                                                             self._department_id)
            self.asset_names = risk_service.asset_labels(session,
                                                         self.saved_values["asset_ids"])
        self.version = 0

    def _show(self) -> None:
        values = self.saved_values
        self.title_edit.setText(values["title"])
        fill_combo(self.department_combo, self.departments, "Choose the department")
        select(self.department_combo, values["department_id"])
        fill_combo(self.owner_combo, self.people, "No owner yet")
        select(self.owner_combo, values["owner_id"])
        self.assets_list.clear()
        for asset_id in values["asset_ids"]:
            self._add_asset_item(asset_id, self.asset_names[asset_id])
        fill_combo(self.threat_combo, self.threats, "None chosen")
        fill_combo(self.vulnerability_combo, self.vulnerabilities, "None chosen")
        self.description_edit.setPlainText(values["description"])

    def _add_asset_item(self, asset_id: int, text: str) -> None:
        item = QListWidgetItem(text)
        item.setData(Qt.ItemDataRole.UserRole, asset_id)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        self.assets_list.addItem(item)
        tick(self.assets_list, asset_id)

    def add_asset_ref(self) -> None:
        """Add the asset whose reference is typed (ticked); one not found is said, not added."""
        ref = self.asset_ref_edit.text().strip()
        if not ref:
            return
        try:
            with self._register.session() as session:
                asset = queries.asset_by_ref(session, ref)
                asset_id, text = asset.id, f"{asset.ref} {asset.name}"
        except IsmsError as exc:
            self.message.error(str(exc), focus=self.asset_ref_edit)
            return
        listed = (self.assets_list.item(row).data(Qt.ItemDataRole.UserRole)
                  for row in range(self.assets_list.count()))
        if asset_id in listed:
            tick(self.assets_list, asset_id)  # listed already: ticked again if it was not
        else:
            self._add_asset_item(asset_id, text)
        self.asset_ref_edit.clear()

    def values(self) -> dict[str, Any]:
        return {
            "title": self.title_edit.text().strip(),
            "department_id": self.department_combo.currentData(),
            "owner_id": self.owner_combo.currentData(),
            "asset_ids": [int(i) for i in ticked(self.assets_list)],
            "threat_id": self.threat_combo.currentData(),
            "vulnerability_id": self.vulnerability_combo.currentData(),
            "description": self.description_edit.toPlainText().strip(),
        }

    def edited(self) -> dict[str, Any]:
        return self.values()  # a new record: every value is saved

    def problems(self) -> list[tuple[str, QWidget]]:
        found: list[tuple[str, QWidget]] = []
        if not self.title_edit.text().strip():
            found.append(("A risk needs a title.", self.title_edit))
        if self.department_combo.currentData() is None:
            found.append(("Choose the department the risk belongs to.", self.department_combo))
        return found

    def field_widgets(self) -> dict[str, QWidget]:
        return {"title": self.title_edit, "department_id": self.department_combo,
                "owner_id": self.owner_combo, "asset_ids": self.assets_list,
                "threat_id": self.threat_combo, "vulnerability_id": self.vulnerability_combo,
                "description": self.description_edit}

    def record_name(self) -> str:
        return "the new risk"

    def _save(self, session: Session, edited: dict[str, Any]) -> edits.Saved:
        saved = edits.add_risk(session, edited)
        self.created = saved.record_id
        return saved
