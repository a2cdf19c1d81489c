"""The read-only register pages (treatment actions, SoA, data handling, evidence, reviews,
change log) on the demo register: rows, sorting by header, department filter, shortcuts."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import text

from isms.db import Register
from isms.services.read import lists
from ui.views.main_window import PAGE_KEYS, MainWindow
from ui.views.register_page import RegisterPage

from .test_main_window import activate, click_header, column_values, open_window

#: page key -> (a column sorted by clicking its header, SQL counting the whole council's rows)
PAGES = {
    "actions": ("title", "SELECT count(*) FROM treatment_action"),
    "controls": ("title", "SELECT count(*) FROM control WHERE edition = '2022'"),
    "handling": ("asset_name", "SELECT count(*) FROM handling_practice"),
    "evidence": ("title", "SELECT count(*) FROM evidence"),
    "reviews": ("title", "SELECT count(*) FROM review_meeting"),
    "changes": ("actor", "SELECT count(*) FROM change_log"),
}


def sql_count(register: Register, sql: str) -> int:
    with register.session() as session:
        return int(session.execute(text(sql)).scalar_one())


def busiest_department(register: Register) -> int:
    with register.session() as session:
        return int(session.execute(text(
            "SELECT r.department_id FROM treatment_action a JOIN risk r ON r.id = a.risk_id "
            "GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1")).scalar_one())


def page_of(window: MainWindow, key: str) -> RegisterPage:
    window.show_page_key(key)
    page = window.pages[key]
    assert window.current_page is page
    return page


def test_navigation_lists_every_register_in_order_with_shortcuts(
    qtbot: Any, demo: Register
) -> None:
    window = open_window(qtbot, demo, page="dashboard")
    labels = [window.nav.item(row).text() for row in range(window.nav.count())]
    assert labels == ["Dashboard", "Assets", "Data handling", "Risks", "Treatment actions",
                      "Controls & SoA", "Evidence", "Reviews", "Change log", "Policies",
                      "Context issues", "Interested parties", "Handling findings"]
    assert PAGE_KEYS[1:9] == ("assets", "handling", "risks", "actions", "controls", "evidence",
                              "reviews", "changes")
    activate(qtbot, window)
    for number, key in enumerate(PAGE_KEYS[:9], start=1):
        qtbot.keyClick(window, getattr(Qt.Key, f"Key_{number}"),
                       Qt.KeyboardModifier.ControlModifier)
        assert window.nav.currentRow() == number - 1, key
        assert window.stack.currentIndex() == number - 1
    shortcuts = [a.shortcut().toString() for a in window._menus["&View"].actions()]
    assert "Ctrl+10" not in shortcuts
    # Every page has its icon (a page without one stood out as a gap in the list).
    missing = [window.nav.item(row).text() for row in range(window.nav.count())
               if window.nav.item(row).icon().isNull()]
    assert missing == []


@pytest.mark.parametrize("key", list(PAGES))
def test_page_shows_sorts_and_follows_the_department(
    qtbot: Any, qtmodeltester: Any, demo: Register, key: str
) -> None:
    sort_column, count_sql = PAGES[key]
    window = open_window(qtbot, demo, page=key)
    page = window.pages[key]
    model = page.model
    expected = sql_count(demo, count_sql)
    if key == "handling":  # practices of retired assets are left out, as the assets are
        with demo.session() as session:
            expected = lists.totals(session)["handling"]
    assert model.rowCount() == expected > 0
    assert page.summary.text().startswith(f"{expected:,} ")
    # The tester stays connected: the sorts and filters below are checked too.
    qtmodeltester.check(model, force_py=True)

    click_header(qtbot, page, sort_column)
    values = column_values(page, sort_column)
    assert values == sorted(values)
    click_header(qtbot, page, sort_column)
    values = column_values(page, sort_column)
    assert values == sorted(values, reverse=True)
    assert page.model.sort_state == (sort_column, True)

    department = busiest_department(demo)
    window.department_filter.select(department)
    with demo.session() as session:
        wanted = lists.totals(session, department=department)[key]
    assert model.department == department
    assert model.rowCount() == wanted
    if key not in ("controls", "reviews", "changes"):
        assert wanted < expected
    values = column_values(page, sort_column)
    assert values == sorted(values, reverse=True)  # the sort survives the filter
    window.department_filter.select(None)
    assert model.rowCount() == expected


def test_default_sorts(qtbot: Any, demo: Register) -> None:
    window = open_window(qtbot, demo, page="actions")
    assert window.pages["actions"].model.sort_state == ("due_date", False)
    dues = [d for d in column_values(window.pages["actions"], "due_date") if d]
    assert dues == sorted(dues)
    changes = page_of(window, "changes")
    assert changes.model.sort_state == ("at", True)
    when = column_values(changes, "at")
    assert when == sorted(when, reverse=True)
    controls = column_values(page_of(window, "controls"), "ref")
    assert controls.index("8.3") < controls.index("8.12") and len(controls) == 93


def test_search_box_filters_a_page(qtbot: Any, demo: Register) -> None:
    page = page_of(open_window(qtbot, demo), "evidence")
    total = page.model.rowCount()
    qtbot.keyClicks(page.search, "patch")
    qtbot.waitUntil(lambda: page.model.rowCount() < total)
    titles = column_values(page, "title")
    assert titles and all("patch" in t.lower() for t in titles)
    assert page.summary.text() == f"{len(titles)} of {total} evidence items match"


def test_overdue_and_stale_flags_are_shown(qtbot: Any, demo: Register) -> None:
    window = open_window(qtbot, demo, page="actions")
    flags = column_values(window.pages["actions"], "overdue")
    assert "Overdue" in flags and "" in flags
    stale = column_values(page_of(window, "evidence"), "stale")
    assert "Stale" in stale and "" in stale


def test_council_wide_soa_explains_its_columns(qtbot: Any, demo: Register) -> None:
    page = page_of(open_window(qtbot, demo), "controls")
    model = page.model
    headers = [model.headerData(n, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
               for n in range(model.columnCount())]
    assert any("weakest" in (h or "") for h in headers)
    applicability = set(column_values(page, "applicability"))
    assert applicability <= {"Applicable", "Provided by a third party", "Excluded", ""}
