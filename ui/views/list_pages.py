"""The read-only pages of the smaller registers, in the order the navigation shows them.

Each is an ordinary ``RegisterPage`` (search box, SQL-sorted lazy table, department filter,
export). Treatment actions, SoA entries, evidence and handling practices open their editors
from the row (``RecordEditing``), whose saves go into the window's undo history; the Evidence
page also adds files.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QPushButton, QWidget

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
    from .shell import Shell

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


class RecordEditing:
    """Opens the treatment-action, SoA, evidence and handling-practice editors from their
    pages, and adds "Add evidence file…" to the Evidence page. Made afresh for each register
    the window shows."""

    def __init__(self, window: Shell) -> None:
        self._window = window
        pages = window.pages
        pages["actions"].table.activated.connect(self._action_activated)
        pages["controls"].table.activated.connect(self._control_activated)
        pages["evidence"].table.activated.connect(self._evidence_activated)
        pages["handling"].table.activated.connect(self._practice_activated)
        self.add_evidence_button = QPushButton("Add evidence &file…")
        self.add_evidence_button.setToolTip(
            "Copy a file into the register's evidence store and record it as evidence")
        self.add_evidence_button.clicked.connect(self.add_evidence_file)
        page = pages["evidence"]
        page.top_row.addWidget(self.add_evidence_button)
        # Tab as the eye reads: the button sits in the top row, beside the search box, so it
        # comes before the rows (added last, it would otherwise come after them).
        QWidget.setTabOrder(page.search, self.add_evidence_button)
        QWidget.setTabOrder(self.add_evidence_button, page.table)
        add = QAction("Add evidence file…", page.table)
        add.triggered.connect(self.add_evidence_file)
        page.table.addAction(add)
        page.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)

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
