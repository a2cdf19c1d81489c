"""`isms import people FILE`: a staff list in another council's layout, matched to the register's
people by e-mail, then by name in the department; two people of one name never merged; undone
as a batch. Read back from the register."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import select

from isms.db import Register, commit
from isms.io.importing.value_map import NEW_DEPARTMENT, ValueMap
from isms.model import Department, Person, Role
from isms.services.imports import files
from isms.services.imports.batches import undo_batch
from tests import builders as b
from tests.integration.test_cli import run

Capsys = pytest.CaptureFixture[str]

HEADINGS = ["Full name", "Email address", "Position", "Service area", "ISMS role"]


def staff_list(path: Path, rows: list[list[Any]], headings: list[str] = HEADINGS) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Staff"
    sheet.append(["Staff list - December 2026"])  # a title row above the header
    sheet.append(headings)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


@pytest.fixture
def council(register: Register) -> Register:
    with register.session() as s:
        hr = b.department(s, code="HR", name="Human Resources")
        fin = b.department(s, code="FIN", name="Finance")
        b.person(s, name="Priya Patel", email="priya.patel@example.gov.uk", department=fin,
                 job_title="Accountant")
        b.person(s, name="Tom Reed", email=None, department=hr, job_title="")
        sam = b.person(s, name="Sam Jones", email="sam.jones@example.gov.uk", department=hr)
        sam.add_role(Role.RISK_OWNER)
        b.person(s, name="Sam Jones", email="s.jones2@example.gov.uk", department=hr)
        commit(s)
    return register


def people(register: Register) -> dict[tuple[str, str | None], dict[str, Any]]:
    with register.session() as s:
        return {
            (p.name, p.email): {
                "job": p.job_title,
                "department": p.department.code if p.department else None,
                "roles": sorted(r.value for r in p.roles),
            }
            for p in s.execute(select(Person)).scalars()
        }


@pytest.mark.both_backends
def test_a_staff_list_adds_and_updates_people_and_is_undone_as_a_batch(
    capsys: Capsys, tmp_path: Path, register_db: str, council: Register
) -> None:
    before = people(council)
    path = staff_list(tmp_path / "staff.xlsx", [
        # new, two roles in one cell, department by its name
        ["Amal Haddad", "amal.haddad@example.gov.uk", "Head of Payroll", "Finance",
         "Information asset owner; approver"],
        # matched by e-mail: a new job title and a role added to what she holds; the list's
        # spelling of her name is not taken
        ["Priya Patil", "PRIYA.PATEL@example.gov.uk", "Finance Manager", "FIN", "IAO"],
        # matched by name in the department, surname first (he had no e-mail): the e-mail is
        # filled in
        ["Reed, Tom", "tom.reed@example.gov.uk", "HR Adviser", "HR", "risk owner"],
        # matched by e-mail: the role he holds is kept, the new one added
        ["Sam Jones", "sam.jones@example.gov.uk", "", "HR", "control owner"],
    ])
    code, out, err = run(capsys, "import", "people", str(path), "--dry-run", "--json",
                         "--db", register_db)
    assert (code, err) == (0, "")
    dry = json.loads(out)
    assert dry["counts"] | {} == {
        "rows": 4, "new": 1, "update": 3, "unchanged": 0, "warning": 1, "error": 0}
    assert dry["rows"] == [{"row": 4, "status": "warning", "message": (
        "the register calls this person Priya Patel; the list's 'Priya Patil' is not taken "
        "(isms people update renames)")}]
    assert people(council) == before  # a dry run writes nothing

    code, out, err = run(capsys, "import", "people", str(path), "--db", register_db)
    assert (code, err) == (0, "")
    assert "Imported: 1 created, 3 updated, 0 unchanged" in out
    after = people(council)
    assert after[("Amal Haddad", "amal.haddad@example.gov.uk")] == {
        "job": "Head of Payroll", "department": "FIN",
        "roles": ["approver", "information asset owner"]}
    assert after[("Priya Patel", "priya.patel@example.gov.uk")] == {
        "job": "Finance Manager", "department": "FIN", "roles": ["information asset owner"]}
    assert after[("Tom Reed", "tom.reed@example.gov.uk")] == {
        "job": "HR Adviser", "department": "HR", "roles": ["risk owner"]}
    assert after[("Sam Jones", "sam.jones@example.gov.uk")]["roles"] == [
        "control owner", "risk owner"]
    assert len(after) == len(before) + 1

    # The same file again changes nothing.
    code, out, _ = run(capsys, "import", "people", str(path), "--dry-run", "--json",
                       "--db", register_db)
    assert json.loads(out)["counts"]["unchanged"] == 4

    code, out, err = run(capsys, "import", "batches", "--json", "--db", register_db)
    batch = json.loads(out)[-1]
    assert (batch["kind"], batch["created"], batch["updated"]) == ("people", 1, 3)
    code, out, err = run(capsys, "import", "undo", str(batch["batch"]), "--db", register_db)
    assert (code, err) == (0, "")
    assert "1 records removed, 3 restored" in out
    assert people(council) == before


def test_two_people_of_one_name_are_never_merged_and_bad_values_are_named(
    capsys: Capsys, tmp_path: Path, register_db: str, council: Register
) -> None:
    before = people(council)
    path = staff_list(tmp_path / "staff.xlsx", [
        ["Sam Jones", None, "Recruitment Officer", "HR", None],  # which of the two?
        ["Sam Jones", None, "Analyst", "Finance", None],  # a third Sam Jones, in Finance
        ["Jo Bloggs", "jo@example.gov.uk", "Clerk", "Parks and Gardens", None],
        ["Kim Lee", "kim@example.gov.uk", "Officer", "HR", "chief worrier"],
        ["Ann Other", "not an address", "Officer", "HR", None],
        ["Kim Lee", "KIM@example.gov.uk", "Officer", "HR", None],
    ])
    code, out, err = run(capsys, "import", "people", str(path), "--json", "--db", register_db)
    assert code == 1
    rows = {r["row"]: r for r in json.loads(out)["rows"]}
    assert rows[3]["status"] == "error"
    assert ("could be Sam Jones (sam.jones@example.gov.uk, HR) or "
            "Sam Jones (s.jones2@example.gov.uk, HR)") in rows[3]["message"]
    assert rows[4]["status"] == "warning"
    assert "adds a second person called Sam Jones" in rows[4]["message"]
    assert "no department 'Parks and Gardens' in the register" in rows[5]["message"]
    assert "'chief worrier' is not a role of the register" in rows[6]["message"]
    assert "'not an address' is not an e-mail address" in rows[7]["message"]
    assert "repeats the person of row 6" in rows[8]["message"]
    assert people(council) == before  # all or nothing

    # The valid rows only: the third Sam Jones is added beside the other two, not merged.
    code, out, err = run(capsys, "import", "people", str(path), "--valid-only",
                         "--db", register_db)
    assert (code, err) == (0, "")
    after = people(council)
    assert after[("Sam Jones", None)] == {"job": "Analyst", "department": "FIN", "roles": []}
    assert sum(1 for name, _ in after if name == "Sam Jones") == 3
    # Kim Lee's row has an error and the row repeating it is refused with it: neither is taken.
    assert not any(name == "Kim Lee" for name, _ in after)
    assert len(after) == len(before) + 1


def test_a_file_for_one_department_and_a_mapping_without_names(
    capsys: Capsys, tmp_path: Path, register_db: str, council: Register
) -> None:
    path = staff_list(tmp_path / "hr.csv.xlsx", [
        ["Lee Chan", "lee.chan@example.gov.uk", "Trainer", None, "SMG member"],
        ["Mo Farah", "mo@example.gov.uk", "Officer", "Finance", None],
    ])
    code, out, err = run(capsys, "import", "people", str(path), "--department", "HR",
                         "--json", "--db", register_db)
    assert code == 1
    rows = {r["row"]: r for r in json.loads(out)["rows"]}
    assert "says FIN but this import is for HR" in rows[4]["message"]
    code, out, err = run(capsys, "import", "people", str(path), "--department", "HR",
                         "--valid-only", "--db", register_db)
    assert code == 0
    assert people(council)[("Lee Chan", "lee.chan@example.gov.uk")] == {
        "job": "Trainer", "department": "HR", "roles": ["smg member"]}

    nameless = staff_list(tmp_path / "nameless.xlsx", [["x@example.gov.uk", "HR"]],
                          headings=["Email address", "Service area"])
    code, out, err = run(capsys, "import", "people", str(nameless), "--db", register_db)
    assert code == 1
    assert err.startswith("isms: error: Map a column to the person's name")


def test_a_department_and_a_role_word_not_in_the_register_are_mapped_and_undone(
    tmp_path: Path, council: Register
) -> None:
    path = staff_list(tmp_path / "parks.xlsx", [
        ["Ola Nowak", "ola@example.gov.uk", "Ranger", "Parks and Gardens", "Data protection lead"],
        ["Ed Park", "ed@example.gov.uk", "Gardener", "Parks and Gardens", None],
    ])
    with council.session() as s:
        prepared = files.prepare(s, path, kind="people")
        with prepared.source:
            plan = files.plan(s, prepared, None)
        listed = {(v.field, v.written): (v.rows, v.proposal) for v in plan.unrecognised}
        assert listed == {("department", "Parks and Gardens"): (2, NEW_DEPARTMENT),
                          ("roles", "Data protection lead"): (1, None)}
        assert plan.counts["error"] == 2

        chosen = ValueMap()
        chosen.choose("department", "Parks and Gardens", NEW_DEPARTMENT)
        chosen.choose("roles", "Data protection lead", "information asset owner")
        prepared = files.prepare(s, path, kind="people")
        with prepared.source:
            plan = files.plan(s, prepared, None, value_map=chosen)
        assert plan.ok, plan.problem_groups()
        result = files.apply(s, plan, valid_only=False)
        commit(s)
    after = people(council)
    department = after[("Ola Nowak", "ola@example.gov.uk")]["department"]
    assert department is not None and department not in ("HR", "FIN")
    assert after[("Ola Nowak", "ola@example.gov.uk")]["roles"] == ["information asset owner"]
    assert after[("Ed Park", "ed@example.gov.uk")]["department"] == department  # one new one

    assert result.batch_id is not None
    with council.session() as s:
        undone = undo_batch(s, result.batch_id)
        commit(s)
    assert (undone.removed, undone.restored) == (3, 0)  # two people and their new department
    with council.session() as s:
        assert set(s.execute(select(Department.code)).scalars()) == {"HR", "FIN"}
