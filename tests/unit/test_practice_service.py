"""Handling practices through ``edits.add_practice`` and ``edits.retire_practice`` on real
registers (SQLite file and PostgreSQL): a retired practice stays in the register with when it
was retired, out of the lists, the checks and its asset's record; undo puts it back in use and
redo retires it again; a retired practice is not edited and its id is never reused."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select, text

from isms.db import Register, commit
from isms.errors import ValidationError
from isms.model import AssetStatus, HandlingPractice
from isms.model.base import utcnow
from isms.services import edits, handling
from isms.services.read import lists
from isms.services.read.asset_record import asset_record
from tests import builders as b

pytestmark = pytest.mark.both_backends

SHARED = {"stage": "shared", "channel": "secure e-mail", "safeguards": ["agreement", "encrypted"],
          "third_party": "NHS Trust", "has_agreement": True, "retention_months": 24}


def _practices(register: Register) -> list[tuple[int, str, str | None, list[str], str,
                                                  bool | None, int | None]]:
    with register.session() as s:
        return [(p.id, p.stage.value, p.channel.value if p.channel else None, p.safeguards,
                 p.third_party, p.has_agreement, p.retention_months)
                for p in s.execute(select(HandlingPractice).order_by(HandlingPractice.id))
                .scalars()]


@pytest.fixture
def asset_ids(register: Register) -> tuple[int, int]:
    with register.session() as s:
        dept = b.department(s, code="HSG")
        live = b.asset(s, dept, ref="HSG-0001")
        retired = b.asset(s, dept, ref="HSG-0009", status=AssetStatus.RETIRED)
        commit(s)
        return live.id, retired.id


def _stored(register: Register, practice_id: int) -> tuple[int, datetime | None]:
    """The practice's version and retired_at as the register's table holds them."""
    with register.session() as s:
        row = s.execute(text("SELECT version, retired_at FROM handling_practice WHERE id = :id"),
                        {"id": practice_id}).one()
        practice = s.get(HandlingPractice, practice_id)
        assert practice is not None
        return int(row[0]), practice.retired_at if row[1] is not None else None


def _listed(register: Register, asset_id: int) -> tuple[list[int], list[int], list[int], list[int]]:
    """Which practices the handling list, the list with retired ones, the checks and the
    asset's record give."""
    with register.session() as s:
        return (lists.handling_ids(s), lists.handling_ids(s, include_retired=True),
                [p.id for p in handling.load_practices(s)],
                [line.id for line in asset_record(s, asset_id).handling])


def test_a_retired_practice_stays_and_undo_and_redo_take_its_retirement_back_and_forth(
    register: Register, asset_ids: tuple[int, int]
) -> None:
    with register.session() as s:
        added = edits.add_practice(s, asset_ids[0], SHARED)
        commit(s)
    assert added.change_id is None and added.record_id is not None
    made = _practices(register)
    assert made == [(added.record_id, "shared", "secure e-mail", ["encrypted", "agreement"],
                     "NHS Trust", True, 24)]
    mine = [added.record_id]
    assert _listed(register, asset_ids[0]) == (mine, mine, mine, mine)
    version, retired_at = _stored(register, added.record_id)
    assert retired_at is None

    before = utcnow()
    with register.session() as s:
        retired = edits.retire_practice(s, added.record_id, version)
        commit(s)
    assert retired.text == "Retire handling practice HSG-0001 (shared)"
    assert retired.changed.touches(HandlingPractice) and retired.record_id == added.record_id
    # Still in the register, with its values and when it was retired; out of the lists.
    assert _practices(register) == made
    version, retired_at = _stored(register, added.record_id)
    assert retired_at is not None and before <= retired_at <= utcnow()
    assert _listed(register, asset_ids[0]) == ([], mine, [], [])

    assert retired.change_id is not None
    with register.session() as s:
        edits.undo_change(s, retired.change_id)
        commit(s)
    assert _stored(register, added.record_id) == (version + 1, None)
    assert _listed(register, asset_ids[0]) == (mine, mine, mine, mine)
    with register.session() as s:
        edits.redo_change(s, retired.change_id)
        commit(s)
    assert _stored(register, added.record_id) == (version + 2, retired_at)
    assert _listed(register, asset_ids[0]) == ([], mine, [], [])
    assert _practices(register) == made


def test_a_retired_practice_is_not_edited_nor_retired_twice_and_keeps_its_id(
    register: Register, asset_ids: tuple[int, int]
) -> None:
    with register.session() as s:
        added = edits.add_practice(s, asset_ids[0], {"stage": "stored"})
        commit(s)
        assert added.record_id is not None
        practice = s.get(HandlingPractice, added.record_id)
        assert practice is not None
        edits.retire_practice(s, practice.id, practice.version)
        commit(s)
        for attempt in (
            lambda: edits.save(s, "handling practice", practice.id, practice.version,
                               {"safeguards": ["encrypted"]}),
            lambda: edits.retire_practice(s, practice.id, practice.version),
        ):
            with pytest.raises(ValidationError) as refused:
                attempt()
            assert refused.value.field == "retired_at"
            assert f"Handling practice {practice.id} of HSG-0001 is retired" in str(refused.value)
            s.rollback()
        # A new practice never takes the retired one's id (SQLite would reuse a deleted one).
        again = edits.add_practice(s, asset_ids[0], {"stage": "collected"})
        commit(s)
    assert again.record_id is not None and again.record_id > added.record_id
    assert [(p[0], p[1], p[3]) for p in _practices(register)] == [
        (added.record_id, "stored", []), (again.record_id, "collected", [])]


@pytest.mark.parametrize(("which", "values", "field"), [
    (0, {"stage": ""}, "stage"),
    (0, {"stage": "stored", "channel": "courier"}, "channel"),
    (0, {"stage": "stored", "safeguards": ["shredded"]}, "safeguards"),
    (1, {"stage": "stored"}, "asset_id"),
])
def test_a_bad_practice_names_its_field_and_adds_nothing(
    register: Register, asset_ids: tuple[int, int], which: int, values: dict[str, object],
    field: str,
) -> None:
    with register.session() as s:
        with pytest.raises(ValidationError) as refused:
            edits.add_practice(s, asset_ids[which], values)
        assert refused.value.field == field
        s.rollback()
    assert _practices(register) == []
