"""Making a risk by hand and retiring one, through the services, on a real register."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from isms.db import Register, commit
from isms.errors import ValidationError
from isms.model import Asset, AssetStatus, ChangeLogEntry, Risk, RiskStatus, Threat, Vulnerability
from isms.services import edits
from isms.services import risks as service
from tests import builders as b

pytestmark = pytest.mark.both_backends


@pytest.fixture
def ids(register: Register) -> dict[str, int]:
    with register.session() as s:
        dept = b.department(s, code="HSG", name="Housing")
        owner = b.person(s, name="Olive Owner", department=dept)
        gone = b.person(s, name="Gus Gone", department=dept, active=False)
        tenants = b.asset(s, dept, ref="HSG-0001", name="Tenancy files")
        old = b.asset(s, dept, ref="HSG-0002", status=AssetStatus.RETIRED)
        b.risk(s, dept, ref="R-0007")
        commit(s)
        return {"dept": dept.id, "owner": owner.id, "gone": gone.id, "asset": tenants.id,
                "retired_asset": old.id}


def test_a_new_risk_takes_the_next_reference_and_waits_to_be_scored(
    register: Register, ids: dict[str, int]
) -> None:
    with register.transaction() as s:
        malware = service.catalogue_id(s, Threat, "t09")
        weak = service.catalogue_id(s, Vulnerability, "V01")
        saved = edits.add_risk(s, {
            "title": "  Tenancy files read by malware ", "department_id": ids["dept"],
            "description": "Ransomware on the housing share.", "owner_id": ids["owner"],
            "asset_ids": [ids["asset"], ids["asset"]], "threat_id": malware,
            "vulnerability_id": weak})
    assert saved.change_id is None and saved.count == 1
    assert saved.changed.ids == {"risk": frozenset({saved.record_id})}
    with register.session() as s:
        risk = s.get(Risk, saved.record_id)
        assert risk is not None
        assert (risk.ref, risk.title, risk.status) == (
            "R-0008", "Tenancy files read by malware", RiskStatus.IDENTIFIED)
        assert risk.owner_id == ids["owner"] and risk.department_id == ids["dept"]
        assert [a.id for a in risk.assets] == [ids["asset"]]
        assert risk.threat is not None and risk.threat.code == "T09"
        assert risk.affects == risk.threat.affects
        assert risk.vulnerability is not None and risk.vulnerability.code == "V01"
        assert risk.inherent_likelihood is None and risk.next_review is None
        logged = s.execute(select(ChangeLogEntry.action).where(
            ChangeLogEntry.label == "risk R-0008")).scalars().all()
        assert logged == ["insert"]  # the change log saw the new risk


@pytest.mark.parametrize(("values", "field"), [
    ({"title": "  "}, "title"),
    ({"department_id": None}, "department_id"),
    ({"department_id": 999_999}, "department_id"),
    ({"owner_id": "gone"}, "owner_id"),
    ({"owner_id": 999_999}, "owner_id"),
    ({"asset_ids": ["retired_asset"]}, "asset_ids"),
    ({"threat_id": 999_999}, "threat_id"),
])
def test_a_new_risk_with_a_bad_value_is_refused_and_nothing_is_written(
    register: Register, ids: dict[str, int], values: dict[str, object], field: str
) -> None:
    given: dict[str, object] = {"title": "A risk", "department_id": ids["dept"]}
    for name, value in values.items():
        given[name] = ([ids[str(v)] for v in value] if isinstance(value, list)
                       else ids[value] if isinstance(value, str) and value in ids else value)
    with pytest.raises(ValidationError) as refused:
        with register.transaction() as s:
            edits.add_risk(s, given)
    assert refused.value.field == field
    with register.session() as s:
        assert s.execute(select(Risk.ref)).scalars().all() == ["R-0007"]


def test_an_unknown_catalogue_code_names_the_field(register: Register) -> None:
    with register.session() as s, pytest.raises(ValidationError) as refused:
        service.catalogue_id(s, Vulnerability, "V999")
    assert refused.value.field == "vulnerability_id"
    with register.session() as s:
        threats = service.catalogue(s, Threat)
    assert threats[0][0].startswith("T01 ") and len(threats) > 5


def test_retiring_keeps_the_risk_and_says_why(register: Register, ids: dict[str, int]) -> None:
    with register.transaction() as s:
        risk = s.execute(select(Risk).where(Risk.ref == "R-0007")).scalar_one()
        risk.description = "Flooding of the archive."
        service.retire_risk(risk, " The archive moved out of the flood plain. ",
                            today=date(2026, 12, 7))
    with register.session() as s:
        risk = s.execute(select(Risk).where(Risk.ref == "R-0007")).scalar_one()
        assert risk.status == RiskStatus.RETIRED and risk.retired_at is not None
        assert risk.description == ("Flooding of the archive.\n\nRetired on 2026-12-07: The "
                                    "archive moved out of the flood plain.")
        with pytest.raises(ValidationError, match="retired already") as again:
            service.retire_risk(risk, "twice")
        assert again.value.field == "status"


def test_retiring_needs_a_reason(register: Register, ids: dict[str, int]) -> None:
    with register.session() as s:
        risk = s.execute(select(Risk).where(Risk.ref == "R-0007")).scalar_one()
        with pytest.raises(ValidationError) as refused:
            service.retire_risk(risk, "  ")
        assert refused.value.field == "reason" and risk.status == RiskStatus.IDENTIFIED


def test_a_risk_to_an_asset_starts_in_its_department_with_its_owner(
    register: Register, ids: dict[str, int]
) -> None:
    with register.transaction() as s:
        other = b.department(s, code="FIN", name="Finance")
        ledger = b.asset(s, other, ref="FIN-0001", owner_id=ids["gone"])
        ledger_id, other_id = ledger.id, other.id
        s.get(Asset, ids["asset"]).owner_id = ids["owner"]  # type: ignore[union-attr]
    with register.session() as s:
        start = service.starting_values(s, [ids["asset"], ids["retired_asset"], ledger_id])
        assert (start["department_id"], start["owner_id"], start["asset_ids"]) == (
            ids["dept"], ids["owner"], [ids["asset"], ledger_id])
        # The owner of the first asset has left: no owner yet.
        start = service.starting_values(s, [ledger_id])
        assert (start["department_id"], start["owner_id"]) == (other_id, None)
        # No asset: the department the window shows.
        assert service.starting_values(s, [], other_id)["department_id"] == other_id
        saved = edits.add_risk(s, {**start, "title": "Ledger altered"})
        risk = s.get(Risk, saved.record_id)
        assert risk is not None and [a.ref for a in risk.assets] == ["FIN-0001"]
