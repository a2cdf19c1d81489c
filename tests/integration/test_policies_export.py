"""`isms export policies` (xlsx and PDF with document control and marking) and item 10 of the
audit pack, read back as an auditor would: openpyxl, pdftotext page by page, qpdf --check
(issue 18, 5)."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from isms.db import Register
from isms.db.session import default_actor
from isms.model import Control, Role
from isms.services import policies
from tests import builders
from tests.integration.test_cli import run

pytestmark = pytest.mark.both_backends

TODAY = date.today()
AS_OF = TODAY.isoformat()


@pytest.fixture
def filed(register: Register) -> None:
    """The council's security policy, approved 13 months ago (so past its review), and a
    Housing procedure in draft; and a council with a person to own and approve them."""
    with register.transaction() as s:
        housing = builders.department(s, code="HSG", name="Housing")
        officer = builders.person(s, name="Priya Shah")
        siro = builders.person(s, name="Tom Hughes", username=default_actor(register.engine))
        siro.add_role(Role.SIRO)
        officer_id, housing_id = officer.id, housing.id
    with register.session() as s:
        control = s.execute(select(Control).where(Control.ref == "5.1")).scalars().first()
        assert control is not None
        first = policies.add_document(
            s, title="Information security policy", kind="policy", owner_id=officer_id,
            version_label="3.0", url="https://intranet.council.example/infosec",
            controls=[control.id])
        policies.approve_document(s, first.document_id, 1,
                                  on=TODAY - timedelta(days=400))
        policies.add_document(s, title="Tenancy file handling", kind="procedure",
                              owner_id=officer_id, department_id=housing_id)
    register.close()


def _export(capsys: pytest.CaptureFixture[str], db: str, what: str, out: Path,
            *extra: str) -> str:
    code, printed, err = run(capsys, "export", what, "--db", db, "--out", str(out),
                             "--as-of", AS_OF, *extra)
    assert code == 0, err + printed
    return printed


def test_the_document_register_exports_as_xlsx_and_pdf_with_control_and_marking(
        register_db: str, filed: None, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    book_path, pdf_path = tmp_path / "policies.xlsx", tmp_path / "policies.pdf"
    assert "marked OFFICIAL" in _export(capsys, register_db, "policies", book_path)
    book = openpyxl.load_workbook(book_path)
    assert book.sheetnames == ["Document control", "Document register"]
    control = {str(row[0]): row[1] for row in
               book["Document control"].iter_rows(values_only=True) if row[0]}
    assert (control["Protective marking"], control["Documents"], control["Draft"],
            control["Past their next review"]) == ("OFFICIAL", "2", "1", "POL-001")
    rows = list(book["Document register"].iter_rows(values_only=True))
    assert rows[0][:8] == ("Ref", "Title", "Kind", "Version", "Status", "Department", "Owner",
                           "Approved by")
    assert [(r[0], r[2], r[4], r[5], r[6], r[7], r[11]) for r in rows[1:]] == [
        ("POL-001", "policy", "approved", "council-wide", "Priya Shah", "Tom Hughes", "5.1"),
        ("PRO-001", "procedure", "draft", "HSG", "Priya Shah", None, None)]

    _export(capsys, register_db, "policies", pdf_path, "--marking", "OFFICIAL-SENSITIVE",
            "--department", "HSG")
    if shutil.which("qpdf"):
        assert subprocess.run(["qpdf", "--check", str(pdf_path)],
                              capture_output=True).returncode == 0
    text = subprocess.run(["pdftotext", "-layout", str(pdf_path), "-"], capture_output=True,
                          text=True, check=True).stdout
    pages = [page for page in text.split("\f") if page.strip()]
    assert pages and all(page.count("OFFICIAL-SENSITIVE") >= 2 for page in pages)
    assert "Document register - Housing" in pages[0]
    assert "Tenancy file handling" in text and "Information security policy" in text


def test_the_audit_pack_holds_the_document_register_as_item_10(
        register_db: str, filed: None, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    pack = tmp_path / "pack.zip"
    _export(capsys, register_db, "pack", pack)
    with zipfile.ZipFile(pack) as archive:
        names = set(archive.namelist())
        index = archive.read("index.html").decode()
    assert {"document-register.xlsx", "document-register.pdf"} <= names
    numbered = [index.index(f'id="item-{n}"') for n in range(1, 11)]
    assert numbered == sorted(numbered)  # 1-9 as before, the register appended as 10
    assert 'id="item-10">10. Document register' in index
