"""Free-text search: the trigram FTS5 index gives exactly what LIKE gives, and stays in step."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Connection, delete, select, update

from isms.db import Register, commit
from isms.db.bulk import insert_rows
from isms.demo import build_demo
from isms.model import Asset, AssetStatus, AssetType, Person, Risk
from isms.model.base import utcnow
from isms.services.read import queries, search
from tests import builders as b

# Storage and service behaviour: the same on a SQLite file and a PostgreSQL server.
pytestmark = pytest.mark.both_backends

ODD_TERMS = [
    "a", "ab", "%", "_", "%%%", "100%", "a_b", '"', '""', '"x"', "'", "o'", "O'B", "*", "(",
    ")", "AND", "OR", "NOT", "NEAR", "^", ":", "x:y", "\\", "-", "--", "ENV-", "-00", "  data  ",
    "DATA", "Data ", "é", "café", "zzzz", "r-0", "R-00", "the", "of the", "council tax",
]


def integrity_ok(connection: Connection) -> None:
    """FTS5's own check of each index against the rows it indexes (raises if out of step).

    Only SQLite has the index; other databases search the tables themselves."""
    if connection.dialect.name != "sqlite":
        return
    for index in ("asset_fts", "risk_fts"):
        connection.exec_driver_sql(
            f"INSERT INTO {index}({index}, rank) VALUES ('integrity-check', 1)"
        )


def like_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search, "uses_index", lambda _session, _term: False)


def sample_terms(register: Register, n: int = 60) -> list[str]:
    """Substrings of the register's own text, of 1 to 12 characters, and case-changed."""
    rng = random.Random(7)
    with register.session() as s:
        texts = [t for row in s.execute(select(Asset.ref, Asset.name, Asset.description))
                 for t in row if t]
        texts += [t for row in s.execute(select(Risk.ref, Risk.title, Risk.description))
                  for t in row if t]
        texts += list(s.execute(select(Person.name)).scalars())
    terms = []
    for _ in range(n):
        text = rng.choice(texts)
        size = rng.randint(1, 12)
        start = rng.randrange(max(1, len(text) - size + 1))
        term = text[start : start + size]
        terms.append(term.upper() if rng.random() < 0.3 else term)
    return terms


@pytest.fixture
def demo(register: Register) -> Register:
    build_demo(register, assets=300, today=date(2026, 3, 2))
    return register


def test_index_gives_what_like_gives(demo: Register, monkeypatch: pytest.MonkeyPatch) -> None:
    terms = ODD_TERMS + sample_terms(demo)
    with demo.session() as s:
        by_index = {t: (queries.asset_ids(s, search=t, include_retired=True),
                        queries.risk_ids(s, search=t, include_retired=True)) for t in terms}
    like_only(monkeypatch)
    with demo.session() as s:
        by_like = {t: (queries.asset_ids(s, search=t, include_retired=True),
                       queries.risk_ids(s, search=t, include_retired=True)) for t in terms}
    differing = [t for t in terms if by_index[t] != by_like[t] and t.strip() not in ("é", "café")]
    assert differing == []
    assert sum(bool(a) for a, _ in by_like.values()) > 40  # the sample really finds things


def test_wildcards_and_quotes_are_literal(register: Register) -> None:
    with register.session() as s:
        dept = b.department(s)
        plain = b.asset(s, dept, name="Plain name")
        percent = b.asset(s, dept, name="100% coverage")
        quoted = b.asset(s, dept, name='The "gold" copy', description="a_b and AND OR")
        commit(s)
        assert queries.asset_ids(s, search="%") == [percent.id]
        assert queries.asset_ids(s, search="0% c") == [percent.id]
        assert queries.asset_ids(s, search='"gold"') == [quoted.id]
        assert queries.asset_ids(s, search='"') == [quoted.id]
        assert queries.asset_ids(s, search="a_b") == [quoted.id]
        assert queries.asset_ids(s, search="AND OR") == [quoted.id]
        assert queries.asset_ids(s, search="PLAIN") == [plain.id]
        assert set(queries.asset_ids(s, search="  ")) == {plain.id, percent.id, quoted.id}


def test_fts_phrase_escapes_double_quotes() -> None:
    assert search.fts_phrase('say "hi"') == '"say ""hi"""'


def test_triggers_follow_orm_writes_and_owner_renames(register: Register) -> None:
    with register.session() as s:
        dept = b.department(s)
        alice = b.person(s, name="Alice Quartermaine")
        item = b.asset(s, dept, name="Wombat ledger", description="Kept in the vault")
        risk = b.risk(s, dept, title="Ledger lost", owner=alice)
        commit(s)
        assert queries.asset_ids(s, search="wombat") == [item.id]
        assert queries.asset_ids(s, search="quarter") == []
        item.owner = alice
        item.name = "Numbat ledger"
        commit(s)
        assert queries.asset_ids(s, search="wombat") == []
        assert queries.asset_ids(s, search="numbat") == [item.id]
        assert queries.asset_ids(s, search="quarter") == [item.id]
        assert queries.risk_ids(s, search="quarter") == [risk.id]
        alice.name = "Alice Birchwood"
        commit(s)
        assert queries.asset_ids(s, search="quarter") == []
        assert queries.asset_ids(s, search="birch") == [item.id]
        assert queries.risk_ids(s, search="birch") == [risk.id]
        item.description = "Now in the archive"
        risk.owner = None
        commit(s)
        assert queries.asset_ids(s, search="vault") == []
        assert queries.asset_ids(s, search="archive") == [item.id]
        assert queries.risk_ids(s, search="birch") == []
        s.execute(delete(Asset).where(Asset.id == item.id))  # as an import's undo does
        commit(s)
        assert queries.asset_ids(s, search="archive", include_retired=True) == []
        integrity_ok(s.connection())


def test_bulk_inserts_are_indexed(register: Register) -> None:
    with register.session() as s:
        dept = b.department(s)
        commit(s)
        rows = [(10_000 + n, f"BLK-{n:04d}", f"Bulk asset {n}", AssetType.SOFTWARE, "", dept.id)
                for n in range(2_500)]  # more than one multi-row statement
        insert_rows(s.connection(), Asset.__table__, ("id", "ref", "name", "asset_type",
                    "description", "department_id"),
                    rows, {"version": 1, "personal_data": False, "special_category": False,
                           "location": "", "status": AssetStatus.ACTIVE,
                           "created_at": utcnow(), "updated_at": utcnow()})
        commit(s)
        assert len(queries.asset_ids(s, search="bulk asset")) == 2_500
        assert queries.asset_ids(s, search="asset 2499") == [12_499]
        s.execute(update(Asset).where(Asset.id == 12_499).values(name="Renamed"))
        commit(s)
        assert queries.asset_ids(s, search="asset 2499") == []
        integrity_ok(s.connection())


def test_demo_and_import_keep_the_index_right(demo: Register) -> None:
    with demo.session() as s:
        integrity_ok(s.connection())
        n = s.execute(select(Asset.id)).all()
        assert len(n) == 300


def statements(register: Register) -> Iterator[str]:
    with register.engine.connect() as c:
        yield from c.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'"
        ).scalars()


@pytest.mark.sqlite_only(reason="the FTS5 triggers are SQLite's")
def test_migration_made_the_triggers(register: Register) -> None:
    assert {"asset_fts_ai", "asset_fts_ad", "asset_fts_au", "asset_fts_owner_au",
            "risk_fts_ai", "risk_fts_ad", "risk_fts_au", "risk_fts_owner_au"} <= set(
        statements(register))


def test_index_is_backfilled_on_upgrade(tmp_path: Path) -> None:
    from isms.db import migrate, open_register
    from isms.db.engine import make_engine
    from isms.db.location import resolve

    path = tmp_path / "old.isms"
    engine = make_engine(resolve(str(path)), for_migration=True)
    migrate.upgrade(engine, "0003")
    with engine.begin() as c:
        c.exec_driver_sql("INSERT INTO department (id, code, name, in_scope, accreditation_status,"
                          " description, version, created_at, updated_at) VALUES (1, 'ENV', "
                          "'Environment', 1, 'in progress', '', 1, '2024-01-01', '2024-01-01')")
        c.exec_driver_sql("INSERT INTO asset (id, ref, name, asset_type, description, "
                          "department_id, location, personal_data, special_category, status, "
                          "version, created_at, updated_at) VALUES (1, 'ENV-1', 'Gritting routes',"
                          " 'information', '', 1, '', 0, 0, 'active', 1, '2024-01-01', "
                          "'2024-01-01')")
    engine.dispose()
    register = open_register(str(path))
    try:
        with register.session() as s:
            assert queries.asset_ids(s, search="gritting") == [1]
            integrity_ok(s.connection())
    finally:
        register.close()


def test_import_update_and_undo_keep_the_index_right(register: Register) -> None:
    from isms.services.imports.assets import apply_plan
    from isms.services.imports.batches import undo_batch
    from tests.unit.importing.test_asset_import import plan, sheet

    with register.session() as s:
        env = b.department(s, code="ENV", name="Environment")
        b.asset(s, env, ref="ENV-0001", name="Highways defects")
        commit(s)
        blank = [None] * 6
        data = sheet(
            ["ENV-0001", "Highway potholes", None, "ENV", *blank, None],
            [None, "Bin collection rounds", None, "ENV", *blank, None],
        )
        result = apply_plan(s, plan(s, data))
        commit(s)
        assert queries.asset_ids(s, search="defects") == []
        assert len(queries.asset_ids(s, search="pothole", include_retired=True)) == 1
        assert len(queries.asset_ids(s, search="bin coll", include_retired=True)) == 1
        integrity_ok(s.connection())
        assert result.batch_id is not None
        undo_batch(s, result.batch_id)
        commit(s)
        assert queries.asset_ids(s, search="bin coll", include_retired=True) == []
        assert len(queries.asset_ids(s, search="defects", include_retired=True)) == 1
        integrity_ok(s.connection())
