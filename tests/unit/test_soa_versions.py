"""Approving, versioning and comparing Statements of Applicability (isms.services.soa.versions)
and the `isms soa` commands, on real register files."""

from __future__ import annotations

import argparse
import json
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy.orm import Session

from isms.cli import main, soa_commands
from isms.db import Register, open_register
from isms.db.session import default_actor
from isms.errors import AccessDenied, ValidationError
from isms.model import Person, Role, Signature, SignatureKind, SignatureState, SoaVersion
from isms.services import records
from isms.services.soa.document import soa_document
from isms.services.soa.versions import (
    approve_soa,
    is_draft,
    soa_changes,
    soa_changes_report,
    soa_versions,
)
from tests import builders
from tests.pdf_pages import assert_not_split, assert_pdf_sound, pdf_pages
from tests.unit.test_soa import control_id, decide_all, exclude_without_justification

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def _get_person(session: Session, person_id: int) -> Person:
    person = session.get(Person, person_id)
    assert person is not None
    return person


def _approver(session: Session, role: Role = Role.APPROVER, **fields: Any) -> Person:
    who = builders.person(session, **fields)
    who.add_role(role)
    return who


@pytest.fixture
def decided(register: Register) -> tuple[int, int]:
    """(department id, approver id): a department whose every control is decided."""
    with register.transaction() as session:
        dept = builders.department(session, code="ASC", name="Adult Social Care")
        decide_all(session, dept, owner=builders.person(session))
        approver = _approver(session, email="approver@council.gov.uk", username="approver")
    return dept.id, approver.id


def test_approve_freezes_version_one_then_edits_make_a_draft(
    register: Register, decided: tuple[int, int]
) -> None:
    dept, approver_id = decided
    with register.transaction(actor="approver") as session:
        # No evidence yet: not blocking, acknowledged by the approver (test_soa_truth.py).
        approval = approve_soa(session, dept, " First ", NOW, acknowledged=93)
        assert approval.version.number == 1
        assert len(approval.warnings) == 93
    with register.session() as session:
        version = soa_versions(session, dept)[0]
        assert (version.number, version.note, version.approved_at) == (1, "First", NOW)
        # The approval is the acting approver's act, recorded as theirs.
        assert version.approved_by_id == approver_id
        signature = session.query(Signature).one()
        assert (signature.kind, signature.subject_table, signature.subject_id,
                signature.signer_id, signature.recorded_by, signature.recorded_by_id,
                signature.state) == (SignatureKind.SOA_APPROVAL, "soa_version", version.id,
                                     approver_id, "approver", approver_id,
                                     SignatureState.CONFIRMED)
        assert len(version.snapshot) == 93 and version.snapshot[0]["ref"] == "5.1"
        document = soa_document(session, dept, date(2026, 3, 2))
        assert (document.control.version, document.control.is_draft) == (1, False)
        assert document.control.approver is not None
    with register.transaction() as session:
        records.save_soa_entry(session, dept, control_id(session, "8.12"),
                               implementation_status="partially implemented",
                               implementation="Email DLP only")
    with register.session() as session:
        assert is_draft(session, dept)
        assert soa_document(session, dept, date(2026, 3, 2)).control.is_draft
        changes = soa_changes(session, dept, 1)
    assert [(c.control, c.field, c.before, c.after) for c in changes] == [
        ("8.12", "implementation_status", "implemented", "partially implemented"),
        ("8.12", "implementation", "", "Email DLP only"),
    ]
    with register.transaction(actor="approver") as session:
        # 8.12 partly in place with no target date: one warning more to acknowledge.
        again = approve_soa(session, dept, "", NOW, acknowledged=94)
        assert again.version.number == 2
    with register.session() as session:
        assert not is_draft(session, dept)
        assert len(soa_changes(session, dept, 1, 2)) == 2
        assert soa_changes(session, dept, 2) == []
        report = soa_changes_report(session, dept, 1, 2, generated=NOW)
    assert report.title == "SoA changes - Adult Social Care: version 1 to version 2"
    assert list(report.rows)[0] == ("8.12", "Implementation status", "implemented",
                                    "partially implemented")
    assert report.marking == "OFFICIAL-SENSITIVE"


def test_council_wide_versions_are_numbered_apart(
    register: Register, decided: tuple[int, int]
) -> None:
    dept, _ = decided
    with register.transaction(actor="approver") as session:
        approve_soa(session, dept, "", NOW, acknowledged=93)
        council = approve_soa(session, None, "council", NOW, acknowledged=93)
        assert council.version.number == 1 and council.version.department_id is None
    with register.session() as session:
        assert [v.number for v in soa_versions(session, None)] == [1]
        assert soa_versions(session, None)[0].snapshot[0]["departments"] == (
            "ASC: applicable/implemented")


def test_only_an_approver_or_the_siro_may_approve(
    register: Register, decided: tuple[int, int]
) -> None:
    dept, _ = decided
    with register.transaction() as session:
        owner = builders.person(session, name="Olive Owner", username="olive")
        owner.add_role(Role.CONTROL_OWNER)
        siro = _approver(session, Role.SIRO, username="siro")
        _approver(session, active=False, name="Gone Away", username="gone")
    for actor, refusal in (
        ("olive", "Olive Owner may not approve the SoA of ASC: that needs the approver or siro "
                  "role"),
        ("gone", "Gone Away may not approve the SoA of ASC: Gone Away has left"),
        ("stranger", "stranger may not approve the SoA of ASC: .* not a person in this "
                     "register"),
    ):
        with pytest.raises(AccessDenied, match=refusal) as refused, \
                register.transaction(actor=actor) as session:
            approve_soa(session, dept, "", NOW, acknowledged=93)
        assert refused.value.actor == actor
    with register.transaction(actor="siro") as session:
        version = approve_soa(session, dept, "", NOW, acknowledged=93).version
        assert (version.number, version.approved_by_id) == (1, siro.id)


def test_approval_refused_while_an_exclusion_is_unjustified_or_a_control_undecided(
    register: Register,
) -> None:
    with register.transaction() as session:
        dept = builders.department(session, code="HIG")
        _approver(session, username="approver")
        exclude_without_justification(session, dept, "5.19")
    with register.transaction(actor="approver") as session:
        with pytest.raises(ValidationError) as refused:
            approve_soa(session, dept.id, "", NOW)
    message = str(refused.value)
    assert "HIG: exclusion without justification for 5.19" in message
    assert "HIG: no decision for 5.1, 5.2" in message and "and 84 more" in message
    with register.session() as session:
        assert session.query(SoaVersion).count() == 0


# --- the command line -----------------------------------------------------------------------


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    parser = argparse.ArgumentParser(prog="isms")
    soa_commands.add_commands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(list(argv))
    assert args.handler(args) == 0
    return capsys.readouterr().out


def test_cli_approve_versions_changes_and_check(
    capsys: pytest.CaptureFixture[str], register_path: Path
) -> None:
    db = str(register_path)
    with open_register(db) as register, register.transaction() as session:
        dept = builders.department(session, code="ENV", name="Environment")
        decide_all(session, dept, owner=builders.person(session))
        # The command line acts as the operating-system account running it.
        ada = _approver(session, name="Ada Approver", email="ada@council.gov.uk",
                        username=default_actor())
        builders.person(session, name="Nora Nobody", email="nora@council.gov.uk")
    out = _run(capsys, "soa", "approve", "--department", "env", "--note", "Stage 1",
               "--acknowledge-warnings", "93", "--db", db)
    assert "Approved SoA version 1 (ENV) by Ada Approver" in out
    versions = json.loads(_run(capsys, "soa", "versions", "--department", "ENV", "--json",
                               "--db", db))
    assert [(v["number"], v["approved_by"], v["note"]) for v in versions] == [
        (1, "Ada Approver", "Stage 1")]
    with open_register(db) as register, register.transaction() as session:
        records.save_soa_entry(session, dept.id, control_id(session, "5.7"), owner_id=None)
    changes = json.loads(_run(capsys, "soa", "changes", "--department", "ENV", "--from", "1",
                              "--json", "--db", db))
    assert [(c["control"], c["field"], c["after"]) for c in changes] == [("5.7", "owner", "")]
    document = register_path.parent / "changes.xlsx"
    _run(capsys, "soa", "changes", "--department", "ENV", "--from", "1", "--out",
         str(document), "--db", db)
    sheet = openpyxl.load_workbook(document).worksheets[1]
    assert [list(r) for r in sheet.iter_rows(min_row=2, values_only=True)][0][0] == "5.7"
    checks = json.loads(_run(capsys, "soa", "check", "--department", "ENV", "--json",
                             "--db", db))
    assert {(c["control"], c["check"]) for c in checks if c["check"] == "no owner"} == {
        ("5.7", "no owner")}
    # Naming someone else as the approver is no longer possible...
    with pytest.raises(SystemExit):
        _run(capsys, "soa", "approve", "--council", "--approver", "ada@council.gov.uk",
             "--db", db)
    # ... and whoever runs the command signs as themselves: the account is now Nora's.
    with open_register(db) as register, register.transaction() as session:
        session.merge(ada).username = None
        session.flush()
        nora = session.query(Person).filter_by(name="Nora Nobody").one()
        nora.username = default_actor()
    with pytest.raises(AccessDenied, match="Nora Nobody may not approve the council-wide SoA: "
                       "that needs the approver or siro role"):
        _run(capsys, "soa", "approve", "--council", "--db", db)


def test_the_versions_document_and_the_change_list_say_what_each_approval_acknowledged(
    register: Register, decided: tuple[int, int], register_db: str, tmp_path: Path,
    capsys: pytest.CaptureFixture[str]
) -> None:
    """The pack's list of approved versions (item 5) and the change list between two versions
    say "approved with N warnings acknowledged" of each version (issue 17, 7)."""
    from isms.services.soa.versions import soa_versions_report

    dept, _ = decided
    with register.transaction(actor="approver") as session:
        approve_soa(session, dept, "First", NOW, acknowledged=93)
    with register.transaction() as session:
        # Partly in place with no target date: one warning more.
        records.save_soa_entry(session, dept, control_id(session, "8.12"),
                               implementation_status="partially implemented",
                               implementation="Email DLP only")
    with register.transaction(actor="approver") as session:
        approve_soa(session, dept, "Second", NOW, acknowledged=94)
    with register.session() as session:
        versions = soa_versions_report(session, dept, NOW)
        changes = soa_changes_report(session, dept, 1, 2, generated=NOW)
    header = [c.header for c in versions.columns]
    rows = [dict(zip(header, row, strict=True)) for row in versions.rows]
    assert [(r["Version"], r["Approval"], r["Note"]) for r in rows] == [
        (1, "approved with 93 warnings acknowledged", "First"),
        (2, "approved with 94 warnings acknowledged", "Second"),
    ]
    assert dict(changes.document_control)["From"].endswith(
        "2026-03-02; approved with 93 warnings acknowledged)")
    assert dict(changes.document_control)["To"].endswith(
        "2026-03-02; approved with 94 warnings acknowledged)")
    # As the audit pack prints it, page by page.
    pack = tmp_path / "pack.zip"
    assert main(["export", "pack", "--db", register_db, "--department", "ASC", "--out",
                 str(pack), "--as-of", "2026-03-02"]) == 0, capsys.readouterr().err
    with zipfile.ZipFile(pack) as archive:
        archive.extract("soa-versions.pdf", tmp_path)
    assert_pdf_sound(tmp_path / "soa-versions.pdf")
    pages = pdf_pages(tmp_path / "soa-versions.pdf")
    assert_not_split(pages, ["OFFICIAL-SENSITIVE"])
    lines = [line.split() for page in pages for line in page.splitlines()]
    for number, count in (("1", 93), ("2", 94)):
        row = next(words for words in lines if words[:1] == [number])
        assert f"approved with {count} warnings acknowledged" in " ".join(row)
