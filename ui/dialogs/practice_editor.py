"""The handling practice editor: how one asset is handled at one stage of its life.

Stage, channel (only for information transferred or shared), the safeguards in place (ticked
from ``isms.method.handling.SAFEGUARDS``), description, third party, whether an agreement is in
place, retention and whether it is held offshore. Saved with one call,
``isms.services.edits.save`` (``records.update_practice``), or for a new practice of an asset
(``PracticeEditor.new``) ``edits.add_practice``. Opened by double-click or Enter on the Data
handling page or in the asset editor.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QWidget,
)

from isms.db import Register
from isms.method.handling import SAFEGUARDS
from isms.model import HandlingChannel, HandlingStage
from isms.services import edits, records
from isms.services.edits import reads
from isms.services.read.asset_record import asset_record

from ..widgets.check_list import tick, ticked
from .record_editor import RecordEditor, select, text_box

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

#: Shown in the retention box for "not recorded" (its minimum, -1).
NOT_RECORDED = "Not recorded"
#: The agreement choices: (text, stored value as the combo's data).
AGREEMENT = (("Yes", "yes"), ("No", "no"), ("Unknown", "unknown"))
_AGREEMENT_VALUE: dict[str, bool | None] = {"yes": True, "no": False, "unknown": None}


class PracticeEditor(RecordEditor):
    geometry_key = "practice_editor"

    def __init__(
        self, register: Register, practice_id: int | None, parent: QWidget | None = None,
        *, asset_id: int | None = None,
    ) -> None:
        super().__init__(register, parent)
        self.practice_id = practice_id
        #: The asset a new practice is added to.
        self.asset_id = asset_id
        self._read()
        self.asset_label = QLabel()
        self.stage_combo = QComboBox()
        for stage in HandlingStage:
            self.stage_combo.addItem(stage.value.capitalize(), stage.value)
        self.channel_combo = QComboBox()
        self.channel_combo.addItem("None", None)
        for channel in HandlingChannel:
            self.channel_combo.addItem(channel.value.capitalize(), channel.value)
        self.channel_combo.setToolTip("How the information moves: only for a transfer or "
                                      "sharing")
        for combo in (self.stage_combo, self.channel_combo):
            combo.currentIndexChanged.connect(self.update_hints)
        self.safeguards_list = QListWidget()
        self.safeguards_list.setToolTip("Tick the safeguards in place")
        self.description_edit = text_box(3, self)
        self.third_party_edit = QLineEdit()
        self.third_party_edit.setMaxLength(200)
        self.agreement_combo = QComboBox()
        for text, value in AGREEMENT:
            self.agreement_combo.addItem(text, value)
        self.agreement_combo.setToolTip("Is there an agreement (e.g. data sharing) in place?")
        self.retention_spin = QSpinBox()
        self.retention_spin.setRange(-1, 1200)
        self.retention_spin.setSuffix(" months")
        self.retention_spin.setSpecialValueText(NOT_RECORDED)
        self.offshore_check = QCheckBox("Held or processed outside the UK")
        named: tuple[tuple[QWidget, str], ...] = (
            (self.stage_combo, "Stage"), (self.channel_combo, "Channel"),
            (self.safeguards_list, "Safeguards"), (self.description_edit, "Description"),
            (self.third_party_edit, "Third party"), (self.agreement_combo, "Agreement"),
            (self.retention_spin, "Retention"), (self.offshore_check, "Offshore"))
        for widget, name in named:
            widget.setAccessibleName(name)
        form = QFormLayout()
        form.addRow("Asset:", self.asset_label)
        form.addRow("&Stage:", self.stage_combo)
        form.addRow("C&hannel:", self.channel_combo)
        form.addRow("Sa&feguards:", self.safeguards_list)
        form.addRow("&Description:", self.description_edit)
        form.addRow("&Third party:", self.third_party_edit)
        form.addRow("A&greement:", self.agreement_combo)
        form.addRow("&Retention:", self.retention_spin)
        form.addRow("", self.offshore_check)
        self.finish(form, self.stage_combo, 560, 560)

    @classmethod
    def new(
        cls, register: Register, asset_id: int, parent: QWidget | None = None
    ) -> PracticeEditor:
        """The editor on an empty form: Save adds a practice to the asset."""
        return cls(register, None, parent, asset_id=asset_id)

    def _read(self) -> None:
        with self._register.session() as session:
            if self.practice_id is None:
                assert self.asset_id is not None
                asset = asset_record(session, self.asset_id)
                read = reads.EditorRecord(0, {
                    "stage": HandlingStage.STORED.value, "channel": None, "safeguards": [],
                    "description": "", "third_party": "", "has_agreement": None,
                    "retention_months": None, "offshore": False,
                }, {"asset": f"{asset.ref} {asset.name}"})
            else:
                read = reads.practice(session, self.practice_id)
        self.version = read.version
        self.asset_text = str(read.facts["asset"])
        self.saved_values = dict(read.values)

    def _show(self) -> None:
        values = self.saved_values
        self.setWindowTitle(f"Handling practice — {self.asset_text} — isms" if self.practice_id
                            else f"New handling practice — {self.asset_text} — isms")
        self.asset_label.setText(self.asset_text)
        select(self.stage_combo, values["stage"])
        select(self.channel_combo, values["channel"])
        self.safeguards_list.clear()
        unknown = [code for code in values["safeguards"] if code not in SAFEGUARDS]
        for code in [*SAFEGUARDS, *unknown]:
            words = SAFEGUARDS.get(code)
            item = QListWidgetItem(f"{code} — {words}" if words else f"{code} (not known)")
            item.setData(Qt.ItemDataRole.UserRole, code)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if code in values["safeguards"]
                               else Qt.CheckState.Unchecked)
            self.safeguards_list.addItem(item)
        self.description_edit.setPlainText(values["description"])
        self.third_party_edit.setText(values["third_party"])
        self.third_party_edit.setCursorPosition(0)
        agreement = {True: "yes", False: "no", None: "unknown"}[values["has_agreement"]]
        select(self.agreement_combo, agreement)
        months = values["retention_months"]
        self.retention_spin.setValue(-1 if months is None else months)
        self.offshore_check.setChecked(values["offshore"])

    def ticked_safeguards(self) -> list[str]:
        return [str(v) for v in ticked(self.safeguards_list)]

    def tick_safeguard(self, code: str, on: bool = True) -> None:
        tick(self.safeguards_list, code, on)

    def values(self) -> dict[str, Any]:
        months = self.retention_spin.value()
        return {
            "stage": self.stage_combo.currentData(),
            "channel": self.channel_combo.currentData(),
            "safeguards": self.ticked_safeguards(),
            "description": self.description_edit.toPlainText().strip(),
            "third_party": self.third_party_edit.text().strip(),
            "has_agreement": _AGREEMENT_VALUE[str(self.agreement_combo.currentData())],
            "retention_months": None if months < 0 else months,
            "offshore": self.offshore_check.isChecked(),
        }

    def problems(self) -> list[tuple[str, QWidget]]:
        stage = self.stage_combo.currentData()
        if self.channel_combo.currentData() is not None and (
                stage not in records.CHANNEL_STAGES):
            return [(f"Only information transferred or shared has a channel: set the "
                     f"channel to None for stage {stage}.", self.channel_combo)]
        return []

    def field_widgets(self) -> dict[str, QWidget]:
        return {"stage": self.stage_combo, "channel": self.channel_combo,
                "safeguards": self.safeguards_list, "description": self.description_edit,
                "third_party": self.third_party_edit, "has_agreement": self.agreement_combo,
                "retention_months": self.retention_spin, "offshore": self.offshore_check}

    def describe(self, name: str, value: object) -> str:
        if name == "has_agreement":
            return "Unknown" if value is None else ("Yes" if value else "No")
        if name == "retention_months" and value is None:
            return NOT_RECORDED
        return super().describe(name, value)

    def record_name(self) -> str:
        return f"the handling practice of {self.asset_text}"

    def _save(self, session: Session, edited: dict[str, Any]) -> edits.Saved:
        if self.practice_id is None:
            assert self.asset_id is not None
            return edits.add_practice(session, self.asset_id, self.values())
        return edits.save(session, "handling practice", self.practice_id, self.version, edited)

    @classmethod
    def ask(cls, register: Register, practice_id: int, parent: QWidget | None = None) -> bool:
        """Edit the practice modally; True when a save was made."""
        return cls(register, practice_id, parent).run()
