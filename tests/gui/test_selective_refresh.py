"""A save repaints the pages that show what it wrote, not every page (issue 14, point 5).

The services say what a write changed (``Changed``: tables and ids); the window's map of which
page shows which tables (``ui/views/page_reach.py``) picks the pages to read again. Checked on the
real window: a risk edit resets the Risks page's model and leaves the Assets and Evidence pages
alone, a bulk asset action the other way round, and an undo repaints what the undo wrote.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from sqlalchemy import select

from isms.db import Register
from isms.model import Asset, Base, Risk
from isms.services.changed import Changed
from isms.services.edits import bulk
from isms.services.read import queries
from ui.dialogs.risk_editor import RiskEditor
from ui.views.main_window import MainWindow
from ui.views.page_reach import EVERY_WRITE, SHOWS, pages_to_refresh

from .conftest import OnModal, Sample, shown
from .test_undo_records import ctrl_z


def resets(window: MainWindow) -> Counter[str]:
    """Counts, per page key, the times the page's table model is read again from now on.

    Every page is shown once first: a page not shown yet reads nothing until it is."""
    for key in window.pages:
        window.show_page_key(key)
    window.show_page_key("dashboard")
    seen: Counter[str] = Counter()
    for key, page in window.pages.items():
        page.model.modelReset.connect(lambda key=key: seen.update([key]))
    return seen


@pytest.fixture
def window(qtbot: Any, register: Register, sample: Sample) -> MainWindow:
    return shown(qtbot, MainWindow(register))


def test_every_table_the_map_names_is_a_table_of_the_register() -> None:
    tables = set(Base.metadata.tables)
    for key, shown_tables in SHOWS.items():
        assert shown_tables <= tables, f"{key}: {sorted(shown_tables - tables)}"


def test_a_risk_change_reaches_the_pages_that_show_risks_only() -> None:
    every = {"assets", "risks", "handling", "actions", "controls", "evidence", "reviews",
             "changes", "findings", "dashboard"}
    assert pages_to_refresh(Changed.of(Risk, [3]), every) == {
        "risks", "actions", "controls", "findings", "dashboard", *EVERY_WRITE}
    assert pages_to_refresh(Changed.of(Asset, [1]), every) == {
        "assets", "handling", "findings", "dashboard", *EVERY_WRITE}
    assert pages_to_refresh(Changed.of("person", [1]), every) == every, "names on every page"
    assert pages_to_refresh(Changed.all(), every) == every
    assert pages_to_refresh(Changed(), every) == set()


def test_a_risk_saved_in_the_editor_repaints_the_risk_pages_not_the_assets(
    register: Register, window: MainWindow, on_modal: OnModal
) -> None:
    with register.session() as session:
        key = queries.risk_by_ref(session, "R-002").id
    seen = resets(window)

    def retitle(editor: RiskEditor) -> None:
        editor.title_edit.setText("Email sent to the wrong council")
        assert editor.save()

    on_modal(RiskEditor, retitle)
    window.edit_risk(key)
    assert seen["risks"] == 1 and seen["actions"] == 1 and seen["changes"] == 1
    assert seen["assets"] == 0 and seen["evidence"] == 0 and seen["handling"] == 0
    risks = window.pages["risks"].model
    shown_titles = {risks.data(risks.index(row, column)) for row in range(risks.rowCount())
                    for column in range(risks.columnCount())}
    assert "Email sent to the wrong council" in shown_titles


def test_a_bulk_asset_action_and_its_undo_repaint_the_asset_pages_not_the_risks(
    qtbot: Any, register: Register, window: MainWindow
) -> None:
    with register.session() as session:
        ids = list(session.scalars(select(Asset.id).order_by(Asset.id).limit(2)))
    seen = resets(window)
    assert window.asset_actions._run(ids, "Retired {}.", lambda s: bulk.retire(s, ids)) == 2
    assert seen["assets"] == 1 and seen["handling"] == 1
    assert seen["risks"] == 0 and seen["evidence"] == 0

    ctrl_z(qtbot, window)
    assert seen["assets"] == 2 and seen["risks"] == 0
    with register.session() as session:
        statuses = set(session.scalars(select(Asset.status).where(Asset.id.in_(ids))))
    assert "retired" not in {str(getattr(s, "value", s)) for s in statuses}
