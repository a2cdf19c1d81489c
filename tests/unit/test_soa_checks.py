"""Pre-flight checks of the SoA (isms.services.soa.checks): each fires on a built case, names
the department and control, and stays quiet on a clean SoA."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from isms.db import Register
from isms.model import ActionStatus, Department, Evidence, Person, TreatmentAction
from isms.services import evidence, records, risks
from isms.services.read import queries
from isms.services.soa.checks import SoaCheck, SoaWarning, soa_checks
from tests import builders
from tests.unit.test_soa import control_id, decide_all, exclude_without_justification

DAY = date(2026, 3, 2)


@pytest.fixture
def clean(register: Register) -> Department:
    """A department whose every control is applicable, owned and evidenced (currently)."""
    with register.transaction() as session:
        dept = builders.department(session, code="ASC")
        decide_all(session, dept, owner=builders.person(session))
        evidence.add_link(
            session, ref="EV-0001", title="Everything", url="https://x/1", evidence_date=DAY,
            valid_days=365, department_id=dept.id,
            controls=[c.id for c in queries.controls(session)],
        )
    return dept


def _found(register: Register, department: int | None = None) -> list[SoaWarning]:
    with register.session() as session:
        return soa_checks(session, department, DAY)


def _only(warnings: list[SoaWarning], check: SoaCheck) -> SoaWarning:
    assert [(w.check, w.department) for w in warnings] == [(check, "ASC")]
    return warnings[0]


def test_a_clean_soa_has_no_warnings(register: Register, clean: Department) -> None:
    assert _found(register, clean.id) == []
    assert _found(register) == []  # council-wide: every in-scope department


def test_undecided_control(register: Register, clean: Department) -> None:
    with register.transaction() as session:
        other = builders.department(session, code="HIG")
        builders.department(session, code="OFF", in_scope=False)
        decide_all(session, other)
        session.delete(records.soa_entry(session, other.id, control_id(session, "6.3")))
    found = [w for w in _found(register) if w.check == SoaCheck.UNDECIDED]
    assert [(w.department, w.control, w.blocking) for w in found] == [("HIG", "6.3", True)]
    assert "HIG has not decided on control 6.3" in found[0].message


def test_exclusion_without_justification(register: Register, clean: Department) -> None:
    with register.transaction() as session:
        exclude_without_justification(session, session.merge(clean), "5.19")
    warning = _only(_found(register, clean.id), SoaCheck.EXCLUSION_UNJUSTIFIED)
    assert warning.control == "5.19" and warning.blocking
    assert "excluded in ASC with no justification" in warning.message


def test_excluded_control_that_risks_and_actions_rely_on(
    register: Register, clean: Department
) -> None:
    with register.transaction() as session:
        dept = session.merge(clean)
        risk = builders.risk(session, dept, ref="R-0007")
        risks.link_control(session, risk, queries.control_by_ref(session, "5.19"))
        other = builders.risk(session, dept, ref="R-0012")
        risks.add_action(other, "Agree DSAs", control=queries.control_by_ref(session, "5.19"))
        session.flush()
        # Excluded afterwards (the editor allows it): the risks still rely on it.
        records.save_soa_entry(session, dept.id, control_id(session, "5.19"),
                               applicability="excluded", exclusion_justification="No suppliers")
    warning = _only(_found(register, clean.id), SoaCheck.EXCLUDED_BUT_RELIED_ON)
    assert warning.control == "5.19" and not warning.blocking
    assert "risks R-0007 and open treatment actions of R-0012 rely on it" in warning.message
    with register.transaction() as session:
        for action in session.query(TreatmentAction):
            action.status = ActionStatus.DONE
        risks.unlink_control(queries.risk_by_ref(session, "R-0007"),
                             queries.control_by_ref(session, "5.19"))
    assert _found(register, clean.id) == []


def test_applicable_control_without_owner(register: Register, clean: Department) -> None:
    with register.transaction() as session:
        records.save_soa_entry(session, clean.id, control_id(session, "8.7"), owner_id=None)
    warning = _only(_found(register, clean.id), SoaCheck.NO_OWNER)
    assert warning.control == "8.7" and "name a control owner" in warning.message


def test_applicable_control_without_evidence(register: Register, clean: Department) -> None:
    """A control not yet in place (planned, with its date) and without evidence; one recorded
    as implemented is the sharper check of tests/unit/test_soa_truth.py."""
    with register.transaction() as session:
        item = session.execute(select(Evidence)).scalar_one()
        records.update_evidence(session, item, controls=[
            c.id for c in queries.controls(session) if c.ref != "7.2"])
        records.save_soa_entry(session, clean.id, control_id(session, "7.2"),
                               implementation_status="planned", target_date=date(2026, 9, 1))
    warning = _only(_found(register, clean.id), SoaCheck.NO_EVIDENCE)
    assert warning.control == "7.2" and "link evidence" in warning.message


def test_stale_evidence(register: Register, clean: Department) -> None:
    with register.transaction() as session:
        evidence.add_link(session, ref="EV-0002", title="Old pen test", url="https://x/2",
                          evidence_date=date(2025, 1, 10), valid_days=365,
                          controls=[control_id(session, "8.8")])
        # Evidence without a validity period never goes stale, whatever period it covers.
        evidence.add_link(session, ref="EV-0003", title="2020 audit", url="https://x/3",
                          evidence_date=date(2020, 6, 1), period_start=date(2020, 1, 1),
                          period_end=date(2020, 3, 31), controls=[control_id(session, "8.9")])
    warning = _only(_found(register, clean.id), SoaCheck.STALE_EVIDENCE)
    assert warning.control == "8.8"
    assert warning.message.startswith("Evidence EV-0002 for control 8.8 in ASC is out of date:")


def test_an_owner_who_left_still_counts_as_named(register: Register, clean: Department) -> None:
    """Leaving is a people matter the dashboard raises; the SoA still names its owner."""
    with register.transaction() as session:
        for person in session.query(Person):
            person.active = False
    assert _found(register, clean.id) == []
