"""`isms actions | handling | evidence | controls` creating, changing and closing records on a
register (file and server): what each writes, read back from the register, `isms revert` taking
a recorded change back, and the one-line refusals naming the field a script sees."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from isms.db import Register, commit
from isms.model import (
    ActionStatus,
    AssetStatus,
    Control,
    Evidence,
    HandlingPractice,
    Risk,
    RiskStatus,
    TreatmentAction,
)
from tests import builders as b
from tests.integration.test_cli import run

pytestmark = pytest.mark.both_backends

Capsys = pytest.CaptureFixture[str]


@pytest.fixture
def housing(register: Register) -> Register:
    with register.session() as s:
        dept = b.department(s, code="HSG", name="Housing")
        b.person(s, name="Olive Owner", email="olive@example.gov.uk", department=dept)
        b.person(s, name="Gus Gone", department=dept, active=False)
        b.asset(s, dept, ref="HSG-0001", name="Tenancy files")
        b.asset(s, dept, ref="HSG-0002", name="Repairs log")
        b.asset(s, dept, ref="HSG-0009", status=AssetStatus.RETIRED)
        b.risk(s, dept, ref="R-0003", title="Flooded archive")
        b.risk(s, dept, ref="R-0004", title="Old risk", status=RiskStatus.RETIRED)
        commit(s)
    return register


def _change(out: str) -> str:
    """The recorded change's number in "... (change 12; `isms revert 12` takes it back)"."""
    return out.split("(change ")[1].split(";")[0]


# --- treatment actions ----------------------------------------------------------------------


def _actions(register: Register) -> list[tuple[str, str, str | None, date | None, ActionStatus,
                                                str]]:
    with register.session() as s:
        return [(a.risk.ref, a.title, a.owner.name if a.owner else None, a.due_date, a.status,
                 a.description)
                for a in s.execute(select(TreatmentAction).order_by(TreatmentAction.id)).scalars()]


def test_an_action_is_added_updated_closed_and_reverted(
    capsys: Capsys, register_db: str, housing: Register
) -> None:
    code, out, err = run(capsys, "actions", "add", "r-0003", "Move the archive upstairs",
                         "--owner", "olive@example.gov.uk", "--due", "2027-01-31",
                         "--db", register_db)
    assert (code, err) == (0, "")
    number = out.split("action ")[1].split(" ")[0]
    assert out == (f"Added action {number} of R-0003: Move the archive upstairs "
                   "(open; owner Olive Owner, due 2027-01-31)\n")
    assert _actions(housing) == [("R-0003", "Move the archive upstairs", "Olive Owner",
                                  date(2027, 1, 31), ActionStatus.OPEN, "")]

    code, out, _ = run(capsys, "actions", "list", "--json", "--db", register_db)
    assert code == 0
    assert json.loads(out) == [{"id": int(number), "risk": "R-0003",
                                "title": "Move the archive upstairs", "owner": "Olive Owner",
                                "due": "2027-01-31", "status": "open", "overdue": False}]

    code, out, _ = run(capsys, "actions", "update", number, "--title", "Move the archive",
                       "--due", "", "--owner", "", "--db", register_db)
    assert code == 0
    update = _change(out)
    assert _actions(housing)[0][1:4] == ("Move the archive", None, None)

    code, out, _ = run(capsys, "actions", "close", number, "--done", "--note", "Moved on Friday.",
                       "--json", "--db", register_db)
    assert code == 0
    data = json.loads(out)
    closed_on = date.today().isoformat()
    assert (data["status"], data["completed_on"], data["description"]) == (
        "done", closed_on, f"Done on {closed_on}: Moved on Friday.")
    assert _actions(housing)[0][4] == ActionStatus.DONE

    code, out, _ = run(capsys, "revert", str(data["change"]), "--db", register_db)
    assert (code, out) == (0, "Undid: Close action R-0003 \u201cMove the archive\u201d.\n")
    assert _actions(housing)[0][4:] == (ActionStatus.OPEN, "")
    code, out, _ = run(capsys, "revert", update, "--db", register_db)
    assert code == 0
    assert _actions(housing) == [("R-0003", "Move the archive upstairs", "Olive Owner",
                                  date(2027, 1, 31), ActionStatus.OPEN, "")]


@pytest.mark.parametrize(("args", "message"), [
    (["add", "R-0003", " "], "A treatment action needs a title."),
    (["add", "R-0099", "X"], "No risk 'R-0099' in this register."),
    (["add", "R-0004", "X"], "Risk R-0004 is retired: it takes no new treatment actions."),
    (["add", "R-0003", "X", "--owner", "Zed"], "--owner: No person 'Zed' in this register."),
    (["add", "R-0003", "X", "--owner", "Gus Gone"],
     "Gus Gone has left (inactive) and cannot be an action owner."),
    (["add", "R-0003", "X", "--control", "9.99"], "--control: No control '9.99' in this register."),
    (["close", "1", "--cancelled"], "Say why the action is cancelled."),
    (["update", "1", "--title", ""], "A treatment action needs a title."),
    (["show", "42"], "No treatment action 42 in this register (see `isms actions list`)."),
])
def test_a_bad_action_is_one_line_and_writes_nothing(
    capsys: Capsys, register_db: str, housing: Register, args: list[str], message: str
) -> None:
    with housing.session() as s:
        risk = s.execute(select(Risk).where(Risk.ref == "R-0003")).scalar_one()
        s.add(TreatmentAction(risk=risk, title="Existing", description=""))
        commit(s)
    before = _actions(housing)
    code, out, err = run(capsys, "actions", *args, "--db", register_db)
    assert (code, out, err) == (1, "", f"isms: error: {message}\n")
    assert _actions(housing) == before


# --- data-handling practices ----------------------------------------------------------------


def _practices(register: Register) -> list[tuple[str, str, str | None, list[str], str,
                                                  bool | None]]:
    with register.session() as s:
        return [(p.asset.ref, p.stage.value, p.channel.value if p.channel else None,
                 list(p.safeguards), p.third_party, p.has_agreement)
                for p in s.execute(select(HandlingPractice).order_by(HandlingPractice.id))
                .scalars()]


def test_a_practice_is_added_updated_and_reverted(
    capsys: Capsys, register_db: str, housing: Register
) -> None:
    code, out, err = run(capsys, "handling", "add", "HSG-0001", "hsg-0002", "--stage", "shared",
                         "--channel", "secure e-mail", "--safeguards", "agreement,encrypted",
                         "--third-party", "NHS Trust", "--agreement", "--json",
                         "--db", register_db)
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert [(p["asset"], p["safeguards"]) for p in data["practices"]] == [
        ("HSG-0001", ["encrypted", "agreement"]), ("HSG-0002", ["encrypted", "agreement"])]
    assert _practices(housing) == [
        (ref, "shared", "secure e-mail", ["encrypted", "agreement"], "NHS Trust", True)
        for ref in ("HSG-0001", "HSG-0002")]

    number = str(data["practices"][0]["id"])
    code, out, _ = run(capsys, "handling", "update", number, "--safeguards", "",
                       "--no-agreement", "--db", register_db)
    assert code == 0
    assert out.startswith(f"Updated practice {number} of HSG-0001: shared by secure e-mail "
                          "[no safeguards] (change ")
    assert _practices(housing)[0] == ("HSG-0001", "shared", "secure e-mail", [], "NHS Trust",
                                      False)
    code, out, _ = run(capsys, "revert", _change(out), "--db", register_db)
    assert code == 0
    assert _practices(housing)[0] == ("HSG-0001", "shared", "secure e-mail",
                                      ["encrypted", "agreement"], "NHS Trust", True)

    code, out, _ = run(capsys, "handling", "list", "--search", "hsg-0002", "--json",
                       "--db", register_db)
    assert [(p["asset"], p["stage"]) for p in json.loads(out)] == [("HSG-0002", "shared")]
    code, out, _ = run(capsys, "handling", "show", number, "--json", "--db", register_db)
    assert json.loads(out) == {
        "id": int(number), "asset": "HSG-0001", "department": "HSG", "stage": "shared",
        "channel": "secure e-mail", "safeguards": ["encrypted", "agreement"],
        "third_party": "NHS Trust", "agreement": True, "retention_months": None,
        "offshore": False, "description": "", "retired_on": None}


@pytest.mark.parametrize(("args", "message"), [
    (["add", "HSG-0001", "--stage", "kept"],
     "'kept' is not a handling stage (collected, stored, transferred, shared, retained, "
     "disposed)."),
    (["add", "HSG-0001", "--stage", "stored", "--channel", "e-mail"],
     "Only information transferred or shared has a channel: a practice at stage stored cannot "
     "be by e-mail."),
    (["add", "HSG-0001", "--stage", "stored", "--safeguards", "shredded"],
     "'shredded' is not a safeguard (encrypted, access-controlled, marked, sealed, tracked, "
     "agreement, privacy-notice, secure-disposal)."),
    (["add", "HSG-0001", "--stage", "stored", "--retention-months", "-3"],
     "Retention must be a number of months, 0 or more, or blank."),
    (["add", "HSG-0009", "--stage", "stored"],
     "Asset HSG-0009 is retired: it takes no new handling practices."),
    (["add", "HSG-0404", "--stage", "stored"], "No asset 'HSG-0404' in this register."),
    (["update", "7", "--stage", "stored"],
     "No handling practice 7 in this register (see `isms handling list`)."),
])
def test_a_bad_practice_is_one_line_and_writes_nothing(
    capsys: Capsys, register_db: str, housing: Register, args: list[str], message: str
) -> None:
    code, out, err = run(capsys, "handling", *args, "--db", register_db)
    assert (code, out, err) == (1, "", f"isms: error: {message}\n")
    assert _practices(housing) == []


# --- evidence -------------------------------------------------------------------------------


def _evidence(register: Register) -> list[tuple[str, str, str, str | None, int | None,
                                                 str | None, list[str]]]:
    with register.session() as s:
        return [(e.ref, e.title, e.kind.value, e.url, e.valid_days,
                 e.department.code if e.department else None,
                 sorted(c.ref for c in e.controls))
                for e in s.execute(select(Evidence).order_by(Evidence.ref)).scalars()]


def test_a_link_is_added_as_evidence_updated_and_reverted(
    capsys: Capsys, register_db: str, housing: Register
) -> None:
    code, out, err = run(capsys, "evidence", "add", "Access policy page", "--link",
                         "https://intranet.example/policy", "--department", "HSG",
                         "--controls", "5.15, 8.24", "--date", "2026-01-01", "--valid-days",
                         "365", "--db", register_db)
    assert (code, err) == (0, "")
    assert out == ("Added EV-0001: Access policy page (https://intranet.example/policy; "
                   "supports 5.15, 8.24)\n")
    assert _evidence(housing) == [("EV-0001", "Access policy page", "link",
                                   "https://intranet.example/policy", 365, "HSG",
                                   ["5.15", "8.24"])]

    code, out, _ = run(capsys, "evidence", "update", "ev-0001", "--controls", "5.15",
                       "--valid-days", "", "--json", "--db", register_db)
    assert code == 0
    data = json.loads(out)
    assert (data["controls"], data["valid_days"], data["valid_until"]) == (["5.15"], None, None)
    assert _evidence(housing)[0][4:] == (None, "HSG", ["5.15"])

    code, out, _ = run(capsys, "revert", str(data["change"]), "--db", register_db)
    assert (code, out) == (0, "Undid: Edit evidence EV-0001.\n")
    assert _evidence(housing)[0][4:] == (365, "HSG", ["5.15", "8.24"])

    code, out, _ = run(capsys, "evidence", "update", "EV-0001", "--expires", "2026-03-02",
                       "--json", "--db", register_db)
    assert (code, json.loads(out)["valid_until"]) == (0, "2026-03-02")
    assert _evidence(housing)[0][4] == 60
    assert run(capsys, "revert", str(json.loads(out)["change"]), "--db", register_db)[0] == 0

    code, out, _ = run(capsys, "evidence", "list", "--json", "--db", register_db)
    assert [(e["ref"], e["valid_until"], e["stale"], e["controls"]) for e in json.loads(out)] == [
        ("EV-0001", "2027-01-01", date.today() > date(2027, 1, 1), 2)]


@pytest.mark.sqlite_only(reason="evidence files need the register's file store")
def test_a_file_is_copied_into_the_evidence_store(
    capsys: Capsys, register_db: str, housing: Register, tmp_path: Path
) -> None:
    source = tmp_path / "patching-report.pdf"
    source.write_bytes(b"%PDF-1.4 patched everything")
    code, out, err = run(capsys, "evidence", "add", "Patching report", "--file", str(source),
                         "--controls", "8.8", "--json", "--db", register_db)
    assert (code, err) == (0, "")
    data = json.loads(out)
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    assert (data["ref"], data["file"], data["sha256"], data["date"], data["controls"]) == (
        "EV-0001", "patching-report.pdf", digest, date.today().isoformat(), ["8.8"])
    stored = Path(register_db).with_suffix(".evidence") / digest[:2] / digest
    assert stored.read_bytes() == source.read_bytes()
    code, out, _ = run(capsys, "evidence", "show", "EV-0001", "--json", "--db", register_db)
    assert json.loads(out)["file_intact"] is True
    stored.write_bytes(b"%PDF-1.4 altered")
    code, out, _ = run(capsys, "evidence", "show", "ev-0001", "--json", "--db", register_db)
    assert json.loads(out)["file_intact"] is False


@pytest.mark.parametrize(("args", "message"), [
    (["add", " ", "--link", "https://x.example"], "The evidence needs a title."),
    (["add", "T", "--link", " "], "A link needs an address."),
    (["add", "T", "--link", "https://x.example", "--controls", "9.99"],
     "--controls: No control '9.99' in this register."),
    (["add", "T", "--link", "https://x.example", "--valid-days", "0"],
     "Valid for must be a number of days above 0, or blank."),
    (["add", "T", "--link", "https://x.example", "--period-start", "2026-02-01",
      "--period-end", "2026-01-01"],
     "The period starts (2026-02-01) after it ends (2026-01-01)."),
    (["add", "T", "--link", "https://x.example", "--date", "2026-05-01", "--expires",
      "2026-05-01"], "--expires: 2026-05-01 is not after the evidence's date (2026-05-01)."),
    (["add", "T", "--link", "https://x.example", "--department", "NOPE"],
     "--department: No department 'NOPE' in this register."),
    (["update", "EV-0404", "--title", "T"],
     "No evidence 'EV-0404' in this register (see `isms evidence list`)."),
])
def test_bad_evidence_is_one_line_and_writes_nothing(
    capsys: Capsys, register_db: str, housing: Register, args: list[str], message: str
) -> None:
    code, out, err = run(capsys, "evidence", *args, "--db", register_db)
    assert (code, out, err) == (1, "", f"isms: error: {message}\n")
    assert _evidence(housing) == []


# --- local controls -------------------------------------------------------------------------


def test_a_local_control_is_added_used_updated_and_reverted(
    capsys: Capsys, register_db: str, housing: Register
) -> None:
    code, out, err = run(capsys, "controls", "add", "--local", "PSN-3", "Patch within 14 days",
                         "--source", "PSN", "--db", register_db)
    assert (code, err, out) == (0, "", "Added local control PSN-3: Patch within 14 days (PSN)\n")
    code, out, _ = run(capsys, "controls", "list", "--edition", "local", "--json",
                       "--db", register_db)
    assert json.loads(out) == [{"ref": "PSN-3", "title": "Patch within 14 days",
                                "theme": "PSN", "edition": "local", "retired_on": None}]
    # A treatment relies on it, and the department's SoA holds it.
    code, out, _ = run(capsys, "risks", "treat", "R-0003", "--control", "PSN-3",
                       "--db", register_db)
    assert (code, out) == (0, "R-0003: treatment -; controls PSN-3 (applicable in the SoA)\n")
    code, out, _ = run(capsys, "controls", "show", "PSN-3", "--json", "--db", register_db)
    assert json.loads(out)["soa"] == [{"department": "HSG", "applicability": "applicable",
                                       "status": "not implemented", "owner": None}]

    code, out, _ = run(capsys, "controls", "update", "psn-3", "--ref", "PSN-4", "--source",
                       "contract", "--json", "--db", register_db)
    assert code == 0
    data = json.loads(out)
    assert (data["ref"], data["source"]) == ("PSN-4", "contract")
    code, out, _ = run(capsys, "revert", str(data["change"]), "--db", register_db)
    assert (code, out) == (0, "Undid: Edit local control PSN-4.\n")
    code, out, _ = run(capsys, "controls", "show", "PSN-3", "--json", "--db", register_db)
    assert json.loads(out)["theme"] == "PSN"


@pytest.mark.parametrize(("args", "message"), [
    (["add", "--local", "8.24", "Mine", "--source", "PSN"],
     "8.24 is an Annex A control's number: give a local reference (e.g. PSN-3)."),
    (["add", "--local", "PSN-1", " ", "--source", "PSN"], "A local control needs a title."),
    (["add", "--local", "PSN-1", "T", "--source", " "],
     "Say where the requirement comes from (PSN, CAF, DSPT, Cyber Essentials, PCI DSS, "
     "contract, law, policy...)."),
    (["update", "5.15", "--title", "Mine"],
     "Control 5.15 is an Annex A control: only local controls are changed or retired."),
    (["update", "PSN-9", "--title", "T"],
     "No local control 'PSN-9' in this register (see `isms controls list --edition local`)."),
])
def test_a_bad_local_control_is_one_line_and_writes_nothing(
    capsys: Capsys, register_db: str, housing: Register, args: list[str], message: str
) -> None:
    code, out, err = run(capsys, "controls", *args, "--db", register_db)
    assert (code, out, err) == (1, "", f"isms: error: {message}\n")
    code, out, _ = run(capsys, "controls", "list", "--edition", "local", "--json",
                       "--db", register_db)
    assert json.loads(out) == []


# --- retiring -------------------------------------------------------------------------------


def test_retiring_a_practice_a_local_control_and_evidence_is_reverted(
    capsys: Capsys, register_db: str, housing: Register
) -> None:
    for args in (["handling", "add", "HSG-0001", "--stage", "stored", "--safeguards",
                  "encrypted"],
                 ["controls", "add", "--local", "LC-1", "Lock screens", "--source", "policy"],
                 ["evidence", "add", "Screen lock report", "--link", "https://x.example",
                  "--controls", "LC-1,8.1", "--date", "2026-01-01"]):
        assert run(capsys, *args, "--db", register_db)[0] == 0
    with housing.session() as s:
        practice = s.execute(select(HandlingPractice.id)).scalar_one()

    # Evidence relies on LC-1: it stays until the evidence is retired.
    code, out, err = run(capsys, "controls", "retire", "LC-1", "--db", register_db)
    assert (code, out, err) == (1, "", "isms: error: LC-1 is in use (evidence EV-0001): it "
                                "cannot be retired while anything relies on it; exclude it in "
                                "the SoA, with why, instead.\n")
    code, out, _ = run(capsys, "evidence", "retire", "EV-0001", "--reason", "Replaced.",
                       "--db", register_db)
    assert code == 0
    evidence_change = _change(out)
    assert out == ("Retired EV-0001: it supports no control now (it supported 8.1, LC-1), and "
                   f"stays in the register (change {evidence_change}; `isms revert "
                   f"{evidence_change}` takes it back).\n")
    code, out, _ = run(capsys, "evidence", "list", "--stale", "--json", "--db", register_db)
    assert [(e["ref"], e["controls"]) for e in json.loads(out)] == [("EV-0001", 0)]

    code, out, _ = run(capsys, "controls", "retire", "lc-1", "--db", register_db)
    assert code == 0 and out.startswith("Retired local control LC-1: Lock screens (change ")
    control_change = _change(out)
    code, out, _ = run(capsys, "handling", "retire", str(practice), "--json", "--db", register_db)
    assert code == 0
    data = json.loads(out)
    today = _retired_days(housing)
    assert today == [today[0]] * 2 and today[0] is not None
    assert (data["retired"]["asset"], data["retired"]["stage"],
            data["retired"]["retired_on"]) == ("HSG-0001", "stored", today[0])
    # Both stay in the register, out of the lists unless asked for, and say when they went.
    assert _practices(housing) == [("HSG-0001", "stored", None, ["encrypted"], "", None)]
    for noun, args in (("handling", []), ("controls", ["--edition", "local"])):
        code, out, _ = run(capsys, noun, "list", *args, "--json", "--db", register_db)
        assert json.loads(out) == []
        code, out, _ = run(capsys, noun, "list", *args, "--include-retired", "--json",
                           "--db", register_db)
        assert [item["retired_on"] for item in json.loads(out)] == [today[0]]
    code, out, _ = run(capsys, "handling", "list", "--include-retired", "--db", register_db)
    assert out.splitlines()[0].split()[-1] == "Retired" and today[0] in out.splitlines()[-1]
    for args in (["handling", "show", str(practice)], ["controls", "show", "LC-1"]):
        code, out, _ = run(capsys, *args, "--db", register_db)
        assert f"retired on: {today[0]}" in out

    for change in (str(data["change"]), control_change, evidence_change):
        assert run(capsys, "revert", change, "--db", register_db)[0] == 0
    assert _practices(housing) == [("HSG-0001", "stored", None, ["encrypted"], "", None)]
    assert _retired_days(housing) == [None, None]
    with housing.session() as s:
        assert s.execute(select(HandlingPractice.id)).scalar_one() == practice
    assert _evidence(housing)[0][6] == ["8.1", "LC-1"]
    code, out, _ = run(capsys, "controls", "show", "LC-1", "--json", "--db", register_db)
    assert (json.loads(out)["title"], json.loads(out)["theme"],
            json.loads(out)["retired_on"]) == ("Lock screens", "policy", None)
    code, out, _ = run(capsys, "handling", "show", str(practice), "--db", register_db)
    assert code == 0 and "retired on" not in out
    code, out, _ = run(capsys, "handling", "list", "--json", "--db", register_db)
    assert [item["id"] for item in json.loads(out)] == [practice]


def _retired_days(register: Register) -> list[str | None]:
    """The local day the practice and the local control of the test were retired, as the
    register holds it."""
    with register.session() as s:
        found = [s.execute(select(HandlingPractice.retired_at)).scalar_one(),
                 s.execute(select(Control.retired_at).where(Control.ref == "LC-1")).scalar_one()]
    return [at.astimezone().date().isoformat() if at else None for at in found]


@pytest.mark.parametrize(("args", "message"), [
    (["handling", "retire", "9"], "No handling practice 9 in this register "
     "(see `isms handling list`)."),
    (["controls", "retire", "5.15"],
     "Control 5.15 is an Annex A control: only local controls are changed or retired."),
    (["evidence", "retire", "EV-0009", "--reason", "x"],
     "No evidence 'EV-0009' in this register (see `isms evidence list`)."),
])
def test_retiring_what_is_not_there_is_one_line(
    capsys: Capsys, register_db: str, housing: Register, args: list[str], message: str
) -> None:
    code, out, err = run(capsys, *args, "--db", register_db)
    assert (code, out, err) == (1, "", f"isms: error: {message}\n")
