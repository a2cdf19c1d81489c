"""Making an asset by hand through the services, on a real register: what is written, and what
is refused with nothing written."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from isms.db import Register, commit
from isms.errors import ValidationError
from isms.model import (
    Asset,
    AssetStatus,
    AssetType,
    ChangeAction,
    ChangeLogEntry,
    ClassificationMarking,
    ClassificationScheme,
)
from isms.services import edits
from isms.services.read.queries import current_criteria
from tests import builders as b

pytestmark = pytest.mark.both_backends

TODAY = date(2026, 3, 2)


@pytest.fixture
def ids(register: Register) -> dict[str, int]:
    with register.session() as s:
        dept = b.department(s, code="HSG", name="Housing")
        other = b.department(s, code="ENV", name="Environment")
        owner = b.person(s, name="Olive Owner", department=dept)
        keeper = b.person(s, name="Ken Keeper", department=dept)
        gone = b.person(s, name="Gus Gone", department=dept, active=False)
        b.asset(s, dept, ref="HSG-0007")
        b.asset(s, dept, ref="HSG-notes")  # not numbered: the next number ignores it
        b.asset(s, other, ref="ENV-0042")
        marks = s.execute(
            select(ClassificationMarking.id, ClassificationScheme.is_current)
            .join(ClassificationScheme).order_by(ClassificationMarking.id)
        ).all()
        commit(s)
        return {"dept": dept.id, "other": other.id, "owner": owner.id, "keeper": keeper.id,
                "gone": gone.id, "marking": next(i for i, cur in marks if cur),
                "old_marking": next(i for i, cur in marks if not cur)}


def counts(register: Register) -> tuple[int, int]:
    """(assets, change-log entries): what a refused add must leave as it was."""
    with register.session() as s:
        return (s.execute(select(func.count()).select_from(Asset)).scalar_one(),
                s.execute(select(func.count()).select_from(ChangeLogEntry)).scalar_one())


def test_a_new_asset_takes_the_departments_next_reference_and_is_logged_with_its_actor(
    register: Register, ids: dict[str, int]
) -> None:
    with register.transaction(actor="alice") as s:
        saved = edits.add_asset(s, {
            "name": "  Tenancy files ", "department_id": ids["dept"], "asset_type": "information",
            "description": "Paper and scanned tenancy agreements.", "owner_id": ids["owner"],
            "custodian_id": ids["keeper"], "location": "Civic centre basement",
            "marking_id": ids["marking"], "confidentiality": 4, "integrity": 3,
            "availability": 2, "personal_data": True, "special_category": True,
        }, today=TODAY)
    assert saved.change_id is None and saved.count == 1  # a new record: retired, not undone
    assert saved.changed.ids == {"asset": frozenset({saved.record_id})}
    with register.session() as s:
        asset = s.get(Asset, saved.record_id)
        assert asset is not None
        assert (asset.ref, asset.name, asset.asset_type) == (
            "HSG-0008", "Tenancy files", AssetType.INFORMATION)
        assert (asset.department_id, asset.owner_id, asset.custodian_id, asset.marking_id) == (
            ids["dept"], ids["owner"], ids["keeper"], ids["marking"])
        assert (asset.confidentiality, asset.integrity, asset.availability) == (4, 3, 2)
        assert asset.personal_data and asset.special_category
        assert asset.location == "Civic centre basement"
        assert asset.status == AssetStatus.ACTIVE and asset.version == 1
        # Its owner attests it first on the criteria's interval from the day it was made.
        due = TODAY + timedelta(days=current_criteria(s).attestation_days)
        assert asset.next_review == due
        assert asset.import_batch_id is None  # made by hand, not by an import
        logged = s.execute(select(ChangeLogEntry).where(
            ChangeLogEntry.label == "asset HSG-0008")).scalars().all()
        assert [(e.action, e.actor, e.table_name) for e in logged] == [
            (ChangeAction.INSERT, "alice", "asset")]
        assert logged[0].changes["id"] == asset.id
        assert logged[0].changes["name"] == "Tenancy files"


def test_without_an_owner_it_waits_for_verification_and_a_given_ref_is_kept(
    register: Register, ids: dict[str, int]
) -> None:
    review = TODAY + timedelta(days=30)
    with register.transaction() as s:
        first = edits.add_asset(s, {"name": "Street lighting map", "department_id": ids["other"],
                                    "ref": " env-map ", "next_review": review})
        second = edits.add_asset(s, {"name": "Bin rounds", "department_id": ids["other"]})
    with register.session() as s:
        made = s.get(Asset, first.record_id)
        assert made is not None
        assert (made.ref, made.status, made.next_review) == (
            "env-map", AssetStatus.PENDING_VERIFICATION, review)
        assert (made.asset_type, made.description, made.personal_data) == (
            AssetType.INFORMATION, "", False)
        after = s.get(Asset, second.record_id)
        assert after is not None and after.ref == "ENV-0043"


@pytest.mark.parametrize(("values", "field", "words"), [
    ({"name": "  "}, "name", "needs a name"),
    ({"department_id": None}, "department_id", "Choose a department"),
    ({"department_id": 99_999}, "department_id", "Choose a department"),
    ({"asset_type": "gadget"}, "asset_type", "'gadget' is not an asset type"),
    ({"owner_id": "gone"}, "owner_id", "Gus Gone has left"),
    ({"custodian_id": 99_999}, "custodian_id", "no person with id 99999"),
    ({"marking_id": "old_marking"}, "marking_id", "not the register's current scheme"),
    ({"confidentiality": 7}, "confidentiality", "Confidentiality 7 is outside the scale 1-5."),
    ({"availability": 0}, "availability", "Availability 0 is outside the scale 1-5."),
    ({"integrity": "high"}, "integrity", "whole number from 1 to 5, or blank; 'high' is not"),
    ({"special_category": True}, "special_category", "tick personal data too"),
    ({"ref": "HSG-0007"}, "ref", "Another asset is already HSG-0007"),
    ({"ref": "X" * 41}, "ref", "longer than 40 characters"),
    ({"name": "N" * 301}, "name", "longer than 300 characters"),
])
def test_bad_values_are_refused_naming_the_field_and_nothing_is_written(
    register: Register, ids: dict[str, int], values: dict[str, Any], field: str, words: str
) -> None:
    given = {"name": "Tenancy files", "department_id": ids["dept"], "owner_id": ids["owner"]}
    # Ids of the fixture's records are named by their key.
    given |= {k: ids.get(v, v) if isinstance(v, str) and k.endswith("_id") else v
              for k, v in values.items()}
    before = counts(register)
    with pytest.raises(ValidationError) as refused, register.transaction() as s:
        edits.add_asset(s, given)
    assert refused.value.field == field
    assert words in str(refused.value)
    assert counts(register) == before


def test_a_field_the_editor_does_not_have_is_a_programming_error(
    register: Register, ids: dict[str, int]
) -> None:
    with pytest.raises(TypeError, match="status"), register.transaction() as s:
        edits.add_asset(s, {"name": "X", "department_id": ids["dept"], "status": "retired"})
