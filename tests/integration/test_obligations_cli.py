"""`isms obligations`: the obligations register (issue 18, 3; ISO/IEC 27001 A.5.31), made by
hand on an empty register as a council officer would: the data protection law and a code of
connection, each with its owner, the controls that meet it (Annex A and local) and the evidence
that shows it; the check asks for what is missing; every write in the change log."""

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


def test_obligations_are_added_linked_checked_updated_and_retired(
        capsys: Capsys, register_db: str, council: Register) -> None:
    db = ("--db", register_db)
    assert _json(capsys, "obligations", "check", *db) == [
        {"ref": None, "finding": "No legal, regulatory or contractual obligation recorded "
                                 "(A.5.31): add them with `isms obligations add`."}]
    local = _json(capsys, "controls", "add", "PSN-3", "Annual IT health check by a CHECK "
                  "provider", "--local", "--source", "PSN code of connection", *db)
    assert local["ref"] == "PSN-3"
    ropa = _json(capsys, "evidence", "add", "Record of processing activities 2026", "--link",
                 "https://intranet.example.gov.uk/ropa", "--date", "2026-11-02", *db)

    gdpr = _json(capsys, "obligations", "add", "UK GDPR and the Data Protection Act 2018",
                 "--kind", "legislation", "--source", "Information Commissioner's Office",
                 "--requirement", "Keep personal data secure; report a breach within 72 hours",
                 "--owner", "priya.shah@example.gov.uk", "--control", "5.34,5.24",
                 "--evidence", ropa["ref"], "--review-date", "2027-04-01", *db)
    assert gdpr == {
        "ref": "OB-001", "title": "UK GDPR and the Data Protection Act 2018",
        "kind": "legislation", "source": "Information Commissioner's Office",
        "requirement": "Keep personal data secure; report a breach within 72 hours",
        "owner": "Priya Shah", "department": None, "review_date": "2027-04-01",
        "status": "current", "controls": ["5.24", "5.34"], "evidence": [ropa["ref"]]}
    psn = _json(capsys, "obligations", "add", "PSN code of connection", "--kind",
                "Code-of-practice", "--source", "Cabinet Office", "--department", "HSG",
                "--control", "PSN-3", *db)
    assert (psn["ref"], psn["kind"], psn["department"], psn["controls"]) == (
        "OB-002", "code of practice", "HSG", ["PSN-3"])

    assert _json(capsys, "obligations", "check", *db) == [
        {"ref": "OB-002", "finding": "'PSN code of connection' has no evidence that it is met."},
        {"ref": "OB-002", "finding": "'PSN code of connection' has no review date."}]
    assert [r["ref"] for r in _json(capsys, "obligations", "list", "--department", "ENV",
                                     *db)] == ["OB-001"]
    assert [r["ref"] for r in _json(capsys, "obligations", "list", "--kind", "legislation",
                                     *db)] == ["OB-001"]

    changed = _json(capsys, "obligations", "update", "OB-002", "--control", "",
                    "--review-date", "2027-06-30", *db)
    assert (changed["controls"], changed["review_date"]) == ([], "2027-06-30")
    assert [f["finding"] for f in _json(capsys, "obligations", "check", *db)] == [
        "'PSN code of connection' is met by no control.",
        "'PSN code of connection' has no evidence that it is met."]

    code, out, err = run(capsys, "obligations", "retire", "OB-002", *db)
    assert (code, out.splitlines()[0]) == (0, "Retired obligation OB-002."), err
    assert [r["ref"] for r in _json(capsys, "obligations", "list", *db)] == ["OB-001"]
    assert [r["status"] for r in _json(capsys, "obligations", "list", "--include-retired",
                                       *db)] == ["current", "retired"]
    code, out, err = run(capsys, "obligations", "update", "OB-002", "--title", "PSN", *db)
    assert (code, err.strip()) == (
        1, "isms: error: Obligation OB-002 is retired and can no longer be changed.")
    shown = _json(capsys, "obligations", "show", "ob-001", *db)
    assert shown == gdpr

    with council.session() as s:
        logged = s.execute(select(ChangeLogEntry.action, ChangeLogEntry.label)
                           .where(ChangeLogEntry.table_name == "obligation")
                           .order_by(ChangeLogEntry.id)).all()
        unlinked = s.execute(select(ChangeLogEntry.changes).where(
            ChangeLogEntry.table_name == "obligation", ChangeLogEntry.action == "update")
            .order_by(ChangeLogEntry.id)).scalars().first()
    assert [tuple(row) for row in logged] == [
        ("insert", "obligation OB-001"), ("insert", "obligation OB-002"),
        ("update", "obligation OB-002"), ("update", "obligation OB-002")]
    # The links are recorded on the obligation (as every register's many-to-many links).
    assert unlinked is not None and (unlinked["controls"], unlinked["review_date"]) == (
        {"added": [], "removed": ["PSN-3"]}, [None, "2027-06-30"])
    code, out, err = run(capsys, "audit", "verify", *db)
    assert code == 0, err + out


@pytest.mark.parametrize(("args", "said"), [
    (("--kind", "rumour"), "'rumour' is not a kind of obligation: give one of legislation, "
                           "regulation, contract, standard, agreement, code of practice."),
    (("--kind", "contract", "--control", "9.99"), "No control '9.99' in this register."),
    (("--kind", "contract", "--evidence", "EV-404"),
     "No evidence 'EV-404' in this register (see `isms evidence list`)."),
    (("--kind", "contract", "--owner", "Nobody Known"), None),
])
def test_a_bad_obligation_is_refused_in_one_line_and_nothing_is_written(
        capsys: Capsys, register_db: str, council: Register, args: tuple[str, ...],
        said: str | None) -> None:
    code, out, err = run(capsys, "obligations", "add", "Waste collection contract", *args,
                         "--db", register_db)
    assert code == 1 and len(err.strip().splitlines()) == 1, err
    if said is not None:
        assert err.strip() == f"isms: error: {said}"
    assert _json(capsys, "obligations", "list", "--include-retired", "--db", register_db) == []
