"""Constraints and relations of the domain model, on a real SQLite register file."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from isms.db import Register, commit
from isms.errors import ValidationError
from isms.model import (
    Applicability,
    Asset,
    AssetStatus,
    Control,
    ControlEdition,
    Department,
    Evidence,
    EvidenceKind,
    HandlingChannel,
    HandlingPractice,
    HandlingStage,
    Person,
    Role,
    SoaEntry,
    TreatmentAction,
)
from tests import builders as b


def test_asset_reference_is_unique(register: Register) -> None:
    with register.session() as s:
        dept = b.department(s)
        b.asset(s, dept, ref="ENV-0042")
        commit(s)
        s.add(Asset(ref="ENV-0042", name="Another", asset_type="software", department=dept))
        with pytest.raises(ValidationError, match="UNIQUE constraint failed: asset.ref"):
            commit(s)


@pytest.mark.parametrize("field", ["confidentiality", "integrity", "availability"])
@pytest.mark.parametrize("value", [0, 6])
def test_cia_ratings_out_of_range_are_refused(register: Register, field: str, value: int) -> None:
    with register.session() as s:
        dept = b.department(s)
        with pytest.raises(IntegrityError, match=f"{field}_range"):
            b.asset(s, dept, **{field: value})


def test_special_category_requires_personal_data(register: Register) -> None:
    with register.session() as s:
        dept = b.department(s)
        with pytest.raises(IntegrityError, match="special_is_personal"):
            b.asset(s, dept, special_category=True, personal_data=False)
        s.rollback()
        ok = b.asset(s, b.department(s), special_category=True, personal_data=True)
        assert ok.id


def _raw_asset(s: Session, asset_type: str, department_id: int) -> None:
    """Insert behind the ORM's back, to show the database itself enforces the rule."""
    s.execute(
        text(
            "INSERT INTO asset (ref, name, asset_type, description, department_id, location,"
            " personal_data, special_category, status, version, created_at, updated_at)"
            " VALUES ('X-1', 'x', :type, '', :dept, '', 0, 0, 'active', 1,"
            " '2026-01-01', '2026-01-01')"
        ),
        {"type": asset_type, "dept": department_id},
    )


def test_unknown_enum_value_is_refused(register: Register) -> None:
    with register.session() as s:
        dept = b.department(s)
        commit(s)
        with pytest.raises(IntegrityError, match="asset_type"):
            _raw_asset(s, "spaceship", dept.id)


def test_foreign_keys_are_enforced(register: Register) -> None:
    with register.session() as s, pytest.raises(IntegrityError, match="FOREIGN KEY"):
        _raw_asset(s, "software", 9999)


def test_department_tree_and_people_roles(register: Register) -> None:
    with register.session() as s:
        council = b.department(s, code="CC", name="County Council")
        env = b.department(s, code="ENV", name="Environment", parent=council)
        b.department(s, code="HWY", name="Highways", parent=env)
        siro = b.person(s, name="Pat Siro", department=council)
        siro.add_role(Role.SIRO)
        siro.add_role(Role.APPROVER)
        siro.add_role(Role.SIRO)  # idempotent
        commit(s)
    with register.session() as s:
        env = s.execute(select(Department).where(Department.code == "ENV")).scalar_one()
        assert env.parent is not None and env.parent.code == "CC"
        assert [c.code for c in env.children] == ["HWY"]
        person = s.execute(select(Person)).scalar_one()
        assert person.roles == {Role.SIRO, Role.APPROVER}


def test_asset_dependencies_and_risk_links(register: Register) -> None:
    with register.session() as s:
        dept = b.department(s)
        case_files = b.asset(s, dept, name="Case files")
        system = b.asset(s, dept, name="Case system", asset_type="software")
        case_files.depends_on.append(system)
        risk = b.risk(s, dept, assets=[case_files, system])
        control = s.execute(select(Control).where(Control.ref == "5.15")).scalar_one()
        risk.controls.append(control)
        risk.actions.append(TreatmentAction(title="Review access", due_date=date(2027, 1, 31)))
        commit(s)
        risk_id, files_id = risk.id, case_files.id
    with register.session() as s:
        files = s.get(Asset, files_id)
        assert files is not None
        assert [a.name for a in files.depends_on] == ["Case system"]
        assert [a.name for a in files.depends_on[0].dependants] == ["Case files"]
        assert [r.id for r in files.risks] == [risk_id]
        assert [c.ref for c in files.risks[0].controls] == ["5.15"]
        assert files.risks[0].actions[0].title == "Review access"


def test_an_asset_cannot_depend_on_itself(register: Register) -> None:
    with register.session() as s:
        item = b.asset(s, b.department(s))
        item.depends_on.append(item)
        with pytest.raises(IntegrityError, match="not_self"):
            s.flush()


def test_assets_and_risks_are_retired_not_deleted(register: Register) -> None:
    with register.session() as s:
        dept = b.department(s)
        item = b.asset(s, dept)
        risk = b.risk(s, dept)
        commit(s)
        for record in (item, risk):
            s.delete(record)
            with pytest.raises(ValidationError, match="retire it instead"):
                s.flush()
            s.rollback()
        item.status = AssetStatus.RETIRED
        commit(s)
        assert s.get(Asset, item.id) is not None


def test_one_soa_entry_per_department_and_control(register: Register) -> None:
    with register.session() as s:
        dept = b.department(s)
        control = s.execute(
            select(Control).where(
                Control.edition == ControlEdition.ISO27001_2022, Control.ref == "5.19"
            )
        ).scalar_one()
        s.add(SoaEntry(department=dept, control=control, applicability=Applicability.APPLICABLE))
        commit(s)
        s.add(SoaEntry(department=dept, control=control, applicability=Applicability.EXCLUDED))
        with pytest.raises(ValidationError, match="soa_entry"):
            commit(s)


def test_evidence_is_a_file_with_hash_or_a_link(register: Register) -> None:
    with register.session() as s:
        s.add(
            Evidence(
                ref="EV-1", title="Policy", kind=EvidenceKind.FILE, evidence_date=date(2026, 1, 1)
            )
        )
        with pytest.raises(IntegrityError, match="file_or_link"):
            s.flush()
        s.rollback()
        s.add(
            Evidence(
                ref="EV-2",
                title="Intranet page",
                kind=EvidenceKind.LINK,
                url="https://intranet.example/policy",
                evidence_date=date(2026, 1, 1),
            )
        )
        commit(s)


def test_handling_practice_belongs_to_asset(register: Register) -> None:
    with register.session() as s:
        item = b.asset(s, b.department(s), personal_data=True)
        s.add(
            HandlingPractice(
                asset=item,
                stage=HandlingStage.TRANSFERRED,
                channel=HandlingChannel.REMOVABLE_MEDIA,
                safeguards=["encrypted"],
            )
        )
        commit(s)
        assert [p.safeguards for p in item.handling_practices] == [["encrypted"]]
