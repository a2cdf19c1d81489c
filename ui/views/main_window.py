"""The main window: navigation on the left, a register page on the right, counts below."""

from __future__ import annotations

import logging
import platform
import sqlite3
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QModelIndex, Qt, qVersion
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMenu,
    QMessageBox,
    QStackedWidget,
    QToolBar,
    QWidget,
)

import isms
from isms.db import Register, open_register
from isms.db.location import data_dir, log_dir
from isms.errors import Cancelled, IsmsError, StorageError
from isms.services import access
from isms.services.access import Access, Level
from isms.services.awaiting import count_awaiting_me
from isms.services.method import CriteriaChange
from isms.services.read import queries

from ..desktop import open_folder
from ..dialogs.markings_dialog import open_markings
from ..dialogs.org_lists import add_org_actions
from ..errors import ErrorReporter
from ..icons import icon
from ..models.registers import asset_model, risk_model
from ..opening import ask_register_file, ask_server_register
from ..operations import run_with_progress
from ..settings import EXPORT_FOLDER, WINDOW_GEOMETRY, WINDOW_PAGE, WINDOW_STATE, batch
from ..undo import UndoHistory
from ..widgets.department_filter import DepartmentFilter
from .asset_actions import AssetActions
from .change_watch import ChangeWatch
from .context_pages import CONTEXT_PAGES, ContextEditing
from .dashboard_page import DashboardPage
from .export_view import export_rows, view_marking, visible_columns
from .file_menu import FileMenu, remember_register
from .findings_page import FindingsPage
from .import_menu import add_import_menu
from .list_pages import AFTER_RISKS, HANDLING, RecordEditing
from .onboarding_steps import open_step
from .page_reach import pages_to_refresh
from .policy_pages import POLICY_PAGES, PolicyEditing
from .register_page import PageSpec, RegisterPage
from .review_meetings import ReviewMeetings
from .risk_retire import retire_risk
from .shell import Shell

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from PySide6.QtCore import QSettings

    from isms.services.changed import Changed

    from ..dialogs.record_editor import RecordEditor

PAGES = (
    PageSpec("assets", "asset", "assets", "Assets", "reference, name, description or owner",
             asset_model),
    HANDLING,
    PageSpec("risks", "risk", "risks", "Risks", "reference, title, description or owner",
             risk_model),
    *AFTER_RISKS,
    *POLICY_PAGES,
    *CONTEXT_PAGES,
)
FINDINGS_LABEL = "Handling findings"
DASHBOARD_LABEL = "Dashboard"
#: Navigation order: the page keys (the settings remember the key, not the row).
PAGE_KEYS = ("dashboard", *(spec.key for spec in PAGES), "findings")
PAGE_LABELS = (DASHBOARD_LABEL, *(spec.label for spec in PAGES), FINDINGS_LABEL)


class MainWindow(Shell):
    """Shows one open register; owns it and closes it when the window closes or switches."""

    review_meetings: ReviewMeetings  # the window itself uses more of it than its helpers

    def __init__(self, register: Register, reporter: ErrorReporter | None = None) -> None:
        super().__init__()
        self.reporter = reporter or ErrorReporter()
        self.register = register
        self.pages: dict[str, RegisterPage] = {}
        self.findings: FindingsPage | None = None
        self.dashboard: DashboardPage | None = None

        self.nav = QListWidget()
        self.nav.setAccessibleName("Pages")
        labels = list(PAGE_LABELS)
        self.nav.addItems(labels)
        for row, key in enumerate(PAGE_KEYS):
            self.nav.item(row).setIcon(icon(key))
        # Wide enough for the pages to come (dashboard, controls, reviews...), no wider.
        widest = max(self.nav.fontMetrics().horizontalAdvance(t) for t in labels)
        self.nav.setFixedWidth(widest + 40 + self.nav.iconSize().width())
        self.stack = QStackedWidget()
        self.nav.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.department_filter = DepartmentFilter()
        self.department_filter.departmentChanged.connect(self.set_department)
        toolbar = QToolBar("Filter")
        toolbar.setObjectName("filter_toolbar")  # saveState() needs a name to restore it
        toolbar.setMovable(False)
        department_label = QLabel("&Department: ")
        department_label.setBuddy(self.department_filter)
        toolbar.addWidget(department_label)
        toolbar.addWidget(self.department_filter)
        self.addToolBar(toolbar)
        self.filter_toolbar = toolbar
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.location_label = QLabel()
        self.location_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.counts_label = QLabel()
        self.statusBar().addWidget(self.location_label, 1)
        # A temporary message is drawn over the normal widgets, not instead of them: hide the
        # location while one shows, or the two texts overlap.
        self.statusBar().messageChanged.connect(
            lambda message: self.location_label.setVisible(not message))
        self.statusBar().addPermanentWidget(self.counts_label)
        self.role_label = QLabel()
        self.statusBar().addPermanentWidget(self.role_label)
        # How many decisions recorded for the acting user await their confirmation.
        self.awaiting_label = QLabel()
        self.awaiting_label.setAccessibleName("Awaiting my confirmation")
        self.statusBar().addPermanentWidget(self.awaiting_label)
        self.access: Access | None = None

        self.change_watch = ChangeWatch(lambda: self.register, self)
        self.change_watch.changedElsewhere.connect(self._changed_elsewhere)
        self._build_menus()
        self._build_toolbar()
        self.stack.currentChanged.connect(self._page_changed)
        self._restore_window()
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
        self._action("&File", "Open a register on a &server…", self.open_server_register)
        self.file_menu = FileMenu(self, self._menus["&File"], self.switch_register)
        self.file_menu.place(self._menus["&File"])
        self.import_menu = add_import_menu(self, self._menus["&File"])
        self.export_action = self._action("&File", "&Export view…", self.export_view,
                                          "Ctrl+Shift+E")
        self.export_action.setToolTip("Save the rows and columns shown to .xlsx or .csv")
        self.export_documents_action = self._action(
            "&File", "Export &documents…", self.export_documents, "Ctrl+Shift+D")
        self.export_documents_action.setToolTip(
            "The SoA, risk register, treatment plan, asset inventory, risk method or audit pack")
        self._menus["&File"].addSeparator()
        self._action("&File", "&Quit", self.close, "Ctrl+Q")
        self._build_edit_menu()
        self.search_action = self._action("&View", "&Search", self.focus_search, "Ctrl+F")
        for number, label in enumerate(PAGE_LABELS):
            self._action("&View", "&" + label.replace("&", "&&"),
                         lambda _checked=False, n=number: self.show_page(n),
                         f"Ctrl+{number + 1}" if number < 9 else "")
        self._menus["&View"].addSeparator()
        # A lambda: triggered passes a bool, which refresh would take for what changed.
        self.refresh_action = self._action("&View", "&Refresh", lambda: self.refresh(), "F5")
        self._action("&View", "Choose &department…", self._focus_department, "Ctrl+D")
        assets_menu = self.menuBar().addMenu("&Assets")
        self.new_asset_action = assets_menu.addAction("&New asset…")
        self.new_asset_action.setToolTip("Add an asset by hand (Ctrl+N on the Assets page)")
        self.new_asset_action.triggered.connect(self.new_asset)
        self.add_creator("assets", self.new_asset)
        self.edit_asset_action = assets_menu.addAction("&Edit asset…")
        self.edit_asset_action.triggered.connect(self.edit_selected_asset)
        assets_menu.addSeparator()
        self.asset_actions = AssetActions(self, assets_menu)
        assets_menu.addSeparator()
        self.new_risk_for_asset_action = assets_menu.addAction("New ris&k for this asset…")
        self.new_risk_for_asset_action.setToolTip(
            "A new risk to the selected assets, in the department and with the owner of the first")
        self.new_risk_for_asset_action.triggered.connect(self.new_risk_for_assets)
        self.asset_actions.add_action(self.new_risk_for_asset_action)
        self.new_risk_action = self._action("&Risk", "&New risk…", lambda: self.new_risk())
        self.add_creator("risks", lambda: self.new_risk())
        self.edit_risk_action = self._action("&Risk", "&Edit risk…", self.edit_selected_risk,
                                             "Ctrl+E")
        self.retire_risk_action = self._action("&Risk", "&Retire risk…",
                                               self.retire_selected_risk)
        self.new_treatment_action = self._action(
            "&Risk", "New &treatment action…", lambda: self.record_editing.new_action())
        self.awaiting_action = self._action("&Risk", "Awaiting my c&onfirmation…",
                                            self.show_awaiting)
        self.awaiting_action.setToolTip("Decisions recorded for you by someone else: they "
                                        "count only once you confirm them")
        self.approve_soa_action = self._action("S&oA", "&Approve the SoA…", self.approve_soa)
        self.new_local_control_action = self._action(
            "S&oA", "New local &control…", lambda: self.record_editing.new_local_control())
        self._action("&Settings", "Risk &criteria…", self.edit_criteria)
        self._action("&Settings", "&Handling rules…", self.edit_handling_rules)
        self._action("&Settings", "Protective &markings…", lambda: open_markings(self))
        add_org_actions(self._menus["&Settings"], self, lambda: self.register, self.refresh,
                        self.undo_history)
        self._action("&Help", "Open &log folder", lambda: open_folder(self, log_dir()))
        self._action("&Help", "&About isms", self.show_about)

    def _build_toolbar(self) -> None:
        """Icons on the menus' main actions, and a toolbar with the everyday ones."""
        self.import_menu.setIcon(icon("import"))
        for action, name in ((self.export_action, "export"),
                             (self.undo_history.undo_action, "undo"),
                             (self.undo_history.redo_action, "redo"),
                             (self.search_action, "search"),
                             (self.refresh_action, "refresh")):
            action.setIcon(icon(name))
        toolbar = self.actions_toolbar = QToolBar("Actions", self)
        toolbar.setObjectName("actions_toolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        toolbar.addActions([self.undo_history.undo_action, self.undo_history.redo_action,
                            self.search_action, self.refresh_action, self.export_action])
        self.insertToolBar(self.filter_toolbar, toolbar)

    def _show_register(self, register: Register) -> None:
        for old in (self.dashboard, *self.pages.values(), self.findings):
            if old is not None:
                self.stack.removeWidget(old)
                old.deleteLater()
        self.register = register
        self.pages = {}
        self.department_filter.load(register)
        department = self.department_filter.department()
        counts = self._counts()
        self.dashboard = DashboardPage(register)
        self.dashboard.set_department(department)
        self.dashboard.risksRequested.connect(lambda ids, text: self.show_only("risks", ids, text))
        self.dashboard.assetsRequested.connect(
            lambda ids, text: self.show_only("assets", ids, text))
        self.dashboard.stepRequested.connect(lambda key: open_step(self, key))
        self.dashboard.pageRequested.connect(self.show_page_key)
        self.stack.addWidget(self.dashboard)
        for spec in PAGES:
            page = RegisterPage(spec, spec.model(register))
            page.model.fetchFailed.connect(self.statusBar().showMessage)
            page.model.set_department(department)
            self.pages[spec.key] = page
            self.stack.addWidget(page)
            page.start(counts.get(spec.key))
        self.pages["risks"].table.activated.connect(self._risk_activated)
        self.pages["assets"].table.activated.connect(self._asset_activated)
        self.record_editing = RecordEditing(self)  # editors of the list pages
        self.policy_editing = PolicyEditing(self)  # the document register's editor and buttons
        self.context_editing = ContextEditing(self)  # issues, climate decision, parties
        self.review_meetings = ReviewMeetings(self)  # plan, wizard and minutes of reviews
        self.undo_history.clear()  # its changes were to the register shown before
        self.change_watch.start()
        self._apply_access()
        self.asset_actions.attach(self.pages["assets"])
        self.findings = FindingsPage(register)
        self.findings.riskCreated.connect(self._risk_created)
        self.findings.riskOpened.connect(self.edit_risk)
        self.stack.addWidget(self.findings)
        saved = WINDOW_PAGE.get()
        row = PAGE_KEYS.index(saved) if saved in PAGE_KEYS else 0
        self.nav.setCurrentRow(row)
        self.stack.setCurrentIndex(row)  # the row may not have changed, the pages have

        where = register.location.display()
        self.setWindowTitle(f"{_register_name(register)} — {where} — isms")
        self.location_label.setText(f"Register: {where}")
        remember_register(register)
        if register.upgrade_backup is not None:
            self.statusBar().showMessage(
                f"The register was upgraded to this version of isms; the old copy was saved as "
                f"{register.upgrade_backup}"
            )

    def _counts(self) -> dict[str, int]:
        """The status bar's counts, for the department chosen (or the whole council): assets,
        risks and departments. The other pages count their own rows when they are shown."""
        department = self.department_filter.department()
        with self.register.session() as session:
            counts = queries.counts(session, department=department)
        text = f"{counts['assets']:,} assets · {counts['risks']:,} risks · "
        if department is None:
            text += f"{counts['departments']:,} departments"
        else:
            text += f"department {self.department_filter.department_code()}"
        self.counts_label.setText(text)
        return counts

    # --- actions ---------------------------------------------------------------------------

    @property
    def current_page(self) -> RegisterPage | FindingsPage | DashboardPage:
        page = self.stack.currentWidget()
        assert isinstance(page, RegisterPage | FindingsPage | DashboardPage)
        return page

    def show_page(self, number: int) -> None:
        self.nav.setCurrentRow(number)

    def show_page_key(self, key: str) -> None:
        """Show the page with this key ("dashboard", "assets", "risks", "findings")."""
        self.nav.setCurrentRow(PAGE_KEYS.index(key))

    def _page_changed(self, _index: int) -> None:
        self.asset_actions.update_enabled()
        # One Ctrl+E: it edits the asset on the Assets page, the risk anywhere else.
        on_assets = self.stack.currentWidget() is self.pages.get("assets")
        self.edit_asset_action.setShortcut(QKeySequence("Ctrl+E" if on_assets else ""))
        self.edit_risk_action.setShortcut(QKeySequence("" if on_assets else "Ctrl+E"))
        self.export_action.setEnabled(isinstance(self.stack.currentWidget(), RegisterPage))
        self._update_new_action()

    # --- creating records (Ctrl+N) ---------------------------------------------------------

    def add_creator(self, page_key: str, create: Callable[[], object]) -> None:
        """Let Ctrl+N (File > New record…) on the page ``page_key`` call ``create``."""
        self.creators[page_key] = create
        self._update_new_action()

    def create_on_page(self) -> None:
        """File > New record… (Ctrl+N): a new record of the kind the page shown lists."""
        create = self.creators.get(self._page_key())
        if create is None:
            self.statusBar().showMessage("Nothing is created from this page: open the page of "
                                         "the records you want to add.", 8000)
            return
        if not self.allows(Level.EDITOR):
            self.statusBar().showMessage(self.refusal("add records to"), 10_000)
            return
        create()

    def _update_new_action(self) -> None:
        self.new_action.setEnabled(self._page_key() in self.creators
                                   and self.allows(Level.EDITOR))

    def _focus_department(self) -> None:
        self.department_filter.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.department_filter.showPopup()

    def set_department(self, department: int | None) -> None:
        """The toolbar's filter changed: every page and the counts follow it."""
        counts = self._counts()
        for key, page in self.pages.items():
            page.set_department(department, counts.get(key))
        if self.dashboard is not None:
            self.dashboard.set_department(department)
        self.department_filter.save()

    def show_only(self, key: str, ids: Sequence[int], label: str) -> None:
        """Show the ``key`` register page limited to ``ids`` (a heat-map cell, an overdue list)."""
        self.show_page_key(key)
        self.pages[key].show_only(ids, label)

    def focus_search(self) -> None:
        self.current_page.focus_search()

    # --- roles: what the acting user may do (the register refuses the rest anyway) ----------

    def allows(self, level: Level) -> bool:
        return self.access is None or not self.access.controlled or self.access.level >= level

    def refusal(self, verb: str) -> str:
        assert self.access is not None
        return (f"You ({self.access.actor}) are {self.access.level.with_article} in this "
                f"register and cannot {verb} it: ask an administrator for a role.")

    def _apply_access(self) -> None:
        """Disable what the acting user's role may not do; say who they are in the status bar."""
        try:
            with self.register.session() as session:
                self.access = access.who(session)
        except IsmsError as exc:
            log.warning("could not read the acting user's access: %s", exc)
            self.access = None
        editor, approver = self.allows(Level.EDITOR), self.allows(Level.APPROVER)
        administrator = self.allows(Level.ADMINISTRATOR)
        self.import_menu.setEnabled(editor)
        self._update_new_action()
        for action in (self.edit_asset_action, self.edit_risk_action, self.new_asset_action,
                       self.retire_risk_action, self.new_treatment_action,
                       self.new_local_control_action):
            action.setEnabled(editor)
        self.record_editing.set_allowed(editor)
        self.policy_editing.set_allowed(editor, approver)
        self.context_editing.set_allowed(editor)
        self.review_meetings.plan_button.setEnabled(editor)
        self.approve_soa_action.setEnabled(approver)
        for action in self._menus["&Settings"].actions():
            action.setEnabled(administrator)
        self.asset_actions.update_enabled()
        self._show_awaiting_count()
        if self.access is not None and self.access.controlled:
            self.role_label.setText(f"{self.access.actor}: {self.access.level.label}")
            self.role_label.setToolTip("Your role in this register decides what you may change")
        else:
            self.role_label.setText("")

    def _changed_elsewhere(self) -> None:
        self.refresh()
        self.statusBar().showMessage("Refreshed: the register was changed by someone else.", 8000)

    def refresh(self, changed: Changed | None = None) -> None:
        """Read the register again into the pages that show what ``changed`` says was written
        (every page when it is None: F5, someone else's change, a new register)."""
        self.change_watch.mark()  # what is about to be read is seen
        self._apply_access()  # roles may have changed
        keys = set(self.pages) | {"findings", "dashboard"}
        stale = keys if changed is None else pages_to_refresh(changed, keys)
        if not stale:
            return
        counts = self._counts()
        for key, page in self.pages.items():
            if key in stale:
                page.refresh(counts.get(key))
        if self.findings is not None and "findings" in stale:
            self.findings.refresh()
        if self.dashboard is not None and "dashboard" in stale:
            self.dashboard.refresh()

    def _risk_activated(self, index: QModelIndex) -> None:
        """Double-click or Enter on a row of the Risks page."""
        self.edit_risk(self.pages["risks"].model.row_id(index.row()))

    def _risk_created(self, risk_id: int) -> None:
        """A finding became a risk: show it in the register, then open it to be scored."""
        self.refresh()
        self.edit_risk(risk_id)

    def new_risk(self, asset_ids: list[int] | None = None) -> None:
        """Risk > New risk… (Ctrl+N on the Risks page), or a new risk to these assets: once
        added, show it selected on the Risks page and open it in the risk editor to score it."""
        from ..dialogs.new_risk import NewRiskDialog

        made: list[NewRiskDialog] = []

        def make() -> NewRiskDialog:
            made.append(NewRiskDialog(self.register, asset_ids,
                                      self.department_filter.department(), self))
            return made[-1]

        if not self.run_editor(make, "risk") or made[-1].created is None:
            return
        created = made[-1].created
        self.show_page_key("risks")
        self.pages["risks"].select_id(created)
        self.edit_risk(created)

    def new_risk_for_assets(self) -> None:
        """Assets > New risk for this asset…: a new risk to the assets selected."""
        ids = self.pages["assets"].selected_ids()
        if ids:
            self.new_risk(ids)

    def _selected_risk(self, verb: str) -> int | None:
        page = self.pages["risks"]
        if self.current_page is not page:
            self.show_page_key("risks")
        current = page.table.currentIndex()
        if not current.isValid():
            self.statusBar().showMessage(f"Select a risk to {verb} first.", 5000)
            return None
        return page.model.row_id(current.row())

    def edit_selected_risk(self) -> None:
        risk_id = self._selected_risk("edit")
        if risk_id is not None:
            self.edit_risk(risk_id)

    def retire_selected_risk(self) -> None:
        """Risk > Retire risk…: the selected risk leaves the live register, with the reason."""
        risk_id = self._selected_risk("retire")
        if risk_id is not None and self.allows(Level.EDITOR):
            retire_risk(self, risk_id)

    def edit_risk(self, risk_id: int) -> None:
        """Open the risk editor; after a save, refresh and keep the risk selected."""
        from ..dialogs.risk_editor import RiskEditor  # heavy: imported when first opened

        if self.run_editor(lambda: RiskEditor(self.register, risk_id, self,
                                              run_editor=self.run_editor), "risk"):
            self.pages["risks"].select_id(risk_id)

    # --- record editors and undo (ui/undo.py, ui/dialogs/*_editor.py) ----------------------

    def run_editor(self, make: Callable[[], RecordEditor], what: str) -> bool:
        """Open the record editor ``make`` builds, modally; after a save, record its change in
        the undo history and refresh. False when nothing was saved (or it could not open)."""
        if not self.allows(Level.EDITOR):
            self.statusBar().showMessage(self.refusal("edit"), 10_000)
            return False
        try:
            editor = make()
        except IsmsError as exc:  # e.g. someone else deleted or retired it meanwhile
            self.reporter.expected(self, exc, f"isms — cannot edit the {what}")
            return False
        if not editor.run():
            return False
        self.undo_history.push(editor.change)
        self.refresh(editor.change.changed if editor.change is not None else None)
        return True

    def _build_edit_menu(self) -> None:
        self.undo_history = UndoHistory(
            lambda: self.register, self._undone,
            lambda exc: self.reporter.expected(self, exc, "isms — cannot undo or redo that"),
            self)
        edit = self.menuBar().addMenu("&Edit")
        self._menus["&Edit"] = edit
        edit.addAction(self.undo_history.undo_action)
        edit.addAction(self.undo_history.redo_action)
        edit.addSeparator()
        #: What Ctrl+N creates on each page (page key -> open the "new record" editor).
        self.creators: dict[str, Callable[[], object]] = {}
        self.new_action = self._action("&Edit", "&New record…", self.create_on_page, "Ctrl+N")
        self.new_action.setToolTip("Add a record of the kind this page lists (Ctrl+N)")
        self._update_new_action()

    def _undone(self, message: str, changed: Changed) -> None:
        """After an undo or redo: repaint the pages that show the records it wrote."""
        self.refresh(changed)
        self.statusBar().showMessage(message, 10000)

    def _asset_activated(self, index: QModelIndex) -> None:
        """Double-click or Enter on a row of the Assets page."""
        self.edit_asset(self.pages["assets"].model.row_id(index.row()))

    def edit_selected_asset(self) -> None:
        page = self.pages["assets"]
        if self.current_page is not page:
            self.show_page_key("assets")
        current = page.table.currentIndex()
        if not current.isValid():
            self.statusBar().showMessage("Select an asset to edit first.", 5000)
            return
        self.edit_asset(page.model.row_id(current.row()))

    def edit_asset(self, asset_id: int) -> None:
        """Open the asset editor; after a save, refresh, keep the asset selected, record undo."""
        from ..dialogs.asset_editor import AssetEditor  # heavy: imported when first opened

        if not self.run_editor(lambda: AssetEditor(
                self.register, asset_id, self, run_editor=self.run_editor,
                new_risk=self.new_risk), "asset"):
            return
        self.pages["assets"].select_id(asset_id)

    def new_asset(self) -> None:
        """Assets > New asset… (Ctrl+N on the Assets page): the asset editor on an empty form,
        in the department chosen on the toolbar; after the save the Assets page shows the new
        asset selected."""
        from ..dialogs.asset_editor import AssetEditor  # heavy: imported when first opened

        opened: list[AssetEditor] = []

        def make() -> AssetEditor:
            opened.append(AssetEditor.new(self.register, self.department_filter.department(),
                                          self))
            return opened[-1]

        if not self.run_editor(make, "asset"):
            return
        made = opened[-1].change
        if made is not None and made.record_id is not None:
            self.show_page_key("assets")
            self.pages["assets"].select_id(made.record_id)

    def open_server_register(self) -> Register | None:
        """File → Open a register on a server…: host, database, user; the password kept in the
        system keyring, never in settings."""
        register = ask_server_register(self)
        if register is not None:
            self.switch_register(register)
        return register

    def _show_awaiting_count(self) -> None:
        try:
            with self.register.session() as session:
                count = count_awaiting_me(session)
        except IsmsError as exc:
            log.warning("could not count what awaits the acting user: %s", exc)
            count = 0
        self.awaiting_label.setText(f"{count} awaiting your confirmation" if count else "")

    def show_awaiting(self) -> None:
        """Risk → Awaiting my confirmation…: confirm or decline what was recorded for me."""
        from ..dialogs.awaiting import AwaitingDialog

        dialog = AwaitingDialog(self.register, self.reporter, self)
        dialog.exec()
        if dialog.changed:
            self.refresh(dialog.changed)
        else:
            self._show_awaiting_count()

    def approve_soa(self) -> int | None:
        """SoA → Approve the SoA…: for the department on the toolbar by default."""
        from ..dialogs.soa_approval import SoaApprovalDialog

        dialog = SoaApprovalDialog(self.register, self.department_filter.department(),
                                   self.reporter, self)
        dialog.exec()
        if dialog.approved is not None:
            self.statusBar().showMessage(f"Approved SoA version {dialog.approved}.", 10_000)
            self.refresh()
        return dialog.approved

    def export_documents(self) -> Path | None:
        """File → Export documents…: for the department chosen on the toolbar by default."""
        from ..dialogs.export_documents import ExportDocumentsDialog

        dialog = ExportDocumentsDialog(self.register, self.department_filter.department(),
                                       self.reporter, self)
        dialog.exec()
        if dialog.result_path is not None:
            self.statusBar().showMessage(f"Wrote {dialog.result_path}", 10_000)
        return dialog.result_path

    def export_view(self) -> Path | None:
        """File → Export view…: the current register page's rows and columns to xlsx or CSV."""
        page = self.current_page
        if not isinstance(page, RegisterPage):
            self.statusBar().showMessage("Choose a register page to export it.", 5000)
            return None
        start = EXPORT_FOLDER.get() or Path.home()
        chosen, _filter = QFileDialog.getSaveFileName(
            self, f"Export the {page.key} shown", str(start / f"{page.key}.xlsx"),
            "Excel workbook (*.xlsx);;CSV, comma-separated (*.csv)")
        if not chosen:
            return None
        return self.export_page(page, Path(chosen))

    def export_page(self, page: RegisterPage, target: Path) -> Path | None:
        """Write what ``page`` shows to ``target`` (.csv, or .xlsx for anything else)."""
        if target.suffix.lower() not in (".csv", ".xlsx"):
            target = target.with_name(target.name + ".xlsx")
        EXPORT_FOLDER.set(target.parent)
        model, ids, columns = page.model, page.model.ids, visible_columns(page)
        marking = view_marking(self.register, page.key, self.department_filter.department())
        try:
            written = run_with_progress(
                self, "Exporting", f"Exporting {len(ids):,} {page.key}…",
                lambda progress: export_rows(self.register, model, ids, columns, target,
                                             page.key.capitalize(), progress, marking),
                cancellable=True)
        except Cancelled:
            self.statusBar().showMessage("Export stopped: no file was written.", 10000)
            return None
        except IsmsError as exc:
            self.reporter.expected(self, exc, "isms — the export was not written")
            return None
        except OSError as exc:
            self.reporter.expected(self, StorageError(f"Could not write {target}: "
                                                      f"{exc.strerror or exc}"),
                                   "isms — the export was not written")
            return None
        self.statusBar().showMessage(f"Exported {written:,} {page.key} to {target}", 15000)
        return target

    def edit_criteria(self) -> None:
        from ..dialogs.criteria_settings import CriteriaDialog

        change = CriteriaDialog.ask(self.register, self)
        if change is None:
            return
        self.refresh()
        QMessageBox.information(self, "Risk criteria saved", change_summary(change))

    def edit_handling_rules(self) -> None:
        from ..dialogs.handling_rules import HandlingRulesDialog

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
        self.switch_register(register)

    def switch_register(self, register: Register) -> None:
        """Show ``register`` instead of the one shown, which is closed (its layout saved)."""
        with batch() as store:
            self._save_pages(store)
            WINDOW_PAGE.set(self._page_key(), store)
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
            f"Python {platform.python_version()} · SQLite {sqlite3.sqlite_version} "
            f"on {sys.platform}</small></p>",
        )

    # --- remembering the window ------------------------------------------------------------

    def _restore_window(self) -> None:
        if not self.restoreGeometry(WINDOW_GEOMETRY.get()):
            screen = self.screen().availableGeometry()
            self.resize(min(1600, screen.width() * 95 // 100), min(1000, screen.height() * 9 // 10))
        window_state = WINDOW_STATE.get()
        if window_state:
            self.restoreState(window_state)

    def _page_key(self) -> str:
        return PAGE_KEYS[max(self.nav.currentRow(), 0)]

    def _save_pages(self, store: QSettings) -> None:
        for page in self.pages.values():
            page.save(store)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        with batch() as store:
            WINDOW_GEOMETRY.set(bytes(self.saveGeometry().data()), store)
            WINDOW_STATE.set(bytes(self.saveState().data()), store)
            WINDOW_PAGE.set(self._page_key(), store)
            self.department_filter.save(store)
            self._save_pages(store)
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
