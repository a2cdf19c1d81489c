"""A review meeting end to end on the demo council: plan, start, decide every item, complete,
sign off - then the register, the change log and the minutes say what was decided, and the
meeting can no longer change."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from isms.db import Register
from isms.demo import build_demo
from isms.demo.org import SIRO_TITLE
from isms.errors import AccessDenied, ValidationError
from isms.model import (
    AgendaItem,
    AgendaKind,
    Asset,
    AssetStatus,
    ChangeAction,
    ChangeLogEntry,
    DecisionKind,
    Person,
    ReviewMeeting,
    Risk,
    Role,
)
from isms.services.read.queries import current_criteria
from isms.services.reviews import meetings as reviews
from isms.services.reviews.meetings import AgendaItemView
from isms.services.reviews.minutes import write_minutes
from isms.services.risks import levels

TODAY = date(2026, 3, 1)
MEETING = TODAY + timedelta(days=7)
D = DecisionKind


@pytest.fixture
def demo(register: Register) -> Register:
    build_demo(register, assets=300, today=TODAY)
    return register


def _siro(session: Any) -> Person:
    return session.execute(select(Person).where(Person.job_title == SIRO_TITLE)).scalar_one()


def _choose(item: AgendaItemView, owner_id: int, retired: list[int],
            rescored: list[int]) -> tuple[DecisionKind, dict[str, Any]]:
    """One decision per item, covering every kind of effect at least once."""
    if item.subject_table == "risk" and not rescored and D.RESCORE in item.allowed:
        rescored.append(item.subject_id or 0)
        return D.RESCORE, {"likelihood": 1, "impact": 2, "note": "Controls confirmed"}
    if item.subject_table == "asset" and not retired and D.RETIRE in item.allowed:
        retired.append(item.subject_id or 0)
        return D.RETIRE, {"note": "System decommissioned"}
    kind = item.allowed[0]
    if kind == D.ACCEPT:  # acceptance needs the owner's words and, above appetite, an approver
        kind = D.NOTED
    params: dict[str, Any] = {"note": f"Decided on item {item.position}"}
    if kind == D.ADD_ACTION:
        params |= {"action_title": f"Follow up {item.title[:40]}", "owner_id": owner_id,
                   "due_date": MEETING + timedelta(days=42)}
    elif kind == D.DEFER and item.subject_table in ("treatment_action", "review_action"):
        params["due_date"] = MEETING + timedelta(days=30)
    elif kind == D.CHANGE_OWNER:
        params["owner_id"] = owner_id
    return kind, params


def test_a_meeting_end_to_end(demo: Register, tmp_path: Path) -> None:
    retired: list[int] = []
    rescored: list[int] = []
    with demo.transaction("chair") as s:
        siro = _siro(s)
        meeting = reviews.plan_review(
            s, title="SMG quarterly review", meeting_date=MEETING, chair_id=siro.id,
            attendee_ids=[p.id for p in s.execute(select(Person).limit(4)).scalars()],
            location="Committee Room 2")
        meeting_id, ref = meeting.id, meeting.ref
        assert ref == f"SMG-{MEETING:%Y-%m-%d}" and meeting.status.value == "planned"
        # A meeting happens when it happens: not before its date.
        with pytest.raises(ValidationError, match=f"planned for {MEETING}; it cannot start"):
            reviews.start_review(s, meeting_id, today=TODAY)
        items = reviews.start_review(s, meeting_id, today=MEETING)
        with pytest.raises(ValidationError, match="planned"):
            reviews.start_review(s, meeting_id, today=MEETING)
        extra = reviews.add_input(s, meeting_id, "Ransomware incident at a neighbour council",
                                  "Shared lessons from the LGA bulletin.")
        items.append(extra)
    kinds = {i.kind for i in items}
    assert {AgendaKind.MANAGEMENT_INPUT, AgendaKind.PREVIOUS_ACTION,
            AgendaKind.RISK_ABOVE_APPETITE, AgendaKind.RISK_DUE} <= kinds
    assert 20 < len(items) < 400
    assert [i.position for i in items] == list(range(1, len(items) + 1))

    with demo.transaction("chair") as s:
        with pytest.raises(ValidationError, match=r"\d+ agenda item\(s\) of SMG-.* no decision"):
            reviews.complete_review(s, meeting_id)

    # A decision taken back restores the risk, and can then be made again.
    risk_item = next(i for i in items if i.subject_table == "risk")
    with demo.transaction("chair") as s:
        before = s.get_one(Risk, risk_item.subject_id)
        old = (before.residual_likelihood, before.residual_impact, before.next_review)
        reviews.decide(s, risk_item.id, D.RESCORE, likelihood=5, impact=5, actor="chair",
                       today=TODAY, note="first thoughts")
    with demo.transaction("chair") as s:
        reviews.undo_decision(s, risk_item.id)
    with demo.transaction("chair") as s:
        after = s.get_one(Risk, risk_item.subject_id)
        assert (after.residual_likelihood, after.residual_impact, after.next_review) == old
        assert reviews.agenda(s, meeting_id)[risk_item.position - 1].decision is None

    decided: dict[int, DecisionKind] = {}
    with demo.transaction("chair") as s:
        owner_id = _siro(s).id
        for item in items:
            kind, params = _choose(item, owner_id, retired, rescored)
            view = reviews.decide(s, item.id, kind, actor="chair", today=TODAY, **params)
            assert view.kind == kind and view.snapshot
            decided[item.id] = kind
        with pytest.raises(ValidationError, match="already decided"):
            reviews.decide(s, items[0].id, D.NOTED, actor="chair", today=TODAY)
        context = reviews.item_context(s, risk_item.id)
        assert ("Reference", risk_item.subject_ref) in context.facts
    with demo.transaction("chair") as s:
        reviews.complete_review(s, meeting_id)
        reviews.conclude(s, meeting_id, suitability="Suitable", adequacy="Adequate",
                         effectiveness="Effective", changes="None", resources="Enough")
        _siro(s).username = "siro"
        other = s.get_one(Person, owner_id + 1)
        other.username = "other"
        other.add_role(Role.APPROVER)
    # The sign-off is the acting user's: only the chair, as themselves, and not before the day.
    with pytest.raises(AccessDenied, match="may not sign off review .*: only its chair"), \
            demo.transaction("other") as s:
        reviews.sign_off(s, meeting_id, now=datetime(2026, 3, 9, 10, tzinfo=UTC))
    with pytest.raises(ValidationError, match="cannot be signed off before then"), \
            demo.transaction("siro") as s:
        reviews.sign_off(s, meeting_id, now=datetime(2026, 3, 7, 10, tzinfo=UTC))
    with demo.transaction("siro") as s:
        reviews.sign_off(s, meeting_id, now=datetime(2026, 3, 9, 10, tzinfo=UTC))

    with demo.session() as s:
        criteria = current_criteria(s)
        risk = s.get_one(Risk, rescored[0])
        assert (risk.residual_likelihood, risk.residual_impact) == (1, 2)
        assert s.get_one(Asset, retired[0]).status == AssetStatus.RETIRED
        # Noted risks and assets move by the cadence / attestation interval from the meeting.
        for item in items:
            if decided[item.id] != D.NOTED or item.subject_id is None:
                continue
            if item.subject_table == "risk":
                noted = s.get_one(Risk, item.subject_id)
                assert noted.next_review == criteria.next_review(
                    levels(criteria, noted).governing, MEETING)
            elif item.subject_table == "asset":
                asset = s.get_one(Asset, item.subject_id)
                assert asset.next_review == MEETING + timedelta(days=criteria.attestation_days)
        log = list(s.execute(select(ChangeLogEntry).where(ChangeLogEntry.actor == "chair"))
                   .scalars())
        labels = {(e.action, e.label) for e in log}
        assert (ChangeAction.UPDATE, f"risk {risk.ref}") in labels
        assert (ChangeAction.UPDATE, f"asset {s.get_one(Asset, retired[0]).ref}") in labels
        signed = list(s.execute(select(ChangeLogEntry).where(
            ChangeLogEntry.actor == "siro", ChangeLogEntry.action == ChangeAction.EVENT)).scalars())
        assert [e.label for e in signed] == [f"review {ref} signed off by {_siro(s).name}"]

        out = tmp_path / "minutes.pdf"
        write_minutes(s, meeting_id, out)
        text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(out).pages))
        assert ref in text and "signed off" in text.lower()
        for item in items:
            assert f"{item.position}. " in text
            assert decided[item.id].value in text
        first = out.read_bytes()
        write_minutes(s, meeting_id, out)
        assert out.read_bytes() == first  # dated by the meeting, not by now

    # Signed off: every service refuses, and so does the session for a direct edit.
    with demo.transaction("chair") as s:
        for attempt in (lambda: reviews.add_input(s, meeting_id, "late"),
                        lambda: reviews.decide(s, items[0].id, D.NOTED, actor="x", today=TODAY),
                        lambda: reviews.undo_decision(s, items[0].id),
                        lambda: reviews.complete_review(s, meeting_id)):
            with pytest.raises(ValidationError, match=f"{ref} is signed off"):
                attempt()
    with pytest.raises(ValidationError, match=f"{ref} is signed off"), \
            demo.transaction("tamper") as s:
        s.get_one(ReviewMeeting, meeting_id).title = "Rewritten"
    with pytest.raises(ValidationError, match=f"{ref} is signed off"), \
            demo.transaction("tamper") as s:
        s.execute(select(AgendaItem).where(AgendaItem.meeting_id == meeting_id)).scalars() \
            .first().detail = "changed"  # type: ignore[union-attr]
    with demo.session() as s:
        assert s.get_one(ReviewMeeting, meeting_id).title == "SMG quarterly review"
