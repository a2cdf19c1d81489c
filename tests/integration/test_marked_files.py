"""Files that leave the register are marked too (issue 17, point 8), beyond the documents:
the import's error workbook (the department's own rows sent back with what to fix) carries
the highest marking of the rows it holds, the blank import template the scheme's lowest, and
`isms method export` a top-level "marking" that `isms method import` accepts."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from isms.cli import main
from isms.db import commit, open_register
from isms.model import ClassificationMarking, Department
from tests import builders as b


@pytest.fixture
def db(register_path: Path) -> str:
    register = open_register(str(register_path))
    with register.session() as s:
        env = b.department(s, code="ENV", name="Environment and Highways")
        b.person(s, name="Rajesh Sharma", email="rajesh.sharma@example.gov.uk", department=env)
        commit(s)
    register.close()
    return str(register_path)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def assert_workbook_marked(path: Path, marking: str) -> None:
    """Every sheet prints the marking at the head and foot of each page; the file's
    properties carry it (what mail and document systems read)."""
    book = openpyxl.load_workbook(path)
    for sheet in book.worksheets:
        header, footer = sheet.oddHeader, sheet.oddFooter
        assert header is not None and footer is not None
        assert header.right.text == marking, sheet.title
        assert footer.left.text == marking, sheet.title
    assert book.properties.subject == marking
    assert book.properties.keywords == marking


def _import_with_errors(capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path,
                        rows: list[list[object]]) -> Path:
    source = tmp_path / "assets.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Asset ref", "Asset", "Owner", "Classification", "C", "I", "A"])
    for row in rows:
        sheet.append(row)
    book.save(source)
    errors = tmp_path / "back.xlsx"
    code, out, err = run(capsys, "import", "assets", str(source), "--db", db,
                         "--department", "ENV", "--errors", str(errors))
    assert code == 1 and "Nothing was imported" in out, out + err
    return errors


def test_the_error_workbook_carries_the_highest_marking_of_the_rows_it_sends_back(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    errors = _import_with_errors(capsys, db, tmp_path, [
        ["ENV-0010", "Salt stock", "Rajesh Sharma", "OFFICIAL", 1, 1, 3],
        ["ENV-0011", "CCTV footage", None, "OFFICIAL-SENSITIVE", 4, 4, 4],
        ["ENV-0012", "Depot keys", None, "OFFICIAL", 9, 1, 1],  # 9 is no rating: refused
    ])
    assert_workbook_marked(errors, "OFFICIAL-SENSITIVE")
    sheet = openpyxl.load_workbook(errors).active
    assert sheet is not None and sheet["A4"].value == "error"  # still the rows and verdicts


def test_an_error_workbook_of_official_rows_is_marked_official(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    errors = _import_with_errors(capsys, db, tmp_path, [
        ["ENV-0010", "Salt stock", "Rajesh Sharma", "OFFICIAL", 1, 1, 3],
        ["ENV-0012", "Depot keys", None, "PROTECT", 1, 1, 1],  # no marking of the scheme
    ])
    assert_workbook_marked(errors, "OFFICIAL")


def test_an_error_workbook_of_rows_with_no_marking_read_takes_the_registers_default(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    """No marking column: the highest marking of the department's assets (the asset
    inventory's), here the sensitive one of the asset already held."""
    register = open_register(db)
    with register.session() as s:
        env = s.execute(select(Department).where(Department.code == "ENV")).scalar_one()
        asset = b.asset(s, env, name="Case files")
        asset.marking_id = s.execute(select(ClassificationMarking.id).where(
            ClassificationMarking.label == "OFFICIAL-SENSITIVE")).scalar_one()
        commit(s)
    register.close()
    source = tmp_path / "assets.csv"
    source.write_text("Asset ref,Asset,C,I,A\nENV-0020,Gritting routes,1,2,9\n")
    errors = tmp_path / "back.xlsx"
    code, out, err = run(capsys, "import", "assets", str(source), "--db", db,
                         "--department", "ENV", "--errors", str(errors))
    assert code == 1, out + err
    assert_workbook_marked(errors, "OFFICIAL-SENSITIVE")


def test_the_blank_import_template_is_marked_with_the_schemes_lowest_marking(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    out = tmp_path / "template.xlsx"
    code, printed, err = run(capsys, "import", "template", "--db", db, "--out", str(out))
    assert code == 0, err
    assert_workbook_marked(out, "OFFICIAL")  # the hidden list sheet too
    assert "marked OFFICIAL" in printed


def test_the_method_export_carries_a_marking_that_the_import_accepts(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    exported = tmp_path / "criteria.json"
    code, printed, err = run(capsys, "method", "export", "--db", db, "--out", str(exported))
    assert code == 0, err
    document = json.loads(exported.read_text())
    assert document["marking"] == "OFFICIAL"  # the method's: the scheme's lowest
    assert list(document)[0] == "marking"  # the first thing a reader of the file sees
    assert "marked OFFICIAL" in printed
    code, out, err = run(capsys, "method", "import", str(exported), "--db", db, "--dry-run",
                         "--json")
    assert code == 0, err
    assert json.loads(out)["dry_run"] is True
    # Chosen on export, checked against the scheme.
    code, out, err = run(capsys, "method", "export", "--db", db, "--marking",
                         "official-sensitive")
    assert code == 0, err
    assert json.loads(out)["marking"] == "OFFICIAL-SENSITIVE"
    code, _, err = run(capsys, "method", "export", "--db", db, "--marking", "PROTECT")
    assert code == 1 and "'PROTECT' is not a marking of the current scheme" in err
    # A marking that is not text is refused on import, naming it.
    document["marking"] = 3
    exported.write_text(json.dumps(document))
    code, _, err = run(capsys, "method", "import", str(exported), "--db", db, "--dry-run")
    assert code == 1
    assert err == f"isms: error: {exported}: its 'marking' must be a marking's name, not 3.\n"


def test_a_risk_files_error_workbook_is_at_least_the_sensitive_marking(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    """Risks describe vulnerabilities: their rows sent back are marked as the risk register
    is, at least OFFICIAL-SENSITIVE, though the assets they name are OFFICIAL."""
    register = open_register(db)
    with register.session() as s:
        env = s.execute(select(Department).where(Department.code == "ENV")).scalar_one()
        asset = b.asset(s, env, name="Gritting routes")
        asset.marking_id = s.execute(select(ClassificationMarking.id).where(
            ClassificationMarking.label == "OFFICIAL")).scalar_one()
        ref = asset.ref
        commit(s)
    register.close()
    source = tmp_path / "risks.csv"
    source.write_text("Risk,Department,Risk owner,Assets,Inherent likelihood,Inherent impact\n"
                      f"Routes lost,ENV,Rajesh Sharma,{ref},3,4\n"
                      f"Routes wrong,ENV,Rajesh Sharma,{ref},3,9\n")
    errors = tmp_path / "back.xlsx"
    code, out, err = run(capsys, "import", "risks", str(source), "--db", db, "--errors",
                         str(errors))
    assert code == 1 and "1 with errors" in out, out + err
    assert_workbook_marked(errors, "OFFICIAL-SENSITIVE")
