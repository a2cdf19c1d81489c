"""Every change through a register session is logged, field by field, in a hash chain."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from isms.db import Register, commit
from isms.db.changelog import entry_digest
from isms.errors import ValidationError
from isms.model import ChangeAction, ChangeLogEntry, Control, Department, Risk
from tests import builders as b

# Storage and service behaviour: the same on a SQLite file and a PostgreSQL server.
pytestmark = pytest.mark.both_backends


def _entries(register: Register, table: str | None = None) -> list[ChangeLogEntry]:
    with register.session() as s:
        query = select(ChangeLogEntry).order_by(ChangeLogEntry.id)
        if table:
            query = query.where(ChangeLogEntry.table_name == table)
        return list(s.execute(query).scalars())


def test_insert_update_delete_are_logged_with_actor_and_values(register: Register) -> None:
    with register.session(actor="alice") as s:
        dept = b.department(s, code="ENV", name="Environment")
        risk = b.risk(s, dept, ref="R-0001", title="Loss of highways data", inherent_likelihood=3)
        commit(s)
    with register.session(actor="bob") as s:
        risk = s.get(Risk, risk.id)
        assert risk is not None
        risk.title = "Loss of highways defect data"
        risk.inherent_likelihood = 4
        commit(s)

    inserts = [e for e in _entries(register, "risk") if e.action == ChangeAction.INSERT]
    assert len(inserts) == 1
    assert inserts[0].actor == "alice"
    assert inserts[0].label == "risk R-0001"
    assert inserts[0].changes["title"] == "Loss of highways data"
    assert inserts[0].changes["inherent_likelihood"] == 3
    assert "version" not in inserts[0].changes

    updates = [e for e in _entries(register, "risk") if e.action == ChangeAction.UPDATE]
    assert len(updates) == 1
    assert updates[0].actor == "bob"
    assert updates[0].record_id == str(risk.id)
    # "_row": the row's digest as the save left it (isms.db.row_form), for `audit verify`.
    changes = dict(updates[0].changes)
    assert len(changes.pop("_row")) == 64
    assert changes == {
        "title": ["Loss of highways data", "Loss of highways defect data"],
        "inherent_likelihood": [3, 4],
    }


def test_deletion_of_other_records_is_logged_with_last_values(register: Register) -> None:
    with register.session() as s:
        dept = b.department(s, code="TMP", name="Temporary team")
        commit(s)
        s.delete(dept)
        commit(s)
    deletes = [e for e in _entries(register, "department") if e.action == ChangeAction.DELETE]
    assert len(deletes) == 1
    assert deletes[0].changes["code"] == "TMP"
    assert deletes[0].label == "department TMP"


def test_links_are_logged_on_the_owning_record(register: Register) -> None:
    with register.session() as s:
        dept = b.department(s)
        risk = b.risk(s, dept, ref="R-0100")
        commit(s)
        control = s.execute(select(Control).where(Control.ref == "8.7")).scalar_one()
        risk.controls.append(control)
        commit(s)
    update = [e for e in _entries(register, "risk") if e.action == ChangeAction.UPDATE][-1]
    assert {k: v for k, v in update.changes.items() if k != "_row"} == {
        "controls": {"added": ["8.7"], "removed": []}}


def test_a_save_with_no_real_change_logs_nothing(register: Register) -> None:
    with register.session() as s:
        dept = b.department(s, name="Finance")
        commit(s)
        before = len(_entries(register))
        dept.name = "Finance"
        commit(s)
    assert len(_entries(register)) == before


def test_entries_form_a_hash_chain(register: Register) -> None:
    with register.session() as s:
        dept = b.department(s)
        b.asset(s, dept)
        commit(s)
    entries = _entries(register)
    assert len(entries) >= 3  # register created, department, asset
    prev = None
    for entry in entries:
        assert entry.prev_hash == prev
        assert entry.entry_hash == entry_digest(prev, entry.__dict__)
        prev = entry.entry_hash


def test_a_tampered_entry_no_longer_matches_its_hash(register: Register) -> None:
    with register.session() as s:
        b.department(s, name="Adult Social Care")
        commit(s)
    target = _entries(register, "department")[0]
    with register.engine.begin() as connection:
        connection.execute(
            text("UPDATE change_log SET actor = 'mallory' WHERE id = :id"), {"id": target.id}
        )
    tampered = next(e for e in _entries(register) if e.id == target.id)
    assert entry_digest(tampered.prev_hash, tampered.__dict__) != tampered.entry_hash


def test_a_failed_save_logs_nothing(register: Register) -> None:
    before = len(_entries(register))
    with register.session() as s:
        b.department(s, code="DUP", name="One")
        commit(s)
        after_first = len(_entries(register))
        s.add(Department(code="DUP", name="Two"))
        with pytest.raises(ValidationError):
            commit(s)
    assert after_first == before + 1
    assert len(_entries(register)) == after_first
