"""The Policies page (the document register, ISO/IEC 27001 5.1, 7.5): an ordinary
``RegisterPage`` (search, SQL-sorted table, the toolbar's department filter: a department's
documents and the council-wide ones) with a status and a kind filter. A row opens its editor;
the top-row buttons make a new document and approve the selected one (the acting user's own
act, approver or SIRO role); the table's context menu withdraws it (with a reason). Each is
one ``isms.services.policies`` call, the one `isms policies` makes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QInputDialog, QMessageBox

from isms.db.access_guard import NEEDS, Level
from isms.errors import IsmsError
from isms.model import ControlledDocument, DocumentKind, DocumentStatus
from isms.services import policies
from isms.services.changed import Changed

from ..dialogs.policy_editor import PolicyEditor
from ..models.policies import PolicyModel, policy_model
from .list_pages import add_to_top_row, top_buttons
from .register_page import PageSpec

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from .shell import Shell

POLICY_PAGES = (
    PageSpec("policies", "document", "documents", "Policies",
             "reference, title, summary or owner", policy_model),
)
#: The filters' choices: (shown, stored value or None for every one).
STATUSES = (("All statuses", None), *((s.value.capitalize(), s.value) for s in DocumentStatus))
KINDS = (("All kinds", None), *((k.value.capitalize(), k.value) for k in DocumentKind))


class PolicyEditing:
    """The Policies page's filters, editor and buttons. Made afresh for each register the
    window shows."""

    def __init__(self, window: Shell) -> None:
        self._window = window
        page = window.pages["policies"]
        page.table.activated.connect(self._activated)
        self.status_filter = self._filter(STATUSES, "Show documents of status")
        self.kind_filter = self._filter(KINDS, "Show documents of kind")
        self.new_button, self.approve_button = top_buttons(page, (
            "&New document…", "New document…",
            "A policy, procedure, standard, guidance note or plan (Ctrl+N)", self.new,
        ), ("&Approve…", "Approve…",
            "Approve the selected document's current version, as yourself (approver or SIRO "
            "role); its next review falls its review interval later", self.approve))
        # In the table's context menu only: the top row stays narrow enough for a small window.
        self.withdraw_action = QAction("Withdraw…", page.table)
        self.withdraw_action.setToolTip(
            "Withdraw the selected document: kept in the register, no longer reviewed")
        self.withdraw_action.triggered.connect(self.withdraw)
        page.table.addAction(self.withdraw_action)
        window.add_creator("policies", self.new)

    def _filter(self, choices: tuple[tuple[str, str | None], ...], name: str) -> QComboBox:
        box = QComboBox()
        box.setAccessibleName(name)
        for shown, _value in choices:
            box.addItem(shown)
        box.currentIndexChanged.connect(self._filters_chosen)
        add_to_top_row(self._window.pages["policies"], box)
        return box

    def set_allowed(self, editor: bool, approver: bool) -> None:
        self.new_button.setEnabled(editor)
        self.withdraw_action.setEnabled(editor)
        self.approve_button.setEnabled(approver)

    def _filters_chosen(self) -> None:
        page = self._window.pages["policies"]
        model = page.model
        assert isinstance(model, PolicyModel)
        model.queries.status = STATUSES[self.status_filter.currentIndex()][1]
        model.queries.kind = KINDS[self.kind_filter.currentIndex()][1]
        page.refresh()

    def _allowed(self, level: Level, what: str) -> bool:
        if self._window.allows(level):
            return True
        self._window.statusBar().showMessage(
            f"You may not {what}: that needs {NEEDS[level]}.", 10_000)
        return False

    def _open(self, document_id: int | None) -> bool:
        """The editor, modally; after a save, refresh the pages that show what it wrote."""
        window = self._window
        if not self._allowed(Level.EDITOR, "change the document register"):
            return False
        try:
            editor = PolicyEditor(window.register, document_id, window)
        except IsmsError as exc:
            window.reporter.expected(window, exc, "isms — cannot edit the document")
            return False
        if not editor.run() or editor.changed is None:
            return False
        window.refresh(editor.changed)
        return True

    def _selected(self) -> int | None:
        page = self._window.pages["policies"]
        current = page.table.currentIndex()
        if not current.isValid():
            self._window.statusBar().showMessage("Select a document first.", 5000)
            return None
        return page.model.row_id(current.row())

    def _activated(self, index: QModelIndex) -> None:
        self._open(self._window.pages["policies"].model.row_id(index.row()))

    def new(self) -> None:
        self._open(None)

    def approve(self) -> None:
        document_id = self._selected()
        if document_id is None or not self._allowed(Level.APPROVER, "approve documents"):
            return
        window = self._window
        with window.register.session() as session:
            document = session.get_one(ControlledDocument, document_id)
            ref, title, version = document.ref, document.title, document.version
            label = document.version_label or "(no version number)"
        asked = QMessageBox.question(
            window, "Approve document — isms",
            f"Approve {ref} {title}, version {label}, as yourself, today?")
        if asked != QMessageBox.StandardButton.Yes:
            return
        self._write(lambda session: policies.approve_document(session, document_id,
                                                              version).changed, "approve")

    def withdraw(self) -> None:
        document_id = self._selected()
        if document_id is None or not self._allowed(Level.EDITOR, "withdraw documents"):
            return
        window = self._window
        with window.register.session() as session:
            document = session.get_one(ControlledDocument, document_id)
            ref, version = document.ref, document.version
        reason, given = QInputDialog.getText(window, "Withdraw document — isms",
                                             f"Why is {ref} withdrawn?")
        if not given:
            return
        self._write(lambda session: policies.withdraw_document(session, document_id, version,
                                                               reason).changed, "withdraw")

    def _write(self, call: Callable[[Session], Changed], what: str) -> None:
        window = self._window
        try:
            with window.register.session() as session:
                changed = call(session)
        except IsmsError as exc:
            window.reporter.expected(window, exc, f"isms — cannot {what} the document")
            return
        window.refresh(changed)
