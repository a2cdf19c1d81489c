"""Reviews → Plan meeting…: the date, chair, scope and attendees of an SMG review meeting.

Nothing is built yet: the agenda comes from the register when the meeting starts (in the review
wizard), so it reflects the register on the day, not on the day it was planned.
"""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from isms.db import Register
from isms.errors import IsmsError, ValidationError
from isms.services.read import queries
from isms.services.reviews.meetings import plan_review
from isms.services.roles import can_approve

from ..errors import ErrorReporter
from ..widgets.check_list import tick, ticked
from ..widgets.message_bar import MessageBar
from .base import RememberedDialog
from .record_editor import qdate

DEFAULT_TITLE = "Security Managers Group review"
NO_CHAIR = "Not chosen yet"


def next_working_day(today: date) -> date:
    """The first weekday after ``today`` (bank holidays are the planner's to spot)."""
    day = today + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def checkable(widget: QListWidget, text: str, value: int) -> None:
    item = QListWidgetItem(text)
    item.setData(Qt.ItemDataRole.UserRole, value)
    item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
    item.setCheckState(Qt.CheckState.Unchecked)
    widget.addItem(item)


class ReviewPlanDialog(RememberedDialog):
    """Plan one meeting; ``meeting_id`` is set once it is saved (``ask`` returns it)."""

    geometry_key = "review_plan"

    def __init__(self, register: Register, reporter: ErrorReporter,
                 parent: QWidget | None = None, *, today: date | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Plan a review meeting")
        self.register = register
        self.reporter = reporter
        self.meeting_id: int | None = None

        self.title_edit = QLineEdit(DEFAULT_TITLE)
        self.date_edit = QDateEdit(qdate(next_working_day(today or date.today())))
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.chair_combo = QComboBox()
        self.whole_council = QRadioButton("&Whole council")
        self.some_departments = QRadioButton("Onl&y these departments:")
        self.whole_council.setChecked(True)
        self._scope_group = QButtonGroup(self)
        self._scope_group.addButton(self.whole_council)
        self._scope_group.addButton(self.some_departments)
        self.departments_list = QListWidget()
        self.departments_list.setEnabled(False)
        self.attendees_list = QListWidget()
        self.location_edit = QLineEdit()
        self.message = MessageBar()
        for widget, name in ((self.title_edit, "Title"), (self.date_edit, "Meeting date"),
                             (self.chair_combo, "Chair"),
                             (self.whole_council, "Scope: whole council"),
                             (self.some_departments, "Scope: only these departments"),
                             (self.departments_list, "Departments in scope"),
                             (self.attendees_list, "Attendees"),
                             (self.location_edit, "Location")):
            widget.setAccessibleName(name)
        self.chair_combo.setToolTip("People with the approver role come first: only an approver "
                                    "can sign the meeting off")
        self._fill()

        form = QFormLayout()
        form.addRow("&Title:", self.title_edit)
        form.addRow("&Date:", self.date_edit)
        form.addRow("&Chair:", self.chair_combo)
        form.addRow("Scope:", self.whole_council)
        form.addRow("", self.some_departments)
        form.addRow("", self.departments_list)
        attendees_label = QLabel("&Attendees:")
        attendees_label.setBuddy(self.attendees_list)
        form.addRow(attendees_label, self.attendees_list)
        form.addRow("&Location:", self.location_edit)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.plan_button = buttons.addButton("&Plan meeting",
                                             QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form, 1)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.plan_button.setDefault(True)

        self.some_departments.toggled.connect(self.departments_list.setEnabled)
        self.chair_combo.currentIndexChanged.connect(self._chair_attends)
        self._chair_attends()
        self.title_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self.title_edit.selectAll()
        self.restore_or_resize(560, 640)

    def _fill(self) -> None:
        with self.register.session() as session:
            people = queries.people(session)
            approvers = [p for p in people if can_approve(p)]
            others = [p for p in people if not can_approve(p)]
            for person in approvers:
                self.chair_combo.addItem(f"{person.name} (approver)", person.id)
            for person in others:
                self.chair_combo.addItem(person.name, person.id)
            self.chair_combo.addItem(NO_CHAIR, None)
            for person in people:
                checkable(self.attendees_list, person.name, person.id)
            for department in queries.departments(session):
                checkable(self.departments_list, f"{department.name} ({department.code})",
                          department.id)

    def _chair_attends(self) -> None:
        """The chair is at the meeting: tick them (unticking stays the user's choice)."""
        chair = self.chair_combo.currentData()
        if isinstance(chair, int):
            tick(self.attendees_list, chair)

    # --- values ------------------------------------------------------------------------------

    def chosen_date(self) -> date:
        picked: date = self.date_edit.date().toPython()  # type: ignore[assignment]
        return picked

    def department_ids(self) -> list[int]:
        if self.whole_council.isChecked():
            return []
        return [int(v) for v in ticked(self.departments_list)]

    def attendee_ids(self) -> list[int]:
        return [int(v) for v in ticked(self.attendees_list)]

    def problems(self) -> list[tuple[str, QWidget]]:
        found: list[tuple[str, QWidget]] = []
        if not self.title_edit.text().strip():
            found.append(("The meeting needs a title.", self.title_edit))
        if self.some_departments.isChecked() and not self.department_ids():
            found.append(("Tick the departments in scope, or choose the whole council.",
                          self.departments_list))
        return found

    def field_widgets(self) -> dict[str, QWidget]:
        """The input each argument of ``plan_review`` is edited in (for its ValidationErrors)."""
        return {"title": self.title_edit, "meeting_date": self.date_edit,
                "chair_id": self.chair_combo, "department_ids": self.departments_list,
                "attendees": self.attendees_list, "location": self.location_edit}

    def save(self) -> bool:
        problems = self.problems()
        if problems:
            text, field = problems[0]
            self.message.error(text, focus=field)
            return False
        chair = self.chair_combo.currentData()
        try:
            with self.register.transaction() as session:
                meeting = plan_review(
                    session, title=self.title_edit.text().strip(),
                    meeting_date=self.chosen_date(),
                    chair_id=chair if isinstance(chair, int) else None,
                    department_ids=self.department_ids(),
                    attendee_ids=self.attendee_ids(),
                    location=self.location_edit.text().strip(),
                )
                session.flush()
                meeting_id = meeting.id
        except ValidationError as exc:
            self.message.error(str(exc), focus=self.field_widgets().get(exc.field or ""))
            return False
        except IsmsError as exc:
            self.reporter.expected(self, exc, "Plan a review meeting")
            return False
        self.meeting_id = meeting_id
        self.accept()
        return True

    @classmethod
    def ask(cls, register: Register, reporter: ErrorReporter,
            parent: QWidget | None = None) -> int | None:
        """Run the dialog modally; the new meeting's id, or None if none was planned."""
        dialog = cls(register, reporter, parent)
        dialog.run()
        return dialog.meeting_id

