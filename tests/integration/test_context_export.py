"""`isms export context|parties`: the context register as xlsx and PDF through the shared
Report writers (issue 18, 1), read back as an auditor would: document control, the marking on
every PDF page, the climate decision with its justification, a requirement nothing answers
shaded; and its place in the audit pack."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from isms.db import Register, commit
from isms.services import context
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
        commit(s)
        context.add_issue(s, {"kind": "external", "category": "legal",
                              "issue": "Procurement Act 2023 in force",
                              "effect": "Supplier assurance clauses in every new contract",
                              "owner": "Priya Shah", "review_date": "2026-06-30"})
        context.add_issue(s, {"kind": "internal", "category": "organisational",
                              "issue": "Housing repairs brought back in house",
                              "department": "HSG"})
        context.decide_climate(s, relevant=True, justification="Heat closes the depot "
                               "server room", decided_by="Priya Shah")
        context.add_party(s, {"name": "Information Commissioner's Office",
                              "kind": "regulator"})
        ico = context.party_by_ref(s, "IP-001")
        context.add_requirement(s, ico, {"text": "Report a personal data breach within 72 "
                                         "hours", "source": "UK GDPR Art. 33",
                                         "controls": ["5.24", "5.26"]})
        context.add_requirement(s, ico, {"text": "Answer subject access requests in a month"})
        context.add_party(s, {"name": "Tenants", "kind": "resident", "department": "HSG"})
    return register


def test_issues_export_as_pdf_and_xlsx_with_the_climate_decision(
        capsys: Capsys, register_db: str, held: Register, tmp_path: Path) -> None:
    pdf = tmp_path / "context.pdf"
    code, out, err = run(capsys, "export", "context", "--out", str(pdf), "--as-of", AS_OF,
                         "--marking", "OFFICIAL-SENSITIVE", "--db", register_db)
    assert code == 0, err
    assert "Wrote the context issues (3 rows), marked OFFICIAL-SENSITIVE" in out
    assert_pdf_sound(pdf)
    pages = pdf_pages(pdf)
    for page in pages:
        assert page.count("OFFICIAL-SENSITIVE") >= 2  # head and foot of every page
    text = " ".join(" ".join(pages).split())
    for said in ("Context issues - ", "Climate change relevant", "CI-001", "CI-003",
                 "Procurement Act 2023 in force", "Heat closes the depot server room",
                 "Priya Shah", "As at 2026-12-01"):
        assert said in text, said
    assert_not_split(pages, ["CI-001", "CI-002", "CI-003", "OFFICIAL-SENSITIVE"])

    xlsx = tmp_path / "context.xlsx"
    code, out, err = run(capsys, "export", "context", "--out", str(xlsx), "--as-of", AS_OF,
                         "--department", "HSG", "--db", register_db)
    assert code == 0, err
    sheet = load_workbook(xlsx).worksheets[-1]
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    header = next(i for i, row in enumerate(values) if row[0] == "Ref")
    assert values[header][:4] == ["Ref", "Kind", "Category", "Issue"]
    refs = [row[0] for row in values[header + 1:] if row[0]]
    assert refs == ["CI-001", "CI-002", "CI-003"]  # Housing's and the council-wide ones
    climate = next(row for row in values if row[0] == "CI-003")
    assert climate[1] == "climate" and "Decision: relevant" in climate[4]
    assert "Heat closes the depot server room" in climate[4]


def test_parties_export_a_row_per_requirement_and_shade_what_nothing_answers(
        capsys: Capsys, register_db: str, held: Register, tmp_path: Path) -> None:
    xlsx = tmp_path / "parties.xlsx"
    code, out, err = run(capsys, "export", "parties", "--out", str(xlsx), "--as-of", AS_OF,
                         "--db", register_db)
    assert code == 0, err
    sheet = load_workbook(xlsx).worksheets[-1]
    rows = list(sheet.iter_rows())
    header = next(i for i, row in enumerate(rows) if row[0].value == "Ref")
    body = [[cell for cell in row] for row in rows[header + 1:] if row[0].value]
    assert [(r[0].value, r[3].value, r[5].value) for r in body] == [
        ("IP-001", "Report a personal data breach within 72 hours", "5.24, 5.26"),
        ("IP-001", "Answer subject access requests in a month", "No control"),
        ("IP-002", "No requirement recorded", None)]
    shaded = body[1][5].fill.fgColor.rgb
    assert str(shaded).upper().endswith("F4CCCC")

    pdf = tmp_path / "parties.pdf"
    code, out, err = run(capsys, "export", "parties", "--out", str(pdf), "--as-of", AS_OF,
                         "--db", register_db)
    assert code == 0, err
    assert_pdf_sound(pdf)
    text = " ".join(" ".join(pdf_pages(pdf)).split())
    assert "Information Commissioner's Office" in text and "UK GDPR Art. 33" in text


def test_the_audit_pack_carries_the_context_register_as_item_11(
        capsys: Capsys, register_db: str, held: Register, tmp_path: Path) -> None:
    pack = tmp_path / "pack.zip"
    code, out, err = run(capsys, "export", "pack", "--out", str(pack), "--as-of", AS_OF,
                         "--db", register_db)
    assert code == 0, err
    with zipfile.ZipFile(pack) as z:
        names = set(z.namelist())
        index = z.read("index.html").decode()
    assert {"context-issues.xlsx", "context-issues.pdf", "interested-parties.xlsx",
            "interested-parties.pdf"} <= names
    assert "Context of the organisation" in index
    # Appended: the items before keep their numbers.
    assert index.index("Document register") < index.index("Context of the organisation")
