"""`isms risks show | accept` and `isms method show` say what the levels mean (issue 17, 1-2):
the flag "target without a plan", today's exposure against the appetite, an acceptance that
names the current level (--at-current), and who may accept each level."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from isms.cli import main
from isms.db import Register
from isms.db.session import default_actor
from isms.model import Role, TreatmentOption
from isms.services import risks
from tests import builders as b

pytestmark = pytest.mark.both_backends


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def refs(register: Register) -> dict[str, str]:
    """R-0001: Very high today, High target, an action open; R-0002: High today, Medium
    target, retained with no action (a target without a plan). The command line's account
    is Olive, who owns both; Sue is the SIRO, Alan a plain approver."""
    with register.transaction() as s:
        olive = b.person(s, name="Olive Owner", username=default_actor(register.engine))
        olive.add_role(Role.RISK_OWNER)
        b.person(s, name="Alan Approver").add_role(Role.APPROVER)
        b.person(s, name="Sue Siro").add_role(Role.SIRO)
        dept = b.department(s)
        open_plan = b.risk(s, dept, ref="R-0001", owner=olive)
        risks.score_risk(s, open_plan, inherent=(5, 5), current=(5, 4), residual=(4, 4))
        risks.set_treatment(open_plan, TreatmentOption.MODIFY)
        risks.add_action(open_plan, "Replace the firewall", owner=olive)
        no_plan = b.risk(s, dept, ref="R-0002", owner=olive)
        risks.score_risk(s, no_plan, inherent=(5, 5), current=(4, 4), residual=(2, 3))
        risks.set_treatment(no_plan, TreatmentOption.RETAIN)
    register.close()
    return {"open": "R-0001", "none": "R-0002"}


def test_show_flags_a_target_without_a_plan(capsys: pytest.CaptureFixture[str],
                                            register_db: str, refs: dict[str, str]) -> None:
    code, out, _ = run(capsys, "risks", "show", refs["none"], "--db", register_db, "--json")
    shown = json.loads(out)
    assert code == 0
    assert (shown["current"]["level"], shown["residual"]["level"]) == ("High", "Medium")
    assert shown["above_appetite"] is True
    assert shown["flags"] == ["target without a plan"]
    code, out, _ = run(capsys, "risks", "show", refs["none"], "--db", register_db)
    assert "target without a plan" in out
    code, out, _ = run(capsys, "risks", "show", refs["open"], "--db", register_db, "--json")
    assert json.loads(out)["flags"] == []


def test_accepting_a_target_not_reached_needs_at_current(
    capsys: pytest.CaptureFixture[str], register_db: str, refs: dict[str, str]
) -> None:
    db = ["--db", register_db]
    code, _, err = run(capsys, "risks", "accept", refs["open"], "--rationale", "Budget", *db)
    assert code == 1
    assert "R-0001 is Very high today and its target (High) is not reached: 1 treatment " \
           "action(s) still open" in err and "(--at-current)" in err
    # Very high is the SIRO's to sign off: a plain approver is refused, naming who may.
    code, _, err = run(capsys, "risks", "accept", refs["open"], "--rationale", "Budget",
                       "--at-current", "--for-approver", "Alan Approver", *db)
    assert code == 1 and "Alan Approver is not the SIRO. Who may sign it off: Sue Siro." in err
    code, out, err = run(capsys, "risks", "accept", refs["open"], "--rationale", "Budget",
                         "--at-current", "--for-approver", "Sue Siro", "--json", *db)
    assert code == 0, err
    result = json.loads(out)
    assert (result["level"], result["at_current"], result["accepted"]) == (
        "Very high", True, False)  # awaiting Sue's confirmation
    assert "awaiting Sue Siro's confirmation" in result["signatures"][1]["words"]


def test_method_show_says_who_may_accept_each_level(
    capsys: pytest.CaptureFixture[str], register_db: str, refs: dict[str, str]
) -> None:
    code, out, _ = run(capsys, "method", "show", "--db", register_db)
    assert code == 0
    assert "Who may accept" in out
    assert "the risk owner with the SIRO's sign-off" in out
    assert "Method owner: Senior Information Risk Owner (SIRO)" in out
    code, out, _ = run(capsys, "method", "show", "--db", register_db, "--json")
    assert json.loads(out)["criteria"]["acceptance_authority"] == {
        "Low": "owner", "Medium": "owner", "High": "approver", "Very high": "siro"}


def test_the_risk_list_flags_a_target_without_a_plan(
    capsys: pytest.CaptureFixture[str], register_db: str, refs: dict[str, str]
) -> None:
    code, out, _ = run(capsys, "risks", "list", "--db", register_db, "--json")
    assert code == 0
    assert {r["ref"]: r["flags"] for r in json.loads(out)} == {
        refs["open"]: [], refs["none"]: ["target without a plan"]}
    code, out, _ = run(capsys, "risks", "list", "--db", register_db)
    line = next(line for line in out.splitlines() if line.startswith(refs["none"]))
    assert line.rstrip().endswith("target without a plan")


def test_the_authority_is_edited_as_the_criteria_are_and_enforced(
    capsys: pytest.CaptureFixture[str], register_db: str, refs: dict[str, str],
    tmp_path: Path,
) -> None:
    """`isms method export`, edit the JSON, `isms method import`: a new criteria version whose
    authority the services enforce at once (High by the SIRO now)."""
    db = ["--db", register_db]
    exported = tmp_path / "criteria.json"
    assert run(capsys, "method", "export", "--out", str(exported), *db)[0] == 0
    document = json.loads(exported.read_text(encoding="utf-8"))
    document["criteria"]["acceptance_authority"]["High"] = "siro"
    document["criteria"]["method_owner"] = "Head of Information Governance"
    exported.write_text(json.dumps(document), encoding="utf-8")
    code, out, err = run(capsys, "method", "import", str(exported), "--note", "High by the SIRO",
                         *db)
    assert code == 0, err
    assert "Saved risk criteria version 2" in out
    code, out, _ = run(capsys, "method", "show", "--json", *db)
    shown = json.loads(out)
    assert shown["version"] == 2
    assert shown["criteria"]["acceptance_authority"]["High"] == "siro"
    # R-0002 is High today: accepted at that level, only the SIRO may sign it off now.
    code, _, err = run(capsys, "risks", "accept", refs["none"], "--rationale", "Tolerable",
                       "--at-current", "--for-approver", "Alan Approver", *db)
    assert code == 1 and "R-0002 is High, above the appetite (Medium): accepting it needs " \
                         "the risk owner with the SIRO's sign-off" in err

    document["criteria"]["acceptance_authority"]["High"] = "owner"
    exported.write_text(json.dumps(document), encoding="utf-8")
    code, _, err = run(capsys, "method", "import", str(exported), *db)
    assert code == 1
    assert "High is above the appetite (Medium): accepting it needs an approver or the SIRO" \
        in err


def test_list_shows_and_sorts_by_todays_level(capsys: pytest.CaptureFixture[str],
                                              register_db: str, refs: dict[str, str]) -> None:
    """The level the appetite is tested on is in the list, beside inherent and residual."""
    code, out, _ = run(capsys, "risks", "list", "--sort", "current", "--db", register_db,
                       "--json")
    listed = json.loads(out)
    assert code == 0
    assert [(r["ref"], r["current_level"]) for r in listed] == [
        (refs["none"], "High"), (refs["open"], "Very high")]
    code, out, _ = run(capsys, "risks", "list", "--db", register_db)
    header = out.splitlines()[0].split()
    assert header[header.index("Inherent") + 1] == "Current"
