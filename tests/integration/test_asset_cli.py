"""`isms assets add | update | retire` on a register (file and server): what each writes, read
back from the register, `isms revert` taking an update and a retirement back, and the one-line
refusals a script sees (exit 1 for a value, 2 for a bad option)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import func, select

from isms.db import Register, commit
from isms.model import Asset, AssetStatus, AssetType
from tests import builders as b
from tests.integration.test_cli import run

pytestmark = pytest.mark.both_backends

Capsys = pytest.CaptureFixture[str]


@pytest.fixture
def housing(register: Register) -> Register:
    with register.session() as s:
        dept = b.department(s, code="HSG", name="Housing")
        b.department(s, code="ENV", name="Environment")
        b.person(s, name="Olive Owner", email="olive@example.gov.uk", department=dept)
        b.person(s, name="Ken Keeper", department=dept)
        b.person(s, name="Gus Gone", department=dept, active=False)
        b.asset(s, dept, ref="HSG-0001", name="Tenancy files")
        b.asset(s, dept, ref="HSG-0002", name="Repairs log")
        commit(s)
    return register


def _asset(register: Register, ref: str) -> dict[str, Any]:
    with register.session() as s:
        asset = s.execute(select(Asset).where(Asset.ref == ref)).scalar_one()
        return {
            "name": asset.name, "type": asset.asset_type, "department": asset.department.code,
            "owner": asset.owner.name if asset.owner else None,
            "custodian": asset.custodian.name if asset.custodian else None,
            "marking": asset.marking.label if asset.marking else None,
            "cia": (asset.confidentiality, asset.integrity, asset.availability),
            "personal": (asset.personal_data, asset.special_category),
            "status": asset.status, "description": asset.description,
        }


def _change(out: str) -> str:
    """The change number an output line gives: "... (change 12; `isms revert 12` ...)"."""
    return out.split("(change ")[1].split(";")[0]


def test_an_asset_is_added_with_its_fields_and_the_next_reference(
    capsys: Capsys, register_db: str, housing: Register
) -> None:
    code, out, err = run(capsys, "assets", "add", "Housing benefit claims", "--department", "hsg",
                         "--type", "Information", "--owner", "olive@example.gov.uk",
                         "--custodian", "Ken Keeper", "--marking", "official-sensitive",
                         "--confidentiality", "4", "--integrity", "3", "--availability", "2",
                         "--personal-data", "--special-category",
                         "--description", "Claim forms and evidence.", "--db", register_db)
    assert (code, err) == (0, "")
    assert out == "Added HSG-0003: Housing benefit claims (Housing, active)\n"
    assert _asset(housing, "HSG-0003") == {
        "name": "Housing benefit claims", "type": AssetType.INFORMATION, "department": "HSG",
        "owner": "Olive Owner", "custodian": "Ken Keeper", "marking": "OFFICIAL-SENSITIVE",
        "cia": (4, 3, 2), "personal": (True, True), "status": AssetStatus.ACTIVE,
        "description": "Claim forms and evidence."}

    code, out, err = run(capsys, "assets", "add", "Fly-tipping reports", "--department",
                         "Environment", "--type", "service", "--json", "--db", register_db)
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert (data["ref"], data["name"], data["type"], data["department"], data["owner"]) == (
        "ENV-0001", "Fly-tipping reports", "service", "Environment", None)
    # Nobody owns it yet, so nobody has confirmed it: it waits for verification.
    assert (data["status"], data["change"]) == ("pending verification", None)


@pytest.mark.parametrize(("args", "message"), [
    (["  ", "--department", "HSG"], "The asset needs a name."),
    (["X", "--department", "NOPE"], "--department: No department 'NOPE' in this register."),
    (["X", "--department", "HSG", "--owner", "Zed"], "--owner: No person 'Zed' in this register."),
    (["X", "--department", "HSG", "--custodian", "Gus Gone"],
     "Gus Gone has left (inactive) and cannot be chosen."),
    (["X", "--department", "HSG", "--marking", "PINK"],
     "--marking: 'PINK' is not a marking of the Government Security Classifications scheme "
     "(OFFICIAL, OFFICIAL-SENSITIVE, SECRET, TOP SECRET)."),
    (["X", "--department", "HSG", "--confidentiality", "7"],
     "Confidentiality 7 is outside the scale 1-5."),
    (["X", "--department", "HSG", "--type", "gadget"],
     "'gadget' is not an asset type; choose one of information, software, hardware, service, "
     "people, site, supplier."),
    (["X", "--department", "HSG", "--special-category"],
     "Special category data is personal data: tick personal data too."),
    (["X", "--department", "HSG", "--ref", "hsg-0001"], "Another asset is already hsg-0001."),
])
def test_a_bad_new_asset_is_one_line_and_writes_nothing(
    capsys: Capsys, register_db: str, housing: Register, args: list[str], message: str
) -> None:
    code, out, err = run(capsys, "assets", "add", *args, "--db", register_db)
    assert (code, out, err) == (1, "", f"isms: error: {message}\n")
    with housing.session() as s:
        assert s.execute(select(func.count()).select_from(Asset)).scalar_one() == 2


@pytest.mark.parametrize(("args", "words"), [
    (["X"], "the following arguments are required: --department"),
    (["X", "--department", "HSG", "--integrity", "high"], "'high' is not a rating"),
])
def test_bad_usage_of_add_is_exit_2(
    capsys: Capsys, register_db: str, housing: Register, args: list[str], words: str
) -> None:
    with pytest.raises(SystemExit) as usage:
        run(capsys, "assets", "add", *args, "--db", register_db)
    assert usage.value.code == 2
    assert words in capsys.readouterr().err


def test_an_update_is_saved_with_its_change_number_and_reverted(
    capsys: Capsys, register_db: str, housing: Register
) -> None:
    before = _asset(housing, "HSG-0001")
    code, out, err = run(capsys, "assets", "update", "hsg-0001", "--name", "Tenancy records",
                         "--owner", "Olive Owner", "--confidentiality", "5",
                         "--department", "ENV", "--db", register_db)
    assert (code, err) == (0, "")
    change = _change(out)
    assert out == (f"Updated HSG-0001: Tenancy records (Environment, active) (change {change}; "
                   f"`isms revert {change}` takes it back)\n")
    after = _asset(housing, "HSG-0001")
    assert (after["name"], after["owner"], after["cia"][0], after["department"]) == (
        "Tenancy records", "Olive Owner", 5, "ENV")

    code, out, _ = run(capsys, "revert", change, "--db", register_db)
    assert code == 0 and out.startswith("Undid:")
    assert _asset(housing, "HSG-0001") == before

    # '' clears a field; the same values again change nothing and record nothing.
    code, out, _ = run(capsys, "assets", "update", "HSG-0002", "--owner", "Ken Keeper",
                       "--json", "--db", register_db)
    assert code == 0 and json.loads(out)["owner"] == "Ken Keeper"
    assert isinstance(json.loads(out)["change"], int)
    code, out, _ = run(capsys, "assets", "update", "HSG-0002", "--owner", "", "--db",
                       register_db)
    assert code == 0 and _asset(housing, "HSG-0002")["owner"] is None
    code, out, _ = run(capsys, "assets", "update", "HSG-0002", "--owner", "", "--db",
                       register_db)
    assert (code, out) == (0, "Nothing to change in HSG-0002: Repairs log (Housing, active)\n")


@pytest.mark.parametrize(("args", "status", "message"), [
    (["HSG-0001"], 2, "Give at least one field to change (see `isms assets update -h`)."),
    (["HSG-0001", "--name", " "], 1, "The asset's name cannot be blank."),
    (["HSG-0001", "--availability", "9"], 1, "Availability 9 is outside the scale 1-5."),
    (["HSG-0001", "--owner", "Zed"], 1, "--owner: No person 'Zed' in this register."),
    (["HSG-0001", "--ref", "HSG-0002"], 1, "Another asset is already HSG-0002."),
    (["HSG-0404", "--name", "X"], 1, "No asset 'HSG-0404' in this register."),
])
def test_a_bad_update_is_one_line_and_writes_nothing(
    capsys: Capsys, register_db: str, housing: Register, args: list[str], status: int,
    message: str,
) -> None:
    before = _asset(housing, "HSG-0001")
    code, out, err = run(capsys, "assets", "update", *args, "--db", register_db)
    assert (code, out, err) == (status, "", f"isms: error: {message}\n")
    assert _asset(housing, "HSG-0001") == before


def test_retiring_assets_is_recorded_and_reverted(
    capsys: Capsys, register_db: str, housing: Register
) -> None:
    code, out, err = run(capsys, "assets", "retire", "HSG-0001", "hsg-0002", "--db", register_db)
    assert (code, err) == (0, "")
    change = _change(out)
    assert out == f"Retired 2 assets (change {change}; `isms revert {change}` takes it back).\n"
    assert {_asset(housing, ref)["status"] for ref in ("HSG-0001", "HSG-0002")} == {
        AssetStatus.RETIRED}

    code, out, err = run(capsys, "assets", "retire", "HSG-0001", "--json", "--db", register_db)
    assert (code, err) == (0, "")
    assert json.loads(out) == {"retired": 0, "assets": ["HSG-0001"], "change": None}
    code, out, err = run(capsys, "assets", "update", "HSG-0001", "--name", "X", "--db",
                         register_db)
    assert (code, out, err) == (
        1, "", "isms: error: HSG-0001 is retired and can no longer be edited.\n")

    code, out, _ = run(capsys, "revert", change, "--db", register_db)
    assert code == 0
    assert {_asset(housing, ref)["status"] for ref in ("HSG-0001", "HSG-0002")} == {
        AssetStatus.ACTIVE}

    code, out, err = run(capsys, "assets", "retire", "HSG-0001", "HSG-0404", "--db", register_db)
    assert (code, out, err) == (1, "", "isms: error: No asset 'HSG-0404' in this register.\n")
    assert _asset(housing, "HSG-0001")["status"] == AssetStatus.ACTIVE
