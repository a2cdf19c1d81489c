"""The context pages (ISO/IEC 27001 4.1, 4.2 with Amd 1:2024): Context issues, with the climate
decision among them and a kind filter, and Interested parties with their requirements.

Both are ordinary ``RegisterPage``s (search, SQL-sorted table, the toolbar's department filter:
a department's records and the council-wide ones). A row opens its editor; the top-row buttons
(and Ctrl+N) make new records. While the register holds no climate decision the issues page
says so above the table, with the button that records it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QLabel, QMessageBox, QVBoxLayout

from isms.db.access_guard import NEEDS, Level
from isms.errors import IsmsError
from isms.model.context import ContextIssue, InterestedParty
from isms.services import context
from isms.services.changed import Changed

from ..dialogs.choose import ChooseDialog
from ..dialogs.context_editors import (
    ClimateEditor,
    Editor,
    IssueEditor,
    PartyEditor,
    RequirementEditor,
)
from ..models.context import IssueModel, issue_model, party_model
from .list_pages import add_to_top_row, top_buttons
from .register_page import PageSpec

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from .shell import Shell

CONTEXT_PAGES = (
    PageSpec("context", "context issue", "context issues", "Context issues",
             "reference, issue, effect, category or owner", issue_model),
    PageSpec("parties", "interested party", "interested parties", "Interested parties",
             "reference, name, kind or owner", party_model),
)
#: The kind filter's choices: (shown, stored kind or None for every kind).
KINDS = (("All kinds", None), ("External", "external"), ("Internal", "internal"),
         ("Climate decision", "climate"))
NO_CLIMATE = ("No decision on whether climate change is a relevant issue is recorded "
              "(ISO/IEC 27001 4.1, Amendment 1:2024). Use Climate decision… to record it.")


class ContextEditing:
    """Opens the context editors from the two pages and makes new records. Made afresh for
    each register the window shows."""

    def __init__(self, window: Shell) -> None:
        self._window = window
        issues, parties = window.pages["context"], window.pages["parties"]
        issues.table.activated.connect(self._issue_activated)
        parties.table.activated.connect(self._party_activated)
        self.kind_filter = QComboBox()
        self.kind_filter.setAccessibleName("Show issues of kind")
        for shown, _kind in KINDS:
            self.kind_filter.addItem(shown)
        self.kind_filter.currentIndexChanged.connect(self._kind_chosen)
        add_to_top_row(issues, self.kind_filter)
        self.new_issue_button, self.climate_button = top_buttons(issues, (
            "&New issue…", "New context issue…",
            "An internal or external issue that bears on the ISMS (Ctrl+N)", self.new_issue,
        ), ("&Climate decision…", "Climate-change decision…",
            "Record whether climate change is a relevant issue, and why (4.1)",
            self.climate))
        self.new_party_button, self.requirement_button = top_buttons(parties, (
            "&New party…", "New interested party…",
            "A regulator, residents, a partner… whose needs the ISMS answers (Ctrl+N)",
            self.new_party,
        ), ("Add &requirement…", "Add requirement…",
            "A requirement of the selected party, and the controls that answer it",
            self.add_requirement))
        for page, text, slot in ((issues, "Retire issue…", self.retire_issue),
                                 (parties, "Edit requirement…", self.edit_requirement),
                                 (parties, "Retire requirement…", self.retire_requirement),
                                 (parties, "Retire party…", self.retire_party)):
            retire = QAction(text, page.table)
            retire.setToolTip("Kept in the register with its history, off the lists")
            retire.triggered.connect(slot)
            page.table.addAction(retire)
        self.climate_note = QLabel(NO_CLIMATE)
        self.climate_note.setWordWrap(True)
        self.climate_note.setStyleSheet("background: #fce8b2; padding: 4px")
        layout = issues.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(1, self.climate_note)  # between the top row and the table
        issues.model.modelReset.connect(self.update_climate_note)  # whoever recorded it
        window.add_creator("context", self.new_issue)
        window.add_creator("parties", self.new_party)
        self.update_climate_note()

    def set_allowed(self, editor: bool) -> None:
        for button in (self.new_issue_button, self.climate_button, self.new_party_button,
                       self.requirement_button):
            button.setEnabled(editor)

    def update_climate_note(self) -> None:
        """Show the note while the register holds no climate decision."""
        try:
            with self._window.register.session() as session:
                missing = context.climate_decision(session) is None
        except IsmsError:
            missing = False
        self.climate_note.setVisible(missing)

    def _kind_chosen(self, index: int) -> None:
        page = self._window.pages["context"]
        model = page.model
        assert isinstance(model, IssueModel)
        model.queries.kind = KINDS[index][1]
        page.refresh()

    def _run(self, make: Editor, what: str) -> bool:
        """Open an editor modally; after a save, refresh the pages that show what it wrote."""
        window = self._window
        if not window.allows(Level.EDITOR):
            window.statusBar().showMessage(
                f"You may not change the context register: that needs {NEEDS[Level.EDITOR]}.",
                10_000)
            return False
        try:
            editor = make()
        except IsmsError as exc:
            window.reporter.expected(window, exc, f"isms — cannot edit the {what}")
            return False
        if not editor.exec() or editor.changed is None:
            return False
        window.refresh(editor.changed)
        self.update_climate_note()
        return True

    def _row_id(self, key: str, index: QModelIndex) -> int:
        return self._window.pages[key].model.row_id(index.row())

    def _issue_activated(self, index: QModelIndex) -> None:
        issue_id = self._row_id("context", index)
        register = self._window.register
        with register.session() as session:
            climate = context.climate_decision(session)
        if climate is not None and climate.id == issue_id:
            self.climate()
            return
        self._run(lambda: IssueEditor(register, issue_id, self._window), "context issue")

    def _party_activated(self, index: QModelIndex) -> None:
        party_id = self._row_id("parties", index)
        self._run(lambda: PartyEditor(self._window.register, party_id, self._window),
                  "interested party")

    def new_issue(self) -> None:
        self._run(lambda: IssueEditor(self._window.register, None, self._window),
                  "context issue")

    def climate(self) -> None:
        self._run(lambda: ClimateEditor(self._window.register, self._window),
                  "climate decision")

    def new_party(self) -> None:
        self._run(lambda: PartyEditor(self._window.register, None, self._window),
                  "interested party")

    def add_requirement(self) -> None:
        page = self._window.pages["parties"]
        current = page.table.currentIndex()
        if not current.isValid():
            self._window.statusBar().showMessage(
                "Select the interested party the requirement is theirs first.", 5000)
            return
        party_id = self._row_id("parties", current)
        self._run(lambda: RequirementEditor(self._window.register, party_id, self._window),
                  "requirement")

    # --- retiring (the tables' context menus) ------------------------------------------------

    def _selected(self, key: str) -> int | None:
        current = self._window.pages[key].table.currentIndex()
        if not current.isValid():
            self._window.statusBar().showMessage("Select a row to retire first.", 5000)
            return None
        return self._row_id(key, current)

    def _retire(self, record_id: int | None, what: str,
                retire: Callable[[Session, int], Changed]) -> None:
        """Ask, then retire the record: one service call; a refusal (the climate decision,
        which 4.1 requires) is said in plain words."""
        window = self._window
        if record_id is None:
            return
        if not window.allows(Level.EDITOR):
            window.statusBar().showMessage(
                f"You may not change the context register: that needs {NEEDS[Level.EDITOR]}.",
                10_000)
            return
        answer = QMessageBox.question(
            window, f"Retire {what} — isms",
            f"Retire this {what}? It stays in the register with its history, off the lists "
            "and out of the next review's inputs.")
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            with window.register.session() as session:
                changed = retire(session, record_id)
        except IsmsError as exc:
            window.reporter.expected(window, exc, f"isms — cannot retire the {what}")
            return
        window.refresh(changed)
        self.update_climate_note()

    def retire_issue(self) -> None:
        self._retire(self._selected("context"), "context issue",
                     lambda s, i: context.retire_issue(s, s.get_one(ContextIssue, i)))

    def retire_party(self) -> None:
        self._retire(self._selected("parties"), "interested party",
                     lambda s, i: context.retire_party(s, s.get_one(InterestedParty, i)))

    # --- a party's requirements (the parties table's context menu) --------------------------

    def _requirement_of_selected(self, verb: str) -> tuple[int, int] | None:
        """(party id, requirement id) the user picks among the selected party's current
        requirements; None when there is none or the choice is cancelled."""
        party_id = self._selected("parties")
        if party_id is None:
            return None
        with self._window.register.session() as session:
            party = session.get_one(InterestedParty, party_id)
            choices = [(f"{row.id}. {row.text}", row.id)
                       for row in context.current_requirements(party)]
        if not choices:
            self._window.statusBar().showMessage("The party has no requirement recorded.", 5000)
            return None
        accepted, chosen = ChooseDialog.ask(self._window, f"{verb.capitalize()} a requirement",
                                            f"The requirement to {verb}:", choices, "Next")
        return (party_id, chosen) if accepted and chosen is not None else None

    def edit_requirement(self) -> None:
        picked = self._requirement_of_selected("change")
        if picked is not None:
            party_id, requirement_id = picked
            self._run(lambda: RequirementEditor(self._window.register, party_id, self._window,
                                                requirement_id), "requirement")

    def retire_requirement(self) -> None:
        picked = self._requirement_of_selected("retire")
        if picked is not None:
            self._retire(picked[1], "requirement", lambda s, i: context.retire_requirement(
                s, context.requirement(s, i)))
