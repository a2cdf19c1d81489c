"""Optimistic locking: a save made from a stale copy is refused, naming the record."""

from __future__ import annotations

import pytest

from isms.db import Register, commit
from isms.errors import ConflictError
from isms.model import Risk
from tests import builders as b

# Storage and service behaviour: the same on a SQLite file and a PostgreSQL server.
pytestmark = pytest.mark.both_backends


@pytest.fixture
def risk_id(register: Register) -> int:
    with register.session() as s:
        risk = b.risk(s, b.department(s), ref="R-0007", title="Ransomware on case system")
        commit(s)
        return risk.id


def test_second_save_of_the_same_risk_is_a_conflict(register: Register, risk_id: int) -> None:
    first = register.session(actor="alice")
    second = register.session(actor="bob")
    mine = first.get(Risk, risk_id)
    theirs = second.get(Risk, risk_id)
    assert mine is not None and theirs is not None
    assert mine.version == theirs.version == 1

    mine.title = "Ransomware on the children's case system"
    commit(first)

    theirs.title = "Ransomware encrypts the case system"
    with pytest.raises(ConflictError) as refused:
        commit(second)
    assert "Risk R-0007 was changed by someone else" in str(refused.value)
    assert refused.value.record == "risk R-0007"
    assert (refused.value.yours, refused.value.theirs) == (1, 2)
    first.close()
    second.close()

    # No lost update: the first save stands, and the refused one left nothing behind.
    with register.session() as s:
        stored = s.get(Risk, risk_id)
        assert stored is not None
        assert stored.title == "Ransomware on the children's case system"
        assert stored.version == 2


def test_saving_after_reload_succeeds(register: Register, risk_id: int) -> None:
    with register.session() as a, register.session() as c:
        stale = c.get(Risk, risk_id)
        fresh = a.get(Risk, risk_id)
        assert stale is not None and fresh is not None
        fresh.title = "First"
        commit(a)
        stale.title = "Second"
        with pytest.raises(ConflictError):
            commit(c)
        reloaded = c.get(Risk, risk_id)
        assert reloaded is not None and reloaded.version == 2
        reloaded.title = "Second"
        commit(c)
        assert reloaded.version == 3


def test_a_stale_flush_inside_a_transaction_is_a_named_conflict(
    register: Register, risk_id: int
) -> None:
    from sqlalchemy import select

    from isms.db import expect_version

    with register.session() as other:
        risk = other.get(Risk, risk_id)
        assert risk is not None
        risk.title = "Saved by someone else"
        commit(other)  # now at version 2

    with pytest.raises(ConflictError, match="Risk R-0007 was changed by someone else") as refused:
        with register.transaction() as s:
            mine = s.get(Risk, risk_id)
            assert mine is not None
            expect_version(mine, 1)  # the editor showed version 1
            mine.title = "My edit"
            s.execute(select(Risk.id)).all()  # a query sets off the autoflush mid-way
    assert (refused.value.yours, refused.value.theirs) == (1, 2)
    with register.session() as s:
        stored = s.get(Risk, risk_id)
        assert stored is not None and stored.title == "Saved by someone else"
