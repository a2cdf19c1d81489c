"""The main window: navigation on the left, a register page on the right, counts below."""

from __future__ import annotations

import platform
import sys
from collections.abc import Callable

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QModelIndex, QSettings, Qt, qVersion
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QMenu,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

import isms
from isms.db import Register, open_register
from isms.db.location import data_dir, log_dir
from isms.errors import IsmsError
from isms.services import queries
from isms.services.method import CriteriaChange

from ..desktop import open_folder
from ..dialogs.criteria_settings import CriteriaDialog
from ..dialogs.handling_rules import HandlingRulesDialog
from ..dialogs.risk_editor import RiskEditor
from ..errors import ErrorReporter
from ..models.registers import asset_model, risk_model
from ..opening import ask_register_file
from ..settings import settings
from .findings_page import FindingsPage
from .import_menu import add_import_menu
from .register_page import PageSpec, RegisterPage

PAGES = (
    PageSpec("assets", "asset", "assets", "Assets", "reference, name, description or owner",
             asset_model),
    PageSpec("risks", "risk", "risks", "Risks", "reference, title, description or owner",
             risk_model),
)
FINDINGS_LABEL = "Handling findings"


class MainWindow(QMainWindow):
    """Shows one open register; owns it and closes it when the window closes or switches."""

    def __init__(self, register: Register, reporter: ErrorReporter | None = None) -> None:
        super().__init__()
        self.reporter = reporter or ErrorReporter()
        self.register = register
        self.pages: dict[str, RegisterPage] = {}
        self.findings: FindingsPage | None = None

        self.nav = QListWidget()
        self.nav.setAccessibleName("Registers")
        labels = [spec.label for spec in PAGES] + [FINDINGS_LABEL]
        self.nav.addItems(labels)
        # Wide enough for the pages to come (dashboard, controls, reviews...), no wider.
        widest = max(self.nav.fontMetrics().horizontalAdvance(t) for t in labels)
        self.nav.setFixedWidth(widest + 40)
        self.stack = QStackedWidget()
        self.nav.currentRowChanged.connect(self.stack.setCurrentIndex)
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.location_label = QLabel()
        self.location_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.counts_label = QLabel()
        self.statusBar().addWidget(self.location_label, 1)
        self.statusBar().addPermanentWidget(self.counts_label)

        self._build_menus()
        self._restore_window(settings())
        self._show_register(register)

    # --- building --------------------------------------------------------------------------

    def _action(
        self, menu_title: str, text: str, slot: Callable[..., object], shortcut: str = ""
    ) -> QAction:
        if menu_title not in self._menus:
            self._menus[menu_title] = self.menuBar().addMenu(menu_title)
        action = self._menus[menu_title].addAction(text)
        action.triggered.connect(slot)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        return action

    def _build_menus(self) -> None:
        self._menus: dict[str, QMenu] = {}
        self._action("&File", "&Open register…", self.open_register_file, "Ctrl+O")
        self.import_menu = add_import_menu(self, self._menus["&File"])
        self._menus["&File"].addSeparator()
        self._action("&File", "&Quit", self.close, "Ctrl+Q")
        self._action("&View", "&Search", self.focus_search, "Ctrl+F")
        for number, label in enumerate([spec.label for spec in PAGES] + [FINDINGS_LABEL]):
            self._action("&View", f"&{label}",
                         lambda _checked=False, n=number: self.show_page(n), f"Ctrl+{number + 1}")
        self._menus["&View"].addSeparator()
        self._action("&View", "&Refresh", self.refresh, "F5")
        self.edit_risk_action = self._action("&Risk", "&Edit risk…", self.edit_selected_risk,
                                             "Ctrl+E")
        self._action("&Settings", "Risk &criteria…", self.edit_criteria)
        self._action("&Settings", "&Handling rules…", self.edit_handling_rules)
        self._action("&Help", "Open &log folder", lambda: open_folder(self, log_dir()))
        self._action("&Help", "&About isms", self.show_about)

    def _show_register(self, register: Register) -> None:
        for old in (*self.pages.values(), self.findings):
            if old is not None:
                self.stack.removeWidget(old)
                old.deleteLater()
        self.register = register
        self.pages = {}
        counts = self._counts()
        state = settings()
        for spec in PAGES:
            page = RegisterPage(spec, spec.model(register))
            page.model.fetchFailed.connect(self.statusBar().showMessage)
            self.pages[spec.key] = page
            self.stack.addWidget(page)
            page.start(state, counts[spec.key])
        self.pages["risks"].table.activated.connect(self._risk_activated)
        self.findings = FindingsPage(register)
        self.findings.riskCreated.connect(self._risk_created)
        self.findings.riskOpened.connect(self.edit_risk)
        self.stack.addWidget(self.findings)
        saved = state.value("main_window/page", 0, type=int)
        last = self.nav.count() - 1
        self.nav.setCurrentRow(min(max(saved, 0), last) if isinstance(saved, int) else 0)

        where = register.location.display()
        self.setWindowTitle(f"{_register_name(register)} — {where} — isms")
        self.location_label.setText(f"Register: {where}")
        if register.upgrade_backup is not None:
            self.statusBar().showMessage(
                f"The register was upgraded to this version of isms; the old copy was saved as "
                f"{register.upgrade_backup}"
            )

    def _counts(self) -> dict[str, int]:
        with self.register.session() as session:
            counts = queries.counts(session)
        self.counts_label.setText(
            f"{counts['assets']:,} assets · {counts['risks']:,} risks · "
            f"{counts['departments']:,} departments"
        )
        return counts

    # --- actions ---------------------------------------------------------------------------

    @property
    def current_page(self) -> RegisterPage | FindingsPage:
        page = self.stack.currentWidget()
        assert isinstance(page, RegisterPage | FindingsPage)
        return page

    def show_page(self, number: int) -> None:
        self.nav.setCurrentRow(number)

    def focus_search(self) -> None:
        self.current_page.focus_search()

    def refresh(self) -> None:
        counts = self._counts()
        for key, page in self.pages.items():
            page.refresh(counts[key])
        if self.findings is not None:
            self.findings.refresh()

    def _risk_activated(self, index: QModelIndex) -> None:
        """Double-click or Enter on a row of the Risks page."""
        self.edit_risk(self.pages["risks"].model.row_id(index.row()))

    def _risk_created(self, risk_id: int) -> None:
        """A finding became a risk: show it in the register, then open it to be scored."""
        self.refresh()
        self.edit_risk(risk_id)

    def edit_selected_risk(self) -> None:
        page = self.pages["risks"]
        if self.current_page is not page:
            self.show_page(list(self.pages).index("risks"))
        current = page.table.currentIndex()
        if not current.isValid():
            self.statusBar().showMessage("Select a risk to edit first.", 5000)
            return
        self.edit_risk(page.model.row_id(current.row()))

    def edit_risk(self, risk_id: int) -> None:
        """Open the risk editor; after a save, refresh and keep the risk selected."""
        try:
            saved = RiskEditor.ask(self.register, risk_id, self)
        except IsmsError as exc:  # e.g. someone else retired it meanwhile
            self.reporter.expected(self, exc, "isms — cannot edit the risk")
            return
        if saved:
            self.refresh()
            self._select_risk(risk_id)

    def _select_risk(self, risk_id: int) -> None:
        page = self.pages["risks"]
        row = page.model.row_of(risk_id)
        if row is not None:
            page.table.selectRow(row)
            page.table.scrollTo(page.model.index(row, 0))

    def edit_criteria(self) -> None:
        change = CriteriaDialog.ask(self.register, self)
        if change is None:
            return
        self.refresh()
        QMessageBox.information(self, "Risk criteria saved", change_summary(change))

    def edit_handling_rules(self) -> None:
        if HandlingRulesDialog.ask(self.register, self):
            self.refresh()

    def open_register_file(self) -> None:
        path = self.register.location.path
        chosen = ask_register_file(self, path.parent if path else data_dir())
        if chosen is None:
            return
        try:
            register = open_register(chosen)
        except IsmsError as exc:
            self.reporter.expected(self, exc, "isms — cannot open the register")
            return
        self._save_pages(settings())
        previous, self.register = self.register, register
        previous.close()
        self._show_register(register)

    def show_about(self) -> None:
        QMessageBox.about(
            self, "About isms",
            f"<h3>isms {isms.__version__}</h3>"
            "<p>An ISO/IEC 27001 risk register for a council's Security Managers Group.</p>"
            f"<p>Register: {self.register.location.display()}<br>"
            f"Log files: {log_dir()}</p>"
            f"<p><small>Qt {qVersion()} · PySide6 {pyside_version} · "
            f"Python {platform.python_version()} on {sys.platform}</small></p>",
        )

    # --- remembering the window ------------------------------------------------------------

    def _restore_window(self, state: QSettings) -> None:
        geometry = state.value("main_window/geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            screen = self.screen().availableGeometry()
            self.resize(min(1600, screen.width() * 95 // 100), min(1000, screen.height() * 9 // 10))
        window_state = state.value("main_window/state")
        if window_state is not None:
            self.restoreState(window_state)

    def _save_pages(self, state: QSettings) -> None:
        for page in self.pages.values():
            page.save(state)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        state = settings()
        state.setValue("main_window/geometry", self.saveGeometry())
        state.setValue("main_window/state", self.saveState())
        state.setValue("main_window/page", self.nav.currentRow())
        self._save_pages(state)
        state.sync()
        self.register.close()
        super().closeEvent(event)


def _register_name(register: Register) -> str:
    with register.session() as session:
        return queries.register_name(session)


def change_summary(change: CriteriaChange) -> str:
    """'Saved as risk criteria version 3. 58 risks re-scored; 12 changed level.'"""
    text = (f"Saved as risk criteria version {change.version}. "
            f"{change.risks_rescored:,} risk{'' if change.risks_rescored == 1 else 's'} "
            f"re-scored with it; {change.levels_changed:,} changed level.")
    if change.acceptances_withdrawn:
        text += (f" {change.acceptances_withdrawn:,} acceptance"
                 f"{' was' if change.acceptances_withdrawn == 1 else 's were'} withdrawn because "
                 "the residual level changed.")
    return text
