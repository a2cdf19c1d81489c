"""Reviews → Plan meeting…: a meeting planned in the dialog is in the register as planned."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QListWidget
from sqlalchemy import func, select

from isms.db import Register
from isms.model import Person, ReviewMeeting, ReviewStatus, Role
from isms.services.read import queries
from ui.dialogs.review_plan import DEFAULT_TITLE, ReviewPlanDialog, next_working_day
from ui.errors import ErrorReporter
from ui.widgets.check_list import tick

from .conftest import shown

FRIDAY = date(2026, 11, 27)


def make_approver(register: Register) -> tuple[int, str]:
    """Give someone without a role to approve the approver role; their id and name."""
    with register.transaction(actor="tests") as session:
        person = next(p for p in queries.people(session) if Role.APPROVER not in p.roles)
        person.add_role(Role.APPROVER)
        session.flush()
        return person.id, person.name


def meetings(register: Register) -> int:
    with register.session() as session:
        return int(session.scalar(select(func.count()).select_from(ReviewMeeting)) or 0)


def plan_dialog(qtbot: Any, register: Register) -> ReviewPlanDialog:
    return shown(qtbot, ReviewPlanDialog(register, ErrorReporter(dialogs=False), today=FRIDAY))


def texts(widget: QListWidget) -> list[str]:
    return [widget.item(n).text() for n in range(widget.count())]


def test_next_working_day_skips_the_weekend() -> None:
    assert next_working_day(FRIDAY) == date(2026, 11, 30)
    assert next_working_day(date(2026, 11, 24)) == date(2026, 11, 25)


def test_defaults_are_the_smg_review_on_the_next_working_day(qtbot: Any, demo: Register) -> None:
    chair_id, chair_name = make_approver(demo)
    dialog = plan_dialog(qtbot, demo)

    assert dialog.title_edit.text() == DEFAULT_TITLE
    assert dialog.chosen_date() == date(2026, 11, 30)
    assert dialog.whole_council.isChecked() and not dialog.departments_list.isEnabled()
    # Approvers first: only an approver can sign the meeting off.
    with demo.session() as session:
        approvers = {p.id for p in queries.people(session) if Role.APPROVER in p.roles}
    firsts = [dialog.chair_combo.itemData(n) for n in range(len(approvers))]
    assert set(firsts) == approvers and chair_id in firsts
    assert dialog.chair_combo.findText(f"{chair_name} (approver)") >= 0
    # The chair is ticked as attending.
    assert dialog.chair_combo.currentData() in dialog.attendee_ids()


def test_plans_a_meeting_for_some_departments(qtbot: Any, demo: Register) -> None:
    chair_id, _ = make_approver(demo)
    before = meetings(demo)
    dialog = plan_dialog(qtbot, demo)
    dialog.title_edit.setText("Extraordinary SMG: ransomware")
    dialog.chair_combo.setCurrentIndex(dialog.chair_combo.findData(chair_id))
    qtbot.keyClick(dialog.title_edit, Qt.Key.Key_Y, Qt.KeyboardModifier.AltModifier)  # Onl&y
    qtbot.waitUntil(dialog.some_departments.isChecked)  # a mnemonic clicks after 100 ms
    assert dialog.departments_list.isEnabled()
    with demo.session() as session:
        chs, its = (queries.department_id(session, code) for code in ("CHS", "ITS"))
        someone = next(p.id for p in queries.people(session) if p.id != chair_id)
    tick(dialog.departments_list, chs)
    tick(dialog.departments_list, its)
    tick(dialog.attendees_list, someone)
    dialog.location_edit.setText("Committee Room 1")

    qtbot.mouseClick(dialog.plan_button, Qt.MouseButton.LeftButton)

    assert dialog.result() == dialog.DialogCode.Accepted and dialog.meeting_id is not None
    assert meetings(demo) == before + 1
    with demo.session() as session:
        meeting = session.get_one(ReviewMeeting, dialog.meeting_id)
        assert meeting.title == "Extraordinary SMG: ransomware"
        assert meeting.meeting_date == date(2026, 11, 30)
        assert meeting.status is ReviewStatus.PLANNED
        assert meeting.chair_id == chair_id
        assert meeting.location == "Committee Room 1"
        assert {d.id for d in meeting.scope} == {chs, its}
        assert {a.person_id for a in meeting.attendees} == {chair_id, someone}


def test_a_whole_council_meeting_has_an_empty_scope(qtbot: Any, demo: Register) -> None:
    dialog = plan_dialog(qtbot, demo)
    assert dialog.save()
    with demo.session() as session:
        assert session.get_one(ReviewMeeting, dialog.meeting_id).scope == []


@pytest.mark.parametrize("what", ["title", "departments"])
def test_what_is_missing_is_said_inline_and_nothing_is_saved(
    qtbot: Any, demo: Register, what: str
) -> None:
    before = meetings(demo)
    dialog = plan_dialog(qtbot, demo)
    if what == "title":
        dialog.title_edit.clear()
    else:
        dialog.some_departments.setChecked(True)  # ... but none ticked

    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_P, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: dialog.message.kind == "error")

    assert dialog.isVisible() and dialog.meeting_id is None
    assert dialog.message.kind == "error"
    expected = {"title": ("needs a title", dialog.title_edit),
                "departments": ("Tick the departments", dialog.departments_list)}[what]
    assert expected[0] in dialog.message.text()
    assert QApplication.focusWidget() is expected[1]
    assert meetings(demo) == before


def test_every_input_is_named(qtbot: Any, demo: Register) -> None:
    dialog = plan_dialog(qtbot, demo)
    for widget in dialog.field_widgets().values():
        assert widget.accessibleName()
    assert isinstance(dialog.attendees_list, QListWidget) and texts(dialog.attendees_list)
    with demo.session() as session:
        assert len(texts(dialog.attendees_list)) == len(queries.people(session))
        assert session.scalar(select(func.count()).select_from(Person))
