"""Handling practices through ``edits.add_practice`` and ``edits.retire_practice`` on real
registers (SQLite file and PostgreSQL): a retirement removes the practice, undo puts it back
with its own id and values, redo removes it again, and an undo that would overwrite another
record is refused with nothing written."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from isms.db import Register, commit
from isms.errors import ConflictError, ValidationError
from isms.model import AssetStatus, HandlingPractice
from isms.services import edits
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


def test_a_retired_practice_comes_back_on_undo_and_goes_on_redo(
    register: Register, asset_ids: tuple[int, int]
) -> None:
    with register.session() as s:
        added = edits.add_practice(s, asset_ids[0], SHARED)
        commit(s)
    assert added.change_id is None and added.record_id is not None
    made = _practices(register)
    assert made == [(added.record_id, "shared", "secure e-mail", ["encrypted", "agreement"],
                     "NHS Trust", True, 24)]

    with register.session() as s:
        practice = s.get(HandlingPractice, added.record_id)
        assert practice is not None
        retired = edits.retire_practice(s, practice.id, practice.version)
        commit(s)
    assert retired.text == "Retire handling practice HSG-0001 (shared)"
    assert retired.changed.touches(HandlingPractice)
    assert _practices(register) == []

    assert retired.change_id is not None
    with register.session() as s:
        edits.undo_change(s, retired.change_id)
        commit(s)
    assert _practices(register) == made
    with register.session() as s:
        edits.redo_change(s, retired.change_id)
        commit(s)
    assert _practices(register) == []
    with register.session() as s:
        edits.undo_change(s, retired.change_id)
        commit(s)
    assert _practices(register) == made


def test_an_undo_never_overwrites_a_practice_that_took_the_place(
    register: Register, asset_ids: tuple[int, int]
) -> None:
    with register.session() as s:
        added = edits.add_practice(s, asset_ids[0], {"stage": "stored"})
        commit(s)
        practice = s.get(HandlingPractice, added.record_id)
        assert practice is not None
        retired = edits.retire_practice(s, practice.id, practice.version)
        commit(s)
        # The retired practice's id given to a new one (as SQLite does with the highest id).
        s.add(HandlingPractice(id=added.record_id, asset_id=asset_ids[0], stage="collected",
                               safeguards=[], description="", third_party="", offshore=False))
        commit(s)
        assert retired.change_id is not None
        with pytest.raises(ConflictError, match="another handling practice has its place"):
            edits.undo_change(s, retired.change_id)
        s.rollback()
    assert [(p[0], p[1]) for p in _practices(register)] == [(added.record_id, "collected")]


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
