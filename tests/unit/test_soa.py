"""The Statement of Applicability document (isms.services.soa.document) on real register files: one
row per Annex A 2022 control in clause order, the department and council-wide views, the gap
markers and the document-control block."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

import isms.catalogue
from isms.db import Register
from isms.io.exports.report import Marked
from isms.model import Applicability, Department, ImplementationStatus, Person, Role, SoaEntry
from isms.services import evidence, records, risks
from isms.services.read import queries
from isms.services.soa.document import GAP_FILL, row_record, soa_document, soa_report
from tests import builders

# Storage and service behaviour: the same on a SQLite file and a PostgreSQL server.
pytestmark = pytest.mark.both_backends

DAY = date(2026, 3, 2)
CATALOGUE = Path(isms.catalogue.__file__).parent / "data" / "iso27001_2022_annexA.csv"


def _clause(ref: str) -> tuple[int, ...]:
    return tuple(int(part) for part in ref.split("."))


def control_id(session: Session, ref: str) -> int:
    return queries.control_by_ref(session, ref).id


def decide_all(
    session: Session,
    department: Department,
    *,
    owner: Person | None = None,
    status: ImplementationStatus = ImplementationStatus.IMPLEMENTED,
) -> None:
    """Every Annex A control applicable in the department, so no check blocks approval."""
    for control in queries.controls(session):
        records.save_soa_entry(
            session, department.id, control.id, applicability=Applicability.APPLICABLE,
            reasons=["best practice"], implementation_status=status,
            owner_id=owner.id if owner else None,
        )
    # Sessions do not autoflush and save_soa_entry finds entries in SQL: flush, so a later
    # save of the same control edits this entry instead of adding a second one.
    session.flush()


def exclude_without_justification(session: Session, department: Department, ref: str) -> None:
    """What an import or an older register can hold, though the editor refuses to save it."""
    entry = records.save_soa_entry(session, department.id, control_id(session, ref))
    entry.applicability = Applicability.EXCLUDED
    entry.exclusion_justification = ""


def test_rows_are_the_catalogue_controls_in_clause_order(register: Register) -> None:
    with CATALOGUE.open(encoding="utf-8") as handle:
        expected = sorted(((r["ref_id"], r["title"]) for r in csv.DictReader(handle)),
                          key=lambda pair: _clause(pair[0]))
    with register.transaction() as session:
        dept = builders.department(session)
        # Entries for a 2013 control never make a row (the SoA is the 2022 Annex A).
        decide_all(session, dept)
    with register.session() as session:
        for department_id in (dept.id, None):
            rows = soa_document(session, department_id, DAY).rows
            assert [(row.ref, row.title) for row in rows] == expected
    refs = [ref for ref, _ in expected]
    assert len(refs) == 93 and refs.index("8.3") < refs.index("8.12")


def test_sort_key_sorts_clause_numbers_naturally(register: Register) -> None:
    with register.session() as session:
        refs = [c.ref for c in queries.controls(session)]
    assert refs == sorted(refs, key=_clause)
    assert refs[:2] == ["5.1", "5.2"] and refs[-1] == "8.34"


def test_department_row_carries_the_decision_risks_and_evidence(register: Register) -> None:
    with register.transaction() as session:
        dept, other = builders.department(session), builders.department(session)
        owner = builders.person(session, name="Gita Owner")
        decider = builders.person(session, name="Dan Decider")
        records.save_soa_entry(
            session, dept.id, control_id(session, "5.15"), reasons=["legal", "best practice"],
            inclusion_note="UK GDPR", implementation_status=ImplementationStatus.PLANNED,
            target_date=date(2026, 9, 1), implementation="Role-based access",
            owner_id=owner.id, decided_by_id=decider.id, decided_on=date(2026, 1, 5),
            last_review=date(2026, 1, 5), next_review=date(2027, 1, 5),
        )
        records.save_soa_entry(
            session, dept.id, control_id(session, "7.4"), applicability="excluded",
            exclusion_justification="No buildings of its own", decided_by_id=decider.id,
            decided_on=date(2026, 1, 6),
        )
        risk = builders.risk(session, dept, ref="R-0100")
        risks.link_control(session, risk, queries.control_by_ref(session, "5.15"))
        elsewhere = builders.risk(session, other, ref="R-0200")
        risks.link_control(session, elsewhere, queries.control_by_ref(session, "5.15"))
        evidence.add_link(session, ref="EV-0001", title="Access review", url="https://x/1",
                          evidence_date=DAY, department_id=dept.id,
                          controls=[control_id(session, "5.15")])
        evidence.add_link(session, ref="EV-0002", title="Policy", url="https://x/2",
                          evidence_date=DAY, controls=[control_id(session, "5.15")])
        evidence.add_link(session, ref="EV-0003", title="Theirs", url="https://x/3",
                          evidence_date=DAY, department_id=other.id,
                          controls=[control_id(session, "5.15")])
    with register.session() as session:
        rows = {row.ref: row for row in soa_document(session, dept.id, DAY).rows}
    access = rows["5.15"]
    assert access.applicability == Applicability.APPLICABLE
    # link_control added "risk assessment"; reasons keep the vocabulary's order.
    assert access.reasons == ("legal", "best practice", "risk assessment")
    assert access.risk_refs == ("R-0100",)
    assert [e.ref for e in access.evidence] == ["EV-0001", "EV-0002"]
    assert (access.owner, access.decided_by, access.decided_on) == (
        "Gita Owner", "Dan Decider", date(2026, 1, 5))
    assert access.status == ImplementationStatus.PLANNED
    assert access.target_date == date(2026, 9, 1)
    assert (access.last_review, access.next_review) == (date(2026, 1, 5), date(2027, 1, 5))
    excluded = rows["7.4"]
    assert excluded.applicability == Applicability.EXCLUDED
    assert excluded.exclusion_justification == "No buildings of its own"
    # No entry: undecided, not excluded.
    assert rows["5.1"].applicability is None and rows["5.1"].status is None


def test_gap_marker_exactly_for_controls_without_evidence(register: Register) -> None:
    with register.transaction() as session:
        dept = builders.department(session)
        decide_all(session, dept)
        records.save_soa_entry(session, dept.id, control_id(session, "8.30"),
                               applicability="excluded", exclusion_justification="No development")
        evidence.add_link(session, ref="EV-0001", title="Logs", url="https://x/1",
                          evidence_date=DAY, department_id=dept.id,
                          controls=[control_id(session, "8.15"), control_id(session, "5.1")])
        evidence.add_link(session, ref="EV-0002", title="Old scan", url="https://x/2",
                          evidence_date=date(2025, 1, 1), valid_days=90,
                          controls=[control_id(session, "8.8")])
    with register.session() as session:
        report = soa_report(soa_document(session, dept.id, DAY))
    evidence_column = [c.header for c in report.columns].index("Evidence")
    cells = {row[0]: row[evidence_column] for row in report.rows}
    assert len(cells) == 93 and report.row_count == 93
    marked = {ref for ref, cell in cells.items() if cell == Marked("No evidence", GAP_FILL)}
    assert marked == set(cells) - {"5.1", "8.15", "8.8", "8.30"}
    assert cells["8.15"] == "EV-0001"
    assert cells["8.30"] == ""  # excluded: nothing is missing
    stale = cells["8.8"]
    assert isinstance(stale, Marked) and stale.value == "EV-0002 (stale)"


def test_council_wide_aggregates_the_in_scope_departments(register: Register) -> None:
    with register.transaction() as session:
        asc = builders.department(session, code="ASC", name="Adult Social Care")
        hig = builders.department(session, code="HIG", name="Highways")
        off = builders.department(session, code="OFF", name="Out of scope", in_scope=False)
        a, b = builders.person(session, name="Ann"), builders.person(session, name="Bob")

        def decide(dept: Department, ref: str, applicability: str, status: str = "implemented",
                   owner: Person | None = None) -> None:
            records.save_soa_entry(
                session, dept.id, control_id(session, ref), applicability=applicability,
                implementation_status=status, owner_id=owner.id if owner else None,
                exclusion_justification="Not used here" if applicability == "excluded" else "",
                target_date=date(2026, 12, 1) if status == "planned" else None,
            )

        # 5.1: applicable in both; the weakest status wins; the out-of-scope one is ignored.
        decide(asc, "5.1", "applicable", "implemented", a)
        decide(hig, "5.1", "applicable", "partially implemented", b)
        decide(off, "5.1", "applicable", "not implemented")
        # 5.2: excluded in one, applicable in the other -> applicable, status from the applier.
        decide(asc, "5.2", "excluded")
        decide(hig, "5.2", "applicable", "planned")
        # 5.3: excluded by every in-scope department -> excluded (out of scope applies it).
        decide(asc, "5.3", "excluded")
        decide(hig, "5.3", "excluded")
        decide(off, "5.3", "applicable")
        # 5.4: provided by a third party in one, excluded in the other.
        decide(asc, "5.4", "provided by a third party")
        decide(hig, "5.4", "excluded")
        # 5.5: excluded in one, undecided in the other -> undecided, never silently excluded.
        decide(asc, "5.5", "excluded")
        # 5.6: applicable in one, undecided in the other -> the undecided one counts as
        # not implemented.
        decide(asc, "5.6", "applicable", "implemented")
        risk = builders.risk(session, off, ref="R-0900")
        risks.link_control(session, risk, queries.control_by_ref(session, "5.1"))
    with register.session() as session:
        document = soa_document(session, None, DAY)
        report = soa_report(document)
    rows = {row.ref: row for row in document.rows}
    one = rows["5.1"]
    assert (one.applicability, one.status) == (Applicability.APPLICABLE,
                                               ImplementationStatus.PARTIAL)
    assert one.breakdown() == "Implemented: ASC; Partially implemented: HIG"
    assert one.owner == "Ann, Bob"
    assert one.risk_refs == ()  # R-0900 belongs to the out-of-scope department
    assert (rows["5.2"].applicability, rows["5.2"].status) == (Applicability.APPLICABLE,
                                                               ImplementationStatus.PLANNED)
    assert rows["5.3"].applicability == Applicability.EXCLUDED and rows["5.3"].status is None
    assert rows["5.3"].exclusion_justification == "Not used here"
    assert rows["5.4"].applicability == Applicability.THIRD_PARTY
    assert rows["5.5"].applicability is None
    assert rows["5.5"].breakdown() == "Excluded: ASC; Undecided: HIG"
    assert rows["5.4"].breakdown() == "Provided by a third party (implemented): ASC; Excluded: HIG"
    # A version's snapshot keeps the per-department form, so approved versions still match.
    assert row_record(one)["departments"] == (
        "ASC: applicable/implemented; HIG: applicable/partially implemented")
    assert rows["5.6"].status == ImplementationStatus.NOT_IMPLEMENTED
    assert rows["5.7"].applicability is None
    headers = [c.header for c in report.columns]
    assert headers[-1] == "Departments"
    first = next(iter(report.rows))
    assert first[0] == "5.1" and first[-1] == one.breakdown()
    assert "ASC" in document.control.scope and "HIG" in document.control.scope
    assert "OFF" not in document.control.scope


def test_document_control_block(register: Register) -> None:
    with register.transaction() as session:
        dept = builders.department(session, code="ENV", name="Environment",
                                   description="Roads and waste")
        builders.person(session, name="Sam Smg", department=dept).add_role(Role.SMG_MEMBER)
        builders.person(session, name="Sara Siro").add_role(Role.SIRO)
    with register.session() as session:
        document = soa_document(session, dept.id, DAY)
        council = soa_document(session, None, DAY)
    control = document.control
    assert document.title == "Statement of Applicability - Environment"
    assert (control.version, control.is_draft) == (None, True)
    assert control.owner == "Sam Smg" and council.control.owner == "Sara Siro"
    # The default scheme is the Government Security Classifications.
    assert control.marking == "OFFICIAL-SENSITIVE"
    assert control.scope == "Environment (ENV): Roads and waste"
    assert control.edition == "ISO/IEC 27001:2022"
    report = soa_report(document)
    assert report.marking == "OFFICIAL-SENSITIVE"
    assert ("Version", "Draft (never approved)") in report.document_control
    assert ("Edition", "ISO/IEC 27001:2022") in report.document_control


def test_undecided_and_unjustified_cells_stand_out(register: Register) -> None:
    with register.transaction() as session:
        dept = builders.department(session)
        exclude_without_justification(session, dept, "5.19")
    with register.session() as session:
        report = soa_report(soa_document(session, dept.id, DAY))
        stored = session.query(SoaEntry).count()
    headers = [c.header for c in report.columns]
    rows = {row[0]: row for row in report.rows}
    applicable = headers.index("Applicable")
    justification = headers.index("Justification for exclusion")
    assert stored == 1
    assert rows["5.19"][applicable] == "No"
    assert rows["5.19"][justification] == Marked("No justification", GAP_FILL)
    assert rows["5.1"][applicable] == Marked("Undecided", GAP_FILL)


def test_council_wide_cells_are_compact_over_many_departments(register: Register) -> None:
    codes = ["D01", "D02", "D03", "D04", "D05", "D06", "D07", "D08"]
    # Who wrote which note on 5.1: the most common texts are shown, the rest counted.
    notes = {"D01": "Policy set", "D02": "Policy set", "D03": "Policy set", "D04": "Own policy",
             "D05": "Own policy", "D06": "Legacy", "D07": "Unique one", "D08": "Unique two"}
    statuses = {"D01": "implemented", "D02": "partially implemented", "D03": "implemented",
                "D04": "planned", "D05": "partially implemented", "D06": "not implemented"}
    with register.transaction() as session:
        for code in codes:
            dept = builders.department(session, code=code, name=f"Department {code}")
            owner = builders.person(session, name=f"Owner {code}")
            applicability = ("excluded" if code == "D07"
                             else None if code == "D08" else "applicable")
            if applicability is None:
                continue
            records.save_soa_entry(
                session, dept.id, control_id(session, "5.1"), applicability=applicability,
                implementation_status=statuses.get(code, "not implemented"),
                owner_id=owner.id,
                inclusion_note=notes[code],
                exclusion_justification="Not here" if applicability == "excluded" else "",
                target_date=date(2026, 12, 1) if code == "D04" else None,
            )
    with register.session() as session:
        document = soa_document(session, None, DAY)
        report = soa_report(document)
    row = document.rows[0]
    assert row.ref == "5.1"
    assert row.breakdown() == (
        "Implemented: D01, D03; Partially implemented: D02, D05; Planned: D04; "
        "Not implemented: D06; Excluded: D07; Undecided: D08")
    assert row.owner == ", ".join(f"Owner {c}" for c in codes[:6])
    headers = [c.header for c in report.columns]
    cells = dict(zip(headers, next(iter(report.rows)), strict=True))
    assert cells["Why included"] == (
        "D01, D02, D03: Policy set\nD04, D05: Own policy\nD06: Legacy")
    assert row.inclusion_note == cells["Why included"]
    assert cells["Control owner"] == "Owner D01, Owner D02, Owner D03 +3 more"
    assert cells["Departments"] == row.breakdown()
    # A fourth distinct text is left to the departments' own SoAs.
    with register.transaction() as session:
        records.save_soa_entry(session, queries.department_id(session, "D06"),
                               control_id(session, "5.1"), inclusion_note="Something else")
        records.save_soa_entry(session, queries.department_id(session, "D05"),
                               control_id(session, "5.1"),
                               inclusion_note="Unique three")
    with register.session() as session:
        document = soa_document(session, None, DAY)
        report = soa_report(document)
    # The row keeps every text (a version freezes it); the printed cell stops at three.
    assert document.rows[0].inclusion_note.endswith("\nD06: Something else")
    cells = dict(zip(headers, next(iter(report.rows)), strict=True))
    assert cells["Why included"] == (
        "D01, D02, D03: Policy set\nD04: Own policy\nD05: Unique three\n"
        "… and 1 more department (see their own SoAs)")
    # A department's own SoA is unchanged: its full texts and owner.
    with register.session() as session:
        own = soa_document(session, queries.department_id(session, "D01"), DAY).rows[0]
    assert (own.inclusion_note, own.owner, own.breakdown()) == ("Policy set", "Owner D01", "")
