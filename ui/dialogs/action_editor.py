"""The treatment action editor: title, description, owner, priority, resources, due date and
status of one action, or of a new one of a risk (``ActionEditor.new``); beside the due date,
the original one and each deferral, and Defer to move the date later with a reason.

Saved with one call, ``isms.services.edits.save`` (``records.update_action``), or for a new
action ``edits.add_action``; marking it done records the completion date. Closing the last open
action of a risk still above its target asks why first (``actions.with_reason`` adds the
reason to the description the save records). Defer is one call
too, ``actions.defer_action``: it keeps the original date and records the slip (who, when,
why). Opened by double-click or Enter on the Treatment actions page or in the risk editor.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from isms.db import Register
from isms.errors import IsmsError
from isms.model import ActionStatus
from isms.model.risk import ACTION_PRIORITIES
from isms.services import actions, edits
from isms.services.edits import reads
from isms.services.read import queries
from isms.services.read.risk_record import risk_record

from .record_editor import (
    Choices,
    OptionalDate,
    RecordEditor,
    fill_combo,
    qdate,
    select,
    text_box,
)

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
        #: Why the action is closed over the condition, asked by :meth:`save`.
        self.close_reason = ""
        self._read()
        self.risk_label = QLabel()
        self.title_edit = QLineEdit()
        self.title_edit.setMaxLength(300)
        self.title_edit.textChanged.connect(self.update_hints)
        self.description_edit = text_box(4, self)
        self.owner_combo = QComboBox()
        self.due_date = OptionalDate("Due date")
        self.defer_button = QPushButton("De&fer…")
        self.defer_button.setToolTip("Move the due date later with a reason: the original date "
                                     "and each deferral are kept")
        self.defer_button.clicked.connect(self.defer)
        self.defer_button.setEnabled(action_id is not None)
        due_row = QWidget()
        due_layout = QHBoxLayout(due_row)
        due_layout.setContentsMargins(0, 0, 0, 0)
        due_layout.addWidget(self.due_date, 1)
        due_layout.addWidget(self.defer_button)
        due_row.setFocusProxy(self.due_date)
        self.history_label = QLabel()
        self.history_label.setWordWrap(True)
        self.priority_combo = QComboBox()
        self.priority_combo.addItem("Not set", "")
        for priority in ACTION_PRIORITIES:
            self.priority_combo.addItem(priority.capitalize(), priority)
        self.resources_edit = text_box(2, self)
        self.status_combo = QComboBox()
        for status in ActionStatus:
            self.status_combo.addItem(status.value.capitalize(), status.value)
        self.status_combo.currentIndexChanged.connect(self._update_completed)
        self.completed_label = QLabel()
        for widget, name in ((self.title_edit, "Title"), (self.description_edit, "Description"),
                             (self.owner_combo, "Owner"), (self.priority_combo, "Priority"),
                             (self.resources_edit, "Resources"), (self.status_combo, "Status")):
            widget.setAccessibleName(name)
        form = QFormLayout()
        form.addRow("Risk:", self.risk_label)
        form.addRow("&Title:", self.title_edit)
        form.addRow("&Description:", self.description_edit)
        form.addRow("O&wner:", self.owner_combo)
        form.addRow("&Priority:", self.priority_combo)
        form.addRow("&Resources:", self.resources_edit)
        form.addRow("D&ue:", due_row)
        form.addRow("Planned:", self.history_label)
        form.addRow("&Status:", self.status_combo)
        form.addRow("Completed:", self.completed_label)
        self.finish(form, self.title_edit, 600, 470)

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
                    "due_date": None, "status": ActionStatus.OPEN.value, "priority": "",
                    "resources": "",
                }, {"risk": f"{risk.ref} {risk.title}", "owner": risk.owner,
                    "completed_on": None})
                self.history = actions.ActionHistory(None, ())
            else:
                read = reads.action(session, self.action_id)
                self.history = actions.action_history(session, self.action_id)
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
        select(self.priority_combo, values["priority"] or "")
        self.resources_edit.setPlainText(values["resources"])
        self.history_label.setText(self._history_text())
        select(self.status_combo, values["status"])
        self._update_completed()

    def _history_text(self) -> str:
        original = self.history.original_due
        text = f"Originally due {original.isoformat()}" if original else "No due date planned yet"
        if not self.history.deferrals:
            return text + "; never deferred."
        return text + "; deferred " + "; ".join(self.history.deferrals) + "."

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
            "priority": self.priority_combo.currentData(),
            "resources": self.resources_edit.toPlainText().strip(),
        }

    def problems(self) -> list[tuple[str, QWidget]]:
        if not self.title_edit.text().strip():
            return [("The action needs a title.", self.title_edit)]
        return []

    def field_widgets(self) -> dict[str, QWidget]:
        return {"title": self.title_edit, "description": self.description_edit,
                "owner_id": self.owner_combo, "due_date": self.due_date,
                "status": self.status_combo, "priority": self.priority_combo,
                "resources": self.resources_edit}

    def record_name(self) -> str:
        return "the new action" if self.action_id is None else "the action"

    def _save(self, session: Session, edited: dict[str, Any]) -> edits.Saved:
        if self.action_id is None:
            assert self.risk_id is not None
            return edits.add_action(session, self.risk_id, self.values())
        if self.close_reason:  # closing over the condition: the reason goes with the save
            edited = actions.with_reason(session, self.action_id, edited, self.close_reason)
        return edits.save(session, "treatment action", self.action_id, self.version, edited)

    def save(self) -> bool:
        """Save; closing the risk's last open action while it is still above its target
        first asks why (the reason is kept with the closing and the next review sees it)."""
        self.close_reason = ""
        status = self.edited().get("status")
        if self.action_id is not None and status in (ActionStatus.DONE, ActionStatus.CANCELLED) \
                and not self.problems():
            try:
                with self._register.session() as session:
                    condition = actions.condition_of(session, self.action_id)
            except IsmsError as exc:
                self.message.error(str(exc))
                return False
            if condition is not None:
                asked = CloseReasonDialog(condition, self)
                if not asked.run():
                    return False
                self.close_reason = asked.reason()
        return super().save()

    def defer(self) -> bool:
        """Ask for the new date and the reason, then defer the action (one service call) and
        close, as a save does; refused while the form holds unsaved changes."""
        assert self.action_id is not None
        if self.edited():
            self.message.error("Save or cancel your changes before deferring the action.")
            return False
        current = self.saved_values["due_date"]
        asked = DeferDialog((current or date.today()) + timedelta(days=30), self)
        if not asked.run():
            return False
        try:
            with self._register.transaction() as session:
                changed = actions.defer_action(session, self.action_id, asked.new_date(),
                                               asked.reason(), today=date.today())
        except IsmsError as exc:
            self.message.error(str(exc))
            return False
        self.change = edits.Saved(changed, record_id=self.action_id, count=1)
        self._saved()
        self.accept()
        return True

    @classmethod
    def ask(cls, register: Register, action_id: int, parent: QWidget | None = None) -> bool:
        """Edit the action modally; True when a save was made."""
        return cls(register, action_id, parent).run()


class _ReasonDialog(QDialog):
    """A small dialog that asks why: its OK button (named for the act) waits for a reason."""

    def __init__(self, title: str, act: str, placeholder: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"{title} — isms")
        self.reason_edit = QLineEdit()
        self.reason_edit.setAccessibleName("Reason")
        self.reason_edit.setPlaceholderText(placeholder)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(act)
        self.ok_button.setEnabled(False)
        self.reason_edit.textChanged.connect(
            lambda text: self.ok_button.setEnabled(bool(text.strip())))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.form = QFormLayout(self)

    def _finish(self) -> None:
        """Lay out the reason and the buttons under what the subclass added."""
        self.form.addRow("&Reason:", self.reason_edit)
        self.form.addRow(self.buttons)
        self.reason_edit.setFocus()

    def reason(self) -> str:
        return self.reason_edit.text().strip()

    def run(self) -> bool:
        try:
            return self.exec() == QDialog.DialogCode.Accepted
        finally:
            self.deleteLater()


class CloseReasonDialog(_ReasonDialog):
    """Why an action is closed while its risk is still above its target."""

    def __init__(self, condition: str, parent: QWidget | None = None) -> None:
        super().__init__("Close the action", "Close the action",
                         "Why it is closed before the target is reached", parent)
        self.condition_label = QLabel(
            f"{condition}, and this is its last open action. Say why it is closed anyway: the "
            "reason is kept with the action and the next review lists it.")
        self.condition_label.setWordWrap(True)
        self.form.addRow(self.condition_label)
        self._finish()


class DeferDialog(_ReasonDialog):
    """The new due date and why the action slips."""

    def __init__(self, proposed: date, parent: QWidget | None = None) -> None:
        super().__init__("Defer the action", "Defer",
                         "Why it slips (kept in the treatment plan)", parent)
        self.date_edit = QDateEdit(qdate(proposed))
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.date_edit.setMinimumDate(QDate.currentDate())
        self.date_edit.setAccessibleName("New due date")
        self.form.addRow("&New due date:", self.date_edit)
        self._finish()

    def new_date(self) -> date:
        picked: date = self.date_edit.date().toPython()  # type: ignore[assignment]
        return picked
