"""Issue 17, point 7 (SoA truth): the council-wide SoA never hides a department's exclusion,
`isms soa check` flags the gaps an auditor raises first (not implemented with no target date,
an overdue review, "implemented" with no evidence), each naming department, control and fix."""

from __future__ import annotations

import json
import re
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from isms.cli import main
from isms.db import Register, migrate, open_register
from isms.db.engine import make_engine
from isms.db.location import resolve
from isms.db.register import peek_revision
from isms.db.session import default_actor
from isms.errors import ValidationError
from isms.io.exports.report import Marked
from isms.model import (
    Department,
    Evidence,
    ImplementationStatus,
    Role,
    Signature,
    SoaVersion,
)
from isms.services import evidence, records
from isms.services.read import queries
from isms.services.soa.checks import SoaCheck, SoaWarning, soa_checks
from isms.services.soa.document import GAP_FILL, row_record, soa_document, soa_report
from isms.services.soa.versions import approve_soa
from tests import builders
from tests.unit.test_soa import control_id, decide_all, exclude_without_justification

pytestmark = pytest.mark.both_backends

DAY = date(2026, 3, 2)


# --- the council-wide SoA shows mixed decisions -----------------------------------------------


def _mixed_council(session: Session) -> None:
    """5.19 applied by ASC, excluded by CHS with a reason and by HRD with none; 7.4 excluded
    by CHS alone (justified); 5.3 excluded everywhere, HRD without a reason."""
    asc = builders.department(session, code="ASC", name="Adult Social Care")
    chs = builders.department(session, code="CHS", name="Children's Services")
    hrd = builders.department(session, code="HRD", name="Human Resources")
    for dept in (asc, chs, hrd):
        decide_all(session, dept)
    records.save_soa_entry(session, chs.id, control_id(session, "5.19"), applicability="excluded",
                           exclusion_justification="No suppliers hold our data")
    exclude_without_justification(session, hrd, "5.19")
    records.save_soa_entry(session, chs.id, control_id(session, "7.4"), applicability="excluded",
                           exclusion_justification="No premises of our own")
    for dept in (asc, chs):
        records.save_soa_entry(session, dept.id, control_id(session, "5.3"),
                               applicability="excluded", exclusion_justification="Too small")
    exclude_without_justification(session, hrd, "5.3")


def _council_cells(register: Register) -> dict[str, dict[str, object]]:
    with register.session() as session:
        report = soa_report(soa_document(session, None, DAY))
    headers = [c.header for c in report.columns]
    return {str(row[0]): dict(zip(headers, row, strict=True)) for row in report.rows}


def test_council_wide_soa_names_each_exclusion_and_whether_it_was_justified(
    register: Register,
) -> None:
    """Finding: "a control shows 'Applicable: Yes' with a blank justification while one
    department excluded it without one"."""
    with register.transaction() as session:
        _mixed_council(session)
    cells = _council_cells(register)
    mixed = cells["5.19"]
    assert mixed["Applicable"] == Marked(
        "Yes; excluded by CHS (justified) and HRD (unjustified)", GAP_FILL)
    assert mixed["Justification for exclusion"] == Marked(
        "HRD: NO JUSTIFICATION\nCHS: No suppliers hold our data", GAP_FILL)
    # Justified everywhere it is excluded: said plainly, nothing to colour.
    assert cells["7.4"]["Applicable"] == "Yes; excluded by CHS (justified)"
    assert cells["7.4"]["Justification for exclusion"] == "CHS: No premises of our own"
    # Excluded everywhere: the one department without a reason is not hidden by the others'.
    assert cells["5.3"]["Applicable"] == "No"
    assert cells["5.3"]["Justification for exclusion"] == Marked(
        "HRD: NO JUSTIFICATION\nASC, CHS: Too small", GAP_FILL)
    # Applied everywhere: unchanged.
    assert (cells["5.1"]["Applicable"], cells["5.1"]["Justification for exclusion"]) == (
        "Yes", "")
    # An approved version freezes what the document shows.
    with register.session() as session:
        rows = {row.ref: row for row in soa_document(session, None, DAY).rows}
    assert row_record(rows["5.19"])["exclusion_justification"] == (
        "HRD: NO JUSTIFICATION\nCHS: No suppliers hold our data")
    assert row_record(rows["7.4"])["exclusion_justification"] == "CHS: No premises of our own"
    # A department's own SoA is unchanged.
    with register.session() as session:
        own = soa_report(soa_document(session, queries.department_id(session, "CHS"), DAY))
    headers = [c.header for c in own.columns]
    own_cells = {str(r[0]): dict(zip(headers, r, strict=True)) for r in own.rows}
    assert (own_cells["5.19"]["Applicable"],
            own_cells["5.19"]["Justification for exclusion"]) == (
        "No", "No suppliers hold our data")


def _pdf_pages(path: Path) -> list[str]:
    done = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True)
    return done.stdout.split("\f")


@pytest.mark.sqlite_only("exports a register file through the command line")
def test_council_wide_soa_files_show_the_mixed_decision(
    register_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with open_register(str(register_path)) as register, register.transaction() as session:
        _mixed_council(session)
    xlsx, pdf = tmp_path / "soa.xlsx", tmp_path / "soa.pdf"
    for out in (xlsx, pdf):
        assert main(["export", "soa", "--out", str(out), "--db", str(register_path),
                     "--as-of", DAY.isoformat()]) == 0, capsys.readouterr().err
    sheet = openpyxl.load_workbook(xlsx)["Statement of Applicability"]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = [str(h) for h in rows[0]]
    row = next(r for r in rows if r[0] == "5.19")
    assert row[header.index("Applicable")] == (
        "Yes; excluded by CHS (justified) and HRD (unjustified)")
    assert row[header.index("Justification for exclusion")] == (
        "HRD: NO JUSTIFICATION\nCHS: No suppliers hold our data")
    assert subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True).returncode == 0
    # Page by page: the page that lists 5.19 says who excluded it and that HRD gave no reason,
    # no word of it split across lines.
    pages = _pdf_pages(pdf)
    listing = [page for page in pages if re.search(r"^\s*5\.19\s", page, re.MULTILINE)]
    assert len(listing) == 1, "5.19 is listed on one page"
    words = listing[0].split()
    for word in ("excluded", "CHS", "(justified)", "HRD", "(unjustified)", "HRD:", "NO",
                 "JUSTIFICATION", "CHS:", "suppliers"):
        assert word in words, word


# --- the checks ---------------------------------------------------------------------------


@pytest.fixture
def clean(register: Register) -> Department:
    """ASC: every control applicable, implemented, owned and evidenced, reviews not yet due."""
    with register.transaction() as session:
        dept = builders.department(session, code="ASC")
        decide_all(session, dept, owner=builders.person(session))
        evidence.add_link(
            session, ref="EV-0001", title="Everything", url="https://x/1", evidence_date=DAY,
            valid_days=365, department_id=dept.id,
            controls=[c.id for c in queries.controls(session)],
        )
    return dept


def _found(register: Register, department: int | None, day: date = DAY) -> list[SoaWarning]:
    with register.session() as session:
        return soa_checks(session, department, day)


def _by_check(warnings: list[SoaWarning]) -> dict[SoaCheck, list[SoaWarning]]:
    found: dict[SoaCheck, list[SoaWarning]] = {}
    for warning in warnings:
        found.setdefault(warning.check, []).append(warning)
    return found


def _unlink(session: Session, *refs: str) -> None:
    item = session.execute(select(Evidence)).scalar_one()
    records.update_evidence(session, item, controls=[
        c.id for c in queries.controls(session) if c.ref not in refs])


def test_check_flags_what_is_not_implemented_with_no_target_date(
    register: Register, clean: Department
) -> None:
    """Finding: "`isms soa check` does not flag applicable controls not implemented with no
    target date"."""
    with register.transaction() as session:
        for ref, status, target in (("8.12", "not implemented", None),
                                    ("8.14", "partially implemented", None),
                                    ("8.15", "planned", date(2026, 9, 30))):
            records.save_soa_entry(session, clean.id, control_id(session, ref),
                                   implementation_status=status, target_date=target)
        # Planned with no date: the editor refuses it, an import or an older register holds it.
        planned = records.save_soa_entry(session, clean.id, control_id(session, "8.13"))
        planned.implementation_status = ImplementationStatus.PLANNED
    found = _by_check(_found(register, clean.id))
    assert list(found) == [SoaCheck.NO_TARGET_DATE]
    assert [(w.department, w.control, w.blocking) for w in found[SoaCheck.NO_TARGET_DATE]] == [
        ("ASC", "8.12", False), ("ASC", "8.13", False), ("ASC", "8.14", False)]
    assert found[SoaCheck.NO_TARGET_DATE][0].message == (
        "Control 8.12 applies in ASC but is not implemented and has no target date: set the "
        "date by which it will be in place, or record its real status.")
    assert "is partially implemented and has no target date" in (
        found[SoaCheck.NO_TARGET_DATE][2].message)


def test_check_flags_overdue_control_reviews(register: Register, clean: Department) -> None:
    """Finding: "`isms soa check` does not flag ... overdue control reviews"."""
    with register.transaction() as session:
        records.save_soa_entry(session, clean.id, control_id(session, "5.10"),
                               last_review=date(2025, 2, 1), next_review=date(2026, 2, 1))
        records.save_soa_entry(session, clean.id, control_id(session, "5.11"),
                               last_review=date(2025, 3, 2), next_review=DAY)  # due today
        records.save_soa_entry(session, clean.id, control_id(session, "5.7"),
                               applicability="excluded", exclusion_justification="No feeds",
                               next_review=date(2025, 12, 31))
    found = _by_check(_found(register, clean.id))
    assert list(found) == [SoaCheck.REVIEW_OVERDUE]
    assert [(w.control, w.message) for w in found[SoaCheck.REVIEW_OVERDUE]] == [
        ("5.7", "The review of the exclusion of control 5.7 in ASC was due on 2025-12-31 "
                "(61 days ago): review the decision and set the next review date."),
        ("5.10", "The review of control 5.10 in ASC was due on 2026-02-01 (29 days ago): "
                 "review the control and set the next review date."),
    ]


def test_check_flags_implemented_with_no_evidence(register: Register, clean: Department) -> None:
    """Finding: "`isms soa check` does not flag ... 'implemented' with no evidence": a claim
    that a control operates, with nothing to show it, is told apart from a control not yet
    in place (whose missing evidence is expected)."""
    with register.transaction() as session:
        _unlink(session, "7.2", "7.3", "7.5")
        records.save_soa_entry(session, clean.id, control_id(session, "7.3"),
                               implementation_status="partially implemented",
                               target_date=date(2026, 6, 1))
        records.save_soa_entry(session, clean.id, control_id(session, "7.5"),
                               implementation_status="planned", target_date=date(2026, 6, 1))
        # Evidence of the whole council (no department) counts for every department.
        evidence.add_link(session, ref="EV-0002", title="Council policy", url="https://x/2",
                          evidence_date=DAY, controls=[control_id(session, "7.3")])
    found = _by_check(_found(register, clean.id))
    assert list(found) == [SoaCheck.IMPLEMENTED_NO_EVIDENCE, SoaCheck.NO_EVIDENCE]
    [claimed] = found[SoaCheck.IMPLEMENTED_NO_EVIDENCE]
    assert (claimed.department, claimed.control) == ("ASC", "7.2")
    assert claimed.message == (
        "Control 7.2 is recorded as implemented in ASC but has no evidence that it operates: "
        "link evidence, or record its real status.")
    assert [w.control for w in found[SoaCheck.NO_EVIDENCE]] == ["7.5"]


@pytest.mark.sqlite_only("runs the command line on a register file")
def test_cli_check_names_department_control_and_fix(
    register_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    today = date.today()
    with open_register(str(register_path)) as register, register.transaction() as session:
        dept = builders.department(session, code="ASC")
        decide_all(session, dept, owner=builders.person(session))
        evidence.add_link(session, ref="EV-0001", title="Everything", url="https://x/1",
                          evidence_date=today, department_id=dept.id,
                          controls=[c.id for c in queries.controls(session) if c.ref != "6.3"])
        records.save_soa_entry(session, dept.id, control_id(session, "8.12"),
                               implementation_status="not implemented")
        records.save_soa_entry(session, dept.id, control_id(session, "5.10"),
                               next_review=today - timedelta(days=3))
    assert main(["soa", "check", "--department", "asc", "--json",
                 "--db", str(register_path)]) == 0
    found = json.loads(capsys.readouterr().out)
    assert [(w["department"], w["control"], w["check"], w["blocks_approval"]) for w in found] == [
        ("ASC", "5.10", "review overdue", False),
        ("ASC", "6.3", "implemented without evidence", False),
        ("ASC", "8.12", "not implemented, no target date", False),
    ]
    assert "set the next review date" in found[0]["message"]
    assert main(["soa", "check", "--department", "asc", "--db", str(register_path)]) == 0
    out = capsys.readouterr().out
    assert "3 warning(s); 0 block approval." in out
    assert ("Approving with them needs `isms soa approve --department ASC "
            "--acknowledge-warnings 3`: the version records that the approver read them.") in out


# --- approving with warnings needs them acknowledged -----------------------------------------

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


@pytest.fixture
def warned(register: Register) -> int:
    """ASC: every control implemented and owned, none evidenced (93 warnings); an approver."""
    with register.transaction() as session:
        dept = builders.department(session, code="ASC", name="Adult Social Care")
        decide_all(session, dept, owner=builders.person(session))
        builders.person(session, name="Ada Approver", username="ada").add_role(Role.APPROVER)
    return dept.id


def test_approval_with_warnings_needs_the_approver_to_acknowledge_them(
    register: Register, warned: int
) -> None:
    """Finding: "a department SoA can be approved with 95 warnings"."""
    for acknowledged, refusal in (
        (None, "The SoA of ASC has 93 warnings standing (isms soa check lists them): approving "
               "with them needs the approver to acknowledge them (isms soa approve "
               "--acknowledge-warnings 93; in the window, tick 'I have read the 93 warnings'), "
               "or fix them first."),
        (92, "The SoA of ASC has 93 warnings standing (isms soa check lists them), not the 92 "
             "acknowledged: read them again and acknowledge 93."),
    ):
        with pytest.raises(ValidationError) as refused, \
                register.transaction(actor="ada") as session:
            approve_soa(session, warned, "", NOW, acknowledged=acknowledged)
        assert str(refused.value) == refusal
    with register.session() as session:
        assert session.query(SoaVersion).count() == 0 and session.query(Signature).count() == 0
    with register.transaction(actor="ada") as session:
        approval = approve_soa(session, warned, "Stage 1", NOW, acknowledged=93)
        assert len(approval.warnings) == 93
    with register.session() as session:
        version = session.execute(select(SoaVersion)).scalar_one()
        kept = version.acknowledged_warnings
        document = soa_document(session, warned, DAY)
    assert len(kept) == 93
    assert kept[0] == {
        "department": "ASC", "control": "5.1", "check": "implemented without evidence",
        "message": "Control 5.1 is recorded as implemented in ASC but has no evidence that it "
                   "operates: link evidence, or record its real status."}
    assert ("Version", "1 (approved with 93 warnings acknowledged)") in (
        soa_report(document).document_control)
    # Changed since: both said.
    with register.transaction() as session:
        records.save_soa_entry(session, warned, control_id(session, "8.12"),
                               implementation="Email DLP")
    with register.session() as session:
        pairs = soa_document(session, warned, DAY).control.pairs()
    assert ("Version", "1 (approved with 93 warnings acknowledged; draft: changed since "
                       "approval)") in pairs


def test_a_soa_without_warnings_approves_without_acknowledging(
    register: Register, clean: Department
) -> None:
    with register.transaction() as session:
        builders.person(session, name="Ada Approver", username="ada").add_role(Role.APPROVER)
    with register.transaction(actor="ada") as session:
        assert approve_soa(session, clean.id, "", NOW).warnings == []
    with register.session() as session:
        version = session.execute(select(SoaVersion)).scalar_one()
        assert version.acknowledged_warnings == []
        assert ("Version", "1") in soa_document(session, clean.id, DAY).control.pairs()
    with pytest.raises(ValidationError, match="has 0 warnings standing .*, not the 3 "), \
            register.transaction(actor="ada") as session:
        approve_soa(session, clean.id, "", NOW, acknowledged=3)


@pytest.mark.sqlite_only("runs the command line on a register file")
def test_cli_approve_tells_the_count_and_records_the_acknowledgement(
    register_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(register_path)
    with open_register(db) as register, register.transaction() as session:
        dept = builders.department(session, code="ENV", name="Environment")
        decide_all(session, dept, owner=builders.person(session))
        builders.person(session, name="Ada Approver",
                        username=default_actor()).add_role(Role.APPROVER)
    assert main(["soa", "approve", "--department", "ENV", "--db", db]) == 1
    err = capsys.readouterr().err
    assert err.startswith("isms: error: The SoA of ENV has 93 warnings standing")
    assert "--acknowledge-warnings 93" in err and len(err.strip().splitlines()) == 1
    assert main(["soa", "approve", "--department", "ENV", "--acknowledge-warnings", "93",
                 "--db", db]) == 0
    assert capsys.readouterr().out.strip() == (
        "Approved SoA version 1 (ENV) by Ada Approver, with 93 warnings acknowledged (isms soa "
        "check lists them).")
    assert main(["soa", "versions", "--department", "ENV", "--json", "--db", db]) == 0
    versions = json.loads(capsys.readouterr().out)
    assert [(v["number"], v["warnings_acknowledged"]) for v in versions] == [(1, 93)]
    pdf = tmp_path / "soa.pdf"
    assert main(["export", "soa", "--out", str(pdf), "--department", "ENV", "--db", db,
                 "--as-of", date.today().isoformat()]) == 0
    capsys.readouterr()
    first = " ".join(_pdf_pages(pdf)[0].split())
    assert "Version 1 (approved with 93 warnings acknowledged)" in first


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_versions_approved_before_0015_upgrade_with_none_recorded(
    database: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url = (str(tmp_path / "old.isms") if database == "sqlite"
           else str(request.getfixturevalue("pg_empty_url")))
    engine = make_engine(resolve(url), for_migration=True)
    migrate.upgrade(engine, "0014")
    at = {"at": datetime(2026, 12, 1, 9, tzinfo=UTC)}
    with engine.begin() as db:
        db.execute(text(
            "INSERT INTO person (id, name, email, job_title, active, verified, version, "
            "created_at, updated_at) VALUES (1, 'Ada Approver', 'ada@x', '', :yes, :yes, 1, :at, "
            ":at)"),
            {**at, "yes": True})
        db.execute(text(
            "INSERT INTO soa_version (id, department_id, number, approved_by_id, approved_at, "
            "note, snapshot) VALUES (4, NULL, 2, 1, :at, 'Stage 1', '[]')"), at)
    engine.dispose()
    register = open_register(url)
    try:
        assert peek_revision(register.location) == migrate.head()
        with register.session() as session:
            version = session.execute(select(SoaVersion)).scalar_one()
            assert (version.id, version.number, version.note, version.snapshot,
                    version.acknowledged_warnings) == (4, 2, "Stage 1", [], [])
        with register.engine.connect() as connection:
            assert migrate.check(connection) == []
    finally:
        register.close()
