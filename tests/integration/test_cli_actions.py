"""`isms actions` with priorities, resources, deferrals and the actions review meetings set:
deferring keeps the original date and the history; a review action shows its subject, is closed
over a remaining condition only with `--reason`, and an escalation takes the SIRO's answer
(issue 17, 3-4)."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from isms.db import Register, commit
from isms.model import ActionStatus, DecisionKind, ReviewAction, Risk, Role
from isms.services.reviews import meetings as reviews
from isms.services.risks import score_risk
from tests import builders as b
from tests.integration.test_cli import run

pytestmark = pytest.mark.both_backends

Capsys = pytest.CaptureFixture[str]
MEETING_DAY = date(2026, 3, 3)


@pytest.fixture
def social_care(register: Register) -> Register:
    with register.session() as s:
        dept = b.department(s, code="CHS", name="Children's Services")
        b.person(s, name="Olive Owner", email="olive@example.gov.uk", department=dept)
        b.asset(s, dept, ref="CHS-0042", name="Case files")
        b.risk(s, dept, ref="R-0003", title="Case files lost in transit")
        commit(s)
    return register


def test_a_treatment_action_keeps_its_priority_resources_and_every_deferral(
        capsys: Capsys, register_db: str, social_care: Register) -> None:
    code, out, err = run(capsys, "actions", "add", "R-0003", "Lockable document cases",
                         "--owner", "Olive Owner", "--due", "2027-01-31", "--priority", "high",
                         "--resources", "12 cases, £600 from the team budget", "--json",
                         "--db", register_db)
    assert (code, err) == (0, "")
    number = str(json.loads(out)["id"])
    code, out, err = run(capsys, "actions", "defer", number, "--to", "2027-03-31", "--reason",
                         "Supplier out of stock", "--db", register_db)
    assert (code, err) == (0, "")
    assert "now due 2027-03-31" in out and "2027-01-31 -> 2027-03-31: Supplier out of stock" in out
    code, out, err = run(capsys, "actions", "defer", number, "--to", "2027-02-01", "--reason",
                         "Sooner after all", "--db", register_db)
    assert (code, out) == (1, "")
    assert err.startswith("isms: error: Action ") and "a deferral moves it later" in err
    assert err.count("\n") == 1

    code, out, _ = run(capsys, "actions", "show", number, "--json", "--db", register_db)
    data = json.loads(out)
    assert (data["subject"], data["priority"], data["resources"], data["original_due"],
            data["due"]) == ("R-0003 Case files lost in transit", "high",
                             "12 cases, £600 from the team budget", "2027-01-31", "2027-03-31")
    assert [(d["from"], d["to"], d["reason"]) for d in data["deferrals"]] == [
        ("2027-01-31", "2027-03-31", "Supplier out of stock")]
    code, out, _ = run(capsys, "actions", "show", number, "--db", register_db)
    assert "Supplier out of stock" in out and "original due" in out


def _meeting_with_actions(register: Register) -> tuple[str, str]:
    """An SMG meeting that set an action on the unowned asset and escalated the risk: their
    names (MEETING/A<n>)."""
    with register.transaction(actor="chair") as s:
        chair = b.person(s, name="Chair", username="chair")
        chair.add_role(Role.APPROVER)
        b.person(s, name="Sally Siro", username="siro").add_role(Role.SIRO)
        risk = s.query(Risk).one()
        score_risk(s, risk, inherent=(5, 5), today=MEETING_DAY - timedelta(days=400))
        meeting = reviews.plan_review(s, title="SMG", meeting_date=MEETING_DAY, chair_id=chair.id)
        items = reviews.start_review(s, meeting.id, today=MEETING_DAY)
        asset_item = next(i for i in items if i.subject_table == "asset")
        risk_item = next(i for i in items if i.subject_table == "risk")
        reviews.decide(s, asset_item.id, DecisionKind.ADD_ACTION, actor="chair",
                       today=MEETING_DAY, action_title="Name an owner and marking for the asset",
                       owner_id=chair.id)
        reviews.decide(s, risk_item.id, DecisionKind.ESCALATE, actor="chair", today=MEETING_DAY,
                       note="Beyond the service's budget")
        named = {a.subject_table: f"{meeting.ref}/A{a.id}"
                 for a in s.query(ReviewAction).order_by(ReviewAction.id)}
    return named["asset"], named["risk"]


def test_a_review_action_shows_its_subject_and_is_closed_over_it_only_with_a_reason(
        capsys: Capsys, register_db: str, social_care: Register) -> None:
    owner_action, _escalation = _meeting_with_actions(social_care)
    code, out, _ = run(capsys, "actions", "list", "--review", "--json", "--db", register_db)
    listed = {a["ref"]: a for a in json.loads(out)}
    assert listed[owner_action]["subject"] == "CHS-0042 Case files"
    assert listed[owner_action]["title"] == ("Name an owner and marking for the asset: "
                                             "CHS-0042 Case files")

    code, out, err = run(capsys, "actions", "close", owner_action, "--done", "--db", register_db)
    assert (code, out) == (1, "")
    assert err.startswith("isms: error: CHS-0042 Case files still has no owner and no marking: "
                          "say why ") and err.count("\n") == 1
    with social_care.session() as s:
        assert s.query(ReviewAction).filter_by(subject_table="asset").one().status == \
            ActionStatus.OPEN

    code, out, err = run(capsys, "actions", "close", owner_action, "--done", "--reason",
                         "Owner post vacant until April", "--json", "--db", register_db)
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert (data["status"], data["close_reason"]) == ("done", "Owner post vacant until April")


def test_an_escalation_has_a_due_date_and_takes_the_siros_answer(
        capsys: Capsys, register_db: str, social_care: Register) -> None:
    owner_action, escalation = _meeting_with_actions(social_care)
    code, out, _ = run(capsys, "actions", "show", escalation, "--json", "--db", register_db)
    data = json.loads(out)
    assert (data["escalation"], data["owner"], data["due"], data["answer"]) == (
        True, "Sally Siro", (MEETING_DAY + timedelta(days=30)).isoformat(), None)

    code, out, err = run(capsys, "actions", "answer", owner_action, "Yes", "--db", register_db)
    assert (code, out) == (1, "") and "is not an escalation to the SIRO" in err
    code, out, err = run(capsys, "actions", "answer", escalation,
                         "Funded from the corporate budget", "--json", "--db", register_db)
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert data["answer"] == "Funded from the corporate budget"
    assert data["answered_by"] and data["answered_at"] is not None
    code, out, _ = run(capsys, "actions", "list", "--review", "--db", register_db)
    assert "answered" in out


def test_a_review_action_is_deferred_with_its_history(
        capsys: Capsys, register_db: str, social_care: Register) -> None:
    owner_action, _escalation = _meeting_with_actions(social_care)
    code, out, err = run(capsys, "actions", "defer", owner_action, "--to", "2099-01-31",
                         "--reason", "Restructure first", "--json", "--db", register_db)
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert data["due"] == "2099-01-31"
    assert [(d["from"], d["to"], d["reason"]) for d in data["deferrals"]] == [
        (None, "2099-01-31", "Restructure first")]
    code, out, err = run(capsys, "actions", "defer", owner_action, "--to", "2098-01-31",
                         "--reason", "Sooner", "--db", register_db)
    assert code == 1 and "a deferral moves it later" in err
    code, out, _ = run(capsys, "actions", "show", owner_action, "--db", register_db)
    assert "no date -> 2099-01-31: Restructure first" in out
