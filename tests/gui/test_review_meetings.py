"""The Reviews page: Plan meeting…, the wizard on double-click/Enter, the minutes as PDF."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from isms.db import Register
from isms.model import ReviewMeeting, ReviewStatus
from ui.dialogs.review_plan import ReviewPlanDialog
from ui.dialogs.review_wizard import ReviewWizard
from ui.errors import ErrorReporter
from ui.views import review_meetings
from ui.views.main_window import MainWindow

from .conftest import shown


def reviews_page(qtbot: Any, register: Register) -> MainWindow:
    window = shown(qtbot, MainWindow(register, ErrorReporter(dialogs=False)))
    window.show_page_key("reviews")
    assert window.stack.currentWidget() is window.pages["reviews"]
    return window


def test_plan_meeting_adds_a_row_and_enter_opens_it_in_the_wizard(
    qtbot: Any, demo: Register, on_modal: Any
) -> None:
    window = reviews_page(qtbot, demo)
    page = window.pages["reviews"]
    before = page.model.rowCount()
    on_modal(ReviewPlanDialog, lambda dialog: dialog.plan_button.click())
    meeting_id = window.review_meetings.plan()
    assert meeting_id is not None and page.model.rowCount() == before + 1
    opened: list[int] = []

    def note_and_close(wizard: ReviewWizard) -> None:
        opened.append(wizard.meeting_id)
        wizard.close()

    on_modal(ReviewWizard, note_and_close)
    row = page.model.row_of(meeting_id)
    assert row is not None
    page.table.activated.emit(page.model.index(row, 0))
    assert opened == [meeting_id]


def test_minutes_of_the_signed_off_demo_meeting_are_written_as_pdf(
    qtbot: Any, demo: Register, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with demo.session() as session:
        past_id, ref = session.execute(select(ReviewMeeting.id, ReviewMeeting.ref).where(
            ReviewMeeting.status == ReviewStatus.SIGNED_OFF)).one()
    target = tmp_path / "minutes.pdf"
    monkeypatch.setattr(review_meetings.QFileDialog, "getSaveFileName",
                        lambda *args, **kwargs: (str(target), ""))
    monkeypatch.setattr(review_meetings, "open_file", lambda *args: None)
    window = reviews_page(qtbot, demo)
    page = window.pages["reviews"]
    row = page.model.row_of(past_id)
    assert row is not None
    page.table.setCurrentIndex(page.model.index(row, 0))
    assert window.review_meetings.minutes() == target
    assert ref in PdfReader(target).pages[0].extract_text()
