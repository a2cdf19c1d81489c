"""The register reports built from a real register: values, levels in the criteria colours,
scope by department, and the files they make."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from pypdf import PdfReader

from isms.db import Register, commit
from isms.io.exports.pdf_report import write_pdf
from isms.io.exports.report import Marked, Report
from isms.io.exports.xlsx_report import write_xlsx
from isms.model import (
    ActionStatus,
    HandlingChannel,
    HandlingPractice,
    HandlingStage,
    RiskAcceptance,
    RiskStatus,
    TreatmentAction,
    TreatmentOption,
)
from isms.services import classification
from isms.services.documents.registers import asset_inventory, risk_register, treatment_plan
from isms.services.read import queries
from tests import builders as b
from tests.unit.io.test_pdf_report import qpdf_check

TODAY = date(2026, 11, 25)


@pytest.fixture
def ids(register: Register) -> dict[str, int]:
    with register.session() as s:
        fin = b.department(s, code="FIN", name="Finance")
        env = b.department(s, code="ENV", name="Environment")
        olive = b.person(s, name="Olive Owner", department=fin)
        sam = b.person(s, name="Sam Siro", department=fin)
        payroll = b.asset(s, fin, ref="FIN-0001", name="Payroll =HYPERLINK(\"x\")", owner=olive,
                          confidentiality=4, integrity=3, availability=2, personal_data=True,
                          next_review=date(2026, 1, 1))
        classification.mark_asset(s, payroll, "OFFICIAL-SENSITIVE")
        b.asset(s, fin, ref="FIN-0002", name="Ledger", next_review=date(2027, 1, 1))
        b.asset(s, env, ref="ENV-0001", name="Gritting routes")
        s.add(HandlingPractice(asset=payroll, stage=HandlingStage.TRANSFERRED,
                               channel=HandlingChannel.REMOVABLE_MEDIA, safeguards=[]))
        criteria_id = queries.current_criteria_id(s)
        risk = b.risk(s, fin, ref="R-0001", title="Payroll data lost on a USB stick",
                      owner=olive, criteria_id=criteria_id, inherent_likelihood=4,
                      inherent_impact=5, current_likelihood=3, current_impact=4,
                      residual_likelihood=2, residual_impact=2,
                      treatment_option=TreatmentOption.MODIFY, status=RiskStatus.ACCEPTED,
                      next_review=date(2026, 6, 1))
        risk.assets.append(payroll)
        risk.controls.append(queries.control_by_ref(s, "8.12"))
        risk.controls.append(queries.control_by_ref(s, "5.14"))
        s.add(TreatmentAction(risk=risk, title="Encrypt USB sticks", owner=olive,
                              due_date=date(2026, 10, 1), status=ActionStatus.OPEN))
        s.add(TreatmentAction(risk=risk, title="Train payroll staff", owner=olive,
                              due_date=date(2026, 9, 1), status=ActionStatus.DONE))
        s.add(RiskAcceptance(risk=risk, accepted_by=olive,
                             accepted_at=datetime(2026, 5, 2, tzinfo=UTC),
                             rationale="Encryption rolled out", expires_on=date(2027, 5, 2),
                             approved_by=sam, approved_at=datetime(2026, 5, 3, tzinfo=UTC)))
        b.risk(s, env, ref="R-0002", title="Gritting plan unavailable")
        b.risk(s, fin, ref="R-0003", title="Retired one", status=RiskStatus.RETIRED)
        commit(s)
        return {"fin": fin.id, "env": env.id}


def _table(report: Report) -> list[list[Any]]:
    return [list(row) for row in report.rows]


def _col(report: Report, header: str) -> int:
    return [c.header for c in report.columns].index(header)


def test_risk_register(register: Register, ids: dict[str, int]) -> None:
    with register.session() as s:
        report = risk_register(s, ids["fin"], TODAY)
        rows = _table(report)
    assert report.title == "Risk register - Finance" and report.row_count == 1
    assert report.generated == datetime(2026, 11, 25)
    assert ("Risk criteria", "version 1") in report.document_control
    [row] = rows
    get = {c.header: v for c, v in zip(report.columns, row, strict=True)}
    assert get["Ref"] == "R-0001" and get["Owner"] == "Olive Owner"
    assert get["Department"] == "FIN" and get["Assets"] == "FIN-0001"
    assert get["Controls"] == "5.14, 8.12"  # clause order
    # Numbers, so a spreadsheet sorts and filters them (issue 17, 10).
    assert (get["Inherent likelihood"], get["Inherent impact"], get["Inherent score"]) == (4, 5, 20)
    assert get["Inherent level"] == Marked("Very high", "#c62828")
    assert get["Current level"] == Marked("High", "#e07020")
    assert get["Residual level"] == Marked("Low", "#3a9a48")
    assert get["Next review"] == Marked(date(2026, 6, 1), "#F4CCCC")  # overdue
    assert get["Acceptance"] == ("Accepted by Olive Owner on 2026-05-02 until 2027-05-02; "
                                 "approved by Sam Siro on 2026-05-03")
    with register.session() as s:
        council = risk_register(s, None, TODAY)
        refs = [r[0] for r in council.rows]
    assert refs == ["R-0001", "R-0002"] and council.row_count == 2


def test_treatment_plan(register: Register, ids: dict[str, int]) -> None:
    with register.session() as s:
        report = treatment_plan(s, ids["fin"], TODAY)
        rows = _table(report)
    assert report.row_count == len(rows) == 3
    item, text, status, overdue = (_col(report, h) for h in
                                   ("Item", "Action / rationale", "Status", "Overdue"))
    assert [(r[item], r[text]) for r in rows] == [
        ("Action", "Train payroll staff"), ("Action", "Encrypt USB sticks"),
        ("Acceptance", "Encryption rolled out")]
    assert rows[0][overdue] == "No" and rows[1][overdue] == Marked("Overdue", "#F4CCCC")
    assert rows[2][status] == "accepted"
    assert rows[2][_col(report, "Approver")] == "Sam Siro"
    assert rows[2][_col(report, "Accepted until")] == date(2027, 5, 2)
    assert rows[0][_col(report, "Residual level")] == Marked("Low", "#3a9a48")


def test_asset_inventory(register: Register, ids: dict[str, int]) -> None:
    with register.session() as s:
        report = asset_inventory(s, ids["fin"], TODAY)
        rows = _table(report)
    assert report.row_count == 2 and [r[0] for r in rows] == ["FIN-0001", "FIN-0002"]
    payroll = {c.header: v for c, v in zip(report.columns, rows[0], strict=True)}
    assert payroll["Classification"] == "OFFICIAL-SENSITIVE"
    assert (payroll["C"], payroll["I"], payroll["A"]) == (4, 3, 2)
    assert payroll["Personal data"] == "Yes" and payroll["Owner"] == "Olive Owner"
    assert payroll["Handling findings"] == 2
    assert payroll["Findings"].startswith("HR-01 transferred by removable media: lacks")
    assert payroll["Next review"] == Marked(date(2026, 1, 1), "#F4CCCC")
    ledger = {c.header: v for c, v in zip(report.columns, rows[1], strict=True)}
    assert ledger["Classification"] == Marked("Not classified", "#F4CCCC")
    assert ledger["Handling findings"] == 0 and ledger["Findings"] is None
    assert any("HR-01" in note for note in report.notes)


@pytest.mark.parametrize("build", [risk_register, treatment_plan, asset_inventory])
def test_reports_write_as_xlsx_and_pdf(register: Register, ids: dict[str, int], build: Any,
                                       tmp_path: Path) -> None:
    with register.session() as s:
        assert write_xlsx(build(s, None, TODAY), tmp_path / "r.xlsx") > 0
        assert write_pdf(build(s, None, TODAY), tmp_path / "r.pdf") > 0
    sheet = openpyxl.load_workbook(tmp_path / "r.xlsx").worksheets[1]
    assert sheet.max_row > 1
    qpdf_check(tmp_path / "r.pdf")
    text = PdfReader(tmp_path / "r.pdf").pages[0].extract_text()
    assert "Whole council" in text and "Page 1 of" in text
    if build is asset_inventory:
        cell = sheet["B3"]  # ENV-0001, then FIN-0001
        assert cell.data_type == "s" and cell.value.startswith("Payroll =HYPERLINK")
