"""Criteria versions: a change makes a new version and re-scores every risk consistently."""

from __future__ import annotations

import copy
import json
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from isms.db import Register, commit
from isms.errors import ValidationError
from isms.method.criteria import Criteria, default_definition
from isms.model import ActionStatus, ChangeLogEntry, Risk, RiskCriteria, Role
from isms.services import method as method_service
from isms.services import risks as risk_service
from isms.services.read.queries import current_criteria, current_criteria_id
from tests import builders as b

TODAY = date(2026, 11, 25)


def three_point_likelihood() -> Criteria:
    data: dict[str, Any] = copy.deepcopy(default_definition())
    data["likelihood"] = [
        {"value": 1, "label": "Unlikely", "description": ""},
        {"value": 2, "label": "Possible", "description": ""},
        {"value": 3, "label": "Likely", "description": ""},
    ]
    data["levels"] = [
        {"name": "Low", "min": 1, "max": 3, "colour": "#3a9a48"},
        {"name": "Medium", "min": 4, "max": 6, "colour": "#e8b923"},
        {"name": "High", "min": 8, "max": 10, "colour": "#e07020"},
        {"name": "Very high", "min": 12, "max": 15, "colour": "#c62828"},
    ]
    return Criteria.from_definition(data)


@pytest.fixture
def scored(register: Register) -> Register:
    """Three risks scored on the default 5 x 5 method; R-0002 accepted."""
    with register.session() as s:
        dept = b.department(s)
        owner = b.person(s, name="Owen Owner")
        owner.add_role(Role.RISK_OWNER)
        for ref, inherent, residual in (
            ("R-0001", (5, 5), (4, 3)),
            ("R-0002", (3, 4), (1, 4)),
            ("R-0003", (2, 2), None),
        ):
            risk = b.risk(s, dept, ref=ref, owner=owner)
            risk_service.score_risk(s, risk, inherent=inherent, residual=residual, today=TODAY)
        accepted = s.execute(select(Risk).where(Risk.ref == "R-0002")).scalar_one()
        # Its treatment is done, so its (Low) target is what the owner accepts.
        done = risk_service.add_action(accepted, "Encrypt the share", owner=owner)
        risk_service.set_action_status(done, ActionStatus.DONE, today=TODAY)
        risk_service.accept_risk(s, accepted, by=owner, rationale="ok", today=TODAY)
        commit(s)
    return register


def _scores(register: Register) -> dict[str, tuple[Any, ...]]:
    with register.session() as s:
        return {
            r.ref: (
                r.inherent_likelihood,
                r.inherent_impact,
                r.residual_likelihood,
                r.residual_impact,
                r.criteria_id,
            )
            for r in s.execute(select(Risk).order_by(Risk.ref)).scalars()
        }


def test_suggested_mapping_is_proportional() -> None:
    mapping = method_service.suggest_mapping(
        Criteria.from_definition(default_definition()), three_point_likelihood()
    )
    assert mapping.likelihood == {1: 1, 2: 1, 3: 2, 4: 2, 5: 3}
    assert mapping.impact == {1: 1, 2: 2, 3: 3, 4: 4, 5: 5}


def test_preview_writes_nothing(scored: Register) -> None:
    before = _scores(scored)
    with scored.session() as s:
        rows = method_service.preview(s, three_point_likelihood())
        s.rollback()
    assert [r.ref for r in rows] == ["R-0001", "R-0002", "R-0003"]
    r1 = rows[0]
    assert r1.ratings["inherent"] == (3, 5) and r1.after["inherent"] == "Very high"
    assert r1.ratings["residual"] == (2, 3) and r1.before["residual"] == "High"
    assert r1.after["residual"] == "Medium"
    assert _scores(scored) == before


def test_change_makes_a_new_version_and_rescores_every_risk(scored: Register) -> None:
    mapping = method_service.ScaleMapping(likelihood={1: 1, 2: 1, 3: 2, 4: 3, 5: 3})
    with scored.session(actor="smg-chair") as s:
        old_id = current_criteria_id(s)
        summary = method_service.change_criteria(
            s,
            three_point_likelihood(),
            note="3-point",
            actor="smg-chair",
            mapping=mapping,
            today=TODAY,
        )
        commit(s)
        new_id = current_criteria_id(s)
        versions = s.execute(select(func.count()).select_from(RiskCriteria)).scalar_one()
        stored = s.get(RiskCriteria, new_id)
        assert stored is not None and stored.created_by == "smg-chair"
        assert len(current_criteria(s).likelihood) == 3
    assert (summary.version, summary.risks_rescored) == (2, 3)
    assert versions == 2 and new_id != old_id
    scores = _scores(scored)
    # Each likelihood moved through the mapping; impacts are unchanged (same 5-point scale).
    assert scores["R-0001"] == (3, 5, 3, 3, new_id)
    assert scores["R-0002"] == (2, 4, 1, 4, new_id)
    assert scores["R-0003"] == (1, 2, None, None, new_id)
    with scored.session() as s:
        r1 = s.execute(select(Risk).where(Risk.ref == "R-0001")).scalar_one()
        assert r1.next_review == date(2027, 2, 23)  # residual 3x3=9 is High: 90 days


def test_old_assessments_keep_the_version_they_were_scored_with(scored: Register) -> None:
    with scored.session() as s:
        first = current_criteria_id(s)
        assert {r[4] for r in _scores(scored).values()} == {first}
        data = current_criteria(s).to_definition()
        data["cadence_days"]["Medium"] = 120
        method_service.change_criteria(
            s, Criteria.from_definition(data), note="", actor="x", today=TODAY
        )
        commit(s)
        assert s.get(RiskCriteria, first) is not None  # the old version is kept


def test_a_level_change_withdraws_an_acceptance(scored: Register) -> None:
    data = default_definition()
    data["levels"] = [  # make 4 "Medium" and 5+ "High": R-0002's residual 1x4 stays Medium
        {"name": "Low", "min": 1, "max": 3, "colour": "#3a9a48"},
        {"name": "Medium", "min": 4, "max": 8, "colour": "#e8b923"},
        {"name": "High", "min": 9, "max": 16, "colour": "#e07020"},
        {"name": "Very high", "min": 17, "max": 25, "colour": "#c62828"},
    ]
    with scored.session() as s:
        summary = method_service.change_criteria(
            s, Criteria.from_definition(data), note="", actor="x", today=TODAY
        )
        commit(s)
        r2 = s.execute(select(Risk).where(Risk.ref == "R-0002")).scalar_one()
        assert summary.acceptances_withdrawn == 1
        assert r2.current_acceptance is None
        assert "residual level Low became Medium" in r2.acceptances[-1].withdrawn_reason


def test_bad_mapping_and_unchanged_criteria_are_refused(scored: Register) -> None:
    with scored.session() as s:
        with pytest.raises(ValidationError, match="outside the new scale 1-3"):
            method_service.preview(
                s,
                three_point_likelihood(),
                method_service.ScaleMapping(likelihood={1: 1, 2: 1, 3: 2, 4: 3, 5: 4}),
            )
        with pytest.raises(ValidationError, match="old likelihood 5"):
            method_service.change_criteria(
                s,
                three_point_likelihood(),
                note="",
                actor="x",
                mapping=method_service.ScaleMapping(likelihood={1: 1, 2: 1, 3: 2, 4: 3}),
            )
        with pytest.raises(ValidationError, match="unchanged"):
            method_service.change_criteria(s, current_criteria(s), note="", actor="x")


def test_export_and_parse_round_trip(scored: Register) -> None:
    with scored.session() as s:
        text = method_service.export_json(s)
        assert json.loads(text)["version"] == 1
        assert method_service.parse_json(text) == current_criteria(s)
    with pytest.raises(ValidationError, match="not valid JSON"):
        method_service.parse_json("{oops", "criteria.json")


def test_changing_the_method_is_in_the_change_log(scored: Register) -> None:
    with scored.session(actor="chair") as s:
        method_service.change_criteria(s, three_point_likelihood(), note="", actor="chair")
        commit(s)
        tables = {
            e.table_name
            for e in s.execute(
                select(ChangeLogEntry).where(ChangeLogEntry.actor == "chair")
            ).scalars()
        }
    assert {"risk_criteria", "register_setting", "risk"} <= tables


def test_a_change_prepared_against_an_old_version_is_refused(scored: Register) -> None:
    from isms.errors import ConflictError

    with scored.session() as s:
        data = current_criteria(s).to_definition()
        data["cadence_days"]["Low"] = 300
        method_service.change_criteria(
            s, Criteria.from_definition(data), note="", actor="a", expected_version=1
        )
        commit(s)
        data["cadence_days"]["Low"] = 200
        with pytest.raises(ConflictError, match="you had version 1; the register is at version 2"):
            method_service.change_criteria(
                s, Criteria.from_definition(data), note="", actor="b", expected_version=1
            )
