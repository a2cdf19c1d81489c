"""The treatment action editor: title, description, owner, due date and status of one action,
or of a new one of a risk (``ActionEditor.new``).

Saved with one call, ``isms.services.edits.save`` (``records.update_action``), or for a new
action ``edits.add_action``; marking it done records the completion date. Opened by
double-click or Enter on the Treatment actions page or in the risk editor.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QWidget

from isms.db import Register
from isms.model import ActionStatus
from isms.services import edits
from isms.services.edits import reads
from isms.services.read import queries
from isms.services.read.risk_record import risk_record

from .record_editor import Choices, OptionalDate, RecordEditor, fill_combo, select, text_box

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


class ActionEditor(RecordEditor):
    geometry_key = "action_editor"

    def __init__(
        self, register: Register, action_id: int | None, parent: QWidget | None = None,
        *, risk_id: int | None = None,
    ) -> None:
        super().__init__(register, parent)
        self.action_id = action_id
        #: The risk a new action is added to.
        self.risk_id = risk_id
        self._read()
        self.risk_label = QLabel()
        self.title_edit = QLineEdit()
        self.title_edit.setMaxLength(300)
        self.title_edit.textChanged.connect(self.update_hints)
        self.description_edit = text_box(4, self)
        self.owner_combo = QComboBox()
        self.due_date = OptionalDate("Due date")
        self.status_combo = QComboBox()
        for status in ActionStatus:
            self.status_combo.addItem(status.value.capitalize(), status.value)
        self.status_combo.currentIndexChanged.connect(self._update_completed)
        self.completed_label = QLabel()
        for widget, name in ((self.title_edit, "Title"), (self.description_edit, "Description"),
                             (self.owner_combo, "Owner"), (self.status_combo, "Status")):
            widget.setAccessibleName(name)
        form = QFormLayout()
        form.addRow("Risk:", self.risk_label)
        form.addRow("&Title:", self.title_edit)
        form.addRow("&Description:", self.description_edit)
        form.addRow("O&wner:", self.owner_combo)
        form.addRow("D&ue:", self.due_date)
        form.addRow("&Status:", self.status_combo)
        form.addRow("Completed:", self.completed_label)
        self.finish(form, self.title_edit, 560, 380)

    @classmethod
    def new(cls, register: Register, risk_id: int, parent: QWidget | None = None) -> ActionEditor:
        """The editor on an empty form: Save adds an action to the risk (its id is then
        ``change.record_id``)."""
        return cls(register, None, parent, risk_id=risk_id)

    def _read(self) -> None:
        with self._register.session() as session:
            if self.action_id is None:
                assert self.risk_id is not None
                risk = risk_record(session, self.risk_id)
                read = reads.EditorRecord(0, {
                    "title": "", "description": "", "owner_id": risk.owner_id,
                    "due_date": None, "status": ActionStatus.OPEN.value,
                }, {"risk": f"{risk.ref} {risk.title}", "owner": risk.owner,
                    "completed_on": None})
            else:
                read = reads.action(session, self.action_id)
            self.people: Choices = tuple((p.name, p.id) for p in queries.people(session))
        self.version = read.version
        self.risk_text = str(read.facts["risk"])
        self.owner_name = read.facts["owner"]
        self.completed_on = read.facts["completed_on"]
        self.saved_values = dict(read.values)

    def _show(self) -> None:
        values = self.saved_values
        self.setWindowTitle(f"Treatment action — {values['title']} — isms" if self.action_id
                            else f"New treatment action of {self.risk_text.split()[0]} — isms")
        self.risk_label.setText(self.risk_text)
        self.title_edit.setText(values["title"])
        self.title_edit.setCursorPosition(0)
        self.description_edit.setPlainText(values["description"])
        fill_combo(self.owner_combo, self.people, "No owner")
        select(self.owner_combo, values["owner_id"], f"{self.owner_name} (has left)")
        self.due_date.set_value(values["due_date"])
        select(self.status_combo, values["status"])
        self._update_completed()

    def _update_completed(self) -> None:
        done = self.status_combo.currentData() == ActionStatus.DONE
        if done and self.completed_on and self.saved_values["status"] == ActionStatus.DONE:
            self.completed_label.setText(self.completed_on.isoformat())
        else:
            self.completed_label.setText("Today, when saved" if done else "—")

    def values(self) -> dict[str, Any]:
        return {
            "title": self.title_edit.text().strip(),
            "description": self.description_edit.toPlainText().strip(),
            "owner_id": self.owner_combo.currentData(),
            "due_date": self.due_date.value(),
            "status": self.status_combo.currentData(),
        }

    def problems(self) -> list[tuple[str, QWidget]]:
        if not self.title_edit.text().strip():
            return [("The action needs a title.", self.title_edit)]
        return []

    def field_widgets(self) -> dict[str, QWidget]:
        return {"title": self.title_edit, "description": self.description_edit,
                "owner_id": self.owner_combo, "due_date": self.due_date,
                "status": self.status_combo}

    def record_name(self) -> str:
        return "the new action" if self.action_id is None else "the action"

    def _save(self, session: Session, edited: dict[str, Any]) -> edits.Saved:
        if self.action_id is None:
            assert self.risk_id is not None
            return edits.add_action(session, self.risk_id, self.values())
        return edits.save(session, "treatment action", self.action_id, self.version, edited)

    @classmethod
    def ask(cls, register: Register, action_id: int, parent: QWidget | None = None) -> bool:
        """Edit the action modally; True when a save was made."""
        return cls(register, action_id, parent).run()
