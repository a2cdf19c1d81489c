"""The main window as the helpers it builds see it.

The File menu's additions (``file_menu``), the Import menu (``import_menu``), the asset actions
(``asset_actions``), the list pages' editors (``list_pages``) and the review meetings
(``review_meetings``) are built by the main window and act on it. They are typed against
``Shell``, not ``MainWindow``: ``main_window`` imports them, so them importing it back would be an
import loop, and ``Shell`` lists what they may use of the window.

``Shell`` is a QMainWindow rather than a ``typing.Protocol`` because the helpers parent their
dialogs on the window and write to its status bar, and Python's types cannot say "a QWidget that
also has these members"; ``MainWindow`` derives from it and provides them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from PySide6.QtWidgets import QMainWindow

if TYPE_CHECKING:
    from PySide6.QtWidgets import QStackedWidget

    from isms.db import Register
    from isms.services.access import Level
    from isms.services.changed import Changed

    from ..dialogs.record_editor import RecordEditor
    from ..errors import ErrorReporter
    from ..undo import UndoHistory
    from ..widgets.department_filter import DepartmentFilter
    from .dashboard_page import DashboardPage
    from .register_page import RegisterPage


class PlansReviews(Protocol):
    """The Reviews page's actions as the window's other helpers use them. ``review_meetings``
    itself is typed against ``Shell``, so naming its class here would be an import loop."""

    def plan(self) -> int | None:
        """Plan a meeting in the dialog; the new meeting's id, or None when cancelled."""
        ...


class Shell(QMainWindow):
    """What the window's helpers use of it, besides being the window (dialog parent, status bar).

    Attributes:
        register: the register shown; another one replaces it when the user opens one.
        reporter: shows expected errors in plain words, bugs in the crash dialog.
        pages: the register pages by key ("assets", "risks", "reviews"...).
        dashboard: the dashboard page, once the register is shown.
        stack: the pages, the one shown on top.
        undo_history: where saves are recorded for Edit → Undo.
        department_filter: the toolbar's department choice (``load`` it again after a
            department is added).
        review_meetings: the Reviews page's actions (plan a meeting...).
    """

    register: Register
    reporter: ErrorReporter
    pages: dict[str, RegisterPage]
    dashboard: DashboardPage | None
    stack: QStackedWidget
    undo_history: UndoHistory
    department_filter: DepartmentFilter
    review_meetings: PlansReviews

    def allows(self, level: Level) -> bool:
        """Whether the acting user's role is at least ``level`` (the register enforces it too)."""
        raise NotImplementedError

    def refresh(self, changed: Changed | None = None) -> None:
        """Read the register again into the pages that show what ``changed`` says was written
        (every page when None), the counts and the user's role."""
        raise NotImplementedError

    def add_creator(self, page_key: str, create: Callable[[], object]) -> None:
        """Let Ctrl+N (File > New record…) on the page ``page_key`` call ``create``."""
        raise NotImplementedError

    def show_page_key(self, key: str) -> None:
        """Show the page with this key ("dashboard", "assets", "risks", "controls"...)."""
        raise NotImplementedError

    def new_risk(self, asset_ids: list[int] | None = None) -> None:
        """Risk > New risk… (for these assets, when given): add it, then score it."""
        raise NotImplementedError

    def run_editor(self, make: Callable[[], RecordEditor], what: str) -> bool:
        """Open the record editor ``make`` builds; True when it saved (recorded for undo)."""
        raise NotImplementedError
