"""The risk register and the treatment plan say "target without a plan" in the risk's row, as
the Risks page does, and the plan's Control column sorts in clause order (issue 17, 1 and 10:
"a residual (target) level below appetite with no open action to reach it is flagged 'target
without a plan'"; "control numbers sort 5.10 before 5.2")."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import select

from isms.db import Register, commit
from isms.io.exports.pdf_report import write_pdf
from isms.io.exports.report import Marked, Report
from isms.io.exports.xlsx_report import write_xlsx
from isms.model import Control, ControlEdition, RiskStatus, TreatmentOption
from isms.services import actions
from isms.services.documents.registers import risk_register, treatment_plan
from isms.services.read import queries
from tests import builders as b
from tests.pdf_pages import assert_not_split, assert_pdf_sound, pdf_pages

pytestmark = pytest.mark.both_backends

TODAY = date(2026, 11, 25)
FLAG = "Target without a plan"


def _control(s: Any, ref: str) -> int:
    return s.execute(select(Control.id).where(
        Control.ref == ref, Control.edition == ControlEdition.ISO27001_2022)).scalar_one()


@pytest.fixture
def soc(register: Register) -> int:
    with register.session() as s:
        soc = b.department(s, code="SOC", name="Social Care")
        ann = b.person(s, name="Ann Lee", department=soc)
        criteria = queries.current_criteria_id(s)
        rated = {"inherent_likelihood": 5, "inherent_impact": 5, "current_likelihood": 5,
                 "current_impact": 5, "residual_likelihood": 2, "residual_impact": 2,
                 "owner": ann, "criteria_id": criteria, "status": RiskStatus.TREATMENT,
                 "treatment_option": TreatmentOption.MODIFY}
        # Very high today, Low on paper, nothing open to get there: flagged.
        b.risk(s, soc, ref="R-0201", title="Case files e-mailed to the wrong family", **rated)
        # The same levels with actions under way (on controls 8.24 and 5.10, due in that
        # order): not flagged.
        planned = b.risk(s, soc, ref="R-0202", title="Laptops not encrypted", **rated)
        actions.new_action(s, planned.id, title="Encrypt every laptop", owner_id=ann.id,
                           due_date=date(2027, 1, 1), control_id=_control(s, "8.24"))
        actions.new_action(s, planned.id, title="Rules for acceptable use", owner_id=ann.id,
                           due_date=date(2027, 2, 1), control_id=_control(s, "5.10"))
        actions.new_action(s, planned.id, title="Classify the laptops", owner_id=ann.id,
                           due_date=date(2027, 3, 1), control_id=_control(s, "5.2"))
        commit(s)
        return soc.id


def _rows(report: Report) -> list[dict[str, Any]]:
    headers = [c.header for c in report.columns]
    return [dict(zip(headers, row, strict=True)) for row in report.rows]


def _text(value: Any) -> Any:
    return value.value if isinstance(value, Marked) else value


@pytest.mark.parametrize("document", [risk_register, treatment_plan])
def test_the_documents_flag_a_target_without_a_plan_in_the_risks_row(
        register: Register, soc: int, document: Any, tmp_path: Path) -> None:
    with register.session() as s:
        rows = _rows(document(s, soc, TODAY))
        flags = {row.get("Risk", row.get("Ref")): _text(row["Flag"]) for row in rows}
        assert flags == {"R-0201": FLAG, "R-0202": None}
        write_pdf(document(s, soc, TODAY), tmp_path / "doc.pdf")
        write_xlsx(document(s, soc, TODAY), tmp_path / "doc.xlsx")
    assert_pdf_sound(tmp_path / "doc.pdf")
    pages = pdf_pages(tmp_path / "doc.pdf")
    assert_not_split(pages, ["R-0201", "R-0202"])
    flagged = [line for page in pages for line in page.splitlines() if "R-0201" in line]
    assert flagged and all("Target" in line for line in flagged), flagged
    assert not any("Target" in line for page in pages for line in page.splitlines()
                   if "R-0202" in line)
    sheet = openpyxl.load_workbook(tmp_path / "doc.xlsx").worksheets[1]
    cells = list(sheet.iter_rows(values_only=True))
    header = next(i for i, row in enumerate(cells) if row[0] in ("Risk", "Ref"))
    flag = cells[header].index("Flag")
    read = {row[0]: row[flag] for row in cells[header + 1:] if row[0]}
    assert read == {"R-0201": FLAG, "R-0202": None}


def test_the_plans_control_column_sorts_in_clause_order(
        register: Register, soc: int, tmp_path: Path) -> None:
    with register.session() as s:
        report = treatment_plan(s, soc, TODAY)
        kinds = {c.header: c.kind for c in report.columns}
        assert kinds["Control"] == "clause"
        write_xlsx(treatment_plan(s, soc, TODAY), tmp_path / "plan.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "plan.xlsx").worksheets[1]
    cells = list(sheet.iter_rows(values_only=True))
    header = next(i for i, row in enumerate(cells) if row[0] == "Risk")
    control = cells[header].index("Control")
    assert cells[header][control + 1] == "Control order"
    keyed = [(row[control], row[control + 1]) for row in cells[header + 1:] if row[control]]
    # As numbers, so sorting the column puts 5.2 before 5.10 before 8.24.
    assert sorted(keyed, key=lambda pair: pair[1]) == [
        ("5.2", pytest.approx(5.002)), ("5.10", pytest.approx(5.010)),
        ("8.24", pytest.approx(8.024))]
