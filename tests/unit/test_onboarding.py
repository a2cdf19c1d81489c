"""The onboarding steps of a new register, each judged on what the register holds."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from isms.cli import main
from isms.db import Register
from isms.model import (
    AssetStatus,
    Control,
    ControlEdition,
    Department,
    ReviewMeeting,
    ReviewStatus,
)
from isms.services import context, records
from isms.services.read.onboarding import STEP_KEYS, onboarding
from isms.services.reviews import meetings
from tests import builders


def states(register: Register, department: int | None = None) -> dict[str, tuple[bool, str]]:
    with register.session() as session:
        steps = onboarding(session, department=department)
    assert tuple(step.key for step in steps.steps) == STEP_KEYS
    return {step.key: (step.done, step.counted) for step in steps.steps}


@pytest.mark.both_backends
def test_an_empty_register_has_every_step_to_do(register: Register) -> None:
    with register.session() as session:
        steps = onboarding(session)
    assert not steps.done and steps.done_count == 0
    assert steps.next_step is not None and steps.next_step.key == "departments"
    assert states(register) == {
        "departments": (False, "0 departments"),
        "people": (False, "0 people"),
        "assets": (False, "0 assets"),
        "risk": (False, "0 risks assessed"),
        "soa": (False, "0 SoA decisions"),
        "climate": (False, "no decision"),
        "review": (False, "0 reviews held"),
    }


@pytest.mark.both_backends
def test_each_step_is_done_by_what_the_register_holds(register: Register) -> None:
    with register.session(actor="tests") as session:
        env = builders.department(session, code="ENV", name="Environment")
        builders.department(session, code="FIN", name="Finance")
        builders.person(session, name="Ann Other", department_id=env.id)
        builders.person(session, name="Gone Away", department_id=env.id, active=False)
        builders.asset(session, env)
        builders.asset(session, env, status=AssetStatus.RETIRED)
        builders.risk(session, env)  # identified, not scored
        env_id = env.id
        session.commit()
    assert states(register) == {
        "departments": (True, "2 departments"),
        "people": (True, "1 person"),
        "assets": (True, "1 asset"),
        "risk": (False, "0 risks assessed (1 not yet scored)"),
        "soa": (False, "0 SoA decisions"),
        "climate": (False, "no decision"),
        "review": (False, "0 reviews held"),
    }

    with register.session(actor="tests") as session:
        env = session.get_one(Department, env_id)
        builders.risk(session, env, inherent_likelihood=3, inherent_impact=4)
        control = session.query(Control).filter_by(edition=ControlEdition.ISO27001_2022).first()
        assert control is not None
        records.save_soa_entry(session, env_id, control.id, applicability="applicable")
        planned = meetings.plan_review(session, title="First SMG review",
                                       meeting_date=date(2026, 1, 15), chair_id=None)
        session.commit()
        planned_id = planned.id
    assert states(register)["risk"] == (True, "1 risk assessed (1 not yet scored)")
    with register.session() as session:
        begun = onboarding(session)
    assert (begun.step("risk").begun, begun.step("review").begun) == (1, 1)
    assert states(register)["soa"] == (True, "1 SoA decision")
    assert states(register)["review"] == (False, "0 reviews held (1 planned)")

    with register.session(actor="tests") as session:
        session.get_one(ReviewMeeting, planned_id).status = ReviewStatus.COMPLETED
        session.commit()
    with register.session() as session:
        following = onboarding(session).next_step
        assert following is not None and following.key == "climate"
        context.decide_climate(session, relevant=False, justification="No site at risk")
    assert states(register)["climate"] == (True, "decided")
    with register.session() as session:
        steps = onboarding(session)
    assert steps.done and steps.next_step is None
    assert steps.step("review").counted == "1 review held"


@pytest.mark.both_backends
def test_one_department_counts_its_own_records(register: Register) -> None:
    with register.session(actor="tests") as session:
        env = builders.department(session, code="ENV", name="Environment")
        fin = builders.department(session, code="FIN", name="Finance")
        builders.person(session, department_id=env.id)
        builders.asset(session, env)
        # A meeting scoped to Finance does not review Environment; a council-wide one would.
        meetings.plan_review(session, title="Finance review", meeting_date=date(2026, 2, 1),
                             chair_id=None, department_ids=[fin.id])
        ids = env.id, fin.id
        session.commit()
    env_states, fin_states = states(register, ids[0]), states(register, ids[1])
    assert env_states["departments"] == fin_states["departments"] == (True, "2 departments")
    assert env_states["people"] == (True, "1 person")
    assert fin_states["people"] == (False, "0 people")
    assert (env_states["assets"], fin_states["assets"]) == ((True, "1 asset"),
                                                            (False, "0 assets"))
    assert env_states["review"] == (False, "0 reviews held")
    assert fin_states["review"] == (False, "0 reviews held (1 planned)")

    with register.session(actor="tests") as session:
        meetings.plan_review(session, title="Council review", meeting_date=date(2026, 3, 1),
                             chair_id=None)
        session.commit()
    assert states(register, ids[0])["review"] == (False, "0 reviews held (1 planned)")


def test_isms_onboarding_lists_the_steps_and_the_next_one(
    register: Register, register_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with register.session(actor="tests") as session:
        builders.department(session, code="ENV", name="Environment")
        session.commit()
    assert main(["onboarding", "--db", str(register_path)]) == 0
    out = capsys.readouterr().out
    assert "1 of 7 steps done. Next: add the people." in out
    lines = out.splitlines()
    assert any(line.split()[:5] == ["1", "Add", "the", "departments", "done"] for line in lines)

    assert main(["onboarding", "--db", str(register_path), "--department", "ENV",
                 "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed["done"] is False
    assert [(s["step"], s["done"], s["counted"]) for s in listed["steps"]][:3] == [
        ("departments", True, "1 department"), ("people", False, "0 people"),
        ("assets", False, "0 assets")]

    assert main(["onboarding", "--db", str(register_path), "--department", "NOPE"]) == 1
    assert capsys.readouterr().err.startswith("isms: error: --department: ")
