"""The document register (issue 18, 5): `isms policies add | update | approve | withdraw | list |
show` on an empty register, as a council officer keeps it, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from isms.db import Register, open_register
from isms.db.session import default_actor
from isms.model import (
    ChangeLogEntry,
    ControlledDocument,
    DocumentStatus,
    Person,
    PersonRole,
    Role,
)
from isms.services import policies
from tests import builders
from tests.integration.test_cli import run

pytestmark = pytest.mark.both_backends

TODAY = date.today()


@pytest.fixture
def people(register: Register) -> dict[str, str]:
    """An information governance officer who keeps the policies, and the SIRO who approves
    them (whose login runs the commands, so approval is the SIRO's own act)."""
    with register.transaction() as s:
        builders.department(s, code="HSG", name="Housing")
        officer = builders.person(s, name="Priya Shah", email="priya.shah@council.example")
        officer.add_role(Role.CONTROL_OWNER)
        siro = builders.person(s, name="Tom Hughes", email="tom.hughes@council.example",
                               username=default_actor(register.engine))
        siro.add_role(Role.SIRO)
    register.close()
    return {"officer": officer.name, "siro": siro.name}


def test_a_policy_is_added_approved_and_falls_due_a_year_on(
        register: Register, register_db: str, people: dict[str, str],
        capsys: pytest.CaptureFixture[str]) -> None:
    db = ("--db", register_db)
    code, out, err = run(capsys, "policies", "add", "--title", "Information security policy",
                         "--kind", "policy", "--owner", people["officer"], "--version", "1.0",
                         "--link", "https://intranet.council.example/policies/infosec",
                         "--controls", "5.1", "--json", *db)
    assert code == 0, err + out
    added = json.loads(out)
    assert (added["ref"], added["status"], added["owner"], added["controls"], added["version"],
            added["department"], added["next_review"]) == (
        "POL-001", "draft", "Priya Shah", ["5.1"], "1.0", None, None)

    approved_on = TODAY - timedelta(days=400)
    code, out, err = run(capsys, "policies", "approve", "POL-001", "--on",
                         approved_on.isoformat(), "--json", *db)
    assert code == 0, err + out
    shown = json.loads(out)
    assert (shown["status"], shown["approved_by"], shown["approved_on"]) == (
        "approved", "Tom Hughes", approved_on.isoformat())
    assert shown["next_review"] == policies.add_months(approved_on, 12).isoformat()
    assert shown["review_overdue"] is True

    code, out, err = run(capsys, "policies", "list", "--due", "--json", *db)
    assert code == 0, err
    assert [row["ref"] for row in json.loads(out)] == ["POL-001"]

    # A new version goes back to draft until it is approved in turn; the last approval stays.
    code, out, err = run(capsys, "policies", "update", "POL-001", "--version", "1.1",
                         "--json", *db)
    assert code == 0, err + out
    assert (json.loads(out)["status"], json.loads(out)["approved_on"]) == (
        "draft", approved_on.isoformat())
    code, out, err = run(capsys, "policies", "approve", "POL-001", "--json", *db)
    assert code == 0, err + out
    assert json.loads(out)["next_review"] == policies.add_months(TODAY, 12).isoformat()
    code, out, err = run(capsys, "policies", "list", "--due", "--json", *db)
    assert json.loads(out) == []

    with _opened(register_db) as reg, reg.session() as s:
        logged = s.execute(select(ChangeLogEntry).where(
            ChangeLogEntry.table_name == "controlled_document")).scalars().all()
        assert [entry.label for entry in logged][:1] == ["document POL-001"]
        assert len(logged) == 4  # added, approved, new version, approved again


def _opened(url: str) -> Register:
    return open_register(url)


def test_a_procedure_of_one_department_lists_with_the_council_wide_ones(
        register: Register, register_db: str, people: dict[str, str],
        capsys: pytest.CaptureFixture[str]) -> None:
    db = ("--db", register_db)
    for kind, title, department in (("policy", "Acceptable use policy", ""),
                                    ("procedure", "Tenancy file handling", "HSG")):
        code, out, err = run(capsys, "policies", "add", "--title", title, "--kind", kind,
                             "--owner", people["officer"], *(
                                 ("--department", department) if department else ()), *db)
        assert code == 0, err + out
    assert "Added PRO-001: Tenancy file handling (procedure, draft, no review date)." in out
    code, out, err = run(capsys, "policies", "list", "--department", "HSG", "--json", *db)
    assert [(r["ref"], r["department"]) for r in json.loads(out)] == [
        ("POL-001", None), ("PRO-001", "HSG")]
    code, out, err = run(capsys, "policies", "list", "--kind", "procedure", *db)
    assert "Tenancy file handling" in out and "Acceptable use" not in out

    code, out, err = run(capsys, "policies", "withdraw", "PRO-001", "--reason",
                         "merged into the records management procedure", "--json", *db)
    assert code == 0, err + out
    withdrawn = json.loads(out)
    assert withdrawn["status"] == "withdrawn"
    assert "merged into the records management procedure" in withdrawn["summary"]
    code, out, err = run(capsys, "policies", "update", "PRO-001", "--title", "x", *db)
    assert code == 1 and "PRO-001 is withdrawn" in out + err


def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(
        register: Register, register_db: str, people: dict[str, str],
        capsys: pytest.CaptureFixture[str]) -> None:
    db = ("--db", register_db)
    code, out, err = run(capsys, "policies", "add", "--title", "Backup policy", "--kind",
                         "policy", "--owner", "Nobody Here", *db)
    assert code == 1 and "--owner: No person 'Nobody Here'" in out + err
    code, out, err = run(capsys, "policies", "add", "--title", "Backup policy", "--kind",
                         "policy", "--owner", people["officer"], "--controls", "9.99", *db)
    assert code == 1 and "--controls: No control '9.99'" in out + err
    code, out, err = run(capsys, "policies", "add", "--title", "Backup policy", "--kind",
                         "policy", "--owner", people["officer"], "--review-months", "0", *db)
    assert code == 1 and "review interval" in out + err
    code, out, err = run(capsys, "policies", "show", "POL-404", *db)
    assert code == 1 and "No document 'POL-404'" in out + err
    with _opened(register_db) as reg, reg.session() as s:
        assert s.execute(select(ControlledDocument)).first() is None


def test_only_an_approver_approves_and_the_approver_is_who_acts(
        register: Register, register_db: str, people: dict[str, str],
        capsys: pytest.CaptureFixture[str]) -> None:
    db = ("--db", register_db)
    code, out, err = run(capsys, "policies", "add", "--title", "Clear desk policy", "--kind",
                         "policy", "--owner", people["officer"], *db)
    assert code == 0, err + out
    with _opened(register_db) as reg, reg.transaction() as s:
        tom = s.execute(select(Person).where(Person.name == "Tom Hughes")).scalar_one()
        s.delete(s.get(PersonRole, (tom.id, Role.SIRO)))
    code, out, err = run(capsys, "policies", "approve", "POL-001", *db)
    assert code == 1 and "needs the approver or siro role" in out + err
    with _opened(register_db) as reg, reg.session() as s:
        document = s.execute(select(ControlledDocument)).scalar_one()
        assert (document.status, document.approved_by_id) == (DocumentStatus.DRAFT, None)


@pytest.mark.sqlite_only("a file in the evidence store needs a register file")
def test_a_procedure_file_is_kept_in_the_evidence_store_by_its_hash(
        register: Register, register_db: str, people: dict[str, str], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "Home working procedure v2.docx"
    source.write_bytes(b"home working: lock your screen")
    code, out, err = run(capsys, "policies", "add", "--title", "Home working procedure",
                         "--kind", "procedure", "--owner", people["officer"], "--file",
                         str(source), "--db", register_db)
    assert code == 0, err + out
    code, out, err = run(capsys, "policies", "show", "PRO-001", "--json", "--db", register_db)
    shown = json.loads(out)
    assert (shown["file"], shown["file_intact"]) == ("Home working procedure v2.docx", True)
    kept = Path(register_db).with_suffix(".evidence") / shown["sha256"][:2] / shown["sha256"]
    assert kept.read_bytes() == source.read_bytes()


def test_with_access_control_on_only_an_approver_writes_an_approval(
        register: Register, people: dict[str, str]) -> None:
    """The access guard refuses an editor's write of the approval columns, whatever calls it
    (not only the service), and lets the SIRO's through."""
    from isms.db.access_guard import ACCESS_SETTING
    from isms.errors import AccessDenied
    from isms.model import RegisterSetting

    with register.transaction() as s:
        officer = s.execute(select(Person).where(Person.name == "Priya Shah")).scalar_one()
        officer.username = "priya"
        s.add(RegisterSetting(key=ACCESS_SETTING, value={"enforced": True}))
        siro_login = s.execute(select(Person.username).where(
            Person.name == "Tom Hughes")).scalar_one()
    with register.session(actor="priya") as s:
        filed = policies.add_document(s, title="Password standard", kind="standard",
                                      owner_id=officer.id)
        document = s.get_one(ControlledDocument, filed.document_id)
        document.approved_by_id, document.approved_on = officer.id, TODAY
        document.status = DocumentStatus.APPROVED
        with pytest.raises(AccessDenied, match="approver"):
            s.flush()
        s.rollback()
    with register.session(actor=siro_login) as s:
        document = s.execute(select(ControlledDocument)).scalar_one()
        policies.approve_document(s, document.id, document.version)
    with register.session() as s:
        approved = s.execute(select(ControlledDocument)).scalar_one()
        assert approved.approved_by is not None and approved.approved_by.name == "Tom Hughes"
