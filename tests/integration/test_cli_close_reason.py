"""`isms actions close N` of the last open action of a risk still above its target needs
`--reason`, and `isms actions show` gives it back (issue 17, 4)."""

from __future__ import annotations

import json

import pytest

from isms.db import Register, commit
from isms.services.read import queries
from tests import builders as b
from tests.integration.test_cli import run

pytestmark = pytest.mark.both_backends

Capsys = pytest.CaptureFixture[str]


@pytest.fixture
def risky(register: Register) -> Register:
    with register.session() as s:
        dept = b.department(s, code="CHS", name="Children's Services")
        b.person(s, name="Olive Owner", email="olive@example.gov.uk", department=dept)
        b.risk(s, dept, ref="R-0003", title="Case files lost in transit",
               criteria_id=queries.current_criteria_id(s), inherent_likelihood=5,
               inherent_impact=5, current_likelihood=5, current_impact=5,
               residual_likelihood=2, residual_impact=2)
        commit(s)
    return register


def test_closing_the_last_action_over_the_condition_needs_reason(
        capsys: Capsys, register_db: str, risky: Register) -> None:
    code, out, err = run(capsys, "actions", "add", "R-0003", "Lockable document cases",
                         "--owner", "Olive Owner", "--json", "--db", register_db)
    assert (code, err) == (0, "")
    number = str(json.loads(out)["id"])
    code, out, err = run(capsys, "actions", "close", number, "--done", "--db", register_db)
    assert (code, out) == (1, "")
    assert err.startswith("isms: error: R-0003 Case files lost in transit is still Very high, "
                          "above its target Low: say why action") and err.count("\n") == 1
    code, out, err = run(capsys, "actions", "update", number, "--status", "done",
                         "--db", register_db)
    assert (code, out) == (1, "")
    assert f"isms actions close {number} --reason" in err and err.count("\n") == 1
    code, out, err = run(capsys, "actions", "close", number, "--done", "--reason",
                         "Cases on order; new courier contract", "--json", "--db", register_db)
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert (data["status"], data["close_reason"]) == (
        "done", "Cases on order; new courier contract")
    code, out, _ = run(capsys, "actions", "show", number, "--json", "--db", register_db)
    assert json.loads(out)["close_reason"] == "Cases on order; new courier contract"
