"""The SMG's review meetings: last quarter's, signed off with decisions and actions, and the next.

A handful of records, written through the ORM (and so the change log) like a real meeting.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from ..model import (
    ActionStatus,
    AgendaItem,
    AgendaKind,
    AssetStatus,
    DecisionKind,
    Department,
    ReviewAction,
    ReviewAttendee,
    ReviewDecision,
    ReviewMeeting,
    ReviewStatus,
    RiskStatus,
    Role,
)
from ..services.reviews.action_subjects import item_subject, subject_labels, titled
from ..services.reviews.inputs import review_inputs
from ..services.soa.checks import soa_checks
from .assets import AssetInfo
from .context import Build, at
from .evidence import EvidenceInfo
from .handling import Breach, BreachFound
from .org import CHAIR_TITLE, SIRO_TITLE, Org
from .risks import RiskInfo, RiskRegister
from .soa import SoaGap

#: The SMG meets quarterly, on Tuesdays.
QUARTER_DAYS = 91
_TUESDAY = 1
_OPEN_RISK = (RiskStatus.IDENTIFIED, RiskStatus.ASSESSED, RiskStatus.TREATMENT,
              RiskStatus.ACCEPTED)
_BREACH_ACTIONS = {
    Breach.UNENCRYPTED_MEDIA: "Withdraw unencrypted media and remind the team of the rules",
    Breach.NO_AGREEMENT: "Put a data-sharing agreement in place before sharing again",
    Breach.SPECIAL_BY_EMAIL: "Move the transfer onto secure e-mail",
}

#: Last quarter's conclusions (9.3.3): a signed-off meeting records all five.
_CONCLUSIONS = {
    "conclusion_suitability": "The ISMS remains suitable for the council's services and scope.",
    "conclusion_adequacy": "Adequate, except for asset ownership gaps in two departments.",
    "conclusion_effectiveness": "Effective for the risks reviewed; evidence of control "
                                "operation is stale for several controls.",
    "conclusion_changes": "Name owners for the unowned assets; refresh control evidence before "
                          "the Stage 2 audit.",
    "conclusion_resources": "No new resources; the security managers' time is enough.",
}

#: What the SIRO answered to last quarter's escalation.
_SIRO_ANSWER = ("Added to the corporate risk register; the Corporate Management Team funds the "
                "fix this year.")


@dataclass(frozen=True)
class _Item:
    kind: AgendaKind
    subject: tuple[str, int] | None
    title: str
    detail: str
    decision: DecisionKind
    note: str
    snapshot: dict[str, Any]
    #: (action title, owner id, days after the meeting it is due, status) if the decision set one;
    #: open ones due before today come back on the next agenda.
    action: tuple[str, int | None, int, ActionStatus] | None = None
    next_review: date | None = None


@dataclass(frozen=True)
class Findings:
    """What the register holds that a review agenda is built from."""

    assets: list[AssetInfo]
    register: RiskRegister
    breaches: list[BreachFound]
    gaps: list[SoaGap]
    evidence: list[EvidenceInfo]


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + "."


def _tuesday_on_or_before(day: date) -> date:
    return day - timedelta(days=(day.weekday() - _TUESDAY) % 7)


class _Agenda:
    """Builds last meeting's agenda items from the register, one per kind the data offers."""

    def __init__(self, build: Build, org: Org, found: Findings, meeting_day: date) -> None:
        self.build, self.org, self.found, self.day = build, org, found, meeting_day
        self.rng: random.Random = build.rng("reviews")
        self.chair = org.by_title(CHAIR_TITLE)
        self.siro = org.by_title(SIRO_TITLE)

    def items(self) -> list[_Item]:
        makers = (self._input, self._above_appetite, self._risk_due, self._overdue_action,
                  self._expiring, self._incomplete_asset, self._handling, self._exclusion,
                  self._evidence)
        return [item for make in makers if (item := make()) is not None]

    def _input(self) -> _Item:
        return _Item(
            AgendaKind.MANAGEMENT_INPUT, None,
            "Internal audit of access controls in Children's Services",
            "Internal audit found shared logins on two case management teams.",
            DecisionKind.NOTED, "Findings accepted; owners to report back next quarter.",
            {"input": "internal audit results", "findings": 2, "rating": "limited assurance"},
            ("Remove shared logins from the case management system", self.chair, 60,
             ActionStatus.DONE),
        )

    @staticmethod
    def _snapshot(r: RiskInfo) -> dict[str, Any]:
        return {"ref": r.ref, "title": r.title, "likelihood": r.score[0], "impact": r.score[1],
                "level": r.level, "status": r.status.value,
                "next_review": r.next_review.isoformat() if r.next_review else None}

    def _above_appetite(self) -> _Item | None:
        above = [r for r in self.found.register.risks
                 if r.above_appetite and r.status in _OPEN_RISK]
        if not above:
            return None
        top = max(above, key=lambda r: (r.score[0] * r.score[1], -r.id))
        return _Item(AgendaKind.RISK_ABOVE_APPETITE, ("risk", top.id),
                     f"{top.ref} {top.title}", f"Level {top.level}, above the council's appetite.",
                     DecisionKind.ESCALATE,
                     "Escalated to the SIRO for the corporate risk register.",
                     self._snapshot(top),
                     ("Report the risk to Corporate Management Team", self.siro, 30,
                                ActionStatus.DONE))

    def _risk_due(self) -> _Item | None:
        due = [r for r in self.found.register.risks if r.status in _OPEN_RISK and r.next_review]
        if not due:
            return None
        risk = min(due, key=lambda r: (r.next_review or self.day, r.id))
        cadence = self.build.reference.criteria.cadence_days.get(risk.level, 180)
        return _Item(AgendaKind.RISK_DUE, ("risk", risk.id), f"{risk.ref} {risk.title}",
                     "Review due.", DecisionKind.RESCORE,
                     "Re-scored with the owner; controls confirmed in place.", self._snapshot(risk),
                     next_review=self.day + timedelta(days=cadence))

    def _overdue_action(self) -> _Item | None:
        late = [a for a in self.found.register.actions
                if a.status in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)]
        if not late:
            return None
        action = min(late, key=lambda a: (a.due, a.id))
        return _Item(AgendaKind.ACTION_OVERDUE, ("treatment_action", action.id),
                     f"{action.risk_ref}: {action.title}", f"Due {action.due:%d %B %Y}.",
                     DecisionKind.DEFER, "New date agreed with the action owner.",
                     {"risk": action.risk_ref, "title": action.title,
                      "due_date": action.due.isoformat(), "status": action.status.value},
                     ("Confirm the revised date for the overdue treatment action", action.owner_id,
                      70, ActionStatus.OPEN))

    def _expiring(self) -> _Item | None:
        if not self.found.register.acceptances:
            return None
        risk, expires = min(self.found.register.acceptances, key=lambda a: (a[1], a[0].id))
        return _Item(AgendaKind.ACCEPTANCE_EXPIRING, ("risk", risk.id),
                     f"Acceptance of {risk.ref} expires {expires:%d %B %Y}", "",
                     DecisionKind.ACCEPT, "Acceptance renewed until the next review.",
                     {**self._snapshot(risk), "acceptance_expires": expires.isoformat()})

    def _incomplete_asset(self) -> _Item | None:
        gaps = [a for a in self.found.assets
                if a.status is AssetStatus.ACTIVE and (a.owner_id is None or not a.marking_rank)]
        if not gaps:
            return None
        asset = gaps[0]
        owners = self.org.with_role(Role.INFORMATION_ASSET_OWNER, asset.department)
        return _Item(AgendaKind.ASSET_INCOMPLETE, ("asset", asset.id), f"{asset.ref} {asset.name}",
                     "No owner or no protective marking recorded.", DecisionKind.CHANGE_OWNER,
                     "Head of service to name the owner and mark the asset.",
                     {"ref": asset.ref, "name": asset.name, "owner": None if asset.owner_id is None
                      else self.org.name_of(asset.owner_id), "marked": bool(asset.marking_rank)},
                     ("Name an owner and marking for the asset",
                      owners[0] if owners else self.chair, 28, ActionStatus.OPEN))

    def _handling(self) -> _Item | None:
        if not self.found.breaches:
            return None
        found = self.found.breaches[0]
        return _Item(AgendaKind.HANDLING_FINDING, ("handling_practice", found.practice_id),
                     f"{found.asset.ref} {found.asset.name}", _sentence(found.breach.value),
                     DecisionKind.ADD_ACTION, "Practice to stop; staff reminded of the rules.",
                     {"asset": found.asset.ref, "finding": found.breach.value},
                     (_BREACH_ACTIONS[found.breach], found.asset.owner_id, 21, ActionStatus.DONE))

    def _exclusion(self) -> _Item | None:
        if not self.found.gaps:
            return None
        gap = self.found.gaps[0]
        return _Item(AgendaKind.EXCLUSION_UNJUSTIFIED, ("soa_entry", gap.id),
                     f"{gap.department}: control {gap.control} excluded without justification", "",
                     DecisionKind.NOTED,
                     "Department to justify the exclusion or include the control.",
                     {"department": gap.department, "control": gap.control,
                      "applicability": "excluded"},
                     ("Justify or reverse the exclusion in the SoA",
                      (self.org.with_role(Role.SMG_MEMBER, gap.department) or [self.chair])[0],
                      42, ActionStatus.OPEN))

    def _evidence(self) -> _Item | None:
        stale = [e for e in self.found.evidence if e.stale(self.day)]
        if not stale:
            return None
        ev = stale[0]
        return _Item(AgendaKind.EVIDENCE_GAP, ("evidence", ev.id), f"{ev.ref} {ev.title}",
                     f"Dated {ev.evidence_date:%d %B %Y}; valid for {ev.valid_days} days.",
                     DecisionKind.NOTED, "Fresh evidence to be filed before the audit.",
                     {"ref": ev.ref, "evidence_date": ev.evidence_date.isoformat(),
                      "valid_days": ev.valid_days},
                     ("File current evidence for the control", self.chair, 56,
                      ActionStatus.IN_PROGRESS))


def _attendees(org: Org, chair: int, siro: int, *, apologies: bool) -> list[ReviewAttendee]:
    smg = [pid for pid in org.with_role(Role.SMG_MEMBER) if pid != chair]
    people = [ReviewAttendee(person_id=chair, capacity="Chair"),
              ReviewAttendee(person_id=siro, capacity="SIRO")]
    people += [ReviewAttendee(person_id=pid, capacity="Security manager") for pid in smg]
    if apologies:  # one member sent apologies, as most minutes record
        people[-1].present = False
    return people


def build_reviews(build: Build, org: Org, found: Findings) -> int:
    chair, siro = org.by_title(CHAIR_TITLE), org.by_title(SIRO_TITLE)
    chair_name = org.name_of(chair)
    past_day = _tuesday_on_or_before(build.days_ago(QUARTER_DAYS - 7))
    agenda = _Agenda(build, org, found, past_day)
    held = at(past_day, agenda.rng)
    signed = held + timedelta(days=7)
    past = ReviewMeeting(
        ref=f"SMG-{past_day:%Y-%m}", title="Security Managers Group quarterly review",
        meeting_date=past_day, location="Committee Room 2, County Hall",
        status=ReviewStatus.SIGNED_OFF, chair_id=chair, signed_off_by_id=chair,
        signed_off_at=signed, notes="Quarterly ISMS review and management review (9.3).",
        attendees=_attendees(org, chair, siro, apologies=True), created_at=held, updated_at=signed,
        **_CONCLUSIONS,
    )
    # The seven inputs of 9.3.2 as the register read on the day, then what the agenda held.
    read = review_inputs(build.session, past, past_day, soa_checks(build.session, None, past_day))
    items = [_Item(AgendaKind.MANAGEMENT_INPUT, None, i.title, i.detail, DecisionKind.NOTED,
                   "Noted.", {"input": i.title}) for i in read] + agenda.items()
    for position, item in enumerate(items, start=1):
        past.agenda.append(AgendaItem(
            position=position, kind=item.kind,
            subject_table=item.subject[0] if item.subject else None,
            subject_id=item.subject[1] if item.subject else None,
            title=item.title[:300], detail=item.detail,
            decision=ReviewDecision(kind=item.decision, note=item.note, snapshot=item.snapshot,
                                    decided_by=chair_name, decided_at=held,
                                    next_review=item.next_review),
        ))
    build.session.add(past)
    build.session.flush()  # agenda items need their ids before actions can point at them

    # Each action about its item's subject, named in its title; the escalation answered.
    labels = subject_labels(build.session, [item_subject(a) for a in past.agenda])
    for agenda_item, item in zip(past.agenda, items, strict=True):
        if item.action is None:
            continue
        title, owner, due_in, status = item.action
        subject = item_subject(agenda_item)
        escalated = item.decision == DecisionKind.ESCALATE
        answered = escalated and status == ActionStatus.DONE
        build.session.add(ReviewAction(
            meeting_id=past.id, agenda_item_id=agenda_item.id,
            title=titled(title, subject, labels.get(subject)), owner_id=owner,
            due_date=past_day + timedelta(days=due_in),
            status=status, created_at=held, updated_at=held,
            subject_table=subject[0], subject_id=subject[1], escalation=escalated,
            answer=_SIRO_ANSWER if answered else "",
            answered_by=org.name_of(siro) if answered else None,
            answered_at=held + timedelta(days=21) if answered else None,
        ))

    next_day = _tuesday_on_or_before(build.days_ahead(20))
    build.session.add(ReviewMeeting(
        ref=f"SMG-{next_day:%Y-%m}", title="Security Managers Group quarterly review",
        meeting_date=next_day, location="Committee Room 2, County Hall",
        status=ReviewStatus.PLANNED, chair_id=chair,
        notes="Deep dive on the social care directorates before the Stage 2 audit.",
        scope=[build.session.get_one(Department, org.department_id[code])
               for code in ("CHS", "ASC", "CCC")],
        attendees=_attendees(org, chair, siro, apologies=False), created_at=held, updated_at=held,
    ))
    build.session.flush()
    build.counts["reviews"] = 2
    return 2
