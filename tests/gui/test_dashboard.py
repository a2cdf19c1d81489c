"""The department filter, the dashboard and its heat map, driven on the demo council."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from sqlalchemy import func, select

from isms.db import Register, open_register
from isms.model import Asset, AssetStatus, Department, Risk, RiskStatus
from isms.services.read import dashboard
from ui.models.coverage import COLUMNS, CoverageModel
from ui.views.main_window import MainWindow
from ui.widgets.department_filter import WHOLE_COUNCIL

from .conftest import shown


def live_counts(register: Register, department_id: int | None) -> tuple[int, int]:
    """(live assets, live risks) counted in SQL, for one department or the whole council."""
    with register.session() as session:
        assets = select(func.count()).select_from(Asset).where(
            Asset.status != AssetStatus.RETIRED)
        risks = select(func.count()).select_from(Risk).where(Risk.status != RiskStatus.RETIRED)
        if department_id is not None:
            assets = assets.where(Asset.department_id == department_id)
            risks = risks.where(Risk.department_id == department_id)
        return session.execute(assets).scalar_one(), session.execute(risks).scalar_one()


def residual_cells(register: Register, department_id: int | None = None) -> dict[
        tuple[int, int], set[int]]:
    """Live risk ids per residual (likelihood, impact) cell, straight from the table."""
    with register.session() as session:
        query = select(Risk.id, Risk.residual_likelihood, Risk.residual_impact).where(
            Risk.status.not_in([RiskStatus.RETIRED, RiskStatus.CLOSED]),
            Risk.residual_likelihood.is_not(None),
            Risk.residual_impact.is_not(None))
        if department_id is not None:
            query = query.where(Risk.department_id == department_id)
        cells: dict[tuple[int, int], set[int]] = {}
        for risk_id, likelihood, impact in session.execute(query):
            cells.setdefault((likelihood, impact), set()).add(risk_id)
        return cells


def busiest_department(register: Register) -> tuple[int, str]:
    with register.session() as session:
        row = session.execute(
            select(Department.id, Department.code).join(Risk, Risk.department_id == Department.id)
            .group_by(Department.id).order_by(func.count().desc(), Department.code)
        ).first()
        assert row is not None
        return row[0], row[1]


def open_window(qtbot: Any, register: Register) -> MainWindow:
    return shown(qtbot, MainWindow(register))


def test_department_filter_limits_every_table_and_the_counts(qtbot: Any, demo: Register) -> None:
    window = open_window(qtbot, demo)
    combo = window.department_filter
    assert combo.itemText(0) == WHOLE_COUNCIL
    for key in ("assets", "risks"):
        window.show_page_key(key)
    assets, risks = window.pages["assets"].model, window.pages["risks"].model
    assert (assets.rowCount(), risks.rowCount()) == live_counts(demo, None)

    department_id, code = busiest_department(demo)
    combo.setCurrentIndex(combo.findData(department_id))
    expected = live_counts(demo, department_id)
    assert (assets.rowCount(), risks.rowCount()) == expected
    assert expected[0] < live_counts(demo, None)[0]
    assert window.counts_label.text() == (f"{expected[0]} assets · {expected[1]} risks · "
                                          f"department {code}")
    column = [c.key for c in assets.columns].index("department")
    assert {assets.data(assets.index(r, column)) for r in range(assets.rowCount())} == {code}


def test_department_choice_is_remembered(
    qtbot: Any, demo: Register, register_path: Path
) -> None:
    window = open_window(qtbot, demo)
    department_id, code = busiest_department(demo)
    window.department_filter.select(department_id)
    window.close()
    second = open_window(qtbot, open_register(str(register_path)))
    assert second.department_filter.department_code() == code
    second.show_page_key("assets")
    assert second.pages["assets"].model.rowCount() == live_counts(second.register,
                                                                  department_id)[0]
    second.close()


def test_heat_map_counts_match_the_register(qtbot: Any, demo: Register) -> None:
    window = open_window(qtbot, demo)
    assert window.current_page is window.dashboard  # first page, shown at start
    heat_map = window.dashboard.heat_map  # type: ignore[union-attr]
    cells = residual_cells(demo)
    assert cells, "the demo has rated risks"
    for likelihood in range(1, 6):
        for impact in range(1, 6):
            assert heat_map.count(likelihood, impact) == len(cells.get((likelihood, impact), ()))


def test_clicking_a_cell_lists_exactly_its_risks(qtbot: Any, demo: Register) -> None:
    window = open_window(qtbot, demo)
    dashboard = window.dashboard
    assert dashboard is not None
    cells = residual_cells(demo)
    cell, ids = max(cells.items(), key=lambda item: (len(item[1]), item[0]))
    rect = dashboard.heat_map.cell_rect(*cell)
    qtbot.mouseClick(dashboard.heat_map, Qt.MouseButton.LeftButton, pos=rect.center())
    page = window.pages["risks"]
    assert window.current_page is page
    assert set(page.model.ids) == ids
    assert page.chip.isVisible()
    assert page.chip.text().startswith(f"{len(ids)} risk")
    assert f"in cell L{cell[0]} × I{cell[1]}" in page.chip.text()
    qtbot.mouseClick(page.chip, Qt.MouseButton.LeftButton)  # the chip's ✕ shows every risk
    assert not page.chip.isVisible()
    assert page.model.rowCount() == live_counts(demo, None)[1]


def test_heat_map_follows_the_department(qtbot: Any, demo: Register) -> None:
    window = open_window(qtbot, demo)
    department_id, _code = busiest_department(demo)
    window.department_filter.select(department_id)
    heat_map = window.dashboard.heat_map  # type: ignore[union-attr]
    cells = Counter({cell: len(ids) for cell, ids in residual_cells(demo, department_id).items()})
    shown_counts = Counter({(li, im): heat_map.count(li, im)
                            for li in range(1, 6) for im in range(1, 6)})
    assert +shown_counts == +cells


def test_coverage_model_passes_the_model_tester_and_shows_the_numbers(
    qtbot: Any, qtmodeltester: Any, demo: Register
) -> None:
    window = open_window(qtbot, demo)
    page = window.dashboard
    assert page is not None
    qtmodeltester.check(page.coverage)
    qtmodeltester.check(page.coverage_proxy)
    with demo.session() as session:
        expected = dashboard.coverage(session, today=date.today())
    assert page.coverage.rowCount() == len(expected) > 0
    first = expected[0]
    row = [r.code for r in page.coverage.rows].index(first.code)
    shown_row = {COLUMNS[c].header: page.coverage.data(page.coverage.index(row, c))
                 for c in range(len(COLUMNS))}
    assert shown_row["Code"] == first.code
    assert shown_row["Department"] == first.name
    assert shown_row["Assets"] == f"{first.assets:,}"
    assert shown_row["Risks assessed"] == f"{first.risks_assessed:,} of {first.risks:,}"
    percent = [c.header for c in COLUMNS].index("Classified")
    index = page.coverage.index(row, percent)
    alignment = page.coverage.data(index, Qt.ItemDataRole.TextAlignmentRole)
    assert alignment & Qt.AlignmentFlag.AlignRight
    if first.classified_pct is not None:
        assert page.coverage.data(index, CoverageModel.PercentRole) == float(first.classified_pct)
    # Sorting by a number column sorts numerically, through the proxy.
    assets_column = [c.header for c in COLUMNS].index("Assets")
    page.coverage_table.sortByColumn(assets_column, Qt.SortOrder.DescendingOrder)
    proxy = page.coverage_proxy
    counts = [proxy.data(proxy.index(r, assets_column), CoverageModel.SortRole)
              for r in range(proxy.rowCount())]
    assert counts == sorted(counts, reverse=True)


def test_due_before_the_next_meeting_names_it_and_counts_the_risk_reviews(
    qtbot: Any, demo: Register
) -> None:
    from datetime import timedelta

    from isms.services.reviews.meetings import plan_review

    meeting_day = date.today() + timedelta(days=1)  # before the demo's own planned meeting
    with demo.transaction() as session:
        meeting = plan_review(session, title="SMG review", meeting_date=meeting_day,
                              chair_id=None)
        ref = meeting.ref
    with demo.session() as session:
        reviews = session.execute(select(func.count()).select_from(Risk).where(
            Risk.status != RiskStatus.RETIRED, Risk.next_review < meeting_day)).scalar_one()
    window = open_window(qtbot, demo)
    assert window.dashboard is not None
    assert window.dashboard.due_box.title() == f"Due before {ref}"
    text = window.dashboard.due_text.text()
    assert f"{reviews:,} risk review" in text and meeting_day.strftime("%d %b %Y") in text
