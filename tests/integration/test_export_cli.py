"""`isms export soa|risks|treatment|assets|method|pack` end to end on a demo register, every file
read back: xlsx with openpyxl, PDF text with pypdf and structure with qpdf, packs unzipped and
checked with the real `sha256sum -c`."""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader
from sqlalchemy import select

from isms import catalogue
from isms.cli import main
from isms.db import open_register
from isms.model import Applicability, Asset, Department, Evidence, Risk, SoaEntry
from isms.services.evidence import attach_file, evidence_dir
from isms.services.read import queries

AS_OF = "2026-11-25"
FORMULA = '=HYPERLINK("http://evil.example","click")'
HTML = "<script>alert('pack')</script>"
SOA_SHEET = "Statement of Applicability"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def qpdf_ok(path: Path) -> None:
    checked = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 300-asset demo register with hostile text in places every export prints, and one
    evidence file attached under a hostile name."""
    folder = tmp_path_factory.mktemp("exports")
    db = folder / "demo.isms"
    assert main(["demo", "--db", str(db), "--assets", "300"]) == 0
    register = open_register(str(db))
    try:
        upload = folder / "minutes.pdf"
        upload.write_bytes(b"%PDF-1.4 evidence of operation\n")
        with register.transaction("test") as session:
            asset = session.execute(select(Asset).order_by(Asset.id).limit(1)).scalar_one()
            asset.name = FORMULA
            risk = session.execute(select(Risk).order_by(Risk.id).limit(1)).scalar_one()
            risk.title = FORMULA
            department = session.get(Department, asset.department_id)
            assert department is not None
            department.description = HTML
            attached = attach_file(
                session, evidence_dir(register.location), upload, ref="EV-HOSTILE", title=HTML,
                evidence_date=date(2026, 11, 1), valid_days=365, controls=[])
            # As another tool (or an older version) might have recorded it.
            attached.file_name = "../../etc/passwd"
    finally:
        register.close()
    return db


def export(capsys: pytest.CaptureFixture[str], demo: Path, what: str, out: Path,
           *extra: str) -> str:
    code, printed, err = run(capsys, "export", what, "--db", str(demo), "--out", str(out),
                             "--as-of", AS_OF, *extra)
    assert code == 0, err
    assert out.exists()
    return printed


def catalogue_refs() -> list[str]:
    """The 2022 Annex A references in the order of the reference list (clause order)."""
    listed = Path(catalogue.__file__).parent / "data" / "iso27001_2022_annexA.csv"
    with listed.open(encoding="utf-8") as handle:
        return [row["ref_id"] for row in csv.DictReader(handle)]


def soa_rows(path: Path) -> tuple[list[str], list[list[object]]]:
    sheet = openpyxl.load_workbook(path)[SOA_SHEET]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    return [str(h) for h in rows[0]], rows[1:]


def test_soa_xlsx_has_the_93_controls_in_clause_order_with_gaps_and_linked_risks(
    capsys: pytest.CaptureFixture[str], demo: Path, tmp_path: Path
) -> None:
    out = tmp_path / "soa.xlsx"
    export(capsys, demo, "soa", out)
    header, rows = soa_rows(out)
    assert [r[0] for r in rows] == catalogue_refs()
    assert len(rows) == 93
    evidence = [r[header.index("Evidence")] for r in rows]
    # A gap is stated, never a blank: every non-excluded control has evidence or the marker.
    for row, cell in zip(rows, evidence, strict=True):
        if row[header.index("Applicable")] != "No":
            assert cell, f"{row[0]} hides its evidence gap"
    register = open_register(str(demo))
    try:
        with register.session() as session:
            with_evidence = {c.ref for e in session.execute(select(Evidence)).scalars()
                             for c in e.controls}
            linked = {c.ref: sorted(r.ref for r in session.execute(select(Risk)).scalars()
                                    if c in r.controls)
                      for r in session.execute(select(Risk)).scalars() for c in r.controls}
    finally:
        register.close()
    markers = {r[0] for r, cell in zip(rows, evidence, strict=True) if cell == "No evidence"}
    assert markers and not markers & with_evidence
    risks_column = header.index("Linked risks")
    shown = {r[0]: r[risks_column] for r in rows if r[risks_column]}
    assert shown, "the demo's risks select controls"
    for ref, text in shown.items():
        assert set(str(text).split(", ")) <= set(linked[str(ref)])


def test_department_soa_pdf_lists_every_control_in_order_and_justifies_exclusions(
    capsys: pytest.CaptureFixture[str], demo: Path, tmp_path: Path
) -> None:
    register = open_register(str(demo))
    try:
        with register.session() as session:
            code = session.execute(
                select(Department.code).join(SoaEntry, SoaEntry.department_id == Department.id)
                .where(SoaEntry.applicability == Applicability.EXCLUDED).limit(1)
            ).scalar_one()
            justifications = [e.exclusion_justification for e in session.execute(
                select(SoaEntry).join(Department).where(
                    Department.code == code, SoaEntry.applicability == Applicability.EXCLUDED)
            ).scalars()]
    finally:
        register.close()
    pdf = tmp_path / "soa.pdf"
    xlsx = tmp_path / "soa.xlsx"
    export(capsys, demo, "soa", pdf, "--department", code)
    export(capsys, demo, "soa", xlsx, "--department", code)
    qpdf_ok(pdf)
    text = pdf_text(pdf)
    refs = catalogue_refs()
    # Each row's first cell starts a line: the refs, in the order the pages show them.
    shown = [ref for ref in re.findall(r"(?m)^([5-8]\.\d{1,2})\b", text) if ref in refs]
    assert list(dict.fromkeys(shown)) == refs
    assert "Page 1 of" in text and "ISO/IEC 27001:2022" in text
    header, rows = soa_rows(xlsx)
    excluded = [r for r in rows if r[header.index("Applicable")] == "No"]
    assert len(excluded) == len(justifications)
    column = header.index("Justification for exclusion")
    for row in excluded:
        assert row[column] in {j for j in justifications if j} | {"No justification"}


def test_registers_and_method_read_back(
    capsys: pytest.CaptureFixture[str], demo: Path, tmp_path: Path
) -> None:
    register = open_register(str(demo))
    try:
        with register.session() as session:
            counts = queries.counts(session)
    finally:
        register.close()
    for what, expected in (("risks", counts["risks"]), ("assets", counts["assets"])):
        xlsx = tmp_path / f"{what}.xlsx"
        export(capsys, demo, what, xlsx)
        book = openpyxl.load_workbook(xlsx)
        table = book[book.sheetnames[1]]
        assert table.max_row - 1 == expected
        assert table.freeze_panes == "A2" and table.auto_filter.ref
        pdf = tmp_path / f"{what}.pdf"
        export(capsys, demo, what, pdf)
        qpdf_ok(pdf)
    treatment = tmp_path / "treatment.pdf"
    export(capsys, demo, "treatment", treatment)
    qpdf_ok(treatment)
    method = tmp_path / "method.pdf"
    export(capsys, demo, "method", method)
    qpdf_ok(method)
    assert "appetite" in pdf_text(method).lower()


def test_formula_payloads_are_inert_in_every_spreadsheet(
    capsys: pytest.CaptureFixture[str], demo: Path, tmp_path: Path
) -> None:
    for what in ("risks", "assets"):
        out = tmp_path / f"{what}.xlsx"
        export(capsys, demo, what, out)
        with zipfile.ZipFile(out) as archive:
            sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
            assert not any(b"<f>" in archive.read(n) for n in sheets)
        book = openpyxl.load_workbook(out)
        cells = [c for row in book[book.sheetnames[1]].iter_rows() for c in row
                 if isinstance(c.value, str) and "HYPERLINK" in c.value]
        assert cells and all(c.data_type == "s" for c in cells)
    csv_out = tmp_path / "assets.csv"
    export(capsys, demo, "assets", csv_out)
    with csv_out.open(encoding="utf-8-sig") as handle:
        fields = [f for row in csv.reader(handle) for f in row]
    assert f"'{FORMULA}" in fields and FORMULA not in fields


def test_audit_pack_verifies_is_reproducible_and_escapes_text(
    capsys: pytest.CaptureFixture[str], demo: Path, tmp_path: Path
) -> None:
    first, second = tmp_path / "pack.zip", tmp_path / "again.zip"
    export(capsys, demo, "pack", first)
    export(capsys, demo, "pack", second)
    assert first.read_bytes() == second.read_bytes()
    unpacked = tmp_path / "unpacked"
    with zipfile.ZipFile(first) as archive:
        names = archive.namelist()
        archive.extractall(unpacked)
    checked = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=unpacked,
                             capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert {"index.html", "manifest.json", "SHA256SUMS", "soa.pdf", "soa.xlsx",
            "risk-method.pdf", "risk-register.xlsx", "treatment-plan.pdf",
            "asset-inventory.xlsx", "review-decisions.pdf", "change-log.csv"} <= set(names)
    assert any(n.startswith("minutes/SMG-") for n in names)  # the demo's signed-off meeting
    evidence = [n for n in names if n.startswith("evidence/")]
    assert len(evidence) == 1
    member = evidence[0].removeprefix("evidence/")
    assert "/" not in member and "\\" not in member and not member.startswith(".")
    index = (unpacked / "index.html").read_text(encoding="utf-8")
    assert "<script" not in index and "&lt;script&gt;" in index
    for pdf in unpacked.glob("*.pdf"):
        qpdf_ok(pdf)
    for book_path in unpacked.glob("*.xlsx"):
        with zipfile.ZipFile(book_path) as book:
            assert not any(b"<f>" in book.read(n) for n in book.namelist()
                           if n.startswith("xl/worksheets/"))
    with (unpacked / "change-log.csv").open(encoding="utf-8-sig") as handle:
        log = list(csv.reader(handle))
    assert not any(field.startswith(("=", "+", "@")) for row in log for field in row)


def test_department_pack_and_bad_requests(
    capsys: pytest.CaptureFixture[str], demo: Path, tmp_path: Path
) -> None:
    pack = tmp_path / "asc.zip"
    printed = export(capsys, demo, "pack", pack, "--department", "ASC")
    assert "audit pack" in printed
    with zipfile.ZipFile(pack) as archive:
        assert "Adult Social Care" in archive.read("index.html").decode()
    wrong = tmp_path / "method.xlsx"
    code, _, err = run(capsys, "export", "method", "--db", str(demo), "--out", str(wrong))
    assert code != 0 and "pdf" in err and not wrong.exists()
    missing = tmp_path / "nowhere.pdf"
    code, _, err = run(capsys, "export", "soa", "--db", str(demo), "--department", "NOPE",
                       "--out", str(missing))
    assert code == 1 and "NOPE" in err and not missing.exists()
    code, _, err = run(capsys, "export", "soa", "--db", str(demo), "--as-of", "25/11/2026",
                       "--out", str(missing))
    assert code != 0 and "2026-11-25" in err and not missing.exists()
    assert shutil.which("sha256sum")  # the pack test above relies on it


def test_registers_above_the_pdf_limit_go_in_as_spreadsheets_with_a_note(
    capsys: pytest.CaptureFixture[str], demo: Path, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from isms.services.documents import audit_pack

    monkeypatch.setattr(audit_pack, "PDF_ROW_LIMIT", 100)  # the demo has 300 assets, 60 risks
    pack = tmp_path / "pack.zip"
    export(capsys, demo, "pack", pack)
    with zipfile.ZipFile(pack) as archive:
        names = set(archive.namelist())
        index = archive.read("index.html").decode()
    assert "asset-inventory.xlsx" in names and "asset-inventory.pdf" not in names
    assert {"risk-register.xlsx", "risk-register.pdf"} <= names
    assert "as a spreadsheet only" in index


def test_every_export_names_the_isms_version_that_wrote_it(
    capsys: pytest.CaptureFixture[str], demo: Path, tmp_path: Path
) -> None:
    import json

    import isms

    maker = f"isms {isms.__version__}"
    for name in ("risks.xlsx", "soa.pdf", "pack.zip"):
        export(capsys, demo, {"risks.xlsx": "risks", "soa.pdf": "soa", "pack.zip": "pack"}[name],
               tmp_path / name)
    assert openpyxl.load_workbook(tmp_path / "risks.xlsx").properties.creator == maker
    metadata = PdfReader(tmp_path / "soa.pdf").metadata
    assert metadata is not None and metadata.creator == maker
    with zipfile.ZipFile(tmp_path / "pack.zip") as archive:
        assert json.loads(archive.read("manifest.json"))["meta"]["app"] == maker
    for_import = tmp_path / "assets.xlsx"
    export(capsys, demo, "assets", for_import, "--for-import")
    assert openpyxl.load_workbook(for_import).properties.creator == maker
