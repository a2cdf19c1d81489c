"""The "Handling findings" page: practices that break the handling rules, each a possible risk.

The list is the result of ``services.handling.check_handling`` (the same check as ``isms handling
check``); one step turns a finding into a pre-filled risk, which opens in the risk editor so the
SMG can score it straight away. A finding makes one risk only: its "Risk" column shows the risk
made from it, and the same button then opens that risk instead.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

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
from isms.services import handling
from isms.services.read import queries

from ..models.findings import FindingsModel
from ..models.list_table import ListTableModel
from ..widgets.message_bar import MessageBar
from ..widgets.tables import read_only_table
from .register_page import SearchBox

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

CREATE_TIP = ("Add a risk pre-filled from the selected finding (asset, owner, threat, "
              "description) and open it to score")


class FindingsPage(QWidget):
    """Findings with search and sorting; the check runs when the page is first shown and on F5."""

    #: The id of a risk just made from a finding (the main window opens it in the editor).
    riskCreated = Signal(int)
    #: The id of the risk already made from the selected finding, to open in the editor.
    riskOpened = Signal(int)

    def __init__(self, register: Register, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._register = register
        self._loaded = False
        self.model = FindingsModel(self)
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
        self.create_button.setToolTip(CREATE_TIP)
        self.create_button.clicked.connect(self.create_or_open_risk)
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
        header.resizeSection(7, text.horizontalAdvance("R-00000") + 24)
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
        selected = self.selected_finding()
        try:
            with self._register.session() as session:
                findings = handling.check_handling(session)
                risks = _risks_made(session, findings)
        except IsmsError as exc:
            self.message.error(f"Could not check the handling practices: {exc}")
            findings, risks = [], {}
        self.model.set_findings(findings, risks)
        if findings:
            # A row is always current, so "Create risk" is one key press away for keyboard users;
            # the one selected before stays so if it is still a finding.
            kept = self.model.rows.index(selected) if selected in findings else -1
            shown = self.proxy.mapFromSource(self.model.index(kept, 0)).row()
            self.table.selectRow(max(shown, 0))
        self._update_summary()
        self._update_buttons()

    def _update_risks(self) -> None:
        """Read again which findings have a risk (one was just made, maybe by someone else)."""
        try:
            with self._register.session() as session:
                self.model.set_risks(_risks_made(session, self.model.rows))
        except IsmsError as exc:
            self.message.error(f"Could not read the risks made from the findings: {exc}")
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
        made = self.selected_risk()
        self.create_button.setEnabled(self.selected_finding() is not None)
        self.create_button.setText(f"&Open risk {made}" if made else "&Create risk from finding")
        self.create_button.setToolTip(
            f"Risk {made} already covers the selected finding: open it in the risk editor"
            if made else CREATE_TIP
        )

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

    def selected_risk(self) -> str:
        """The reference of the risk already made from the selected finding ("" if none)."""
        finding = self.selected_finding()
        return self.model.risk_of(finding) if finding is not None else ""

    def select_row(self, row: int) -> None:
        """Select a row of the table as shown (tests, keyboard)."""
        self.table.selectRow(row)

    def create_or_open_risk(self) -> int | None:
        """The button: a new risk from the selected finding, or the one already made from it."""
        return self.open_risk() if self.selected_risk() else self.create_risk()

    def open_risk(self) -> int | None:
        """Open the risk already made from the selected finding; its id, or None."""
        made = self.selected_risk()
        if not made:
            return None
        try:
            with self._register.session() as session:
                risk_id = queries.risk_by_ref(session, made).id
        except IsmsError as exc:
            self.message.error(str(exc))
            return None
        self.riskOpened.emit(risk_id)
        return risk_id

    def create_risk(self) -> int | None:
        """Turn the selected finding into a new risk (one transaction); its id, or None.

        The services refuse a second risk for a finding: the message names the one there is.
        """
        finding = self.selected_finding()
        if finding is None:
            return None
        try:
            with self._register.transaction() as session:
                risk = handling.finding_to_risk(session, finding)
        except IsmsError as exc:
            self.message.error(str(exc))
            self._update_risks()
            return None
        self._update_risks()
        log.info("risk %s created from handling finding %s on %s", risk.ref, finding.rule_code,
                 finding.asset_ref)
        self.message.info(f"Created risk {risk.ref} from rule {finding.rule_code} on "
                          f"{finding.asset_ref}.")
        self.riskCreated.emit(risk.id)
        return risk.id


def _risks_made(session: Session, findings: Sequence[Finding]) -> dict[Finding, str]:
    """The reference of the live risk already made from each finding that has one."""
    known = handling.risks_for_findings(session)
    made = {finding: known.get(handling.finding_key(finding)) for finding in findings}
    return {finding: ref for finding, ref in made.items() if ref is not None}
