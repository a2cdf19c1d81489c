"""The dashboard: where residual risk sits, what is overdue, how far each department has got.

On a register not yet set up it first shows the steps of onboarding a department
(``OnboardingPanel``); their buttons ask the main window to open what does each one
(``stepRequested``).

Everything on it is read from ``services.dashboard`` in one short session per refresh; the page
holds no ORM objects. Clicking a heat-map cell or an attention count asks the main window to show
those records on their register page (``risksRequested`` / ``assetsRequested``).
"""

from __future__ import annotations

import logging
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from isms.db import Register
from isms.errors import IsmsError
from isms.method.criteria import Criteria
from isms.services.read import dashboard, onboarding, queries
from isms.services.reviews import due as reviews_due

from ..models.coverage import COLUMNS, CoverageModel, sorted_coverage
from ..widgets.bar_list import Bar, BarList, Part
from ..widgets.heat_map import HeatMap
from ..widgets.message_bar import MessageBar
from ..widgets.percent_delegate import PercentDelegate
from ..widgets.tables import read_only_table
from .onboarding_panel import OnboardingPanel

log = logging.getLogger(__name__)

def _plural(count: int, noun: str, plural: str | None = None) -> str:
    return f"{count:,} {noun if count == 1 else plural or noun + 's'}"


class DashboardPage(QWidget):
    """Heat map, risks by level and department, attention counts, and council-wide coverage."""

    #: (risk ids, what they are) to show on the Risks page.
    risksRequested = Signal(list, str)
    #: (asset ids, what they are) to show on the Assets page.
    assetsRequested = Signal(list, str)
    #: What an onboarding step's button asks for (``OnboardingPanel.stepRequested``).
    stepRequested = Signal(str)
    #: The key of a register page to show (the Policies page, from its overdue count).
    pageRequested = Signal(str)

    def __init__(self, register: Register, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._register = register
        self._department: int | None = None
        self._loaded = False
        self._criteria: Criteria | None = None
        self._lists: dict[str, tuple[list[int], str]] = {}

        self.message = MessageBar()
        # The first steps, on a register not yet set up; hidden once every one is done.
        self.onboarding = OnboardingPanel()
        self.onboarding.stepRequested.connect(self.stepRequested)
        self.onboarding.hide()
        self.heat_map = HeatMap(cell_size=58, clickable=True)
        self.heat_map.setAccessibleName("Residual risk heat map")
        self.heat_map.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.heat_map.cellClicked.connect(self._cell_clicked)
        self.heat_total = QLabel()
        self.by_level = BarList("Risks by residual level")
        self.by_department = BarList("Risks by department")

        self.attention: dict[str, QPushButton] = {}
        attention_box = QGroupBox("Needs attention")
        attention_layout = QVBoxLayout(attention_box)
        for key, tip in (
            ("risks_due", "Risks whose review date has passed: list them on the Risks page"),
            ("actions_overdue", "Open treatment actions past their due date: list the risks "
                                "they belong to"),
            ("attestations_overdue", "Assets whose owner attestation is overdue: list them"),
            ("documents_overdue", "Policies and procedures past their next review: show the "
                                  "Policies page (they are shaded there)"),
            ("above_appetite", "Risks whose level today (the current level, else the "
                               "inherent while not assessed) is above the risk appetite, "
                               "whatever level their treatment aims at"),
            ("targets_without_plan", "Risks above the appetite today whose target (residual) "
                                     "level is within it, with no open treatment action to "
                                     "reach it"),
        ):
            button = QPushButton()
            button.setToolTip(tip)
            button.clicked.connect(lambda _checked=False, k=key: self._show_list(k))
            attention_layout.addWidget(button)
            self.attention[key] = button
        attention_layout.addStretch(1)
        self.due_box = QGroupBox("Due before the next meeting")
        self.due_text = QLabel()
        self.due_text.setWordWrap(True)
        self.due_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.due_text.setAccessibleName("Due before the next meeting")
        QVBoxLayout(self.due_box).addWidget(self.due_text)

        self.coverage = CoverageModel(self)
        self.coverage_proxy = sorted_coverage(self.coverage, self)
        self.coverage_table = self._make_coverage_table()

        self._build(attention_box)

    def _make_coverage_table(self) -> QTableView:
        table = read_only_table(self.coverage_proxy, "Council-wide coverage")
        delegate = PercentDelegate(CoverageModel.PercentRole, table)
        header = table.horizontalHeader()
        metrics = table.fontMetrics()
        for number, column in enumerate(COLUMNS):
            if column.percent:
                table.setItemDelegateForColumn(number, delegate)
            sample = {"Code": "HWY-00", "Department": "Adult Social Care and Health"}.get(
                column.header, "0,000 of 0,000")
            header.resizeSection(number, max(metrics.horizontalAdvance(sample),
                                             metrics.horizontalAdvance(column.header)) + 28)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        table.setSortingEnabled(True)
        table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
        table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        return table

    def _build(self, attention_box: QGroupBox) -> None:
        heat_box = QGroupBox("Residual risk")
        heat_layout = QVBoxLayout(heat_box)
        heat_layout.addWidget(self.heat_map, 1)
        heat_layout.addWidget(self.heat_total, 0, Qt.AlignmentFlag.AlignHCenter)
        level_box = QGroupBox("Risks by residual level")
        QVBoxLayout(level_box).addWidget(self.by_level)
        department_box = QGroupBox("Risks by department")
        department_layout = QVBoxLayout(department_box)
        department_layout.addWidget(self.by_department)
        department_layout.addStretch(1)

        side = QVBoxLayout()
        side.addWidget(level_box)
        side.addWidget(attention_box, 1)
        side.addWidget(self.due_box)
        top = QGridLayout()
        top.addWidget(heat_box, 0, 0)
        top.addLayout(side, 0, 1)
        top.addWidget(department_box, 0, 2)
        top.setColumnStretch(0, 3)
        top.setColumnStretch(1, 2)
        top.setColumnStretch(2, 3)

        coverage_box = QGroupBox("Council-wide coverage")
        coverage_layout = QVBoxLayout(coverage_box)
        coverage_layout.addWidget(self.coverage_table)

        content = QWidget()
        layout = QVBoxLayout(content)
        layout.addWidget(self.message)
        layout.addWidget(self.onboarding)
        layout.addLayout(top)
        layout.addWidget(coverage_box)
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        outer = QHBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    # --- loading -------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        if not self._loaded:
            self.refresh(force=True)

    def set_department(self, department: int | None) -> None:
        self._department = department
        self.refresh()

    def refresh(self, *, force: bool = False) -> None:
        """Read everything again (F5, a change, a department chosen); pages not yet shown wait."""
        if not (self._loaded or force):
            return
        self._loaded = True
        today = date.today()
        department = self._department
        try:
            with self._register.session() as session:
                criteria = queries.current_criteria(session)
                cells = dashboard.heat_map(session, department=department)
                levels = dashboard.risks_by_level(session, department=department)
                departments = dashboard.risks_by_department(session)
                overdue = dashboard.overdue(session, today=today, department=department)
                above = dashboard.above_appetite(session, department=department)
                unplanned = dashboard.targets_without_plan(session, department=department)
                coverage = dashboard.coverage(session, today=today)
                due = reviews_due.due_summary(session, today=today, department_id=department)
                steps = onboarding.onboarding(session, department=department)
        except IsmsError as exc:
            self.message.error(f"Could not read the dashboard: {exc}")
            return
        self.message.clear()
        self.onboarding.set_onboarding(steps)
        self.onboarding.setVisible(not steps.done)
        self._criteria = criteria
        self.heat_map.set_criteria(criteria)
        self.heat_map.set_counts(cells)
        rated = sum(levels.values())
        self.heat_total.setText(f"{_plural(rated, 'risk')} rated · click a cell to list them")
        colours = {level.name: level.colour for level in criteria.levels}
        order = [level.name for level in reversed(criteria.levels)]
        self.by_level.set_bars([
            Bar(name, (Part(levels.get(name, 0), colours[name], name),))
            for name in order
        ])
        self.by_department.set_bars([
            Bar(code, tuple(Part(counts.get(name, 0), colours[name], name) for name in order),
                tooltip=f"{code}: " + ", ".join(f"{n} {k}" for k, n in counts.items() if n))
            for code, counts in departments
        ])
        self._lists = {
            "risks_due": (list(overdue.risk_ids), _plural(len(overdue.risk_ids),
                                                          "risk review due", "risk reviews due")),
            "actions_overdue": (list(overdue.action_risk_ids),
                                _plural(overdue.actions, "treatment action overdue",
                                        "treatment actions overdue")),
            "attestations_overdue": (list(overdue.asset_ids),
                                     _plural(len(overdue.asset_ids), "asset attestation overdue",
                                             "asset attestations overdue")),
            "documents_overdue": (list(overdue.document_ids), _plural(
                overdue.documents, "document review overdue", "document reviews overdue")),
            "above_appetite": (list(above), _plural(len(above), "risk above appetite",
                                                    "risks above appetite")),
            "targets_without_plan": (list(unplanned), _plural(
                len(unplanned), "target without a plan", "targets without a plan")),
        }
        for key, (ids, text) in self._lists.items():
            button = self.attention[key]
            button.setText(text)
            button.setAccessibleName(text)
            button.setEnabled(bool(ids))
        self.coverage.set_rows(coverage)
        self._fit_coverage_height()
        self._show_due(due)

    def _show_due(self, due: reviews_due.DueSummary) -> None:
        """What falls due before the next planned meeting (or in the next 30 days), by kind;
        ``isms review due`` lists the items themselves."""
        when = f"{due.meeting} on {due.before:%d %b %Y}" if due.meeting else (
            f"the next 30 days (to {due.before:%d %b %Y}; no meeting planned)")
        self.due_box.setTitle(f"Due before {due.meeting}" if due.meeting
                              else "Due in the next 30 days")
        if not due.total:
            self.due_text.setText(f"Nothing falls due before {when}.")
            return
        lines = [f"{count:,} {kind}{'s' if count != 1 else ''}"
                 for kind, count in due.counts.items()]
        self.due_text.setText(f"{due.total:,} items fall due before {when} (overdue included):"
                              "\n" + "\n".join(lines))

    def _fit_coverage_height(self) -> None:
        """The coverage table shows all its rows; the page scrolls, not the table."""
        table = self.coverage_table
        rows = self.coverage.rowCount()
        height = (table.horizontalHeader().height() + rows * table.verticalHeader()
                  .defaultSectionSize() + 2 * table.frameWidth() + 4)
        table.setFixedHeight(height)

    # --- clicks --------------------------------------------------------------------------

    def _cell_clicked(self, likelihood: int, impact: int) -> None:
        try:
            with self._register.session() as session:
                ids = dashboard.risk_ids_in_cell(session, likelihood, impact,
                                                 department=self._department)
        except IsmsError as exc:
            self.message.error(str(exc))
            return
        self.risksRequested.emit(
            ids, f"{_plural(len(ids), 'risk')} in cell L{likelihood} × I{impact}")

    def _show_list(self, key: str) -> None:
        ids, text = self._lists.get(key, ([], ""))
        if key == "documents_overdue":
            self.pageRequested.emit("policies")
        elif key == "attestations_overdue":
            self.assetsRequested.emit(ids, text)
        elif key == "actions_overdue":
            self.risksRequested.emit(ids, f"Risks with {text}")
        else:
            self.risksRequested.emit(ids, text)

    def focus_search(self) -> None:
        """Ctrl+F on the dashboard: there is nothing to search, so go to the coverage table."""
        self.coverage_table.setFocus(Qt.FocusReason.ShortcutFocusReason)
