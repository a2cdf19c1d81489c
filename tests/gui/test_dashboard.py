"""The department filter, the dashboard and its heat map, driven on the demo council."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog
from sqlalchemy import func, select

from isms.db import Register, open_register
from isms.model import (
    Asset,
    AssetStatus,
    Control,
    ControlEdition,
    Department,
    ReviewMeeting,
    ReviewStatus,
    Risk,
    RiskStatus,
)
from isms.services import context, records
from isms.services.read import dashboard
from isms.services.read.onboarding import STEP_KEYS
from isms.services.reviews.meetings import plan_review
from tests import builders
from ui.dialogs.import_wizard import ImportWizard
from ui.dialogs.new_risk import NewRiskDialog
from ui.dialogs.org_editors import DepartmentEditor
from ui.dialogs.org_lists import DepartmentsDialog, PeopleDialog
from ui.dialogs.review_plan import ReviewPlanDialog
from ui.models.coverage import COLUMNS, CoverageModel
from ui.views.main_window import MainWindow
from ui.views.onboarding_panel import DONE_MARK, TO_DO_MARK
from ui.widgets.department_filter import WHOLE_COUNCIL

from .conftest import OnModal, shown


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


# --- the first steps on a new register ------------------------------------------------------


def step_states(window: MainWindow) -> dict[str, tuple[str, str]]:
    """Each onboarding step's state and count as the dashboard shows them."""
    assert window.dashboard is not None
    panel = window.dashboard.onboarding
    return {key: (panel.state_of(key), panel.rows[key][2].text()) for key in STEP_KEYS}


def test_an_empty_register_shows_the_first_steps_until_they_are_done(
    qtbot: Any, register: Register, on_modal: OnModal
) -> None:
    window = open_window(qtbot, register)
    window.show_page_key("dashboard")
    assert window.dashboard is not None
    panel = window.dashboard.onboarding
    assert panel.isVisible()
    assert panel.summary.text().startswith("0 of 7 steps done. Next: add the departments.")
    assert step_states(window)["departments"] == (TO_DO_MARK, "0 departments")
    assert panel.button("departments").isDefault()

    def add_department(dialog: DepartmentsDialog) -> None:
        def fill_in(editor: DepartmentEditor) -> bool:
            if QApplication.activeWindow() is not editor:
                return False
            editor.code_edit.setText("ENV")
            editor.name_edit.setText("Environment")
            return editor.save()

        on_modal(DepartmentEditor, fill_in)
        dialog.new_button.click()
        dialog.reject()

    on_modal(DepartmentsDialog, add_department)
    panel.button("departments").click()
    assert step_states(window)["departments"] == (DONE_MARK, "1 department")
    assert panel.button("people").isDefault()
    assert window.department_filter.findText("Environment (ENV)") > 0, "the toolbar lists it"

    # The rest done through the services: the panel follows at the next refresh, then goes.
    with register.transaction() as session:
        env = session.query(Department).filter_by(code="ENV").one()
        person = builders.person(session, name="Ann Other", department_id=env.id)
        builders.asset(session, env, owner_id=person.id)
        builders.risk(session, env, inherent_likelihood=2, inherent_impact=3)
        control = session.query(Control).filter_by(edition=ControlEdition.ISO27001_2022).first()
        assert control is not None
        records.save_soa_entry(session, env.id, control.id, applicability="applicable")
    window.refresh()
    assert step_states(window) == {
        "departments": (DONE_MARK, "1 department"), "people": (DONE_MARK, "1 person"),
        "assets": (DONE_MARK, "1 asset"), "risk": (DONE_MARK, "1 risk assessed"),
        "soa": (DONE_MARK, "1 SoA decision"), "climate": (TO_DO_MARK, "no decision"),
        "review": (TO_DO_MARK, "0 reviews held"),
    }
    assert panel.isVisible() and panel.summary.text().startswith("5 of 7 steps done.")
    with register.session() as session:
        context.decide_climate(session, relevant=True, justification="Flooding at the depot")
    with register.transaction() as session:
        meeting = plan_review(session, title="First review", meeting_date=date.today(),
                              chair_id=None)
        meeting.status = ReviewStatus.COMPLETED
    window.refresh()
    assert not panel.isVisible(), "every step done: the panel goes"


def test_the_step_buttons_open_what_does_each_step(
    qtbot: Any, register: Register, on_modal: OnModal
) -> None:
    window = open_window(qtbot, register)
    window.show_page_key("dashboard")
    assert window.dashboard is not None
    panel = window.dashboard.onboarding
    opened: list[str] = []

    def closes(what: str) -> Any:
        def close(dialog: QDialog) -> None:
            opened.append(what)
            dialog.reject()
        return close

    for key, kind in (("people", PeopleDialog), ("assets", ImportWizard),
                      ("risk", NewRiskDialog), ("review", ReviewPlanDialog)):
        on_modal(kind, closes(key))
        panel.button(key).click()
    assert opened == ["people", "assets", "risk", "review"]
    assert window.current_page is window.dashboard, "nothing was added: still on the dashboard"
    panel.button("soa").click()
    assert window.current_page is window.pages["controls"]


def test_a_step_begun_goes_on_with_what_was_begun(qtbot: Any, register: Register) -> None:
    """A risk identified but not scored, a review planned but not held: the buttons open
    those pages instead of adding another."""
    with register.transaction() as session:
        env = builders.department(session, code="ENV", name="Environment")
        builders.risk(session, env)
        plan_review(session, title="First review", meeting_date=date.today(), chair_id=None)
    window = open_window(qtbot, register)
    window.show_page_key("dashboard")
    assert window.dashboard is not None
    panel = window.dashboard.onboarding
    assert step_states(window)["risk"] == (TO_DO_MARK, "0 risks assessed (1 not yet scored)")
    assert panel.button("risk").text() == "Score a risk…"
    panel.button("risk").click()
    assert window.current_page is window.pages["risks"]
    window.show_page_key("dashboard")
    assert panel.button("review").text() == "Open the reviews"
    panel.button("review").click()
    assert window.current_page is window.pages["reviews"]


def test_a_council_past_its_first_steps_sees_no_panel(qtbot: Any, demo: Register) -> None:
    window = open_window(qtbot, demo)
    window.show_page_key("dashboard")
    assert window.dashboard is not None
    with demo.session() as session:  # the demo council has held (and signed off) a review
        held = session.execute(select(func.count()).select_from(ReviewMeeting).where(
            ReviewMeeting.status == ReviewStatus.SIGNED_OFF)).scalar_one()
    assert held > 0
    assert window.dashboard.onboarding.isHidden()
