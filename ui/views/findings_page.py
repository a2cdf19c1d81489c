"""The "Handling findings" page: practices that break the handling rules, each a possible risk.

The list is the result of ``services.handling.check_handling`` (the same check as ``isms handling
check``); one step turns a finding into a pre-filled risk, which opens in the risk editor so the
SMG can score it straight away.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from isms.db import Register
from isms.errors import IsmsError
from isms.method.handling import Finding
from isms.services import handling, queries

from ..models.findings import findings_model
from ..models.list_table import ListTableModel
from ..widgets.message_bar import MessageBar
from ..widgets.tables import read_only_table
from .register_page import SearchBox

log = logging.getLogger(__name__)


class FindingsPage(QWidget):
    """Findings with search and sorting; the check runs when the page is first shown and on F5."""

    #: The id of a risk just made from a finding (the main window opens it in the editor).
    riskCreated = Signal(int)

    def __init__(self, register: Register, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._register = register
        self._loaded = False
        self.model: ListTableModel[Finding] = findings_model(self)
        # Findings are computed in Python, not queried: a few hundred rows sort and filter in
        # memory at no cost, so a proxy is the right tool here (unlike the register tables).
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

        self.search = SearchBox()
        self.search.setPlaceholderText("Search findings by asset, rule or safeguard  (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search findings")
        self.search.textChanged.connect(self._filter)
        self.summary = QLabel()
        self.create_button = QPushButton("&Create risk from finding")
        self.create_button.setToolTip(
            "Add a risk pre-filled from the selected finding (asset, owner, threat, description) "
            "and open it to score"
        )
        self.create_button.clicked.connect(self.create_risk)
        self.message = MessageBar()
        self.table = self._make_table()

        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.summary)
        top.addWidget(self.create_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        self._update_buttons()

    def _make_table(self) -> QTableView:
        table = read_only_table(self.proxy, "Handling findings", single=True)
        header = table.horizontalHeader()
        text = table.fontMetrics()
        for column, sample in enumerate(("ASC-00000", "Adult social care assessments (North)",
                                         "Transferred", "Removable media", "HR-00")):
            header.resizeSection(column, text.horizontalAdvance(sample) + 24)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(6, text.horizontalAdvance("A data-sharing agreement") + 24)
        table.setSortingEnabled(True)
        table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        table.selectionModel().selectionChanged.connect(self._update_buttons)
        return table

    # --- loading -------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        if not self._loaded:
            self._check()

    def refresh(self) -> None:
        """Run the check again (F5): someone may have fixed a practice or changed a rule."""
        if self._loaded:  # a page not looked at yet runs the check when it is first shown
            self._check()

    def _check(self) -> None:
        self._loaded = True
        try:
            with self._register.session() as session:
                findings = handling.check_handling(session)
        except IsmsError as exc:
            self.message.error(f"Could not check the handling practices: {exc}")
            findings = []
        self.model.set_rows(findings)
        if findings:
            # A row is always current, so "Create risk" is one key press away for keyboard users.
            self.table.selectRow(0)
        self._update_summary()
        self._update_buttons()

    def _filter(self, text: str) -> None:
        self.proxy.setFilterFixedString(text.strip())
        self._update_summary()

    def _update_summary(self) -> None:
        findings = self.model.rows
        assets = len({f.asset_id for f in findings})
        shown = self.proxy.rowCount()
        if not findings:
            self.summary.setText("No practice breaks a handling rule")
        elif shown != len(findings):
            self.summary.setText(f"{shown:,} of {len(findings):,} findings match")
        else:
            noun = "finding" if len(findings) == 1 else "findings"
            self.summary.setText(f"{len(findings):,} {noun} on {assets:,} "
                                 f"asset{'' if assets == 1 else 's'}")

    def _update_buttons(self) -> None:
        self.create_button.setEnabled(self.selected_finding() is not None)

    # --- actions -------------------------------------------------------------------------

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def selected_finding(self) -> Finding | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        finding = self.proxy.data(rows[0], ListTableModel.RowRole)
        return finding if isinstance(finding, Finding) else None

    def select_row(self, row: int) -> None:
        """Select a row of the table as shown (tests, keyboard)."""
        self.table.selectRow(row)

    def create_risk(self) -> int | None:
        """Turn the selected finding into a new risk (one transaction); its id, or None."""
        finding = self.selected_finding()
        if finding is None:
            return None
        try:
            with self._register.transaction() as session:
                risk = handling.finding_to_risk(session, finding,
                                                ref=queries.next_risk_ref(session))
        except IsmsError as exc:
            self.message.error(str(exc))
            return None
        log.info("risk %s created from handling finding %s on %s", risk.ref, finding.rule_code,
                 finding.asset_ref)
        self.message.info(f"Created risk {risk.ref} from rule {finding.rule_code} on "
                          f"{finding.asset_ref}.")
        self.riskCreated.emit(risk.id)
        return risk.id
