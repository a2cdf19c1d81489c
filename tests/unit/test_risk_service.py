"""Scoring, review dates, treatment and acceptance through the services, on a real register."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from isms.db import Register, commit
from isms.errors import ValidationError
from isms.model import (
    Applicability,
    ChangeLogEntry,
    Control,
    ControlEdition,
    Person,
    Risk,
    RiskStatus,
    Role,
    SoaEntry,
    TreatmentOption,
)
from isms.services import risks as service
from isms.services.read.queries import current_criteria, current_criteria_id
from tests import builders as b

# Storage and service behaviour: the same on a SQLite file and a PostgreSQL server.
pytestmark = pytest.mark.both_backends

TODAY = date(2026, 11, 25)


@pytest.fixture
def ids(register: Register) -> dict[str, int]:
    with register.session() as s:
        dept = b.department(s, code="CHS", name="Children's Services")
        owner = b.person(s, name="Olive Owner", department=dept)
        owner.add_role(Role.RISK_OWNER)
        approver = b.person(s, name="Sam Siro", department=dept)
        approver.add_role(Role.APPROVER)
        bystander = b.person(s, name="Bea Bystander", department=dept)
        data = b.asset(s, dept, confidentiality=4, integrity=3, availability=2)
        risk = b.risk(s, dept, ref="R-0001", owner=owner, assets=[data])
        commit(s)
        return {
            "risk": risk.id,
            "owner": owner.id,
            "approver": approver.id,
            "bystander": bystander.id,
            "dept": dept.id,
        }


def _risk(s, ids: dict[str, int]) -> Risk:  # type: ignore[no-untyped-def]
    risk = s.get(Risk, ids["risk"])
    assert risk is not None
    return risk


def test_scoring_sets_levels_version_and_review_by_cadence(
    register: Register, ids: dict[str, int]
) -> None:
    with register.session() as s:
        risk = _risk(s, ids)
        change = service.score_risk(s, risk, inherent=(4, 4), residual=(2, 3), today=TODAY)
        commit(s)
        assert change.levels.inherent is not None and change.levels.inherent.name == "High"
        assert change.levels.residual is not None and change.levels.residual.name == "Medium"
        # Today's exposure governs, never the target: the inherent (High) while the risk was
        # never assessed with its controls: 90 days.
        assert change.next_review == date(2027, 2, 23)
        assert risk.criteria_id == current_criteria_id(s)
        assert risk.status == RiskStatus.ASSESSED

        change = service.score_risk(s, risk, current=(2, 3), today=TODAY)  # Medium: 180 days
        commit(s)
        assert change.next_review == date(2027, 5, 24)
        change = service.score_risk(s, risk, residual=(1, 1), today=TODAY)  # the target: no
        commit(s)
        assert change.next_review == date(2027, 5, 24)


def test_a_stage_needs_both_likelihood_and_impact(register: Register, ids: dict[str, int]) -> None:
    with register.session() as s:
        with pytest.raises(ValidationError, match="both likelihood and impact") as refused:
            service.score_risk(s, _risk(s, ids), inherent=(3, None))
        assert refused.value.field == "inherent_likelihood"
        with pytest.raises(ValidationError, match="Residual impact 6 is outside the scale 1-5"):
            service.score_risk(s, _risk(s, ids), residual=(1, 6))


def test_review_override_needs_a_reason_and_survives_rescoring(
    register: Register, ids: dict[str, int]
) -> None:
    with register.session() as s:
        risk = _risk(s, ids)
        service.score_risk(s, risk, inherent=(3, 3), today=TODAY)
        with pytest.raises(ValidationError, match="Say why"):
            service.override_review(s, risk, date(2026, 12, 1), "  ")
        service.override_review(s, risk, date(2026, 12, 1), "Before the Ofsted inspection")
        service.score_risk(s, risk, inherent=(5, 5), today=TODAY)
        assert risk.next_review == date(2026, 12, 1)
        service.override_review(s, risk, None, "", today=TODAY)
        assert risk.next_review == date(2027, 2, 23)  # back on the 90-day cadence
        commit(s)


def test_impact_is_suggested_from_the_assets_cia(register: Register, ids: dict[str, int]) -> None:
    with register.session() as s:
        assert service.suggest_impact(s, _risk(s, ids)) == 4


def test_acceptance_within_appetite_by_the_owner(register: Register, ids: dict[str, int]) -> None:
    with register.session() as s:
        risk = _risk(s, ids)
        owner = s.get(Person, ids["owner"])
        bystander = s.get(Person, ids["bystander"])
        assert owner is not None and bystander is not None
        with pytest.raises(ValidationError, match="Rate the residual risk"):
            service.accept_risk(s, risk, by=owner, rationale="fine", today=TODAY)
        service.score_risk(s, risk, inherent=(4, 4), current=(2, 2), residual=(2, 2),
                           today=TODAY)
        with pytest.raises(ValidationError, match=r"Only the risk owner \(Olive Owner\)"):
            service.accept_risk(s, risk, by=bystander, rationale="fine", today=TODAY)
        with pytest.raises(ValidationError, match="Say why"):
            service.accept_risk(s, risk, by=owner, rationale="", today=TODAY)
        acceptance = service.accept_risk(
            s, risk, by=owner, rationale="Controls in place", today=TODAY
        )
        commit(s)
        assert risk.status == RiskStatus.ACCEPTED
        assert acceptance.expires_on == risk.next_review == date(2027, 11, 25)  # Low: 365 days
        assert acceptance.approved_by is None


def test_acceptance_above_appetite_needs_an_approvers_sign_off(
    register: Register, ids: dict[str, int]
) -> None:
    with register.session() as s:
        risk = _risk(s, ids)
        owner, approver, bystander = (
            s.get(Person, ids[k]) for k in ("owner", "approver", "bystander")
        )
        assert owner and approver and bystander
        service.score_risk(s, risk, inherent=(5, 5), current=(4, 4), residual=(4, 4),
                           today=TODAY)  # High today and after treatment
        with pytest.raises(ValidationError, match="above the appetite"):
            service.accept_risk(s, risk, by=owner, rationale="No budget", today=TODAY)
        with pytest.raises(ValidationError, match="does not hold the approver role"):
            service.accept_risk(
                s, risk, by=owner, rationale="No budget", approver=bystander, today=TODAY
            )
        owner.add_role(Role.APPROVER)
        with pytest.raises(ValidationError, match="cannot also be the approver"):
            service.accept_risk(
                s, risk, by=owner, rationale="No budget", approver=owner, today=TODAY
            )
        acceptance = service.accept_risk(
            s,
            risk,
            by=owner,
            rationale="No budget this year",
            approver=approver,
            expires_on=date(2027, 3, 31),
            today=TODAY,
        )
        commit(s)
        assert acceptance.approved_by is approver and acceptance.approved_at is not None


def test_rescoring_an_accepted_risk_withdraws_the_acceptance(
    register: Register, ids: dict[str, int]
) -> None:
    with register.session() as s:
        risk = _risk(s, ids)
        owner = s.get(Person, ids["owner"])
        assert owner is not None
        service.score_risk(s, risk, inherent=(3, 3), residual=(1, 2), today=TODAY)
        service.accept_risk(s, risk, by=owner, rationale="Low", today=TODAY)
        commit(s)
        unchanged = service.score_risk(s, risk, residual=(1, 2), today=TODAY)
        assert not unchanged.acceptance_withdrawn and risk.current_acceptance is not None
        change = service.score_risk(s, risk, residual=(2, 2), today=TODAY)
        commit(s)
        assert change.acceptance_withdrawn
        assert risk.current_acceptance is None and risk.status == RiskStatus.ASSESSED
        assert "re-scored" in risk.acceptances[0].withdrawn_reason


def test_choosing_a_control_makes_it_applicable_in_the_department_soa(
    register: Register, ids: dict[str, int]
) -> None:
    with register.session() as s:
        risk = _risk(s, ids)
        suppliers = s.execute(
            select(Control).where(
                Control.edition == ControlEdition.ISO27001_2022, Control.ref == "5.19"
            )
        ).scalar_one()
        excluded = SoaEntry(
            department_id=ids["dept"],
            control=suppliers,
            applicability=Applicability.EXCLUDED,
            exclusion_justification="No suppliers",
            reasons=[],
        )
        s.add(excluded)
        commit(s)
        service.set_treatment(risk, TreatmentOption.MODIFY, "Contract clauses")
        entry = service.link_control(s, risk, suppliers)
        commit(s)
        assert entry is excluded
        assert entry.applicability == Applicability.APPLICABLE
        assert entry.reasons == ["risk assessment"]
        assert "R-0001 relies on it" in entry.inclusion_note and entry.exclusion_justification == ""
        assert [c.ref for c in risk.controls] == ["5.19"] and risk.status == RiskStatus.TREATMENT

        backup = s.execute(
            select(Control).where(
                Control.edition == ControlEdition.ISO27001_2022, Control.ref == "8.13"
            )
        ).scalar_one()
        fresh = service.link_control(s, risk, backup)
        commit(s)
        assert fresh.department_id == ids["dept"] and fresh.reasons == ["risk assessment"]
        logged = (
            s.execute(select(ChangeLogEntry).where(ChangeLogEntry.table_name == "soa_entry"))
            .scalars()
            .all()
        )
        assert len(logged) >= 2  # the change log saw both SoA changes


def test_owner_attestation_sets_the_annual_date(register: Register) -> None:
    from isms.model import AssetStatus
    from isms.services import assets as asset_service

    with register.session() as s:
        dept = b.department(s)
        owner, other = b.person(s, name="Ann Owner"), b.person(s, name="Not Owner")
        asset = b.asset(s, dept, owner=owner, status=AssetStatus.PENDING_VERIFICATION)
        with pytest.raises(ValidationError, match=r"Only the asset's owner \(Ann Owner\)"):
            asset_service.attest(s, asset, other, today=TODAY)
        assert asset_service.attest(s, asset, owner, today=TODAY) == date(2027, 11, 25)
        assert asset.status == AssetStatus.ACTIVE
        commit(s)


def test_details_and_a_new_owner_withdraw_the_old_acceptance(
    register: Register, ids: dict[str, int]
) -> None:
    with register.session() as s:
        risk = _risk(s, ids)
        owner, other = s.get(Person, ids["owner"]), s.get(Person, ids["bystander"])
        assert owner is not None and other is not None
        service.score_risk(s, risk, inherent=(2, 2), residual=(1, 1), today=TODAY)
        service.accept_risk(s, risk, by=owner, rationale="Low", today=TODAY)
        with pytest.raises(ValidationError, match="needs a title") as refused:
            service.update_details(risk, title="  ", description="", owner=owner)
        assert refused.value.field == "title"
        other.active = False
        with pytest.raises(ValidationError, match="inactive"):
            service.update_details(risk, title="T", description="", owner=other)
        other.active = True
        service.update_details(risk, title=" Lost laptop ", description=" d ", owner=other)
        other.active = False  # the owner leaves: the risk's words can still be edited
        service.update_details(risk, title="Lost laptop", description="d", owner=other)
        commit(s)
        assert (risk.title, risk.description, risk.owner_id) == ("Lost laptop", "d", other.id)
        assert risk.current_acceptance is None


def test_the_planned_review_follows_the_rule_a_save_applies(
    register: Register, ids: dict[str, int]
) -> None:
    with register.session() as s:
        criteria = current_criteria(s)
        risk = _risk(s, ids)
        unrated = service.levels(criteria, risk)
        assert service.planned_review(criteria, unrated, TODAY) == (
            None, "Rate the risk to plan its review.")
        service.score_risk(s, risk, inherent=(4, 4), residual=(2, 3), today=TODAY)
        scored = service.levels(criteria, risk)
        when, why = service.planned_review(criteria, scored, TODAY)
        assert (when, why) == (risk.next_review,
                               "High (inherent) risks are reviewed every 90 days, from today")
        service.score_risk(s, risk, current=(2, 3), today=TODAY)
        scored = service.levels(criteria, risk)
        when, why = service.planned_review(criteria, scored, TODAY)
        assert (when, why) == (risk.next_review,
                               "Medium (current) risks are reviewed every 180 days, from today")
        kept, why = service.planned_review(criteria, scored, date(2027, 1, 1), rescored=False,
                                           scheduled=date(2026, 12, 24))
        assert kept == date(2026, 12, 24) and why.endswith("new scores start the cadence again")
        assert service.planned_review(criteria, scored, TODAY, override=date(2027, 3, 1)) == (
            date(2027, 3, 1), "set by hand")


def test_the_editors_save_writes_only_what_differs(register: Register, ids: dict[str, int]) -> None:
    with register.session() as s:
        risk = _risk(s, ids)
        values = service.edit_values(risk)
        assert set(values) == set(service.EDIT_FIELDS)
        values.update(title="  Data breach  ", inherent_likelihood=3, inherent_impact=3,
                      treatment_option=TreatmentOption.MODIFY, treatment_note="Encrypt",
                      review_date=date(2027, 1, 15), review_reason="Audit in January")
        service.save_edit(s, risk, values, today=TODAY)
        commit(s)
        assert (risk.title, risk.inherent_likelihood, risk.treatment_option) == (
            "Data breach", 3, TreatmentOption.MODIFY)
        assert (risk.next_review, risk.review_override_reason) == (
            date(2027, 1, 15), "Audit in January")
        # Back on the cadence: review_date None clears the date set by hand.
        service.save_edit(s, risk, {"review_date": None, "review_reason": ""}, today=TODAY)
        assert risk.review_override_reason == ""
        assert risk.next_review == service.review_date(current_criteria(s), risk, TODAY)
        with pytest.raises(ValidationError, match="Say why"):
            service.save_edit(s, risk, {"review_date": date(2027, 2, 1), "review_reason": ""})
        with pytest.raises(TypeError, match="cannot set status"):
            service.save_edit(s, risk, {"status": "accepted"})
