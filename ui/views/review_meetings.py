"""The Reviews page's own actions: plan a meeting, open one in the review wizard (double-click or
Enter), write a meeting's minutes as PDF, and record the SIRO's answer to an escalation a meeting
set (Answer escalation…, as `isms actions answer`). Made afresh for each register the window
shows."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QPushButton, QWidget

from isms.errors import IsmsError

from ..desktop import open_file
from ..settings import EXPORT_FOLDER

if TYPE_CHECKING:
    from .shell import Shell

#: The pages a review's decisions can change.
CHANGED_PAGES = ("reviews", "risks", "assets", "actions", "controls")


class ReviewMeetings:
    def __init__(self, window: Shell) -> None:
        self._window = window
        page = window.pages["reviews"]
        self.plan_button = QPushButton("&Plan meeting…")
        self.plan_button.setToolTip("Plan a Security Managers Group review meeting")
        self.plan_button.clicked.connect(self.plan)
        page.top_row.addWidget(self.plan_button)
        self.answer_button = QPushButton("Answer escalation…")
        self.answer_button.setToolTip("Record the SIRO's answer to an escalation a review "
                                      "meeting set")
        self.answer_button.clicked.connect(self.answer_escalation)
        page.top_row.addWidget(self.answer_button)
        QWidget.setTabOrder(page.search, self.plan_button)
        QWidget.setTabOrder(self.plan_button, self.answer_button)
        QWidget.setTabOrder(self.answer_button, page.table)
        page.table.activated.connect(self._activated)
        for text, slot in (("Open in the review wizard", self.open_selected),
                           ("Write the minutes (PDF)…", self.minutes),
                           ("Answer escalation…", self.answer_escalation)):
            action = QAction(text, page.table)
            action.triggered.connect(slot)
            page.table.addAction(action)
        page.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)

    def _selected(self) -> int | None:
        page = self._window.pages["reviews"]
        index = page.table.currentIndex()
        return page.model.row_id(index.row()) if index.isValid() else None

    def _refresh(self) -> None:
        for key in CHANGED_PAGES:
            self._window.pages[key].model.refresh()
        if self._window.dashboard is not None:
            self._window.dashboard.refresh()

    def plan(self) -> int | None:
        from ..dialogs.review_plan import ReviewPlanDialog  # loads when first used

        meeting_id = ReviewPlanDialog.ask(self._window.register, self._window.reporter,
                                          self._window)
        if meeting_id is not None:
            self._window.pages["reviews"].model.refresh()
        return meeting_id

    def _activated(self, index: QModelIndex) -> None:
        self.open(self._window.pages["reviews"].model.row_id(index.row()))

    def open_selected(self) -> None:
        meeting_id = self._selected()
        if meeting_id is not None:
            self.open(meeting_id)

    def open(self, meeting_id: int) -> None:
        from ..dialogs.review_wizard import ReviewWizard

        ReviewWizard.ask(self._window.register, meeting_id, self._window.reporter, self._window)
        self._refresh()

    def answer_escalation(self) -> str | None:
        """Record the SIRO's answer to an open escalation (the escalation answered, or None)."""
        from ..dialogs.escalation_answer import EscalationAnswerDialog

        answered = EscalationAnswerDialog.ask(self._window.register, self._window)
        if answered is not None:
            self._refresh()
            self._window.statusBar().showMessage(
                f"Recorded the SIRO's answer to {answered}", 10_000)
        return answered

    def minutes(self) -> Path | None:
        meeting_id = self._selected()
        if meeting_id is None:
            return None
        from isms.services.reviews.common import meeting_by_id
        from isms.services.reviews.minutes import write_minutes

        window = self._window
        with window.register.session() as session:
            ref = meeting_by_id(session, meeting_id).ref
        folder = EXPORT_FOLDER.get() or Path.home()
        chosen, _ = QFileDialog.getSaveFileName(window, "Write the minutes — isms",
                                                str(folder / f"minutes-{ref}.pdf"),
                                                "PDF files (*.pdf)")
        if not chosen:
            return None
        path = Path(chosen) if chosen.lower().endswith(".pdf") else Path(chosen + ".pdf")
        try:
            with window.register.session() as session:
                write_minutes(session, meeting_id, path)
        except IsmsError as exc:
            window.reporter.expected(window, exc, "isms — cannot write the minutes")
            return None
        EXPORT_FOLDER.set(path.parent)
        window.statusBar().showMessage(f"Wrote {path}", 10_000)
        open_file(window, path)
        return path
