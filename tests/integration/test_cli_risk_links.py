"""`isms risks update | add` edit what the risk editor edits: the threat, vulnerability, C/I/A,
assets, existing and planned controls, in one recorded save (`isms revert` takes it back); each
bad value is one line naming its option and writes nothing. Read back from the register (file and
server) and with `isms risks show`."""

from __future__ import annotations

import json
from typing import NamedTuple

import pytest
from sqlalchemy import select

from isms.db import Register, commit
from isms.model import (
    Applicability,
    AssetStatus,
    Control,
    ControlEdition,
    Risk,
    SoaEntry,
)
from isms.services import local_controls
from tests import builders as b
from tests.integration.test_cli import run

pytestmark = pytest.mark.both_backends

Capsys = pytest.CaptureFixture[str]


class Made(NamedTuple):
    """What a risk is made of, read from the register (the first six: all but the version)."""

    threat: str | None
    vulnerability: str | None
    affects: str
    existing_controls: str
    assets: list[str]
    controls: list[str]
    version: int


@pytest.fixture
def housing(register: Register) -> Register:
    with register.session() as s:
        dept = b.department(s, code="HSG", name="Housing")
        tenancy = b.asset(s, dept, ref="HSG-0001", name="Tenancy files")
        repairs = b.asset(s, dept, ref="HSG-0002", name="Repairs log")
        b.asset(s, dept, ref="HSG-0009", status=AssetStatus.RETIRED)
        b.risk(s, dept, ref="R-0003", title="Flooded archive", assets=[repairs])
        b.risk(s, dept, ref="R-0004", title="Old risk", assets=[tenancy])
        local_controls.add_control(s, ref="PSN-3", title="Boundary firewall", source="PSN")
        gone = local_controls.add_control(s, ref="PSN-4", title="Dial-up", source="PSN")
        s.flush()
        local_controls.retire_control(s, gone)
        commit(s)
    return register


def _made(register: Register, ref: str = "R-0003") -> Made:
    with register.session() as s:
        risk = s.execute(select(Risk).where(Risk.ref == ref)).scalar_one()
        return Made(risk.threat.code if risk.threat else None,
                    risk.vulnerability.code if risk.vulnerability else None,
                    risk.affects, risk.existing_controls, sorted(a.ref for a in risk.assets),
                    sorted(c.ref for c in risk.controls), risk.version)


def _applicability(register: Register, control_ref: str) -> Applicability | None:
    """The control's applicability in Housing's SoA (None: no entry)."""
    with register.session() as s:
        return s.execute(
            select(SoaEntry.applicability).join(Control, SoaEntry.control_id == Control.id)
            .where(Control.ref == control_ref,
                   Control.edition.in_([ControlEdition.ISO27001_2022, ControlEdition.LOCAL]))
        ).scalar()


def test_update_edits_what_the_risk_is_made_of_and_revert_takes_it_back(
    capsys: Capsys, register_db: str, housing: Register
) -> None:
    before = _made(housing)
    assert before == Made(None, None, "", "", ["HSG-0002"], [], before.version)
    assert _applicability(housing, "5.15") is None

    # The threat and vulnerability by name or code in any case, Annex A with its "A.".
    code, out, err = run(capsys, "risks", "update", "r-0003", "--threat", "malware",
                         "--vulnerability", "v03", "--affects", "ic", "--asset", "hsg-0001",
                         "--no-asset", "HSG-0002", "--control", "A.5.15", "--control", "psn-3",
                         "--existing-controls", "Nightly backup.", "--json", "--db", register_db)
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert {k: data[k] for k in ("threat", "vulnerability", "affects", "existing_controls",
                                 "assets", "controls")} == {
        "threat": "T07", "vulnerability": "V03", "affects": "CI",
        "existing_controls": "Nightly backup.", "assets": ["HSG-0001"],
        "controls": ["5.15", "PSN-3"]}
    after = _made(housing)
    assert after == Made("T07", "V03", "CI", "Nightly backup.", ["HSG-0001"], ["5.15", "PSN-3"],
                         after.version)
    assert after.version > before.version
    # A newly planned control is applicable in the department's SoA, as from the window.
    assert _applicability(housing, "5.15") == Applicability.APPLICABLE
    assert _applicability(housing, "PSN-3") == Applicability.APPLICABLE

    code, out, err = run(capsys, "risks", "show", "R-0003", "--db", register_db)
    assert (code, err) == (0, "")
    shown = {line.split(":", 1)[0].strip(): line.split(":", 1)[1].strip()
             for line in out.splitlines()}
    assert shown["threat"] == "Malware"
    assert shown["vulnerability"] == "Unpatched software"
    assert shown["affects"] == "CI"
    assert shown["assets"] == "HSG-0001"
    assert shown["existing controls"] == "Nightly backup."
    assert shown["controls"] == "5.15, PSN-3"

    # One recorded save: one revert puts every part back.
    code, out, err = run(capsys, "revert", str(data["change"]), "--db", register_db)
    assert (code, out, err) == (0, "Undid: Edit risk R-0003.\n", "")
    assert _made(housing)[:6] == before[:6]

    # A threat on a risk that affects nothing yet ticks the threat's usual C/I/A (as the
    # editor does); the line says what the options changed.
    code, out, err = run(capsys, "risks", "update", "R-0003", "--threat", "T09",
                         "--no-asset", "HSG-0002", "--db", register_db)
    assert (code, err) == (0, "")
    change = out.split("(change ")[1].split(";")[0]
    assert out == ("R-0003 saved: Flooded archive; owner -; threat T09; affects CI; assets -"
                   f" (change {change}; `isms revert {change}` takes it back)\n")
    assert _made(housing)[:6] == (("T09", None, "CI", "", [], []))
    assert _applicability(housing, "8.13") is None
    code, out, err = run(capsys, "risks", "update", "R-0003", "--control", "8.13", "--control",
                         "PSN-3", "--db", register_db)
    assert (code, err) == (0, "")
    change = out.split("(change ")[1].split(";")[0]
    assert out == ("R-0003 saved: Flooded archive; owner -; planned controls 8.13, PSN-3 (8.13, "
                   "PSN-3 applicable in the SoA of HSG)"
                   f" (change {change}; `isms revert {change}` takes it back)\n")
    assert _applicability(housing, "8.13") == Applicability.APPLICABLE
    code, out, err = run(capsys, "risks", "update", "R-0003", "--no-control", "A.8.13",
                         "--db", register_db)
    assert (code, err) == (0, "")
    assert out.startswith("R-0003 saved: Flooded archive; owner -; planned controls PSN-3 (change")
    assert _made(housing).controls == ["PSN-3"]

    # "" clears; naming what is already so changes nothing.
    code, out, _ = run(capsys, "risks", "update", "R-0003", "--threat", "", "--affects", "",
                       "--json", "--db", register_db)
    assert code == 0
    assert (json.loads(out)["threat"], json.loads(out)["affects"]) == (None, "")
    code, out, _ = run(capsys, "risks", "update", "R-0003", "--threat", "", "--no-asset",
                       "HSG-0001", "--no-control", "5.15", "--db", register_db)
    assert (code, out) == (0, "R-0003: nothing to change.\n")

    # A new risk takes its threat by name, its C/I/A and assets.
    code, out, err = run(capsys, "risks", "add", "Phished tenancy officer", "--department",
                         "HSG", "--threat", "Phishing and social engineering",
                         "--vulnerability", "Unpatched software", "--affects", "A",
                         "--asset", "HSG-0001", "--json", "--db", register_db)
    assert (code, err) == (0, "")
    assert _made(housing, json.loads(out)["ref"])[:6] == ("T09", "V03", "A", "", ["HSG-0001"],
                                                          [])


def test_each_bad_value_is_one_line_naming_its_option_and_writes_nothing(
    capsys: Capsys, register_db: str, housing: Register
) -> None:
    before = _made(housing)
    refused = [
        (["--threat", "malwre"],
         "--threat: No threat 'malwre' in the catalogue; nearest: T07 Malware, T08 Ransomware."),
        (["--threat", "flood"],
         "--threat: No threat 'flood' in the catalogue; nearest: T02 Flood or water damage."),
        (["--threat", "xyzzy"],
         "--threat: No threat 'xyzzy' in the catalogue (its codes run T01 to T22)."),
        (["--vulnerability", "patching"], "--vulnerability: No vulnerability 'patching' in the "
         "catalogue; nearest: V03 Unpatched software."),
        (["--affects", "CX"], "--affects: A risk affects C, I or A (confidentiality, integrity, "
         "availability), not X."),
        (["--asset", "HSG-0009"], "--asset: HSG-0009 is retired: R-0003 cannot be linked to it."),
        (["--asset", "HSG-0404"], "--asset: No asset 'HSG-0404' in this register."),
        (["--no-asset", "HSG-0404"], "--no-asset: No asset 'HSG-0404' in this register."),
        (["--control", "9.9"],
         "--control: No control '9.9' in Annex A 2022 or among the local controls."),
        (["--control", "PSN-4"],
         "--control: Local control PSN-4 is retired: nothing new can rely on it."),
        # A good value does not carry a bad one through: nothing of either is written.
        (["--threat", "T07", "--no-control", "A.9.9"],
         "--no-control: No control 'A.9.9' in Annex A 2022 or among the local controls."),
    ]
    for args, message in refused:
        code, out, err = run(capsys, "risks", "update", "R-0003", *args, "--db", register_db)
        assert (code, out, err) == (1, "", f"isms: error: {message}\n"), args
    code, out, err = run(capsys, "risks", "update", "R-0003", "--asset", "HSG-0001",
                         "--no-asset", "hsg-0001", "--db", register_db)
    assert (code, out, err) == (2, "", "isms: error: --asset and --no-asset both name HSG-0001: "
                                "give each once.\n")
    code, out, err = run(capsys, "risks", "add", "X", "--department", "HSG", "--threat", "fire!",
                         "--db", register_db)
    assert (code, out) == (1, "")
    assert err.startswith("isms: error: --threat: No threat 'fire!' in the catalogue; nearest: "
                          "T01 Fire")
    assert _made(housing) == before
    with housing.session() as s:
        assert s.execute(select(Risk.ref).order_by(Risk.ref)).scalars().all() == [
            "R-0003", "R-0004"]
