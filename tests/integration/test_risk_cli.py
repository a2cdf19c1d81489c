"""`isms risks add | update | retire` on a register (file and server): what each writes, read
back from the register, `isms revert` taking an update back, and the one-line refusals a script
sees (exit 1 for a value, 2 for a bad option)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from isms.db import Register, commit
from isms.model import AssetStatus, Risk, RiskStatus
from tests import builders as b
from tests.integration.test_cli import run

pytestmark = pytest.mark.both_backends

Capsys = pytest.CaptureFixture[str]


@pytest.fixture
def housing(register: Register) -> Register:
    with register.session() as s:
        dept = b.department(s, code="HSG", name="Housing")
        b.person(s, name="Olive Owner", email="olive@example.gov.uk", department=dept)
        b.person(s, name="Nat New", department=dept)
        b.person(s, name="Gus Gone", department=dept, active=False)
        b.asset(s, dept, ref="HSG-0001", name="Tenancy files")
        b.asset(s, dept, ref="HSG-0002", name="Repairs log")
        b.asset(s, dept, ref="HSG-0009", status=AssetStatus.RETIRED)
        b.risk(s, dept, ref="R-0003", title="Flooded archive", description="Basement store.")
        commit(s)
    return register


def _risk(register: Register, ref: str) -> tuple[str, str, str | None, list[str], RiskStatus]:
    with register.session() as s:
        risk = s.execute(select(Risk).where(Risk.ref == ref)).scalar_one()
        return (risk.title, risk.description, risk.owner.name if risk.owner else None,
                sorted(a.ref for a in risk.assets), risk.status)


def test_a_risk_is_added_with_its_owner_assets_and_catalogue_entries(
    capsys: Capsys, register_db: str, housing: Register
) -> None:
    code, out, err = run(capsys, "risks", "add", "Tenancy files lost to ransomware",
                         "--department", "hsg", "--owner", "olive@example.gov.uk",
                         "--asset", "HSG-0001", "--asset", "hsg-0002", "--threat", "T09",
                         "--vulnerability", "v01", "--description", "Shared drive.",
                         "--db", register_db)
    assert (code, err) == (0, "")
    assert out == ("Created R-0004: Tenancy files lost to ransomware (score it with "
                   "`isms risks score R-0004`)\n")
    assert _risk(housing, "R-0004") == ("Tenancy files lost to ransomware", "Shared drive.",
                                        "Olive Owner", ["HSG-0001", "HSG-0002"],
                                        RiskStatus.IDENTIFIED)

    code, out, _ = run(capsys, "risks", "add", "Repairs log altered", "--department", "Housing",
                       "--json", "--db", register_db)
    assert code == 0
    assert json.loads(out) == {
        "ref": "R-0005", "title": "Repairs log altered", "description": "",
        "department": "HSG", "owner": None, "assets": [], "threat": None,
        "vulnerability": None, "affects": "", "existing_controls": "", "controls": [],
        "status": "identified"}


@pytest.mark.parametrize(("args", "message"), [
    (["  ", "--department", "HSG"], "A risk needs a title."),
    (["X", "--department", "NOPE"], "--department: No department 'NOPE' in this register."),
    (["X", "--department", "HSG", "--owner", "Zed"], "--owner: No person 'Zed' in this register."),
    (["X", "--department", "HSG", "--owner", "Gus Gone"],
     "Gus Gone has left (inactive) and cannot own a risk."),
    (["X", "--department", "HSG", "--asset", "HSG-0404"],
     "--asset: No asset 'HSG-0404' in this register."),
    (["X", "--department", "HSG", "--asset", "HSG-0009"],
     "--asset: HSG-0009 is retired: a new risk cannot be to it."),
    (["X", "--department", "HSG", "--threat", "T99"],
     "--threat: No threat 'T99' in the catalogue (its codes run T01 to T22)."),
    (["X", "--department", "HSG", "--vulnerability", "V99"],
     "--vulnerability: No vulnerability 'V99' in the catalogue (its codes run V01 to V16)."),
])
def test_a_bad_new_risk_is_one_line_and_writes_nothing(
    capsys: Capsys, register_db: str, housing: Register, args: list[str], message: str
) -> None:
    code, out, err = run(capsys, "risks", "add", *args, "--db", register_db)
    assert (code, out, err) == (1, "", f"isms: error: {message}\n")
    with housing.session() as s:
        assert s.execute(select(Risk.ref)).scalars().all() == ["R-0003"]


def test_a_new_risk_needs_its_department(
    capsys: Capsys, register_db: str, housing: Register
) -> None:
    with pytest.raises(SystemExit) as usage:
        run(capsys, "risks", "add", "X", "--db", register_db)
    assert usage.value.code == 2
    assert "--department" in capsys.readouterr().err


def test_an_update_is_saved_and_reverted(
    capsys: Capsys, register_db: str, housing: Register
) -> None:
    code, out, err = run(capsys, "risks", "update", "r-0003", "--title", "Archive flooded",
                         "--owner", "Nat New", "--db", register_db)
    assert (code, err) == (0, "")
    assert _risk(housing, "R-0003")[:3] == ("Archive flooded", "Basement store.", "Nat New")
    change = out.split("(change ")[1].split(";")[0]
    assert out == (f"R-0003 saved: Archive flooded; owner Nat New (change {change}; "
                   f"`isms revert {change}` takes it back)\n")

    code, out, _ = run(capsys, "revert", change, "--db", register_db)
    assert code == 0 and out.startswith("Undid:")
    assert _risk(housing, "R-0003")[:3] == ("Flooded archive", "Basement store.", None)

    code, out, _ = run(capsys, "risks", "update", "R-0003", "--description", "Moved upstairs.",
                       "--json", "--db", register_db)
    assert code == 0
    data = json.loads(out)
    assert (data["description"], isinstance(data["change"], int)) == ("Moved upstairs.", True)
    code, out, _ = run(capsys, "risks", "update", "R-0003", "--description", "Moved upstairs.",
                       "--db", register_db)
    assert (code, out) == (0, "R-0003: nothing to change.\n")


@pytest.mark.parametrize(("args", "status", "message"), [
    (["R-0003"], 2, "Give something to change: --title, --description, --owner, --threat, "
     "--vulnerability, --affects, --existing-controls, --asset, --no-asset, --control, "
     "--no-control."),
    (["R-0003", "--title", " "], 1, "R-0003 needs a title."),
    (["R-0003", "--owner", "Gus Gone"], 1,
     "Gus Gone has left (inactive) and cannot own R-0003."),
    (["R-0003", "--owner", "Zed"], 1, "--owner: No person 'Zed' in this register."),
    (["R-0099", "--title", "X"], 1, "No risk 'R-0099' in this register."),
])
def test_a_bad_update_is_one_line_and_writes_nothing(
    capsys: Capsys, register_db: str, housing: Register, args: list[str], status: int,
    message: str,
) -> None:
    code, out, err = run(capsys, "risks", "update", *args, "--db", register_db)
    assert (code, out, err) == (status, "", f"isms: error: {message}\n")
    assert _risk(housing, "R-0003")[:3] == ("Flooded archive", "Basement store.", None)


def test_a_retired_risk_is_kept_with_the_reason(
    capsys: Capsys, register_db: str, housing: Register
) -> None:
    code, out, err = run(capsys, "risks", "retire", "R-0003", "--reason", "Archive moved.",
                         "--db", register_db)
    assert (code, err) == (0, "")
    change = int(out.split("(change ")[1].split(";")[0])
    assert out == (f"R-0003 retired: it stays in the register, out of the live risks (change "
                   f"{change}; `isms revert {change}` takes it back).\n")
    title, description, _, _, status = _risk(housing, "R-0003")
    assert status == RiskStatus.RETIRED
    assert description.startswith("Basement store.\n\nRetired on ")
    assert description.endswith(": Archive moved.")

    # Taken back: live again, its description as it was; then retired again (redo).
    code, out, err = run(capsys, "revert", str(change), "--db", register_db)
    assert (code, out) == (0, "Undid: Retire risk R-0003.\n"), err
    assert _risk(housing, "R-0003")[4] == RiskStatus.IDENTIFIED
    assert _risk(housing, "R-0003")[1] == "Basement store."
    code, out, err = run(capsys, "revert", str(change), "--redo", "--db", register_db)
    assert (code, out) == (0, "Redid: Retire risk R-0003.\n"), err
    assert _risk(housing, "R-0003")[4] == RiskStatus.RETIRED

    code, out, err = run(capsys, "risks", "retire", "R-0003", "--reason", "Again.", "--json",
                         "--db", register_db)
    assert (code, out, err) == (1, "", "isms: error: R-0003 is retired already.\n")
    code, out, err = run(capsys, "risks", "retire", "R-0404", "--reason", "x", "--db",
                         register_db)
    assert (code, err) == (1, "isms: error: No risk 'R-0404' in this register.\n")


def test_retiring_needs_a_reason(capsys: Capsys, register_db: str, housing: Register) -> None:
    code, out, err = run(capsys, "risks", "retire", "R-0003", "--reason", " ", "--db",
                         register_db)
    assert (code, out, err) == (1, "", "isms: error: Say why R-0003 is retired.\n")
    assert _risk(housing, "R-0003")[4] == RiskStatus.IDENTIFIED
    with pytest.raises(SystemExit) as usage:
        run(capsys, "risks", "retire", "R-0003", "--db", register_db)
    assert usage.value.code == 2 and "--reason" in capsys.readouterr().err
    code, out, _ = run(capsys, "risks", "retire", "R-0003", "--reason", "Gone.", "--json",
                       "--db", register_db)
    assert (code, json.loads(out)["status"]) == (0, "retired")
