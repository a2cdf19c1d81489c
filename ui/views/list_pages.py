"""The read-only pages of the smaller registers, in the order the navigation shows them.

Each is an ordinary ``RegisterPage`` (search box, SQL-sorted lazy table, department filter,
export). Treatment actions, SoA entries, evidence and handling practices open their editors
from the row (``RecordEditing``), whose saves go into the window's undo history. Each of those
pages makes new records too, from a button in its top row and with Edit > New record… (Ctrl+N):
a treatment action of a risk, a handling practice of an asset, evidence (a file or a link), a
local control.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMessageBox, QPushButton, QWidget

from isms.errors import IsmsError
from isms.services.read.asset_record import live_assets
from isms.services.read.risk_record import live_risks

from ..dialogs.choose import ChooseDialog
from ..models.lists import (
    action_model,
    change_model,
    control_model,
    evidence_model,
    handling_model,
    review_model,
)
from .register_page import PageSpec

if TYPE_CHECKING:
    from ..dialogs.record_editor import RecordEditor
    from .register_page import RegisterPage
    from .shell import Shell

#: The most assets "New handling practice…" lists; beyond, it asks for a department first.
MOST_ASSETS = 5000

HANDLING = PageSpec("handling", "handling practice", "handling practices", "Data handling",
                    "asset reference, asset name or third party", handling_model)
#: The pages after Risks, in navigation order.
AFTER_RISKS = (
    PageSpec("actions", "treatment action", "treatment actions", "Treatment actions",
             "risk reference, action or owner", action_model, sort="due_date"),
    PageSpec("controls", "control", "controls", "Controls & SoA", "control number or title",
             control_model),
    PageSpec("evidence", "evidence item", "evidence items", "Evidence",
             "reference, title or description", evidence_model),
    PageSpec("reviews", "review", "reviews", "Reviews", "reference, title or chair",
             review_model),
    PageSpec("changes", "change", "changes", "Change log", "record or who made it",
             change_model, sort="at", descending=True),
)


# --- editors opened from these pages (double-click or Enter on a row) -----------------------


def top_buttons(page: RegisterPage, *buttons: tuple[str, str, str, Callable[[], object]]
                ) -> list[QPushButton]:
    """Buttons (text, the context menu's words, tooltip, slot) in the page's top row, beside
    the search box, each also in the table's context menu. Tab reaches them as the eye reads:
    after the search box, before the rows (added last, they would otherwise come after)."""
    made: list[QPushButton] = []
    previous = _last_in_top_row(page)
    for text, menu_text, tip, slot in buttons:
        button = QPushButton(text)
        button.setToolTip(tip)
        button.clicked.connect(slot)
        page.top_row.addWidget(button)
        QWidget.setTabOrder(previous, button)
        previous = button
        action = QAction(menu_text, page.table)
        action.triggered.connect(slot)
        page.table.addAction(action)
        made.append(button)
    QWidget.setTabOrder(previous, page.table)
    page.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
    return made


def _last_in_top_row(page: RegisterPage) -> QWidget:
    """The last widget of the page's top row that Tab stops on (the search box at first)."""
    previous: QWidget = page.search
    for index in range(page.top_row.count()):
        item = page.top_row.itemAt(index)
        shown = item.widget() if item is not None else None
        if shown is not None and shown.focusPolicy() & Qt.FocusPolicy.TabFocus:
            previous = shown
    return previous


def add_to_top_row(page: RegisterPage, widget: QWidget) -> None:
    """``widget`` (a filter) at the end of the page's top row: Tab reaches it after what stands
    before it there and before the rows, as the eye reads."""
    previous = _last_in_top_row(page)
    page.top_row.addWidget(widget)
    QWidget.setTabOrder(previous, widget)
    QWidget.setTabOrder(widget, page.table)


class RecordEditing:
    """Opens the treatment-action, SoA, evidence and handling-practice editors from their
    pages, and makes new ones (with Ctrl+N on the page, too). Made afresh for each register
    the window shows."""

    def __init__(self, window: Shell) -> None:
        self._window = window
        pages = window.pages
        pages["actions"].table.activated.connect(self._action_activated)
        pages["controls"].table.activated.connect(self._control_activated)
        pages["evidence"].table.activated.connect(self._evidence_activated)
        pages["handling"].table.activated.connect(self._practice_activated)
        (self.new_action_button,) = top_buttons(pages["actions"], (
            "&New action…", "New treatment action…",
            "A new treatment action of a risk (Ctrl+N)", self.new_action))
        (self.new_practice_button,) = top_buttons(pages["handling"], (
            "&New practice…", "New handling practice…",
            "How an asset is handled at one more stage (Ctrl+N)", self.new_practice))
        self.add_evidence_button, self.add_link_button = top_buttons(pages["evidence"], (
            "Add &file…", "Add evidence file…",
            "Copy a file into the register's evidence store and record it as evidence",
            self.add_evidence_file,
        ), ("Add &link…", "Add evidence link…",
            "Record evidence kept elsewhere (an intranet page, a shared folder) by its address",
            self.add_evidence_link))
        (self.new_control_button,) = top_buttons(pages["controls"], (
            "&New local control…", "New local control…",
            "A requirement beyond Annex A (PSN, CAF, DSPT, a contract…) (Ctrl+N)",
            self.new_local_control))
        edit_local = QAction("Edit local control…", pages["controls"].table)
        edit_local.setToolTip("Change the selected local control (Annex A is the standard's "
                              "text)")
        edit_local.triggered.connect(self.edit_local_control)
        pages["controls"].table.addAction(edit_local)
        for key, create in (("actions", self.new_action), ("handling", self.new_practice),
                            ("evidence", self.new_evidence),
                            ("controls", self.new_local_control)):
            window.add_creator(key, create)

    def set_allowed(self, editor: bool) -> None:
        """Enable the buttons that make records for a user who may edit (``editor``)."""
        for button in (self.new_action_button, self.new_practice_button,
                       self.add_evidence_button, self.add_link_button,
                       self.new_control_button):
            button.setEnabled(editor)

    def _edit(self, make: Callable[[], RecordEditor], title: str) -> None:
        self._window.run_editor(make, title)

    def _row_id(self, key: str, index: QModelIndex) -> int:
        return self._window.pages[key].model.row_id(index.row())

    def _action_activated(self, index: QModelIndex) -> None:
        from ..dialogs.action_editor import ActionEditor  # the editors load when first opened

        action_id = self._row_id("actions", index)
        self._edit(lambda: ActionEditor(self._window.register, action_id, self._window),
                   "treatment action")

    def _control_activated(self, index: QModelIndex) -> None:
        page = self._window.pages["controls"]
        department = page.model.department
        if department is None:
            self._window.statusBar().showMessage(
                "Choose a department in the toolbar to edit its Statement of Applicability.",
                8000)
            return
        from ..dialogs.soa_editor import SoaEditor

        control_id = self._row_id("controls", index)
        self._edit(lambda: SoaEditor(self._window.register, department, control_id,
                                     self._window), "SoA entry")

    def _evidence_activated(self, index: QModelIndex) -> None:
        from ..dialogs.evidence_editor import EvidenceEditor

        evidence_id = self._row_id("evidence", index)
        self._edit(lambda: EvidenceEditor(self._window.register, evidence_id, self._window),
                   "evidence")

    def _practice_activated(self, index: QModelIndex) -> None:
        from ..dialogs.practice_editor import PracticeEditor

        practice_id = self._row_id("handling", index)
        self._edit(lambda: PracticeEditor(self._window.register, practice_id, self._window),
                   "handling practice")

    def add_evidence_file(self) -> None:
        from ..dialogs.evidence_editor import AddEvidenceDialog

        window = self._window
        name, _filter = QFileDialog.getOpenFileName(window, "Add evidence file — isms")
        if not name:
            return
        department = window.pages["evidence"].model.department
        self._edit(lambda: AddEvidenceDialog(window.register, Path(name), department, window),
                   "evidence")

    # --- new records (the top-row buttons and Ctrl+N) --------------------------------------

    def _department(self, key: str) -> int | None:
        return self._window.pages[key].model.department

    def _pick(self, title: str, prompt: str, choices: list[tuple[str, int]], empty: str,
              action: str) -> int | None:
        if not choices:
            self._window.statusBar().showMessage(empty, 8000)
            return None
        accepted, chosen = ChooseDialog.ask(self._window, title, prompt, list(choices), action)
        return chosen if accepted else None

    def _read(self, read: Callable[[Any], Any]) -> Any:
        try:
            with self._window.register.session() as session:
                return read(session)
        except IsmsError as exc:
            self._window.reporter.expected(self._window, exc, "isms — cannot read the choices")
            return None

    def new_action(self) -> None:
        """New action…: choose the risk (of the toolbar's department, when one is chosen),
        then the action editor on an empty form."""
        from ..dialogs.action_editor import ActionEditor

        department = self._department("actions")
        risks = self._read(lambda s: live_risks(s, department))
        if risks is None:
            return
        risk_id = self._pick("New treatment action", "A treatment action of the risk:",
                             list(risks), "There is no live risk to add an action to.",
                             "Next")
        if risk_id is not None:
            window = self._window
            self._edit(lambda: ActionEditor.new(window.register, risk_id, window),
                       "treatment action")

    def new_practice(self) -> None:
        """New practice…: choose the asset, then the practice editor on an empty form."""
        from ..dialogs.practice_editor import PracticeEditor

        department = self._department("handling")
        assets = self._read(lambda s: live_assets(s, department, most=MOST_ASSETS))
        if assets is None:
            self._window.statusBar().showMessage(
                "Choose a department in the toolbar first: there are too many assets to "
                "list.", 10_000)
            return
        asset_id = self._pick("New handling practice", "How this asset is handled:",
                              list(assets), "There is no live asset to add a practice to.",
                              "Next")
        if asset_id is not None:
            window = self._window
            self._edit(lambda: PracticeEditor.new(window.register, asset_id, window),
                       "handling practice")

    def new_evidence(self) -> None:
        """Ctrl+N on the Evidence page: a file or a link."""
        box = QMessageBox(QMessageBox.Icon.Question, "New evidence — isms",
                          "Add a file, copied into the register's evidence store, or a link "
                          "to where the evidence is kept?",
                          QMessageBox.StandardButton.Cancel, self._window)
        file_button = box.addButton("&File…", QMessageBox.ButtonRole.AcceptRole)
        link_button = box.addButton("&Link…", QMessageBox.ButtonRole.AcceptRole)
        box.exec()
        if box.clickedButton() is file_button:
            self.add_evidence_file()
        elif box.clickedButton() is link_button:
            self.add_evidence_link()

    def add_evidence_link(self) -> None:
        from ..dialogs.evidence_editor import AddEvidenceLinkDialog

        window = self._window
        department = self._department("evidence")
        self._edit(lambda: AddEvidenceLinkDialog(window.register, department, window),
                   "evidence")

    def new_local_control(self) -> None:
        from ..dialogs.local_control_editor import LocalControlEditor

        window = self._window
        self._edit(lambda: LocalControlEditor.new(window.register, window), "local control")

    def edit_local_control(self) -> None:
        """The Controls page's context menu: the selected local control in its editor (an
        Annex A control is refused, saying so)."""
        from ..dialogs.local_control_editor import LocalControlEditor

        window = self._window
        current = window.pages["controls"].table.currentIndex()
        if not current.isValid():
            window.statusBar().showMessage("Select a local control to edit first.", 5000)
            return
        control_id = self._row_id("controls", current)
        self._edit(lambda: LocalControlEditor(window.register, control_id, window),
                   "local control")
