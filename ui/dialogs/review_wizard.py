"""The review wizard: one SMG meeting, item by item, as the group goes through its agenda.

A planned meeting is started here (the agenda is built from the register on the day). Each
decision is saved as it is made, in its own transaction, so closing the wizard ("Pause") loses
nothing and reopening it resumes at the first item still undecided. Once every item is decided
the meeting is completed (which sets the next review dates), its conclusions are recorded
(ISO/IEC 27001 9.3.3: asked for at sign-off when missing) and the chair signs it off; from then
on the wizard only shows it.

Everything is reachable from the keyboard: Ctrl+Return decides and moves on, Alt+Left / PgUp and
Alt+Right / PgDown step through the agenda, and every input has a mnemonic.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from isms.db import Register
from isms.errors import IsmsError, ValidationError
from isms.model import ReviewMeeting, ReviewStatus, Risk
from isms.services.read import queries
from isms.services.read.risk_record import risk_ratings
from isms.services.reviews.common import meeting_by_id
from isms.services.reviews.decisions import accept_preview
from isms.services.reviews.meetings import (
    AgendaItemView,
    ItemContext,
    add_input,
    agenda,
    complete_review,
    conclude,
    conclusions,
    decide,
    item_context,
    sign_off,
    start_review,
    undo_decision,
)
from isms.services.roles import can_approve

from ..errors import ErrorReporter
from ..operations import Progress, run_with_progress
from ..widgets.message_bar import MessageBar
from .base import RememberedDialog
from .review_pages.conclusions_dialog import ConclusionsDialog
from .review_pages.context_panel import ContextPanel
from .review_pages.decision_form import DecisionForm, People, Scales
from .review_pages.small_dialogs import (
    AddInputDialog,
    SignOffDialog,
    held_today,
    signer_and_chair,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

T = TypeVar("T")
DECIDED_MARK = "✓"
TITLE = "Review meeting"


def progress_text(items: list[AgendaItemView]) -> str:
    decided = sum(1 for item in items if item.decision is not None)
    return f"{decided} of {len(items)} decided"


def item_text(item: AgendaItemView) -> str:
    mark = DECIDED_MARK if item.decision is not None else "  "
    return f"{mark} {item.position}. {item.kind.value.capitalize()}: {item.title}"


class ReviewWizard(RememberedDialog):
    """Run one meeting; build it with the meeting's id, then ``exec()`` (or ``ask``)."""

    geometry_key = "review_wizard"

    def __init__(self, register: Register, meeting_id: int, reporter: ErrorReporter,
                 parent: QWidget | None = None, *, today: date | None = None) -> None:
        super().__init__(parent)
        self.register = register
        self.meeting_id = meeting_id
        self.reporter = reporter
        self.today = today or date.today()
        self.items: list[AgendaItemView] = []
        self.status = ReviewStatus.PLANNED
        self.chair_id: int | None = None
        self.context: ItemContext | None = None
        people, approvers, scales = self._read_choices()
        self.people, self.approvers = people, approvers

        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.progress_label = QLabel()
        self.progress_bar = QProgressBar()
        self.progress_bar.setAccessibleName("Decisions made")
        self.progress_bar.setTextVisible(False)
        self.agenda_list = QListWidget()
        self.agenda_list.setAccessibleName("Agenda")
        self.context_panel = ContextPanel()
        self.form = DecisionForm(people, approvers, scales,
                                 signer=signer_and_chair(register, meeting_id)[0])
        self.form.today = self.today
        self.message = MessageBar()

        self.previous_button = QPushButton("&Previous")
        self.next_button = QPushButton("&Next")
        self.undo_button = QPushButton("&Undo decision")
        self.input_button = QPushButton("Add &input…")
        self.decide_button = QPushButton("Decide and ne&xt")
        self.start_button = QPushButton("&Start the meeting")
        self.complete_button = QPushButton("&Complete")
        self.conclusions_button = QPushButton("Conclusions (9.3.&3)…")
        self.sign_button = QPushButton("Sign o&ff…")
        self.pause_button = QPushButton("P&ause")
        tips = {
            self.previous_button: "The item before (Alt+Left, PgUp)",
            self.next_button: "The item after (Alt+Right, PgDown)",
            self.undo_button: "Take this item's decision back and decide again",
            self.input_button: "Add an input to the management review: audit results, "
                               "feedback, changes that affect the ISMS",
            self.decide_button: "Save the decision and go to the next undecided item "
                                "(Ctrl+Return)",
            self.start_button: "Build the agenda from the register as it is today",
            self.complete_button: "Close the meeting and set the next review dates; "
                                  "every item must be decided",
            self.conclusions_button: "What the meeting concludes on the suitability, adequacy "
            "and effectiveness of the ISMS, the changes and resources it needs (needed to sign "
            "off)",
            self.sign_button: "The chair signs the minutes off; the meeting is then frozen",
            self.pause_button: "Close the wizard; every decision made is already saved",
        }
        for button, tip in tips.items():
            button.setToolTip(tip)
            button.setAutoDefault(False)  # Enter in an input must not press a button
        self._lay_out()
        self._connect()
        self.reload()
        self.select_first_undecided()
        self.restore_or_resize(1100, 760)

    # --- building ----------------------------------------------------------------------------

    def _read_choices(self) -> tuple[People, People, Scales]:
        with self.register.session() as session:
            everyone = queries.people(session)
            approving = [p for p in everyone if can_approve(p)]
            people = tuple((p.name, p.id) for p in everyone)
            approvers = tuple((f"{p.name} (approver)", p.id) for p in approving)
            approvers += tuple((p.name, p.id) for p in everyone if p not in approving)
            criteria = queries.current_criteria(session)
            scales = Scales(tuple(p.label for p in criteria.likelihood),
                            tuple(p.label for p in criteria.impact))
        return people, approvers, scales

    def _lay_out(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.progress_label)
        top.addWidget(self.progress_bar)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        agenda_label = QLabel("A&genda:")
        agenda_label.setBuddy(self.agenda_list)
        left_layout.addWidget(agenda_label)
        left_layout.addWidget(self.agenda_list, 1)

        decision_box = QGroupBox("Decision")
        decision_layout = QVBoxLayout(decision_box)
        decision_layout.addWidget(self.form)
        item_buttons = QHBoxLayout()
        for button in (self.previous_button, self.next_button, self.undo_button,
                       self.input_button):
            item_buttons.addWidget(button)
        item_buttons.addStretch(1)
        item_buttons.addWidget(self.decide_button)
        decision_layout.addLayout(item_buttons)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.context_panel, 1)
        right_layout.addWidget(decision_box)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([440, 660])  # the agenda's titles are long: give them room

        bottom = QHBoxLayout()
        for button in (self.start_button, self.complete_button, self.conclusions_button,
                       self.sign_button):
            bottom.addWidget(button)
        bottom.addStretch(1)
        bottom.addWidget(self.pause_button)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.message)
        layout.addLayout(bottom)

        # Tab in the order the eye reads: the agenda, the item's history, the decision form
        # top to bottom, the buttons under it left to right, then the meeting's own buttons.
        chain: list[QWidget] = [self.agenda_list, self.context_panel.history,
                                *self.form.inputs(), self.previous_button, self.next_button,
                                self.undo_button, self.input_button, self.decide_button,
                                self.start_button, self.complete_button,
                                self.conclusions_button, self.sign_button, self.pause_button]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    def _connect(self) -> None:
        self.agenda_list.currentRowChanged.connect(self._show_current)
        self.form.changed.connect(self._update_buttons)
        self.previous_button.clicked.connect(self.previous_item)
        self.next_button.clicked.connect(self.next_item)
        self.undo_button.clicked.connect(self.undo)
        self.input_button.clicked.connect(self.add_input)
        self.decide_button.clicked.connect(self.decide_and_next)
        self.start_button.clicked.connect(self.start)
        self.complete_button.clicked.connect(self.complete)
        self.conclusions_button.clicked.connect(self.record_conclusions)
        self.sign_button.clicked.connect(self.sign_off)
        self.pause_button.clicked.connect(self.accept)
        shortcuts: tuple[tuple[str, Callable[[], object]], ...] = (
            ("Ctrl+Return", self.decide_and_next), ("Ctrl+Enter", self.decide_and_next),
            ("Alt+Left", self.previous_item), ("PgUp", self.previous_item),
            ("Alt+Right", self.next_item), ("PgDown", self.next_item),
        )
        for key, slot in shortcuts:
            QShortcut(QKeySequence(key), self, slot)

    # --- reading -----------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the meeting and its agenda again; keep the selected item where it still is."""
        with self.register.session() as session:
            meeting = meeting_by_id(session, self.meeting_id)
            self.status = meeting.status
            self.chair_id = meeting.chair_id
            self.heading.setText(self._heading(meeting))
            self.setWindowTitle(f"{meeting.ref} {meeting.title} — isms")
            self.items = agenda(session, self.meeting_id) if self._started() else []
        current = self.current_item()
        self.agenda_list.blockSignals(True)
        self.agenda_list.clear()
        for view in self.items:
            row = QListWidgetItem(item_text(view))
            row.setData(Qt.ItemDataRole.UserRole, view.id)
            state = "decided" if view.decision is not None else "not decided"
            row.setData(Qt.ItemDataRole.AccessibleTextRole,
                        f"{view.position}. {view.kind.value}: {view.title}, {state}")
            if view.detail:
                row.setToolTip(view.detail)
            self.agenda_list.addItem(row)
        self.agenda_list.blockSignals(False)
        decided = sum(1 for view in self.items if view.decision is not None)
        self.progress_label.setText(progress_text(self.items))
        self.progress_bar.setRange(0, max(len(self.items), 1))
        self.progress_bar.setValue(decided)
        if current is not None:
            self.select_item(current.id)
        else:
            self._show_current()

    def _started(self) -> bool:
        return self.status is not ReviewStatus.PLANNED

    def _heading(self, meeting: ReviewMeeting) -> str:
        parts = [f"<b>{html.escape(meeting.ref)}</b> {html.escape(meeting.title)}",
                 f"{meeting.meeting_date:%A %d %B %Y}"]
        if meeting.location:
            parts.append(html.escape(meeting.location))
        if meeting.chair is not None:
            parts.append(f"chair {html.escape(meeting.chair.name)}")
        status = meeting.status.value
        if meeting.status is ReviewStatus.SIGNED_OFF and meeting.signed_off_by is not None:
            when = f"{meeting.signed_off_at:%d %B %Y}" if meeting.signed_off_at else ""
            status = f"signed off by {html.escape(meeting.signed_off_by.name)} {when}".rstrip()
        parts.append(status)
        return " · ".join(parts)

    def current_item(self) -> AgendaItemView | None:
        row = self.agenda_list.currentRow()
        return self.items[row] if 0 <= row < len(self.items) else None

    def editable(self) -> bool:
        return self.status is ReviewStatus.IN_PROGRESS

    def _show_current(self) -> None:
        item = self.current_item()
        self.context = None
        scores: tuple[int | None, int | None] = (None, None)
        accepting: str | None = None
        if item is not None:
            try:
                with self.register.session() as session:
                    self.context = item_context(session, item.id)
                    scores = self._scores(session, item)
                    if item.subject_table == Risk.__tablename__ and item.subject_id is not None:
                        accepting = accept_preview(session, item.subject_id)
            except IsmsError as exc:  # its subject gone since the agenda was built
                self.message.error(str(exc))
        self.context_panel.show_item(item, self.context)
        self.form.set_item(item, editable=self.editable(), scores=scores, accepting=accepting)
        self._update_buttons()

    @staticmethod
    def _scores(session: Session, item: AgendaItemView) -> tuple[int | None, int | None]:
        """The residual score a re-score starts from (the risk's current one)."""
        if item.subject_table != Risk.__tablename__ or item.subject_id is None:
            return None, None
        ratings = risk_ratings(session, item.subject_id)
        residual, inherent = ratings["residual"], ratings["inherent"]
        return residual[0] or inherent[0], residual[1] or inherent[1]

    def _update_buttons(self) -> None:
        item = self.current_item()
        row = self.agenda_list.currentRow()
        in_progress = self.editable()
        all_decided = bool(self.items) and all(v.decision is not None for v in self.items)
        self.previous_button.setEnabled(row > 0)
        self.next_button.setEnabled(0 <= row < len(self.items) - 1)
        self.decide_button.setEnabled(in_progress and item is not None
                                      and item.decision is None and self.form.kind() is not None)
        self.undo_button.setEnabled(in_progress and item is not None
                                    and item.decision is not None)
        self.input_button.setEnabled(in_progress)
        self.start_button.setVisible(self.status is ReviewStatus.PLANNED)
        self.complete_button.setVisible(self.status in (ReviewStatus.PLANNED,
                                                        ReviewStatus.IN_PROGRESS))
        self.complete_button.setEnabled(in_progress and all_decided)
        self.conclusions_button.setVisible(self._started())
        self.conclusions_button.setEnabled(self._started())  # signed off: shown only
        self.sign_button.setEnabled(self.status is ReviewStatus.COMPLETED)
        self.pause_button.setText("P&ause" if in_progress else "Close")

    # --- moving ------------------------------------------------------------------------------

    def select_item(self, item_id: int) -> None:
        for row, view in enumerate(self.items):
            if view.id == item_id:
                self.agenda_list.setCurrentRow(row)
                if self.agenda_list.currentRow() == row:
                    self._show_current()  # setCurrentRow is silent when the row is unchanged
                return
        self.agenda_list.setCurrentRow(0 if self.items else -1)

    def select_first_undecided(self, after: int = -1) -> None:
        """The first undecided item after position ``after`` (then from the top); else stay."""
        undecided = [v for v in self.items if v.decision is None]
        later = [v for v in undecided if v.position > after]
        if later or undecided:
            self.select_item((later or undecided)[0].id)
        elif self.agenda_list.currentRow() < 0 and self.items:
            self.agenda_list.setCurrentRow(0)

    def _step(self, by: int) -> None:
        row = self.agenda_list.currentRow() + by
        if 0 <= row < len(self.items):
            self.agenda_list.setCurrentRow(row)

    def previous_item(self) -> None:
        self._step(-1)

    def next_item(self) -> None:
        self._step(1)

    # --- writing -----------------------------------------------------------------------------

    def _write(self, title: str, work: Callable[[Session], T]) -> tuple[bool, T | None]:
        """Run ``work`` in one transaction; an expected error is reported and nothing saved."""
        try:
            with self.register.transaction() as session:
                return True, work(session)
        except IsmsError as exc:
            self.reporter.expected(self, exc, title)
            if isinstance(exc, ValidationError) and exc.field:
                field = self.form.field_widget(exc.field)
                if field is not None and field.isEnabled():
                    field.setFocus(Qt.FocusReason.OtherFocusReason)
            return False, None

    def decide_and_next(self) -> bool:
        """Save the current item's decision, then go to the next undecided item."""
        item, kind = self.current_item(), self.form.kind()
        if not self.decide_button.isEnabled() or item is None or kind is None:
            return False
        problems = self.form.problems()
        if problems:
            text, field = problems[0]
            self.message.error(text, focus=field)
            return False
        arguments: dict[str, Any] = self.form.arguments()

        def work(session: Session) -> object:
            actor = str(session.info.get("actor", ""))
            return decide(session, item.id, kind, actor=actor, today=self.today, **arguments)

        done, _ = self._write("Decide", work)
        if not done:
            return False
        self.message.clear()
        self.reload()
        self.select_first_undecided(after=item.position)
        if self.complete_button.isEnabled():
            self.complete_button.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.form.kind_combo.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def undo(self) -> None:
        item = self.current_item()
        if item is None or item.decision is None or not self.editable():
            return
        done, _ = self._write("Undo decision",
                              lambda session: undo_decision(session, item.id))
        if done:
            self.reload()
            self.form.kind_combo.setFocus(Qt.FocusReason.OtherFocusReason)

    def add_input(self) -> None:
        if not self.editable():
            return
        dialog = AddInputDialog(self)
        try:
            if dialog.exec() != dialog.DialogCode.Accepted:
                return
            title, detail = dialog.title(), dialog.detail()
        finally:
            dialog.deleteLater()
        done, added = self._write("Add input",
                                  lambda session: add_input(session, self.meeting_id, title,
                                                            detail))
        if done and added is not None:
            self.reload()
            self.select_item(added.id)
            self.form.kind_combo.setFocus(Qt.FocusReason.OtherFocusReason)

    def start(self) -> None:
        """Build the agenda (off the UI thread: a council-sized register takes a moment)."""
        if self.status is not ReviewStatus.PLANNED:
            return
        if not held_today(self, self.register, self.meeting_id, self.today, self.reporter):
            return
        register, meeting_id, today = self.register, self.meeting_id, self.today

        def work(progress: Progress) -> list[AgendaItemView]:
            progress("Building the agenda from the register…", 0, 0)
            with register.transaction() as session:
                return start_review(session, meeting_id, today=today)

        try:
            run_with_progress(self, "Start the meeting", "Building the agenda…", work)
        except IsmsError as exc:
            self.reporter.expected(self, exc, "Start the meeting")
            return
        finally:
            # The progress dialog had the keyboard; give it back, or keys would go nowhere
            # until the user clicked the wizard.
            self.activateWindow()
        self.reload()
        self.select_first_undecided()
        self.form.kind_combo.setFocus(Qt.FocusReason.OtherFocusReason)

    def complete(self) -> None:
        if not self.complete_button.isEnabled():
            return
        done, _ = self._write("Complete",
                              lambda session: complete_review(session, self.meeting_id))
        if done:
            self.reload()
            self.message.info("The meeting is complete and the next review dates are set. "
                              "The chair can now sign it off.")
            self.sign_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def record_conclusions(self, *, need_all: bool = False) -> bool:
        """Ask for the meeting's conclusions and save them (a signed-off meeting's are only
        shown); whether they were saved."""
        if not self._started():
            return False
        with self.register.session() as session:
            recorded = conclusions(meeting_by_id(session, self.meeting_id))
        dialog = ConclusionsDialog(recorded, need_all=need_all,
                                   read_only=self.status is ReviewStatus.SIGNED_OFF, parent=self)
        try:
            if dialog.exec() != dialog.DialogCode.Accepted:
                return False
            given = dialog.given()
        finally:
            dialog.deleteLater()
        done, _ = self._write("Conclusions",
                              lambda session: conclude(session, self.meeting_id, **given))
        if done:
            self.message.info("The meeting's conclusions are recorded.")
        return done

    def _concluded(self) -> bool:
        with self.register.session() as session:
            return all(text for _key, text in conclusions(meeting_by_id(session,
                                                                        self.meeting_id)))

    def sign_off(self) -> None:
        if self.status is not ReviewStatus.COMPLETED:
            return
        # A signed meeting has its conclusions: ask for those missing first.
        if not self._concluded() and not self.record_conclusions(need_all=True):
            return
        dialog = SignOffDialog(*signer_and_chair(self.register, self.meeting_id), self)
        try:
            if dialog.exec() != dialog.DialogCode.Accepted:
                return
        finally:
            dialog.deleteLater()
        done, _ = self._write("Sign off",
                              lambda session: sign_off(session, self.meeting_id,
                                                       now=datetime.now(UTC)))
        if done:
            self.reload()
            self.message.info("Signed off: the meeting can no longer change.")
            self.pause_button.setFocus(Qt.FocusReason.OtherFocusReason)

    @classmethod
    def ask(cls, register: Register, meeting_id: int, reporter: ErrorReporter,
            parent: QWidget | None = None) -> None:
        """Run the wizard modally for one meeting."""
        cls(register, meeting_id, reporter, parent).run()
