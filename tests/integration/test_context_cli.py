"""`isms context`: the context register (issue 18, 1; ISO/IEC 27001 4.1, 4.2 with Amd 1:2024),
made by hand on an empty register as a council officer would: issues with their owner and
review, the climate decision the check asks for until it is made, interested parties with
requirements linked to the controls that answer them; every write in the change log."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from isms.db import Register, commit
from isms.model import ChangeLogEntry
from tests import builders as b
from tests.integration.test_cli import run
from tests.integration.test_cli import run_json as _json

pytestmark = pytest.mark.both_backends

Capsys = pytest.CaptureFixture[str]


@pytest.fixture
def council(register: Register) -> Register:
    with register.session() as s:
        housing = b.department(s, code="HSG", name="Housing")
        b.person(s, name="Priya Shah", email="priya.shah@example.gov.uk", department=housing)
        b.department(s, code="ENV", name="Environment")
        commit(s)
    return register


def test_a_new_register_is_asked_for_the_climate_decision_until_one_is_recorded(
        capsys: Capsys, register_db: str, council: Register) -> None:
    findings = _json(capsys, "context", "check", "--db", register_db)
    assert [f["finding"][:60] for f in findings] == [
        "No decision on whether climate change is a relevant issue (I",
        "No internal or external issue recorded (4.1): add them with ",
        "No interested party recorded (4.2): add them with `isms cont"]
    code, out, err = run(capsys, "context", "climate", "--db", register_db)
    assert code == 1 and "No climate decision yet" in err
    code, out, err = run(capsys, "context", "climate", "--relevant", "--db", register_db)
    assert code == 2 and "--justification" in err

    decided = _json(capsys, "context", "climate", "--relevant", "--justification",
                    "Summer heat closes the depot server room; river flooding reaches the civic "
                    "centre car park", "--decided-by", "priya.shah@example.gov.uk",
                    "--decided-on", "2026-11-30", "--review-date", "2027-11-30",
                    "--db", register_db)
    assert decided == {
        "ref": "CI-001", "kind": "climate", "category": "environmental",
        "issue": "Climate change", "effect": "", "owner": "Priya Shah", "department": None,
        "review_date": "2027-11-30", "status": "current", "decision": "relevant",
        "justification": "Summer heat closes the depot server room; river flooding reaches the "
                         "civic centre car park",
        "decided_by": "Priya Shah", "decided_on": "2026-11-30"}
    # The decision is made; the issues and parties 4.1 and 4.2 ask for are still to record.
    assert [f["finding"][:30] for f in _json(capsys, "context", "check", "--db",
                                              register_db)] == [
        "No internal or external issue ", "No interested party recorded ("]

    # Reviewed a year on: the same record carries the new decision (the log keeps the old).
    again = _json(capsys, "context", "climate", "--not-relevant", "--justification",
                  "Server room moved to the cooled data centre", "--db", register_db)
    assert (again["ref"], again["decision"]) == ("CI-001", "not relevant")
    code, out, err = run(capsys, "context", "issues", "retire", "CI-001", "--db", register_db)
    assert code == 1 and "climate-change decision" in err
    with council.session() as s:
        logged = s.execute(select(ChangeLogEntry.action, ChangeLogEntry.label)
                           .where(ChangeLogEntry.table_name == "context_issue")
                           .order_by(ChangeLogEntry.id)).all()
    assert [(str(a), label) for a, label in logged] == [
        ("insert", "context issue CI-001"), ("update", "context issue CI-001")]


def test_issues_are_added_listed_by_department_updated_and_retired(
        capsys: Capsys, register_db: str, council: Register) -> None:
    added = _json(capsys, "context", "issues", "add",
                  "Housing stock transfer to an arm's-length company", "--kind", "internal",
                  "--category", "organisational", "--effect",
                  "Tenant records and their systems move to a new data controller",
                  "--owner", "Priya Shah", "--department", "HSG", "--review-date", "2027-06-30",
                  "--db", register_db)
    assert added["ref"] == "CI-001" and added["department"] == "HSG"
    _json(capsys, "context", "issues", "add", "Cyber attacks on councils", "--kind",
          "external", "--category", "Technological", "--db", register_db)

    housing = _json(capsys, "context", "issues", "list", "--department", "HSG",
                    "--db", register_db)
    environment = _json(capsys, "context", "issues", "list", "--department", "ENV",
                        "--db", register_db)
    assert [i["ref"] for i in housing] == ["CI-001", "CI-002"]
    assert [i["ref"] for i in environment] == ["CI-002"]
    assert environment[0]["category"] == "technological"

    updated = _json(capsys, "context", "issues", "update", "ci-001", "--review-date", "",
                    "--department", "", "--db", register_db)
    assert (updated["review_date"], updated["department"]) == (None, None)
    code, out, err = run(capsys, "context", "issues", "retire", "CI-001", "--db", register_db)
    assert code == 0 and "Retired context issue CI-001" in out
    listed = _json(capsys, "context", "issues", "list", "--db", register_db)
    assert [i["ref"] for i in listed] == ["CI-002"]
    everything = _json(capsys, "context", "issues", "list", "--include-retired",
                       "--db", register_db)
    assert [i["status"] for i in everything] == ["retired", "current"]
    code, out, err = run(capsys, "context", "issues", "update", "CI-001", "--effect", "x",
                         "--db", register_db)
    assert code == 1 and "retired" in err


@pytest.mark.parametrize(("args", "said"), [
    (["--kind", "external", "--category", "weather"], "'weather' is not a category"),
    (["--kind", "external", "--category", "legal", "--owner", "Nobody Known"],
     "No person 'Nobody Known'"),
    (["--kind", "external", "--category", "legal", "--department", "XYZ"],
     "No department 'XYZ'"),
])
def test_a_bad_issue_is_refused_in_one_line_and_nothing_is_written(
        capsys: Capsys, register_db: str, council: Register, args: list[str],
        said: str) -> None:
    code, out, err = run(capsys, "context", "issues", "add", "New procurement act", *args,
                         "--db", register_db)
    assert code == 1 and said in err and err.count("\n") == 1, err
    assert _json(capsys, "context", "issues", "list", "--db", register_db) == []


def test_a_party_s_requirements_are_linked_to_the_controls_that_answer_them(
        capsys: Capsys, register_db: str, council: Register) -> None:
    party = _json(capsys, "context", "parties", "add", "Information Commissioner's Office",
                  "--kind", "regulator", "--notes", "UK GDPR and DPA 2018 regulator",
                  "--owner", "Priya Shah", "--db", register_db)
    assert party["ref"] == "IP-001" and party["requirements"] == []
    findings = _json(capsys, "context", "check", "--db", register_db)
    assert {"ref": "IP-001", "finding": "Information Commissioner's Office has no requirement "
            "recorded."} in findings

    row = _json(capsys, "context", "requirements", "add", "IP-001",
                "Report a personal data breach within 72 hours", "--source",
                "UK GDPR Art. 33", "--control", "5.24", "--control", "5.26,6.8",
                "--db", register_db)
    assert (row["party"], row["controls"]) == ("IP-001", ["5.24", "5.26", "6.8"])
    code, out, err = run(capsys, "context", "requirements", "add", "IP-001", "Keep records",
                         "--control", "9.99", "--db", register_db)
    assert code == 1 and "No control '9.99'" in err
    shown = _json(capsys, "context", "parties", "show", "IP-001", "--db", register_db)
    assert [r["text"] for r in shown["requirements"]] == [
        "Report a personal data breach within 72 hours"]

    number = str(row["id"])
    cleared = _json(capsys, "context", "requirements", "update", number, "--control", "",
                    "--db", register_db)
    assert cleared["controls"] == []
    findings = _json(capsys, "context", "check", "--db", register_db)
    assert any("answered by no control" in f["finding"]
               for f in findings)
    code, out, err = run(capsys, "context", "requirements", "retire", number,
                         "--db", register_db)
    assert code == 0 and "Retired requirement" in out
    shown = _json(capsys, "context", "parties", "show", "IP-001", "--db", register_db)
    assert shown["requirements"] == []

    parties = _json(capsys, "context", "parties", "list", "--db", register_db)
    assert [(p["ref"], p["kind"]) for p in parties] == [
        ("IP-001", "regulator")]
    code, out, err = run(capsys, "context", "parties", "retire", "IP-001", "--db", register_db)
    assert code == 0
    assert _json(capsys, "context", "parties", "list", "--db", register_db) == []
    with council.session() as s:
        tables = set(s.execute(select(ChangeLogEntry.table_name)).scalars())
    assert {"interested_party", "party_requirement"} <= tables
    code, out, err = run(capsys, "audit", "verify", "--db", register_db)
    assert code == 0, out + err


def test_the_demo_council_has_a_context_register_its_last_review_quoted(
        capsys: Capsys, tmp_path: object) -> None:
    from pathlib import Path

    from isms.db import open_register
    from isms.model import AgendaItem

    db = str(Path(str(tmp_path)) / "demo.isms")
    code, out, err = run(capsys, "demo", "--db", db, "--assets", "40")
    assert code == 0, err
    assert _json(capsys, "context", "check", "--db", db) == []
    climate = _json(capsys, "context", "climate", "--db", db)
    assert (climate["decision"], climate["decided_by"] is not None) == ("relevant", True)
    parties = _json(capsys, "context", "parties", "list", "--db", db)
    assert all(p["requirements"] and all(r["controls"] for r in p["requirements"])
               for p in parties) and len(parties) == 5
    register = open_register(db)
    try:
        with register.session() as s:
            inputs = dict(s.execute(select(AgendaItem.title, AgendaItem.detail).where(
                AgendaItem.title.like("9.3.2 b)%") | AgendaItem.title.like("9.3.2 c)%"))).all())
    finally:
        register.close()
    b_detail = next(d for t, d in inputs.items() if t.startswith("9.3.2 b)"))
    c_detail = next(d for t, d in inputs.items() if t.startswith("9.3.2 c)"))
    assert "5 current issues (3 external, 2 internal); climate change relevant" in b_detail
    assert "5 current parties with 6 requirements, each answered by a control" in c_detail


def test_the_check_asks_for_a_review_date_on_the_climate_decision(
        capsys: Capsys, register_db: str, council: Register) -> None:
    _json(capsys, "context", "climate", "--not-relevant", "--justification",
          "No site in a flood or heat risk area", "--db", register_db)
    findings = _json(capsys, "context", "check", "--db", register_db)
    assert {"ref": "CI-001", "finding": "The climate decision has no review date: it is "
            "reviewed like any other issue (--review-date)."} in findings
