"""`isms import risks` on a Greek risk register as departments write one: free-text threats
and vulnerabilities, likelihood and impact as level words, an owner not yet in the register."""

from __future__ import annotations

import json
import re
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from isms.cli import main
from isms.db import open_register
from isms.model import Asset, Person, Risk, Threat, Vulnerability

HEADERS = ["Κίνδυνος", "Απειλή", "Ευπάθεια", "Πιθανότητα", "Επίπτωση", "Ιδιοκτήτης κινδύνου",
           "Αντιμετώπιση"]
ROWS = [
    ["Κλοπή φορητού υπολογιστή", "Κλοπή", "Μη κρυπτογραφημένοι δίσκοι", "Υψηλή", "Μέτρια",
     "Γιώργος Παπαδόπουλος", "Μείωση"],
    ["Διαρροή δεδομένων", "Διαρροή", "Αδύναμοι κωδικοί", "Χαμηλή", "Πολύ υψηλή",
     "Γιώργος Παπαδόπουλος", "Αποδοχή"],
]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def greek_register(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADERS)
    for row in ROWS:
        sheet.append(row)
    book.save(path)
    return path


@pytest.fixture
def db(capsys: pytest.CaptureFixture[str], register_db: str) -> str:
    assert run(capsys, "departments", "add", "ICT", "ICT Services", "--db", register_db)[0] == 0
    return register_db


def _risks(db: str) -> list[tuple[str, str, str, int | None, int | None, str, str]]:
    register = open_register(db)
    try:
        with register.session() as s:
            return [(r.title, r.threat.name if r.threat else "",
                     r.vulnerability.name if r.vulnerability else "", r.inherent_likelihood,
                     r.inherent_impact, r.owner.name if r.owner else "",
                     str(r.treatment_option.value) if r.treatment_option else "")
                    for r in s.execute(select(Risk).order_by(Risk.ref)).scalars()]
    finally:
        register.close()


def _local_entries(db: str) -> tuple[list[str], list[str], list[str]]:
    register = open_register(db)
    try:
        with register.session() as s:
            return (list(s.execute(select(Threat.name).where(Threat.local)).scalars()),
                    list(s.execute(select(Vulnerability.name).where(Vulnerability.local))
                         .scalars()),
                    list(s.execute(select(Person.name)).scalars()))
    finally:
        register.close()


def test_dry_run_lists_the_registers_words_with_proposals(
        capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path) -> None:
    path = greek_register(tmp_path / "κίνδυνοι.xlsx")
    code, out, _ = run(capsys, "import", "risks", str(path), "--db", db, "--department", "ICT",
                       "--dry-run", "--json")
    assert code == 1
    found = {(v["field"], v["value"]): v for v in json.loads(out)["values"]}
    assert found[("threat", "Κλοπή")]["proposal"] == "new-threat"
    assert found[("vulnerability", "Αδύναμοι κωδικοί")]["proposal"] == "new-vulnerability"
    assert found[("inherent_likelihood", "Υψηλή")]["proposal"] == "4"
    assert found[("inherent_likelihood", "Υψηλή")]["proposal_reason"] == (
        "a 3-level word on a 5-point scale: Low 2, Medium 3, High 4")
    assert found[("inherent_impact", "Πολύ υψηλή")]["proposal"] == "5"
    assert "risk owner" in found[("owner", "Γιώργος Παπαδόπουλος")]["proposal_reason"]
    code, out, _ = run(capsys, "import", "risks", str(path), "--db", db, "--department", "ICT",
                       "--dry-run")
    assert "is not a threat" not in out and "new-threat / new-vulnerability" in out
    assert _risks(db) == []


@pytest.mark.both_backends
def test_accepting_proposals_imports_both_rows_and_undo_removes_what_it_made(
        capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path) -> None:
    path = greek_register(tmp_path / "κίνδυνοι.xlsx")
    code, out, err = run(capsys, "import", "risks", str(path), "--db", db, "--department",
                         "ICT", "--accept-proposals", "--json")
    assert code == 0, out + err
    batch = json.loads(out)["batch"]
    assert _risks(db) == [
        ("Κλοπή φορητού υπολογιστή", "Κλοπή", "Μη κρυπτογραφημένοι δίσκοι", 4, 3,
         "Γιώργος Παπαδόπουλος", "modify"),
        ("Διαρροή δεδομένων", "Διαρροή", "Αδύναμοι κωδικοί", 2, 5, "Γιώργος Παπαδόπουλος",
         "retain"),
    ]
    assert _local_entries(db) == (["Κλοπή", "Διαρροή"],
                                  ["Μη κρυπτογραφημένοι δίσκοι", "Αδύναμοι κωδικοί"],
                                  ["Γιώργος Παπαδόπουλος"])
    code, out, err = run(capsys, "import", "undo", str(batch), "--db", db)
    assert code == 0, out + err
    assert _risks(db) == []
    assert _local_entries(db) == ([], [], [])


def test_a_chosen_catalogue_entry_and_scale_point_by_value(
        capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path) -> None:
    path = greek_register(tmp_path / "κίνδυνοι.xlsx")
    code, out, err = run(
        capsys, "import", "risks", str(path), "--db", db, "--department", "ICT",
        "--value", "Απειλή:Κλοπή=T05", "--value", "D:Υψηλή=5", "--accept-proposals")
    assert code == 0, out + err
    register = open_register(db)
    try:
        with register.session() as s:
            theft = s.execute(select(Risk).where(Risk.ref == "R-0001")).scalar_one()
            assert theft.threat is not None and theft.threat.code == "T05"
            assert theft.inherent_likelihood == 5
    finally:
        register.close()
    assert _local_entries(db)[0] == ["Διαρροή"]
    code, out, err = run(capsys, "import", "risks", str(path), "--db", db, "--department",
                         "ICT", "--value", "D:Υψηλή=9", "--dry-run")
    assert code == 1 and "'9' is not a target for 'Υψηλή'" in err + out


def test_confirming_the_new_risk_owner_is_a_change_isms_revert_takes_back(
        capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path) -> None:
    path = greek_register(tmp_path / "κίνδυνοι.xlsx")
    assert run(capsys, "import", "risks", str(path), "--db", db, "--department", "ICT",
               "--accept-proposals")[0] == 0
    code, out, _ = run(capsys, "people", "update", "Γιώργος Παπαδόπουλος", "--verified",
                       "--db", db)
    assert code == 0
    change = re.search(r"`isms revert (\d+)` takes it back", out)
    assert change is not None, out
    _, out, _ = run(capsys, "people", "list", "--db", db)
    assert "Γιώργος Παπαδόπουλος (unverified)" not in out
    assert run(capsys, "revert", change.group(1), "--db", db)[0] == 0
    _, out, _ = run(capsys, "people", "list", "--db", db)
    assert "Γιώργος Παπαδόπουλος (unverified)" in out


def test_a_device_inventory_has_no_type_column_and_type_gives_it(
        capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path) -> None:
    path = tmp_path / "intune.csv"
    path.write_text("Device name,Serial number,Manufacturer,Model,OS,Primary user UPN\n"
                    "LT-0042,5CG1234XYZ,HP,EliteBook 840,Windows 11,jo@x.gov.uk\n"
                    "LT-0043,5CG1234XZZ,Dell,Latitude 5440,Windows 11,ann@x.gov.uk\n",
                    encoding="utf-8")
    code, out, _ = run(capsys, "import", "assets", str(path), "--db", db, "--department", "ICT",
                       "--dry-run")
    assert code == 0 and "look like a device inventory" in out and "--type hardware" in out
    code, out, err = run(capsys, "import", "assets", str(path), "--db", db, "--department",
                         "ICT", "--type", "gadgets", "--dry-run")
    assert code == 1 and "--type: 'gadgets' is not an asset type" in err
    code, out, err = run(capsys, "import", "assets", str(path), "--db", db, "--department",
                         "ICT", "--type", "hardware")
    assert code == 0, out + err
    register = open_register(db)
    try:
        with register.session() as s:
            found = {(a.name, a.asset_type.value, a.status.value)
                     for a in s.execute(select(Asset)).scalars()}
    finally:
        register.close()
    # New from a file: pending until the owner attests, whatever its type.
    assert found == {("LT-0042", "hardware", "pending verification"),
                     ("LT-0043", "hardware", "pending verification")}
