"""The department round trip: `isms export assets --department D --for-import` writes a protected,
stamped workbook; the department edits it; `isms import assets FILE` shows a comparison per row
(changed cells before -> after, new rows, conflicts where the register changed since the export)
and takes the rows chosen. Real files read back with openpyxl, the register read back after."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import select

from isms.db import Register, commit
from isms.model import Asset, AssetStatus
from isms.services.imports import files
from tests import builders as b
from tests.integration.test_cli import run

Capsys = pytest.CaptureFixture[str]


@pytest.fixture
def housing(register: Register) -> Register:
    with register.session() as s:
        dept = b.department(s, code="HSG", name="Housing")
        other = b.department(s, code="ENV", name="Environment")
        b.person(s, name="Olive Owner", email="olive@example.gov.uk", department=dept)
        b.asset(s, dept, ref="HSG-0001", name="Tenancy files", location="Civic Centre",
                confidentiality=3, status=AssetStatus.ACTIVE)
        b.asset(s, dept, ref="HSG-0002", name="Repairs log", location="Depot",
                status=AssetStatus.ACTIVE)
        b.asset(s, dept, ref="HSG-0003", name="Waiting list", location="Civic Centre",
                status=AssetStatus.ACTIVE)
        b.asset(s, other, ref="ENV-0001", name="Bin rounds", status=AssetStatus.ACTIVE)
        commit(s)
    return register


def _export(capsys: Capsys, register_db: str, out: Path) -> None:
    code, text, err = run(capsys, "export", "assets", "--department", "HSG", "--for-import",
                          "--out", str(out), "--db", register_db)
    assert (code, err) == (0, ""), err


def _asset(register: Register, ref: str) -> dict[str, Any]:
    with register.session() as s:
        a = s.execute(select(Asset).where(Asset.ref == ref)).scalar_one()
        return {"name": a.name, "location": a.location, "c": a.confidentiality,
                "owner": a.owner.name if a.owner else None, "status": a.status}


def _edit(path: Path, edits: dict[tuple[int, str], Any], new_rows: list[dict[str, Any]]) -> None:
    """Edit the workbook as a department would: cells by (row, header), rows added below."""
    book = openpyxl.load_workbook(path)
    sheet = book["Assets"]
    header = [c.value for c in sheet[1]]
    for (row, column), value in edits.items():
        sheet.cell(row=row, column=header.index(column) + 1).value = value
    for added in new_rows:
        sheet.append([added.get(h) for h in header])
    book.save(path)


@pytest.mark.both_backends
def test_the_export_is_protected_and_stamped_and_comes_back_as_a_comparison(
    capsys: Capsys, tmp_path: Path, register_db: str, housing: Register
) -> None:
    path = tmp_path / "hsg.xlsx"
    _export(capsys, register_db, path)

    book = openpyxl.load_workbook(path)
    sheet = book["Assets"]
    assert sheet.protection.sheet is True
    header = [c.value for c in sheet[1]]
    assert header[0] == "Asset reference"
    assert [sheet.cell(row=r, column=1).value for r in (2, 3, 4)] == [
        "HSG-0001", "HSG-0002", "HSG-0003"]
    assert sheet["A2"].protection.locked is True  # references cannot be edited
    assert sheet["B2"].protection.locked is False  # the rest can
    assert sheet.column_dimensions["B"].protection.locked is False  # also in rows added
    stamp = book["isms round trip"]
    assert stamp.sheet_state == "veryHidden"
    lines = [[c.value for c in row] for row in stamp.iter_rows()]
    assert lines[0][:2] == ["isms round-trip stamp", 1]
    assert ["department", "HSG"] in [line[:2] for line in lines]
    with housing.session() as s:
        versions = {a.ref: (a.id, a.version) for a in s.execute(select(Asset)).scalars()}
    stamped = {line[2]: (int(line[0]), int(line[1])) for line in lines
               if line and isinstance(line[0], int | float)}
    assert stamped == {ref: versions[ref] for ref in ("HSG-0001", "HSG-0002", "HSG-0003")}

    # Meanwhile the register changes two assets; the department edits three rows and adds one.
    with housing.session() as s:
        for asset in s.execute(select(Asset).where(Asset.ref.in_(["HSG-0002", "HSG-0003"]))
                               ).scalars():
            asset.name = asset.name + " (renamed in the register)"
        commit(s)
    _edit(path, {(2, "Location"): "Town Hall", (2, "Information asset owner"): "Olive Owner",
                 (3, "Location"): "North Depot"},
          [{"Asset name": "Homeless applications", "Location": "Civic Centre"}])
    code, out, err = run(capsys, "import", "assets", str(path), "--dry-run", "--json",
                         "--db", register_db)
    assert (code, err) == (0, "")
    result = json.loads(out)
    rows = {r["row"]: r for r in result["rows"]}
    assert result["counts"] | {} == {"rows": 4, "update": 1, "conflict": 1, "error": 0,
                                     "changed": 1, "new": 1, "unchanged": 1, "missing": 0}
    assert rows[2]["status"] == "changed"
    assert rows[2]["changes"] == [
        {"column": "Information asset owner", "before": "", "after": "Olive Owner"},
        {"column": "Location", "before": "Civic Centre", "after": "Town Hall"}]
    assert rows[3]["status"] == "conflict"
    assert rows[3]["changes"] == [{"column": "Location", "before": "Depot",
                                   "after": "North Depot"}]
    assert rows[3]["register_changes"] == [{"column": "Asset name", "before": "Repairs log",
                                            "after": "Repairs log (renamed in the register)"}]
    assert rows[5]["status"] == "new" and rows[5]["ref"] == ""
    assert result["taken"] == [2, 5]
    assert _asset(housing, "HSG-0001")["location"] == "Civic Centre"  # a dry run writes nothing

    # By default: the changed and the new rows; the conflict is left out and said.
    code, out, err = run(capsys, "import", "assets", str(path), "--db", register_db)
    assert (code, err) == (0, "")
    assert "CONFLICT" in out and "Conflicts left out: rows 3." in out
    assert _asset(housing, "HSG-0001") | {} == {
        "name": "Tenancy files", "location": "Town Hall", "c": 3, "owner": "Olive Owner",
        "status": AssetStatus.ACTIVE}
    assert _asset(housing, "HSG-0002")["location"] == "Depot"
    assert _asset(housing, "HSG-0004")["status"] == AssetStatus.PENDING_VERIFICATION

    # Naming the conflict takes it: only the cell the department changed is written, so the
    # register's own change (the name) stays.
    code, out, err = run(capsys, "import", "assets", str(path), "--accept", "3", "--json",
                         "--db", register_db)
    assert (code, err) == (0, "")
    assert json.loads(out)["taken"] == [3]
    assert _asset(housing, "HSG-0002") | {} == {
        "name": "Repairs log (renamed in the register)", "location": "North Depot", "c": None,
        "owner": None, "status": AssetStatus.ACTIVE}
    batch = json.loads(out)["batch"]
    code, out, err = run(capsys, "import", "undo", str(batch), "--db", register_db)
    assert (code, err) == (0, "")
    assert _asset(housing, "HSG-0002")["location"] == "Depot"


def test_rows_to_take_can_be_chosen_and_bad_rows_are_refused(
    capsys: Capsys, tmp_path: Path, register_db: str, housing: Register
) -> None:
    path = tmp_path / "hsg.xlsx"
    _export(capsys, register_db, path)
    _edit(path, {(2, "Location"): "Town Hall", (3, "Location"): "North Depot",
                 (4, "Confidentiality (1-5)"): 9},
          [{"Asset name": "Tenancy files"}])  # a name the register already has
    code, out, err = run(capsys, "import", "assets", str(path), "--dry-run", "--json",
                         "--db", register_db)
    assert code == 1
    assert json.loads(out)["summary"] == (
        "Dry run: nothing was written. Importing takes rows 2, 3; rows 4, 5 have errors: fix "
        "them, --reject them or add --valid-only.")
    rows = {r["row"]: r for r in json.loads(out)["rows"]}
    assert rows[4]["status"] == "error"
    assert "Confidentiality (1-5)" in rows[4]["problems"][0]
    assert rows[5]["status"] == "error"
    assert "an asset called Tenancy files is already in the register" in rows[5]["problems"][0]

    # Rows with errors refuse the whole file by default...
    code, out, err = run(capsys, "import", "assets", str(path), "--db", register_db)
    assert code == 1
    assert "2 row(s) have errors, so nothing was imported" in out
    assert _asset(housing, "HSG-0001")["location"] == "Civic Centre"
    # ...a mistyped row number is refused, not ignored...
    code, out, err = run(capsys, "import", "assets", str(path), "--accept", "2,40",
                         "--db", register_db)
    assert code == 1 and "Row 40 is not a row of the comparison" in out
    # ...and the rows chosen are the rows taken.
    code, out, err = run(capsys, "import", "assets", str(path), "--reject", "3-5",
                         "--db", register_db)
    assert (code, err) == (0, "")
    assert "Imported: 0 created, 1 updated" in out
    assert _asset(housing, "HSG-0001")["location"] == "Town Hall"
    assert _asset(housing, "HSG-0002")["location"] == "Depot"


def test_a_file_from_another_register_or_with_a_forged_reference_is_refused(
    capsys: Capsys, tmp_path: Path, register_db: str, housing: Register
) -> None:
    path = tmp_path / "hsg.xlsx"
    _export(capsys, register_db, path)
    book = openpyxl.load_workbook(path)
    book["Assets"]["A3"] = "ENV-0001"  # the sheet unprotected and a reference typed over
    book.save(path)
    code, out, err = run(capsys, "import", "assets", str(path), "--dry-run", "--json",
                         "--db", register_db)
    rows = {r["row"]: r for r in json.loads(out)["rows"]}
    assert rows[3]["status"] == "error"
    assert "ENV-0001 was not in this export" in rows[3]["problems"][0]
    assert json.loads(out)["missing"] == ["HSG-0002"]

    code, out, err = run(capsys, "import", "assets", str(path), "--map", "B=name",
                         "--db", register_db)
    assert code == 2
    assert "is a round-trip workbook" in err and "--map do not apply to it" in err

    other = tmp_path / "other.isms"
    assert run(capsys, "init", "--db", str(other), "--name", "Another council")[0] == 0
    code, out, err = run(capsys, "import", "assets", str(path), "--db", str(other))
    assert code == 1
    assert "was exported from the register" in err and "not from this one" in err


def test_read_as_a_plain_import_a_row_the_register_changed_since_is_a_conflict(
    capsys: Capsys, tmp_path: Path, register_db: str, housing: Register
) -> None:
    """The import wizard reads the round-trip file as a plain asset import: a row whose asset
    changed in the register since the export is an error there, never written over."""
    path = tmp_path / "hsg.xlsx"
    _export(capsys, register_db, path)
    with housing.session() as s:
        asset = s.execute(select(Asset).where(Asset.ref == "HSG-0002")).scalar_one()
        asset.location = "Moved by the register"
        commit(s)
    _edit(path, {(2, "Location"): "Town Hall"}, [])
    with housing.session() as s:
        prepared = files.prepare(s, path, kind="assets")
        with prepared.source:
            plan = files.plan(s, prepared, None)
    status = {v.values["ref"]: (v.status, v.message) for v in plan.rows}
    assert status["HSG-0001"] == ("update", "")
    assert status["HSG-0002"][0] == "error"
    assert "CONFLICT: HSG-0002 was changed in the register after this file was exported" in (
        status["HSG-0002"][1])
    assert status["HSG-0003"] == ("unchanged", "")
