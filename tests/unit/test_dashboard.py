"""Dashboard and coverage figures on a hand-built register, with exact expected counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from isms.db import Register, commit
from isms.errors import ValidationError
from isms.model import (
    ActionStatus,
    Applicability,
    AssetStatus,
    ClassificationMarking,
    ControlEdition,
    Evidence,
    EvidenceKind,
    ImplementationStatus,
    RiskStatus,
    SoaEntry,
    TreatmentAction,
)
from isms.services.read import dashboard, queries
from tests import builders as b

TODAY = date(2026, 3, 2)


def days(n: int) -> date:
    return TODAY + timedelta(days=n)


@dataclass
class Ids:
    a: int
    b: int
    risks: dict[str, int]
    actions: dict[str, int]
    assets: dict[str, int]


@pytest.fixture
def built(register: Register) -> Ids:
    with register.session() as s:
        a = b.department(s, code="AAA", name="Alpha")
        bb = b.department(s, code="BBB", name="Beta")
        b.department(s, code="CCC", name="Gamma", in_scope=False)
        owner = b.person(s)
        marking = s.execute(select(ClassificationMarking.id)).scalars().first()
        r = {
            "r1": b.risk(s, a, residual_likelihood=2, residual_impact=3, inherent_likelihood=4,
                         inherent_impact=5, status=RiskStatus.ASSESSED, next_review=days(-1)),
            "r2": b.risk(s, a, residual_likelihood=2, residual_impact=3, inherent_likelihood=3,
                         inherent_impact=3, status=RiskStatus.CLOSED, next_review=days(-9)),
            "r3": b.risk(s, a, current_likelihood=4, current_impact=4, next_review=days(10)),
            "r4": b.risk(s, a, residual_likelihood=5, residual_impact=4, inherent_likelihood=5,
                         inherent_impact=5, status=RiskStatus.RETIRED, next_review=days(-9)),
            "r5": b.risk(s, a, inherent_likelihood=1, inherent_impact=2),
            "r6": b.risk(s, bb, residual_likelihood=4, residual_impact=3, inherent_likelihood=4,
                         inherent_impact=4, next_review=days(-30)),
            "r7": b.risk(s, bb),
        }
        actions = {}
        for key, risk, status, due in (
            ("a1", "r1", ActionStatus.OPEN, days(-5)),
            ("a2", "r1", ActionStatus.DONE, days(-10)),
            ("a3", "r6", ActionStatus.IN_PROGRESS, days(-1)),
            ("a4", "r6", ActionStatus.OPEN, days(1)),
            ("a5", "r6", ActionStatus.CANCELLED, days(-3)),
        ):
            action = TreatmentAction(title=key, status=status, due_date=due)
            r[risk].actions.append(action)
            s.flush()
            actions[key] = action.id
        x = {
            "x1": b.asset(s, a, marking_id=marking, owner=owner, next_review=days(-1)),
            "x2": b.asset(s, a, owner=owner),
            "x3": b.asset(s, a, status=AssetStatus.RETIRED, next_review=days(-5)),
            "x4": b.asset(s, bb, marking_id=marking, next_review=days(5)),
        }
        control = {ref: queries.control_by_ref(s, ref, ControlEdition.ISO27001_2022)
                   for ref in ("5.1", "5.2", "5.3", "5.4", "5.5", "5.6", "5.7")}
        old = queries.control_by_ref(s, "A.5.1.1", ControlEdition.ISO27001_2013)
        applicable, excluded = Applicability.APPLICABLE, Applicability.EXCLUDED
        for ref, applicability, status, justification in (
            ("5.1", applicable, ImplementationStatus.IMPLEMENTED, ""),
            ("5.2", applicable, ImplementationStatus.NOT_IMPLEMENTED, ""),
            ("5.3", excluded, ImplementationStatus.NOT_IMPLEMENTED, "No such activity"),
            ("5.4", excluded, ImplementationStatus.NOT_IMPLEMENTED, "   "),
            ("5.5", Applicability.THIRD_PARTY, ImplementationStatus.NOT_IMPLEMENTED, ""),
            ("5.6", applicable, ImplementationStatus.PARTIAL, ""),
            ("5.7", applicable, ImplementationStatus.PLANNED, ""),
        ):
            s.add(SoaEntry(department=a, control=control[ref], applicability=applicability,
                           implementation_status=status, exclusion_justification=justification))
        s.add(SoaEntry(department=a, control=old, applicability=applicable))
        for n, (dept, refs) in enumerate(((a, ("5.1",)), (None, ("5.6",)), (bb, ("5.7",)))):
            s.add(Evidence(ref=f"EV-{n}", title="e", kind=EvidenceKind.LINK, url="https://x",
                           evidence_date=TODAY, department=dept,
                           controls=[control[c] for c in refs]))
        commit(s)
        return Ids(a.id, bb.id, {k: v.id for k, v in r.items()}, actions,
                   {k: v.id for k, v in x.items()})


def test_heat_map_counts_live_risks_rated_at_the_stage(register: Register, built: Ids) -> None:
    with register.session() as s:
        assert dashboard.heat_map(s) == {(2, 3): 1, (4, 3): 1}
        assert dashboard.heat_map(s, department=built.a) == {(2, 3): 1}
        assert dashboard.heat_map(s, stage="inherent") == {(4, 5): 1, (1, 2): 1, (4, 4): 1}
        assert dashboard.heat_map(s, stage="current") == {(4, 4): 1}
        assert dashboard.risk_ids_in_cell(s, 2, 3) == [built.risks["r1"]]
        assert dashboard.risk_ids_in_cell(s, 2, 3, department=built.b) == []
        assert dashboard.risk_ids_in_cell(s, 4, 4, stage="inherent") == [built.risks["r6"]]
        with pytest.raises(ValidationError) as err:
            dashboard.heat_map(s, stage="target")
        assert err.value.field == "stage"


def test_risks_by_level_and_department(register: Register, built: Ids) -> None:
    with register.session() as s:
        assert dashboard.risks_by_level(s) == {"Low": 0, "Medium": 1, "High": 1, "Very high": 0}
        assert list(dashboard.risks_by_level(s)) == ["Low", "Medium", "High", "Very high"]
        assert dashboard.risks_by_level(s, stage="inherent") == {
            "Low": 1, "Medium": 0, "High": 1, "Very high": 1}
        zero = {"Low": 0, "Medium": 0, "High": 0, "Very high": 0}
        assert dashboard.risks_by_department(s) == [
            ("AAA", zero | {"Medium": 1}), ("BBB", zero | {"High": 1}), ("CCC", zero)]


def test_overdue_and_above_appetite(register: Register, built: Ids) -> None:
    r, a, x = built.risks, built.actions, built.assets
    with register.session() as s:
        due = dashboard.overdue(s, today=TODAY)
        assert due.risk_ids == [r["r6"], r["r1"]]
        assert due.action_ids == [a["a1"], a["a3"]]
        assert due.action_risk_ids == [r["r1"], r["r6"]]
        assert due.asset_ids == [x["x1"]]
        assert (due.risks, due.actions, due.assets, due.total) == (2, 2, 1, 5)
        mine = dashboard.overdue(s, today=TODAY, department=built.a)
        assert (mine.risk_ids, mine.action_ids, mine.asset_ids) == ([r["r1"]], [a["a1"]],
                                                                    [x["x1"]])
        # Today's exposure is compared with the appetite: r1 was never assessed with its
        # controls, so its inherent Very high counts, whatever its (Medium) target.
        assert dashboard.above_appetite(s) == sorted([r["r1"], r["r3"], r["r6"]])
        assert dashboard.above_appetite(s, department=built.b) == [r["r6"]]


def test_coverage_per_in_scope_department(register: Register, built: Ids) -> None:
    with register.session() as s:
        alpha, beta = dashboard.coverage(s, today=TODAY)
    assert (alpha.code, alpha.name, beta.code) == ("AAA", "Alpha", "BBB")
    assert (alpha.assets, alpha.classified, alpha.owned) == (2, 1, 2)
    assert (alpha.classified_pct, alpha.owned_pct) == (50.0, 100.0)
    assert (alpha.risks_assessed, alpha.risks) == (2, 3)
    assert (alpha.soa_complete, alpha.soa_controls, alpha.soa_pct) == (5, 93, 5.4)
    assert (alpha.reviews_overdue, alpha.evidence_missing) == (2, 2)
    assert (beta.assets, beta.classified_pct, beta.owned_pct) == (1, 100.0, 0.0)
    assert (beta.risks_assessed, beta.risks, beta.reviews_overdue) == (1, 2, 1)
    assert (beta.soa_complete, beta.soa_pct, beta.evidence_missing) == (0, 0.0, 0)


def test_coverage_of_an_empty_department_has_no_percentages(register: Register) -> None:
    with register.session() as s:
        b.department(s, code="NEW", name="New")
        commit(s)
        (row,) = dashboard.coverage(s, today=TODAY)
    assert (row.assets, row.classified_pct, row.owned_pct, row.soa_pct) == (0, None, None, 0.0)


def test_counts_follow_the_department(register: Register) -> None:
    with register.session() as s:
        a, b_ = b.department(s), b.department(s)
        b.asset(s, a)
        b.asset(s, a)
        b.asset(s, b_)
        b.risk(s, b_)
        commit(s)
        assert queries.counts(s)["assets"] == 3
        assert queries.counts(s, department=a.id) == {"assets": 2, "risks": 0, "departments": 2}
        assert queries.counts(s, department=b_.id)["risks"] == 1
