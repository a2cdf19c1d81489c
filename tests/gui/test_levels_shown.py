"""Where a risk's level shows in the window, it says what it means (issue 17, 1): the dashboard
counts risks above the appetite today and targets without a plan; the risk editor flags a
residual target that nothing is planned to reach, and stops once an action is planned."""

from __future__ import annotations

from datetime import date
from typing import Any

from isms.db import Register
from isms.model import Risk, Role, TreatmentOption
from isms.services import risks
from tests import builders
from ui.dialogs.risk_editor import RiskEditor
from ui.views.dashboard_page import DashboardPage

from .conftest import shown


def _unplanned(register: Register) -> int:
    """A risk High today (current 4 x 4) with a Medium target (2 x 3), retained, no action."""
    with register.transaction() as s:
        owner = builders.person(s, name="Olive Owner")
        owner.add_role(Role.RISK_OWNER)
        risk = builders.risk(s, builders.department(s), owner=owner)
        risks.score_risk(s, risk, inherent=(5, 5), current=(4, 4), residual=(2, 3),
                         today=date(2026, 12, 7))
        risks.set_treatment(risk, TreatmentOption.RETAIN)
        s.flush()
        return risk.id


def test_the_dashboard_counts_todays_exposure_and_targets_without_a_plan(
    qtbot: Any, register: Register
) -> None:
    risk_id = _unplanned(register)
    page = shown(qtbot, DashboardPage(register))
    assert page.attention["above_appetite"].text() == "1 risk above appetite"
    assert page.attention["targets_without_plan"].text() == "1 target without a plan"
    with qtbot.waitSignal(page.risksRequested) as asked:
        page.attention["targets_without_plan"].click()
    assert asked.args == [[risk_id], "1 target without a plan"]


def test_the_risk_editor_flags_the_target_until_an_action_is_planned(
    qtbot: Any, register: Register
) -> None:
    risk_id = _unplanned(register)
    editor = shown(qtbot, RiskEditor(register, risk_id))
    assert editor.appetite_labels["current"].text() == "Above appetite"
    assert editor.appetite_labels["residual"].text() == "Target without a plan"
    assert "accept the risk at its current level" in editor.appetite_labels["residual"].toolTip()
    with register.transaction() as s:
        risk = s.get_one(Risk, risk_id)
        risks.add_action(risk, "Encrypt the laptops")
    editor._reread_actions()  # as after the action editor saves
    assert editor.appetite_labels["residual"].text() == ""


def test_the_risk_list_flags_a_target_without_a_plan(qtbot: Any, register: Register) -> None:
    from PySide6.QtCore import Qt

    from ui.models.registers import risk_model

    risk_id = _unplanned(register)
    model = risk_model(register)
    model.refresh()
    flag = [c.header for c in model.columns].index("Flag")
    row = model.ids.index(risk_id)
    assert model.data(model.index(row, flag), Qt.ItemDataRole.DisplayRole) == \
        "Target without a plan"
    # Today's level, which the appetite is tested on, stands between inherent and target.
    headers = [c.header for c in model.columns]
    current = headers.index("Current risk")
    assert headers[current - 1:current + 2] == ["Inherent risk", "Current risk", "Residual risk"]
    assert model.data(model.index(row, current), Qt.ItemDataRole.DisplayRole) == "High"
