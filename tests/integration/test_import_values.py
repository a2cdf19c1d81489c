"""`isms import ... --value / --accept-proposals`: real registers' own words mapped onto the
register's, on an empty register with one department."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import select

from isms.cli import main
from isms.db import migrate, open_register
from isms.db.engine import make_engine
from isms.db.location import resolve
from isms.model import Asset, Person
from tests.unit.test_value_map import MARKINGS, OWNERS, TYPES, public_register


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def db(capsys: pytest.CaptureFixture[str], register_db: str) -> str:
    """An empty register with one department."""
    assert run(capsys, "departments", "add", "ICT", "ICT Services", "--db", register_db)[0] == 0
    return register_db


def _assets(db: str) -> list[Asset]:
    register = open_register(db)
    try:
        with register.session() as s:
            found = list(s.execute(select(Asset).order_by(Asset.ref)).scalars())
            for a in found:  # loaded while the session is open
                _ = (a.owner, a.custodian, a.marking)
            return found
    finally:
        register.close()


def _people(db: str) -> dict[str, bool]:
    register = open_register(db)
    try:
        with register.session() as s:
            return {p.name: p.verified for p in s.execute(select(Person)).scalars()}
    finally:
        register.close()


def test_dry_run_lists_each_value_once_and_json_carries_them(
        capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path) -> None:
    path = public_register(tmp_path / "iar.xlsx")
    code, out, _ = run(capsys, "import", "assets", str(path), "--db", db, "--department",
                       "ICT", "--dry-run")
    assert code == 1
    table = out[out.index("Values not recognised (8)"):]
    for marking in MARKINGS:
        assert sum(line.split()[2:3] == [marking] for line in table.splitlines()) == 1
    assert re.search(r"\n\S+ \(Classification\)\s+Confidential\s+5\s+OFFICIAL-SENSITIVE\s",
                     table)
    assert "transition guidance (2014)" in table
    assert re.search(r"Head of IT\s+7\s+new-person\s+\(unmapped\)", table)
    # The table replaces one long line per problem.
    assert "is not a marking of" not in out and max(len(ln) for ln in table.splitlines()) < 200
    code, out, _ = run(capsys, "import", "assets", str(path), "--db", db, "--department",
                       "ICT", "--dry-run", "--json")
    values = {(v["field"], v["value"]): v for v in json.loads(out)["values"]}
    assert values[("marking", "Restricted")]["rows"] == 5
    assert values[("marking", "Restricted")]["proposal"] == "OFFICIAL"
    assert values[("custodian", "IT Service Desk")]["rows"] == 20
    assert _assets(db) == []


def test_accepting_proposals_imports_every_row_and_show_gives_the_label_as_written(
        capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path) -> None:
    path = public_register(tmp_path / "iar.xlsx")
    code, out, _ = run(capsys, "import", "assets", str(path), "--db", db, "--department",
                       "ICT", "--accept-proposals")
    assert code == 0, out
    assert "20 created" in out
    found = _assets(db)
    assert len(found) == 20
    assert {a.asset_type.value for a in found} == {"software", "hardware"}
    assert all(a.owner is not None and a.custodian is not None and a.marking is not None
               and (a.confidentiality, a.integrity, a.availability) == (4, 3, 2) for a in found)
    by_ref = {a.ref: a for a in found}
    assert by_ref["A-003"].marking.label == "OFFICIAL-SENSITIVE"  # type: ignore[union-attr]
    assert by_ref["A-003"].owner.name == OWNERS[2]  # type: ignore[union-attr]
    assert _people(db) == {**dict.fromkeys(OWNERS, False), "IT Service Desk": False}
    code, out, _ = run(capsys, "people", "list", "--db", db)
    assert "Head of IT (unverified)" in out
    assert run(capsys, "people", "update", "Head of IT", "--verified", "--db", db)[0] == 0
    assert _people(db)["Head of IT"] is True and _people(db)["IT Service Desk"] is False
    code, out, _ = run(capsys, "assets", "show", "A-003", "--db", db)
    assert "marking: Confidential" in out
    code, out, _ = run(capsys, "assets", "show", "A-003", "--db", db, "--json")
    assert "marking: Confidential" in json.loads(out)["as_written"]


def test_a_2008_style_council_register_with_proposals(
        capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["IAR Ref", "Information Asset", "Protective Marking", "IAO", "C", "I", "A"])
    for n, marking in enumerate(("PROTECT", "RESTRICTED", "UNCLASSIFIED", "PROTECT",
                                 "Not Protectively Marked")):
        sheet.append([f"IAR-{n + 1}", f"Register {n + 1}", marking, "Head of Revenues", 2, 2, 2])
    path = tmp_path / "council.xlsx"
    book.save(path)
    code, out, _ = run(capsys, "import", "assets", str(path), "--db", db, "--department",
                       "ICT", "--dry-run")
    assert code == 1 and re.search(r"PROTECT\s+2\s+OFFICIAL\s", out)
    code, out, _ = run(capsys, "import", "assets", str(path), "--db", db, "--department",
                       "ICT", "--accept-proposals")
    assert code == 0, out
    found = _assets(db)
    assert [a.marking.label for a in found] == ["OFFICIAL"] * 5  # type: ignore[union-attr]
    assert {a.owner.name for a in found} == {"Head of Revenues"}  # type: ignore[union-attr]


def test_a_value_overrides_a_proposal_and_an_unknown_target_is_refused(
        capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path) -> None:
    path = public_register(tmp_path / "iar.xlsx")
    code, out, err = run(capsys, "import", "assets", str(path), "--db", db, "--department",
                         "ICT", "--accept-proposals", "--value", "F:Restricted=NOT A MARKING")
    assert code == 1
    assert "'NOT A MARKING'" in err and "OFFICIAL-SENSITIVE" in err and len(err.splitlines()) == 1
    code, out, err = run(capsys, "import", "assets", str(path), "--db", db, "--department",
                         "ICT", "--accept-proposals", "--value",
                         "Classification:Restricted=OFFICIAL-SENSITIVE", "--value",
                         "Asset Owner:Head of IT=new-person")
    assert code == 0, out + err
    markings = {a.ref: a.marking.label for a in _assets(db)}  # type: ignore[union-attr]
    assert markings["A-004"] == "OFFICIAL-SENSITIVE"  # Restricted, chosen
    assert markings["A-002"] == "OFFICIAL"  # Internal, proposed
    code, _, err = run(capsys, "import", "assets", str(path), "--db", db, "--department",
                       "ICT", "--dry-run", "--value", "B:Asset 1=x")
    assert code == 2 and "column B is not mapped to a field whose values are" in err


def test_a_saved_profile_reapplies_the_value_choices_on_the_next_file(
        capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path) -> None:
    first = public_register(tmp_path / "iar.xlsx")
    code, out, _ = run(capsys, "import", "assets", str(first), "--db", db, "--department",
                       "ICT", "--accept-proposals", "--value", "F:Public=OFFICIAL",
                       "--value", "F:Confidential=SECRET", "--save-profile", "ICT IAR")
    assert code == 0, out
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Asset ID", "Asset Name", "Asset Type", "Asset Owner", "Custodian",
                  "Classification", "Confidentiality", "Integrity", "Availability"])
    sheet.append(["B-1", "Payroll", TYPES[0], OWNERS[0], "IT Service Desk", "Confidential",
                  "High", "High", "High"])
    sheet.append(["B-2", "Badges", TYPES[4], OWNERS[2], "IT Service Desk", "Internal",
                  "Low", "Low", "Low"])
    second = tmp_path / "iar-june.xlsx"
    book.save(second)
    code, out, _ = run(capsys, "import", "assets", str(second), "--db", db, "--department",
                       "ICT")
    assert code == 0, out
    assert "mapping profile ICT IAR" in out
    markings = {a.ref: a.marking.label for a in _assets(db)}  # type: ignore[union-attr]
    assert (markings["B-1"], markings["B-2"]) == ("SECRET", "OFFICIAL")
    # The owners made by the first import are found by name: nobody is made twice.
    assert len(_people(db)) == 4


@pytest.mark.both_backends
def test_undo_removes_the_people_the_import_created(
        capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path) -> None:
    path = public_register(tmp_path / "iar.xlsx")
    code, out, _ = run(capsys, "import", "assets", str(path), "--db", db, "--department",
                       "ICT", "--accept-proposals", "--json")
    assert code == 0
    batch = json.loads(out)["batch"]
    assert len(_people(db)) == 4 and not any(_people(db).values())
    code, out, _ = run(capsys, "import", "undo", str(batch), "--db", db)
    assert code == 0, out
    assert _assets(db) == [] and _people(db) == {}


def test_new_department_from_the_file(
        capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Asset", "Service Area", "Owner"])
    sheet.append(["Planning portal", "Planning and Building Control", "Chief Planner"])
    sheet.append(["Building control files", "Planning and Building Control", "Chief Planner"])
    path = tmp_path / "areas.xlsx"
    book.save(path)
    code, out, _ = run(capsys, "import", "assets", str(path), "--db", db, "--dry-run",
                       "--json")
    values: list[dict[str, Any]] = json.loads(out)["values"]
    assert {(v["field"], v["value"], v["rows"], v["proposal"]) for v in values} == {
        ("department", "Planning and Building Control", 2, "new-department"),
        ("owner", "Chief Planner", 2, "new-person")}
    code, out, _ = run(capsys, "import", "assets", str(path), "--db", db, "--accept-proposals")
    assert code == 0, out
    found = _assets(db)
    register = open_register(db)
    with register.session() as s:
        person = s.execute(select(Person)).scalar_one()
        assert person.department is not None
        assert person.department.name == "Planning and Building Control"
        assert {a.department_id for a in found} == {person.department_id}
    register.close()


def test_migration_0009_marks_the_people_of_an_older_register_verified(tmp_path: Path) -> None:
    path = tmp_path / "old.isms"
    engine = make_engine(resolve(str(path)), for_migration=True)
    migrate.upgrade(engine, "0008")
    engine.dispose()
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO person (id, name, job_title, active, version, created_at, "
                     "updated_at) VALUES (1, 'Jo Bloggs', 'IAO', 1, 1, "
                     "'2025-01-01 00:00:00.000000', '2025-01-01 00:00:00.000000')")
    register = open_register(str(path))
    try:
        with register.session() as s:
            person = s.execute(select(Person)).scalar_one()
            assert (person.name, person.verified) == ("Jo Bloggs", True)
    finally:
        register.close()


CZECH = ("Název aktiva,Vlastník,Důvěrnost,Integrita,Dostupnost\n"
         "Spisová služba,Jana Nováková,Vysoká,Střední,Nízká\n"
         "Účetnictví,Petr Dvořák,Střední,Vysoká,Střední\n"
         "Mzdy,Jiří Černý,Nízká,Nízká,Vysoká\n")


def test_a_czech_windows_1250_csv_is_flagged_and_reads_with_its_encoding(
        capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path) -> None:
    path = tmp_path / "aktiva.csv"
    path.write_bytes(CZECH.encode("cp1250"))
    code, out, _ = run(capsys, "import", "assets", str(path), "--db", db, "--department",
                       "ICT", "--dry-run")
    assert "Windows-1250" in out and "--encoding cp1250" in out
    code, out, _ = run(capsys, "import", "assets", str(path), "--db", db, "--department",
                       "ICT", "--encoding", "cp1250", "--accept-proposals")
    assert code == 0, out
    found = {a.name: a for a in _assets(db)}
    assert set(found) == {"Spisová služba", "Účetnictví", "Mzdy"}
    assert (found["Spisová služba"].confidentiality, found["Spisová služba"].integrity,
            found["Spisová služba"].availability) == (4, 3, 2)
    assert found["Účetnictví"].owner.name == "Petr Dvořák"  # type: ignore[union-attr]


def test_soa_applicability_and_status_words_are_mapped(
        capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path) -> None:
    from tests.unit.test_soa_import import _csv

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Control", "Control name", "Applicable?", "Implementation status"])
    for n, row in enumerate(_csv("iso27001_2022_annexA.csv")):
        applicable = "Applicabel" if n < 10 else "Yes"
        status = "Partialy" if n < 5 else ("Wibble" if n == 5 else "Implemented")
        sheet.append([row["ref_id"], row["title"], applicable, status])
    path = tmp_path / "soa.xlsx"
    book.save(path)
    code, out, _ = run(capsys, "import", "soa", str(path), "--db", db, "--department", "ICT",
                       "--dry-run", "--json")
    assert code == 0
    values = {(v["field"], v["value"]): (v["rows"], v["proposal"])
              for v in json.loads(out)["values"]}
    assert values == {("applicable", "Applicabel"): (10, "applicable"),
                      ("status", "Partialy"): (5, "partially implemented"),
                      ("status", "Wibble"): (1, None)}
    code, out, err = run(capsys, "import", "soa", str(path), "--db", db, "--department", "ICT",
                         "--accept-proposals", "--value", "D:Wibble=fudge")
    assert code == 1 and "'fudge'" in err and "planned" in err
    code, out, err = run(capsys, "import", "soa", str(path), "--db", db, "--department", "ICT",
                         "--accept-proposals", "--value",
                         "Implementation status:Wibble=not implemented")
    assert code == 0, out + err
    with sqlite3.connect(db) as conn:
        statuses = dict(conn.execute(
            "SELECT implementation_status, count(*) FROM soa_entry GROUP BY 1").fetchall())
        applicable = conn.execute(
            "SELECT count(*) FROM soa_entry WHERE applicability = 'applicable'").fetchone()[0]
    assert statuses == {"partially implemented": 5, "not implemented": 1, "implemented": 87}
    assert applicable == 93


def test_a_header_with_a_colon_is_named_in_a_value(
        capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path) -> None:
    path = tmp_path / "gpms.csv"
    path.write_text("Asset,Protective marking: GPMS\nRoutes,PROTECT\n", encoding="utf-8")
    code, out, err = run(capsys, "import", "assets", str(path), "--db", db, "--department",
                         "ICT", "--value", "Protective marking: GPMS:PROTECT=OFFICIAL-SENSITIVE")
    assert code == 0, out + err
    assert [a.marking.label for a in _assets(db)] == ["OFFICIAL-SENSITIVE"]  # type: ignore[union-attr]
    code, _, err = run(capsys, "import", "assets", str(path), "--db", db, "--department", "ICT",
                       "--value", "Nowhere:PROTECT=OFFICIAL")
    assert code == 2 and "No column 'Nowhere'" in err
