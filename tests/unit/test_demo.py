"""The demo council register: size, determinism, integrity, and the gaps it is meant to show."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Table, func, select

from isms.db import Register, open_register
from isms.db.register import integrity_problems
from isms.demo import DemoSummary, build_demo
from isms.errors import StorageError
from isms.model import (
    Applicability,
    Asset,
    ChangeAction,
    ChangeLogEntry,
    ClassificationMarking,
    Control,
    Department,
    Evidence,
    HandlingChannel,
    HandlingPractice,
    HandlingStage,
    InclusionReason,
    Person,
    ReviewMeeting,
    ReviewStatus,
    Risk,
    SoaEntry,
    TreatmentAction,
    risk_control,
)

TODAY = date(2026, 3, 2)


@pytest.fixture
def second_register(register_template: Path, tmp_path: Path) -> Iterator[Register]:
    """Another fresh register in its own file, for comparing two builds."""
    path = tmp_path / "second.isms"
    shutil.copyfile(register_template, path)
    reg = open_register(str(path))
    yield reg
    reg.close()


def count(register: Register, table: Any) -> int:
    with register.session() as s:
        return s.execute(select(func.count()).select_from(table)).scalar_one()


def dump(register: Register, table: Table, order: str) -> list[tuple[Any, ...]]:
    """Every column of every row, ordered: what "the same content" means."""
    with register.engine.connect() as c:
        return [tuple(r) for r in c.execute(select(table).order_by(table.c[order]))]


def test_default_demo_counts_match_the_register(register: Register) -> None:
    summary = build_demo(register, today=TODAY)

    assert isinstance(summary, DemoSummary)
    expected = {
        "departments": Department,
        "people": Person,
        "assets": Asset,
        "handling_practices": HandlingPractice,
        "risks": Risk,
        "treatment_actions": TreatmentAction,
        "soa_entries": SoaEntry,
        "evidence": Evidence,
        "reviews": ReviewMeeting,
    }
    for field, model in expected.items():
        value = getattr(summary, field)
        assert value > 0, field
        assert count(register, model) == value, field
    assert summary.assets == 400
    assert 50 <= summary.risks <= 70
    assert 70 <= summary.people <= 90
    assert summary.seconds > 0


def test_same_seed_and_day_give_the_same_register(
    register: Register, second_register: Register
) -> None:
    build_demo(register, seed=7, assets=300, today=TODAY)
    build_demo(second_register, seed=7, assets=300, today=TODAY)

    for table, order in (
        (Asset.__table__, "ref"),
        (Risk.__table__, "ref"),
        (HandlingPractice.__table__, "id"),
        (SoaEntry.__table__, "id"),
        (Person.__table__, "id"),
    ):
        assert dump(register, table, order) == dump(second_register, table, order), table.name


def test_another_seed_gives_another_register(register: Register, second_register: Register) -> None:
    build_demo(register, seed=1, assets=300, today=TODAY)
    build_demo(second_register, seed=2, assets=300, today=TODAY)

    assert dump(register, Asset.__table__, "ref") != dump(second_register, Asset.__table__, "ref")
    assert dump(register, Risk.__table__, "ref") != dump(second_register, Risk.__table__, "ref")


@pytest.mark.parametrize("assets", [1, 37, 2000])
def test_asked_size_is_exact(register: Register, assets: int) -> None:
    summary = build_demo(register, assets=assets, today=TODAY)

    assert summary.assets == count(register, Asset) == assets
    assert integrity_problems(register) == []


def test_large_demo_spreads_assets_and_scales_risks(register: Register) -> None:
    summary = build_demo(register, assets=2000, today=TODAY)

    with register.session() as s:
        per_department = s.execute(
            select(Asset.department_id, func.count()).group_by(Asset.department_id)
        ).all()
        refs = s.execute(select(Asset.ref).order_by(Asset.ref).limit(1)).scalar_one()
    assert len(per_department) >= 10
    assert max(n for _, n in per_department) < 2000 / 3
    assert summary.risks == 100  # one per 20 assets
    assert refs[-5:-4] == "-" and refs[-4:].isdigit()  # CHS-0001 style


def test_integrity_and_foreign_keys_are_clean(register: Register) -> None:
    build_demo(register, today=TODAY)

    assert integrity_problems(register) == []


def test_refuses_a_register_that_holds_data(register: Register) -> None:
    build_demo(register, today=TODAY)
    before = count(register, Asset)

    with pytest.raises(StorageError, match="already holds"):
        build_demo(register, today=TODAY)
    assert count(register, Asset) == before


def test_refuses_a_register_with_departments_only(register: Register) -> None:
    with register.transaction() as s:
        s.add(Department(code="X", name="Existing department"))

    with pytest.raises(StorageError, match="1 department;"):
        build_demo(register, today=TODAY)


def test_a_failure_part_way_leaves_nothing_behind(register: Register) -> None:
    def fail_at_risks(stage: str, done: int, total: int) -> None:
        if stage == "risks":
            raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        build_demo(register, today=TODAY, progress=fail_at_risks)

    assert count(register, Department) == count(register, Asset) == 0
    assert count(register, HandlingPractice) == count(register, Person) == 0


def test_progress_is_reported_per_stage(register: Register) -> None:
    calls: list[tuple[str, int, int]] = []
    build_demo(register, assets=50, today=TODAY, progress=lambda *a: calls.append(a))

    stages = [stage for stage, _, _ in calls]
    assert stages.index("assets") < stages.index("handling") < stages.index("risks")
    assert ("assets", 50, 50) in calls
    assert all(0 <= done <= total for _, done, total in calls)


def test_soa_has_every_2022_control_per_in_scope_department(register: Register) -> None:
    build_demo(register, today=TODAY)

    with register.session() as s:
        in_scope = set(s.execute(select(Department.id).where(Department.in_scope)).scalars())
        per_dept = {
            dept: n
            for dept, n in s.execute(
                select(SoaEntry.department_id, func.count()).group_by(SoaEntry.department_id)
            )
        }
        entries = s.execute(select(SoaEntry)).scalars().all()
    assert len(in_scope) >= 8
    assert per_dept == {dept: 93 for dept in in_scope}
    excluded = [e for e in entries if e.applicability is Applicability.EXCLUDED]
    unjustified = [e for e in excluded if not e.exclusion_justification]
    assert 1 <= len(unjustified) <= 2
    assert len(excluded) > len(unjustified)
    reasons = {r for e in entries for r in e.reasons}
    assert reasons <= {r.value for r in InclusionReason}


def test_controls_selected_by_risks_are_applicable_by_risk_assessment(register: Register) -> None:
    build_demo(register, today=TODAY)

    with register.session() as s:
        linked = s.execute(
            select(Risk.department_id, risk_control.c.control_id)
            .join(risk_control)
            .join(Department, Department.id == Risk.department_id)
            .where(Department.in_scope)
        ).all()
        soa = {(e.department_id, e.control_id): e for e in s.execute(select(SoaEntry)).scalars()}
        editions = set(
            s.execute(
                select(Control.edition).join(risk_control, risk_control.c.control_id == Control.id)
            ).scalars()
        )
    assert linked
    assert {str(e) for e in editions} == {"2022"}
    for key in linked:
        entry = soa[key]
        assert entry.applicability is not Applicability.EXCLUDED
        assert InclusionReason.RISK_ASSESSMENT.value in entry.reasons


def test_handling_practices_include_the_classic_breaches(register: Register) -> None:
    build_demo(register, today=TODAY)

    with register.session() as s:
        rows = s.execute(
            select(HandlingPractice, Asset, ClassificationMarking.label)
            .join(Asset, HandlingPractice.asset_id == Asset.id)
            .outerjoin(ClassificationMarking, Asset.marking_id == ClassificationMarking.id)
        ).all()
    unencrypted_media = [
        p
        for p, a, label in rows
        if p.channel is HandlingChannel.REMOVABLE_MEDIA
        and "encrypted" not in p.safeguards
        and a.personal_data
        and label == "OFFICIAL-SENSITIVE"
    ]
    no_agreement = [
        p for p, _, _ in rows if p.stage is HandlingStage.SHARED and not p.has_agreement
    ]
    special_by_email = [
        p for p, a, _ in rows if p.channel is HandlingChannel.EMAIL and a.special_category
    ]
    assert unencrypted_media and no_agreement and special_by_email
    # ...but they are findings, not the norm.
    assert len(unencrypted_media) + len(no_agreement) + len(special_by_email) < len(rows) / 10


def test_register_has_the_gaps_a_review_looks_for(register: Register) -> None:
    build_demo(register, today=TODAY)

    with register.session() as s:

        def n(*where: Any, model: Any = Asset) -> int:
            return s.execute(select(func.count()).select_from(model).where(*where)).scalar_one()

        assert n(Asset.owner_id.is_(None)) > 0
        assert n(Asset.marking_id.is_(None)) > 0
        assert n(Asset.next_review < TODAY) > 0
        assert n(Risk.next_review < TODAY, model=Risk) > 0
        assert n(Risk.next_review >= TODAY, model=Risk) > 0
        still_open = TreatmentAction.status.in_(["open", "in progress"])
        assert n(TreatmentAction.due_date < TODAY, still_open, model=TreatmentAction) > 0
        criteria = {r.criteria_id for r in s.execute(select(Risk)).scalars()}
        assert len(criteria) == 1 and None not in criteria


def test_reviews_one_signed_off_one_planned(register: Register) -> None:
    build_demo(register, today=TODAY)

    with register.session() as s:
        query = select(ReviewMeeting).order_by(ReviewMeeting.meeting_date)
        past, upcoming = s.execute(query).scalars().all()
        assert past.status is ReviewStatus.SIGNED_OFF and past.meeting_date < TODAY
        assert past.signed_off_by_id is not None and past.chair_id is not None
        assert len(past.attendees) >= 5
        assert past.agenda and all(item.decision is not None for item in past.agenda)
        assert all(item.decision and item.decision.snapshot for item in past.agenda)
        assert any(a.status.value == "open" for a in past.actions)
        assert upcoming.status is ReviewStatus.PLANNED and upcoming.meeting_date > TODAY


def test_people_have_roles_and_example_addresses(register: Register) -> None:
    build_demo(register, today=TODAY)

    with register.session() as s:
        people = s.execute(select(Person)).scalars().all()
        roles = {role.value for p in people for role in p.roles}
    assert all(p.email and p.email.endswith("@example-county.gov.uk") for p in people)
    assert {
        "siro",
        "smg member",
        "information asset owner",
        "risk owner",
        "approver",
        "control owner",
    } <= roles


def test_change_log_records_the_demo_event(register: Register) -> None:
    summary = build_demo(register, today=TODAY)

    with register.session() as s:
        events = (
            s.execute(
                select(ChangeLogEntry).where(
                    ChangeLogEntry.action == ChangeAction.EVENT,
                    ChangeLogEntry.label == "demo register built",
                )
            )
            .scalars()
            .all()
        )
    assert len(events) == 1
    assert events[0].changes["assets"] == summary.assets
    assert events[0].changes["today"] == TODAY.isoformat()


def test_zero_assets_still_builds_a_council(register: Register) -> None:
    summary = build_demo(register, assets=0, today=TODAY)

    assert summary.assets == summary.risks == summary.handling_practices == 0
    assert summary.soa_entries > 0 and summary.reviews == 2
    assert integrity_problems(register) == []


def test_refuses_a_register_that_was_never_initialised(tmp_path: Path) -> None:
    with open_register(str(tmp_path / "bare.isms"), create=True) as bare:
        with pytest.raises(StorageError, match="not an initialised register"):
            build_demo(bare, today=TODAY)
