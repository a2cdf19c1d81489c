"""Saves, undo and redo through isms.services.edits, on real registers (SQLite file and
PostgreSQL): each kind of record round-trips, stale saves and stale undos are refused with
nothing written, and the recorded change survives closing the register."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from isms.db import Register, commit, open_register
from isms.errors import ConflictError, NotFoundError
from isms.model import (
    ActionStatus,
    Asset,
    AssetStatus,
    AssetType,
    ChangeState,
    HandlingChannel,
    HandlingPractice,
    HandlingStage,
    Person,
    RecordedChange,
    Risk,
    RiskStatus,
    Role,
    TreatmentOption,
)
from isms.services import edits, evidence, records, risks
from isms.services.edits import bulk
from isms.services.edits.history import load_change
from isms.services.edits.kinds import KINDS
from isms.services.edits.values import decode, encode
from isms.services.read import queries
from tests import builders

pytestmark = pytest.mark.both_backends

TODAY = date(2026, 11, 25)


@dataclass(frozen=True)
class Ids:
    department: int
    owner: int
    assets: tuple[int, ...]
    risk: int
    action: int
    soa: int
    evidence: int
    practice: int
    control: int


@pytest.fixture
def ids(register: Register) -> Ids:
    with register.session(actor="tests") as s:
        dept = builders.department(s, code="ENV", name="Environment")
        owner = builders.person(s, name="Olive Owner", department=dept)
        owner.add_role(Role.RISK_OWNER)
        items = [builders.asset(s, dept, ref=f"A-{n:03d}", name=f"Asset {n}") for n in (1, 2, 3)]
        risk = builders.risk(s, dept, ref="R-012", title="Flood", owner=owner,
                             treatment_option=TreatmentOption.RETAIN)
        action = risks.add_action(risk, "Move the server")
        control = queries.control_by_ref(s, "5.15").id
        entry = records.save_soa_entry(s, dept.id, control, inclusion_note="Needed")
        item = evidence.add_link(s, ref="EV-0001", title="Access policy",
                                 url="https://intranet/policy", evidence_date=date(2026, 3, 1))
        practice = HandlingPractice(asset=items[0], stage=HandlingStage.TRANSFERRED,
                                    channel=HandlingChannel.EMAIL, safeguards=["marked"])
        s.add(practice)
        s.flush()
        found = Ids(dept.id, owner.id, tuple(a.id for a in items), risk.id, action.id,
                    entry.id, item.id, practice.id, control)
        commit(s)
    return found


#: kind -> (the id it edits, the edit)
EDITS: dict[str, tuple[Callable[[Ids], int], Callable[[Ids], dict[str, Any]]]] = {
    "asset": (lambda i: i.assets[0], lambda i: {
        "name": "Flood defence plans", "asset_type": AssetType.SOFTWARE, "confidentiality": 4,
        "next_review": date(2027, 1, 31)}),
    "risk": (lambda i: i.risk, lambda i: {
        "title": "River flood", "inherent_likelihood": 3, "inherent_impact": 4,
        "treatment_option": TreatmentOption.MODIFY, "treatment_note": "Raise the servers",
        "review_date": date(2027, 2, 1), "review_reason": "After the winter"}),
    "treatment action": (lambda i: i.action, lambda i: {
        "title": "Move the server upstairs", "status": ActionStatus.DONE,
        "due_date": date(2026, 12, 1), "owner_id": i.owner}),
    "SoA entry": (lambda i: i.soa, lambda i: {
        "applicability": "excluded", "exclusion_justification": "No such systems",
        "reasons": ["legal", "contractual"]}),
    "evidence": (lambda i: i.evidence, lambda i: {
        "title": "Access control policy v2", "valid_days": 365, "controls": [i.control],
        "period_start": date(2026, 1, 1)}),
    "handling practice": (lambda i: i.practice, lambda i: {
        "safeguards": ["encrypted", "marked"], "offshore": True, "retention_months": 24}),
    "person": (lambda i: i.owner, lambda i: {
        "email": "olive@example.org", "roles": ["risk owner", "approver"], "active": False}),
    "department": (lambda i: i.department, lambda i: {
        "name": "Environment and Transport", "in_scope": False,
        "accreditation_status": "in progress"}),
}


def _values(register: Register, kind: str, record_id: int) -> tuple[int, dict[str, Any]]:
    what = KINDS[kind]
    with register.session() as s:
        found = s.get(what.model, record_id)
        assert found is not None
        return found.version, what.read(found)


def _changes(register: Register) -> int:
    with register.session() as s:
        return int(s.execute(select(func.count()).select_from(RecordedChange)).scalar_one())


@pytest.mark.parametrize("kind", list(EDITS))
def test_each_kind_is_saved_undone_and_redone(register: Register, ids: Ids, kind: str) -> None:
    record_id, edit = EDITS[kind][0](ids), EDITS[kind][1](ids)
    version, before = _values(register, kind, record_id)

    with register.transaction(actor="tests") as s:
        saved = edits.save(s, kind, record_id, version, edit)
    assert saved.change_id is not None and saved.record_id == record_id
    assert saved.changed.touches(KINDS[kind].model) and record_id in next(iter(
        saved.changed.ids.values()))
    saved_version, after = _values(register, kind, record_id)
    assert saved_version == version + 1, "one save, one version step"
    assert after != before
    for name, value in edit.items():
        if kind == "evidence" or name not in ("status", "applicability", "accreditation_status"):
            assert after[name] == value, name

    with register.transaction() as s:
        undone = edits.undo_change(s, saved.change_id)
    assert undone.message == f"Undid: {saved.text}."
    assert _values(register, kind, record_id)[1] == before
    with register.transaction() as s:
        edits.redo_change(s, saved.change_id)
    assert _values(register, kind, record_id)[1] == after
    with register.session() as s:
        _change, state = load_change(s, saved.change_id)
    assert state == ChangeState.DONE


def test_the_risk_editor_save_orders_details_scores_treatment_and_review(
    register: Register, ids: Ids
) -> None:
    version, values = _values(register, "risk", ids.risk)
    values.update(inherent_likelihood=4, inherent_impact=4, residual_likelihood=2,
                  residual_impact=2, treatment_note="Flood barriers")
    with register.transaction() as s:
        saved = edits.save_risk(s, ids.risk, version, values, name="R-012", today=TODAY)
    assert saved.text == "Edit risk R-012"
    with register.session() as s:
        risk = s.get(Risk, ids.risk)
        assert risk is not None
        criteria = queries.current_criteria(s)
        expected = risks.review_date(criteria, risk, TODAY)
        assert risk.next_review == expected and expected is not None
        assert risk.treatment_note == "Flood barriers"
        assert risk.version == version + 1
        # The editor's live preview gives what the save gave.
        planned, _why = risks.planned_review(criteria, risks.levels(criteria, risk), TODAY)
        assert planned == expected


def test_a_stale_save_is_refused_and_writes_nothing(register: Register, ids: Ids) -> None:
    version, before = _values(register, "asset", ids.assets[0])
    with register.transaction() as s:
        edits.save(s, "asset", ids.assets[0], version, {"name": "First"})
    recorded = _changes(register)
    with pytest.raises(ConflictError, match="A-001") as refused:
        with register.transaction() as s:
            edits.save(s, "asset", ids.assets[0], version, {"name": "Second", "location": "X"})
    assert refused.value.yours == version
    stored_version, now = _values(register, "asset", ids.assets[0])
    assert (stored_version, now["name"], now["location"]) == (version + 1, "First",
                                                              before["location"])
    assert _changes(register) == recorded, "a refused save records no change"


def test_a_missing_record_is_named(register: Register, ids: Ids) -> None:
    with pytest.raises(NotFoundError, match="Asset A-999 is no longer in the register"):
        with register.transaction() as s:
            edits.save(s, "asset", 999_999, 1, {"name": "x"}, name="A-999")


def test_undo_is_refused_when_the_record_changed_since(register: Register, ids: Ids) -> None:
    version, _before = _values(register, "risk", ids.risk)
    with register.transaction() as s:
        first = edits.save(s, "risk", ids.risk, version, {"title": "River flood"})
    with register.transaction(actor="someone else") as s:
        edits.save(s, "risk", ids.risk, version + 1, {"description": "The Avon"})
    assert first.change_id is not None

    with pytest.raises(ConflictError, match=r"Risk R-012 was changed by someone else") as no:
        with register.transaction() as s:
            edits.undo_change(s, first.change_id)
    assert "cannot be undone" in str(no.value)
    stored_version, now = _values(register, "risk", ids.risk)
    assert (stored_version, now["title"], now["description"]) == (version + 2, "River flood",
                                                                  "The Avon")
    with register.session() as s:
        change, state = load_change(s, first.change_id)
    assert state == ChangeState.DONE and change.steps[0].version == version + 1


def test_two_saves_of_one_record_are_undone_and_redone_in_turn(
    register: Register, ids: Ids
) -> None:
    version, before = _values(register, "asset", ids.assets[2])
    with register.transaction() as s:
        first = edits.save(s, "asset", ids.assets[2], version, {"name": "First name"})
    with register.transaction() as s:
        second = edits.save(s, "asset", ids.assets[2], version + 1,
                            {"name": "Second name", "location": "Depot"})
    assert first.change_id is not None and second.change_id is not None

    for change_id in (second.change_id, first.change_id):  # Ctrl+Z, Ctrl+Z
        with register.transaction() as s:
            edits.undo_change(s, change_id)
    assert _values(register, "asset", ids.assets[2])[1] == before
    for change_id in (first.change_id, second.change_id):  # Ctrl+Shift+Z twice
        with register.transaction() as s:
            edits.redo_change(s, change_id)
    _, now = _values(register, "asset", ids.assets[2])
    assert (now["name"], now["location"]) == ("Second name", "Depot")

    with register.transaction() as s:
        edits.undo_change(s, second.change_id)
    with register.transaction(actor="someone else") as s:
        stale = _values(register, "asset", ids.assets[2])[0]
        edits.save(s, "asset", ids.assets[2], stale, {"description": "their note"})
    with pytest.raises(ConflictError, match="Asset A-003 was changed by someone else"):
        with register.transaction() as s:
            edits.undo_change(s, first.change_id)


def test_an_undone_change_cannot_be_undone_again(register: Register, ids: Ids) -> None:
    version, _ = _values(register, "department", ids.department)
    with register.transaction() as s:
        saved = edits.save(s, "department", ids.department, version, {"name": "Env"})
    assert saved.change_id is not None
    with register.transaction() as s:
        edits.undo_change(s, saved.change_id)
    with pytest.raises(ConflictError, match="has already been undone"):
        with register.transaction() as s:
            edits.undo_change(s, saved.change_id)
    with register.transaction() as s:
        edits.redo_change(s, saved.change_id)
    with pytest.raises(ConflictError, match="it was not undone, so there is nothing to redo"):
        with register.transaction() as s:
            edits.redo_change(s, saved.change_id)
    with pytest.raises(NotFoundError, match="no recorded change 999"):
        with register.transaction() as s:
            edits.undo_change(s, 999)


def test_a_recorded_change_survives_closing_the_register(register_db: str, ids: Ids) -> None:
    first = open_register(register_db)
    try:
        version, before = _values(first, "asset", ids.assets[1])
        with first.transaction(actor="alice") as s:
            saved = edits.save(s, "asset", ids.assets[1], version,
                               {"asset_type": AssetType.SERVICE, "next_review": date(2027, 3, 4)})
    finally:
        first.close()
    assert saved.change_id is not None

    again = open_register(register_db)
    try:
        with again.session() as s:
            listed = edits.recent(s)
            change, _ = load_change(s, saved.change_id)
        assert (listed[0].id, listed[0].actor, listed[0].text, listed[0].state) == (
            saved.change_id, "alice", "Edit A-002", ChangeState.DONE)
        assert listed[0].records == ("Asset A-002",)
        # Dates and enums come back as themselves, not as text.
        assert change.steps[0].after == {"asset_type": AssetType.SERVICE,
                                         "next_review": date(2027, 3, 4)}
        assert change.steps[0].before == {k: before[k] for k in ("asset_type", "next_review")}
        with again.transaction() as s:
            edits.undo_change(s, saved.change_id)
        assert _values(again, "asset", ids.assets[1])[1] == before
        with again.session() as s:
            assert edits.recent(s, 1)[0].state == ChangeState.UNDONE
    finally:
        again.close()


def test_bulk_actions_are_recorded_and_undone(register: Register, ids: Ids) -> None:
    chosen = list(ids.assets)
    with register.transaction() as s:
        owned = bulk.assign_owner(s, chosen, ids.owner)
    assert (owned.count, owned.text) == (3, "Assign an owner to 3 assets")
    assert owned.changed.ids == {"asset": frozenset(chosen)}
    assert owned.change_id is not None
    with register.transaction() as s:
        edits.undo_change(s, owned.change_id)
    for asset_id in chosen:
        assert _values(register, "asset", asset_id)[1]["owner_id"] is None

    with register.transaction() as s:
        retired = bulk.retire(s, chosen[:2])
    assert (retired.count, retired.text) == (2, "Retire 2 assets")
    assert retired.change_id is not None
    with register.session() as s:
        change, _ = load_change(s, retired.change_id)
        at = change.steps[0].after["retired_at"]
        assert isinstance(at, datetime) and at.tzinfo is not None
        assert change.steps[0].after["status"] is AssetStatus.RETIRED
    with register.transaction() as s:
        edits.undo_change(s, retired.change_id)
    with register.session() as s:
        back = [s.get(Asset, asset_id) for asset_id in chosen]
        assert {(a.status, a.retired_at) for a in back if a} == {(AssetStatus.ACTIVE, None)}


@pytest.mark.parametrize("value", [
    date(2026, 2, 28), datetime(2026, 2, 28, 9, 30, 1, 250, tzinfo=UTC), AssetStatus.RETIRED,
    TreatmentOption.MODIFY, ["legal", "contractual"], [1, 2, 3], None, True, 7, "text",
    {"$": "date", "v": "not a tag"},
])
def test_values_come_back_exactly(value: object) -> None:
    back = decode(json.loads(json.dumps(encode(value))))
    assert back == value and type(back) is type(value)


def test_undoing_a_rescore_puts_the_scores_back_but_not_an_acceptance_it_withdrew(
    register: Register, ids: Ids
) -> None:
    """Re-scoring an accepted risk withdraws the acceptance; undoing the re-score restores the
    scores and the status, except "accepted": the acceptance stays withdrawn, so the risk must
    not read as accepted without one."""
    with register.transaction() as s:
        risk = s.get(Risk, ids.risk)
        assert risk is not None
        risks.score_risk(s, risk, inherent=(2, 2), residual=(1, 1), today=TODAY)
        owner = s.get(Person, ids.owner)
        assert owner is not None
        risks.accept_risk(s, risk, by=owner, rationale="Within appetite", today=TODAY)
    version, _ = _values(register, "risk", ids.risk)
    with register.session() as s:
        risk = s.get(Risk, ids.risk)
        assert risk is not None and risk.status == RiskStatus.ACCEPTED
    with register.transaction() as s:
        saved = edits.save_risk(s, ids.risk, version, {"residual_likelihood": 3,
                                                       "residual_impact": 3}, today=TODAY)
    with register.transaction() as s:
        edits.undo_change(s, saved.change_id or 0)
    with register.session() as s:
        risk = s.get(Risk, ids.risk)
        assert risk is not None
        assert (risk.residual_likelihood, risk.residual_impact) == (1, 1)
        assert risk.current_acceptance is None and risk.status != RiskStatus.ACCEPTED
