"""Building a review meeting's agenda from the register (ISO/IEC 27001 9.3, 8.2, 6.1.3).

The agenda, in the order the SMG takes it:

1. actions left open by previous meetings ("matters arising");
2. the seven management-review inputs (9.3.2 a-g), each filled from what the register holds
   (:mod:`.inputs`; more can be added with ``add_input``), then the policies and procedures
   due for review by the meeting (the document register), as one input item;
3. risks above the appetite, then risks whose review is due by the meeting, then acceptances
   expiring before the next planned meeting (else within :data:`ACCEPTANCE_WINDOW_DAYS` of this
   one), then treatment actions past their due date - each risk once, at its first reason;
4. assets without owner or marking, pending verification, with the owner attestation overdue,
   and new or changed since the last signed-off meeting - each asset once, in that order;
5. handling-rule findings not yet turned into a risk (a risk made from one is reviewed as a
   risk), SoA exclusions without justification, applicable controls with missing or stale
   evidence.

"Due" and "overdue" are judged at the meeting date, or at ``today`` if the meeting is started
late. The scope is the meeting's departments; an empty scope is the whole council (for the SoA:
every in-scope department).

Large registers. Within each category and department the agenda lists at most ``limit`` items
(:data:`LIMITS`). Risks and treatment actions, the substance of the meeting, list the most
urgent ``limit`` and group the rest into one item ("CHS: 37 more risks due for review"). Assets,
findings and SoA gaps are listed one by one up to the limit; over it, the department's whole lot
becomes one item ("CHS: 412 assets without owner or classification"). A grouped item names its
records in its detail and is decided as a whole (noted, an action, escalated or deferred); the
records' own dates do not move. A 100,000-asset council gives a few hundred items at most.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, or_, select, tuple_
from sqlalchemy.orm import Session

from isms.model import (
    ActionStatus,
    AgendaItem,
    AgendaKind,
    Asset,
    AssetStatus,
    Control,
    Department,
    Person,
    ReviewAction,
    ReviewMeeting,
    ReviewStatus,
    Risk,
    RiskAcceptance,
    SoaEntry,
    TreatmentAction,
)
from isms.services.handling import check_handling, finding_key, risks_for_findings
from isms.services.policies import due_for_review, due_lines
from isms.services.read.dashboard import governing_rating, live_risk, targets_without_plan
from isms.services.read.queries import current_criteria
from isms.services.reviews.action_subjects import closed_with_condition, escalation_note
from isms.services.reviews.common import ACTION, ASSET, GROUP, PRACTICE, REVIEW_ACTION, RISK, SOA
from isms.services.reviews.inputs import review_inputs
from isms.services.soa.checks import SoaCheck, SoaWarning, soa_checks

K = AgendaKind
#: Acceptances expiring this many days after the meeting come up when no later meeting is planned
#: (the SMG meets quarterly).
ACCEPTANCE_WINDOW_DAYS = 91
#: (most listed one by one per department, whether the rest is grouped (True) or the whole lot)
LIMITS: dict[AgendaKind, tuple[int, bool]] = {
    K.RISK_ABOVE_APPETITE: (5, True), K.RISK_DUE: (3, True), K.ACCEPTANCE_EXPIRING: (2, True),
    K.ACTION_OVERDUE: (2, True), K.ASSET_INCOMPLETE: (3, False), K.ASSET_PENDING: (3, False),
    K.ATTESTATION_DUE: (3, False), K.ASSET_CHANGED: (3, False), K.HANDLING_FINDING: (3, False),
    K.EXCLUSION_UNJUSTIFIED: (3, False), K.EVIDENCE_GAP: (3, False),
}
_NOUNS = {
    K.RISK_ABOVE_APPETITE: "risks above appetite", K.RISK_DUE: "risks due for review",
    K.ACCEPTANCE_EXPIRING: "risk acceptances expiring", K.ACTION_OVERDUE:
    "overdue treatment actions", K.ASSET_INCOMPLETE: "assets without owner or classification",
    K.ASSET_PENDING: "assets pending verification", K.ATTESTATION_DUE:
    "assets with the owner attestation overdue", K.ASSET_CHANGED: "new or changed assets",
    K.HANDLING_FINDING: "handling-rule findings", K.EXCLUSION_UNJUSTIFIED:
    "SoA exclusions without justification", K.EVIDENCE_GAP:
    "applicable controls with missing or stale evidence",
}
_OPEN = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)
_REFS_IN_DETAIL = 40


@dataclass(frozen=True)
class Candidate:
    kind: AgendaKind
    table: str | None
    record_id: int | None
    department_id: int | None
    ref: str
    title: str
    detail: str


class _Builder:
    def __init__(self, session: Session, meeting: ReviewMeeting, today: date) -> None:
        self.session, self.meeting = session, meeting
        self.as_of = max(today, meeting.meeting_date)
        self.scope = [d.id for d in meeting.scope]
        self.criteria = current_criteria(session)
        self.codes = {i: c for i, c in session.execute(select(Department.id, Department.code))}
        self.seen_risks: set[int] = set()
        self.unplanned = set(targets_without_plan(session))
        self.soa_warnings: list[SoaWarning] = []  # read again by the 9.3.2 d input

    def _departments(self) -> list[int | None]:
        """The departments to check one by one; [None] is the whole council at once."""
        return list(self.scope) if self.scope else [None]

    def _in_scope(self, column: object) -> list[object]:
        return [column.in_(self.scope)] if self.scope else []  # type: ignore[attr-defined]

    # --- risks ----------------------------------------------------------------------------

    def _risk_rows(self, *conditions: object) -> list[tuple[object, ...]]:
        likelihood, impact = governing_rating()
        query = (
            select(Risk.id, Risk.ref, Risk.title, Risk.department_id, Risk.next_review,
                   likelihood, impact, Person.name)
            .outerjoin(Person, Risk.owner_id == Person.id)
            .where(*live_risk(), *self._in_scope(Risk.department_id), *conditions)  # type: ignore[arg-type]
        )
        return [tuple(r) for r in self.session.execute(query.order_by(Risk.next_review, Risk.id))]

    def _risk(self, kind: AgendaKind, row: tuple[object, ...], why: str) -> Candidate:
        rid, ref, title, dept, next_review, lk, im, owner = row
        level = self.criteria.level(lk, im)  # type: ignore[arg-type]
        rated = f"{level.name} ({lk}x{im})" if level else "not yet rated"
        due = f"; review due {next_review}" if next_review else ""
        detail = f"{why}. Level {rated}{due}; owner {owner or 'none'}."
        if rid in self.unplanned:
            detail += (" Target without a plan: its residual level is within the appetite "
                       "but no open treatment action is to reach it.")
        return Candidate(kind, RISK, rid, dept, str(ref), f"{ref} {title}", detail)  # type: ignore[arg-type]

    def risks(self) -> list[Candidate]:
        cells = [(lk, im) for lk in range(1, len(self.criteria.likelihood) + 1)
                 for im in range(1, len(self.criteria.impact) + 1)
                 if self.criteria.above_appetite(self.criteria.level(lk, im))]
        found: list[Candidate] = []
        if cells:
            for row in self._risk_rows(tuple_(*governing_rating()).in_(cells)):
                found.append(self._risk(K.RISK_ABOVE_APPETITE, row,
                                        f"Above the appetite ({self.criteria.appetite})"))
        for row in self._risk_rows(Risk.next_review <= self.as_of):
            found.append(self._risk(K.RISK_DUE, row, "Review due by the meeting"))
        window = self._acceptance_window()
        expiring = {risk_id: until for risk_id, until in self.session.execute(
            select(RiskAcceptance.risk_id, RiskAcceptance.expires_on).where(
                RiskAcceptance.withdrawn_at.is_(None), RiskAcceptance.expires_on <= window))}
        if expiring:
            for row in self._risk_rows(Risk.id.in_(expiring)):
                found.append(self._risk(K.ACCEPTANCE_EXPIRING, row,
                                        f"Acceptance expires {expiring[row[0]]}"))  # type: ignore[index]
        unique = []
        for candidate in found:  # each risk once, at its first (most pressing) reason
            if candidate.record_id not in self.seen_risks:
                self.seen_risks.add(candidate.record_id)  # type: ignore[arg-type]
                unique.append(candidate)
        return unique

    def _acceptance_window(self) -> date:
        later = self.session.execute(
            select(func.min(ReviewMeeting.meeting_date)).where(
                ReviewMeeting.status == ReviewStatus.PLANNED,
                ReviewMeeting.meeting_date > self.meeting.meeting_date,
                ReviewMeeting.id != self.meeting.id)
        ).scalar()
        return later or self.meeting.meeting_date + timedelta(days=ACCEPTANCE_WINDOW_DAYS)

    def actions(self) -> list[Candidate]:
        query = (
            select(TreatmentAction.id, Risk.ref, TreatmentAction.title, Risk.department_id,
                   TreatmentAction.due_date, Person.name)
            .join(Risk, TreatmentAction.risk_id == Risk.id)
            .outerjoin(Person, TreatmentAction.owner_id == Person.id)
            .where(*live_risk(), *self._in_scope(Risk.department_id),  # type: ignore[arg-type]
                   TreatmentAction.status.in_(_OPEN), TreatmentAction.due_date < self.as_of)
            .order_by(TreatmentAction.due_date, TreatmentAction.id)
        )
        return [Candidate(K.ACTION_OVERDUE, ACTION, aid, dept, f"{ref}/A{aid}",
                          f"{ref}: {title}", f"Due {due}; owner {owner or 'none'}.")
                for aid, ref, title, dept, due, owner in self.session.execute(query)]

    # --- assets ---------------------------------------------------------------------------

    def assets(self) -> list[Candidate]:
        since = self._last_sign_off()
        flags = [Asset.status == AssetStatus.PENDING_VERIFICATION, Asset.owner_id.is_(None),
                 Asset.marking_id.is_(None), Asset.next_review < self.as_of]
        if since is not None:
            flags.append(Asset.updated_at > since)
        query = (
            select(Asset.id, Asset.ref, Asset.name, Asset.department_id, Asset.status,
                   Asset.owner_id, Asset.marking_id, Asset.next_review, Asset.updated_at)
            .where(Asset.status != AssetStatus.RETIRED, *self._in_scope(Asset.department_id),  # type: ignore[arg-type]
                   or_(*flags))
            .order_by(Asset.ref)
        )
        by_kind: dict[AgendaKind, list[Candidate]] = {k: [] for k in (
            K.ASSET_INCOMPLETE, K.ASSET_PENDING, K.ATTESTATION_DUE, K.ASSET_CHANGED)}
        for aid, ref, name, dept, status, owner, marking, next_review, updated in (
                self.session.execute(query)):
            missing = [what for what, gone in (("owner", owner is None),
                                               ("marking", marking is None)) if gone]
            if missing:
                kind, detail = K.ASSET_INCOMPLETE, f"No {' and no '.join(missing)} recorded."
            elif status == AssetStatus.PENDING_VERIFICATION:
                kind, detail = K.ASSET_PENDING, "Awaiting its owner's verification."
            elif next_review is not None and next_review < self.as_of:
                kind, detail = K.ATTESTATION_DUE, f"Owner attestation was due {next_review}."
            else:
                kind, detail = K.ASSET_CHANGED, f"New or changed on {updated:%Y-%m-%d}."
            by_kind[kind].append(Candidate(kind, ASSET, aid, dept, ref, f"{ref} {name}", detail))
        return [c for found in by_kind.values() for c in found]

    def _last_sign_off(self) -> datetime | None:
        return self.session.execute(
            select(func.max(ReviewMeeting.signed_off_at)).where(
                ReviewMeeting.status == ReviewStatus.SIGNED_OFF)
        ).scalar()

    # --- handling and SoA -----------------------------------------------------------------

    def findings(self) -> list[Candidate]:
        made_into_risks = risks_for_findings(self.session)
        found = [f for dept in self._departments() for f in check_handling(self.session, dept)]
        return [Candidate(K.HANDLING_FINDING, PRACTICE, f.practice_id, f.department_id,
                          f.asset_ref, f"{f.asset_ref} {f.asset_name}: {f.rule_title}",
                          f"{f.what_is_wrong[:1].upper()}{f.what_is_wrong[1:]}.")
                for f in found if finding_key(f) not in made_into_risks]

    def _soa_ids(self) -> dict[tuple[str, str], tuple[int, int, str]]:
        query = (select(Department.code, Control.ref, SoaEntry.id, Department.id, Control.title)
                 .join(Department, SoaEntry.department_id == Department.id)
                 .join(Control, SoaEntry.control_id == Control.id)
                 .where(*self._in_scope(Department.id)))  # type: ignore[arg-type]
        return {(code, ref): (sid, dept, title)
                for code, ref, sid, dept, title in self.session.execute(query)}

    def soa(self) -> list[Candidate]:
        ids = self._soa_ids()
        exclusions, evidence = [], []
        for dept in self._departments():
            warnings = soa_checks(self.session, dept, self.as_of)
            self.soa_warnings += warnings
            for warning in warnings:
                found = ids.get((warning.department, warning.control))
                if found is None:
                    continue
                sid, dept_id, title = found
                name = f"{warning.department} {warning.control}"
                if warning.check == SoaCheck.EXCLUSION_UNJUSTIFIED:
                    exclusions.append(Candidate(
                        K.EXCLUSION_UNJUSTIFIED, SOA, sid, dept_id, name,
                        f"{warning.department}: control {warning.control} {title} excluded "
                        "without justification", warning.message))
                elif warning.check.evidence_gap:
                    evidence.append(Candidate(
                        K.EVIDENCE_GAP, SOA, sid, dept_id, name,
                        f"{warning.department}: control {warning.control} {title} - "
                        f"{warning.check.value}", warning.message))
        return exclusions + evidence

    # --- matters arising and inputs -------------------------------------------------------

    def previous_actions(self) -> list[Candidate]:
        query = (
            select(ReviewAction.id, ReviewMeeting.ref, ReviewAction.title, ReviewAction.due_date,
                   Person.name, ReviewAction.escalation, ReviewAction.answer)
            .join(ReviewMeeting, ReviewAction.meeting_id == ReviewMeeting.id)
            .outerjoin(Person, ReviewAction.owner_id == Person.id)
            .where(ReviewAction.status.in_(_OPEN), ReviewAction.meeting_id != self.meeting.id)
            .order_by(ReviewAction.due_date, ReviewAction.id)
        )
        listed = [Candidate(K.PREVIOUS_ACTION, REVIEW_ACTION, aid, None, f"{ref}/A{aid}",
                            f"{ref}: {title}", f"Owner {owner or 'none'}; due {due or 'no date'}."
                            + escalation_note(escalated, answer))
                  for aid, ref, title, due, owner, escalated, answer in self.session.execute(query)]
        # Closed while their subject still showed the condition: the SMG sees them once more.
        # A treatment action so closed (its risk still above its target) is its department's.
        return listed + [Candidate(
            K.PREVIOUS_ACTION, c.table, c.action_id, c.department_id, c.ref,
            f"{c.meeting_ref}: {c.title} (closed {c.status} while the condition remained)",
            f"Closed on {c.closed:%Y-%m-%d} with the reason: {c.reason.rstrip('.')}. "
            f"Owner {c.owner or 'none'}.")
            for c in closed_with_condition(self.session, self.meeting)
            if not self.scope or c.department_id is None or c.department_id in self.scope]

    def candidates(self) -> list[Candidate]:
        found = [self.risks(), self.actions(), self.assets(), self.findings(), self.soa()]
        inputs = [Candidate(K.MANAGEMENT_INPUT, None, None, None, "", i.title, i.detail)
                  for i in review_inputs(self.session, self.meeting, self.as_of,
                                         self.soa_warnings)]
        due = due_for_review(self.session, self.as_of, self.scope)  # the document register
        if due:
            inputs.append(Candidate(K.MANAGEMENT_INPUT, None, None, None, "",
                                    f"Documents due for review (7.5): {len(due)}", due_lines(due)))
        listed: list[Candidate] = [*self.previous_actions(), *inputs]
        for each in found:
            listed.extend(self._capped(each))
        return listed

    def _capped(self, found: Sequence[Candidate]) -> Iterable[Candidate]:
        """Each kind per department: at most its limit listed, the rest grouped (module doc)."""
        groups: dict[tuple[AgendaKind, int | None], list[Candidate]] = {}
        for candidate in found:
            groups.setdefault((candidate.kind, candidate.department_id), []).append(candidate)
        for (kind, dept), members in groups.items():
            limit, split = LIMITS[kind]
            if len(members) <= limit + 1:
                yield from members
                continue
            shown, rest = (members[:limit], members[limit:]) if split else ([], members)
            yield from shown
            code = self.codes.get(dept, "council") if dept is not None else "council"
            more = " more" if shown else ""
            refs = ", ".join(c.ref for c in rest[:_REFS_IN_DETAIL])
            tail = f" and {len(rest) - _REFS_IN_DETAIL} more" if len(rest) > _REFS_IN_DETAIL else ""
            yield Candidate(kind, GROUP, dept, dept, code,
                            f"{code}: {len(rest)}{more} {_NOUNS[kind]}", f"{refs}{tail}.")


def build_agenda(session: Session, meeting: ReviewMeeting, today: date) -> list[AgendaItem]:
    """Append the agenda to ``meeting`` (positions from 1) and return its items."""
    items = [
        AgendaItem(position=position, kind=c.kind, subject_table=c.table,
                   subject_id=c.record_id, title=c.title[:300], detail=c.detail)
        for position, c in enumerate(_Builder(session, meeting, today).candidates(), start=1)
    ]
    meeting.agenda.extend(items)
    return items
