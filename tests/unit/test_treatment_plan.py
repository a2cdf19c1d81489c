"""The treatment plan lists every live risk with its option, and each action with its priority,
resources, original and current due date and the history of its deferrals; deferring keeps
the original date (issue 17, 3: "The treatment plan leaves out 17 of 58 live risks (e.g. a Very
high 'modify' risk with no action, and risks never assessed), has no treatment option,
priority or resource column, and a deferral overwrites the due date so the slippage
disappears")."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from isms.db import Register, commit
from isms.errors import ValidationError
from isms.io.exports.pdf_report import write_pdf
from isms.io.exports.report import Marked
from isms.io.exports.xlsx_report import write_xlsx
from isms.model import (
    ActionStatus,
    RiskAcceptance,
    RiskStatus,
    TreatmentAction,
    TreatmentOption,
)
from isms.services import actions, records
from isms.services.documents.registers import treatment_plan
from isms.services.documents.treatment_plan import plan_rows
from isms.services.read import queries
from tests import builders as b
from tests.pdf_pages import assert_not_split, assert_pdf_sound, pdf_pages

pytestmark = pytest.mark.both_backends

TODAY = date(2026, 11, 25)
LIVE = ["R-0101", "R-0102", "R-0103", "R-0104", "R-0105", "R-0106"]


@pytest.fixture
def plan_ids(register: Register) -> dict[str, int]:
    with register.session() as s:
        soc = b.department(s, code="SOC", name="Social Care")
        ann = b.person(s, name="Ann Lee", department=soc)
        criteria = queries.current_criteria_id(s)

        def risk(ref: str, title: str, **fields: Any) -> Any:
            return b.risk(s, soc, ref=ref, title=title, owner=ann, criteria_id=criteria,
                          **fields)

        rated = {"inherent_likelihood": 5, "inherent_impact": 5, "current_likelihood": 5,
                 "current_impact": 5, "residual_likelihood": 2, "residual_impact": 2}
        # Retained or avoided as they stand: the target is today's level.
        kept = {**rated, "residual_likelihood": 5, "residual_impact": 5}
        risk("R-0101", "Case files e-mailed to the wrong family", **rated,
             treatment_option=TreatmentOption.MODIFY, status=RiskStatus.ASSESSED)
        risk("R-0102", "Carers' rota on a personal phone")  # never assessed
        risk("R-0103", "Day centre door codes shared", **rated)  # rated, no option
        deferred = risk("R-0104", "Laptops not encrypted", **rated,
                        treatment_option=TreatmentOption.MODIFY, status=RiskStatus.TREATMENT)
        action = actions.new_action(s, deferred.id, title="Encrypt every laptop", owner_id=ann.id,
                                    due_date=date(2026, 10, 1), priority="High",
                                    resources="2 days of IT time; 40 BitLocker licences")
        retained = risk("R-0105", "Paper archive in the basement", **kept,
                        treatment_option=TreatmentOption.RETAIN, status=RiskStatus.ACCEPTED)
        s.add(RiskAcceptance(risk=retained, accepted_by=ann, rationale="Archive moves in spring",
                             accepted_at=datetime(2026, 6, 1, tzinfo=UTC),
                             expires_on=date(2027, 6, 1)))
        risk("R-0106", "Minibus tracker data", **kept, treatment_option=TreatmentOption.AVOID,
             treatment_note="Tracker service ended.", status=RiskStatus.TREATMENT)
        risk("R-0107", "Old fax machine", **rated, status=RiskStatus.RETIRED)
        commit(s)
        return {"soc": soc.id, "action": action.id}


def _by_risk(register: Register, department: int | None) -> dict[str, list[dict[str, Any]]]:
    with register.session() as s:
        rows = list(plan_rows(treatment_plan(s, department, TODAY)))
    out: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        out.setdefault(row["Risk"], []).append(row)
    return out


def _text(value: Any) -> Any:
    return value.value if isinstance(value, Marked) else value


def test_every_live_risk_is_in_the_plan_with_its_option_and_what_it_lacks(
        register: Register, plan_ids: dict[str, int]) -> None:
    plan = _by_risk(register, plan_ids["soc"])
    assert sorted(plan) == LIVE  # the retired one only is left out
    first = {ref: rows[0] for ref, rows in plan.items()}
    assert {ref: (row["Option"], _text(row["Item"])) for ref, row in first.items()} == {
        "R-0101": ("modify", "No action planned"),
        "R-0102": (None, "Not assessed"),
        "R-0103": (None, "No treatment decided"),
        "R-0104": ("modify", "Action"),
        "R-0105": ("retain", "Acceptance"),
        "R-0106": ("avoid", "Option"),
    }
    very_high = first["R-0101"]
    assert _text(very_high["Current level"]) == "Very high"
    assert very_high["Action / rationale"] == ("Option modify at Very high: no open action to "
                                               "reach the target Low.")
    assert _text(very_high["Status"]) == "to be planned"
    assert first["R-0106"]["Action / rationale"] == "Tracker service ended."
    assert first["R-0105"]["Action / rationale"] == "Archive moves in spring"


def test_an_action_shows_priority_resources_and_every_deferral_with_its_original_date(
        register: Register, plan_ids: dict[str, int]) -> None:
    with register.transaction(actor="ann") as s:
        action = s.get_one(TreatmentAction, plan_ids["action"])
        actions.defer_action(s, action.id, date(2026, 12, 1), "Supplier late with licences",
                             actor="ann", today=date(2026, 9, 20))
        actions.defer_action(s, action.id, date(2027, 1, 15), "IT team on the migration",
                             actor="bob", today=date(2026, 11, 20))
    row = _by_risk(register, None)["R-0104"][0]
    assert row["Action / rationale"] == "Encrypt every laptop"
    assert (row["Priority"], row["Resources"]) == (
        "high", "2 days of IT time; 40 BitLocker licences")
    assert row["Original due"] == date(2026, 10, 1)
    assert row["Due / accepted on"] == date(2027, 1, 15)
    today = datetime.now(UTC).date()
    assert row["Deferrals"] == (
        f"2026-10-01 -> 2026-12-01: Supplier late with licences (ann, {today}); "
        f"2026-12-01 -> 2027-01-15: IT team on the migration (bob, {today})")
    assert row["Overdue"] == "No"


def test_a_deferral_needs_a_reason_and_a_later_date_and_editing_keeps_the_original(
        register: Register, plan_ids: dict[str, int]) -> None:
    with register.transaction() as s:
        action_id = plan_ids["action"]
        with pytest.raises(ValidationError, match="Say why"):
            actions.defer_action(s, action_id, date(2026, 12, 1), " ", actor="ann")
        with pytest.raises(ValidationError, match="moves it later"):
            actions.defer_action(s, action_id, date(2026, 9, 1), "Sooner", actor="ann")
        action = s.get_one(TreatmentAction, action_id)
        records.update_action(s, action, due_date=date(2026, 10, 20))
        assert (action.original_due_date, action.due_date) == (date(2026, 10, 1),
                                                               date(2026, 10, 20))
        with pytest.raises(ValidationError, match="not a priority"):
            records.update_action(s, action, priority="urgent")
        records.update_action(s, action, status=ActionStatus.DONE)
        with pytest.raises(ValidationError, match="cannot be deferred"):
            actions.defer_action(s, action_id, date(2027, 1, 1), "Late", actor="ann")


def test_the_plan_pdf_and_xlsx_carry_every_live_risk_whole(
        register: Register, plan_ids: dict[str, int], tmp_path: Path) -> None:
    with register.transaction(actor="ann") as s:
        actions.defer_action(s, plan_ids["action"], date(2026, 12, 1), "Supplier late",
                             actor="ann")
    with register.session() as s:
        write_pdf(treatment_plan(s, None, TODAY), tmp_path / "plan.pdf")
        write_xlsx(treatment_plan(s, None, TODAY), tmp_path / "plan.xlsx")
    assert_pdf_sound(tmp_path / "plan.pdf")
    pages = pdf_pages(tmp_path / "plan.pdf")
    text = "\n".join(pages)
    assert_not_split(pages, [*LIVE, "OFFICIAL-SENSITIVE", "2026-10-01", "2026-12-01"])
    assert "R-0107" not in text
    for words in ("No action planned", "Not assessed", "No treatment decided", "Original due",
                  "Deferrals", "Priority", "Resources", "Option"):
        assert words in text, words
    sheet = openpyxl.load_workbook(tmp_path / "plan.xlsx").worksheets[1]
    cells = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    header = next(i for i, row in enumerate(cells) if row[0] == "Risk")
    refs = {row[0] for row in cells[header + 1:] if row[0]}
    assert refs == set(LIVE)
