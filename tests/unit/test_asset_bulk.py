"""Bulk asset actions and the asset editor's save: change-logged, versioned, validated."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from isms.db import Register, commit
from isms.errors import NotFoundError, ValidationError
from isms.model import (
    Asset,
    AssetStatus,
    ChangeAction,
    ChangeLogEntry,
    ClassificationMarking,
    ClassificationScheme,
)
from isms.services import assets
from tests import builders as b

# Storage and service behaviour: the same on a SQLite file and a PostgreSQL server.
pytestmark = pytest.mark.both_backends


def markings(s: Any) -> tuple[int, int]:
    """(a marking of the current scheme, one of another scheme)."""
    rows = s.execute(
        select(ClassificationMarking.id, ClassificationScheme.is_current)
        .join(ClassificationScheme)
        .order_by(ClassificationMarking.id)
    ).all()
    return (next(i for i, cur in rows if cur), next(i for i, cur in rows if not cur))


def updates(s: Any, table: str = "asset") -> list[ChangeLogEntry]:
    return list(s.execute(
        select(ChangeLogEntry).where(ChangeLogEntry.table_name == table,
                                     ChangeLogEntry.action == ChangeAction.UPDATE)
        .order_by(ChangeLogEntry.id)
    ).scalars())


def test_bulk_update_logs_each_change_and_bumps_versions(register: Register) -> None:
    with register.session() as s:
        dept, other = b.department(s), b.department(s)
        who = b.person(s)
        items = [b.asset(s, dept) for _ in range(3)]
        already = b.asset(s, other, owner=who)
        commit(s)
        current, _ = markings(s)
        ids = [a.id for a in items] + [already.id]
        changed = assets.bulk_update(s, ids, owner_id=who.id, department_id=other.id,
                                     marking_id=current)
        commit(s)
        assert changed == 4
        log = {e.record_id: dict(e.changes) for e in updates(s)}
        assert set(log) == {str(i) for i in ids}
        # Each entry also carries the digest of the row it left (for `isms audit verify`).
        assert all(len(changes.pop("_row")) == 64 for changes in log.values())
        assert log[str(ids[0])] == {"owner_id": [None, who.id],
                                    "department_id": [dept.id, other.id],
                                    "marking_id": [None, current]}
        assert log[str(already.id)] == {"marking_id": [None, current]}
        assert {a.version for a in s.execute(select(Asset)).scalars()} == {2}
        assert assets.bulk_update(s, ids, owner_id=who.id) == 0
        assert assets.bulk_update(s, ids[:1], owner_id=None) == 1
        commit(s)
        assert s.get(Asset, ids[0]).owner_id is None  # type: ignore[union-attr]


def test_retire_skips_retired_ones(register: Register) -> None:
    with register.session() as s:
        dept = b.department(s)
        live = b.asset(s, dept)
        gone = b.asset(s, dept, status=AssetStatus.RETIRED)
        commit(s)
        assert assets.retire(s, [live.id, gone.id, live.id]) == 1
        commit(s)
        assert live.status == AssetStatus.RETIRED and live.retired_at is not None
        assert (live.version, gone.version) == (2, 1)
        (entry,) = updates(s)
        assert entry.record_id == str(live.id) and entry.changes["status"] == [
            "active", "retired"]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"owner_id": 999_999}, "owner_id"),
        ({"department_id": 999_999}, "department_id"),
        ({"department_id": None}, "department_id"),
        ({"marking_id": 999_999}, "marking_id"),
        ({"marking_id": "old scheme"}, "marking_id"),
    ],
)
def test_bulk_update_names_the_bad_field(
    register: Register, kwargs: dict[str, Any], field: str
) -> None:
    with register.session() as s:
        item = b.asset(s, b.department(s))
        commit(s)
        if kwargs.get("marking_id") == "old scheme":
            kwargs = {"marking_id": markings(s)[1]}
        with pytest.raises(ValidationError) as err:
            assets.bulk_update(s, [item.id], **kwargs)
        assert err.value.field == field
        assert item.version == 1


def test_bulk_update_refuses_inactive_owner_and_missing_assets(register: Register) -> None:
    with register.session() as s:
        item = b.asset(s, b.department(s))
        gone = b.person(s, active=False)
        commit(s)
        with pytest.raises(ValidationError, match="inactive") as err:
            assets.bulk_update(s, [item.id], owner_id=gone.id)
        assert err.value.field == "owner_id"
        with pytest.raises(NotFoundError, match="1 of the selected"):
            assets.retire(s, [item.id, 999_999])


def test_update_asset_sets_valid_fields(register: Register) -> None:
    with register.session() as s:
        item = b.asset(s, b.department(s), name="Old")
        commit(s)
        current, _ = markings(s)
        changed = assets.update_asset(
            s, item, name="  New name ", confidentiality=4, personal_data=True,
            special_category=True, marking_id=current, asset_type="software",
        )
        commit(s)
        assert sorted(changed) == ["asset_type", "confidentiality", "marking_id", "name",
                                   "personal_data", "special_category"]
        assert (item.name, item.version) == ("New name", 2)
        assert assets.update_asset(s, item, name="New name") == []


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": "  "}, "name"),
        ({"ref": ""}, "ref"),
        ({"confidentiality": 6}, "confidentiality"),
        ({"integrity": 0}, "integrity"),
        ({"availability": "3"}, "availability"),
        ({"special_category": True}, "special_category"),
        ({"asset_type": "spaceship"}, "asset_type"),
        ({"department_id": 999_999}, "department_id"),
        ({"owner_id": 999_999}, "owner_id"),
        ({"custodian_id": 999_999}, "custodian_id"),
        ({"marking_id": "old scheme"}, "marking_id"),
        ({"ref": "TAKEN-1"}, "ref"),
    ],
)
def test_update_asset_names_the_bad_field(
    register: Register, fields: dict[str, Any], field: str
) -> None:
    with register.session() as s:
        dept = b.department(s)
        b.asset(s, dept, ref="TAKEN-1")
        item = b.asset(s, dept, name="Keep")
        commit(s)
        if fields.get("marking_id") == "old scheme":
            fields = {"marking_id": markings(s)[1]}
        with pytest.raises(ValidationError) as err:
            assets.update_asset(s, item, **({"name": "Changed"} | fields))
        assert err.value.field == field
        assert item.name == "Keep"


def test_update_asset_refuses_unknown_fields_and_retired_assets(register: Register) -> None:
    with register.session() as s:
        item = b.asset(s, b.department(s), status=AssetStatus.RETIRED)
        commit(s)
        with pytest.raises(TypeError, match="status"):
            assets.update_asset(s, item, status="active")
        with pytest.raises(ValidationError, match="retired"):
            assets.update_asset(s, item, name="x")


def test_unretire_takes_back_a_retirement_only_while_retired(register: Register) -> None:
    from isms.errors import ConflictError

    asset_service = assets
    with register.session() as s:
        item = b.asset(s, b.department(s), status=AssetStatus.PENDING_VERIFICATION)
        commit(s)
        asset_service.retire(s, [item.id])
        commit(s)
        assert item.status == AssetStatus.RETIRED and item.retired_at is not None
        asset_service.unretire(s, item, AssetStatus.PENDING_VERIFICATION)
        commit(s)
        assert item.status == AssetStatus.PENDING_VERIFICATION and item.retired_at is None
        with pytest.raises(ConflictError, match="no longer retired"):
            asset_service.unretire(s, item)
