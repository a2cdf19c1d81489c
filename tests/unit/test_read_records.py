"""A risk and an asset in full (isms.services.read.risk_record / asset_record), read back from a
real register after writing them through the model and the services."""

from __future__ import annotations

from datetime import date

import pytest

from isms.db import Register, commit
from isms.errors import NotFoundError
from isms.model import (
    AssetStatus,
    AssetType,
    HandlingChannel,
    HandlingPractice,
    HandlingStage,
    Risk,
    Role,
    TreatmentAction,
    TreatmentOption,
)
from isms.services import risks as risk_service
from isms.services.read import queries
from isms.services.read.asset_record import asset_choices, asset_record, asset_record_by_ref
from isms.services.read.people import person_by_id
from isms.services.read.risk_record import (
    risk_owners,
    risk_ratings,
    risk_record,
    risk_record_by_ref,
)
from tests import builders as b

pytestmark = pytest.mark.both_backends

TODAY = date(2026, 11, 25)


@pytest.fixture
def written(register: Register) -> dict[str, int]:
    """A department, two people, two assets (one depending on the other) and a risk on them,
    scored, treated, with an action, a control and a standing acceptance."""
    with register.session() as s:
        dept = b.department(s, code="FIN", name="Finance")
        olive = b.person(s, name="Olive Owner", department=dept)
        olive.add_role(Role.RISK_OWNER)
        carl = b.person(s, name="Carl Custodian", department=dept)
        b.person(s, name="Lena Left", active=False)
        server = b.asset(s, dept, ref="FIN-0001", name="Payroll server",
                         asset_type=AssetType.HARDWARE)
        payroll = b.asset(
            s, dept, ref="FIN-0002", name="Payroll data", description="Monthly pay runs",
            owner=olive, custodian=carl, location="Town hall", confidentiality=4, integrity=3,
            availability=2, personal_data=True, next_review=date(2027, 3, 1),
            depends_on=[server],
        )
        s.add(HandlingPractice(asset=payroll, stage=HandlingStage.TRANSFERRED,
                               channel=HandlingChannel.EMAIL, safeguards=["encrypted"],
                               third_party="Bureau Ltd"))
        risk = b.risk(s, dept, ref="R-0042", title="Payroll data sent to the wrong bureau",
                      description="Mis-addressed e-mail", owner=olive, assets=[payroll, server],
                      affects="CI", existing_controls="Address book locked down")
        risk.controls.append(queries.control_by_ref(s, "5.15"))
        risk.actions.append(TreatmentAction(title="Turn on DLP", owner=carl,
                                            due_date=date(2027, 1, 31)))
        risk_service.score_risk(s, risk, inherent=(4, 4), current=(3, 3), residual=(2, 2),
                                today=TODAY)
        risk.treatment_option = TreatmentOption.MODIFY
        risk.treatment_note = "DLP rules"
        risk_service.accept_risk(s, risk, by=olive, rationale="Within appetite", today=TODAY)
        commit(s)
        return {"risk": risk.id, "asset": payroll.id, "olive": olive.id, "carl": carl.id,
                "dept": dept.id}


def test_a_risk_in_full_is_what_was_written(register: Register, written: dict[str, int]) -> None:
    with register.session() as s:
        record = risk_record(s, written["risk"])
        criteria = queries.current_criteria(s)
        stored = s.get(Risk, written["risk"])
        assert stored is not None
        version = stored.version
    assert (record.id, record.ref, record.title, record.description) == (
        written["risk"], "R-0042", "Payroll data sent to the wrong bureau", "Mis-addressed e-mail")
    assert record.version == version
    assert record.department == "FIN Finance"
    assert (record.owner, record.owner_id) == ("Olive Owner", written["olive"])
    assert sorted(record.assets) == ["FIN-0001 Payroll server", "FIN-0002 Payroll data"]
    assert record.ratings == {"inherent": (4, 4), "current": (3, 3), "residual": (2, 2)}
    for stage, (likelihood, impact) in record.ratings.items():
        level = criteria.level(likelihood, impact)
        assert level is not None and record.scores[stage].level == level.name
    assert (record.treatment, record.treatment_note) == (TreatmentOption.MODIFY, "DLP rules")
    assert record.controls == ("5.15",)
    assert [(a.title, a.owner, a.due) for a in record.actions] == [
        ("Turn on DLP", "Carl Custodian", date(2027, 1, 31))]
    assert record.accepted is not None and record.accepted.by == "Olive Owner"
    assert record.acceptance == "Olive Owner accepted the residual risk on " + (
        record.accepted.at.date().isoformat())
    assert record.status == "accepted"
    assert record.next_review is not None and record.next_review > TODAY

    shown = record.as_json()  # what `isms risks show --json` prints
    assert shown["department"] == "Finance"
    assert sorted(shown["assets"]) == ["FIN-0001", "FIN-0002"]
    assert shown["affects"] == "CI" and shown["existing_controls"] == "Address book locked down"
    assert shown["inherent"]["likelihood"] == 4 and shown["residual"]["impact"] == 2
    assert shown["actions"] == [{"id": record.actions[0].id, "title": "Turn on DLP",
                                 "owner": "Carl Custodian", "due": "2027-01-31",
                                 "status": "open"}]
    assert shown["acceptance"]["rationale"] == "Within appetite"
    assert shown["treatment_option"] == "modify"

    with register.session() as s:
        assert risk_record_by_ref(s, "r-0042") == record  # references are case-insensitive
        assert risk_ratings(s, written["risk"]) == record.ratings
        owners = risk_owners(s)
    assert (written["olive"], "Olive Owner") in owners
    assert "Lena Left" not in {name for _id, name in owners}  # people who left own nothing new


def test_an_asset_in_full_is_what_was_written(register: Register, written: dict[str, int]) -> None:
    with register.session() as s:
        record = asset_record(s, written["asset"])
        choices = asset_choices(s)
    assert (record.ref, record.name, record.asset_type) == (
        "FIN-0002", "Payroll data", AssetType.INFORMATION)
    assert (record.owner_name, record.custodian_name) == ("Olive Owner", "Carl Custodian")
    assert (record.owner_id, record.custodian_id, record.department_id) == (
        written["olive"], written["carl"], written["dept"])
    assert (record.confidentiality, record.integrity, record.availability) == (4, 3, 2)
    assert record.personal_data and not record.special_category
    assert record.status is AssetStatus.ACTIVE
    assert record.next_review == date(2027, 3, 1)
    assert record.depends_on == ("FIN-0001",)
    assert record.risks == ("R-0042",)
    assert [(h.stage, h.channel, h.safeguards, h.third_party) for h in record.handling] == [
        ("transferred", "e-mail", ("encrypted",), "Bureau Ltd")]
    # The editor's values: exactly the fields a save may change, as stored.
    assert record.values["location"] == "Town hall"
    assert record.values["owner_id"] == written["olive"]
    assert record.values["asset_type"] == AssetType.INFORMATION
    assert set(record.values) == {
        "ref", "name", "asset_type", "description", "department_id", "owner_id", "custodian_id",
        "location", "marking_id", "confidentiality", "integrity", "availability",
        "personal_data", "special_category", "next_review"}

    shown = record.as_json()  # what `isms assets show --json` prints
    assert shown["department"] == "Finance" and shown["type"] == "information"
    assert shown["handling"] == [{"stage": "transferred", "channel": "e-mail",
                                  "safeguards": ["encrypted"], "third_party": "Bureau Ltd"}]
    assert ("Finance (FIN)", written["dept"]) in choices.departments
    assert ("Carl Custodian", written["carl"]) in choices.people
    assert choices.scheme and choices.markings  # the register's scheme, with its markings
    with register.session() as s:
        assert asset_record_by_ref(s, "FIN-0002") == record


def test_a_record_no_longer_there_is_said_plainly(register: Register) -> None:
    with register.session() as s, pytest.raises(NotFoundError, match="no longer in the register"):
        risk_record(s, 987_654)
    with register.session() as s, pytest.raises(NotFoundError, match="no longer in the register"):
        asset_record(s, 987_654)


def test_a_person_by_id(register: Register, written: dict[str, int]) -> None:
    with register.session() as s:
        assert person_by_id(s, written["carl"]).name == "Carl Custodian"
        with pytest.raises(NotFoundError, match="no person with id 987654"):
            person_by_id(s, 987_654)
