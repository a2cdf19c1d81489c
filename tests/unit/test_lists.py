"""The smaller registers' read queries (isms.services.read.lists) on a demo register."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import Integer, bindparam, text
from sqlalchemy.orm import Session

from isms.db import Register, commit, open_register
from isms.model import (
    Applicability,
    Department,
    HandlingStage,
    ImplementationStatus,
    SoaEntry,
)
from isms.services.read import lists

if TYPE_CHECKING:
    from tests.pg import Server

# Storage and service behaviour: the same on a SQLite file and a PostgreSQL server.
pytestmark = pytest.mark.both_backends


@pytest.fixture(scope="module")
def demo_path(
    backend: str,
    register_template: Path,
    tmp_path_factory: pytest.TempPathFactory,
    request: pytest.FixtureRequest,
) -> Iterator[str]:
    """One demo register per module and backend (read-only tests copy nothing back)."""
    from isms.demo import build_demo

    server: Server | None = None
    if backend == "postgresql":
        server = request.getfixturevalue("pg_server")
        name = server.create_from_template()
        db = server.url(name)
    else:
        path = tmp_path_factory.mktemp("lists") / "demo.isms"
        shutil.copyfile(register_template, path)
        db = str(path)
    register = open_register(db)
    build_demo(register, assets=30)
    register.close()
    yield db
    if server is not None:
        server.drop(name)


@pytest.fixture
def session(demo_path: str) -> Iterator[Session]:
    register = open_register(demo_path)
    with register.session() as s:
        yield s
    register.close()


@pytest.fixture
def writable(demo_path: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Register]:
    """A copy of the demo register that a test may change."""
    server: Server | None = None
    if "://" in demo_path:
        server = request.getfixturevalue("pg_server")
        name = server.create_from_template(demo_path.rsplit("/", 1)[1])
        db = server.url(name)
    else:
        db = str(tmp_path / "changed.isms")
        shutil.copyfile(demo_path, db)
    register = open_register(db)
    yield register
    register.close()
    if server is not None:
        server.drop(name)


@dataclass(frozen=True)
class Spec:
    key: str  # in lists.totals()
    ids: Callable[..., list[int]]
    rows: Callable[[Session, list[int]], list[Any]]
    sort: tuple[str, ...]
    count_sql: str  # :dept is the department, NULL for the whole council
    search: tuple[str, str]  # (attribute of a row the term is taken from, a term)


SPECS = [
    Spec("actions", lists.action_ids, lists.action_rows, tuple(lists.ACTION_SORT),
         "SELECT count(*) FROM treatment_action a JOIN risk r ON r.id = a.risk_id "
         "WHERE :dept IS NULL OR r.department_id = :dept", ("title", "agreement")),
    Spec("controls", lists.control_ids, lists.control_rows, lists.CONTROL_SORT_KEYS,
         "SELECT count(*) FROM control WHERE edition = '2022'", ("title", "supplier")),
    Spec("handling", lists.handling_ids, lists.handling_rows, tuple(lists.HANDLING_SORT),
         "SELECT count(*) FROM handling_practice h JOIN asset a ON a.id = h.asset_id "
         "WHERE a.status != 'retired' AND (:dept IS NULL OR a.department_id = :dept)",
         ("asset_name", "care")),
    Spec("evidence", lists.evidence_ids, lists.evidence_rows, tuple(lists.EVIDENCE_SORT),
         "SELECT count(*) FROM evidence WHERE :dept IS NULL OR department_id = :dept "
         "OR department_id IS NULL", ("title", "patch")),
    Spec("reviews", lists.review_ids, lists.review_rows, tuple(lists.REVIEW_SORT),
         "SELECT count(*) FROM review_meeting m WHERE :dept IS NULL "
         "OR NOT EXISTS (SELECT 1 FROM review_scope s WHERE s.meeting_id = m.id) "
         "OR EXISTS (SELECT 1 FROM review_scope s WHERE s.meeting_id = m.id "
         "AND s.department_id = :dept)", ("ref", "2026-12")),
    Spec("changes", lists.change_ids, lists.change_rows, tuple(lists.CHANGE_SORT),
         "SELECT count(*) FROM change_log WHERE :dept IS NULL", ("label", "attendee")),
]
IDS = [spec.key for spec in SPECS]
#: Row attribute each sort key orders by, where it is one (the rest are checked via SQL).
ATTRIBUTE = {"due_date": "due_date", "title": "title", "risk_ref": "risk_ref", "owner": "owner",
             "asset_ref": "asset_ref", "asset_name": "asset_name", "ref": "ref",
             "evidence_date": "evidence_date", "valid_until": "valid_until",
             "controls": "controls", "meeting_date": "meeting_date", "items": "items",
             "decided": "decided", "chair": "chair", "evidence": "evidence", "at": "at",
             "actor": "actor", "label": "label", "third_party": "third_party",
             "retention_months": "retention_months", "status": "status", "kind": "kind",
             "action": "action"}

RANKED: dict[tuple[str, str], list[str]] = {
    ("controls", "applicability"): [str(a) for a in (
        Applicability.APPLICABLE, Applicability.THIRD_PARTY, Applicability.EXCLUDED)],
    ("controls", "status"): [str(s) for s in (
        ImplementationStatus.NOT_IMPLEMENTED, ImplementationStatus.PLANNED,
        ImplementationStatus.PARTIAL, ImplementationStatus.IMPLEMENTED)],
    ("handling", "stage"): [str(s) for s in HandlingStage],
}
ATTRIBUTE["applicability"] = "applicability"
ATTRIBUTE["stage"] = "stage"


def busiest_department(session: Session) -> int:
    return int(session.execute(text(
        "SELECT r.department_id FROM treatment_action a JOIN risk r ON r.id = a.risk_id "
        "GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1")).scalar_one())


def sql_count(session: Session, spec: Spec, department: int | None) -> int:
    # Typed: PostgreSQL cannot tell the type of a parameter seen only in ":dept IS NULL".
    query = text(spec.count_sql)
    if ":dept" in spec.count_sql:
        query = query.bindparams(bindparam("dept", type_=Integer))
    return int(session.execute(query, {"dept": department}).scalar_one())


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_row_counts_equal_direct_sql_counts(session: Session, spec: Spec) -> None:
    ids = spec.ids(session)
    assert len(ids) == len(set(ids)) == sql_count(session, spec, None) > 0
    assert len(spec.rows(session, ids)) == len(ids)
    assert lists.totals(session)[spec.key] == len(ids)


@pytest.mark.parametrize("spec", [s for s in SPECS if s.key != "changes"],
                         ids=[k for k in IDS if k != "changes"])
def test_department_filter(session: Session, spec: Spec) -> None:
    department = busiest_department(session)
    ids = spec.ids(session, department=department)
    assert len(ids) == sql_count(session, spec, department)
    assert lists.totals(session, department=department)[spec.key] == len(ids)
    if spec.key not in ("controls", "reviews"):  # every control / council-wide meetings
        assert len(ids) < len(spec.ids(session))


def key_of(value: Any) -> tuple[bool, Any]:
    """SQLite sorts NULLs first."""
    return (value is not None, value.lower() if isinstance(value, str) else value)


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_every_sort_key_sorts_in_sql(session: Session, spec: Spec) -> None:
    for order_by in spec.sort:
        for descending in (False, True):
            ids = spec.ids(session, order_by=order_by, descending=descending)
            assert sorted(ids) == sorted(spec.ids(session))
            attribute = ATTRIBUTE.get(order_by)
            # Controls sort in clause order; council-wide owners may be "9 owners" (unsorted).
            if attribute is None or spec.key == "controls" and order_by in ("ref", "owner"):
                continue
            values = [getattr(row, attribute) for row in spec.rows(session, ids)]
            ranked = RANKED.get((spec.key, order_by))
            if ranked is not None:  # a vocabulary in its own order, not alphabetical
                values = [None if v is None else ranked.index(v) for v in values]
            if all(isinstance(v, str) or v is None for v in values):
                # SQLite compares text by bytes; compare the same way.
                expected = sorted(values, key=lambda v: (v is not None, v or ""),
                                  reverse=descending)
            else:
                expected = sorted(values, key=key_of, reverse=descending)
            assert values == expected, (order_by, descending)
    with pytest.raises(Exception, match="Cannot sort by"):
        spec.ids(session, order_by="nonsense")


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_search(session: Session, spec: Spec) -> None:
    attribute, term = spec.search
    everything = spec.rows(session, spec.ids(session))
    found = spec.rows(session, spec.ids(session, search=f"  {term.upper()} "))
    assert found
    assert {row.id for row in found} >= {
        row.id for row in everything if term in (getattr(row, attribute) or "").lower()}
    assert len(found) < len(everything)
    assert spec.ids(session, search="no such text anywhere") == []


def test_default_orders(session: Session) -> None:
    dues = [r.due_date for r in lists.action_rows(session, lists.action_ids(session))]
    assert dues == sorted(dues, key=key_of)
    controls = lists.control_rows(session, lists.control_ids(session))
    refs = [r.ref for r in controls]
    assert refs.index("8.3") < refs.index("8.12") < refs.index("8.34")
    assert refs[0] == "5.1" and len(refs) == 93
    at = [r.at for r in lists.change_rows(session, lists.change_ids(session))]
    assert at == sorted(at, reverse=True)  # newest first
    stages = [r.stage for r in lists.handling_rows(session, lists.handling_ids(
        session, order_by="stage"))]
    assert stages.index("collected") < stages.index("stored") < stages.index("disposed")


def test_overdue_actions_and_stale_evidence(session: Session) -> None:
    today = date(2026, 11, 25)
    actions = lists.action_rows(session, lists.action_ids(session), today=today)
    late = {r.id for r in actions if r.overdue}
    assert late == {r.id for r in actions if r.status in ("open", "in progress")
                    and r.due_date is not None and r.due_date < today}
    assert late
    evidence = lists.evidence_rows(session, lists.evidence_ids(session), today=today)
    assert any(r.stale for r in evidence) and not all(r.stale for r in evidence)
    assert all(r.stale == (r.valid_until is not None and r.valid_until < today)
               for r in evidence)


def test_soa_of_a_department_is_its_entries(session: Session) -> None:
    department = busiest_department(session)
    rows = lists.control_rows(session, lists.control_ids(session, department=department),
                              department)
    entries = {e.control.ref: e for e in session.query(SoaEntry).filter_by(
        department_id=department)}
    assert entries
    for row in rows:
        entry = entries.get(row.ref)
        assert row.applicability == (str(entry.applicability) if entry else None)
        assert row.status == (str(entry.implementation_status) if entry else None)


def test_council_wide_soa_is_the_strongest_claim_and_the_weakest_status(
    writable: Register,
) -> None:
    register = writable
    with register.session(actor="tests") as s:
        control_id = lists.control_ids(s, search="5.1")[0]
        in_scope = [d.id for d in s.query(Department).filter_by(in_scope=True)]
        s.query(SoaEntry).filter(SoaEntry.control_id == control_id).delete()
        statuses = [ImplementationStatus.IMPLEMENTED, ImplementationStatus.PLANNED,
                    ImplementationStatus.NOT_IMPLEMENTED]
        kinds = [Applicability.THIRD_PARTY, Applicability.APPLICABLE, Applicability.EXCLUDED]
        for department, kind, status in zip(in_scope, kinds, statuses, strict=False):
            s.add(SoaEntry(department_id=department, control_id=control_id, applicability=kind,
                           implementation_status=status, reasons=["legal"]))
        commit(s)
    with register.session() as s:
        (row,) = lists.control_rows(s, [control_id])
        # applicable somewhere; weakest of the two that apply it (the excluded one's
        # "not implemented" does not count)
        assert (row.applicability, row.status) == ("applicable", "planned")
        assert row.reasons == "legal"


def test_change_log_of_a_department_is_the_changes_to_its_records(writable: Register) -> None:
    from isms.model import Asset

    register = writable
    with register.session(actor="ann.editor") as s:
        asset = s.query(Asset).order_by(Asset.id).first()
        assert asset is not None
        department, other = asset.department_id, asset.department_id + 1
        asset.name = "Renamed for the change log"
        commit(s)
    with register.session() as s:
        mine = lists.change_rows(s, lists.change_ids(s, department=department))
        assert [(r.actor, r.action) for r in mine][:1] == [("ann.editor", "update")]
        assert "name" in mine[0].fields
        assert all(r.id != mine[0].id for r in lists.change_rows(
            s, lists.change_ids(s, department=other)))
        assert lists.change_ids(s, search="ANN.EDITOR") == [mine[0].id]
        assert lists.totals(s, department=department)["changes"] == len(mine)
