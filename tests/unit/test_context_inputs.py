"""The management review reads the context register (issue 18, 1): 9.3.2 b) quotes the issues
that stand, the climate decision (or that none is recorded) and what changed since the last
review; c) the interested parties, their requirements and those no control answers."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy.orm import Session

from isms.db import Register
from isms.model import AgendaKind, DecisionKind, Role
from isms.services import context
from isms.services.reviews import meetings as reviews
from tests import builders

pytestmark = pytest.mark.both_backends

TODAY = date.today()


def _inputs(s: Session, meeting_id: int) -> dict[str, str]:
    return {i.title[6]: i.detail for i in reviews.agenda(s, meeting_id)
            if i.kind == AgendaKind.MANAGEMENT_INPUT}


def _hold(s: Session, chair: int, day: date) -> int:
    meeting = reviews.plan_review(s, title="SMG", meeting_date=day, chair_id=chair)
    reviews.start_review(s, meeting.id, today=day)
    return meeting.id


def test_inputs_b_and_c_quote_the_context_and_what_changed_since_the_last_review(
        register: Register) -> None:
    earlier = TODAY - timedelta(days=40)
    with register.transaction("chair") as s:
        chair = builders.person(s, name="Ada Chair", username="chair")
        chair.add_role(Role.APPROVER)
        builders.department(s, code="ENV", name="Environment")
        first = _hold(s, chair.id, earlier)
        before = _inputs(s, first)
        for item in reviews.agenda(s, first):
            reviews.decide(s, item.id, DecisionKind.NOTED, actor="chair", today=earlier)
        reviews.complete_review(s, first)
        chair_id = chair.id
    # An empty context register: the missing climate decision is said, the parties none.
    assert ("External and internal issues (4.1): no current issue; climate change: no "
            "decision recorded (4.1 asks whether it is relevant).") in before["b"]
    assert "Interested parties and their requirements (4.2): none recorded." in before["c"]

    with register.session() as s:
        context.add_issue(s, {"kind": "external", "category": "legal",
                              "issue": "Procurement Act 2023 in force",
                              "review_date": TODAY - timedelta(days=1)})
        context.add_issue(s, {"kind": "internal", "category": "people",
                              "issue": "Two analysts leaving", "department": "ENV"})
        context.decide_climate(s, relevant=False, justification="No site at flood risk",
                               decided_on=TODAY, review_date=TODAY + timedelta(days=365))
        context.add_party(s, {"name": "Residents", "kind": "resident"})
        party = context.party_by_ref(s, "IP-001")
        context.add_requirement(s, party, {"text": "Their data kept safe",
                                           "controls": ["5.34"]})
        context.add_requirement(s, party, {"text": "Services online 24/7"})
        requirement = party.requirements[-1].id
    with register.transaction("chair") as s:
        by = _inputs(s, _hold(s, chair_id, TODAY))
    assert (f"climate change not relevant (decided {TODAY.isoformat()}, next review "
            f"{(TODAY + timedelta(days=365)).isoformat()}: No site at flood risk)") in by["b"]
    assert "2 current issues (1 external, 1 internal)" in by["b"]
    assert "review overdue: CI-001" in by["b"]
    assert ("since the last review: added CI-001 (Procurement Act 2023 in force), "
            "CI-002 (Two analysts leaving), CI-003 (Climate change)") in by["b"]
    assert (f"1 current parties with 2 requirements, 1 answered by no control "
            f"(IP-001/{requirement}); since the last review: added IP-001 (Residents); "
            "2 requirements added.") in by["c"]
