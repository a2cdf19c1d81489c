"""`isms export obligations`: the obligations register as xlsx and PDF through the shared
Report writers (issue 18, 3; A.5.31), read back as an auditor would: document control naming
the gaps, the marking on every PDF page, "No control" / "No evidence" shaded; item 12 of the
audit pack; and the management review's 9.3.2 b input quoting it."""

from __future__ import annotations

import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from isms.db import Register, commit
from isms.model import AgendaKind, Evidence, EvidenceKind
from isms.services import obligations
from isms.services.reviews import meetings as reviews
from tests import builders as b
from tests.integration.test_cli import run
from tests.pdf_pages import assert_not_split, assert_pdf_sound, pdf_pages

pytestmark = pytest.mark.both_backends

Capsys = pytest.CaptureFixture[str]
AS_OF = "2026-12-01"


@pytest.fixture
def held(register: Register) -> Register:
    with register.session() as s:
        b.department(s, code="HSG", name="Housing")
        b.person(s, name="Priya Shah", email="priya.shah@example.gov.uk")
        s.add(Evidence(ref="EV-001", title="Record of processing activities 2026",
                       kind=EvidenceKind.LINK, url="https://intranet.example.gov.uk/ropa",
                       evidence_date=date(2026, 11, 2)))
        commit(s)
        obligations.add_obligation(s, {
            "title": "UK GDPR and the Data Protection Act 2018", "kind": "legislation",
            "source": "Information Commissioner's Office", "owner": "Priya Shah",
            "requirement": "Keep personal data secure; report a breach within 72 hours",
            "controls": ["5.34", "5.24"], "evidence": ["EV-001"],
            "review_date": "2026-06-30"})
        obligations.add_obligation(s, {
            "title": "Repairs contractor data processing agreement", "kind": "agreement",
            "source": "Contract HSG-2025-14", "department": "HSG",
            "review_date": "2027-03-31"})
    return register


def test_obligations_export_as_pdf_and_xlsx_with_their_gaps_shaded(
        capsys: Capsys, register_db: str, held: Register, tmp_path: Path) -> None:
    pdf = tmp_path / "obligations.pdf"
    code, out, err = run(capsys, "export", "obligations", "--out", str(pdf), "--as-of", AS_OF,
                         "--marking", "OFFICIAL-SENSITIVE", "--db", register_db)
    assert code == 0, err
    assert "Wrote the obligations register (2 rows), marked OFFICIAL-SENSITIVE" in out
    assert_pdf_sound(pdf)
    pages = pdf_pages(pdf)
    for page in pages:
        assert page.count("OFFICIAL-SENSITIVE") >= 2  # head and foot of every page
    text = " ".join(" ".join(pages).split())
    for said in ("Obligations register - ", "Met by no control OB-002",
                 "With no evidence OB-002", "Past their next review OB-001",
                 "UK GDPR and the Data Protection Act 2018", "Priya Shah", "5.24, 5.34",
                 "As at 2026-12-01"):
        assert said in text, said
    assert_not_split(pages, ["OB-001", "OB-002", "OFFICIAL-SENSITIVE"])

    xlsx = tmp_path / "obligations.xlsx"
    code, out, err = run(capsys, "export", "obligations", "--out", str(xlsx), "--as-of",
                         AS_OF, "--db", register_db)
    assert code == 0, err
    sheet = load_workbook(xlsx).worksheets[-1]
    rows = list(sheet.iter_rows())
    header = next(i for i, row in enumerate(rows) if row[0].value == "Ref")
    assert [cell.value for cell in rows[header]][:3] == ["Ref", "Obligation", "Kind"]
    body = [list(row) for row in rows[header + 1:] if row[0].value]
    assert [(r[0].value, r[2].value, r[6].value, r[7].value, r[8].value) for r in body] == [
        ("OB-001", "legislation", "All", "5.24, 5.34", "EV-001"),
        ("OB-002", "agreement", "HSG", "No control", "No evidence")]
    assert str(body[1][7].fill.fgColor.rgb).upper().endswith("F4CCCC")
    assert str(body[0][9].fill.fgColor.rgb).upper().endswith("F4CCCC")  # review past


def test_the_audit_pack_carries_the_obligations_register_as_item_12(
        capsys: Capsys, register_db: str, held: Register, tmp_path: Path) -> None:
    pack = tmp_path / "pack.zip"
    code, out, err = run(capsys, "export", "pack", "--out", str(pack), "--as-of", AS_OF,
                         "--db", register_db)
    assert code == 0, err
    with zipfile.ZipFile(pack) as z:
        names = set(z.namelist())
        index = z.read("index.html").decode()
    assert {"obligations-register.xlsx", "obligations-register.pdf"} <= names
    # Appended: the items before keep their numbers.
    assert (index.index("Context of the organisation")
            < index.index("Legal, regulatory and contractual obligations"))


def test_the_review_s_input_b_quotes_the_obligations_and_their_gaps(
        held: Register) -> None:
    today = date.today()
    with held.transaction("chair") as s:
        agreement = obligations.obligation_by_ref(s, "OB-002")
        obligations.update_obligation(s, agreement,
                                      {"review_date": today + timedelta(days=90)})
        chair = b.person(s, name="Ada Chair", username="chair")
        meeting = reviews.plan_review(s, title="SMG", meeting_date=today, chair_id=chair.id)
        reviews.start_review(s, meeting.id, today=today)
        detail = next(i.detail for i in reviews.agenda(s, meeting.id)
                      if i.kind == AgendaKind.MANAGEMENT_INPUT and i.title.startswith(
                          "9.3.2 b)"))
    assert ("Legal, regulatory and contractual obligations (A.5.31): 2 current obligations "
            "(1 legislation, 1 agreement); met by no control: OB-002; with no evidence: "
            "OB-002; review overdue: OB-001.") in detail.splitlines()
