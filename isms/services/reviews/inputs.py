"""The seven management-review inputs of ISO/IEC 27001:2022 9.3.2 (a-g), filled from the register.

The agenda carries each input as an item titled "9.3.2 a) Status of actions from previous
management reviews" and so on, its detail written from what the register holds when the meeting
starts (the figures the SMG discussed stay with the meeting, whatever changes later). Each input
is made of parts; a part the register holds nothing for says "none recorded". The registers that
issues 18 and 19 bring (interested parties, nonconformities, audits, objectives) fill their
parts by replacing the ``_not_held`` source of that part in :data:`SOURCES`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from isms.method.criteria import Criteria
from isms.model import (
    ActionStatus,
    AgendaItem,
    Applicability,
    Asset,
    AssetStatus,
    ChangeAction,
    ChangeLogEntry,
    DecisionKind,
    Department,
    Evidence,
    ImplementationStatus,
    Person,
    ReviewAction,
    ReviewDecision,
    ReviewMeeting,
    ReviewStatus,
    Risk,
    RiskAcceptance,
    RiskStatus,
    SoaEntry,
    TreatmentAction,
)
from isms.services.context import issues_reading, parties_reading
from isms.services.obligations import obligations_reading
from isms.services.policies import monitoring_line
from isms.services.read.dashboard import governing_rating, live_risk, targets_without_plan
from isms.services.read.queries import current_criteria
from isms.services.soa.checks import SoaCheck, SoaWarning

#: The inputs in the standard's order and words (9.3.2 a-g).
INPUTS: tuple[tuple[str, str], ...] = (
    ("a", "Status of actions from previous management reviews"),
    ("b", "Changes in external and internal issues relevant to the ISMS"),
    ("c", "Changes in needs and expectations of interested parties relevant to the ISMS"),
    ("d", "Feedback on the information security performance"),
    ("e", "Feedback from interested parties"),
    ("f", "Results of risk assessment and status of the risk treatment plan"),
    ("g", "Opportunities for continual improvement"),
)
NONE_RECORDED = "none recorded"
_TITLE = re.compile(r"^9\.3\.2 ([a-g])\) ")
_OPEN = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)
_LIVE_RISK = (RiskStatus.IDENTIFIED, RiskStatus.ASSESSED, RiskStatus.TREATMENT,
              RiskStatus.ACCEPTED)
#: Open actions named one by one in input a (the rest are counted).
_NAMED = 8
#: How the change log's tables are named in input b, in the order they are listed.
_TABLES = {
    "risk": "risks", "treatment_action": "treatment actions",
    "risk_acceptance": "risk acceptances", "asset": "assets",
    "handling_practice": "handling practices", "soa_entry": "SoA entries",
    "soa_version": "SoA versions", "control": "controls", "evidence": "evidence items",
    "risk_criteria": "risk method", "department": "departments", "person": "people",
}
_ACTIONS = {ChangeAction.INSERT: "added", ChangeAction.UPDATE: "changed",
            ChangeAction.DELETE: "removed"}


def input_title(letter: str) -> str:
    """How the agenda titles input ``letter``: "9.3.2 a) Status of actions ..."."""
    return f"9.3.2 {letter}) {dict(INPUTS)[letter]}"


def input_letter(title: str) -> str | None:
    """The 9.3.2 letter an agenda item's title carries (None: an input the SMG added)."""
    found = _TITLE.match(title)
    return found.group(1) if found else None


@dataclass(frozen=True)
class ReviewInput:
    letter: str
    title: str
    #: One line per part: "Actions set by earlier reviews: 4 in all: ...".
    detail: str


@dataclass
class Reading:
    """What the inputs are read against: the meeting, the day, its scope and the last review."""

    session: Session
    meeting: ReviewMeeting
    as_of: date
    criteria: Criteria
    #: The departments in scope; empty: the whole council.
    scope: list[int]
    #: The latest meeting held before this one (completed or signed off), if any.
    last: ReviewMeeting | None
    #: The SoA check's warnings for the scope, as the agenda found them.
    soa_warnings: Sequence[SoaWarning]

    def in_scope(self, column: object) -> list[object]:
        return [column.in_(self.scope)] if self.scope else []  # type: ignore[attr-defined]

    @property
    def since(self) -> datetime | None:
        if self.last is None:
            return None
        return datetime.combine(self.last.meeting_date, time(), tzinfo=UTC)

    def since_words(self) -> str:
        if self.last is None:
            return "since the register began (no earlier review)"
        return f"since the last review ({self.last.ref}, {self.last.meeting_date.isoformat()})"


Source = Callable[[Reading], str]


def _not_held(reading: Reading) -> str:
    """A part whose register isn't in isms yet (issues 18, 19): always none recorded."""
    return ""


def _counted(counts: Counter[str], order: Sequence[str]) -> str:
    return ", ".join(f"{counts[key]} {key}" for key in order if counts[key])


# --- a: status of actions from previous reviews ------------------------------------------------


def _earlier_actions(reading: Reading) -> str:
    s = reading.session
    rows = list(s.execute(
        select(ReviewAction.id, ReviewMeeting.ref, ReviewAction.title, ReviewAction.status,
               ReviewAction.due_date, Person.name)
        .join(ReviewMeeting, ReviewAction.meeting_id == ReviewMeeting.id)
        .outerjoin(Person, ReviewAction.owner_id == Person.id)
        .where(ReviewAction.meeting_id != reading.meeting.id,
               ReviewMeeting.meeting_date <= reading.meeting.meeting_date)
        .order_by(ReviewAction.due_date, ReviewAction.id)))
    if not rows:
        return ""
    statuses = Counter(str(row.status) for row in rows)
    open_rows = [row for row in rows if row.status in _OPEN]
    late = sum(1 for row in open_rows if row.due_date and row.due_date < reading.as_of)
    text = (f"{len(rows)} in all: "
            + _counted(statuses, [str(status) for status in ActionStatus]))
    if open_rows:
        named = "; ".join(f"{ref}/A{aid} {title} ({owner or 'no owner'}, due "
                          f"{due.isoformat() if due else 'no date'})"
                          for aid, ref, title, _status, due, owner in open_rows[:_NAMED])
        more = f"; and {len(open_rows) - _NAMED} more" if len(open_rows) > _NAMED else ""
        text += (f"; {late} of the {len(open_rows)} still open past their due date. Open, each "
                 f"an item of this agenda: {named}{more}")
    return text


def _deferred(reading: Reading) -> str:
    if reading.last is None:
        return ""
    titles = list(reading.session.execute(
        select(AgendaItem.position, AgendaItem.title).join(ReviewDecision)
        .where(AgendaItem.meeting_id == reading.last.id,
               ReviewDecision.kind == DecisionKind.DEFER)
        .order_by(AgendaItem.position)).all())
    if not titles:
        return ""
    return f"{len(titles)} at {reading.last.ref}: " + "; ".join(
        f"{position}. {title}" for position, title in titles[:_NAMED]) + (
        f"; and {len(titles) - _NAMED} more" if len(titles) > _NAMED else "")


# --- b: changes in issues, and in the register since the last review --------------------------


def _register_changes(reading: Reading) -> str:
    query = (select(ChangeLogEntry.table_name, ChangeLogEntry.action, func.count())
             .where(ChangeLogEntry.table_name.in_(_TABLES),
                    ChangeLogEntry.action.in_(_ACTIONS))
             .group_by(ChangeLogEntry.table_name, ChangeLogEntry.action))
    events = select(func.count()).where(ChangeLogEntry.action == ChangeAction.EVENT)
    if reading.since is not None:
        query = query.where(ChangeLogEntry.at >= reading.since)
        events = events.where(ChangeLogEntry.at >= reading.since)
    counts: dict[str, Counter[str]] = {}
    for table, action, n in reading.session.execute(query):
        counts.setdefault(table, Counter())[_ACTIONS[action]] += n
    parts = [f"{noun} {_counted(counts[table], list(_ACTIONS.values()))}"
             for table, noun in _TABLES.items() if table in counts]
    bulk = reading.session.execute(events).scalar_one()
    if bulk:
        parts.append(f"{bulk} whole-register events (imports, sign-offs, setup)")
    if not parts:
        return ""
    return (f"{reading.since_words()}, council-wide, from the change log: " + "; ".join(parts))


# --- d: performance -----------------------------------------------------------------------------


def _monitoring(reading: Reading) -> str:
    s = reading.session
    # The entries the SoA check reads: every department in the meeting's scope, or every
    # in-scope department for the whole council.
    departments = (reading.in_scope(SoaEntry.department_id) if reading.scope
                   else [Department.in_scope.is_(True)])
    entries = Counter({str(status): n for status, n in s.execute(
        select(SoaEntry.implementation_status, func.count())
        .join(Department, SoaEntry.department_id == Department.id)
        .where(SoaEntry.applicability != Applicability.EXCLUDED, *departments)
        .group_by(SoaEntry.implementation_status))})
    applicable = sum(entries.values())
    parts = []
    if applicable:
        implemented = entries[str(ImplementationStatus.IMPLEMENTED)]
        entries["not yet assessed"] = entries.pop("None", 0)
        order = [str(ImplementationStatus.PARTIAL), str(ImplementationStatus.PLANNED),
                 str(ImplementationStatus.NOT_IMPLEMENTED), "not yet assessed"]
        rest = _counted(entries, order)
        parts.append(f"SoA: {implemented} of {applicable} applicable controls implemented "
                     f"({round(100 * implemented / applicable)}%)" + (f", {rest}" if rest else ""))
    checks = Counter(w.check for w in reading.soa_warnings)
    gaps = [(SoaCheck.IMPLEMENTED_NO_EVIDENCE, "implemented without evidence"),
            (SoaCheck.NO_EVIDENCE, "with no evidence"),
            (SoaCheck.STALE_EVIDENCE, "with stale evidence"),
            (SoaCheck.EXCLUSION_UNJUSTIFIED, "excluded without justification")]
    found = [f"{checks[check]} {words}" for check, words in gaps if checks[check]]
    if found:
        parts.append("SoA entries " + ", ".join(found))
    elif applicable:
        parts.append("every applicable control has current evidence")
    assets = s.execute(
        select(func.count(),
               func.count().filter(Asset.owner_id.is_(None) | Asset.marking_id.is_(None)),
               func.count().filter(Asset.next_review < reading.as_of))
        .where(Asset.status != AssetStatus.RETIRED,
               *reading.in_scope(Asset.department_id))).one()  # type: ignore[arg-type]
    if assets[0]:
        parts.append(f"assets: {assets[0]} live, {assets[1]} without owner or marking, "
                     f"{assets[2]} with the owner attestation overdue")
    if reading.last is not None and parts:
        filed = s.execute(select(func.count()).select_from(Evidence).where(
            Evidence.evidence_date >= reading.last.meeting_date,
            *reading.in_scope(Evidence.department_id))).scalar_one()  # type: ignore[arg-type]
        parts.append(f"{filed} evidence items dated {reading.since_words()}")
    documents = monitoring_line(reading.session, reading.as_of, reading.scope)
    return "; ".join([*parts, documents] if documents else parts)


# --- f: risk assessment and treatment -------------------------------------------------------------


def _risk_assessment(reading: Reading) -> str:
    criteria = reading.criteria
    # Today's exposure, the level compared with the appetite (services.risks.Levels.governing).
    likelihood, impact = governing_rating()
    rows = list(reading.session.execute(
        select(Risk.id, likelihood, impact, Risk.created_at)
        .where(*live_risk(), *reading.in_scope(Risk.department_id))))  # type: ignore[arg-type]
    if not rows:
        return ""
    levels = [criteria.level(lk, im) if lk and im else None for _id, lk, im, _at in rows]
    by_level = Counter(level.name if level else "not yet rated" for level in levels)
    order = [level.name for level in reversed(criteria.levels)] + ["not yet rated"]
    above = sum(1 for level in levels if criteria.above_appetite(level))
    text = (f"{len(rows)} live risks; by current level: {_counted(by_level, order)}; "
            f"{above} above the appetite ({criteria.appetite}) today")
    if reading.scope:
        unplanned = {i for d in reading.scope
                     for i in targets_without_plan(reading.session, department=d)}
    else:
        unplanned = set(targets_without_plan(reading.session))
    if unplanned:
        text += f", {len(unplanned)} of them with a target without a plan"
    since = reading.since
    if since is not None:
        new = sum(1 for row in rows if _aware(row[3]) >= since)
        text += f"; {new} identified {reading.since_words()}"
    return text


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _treatment(reading: Reading) -> str:
    s = reading.session
    actions = Counter({str(status): n for status, n in s.execute(
        select(TreatmentAction.status, func.count()).join(Risk)
        .where(*live_risk(), *reading.in_scope(Risk.department_id))  # type: ignore[arg-type]
        .group_by(TreatmentAction.status))})
    late = s.execute(
        select(func.count()).select_from(TreatmentAction).join(Risk)
        .where(*live_risk(), *reading.in_scope(Risk.department_id),  # type: ignore[arg-type]
               TreatmentAction.status.in_(_OPEN),
               TreatmentAction.due_date < reading.as_of)).scalar_one()
    no_action = s.execute(
        select(func.count()).select_from(Risk)
        .where(Risk.status == RiskStatus.TREATMENT,
               *reading.in_scope(Risk.department_id),  # type: ignore[arg-type]
               ~Risk.actions.any(TreatmentAction.status.in_(_OPEN)))).scalar_one()
    accepted = s.execute(
        select(func.count()).select_from(RiskAcceptance).join(Risk)
        .where(RiskAcceptance.withdrawn_at.is_(None), Risk.status.in_(_LIVE_RISK),
               *reading.in_scope(Risk.department_id))).scalar_one()  # type: ignore[arg-type]
    parts = []
    if actions:
        parts.append("treatment actions: " + _counted(
            actions, [str(status) for status in ActionStatus]) + f" ({late} open past due)")
    if no_action:
        parts.append(f"{no_action} risks in treatment with no open action")
    if accepted:
        parts.append(f"{accepted} risk acceptances in force")
    return "; ".join(parts)


#: Each input's parts: (label, where its text comes from). Issues 18 and 19 replace the
#: ``_not_held`` sources with their registers' readings.
SOURCES: dict[str, tuple[tuple[str, Source], ...]] = {
    "a": (("Actions set by earlier reviews", _earlier_actions),
          ("Decisions deferred at the last review", _deferred)),
    "b": (("External and internal issues (4.1)",
           lambda r: issues_reading(r.session, r.since, r.scope, r.as_of)),
          ("Legal, regulatory and contractual obligations (A.5.31)",
           lambda r: obligations_reading(r.session, r.since, r.scope, r.as_of)),
          ("Changes to the register", _register_changes)),
    "c": (("Interested parties and their requirements (4.2)",
           lambda r: parties_reading(r.session, r.since, r.scope, r.as_of)),),
    "d": (("1. Nonconformities and corrective actions (10.2)", _not_held),
          ("2. Monitoring and measurement results (9.1)", _monitoring),
          ("3. Audit results (9.2)", _not_held),
          ("4. Fulfilment of information security objectives (6.2)", _not_held)),
    "e": (("Feedback from interested parties", _not_held),),
    "f": (("Risk assessment (8.2)", _risk_assessment),
          ("Risk treatment plan (8.3)", _treatment)),
    "g": (("Opportunities for improvement recorded", _not_held),),
}


def last_review(session: Session, meeting: ReviewMeeting) -> ReviewMeeting | None:
    """The latest meeting held before ``meeting`` (completed or signed off)."""
    return session.execute(
        select(ReviewMeeting)
        .where(ReviewMeeting.id != meeting.id,
               ReviewMeeting.status.in_((ReviewStatus.COMPLETED, ReviewStatus.SIGNED_OFF)),
               ReviewMeeting.meeting_date <= meeting.meeting_date)
        .order_by(ReviewMeeting.meeting_date.desc(), ReviewMeeting.id.desc()).limit(1)
    ).scalar()


def review_inputs(session: Session, meeting: ReviewMeeting, as_of: date,
                  soa_warnings: Sequence[SoaWarning] = ()) -> list[ReviewInput]:
    """The seven inputs a-g as the register holds them ``as_of`` the meeting."""
    reading = Reading(session, meeting, as_of, current_criteria(session),
                      [d.id for d in meeting.scope], last_review(session, meeting),
                      soa_warnings)
    found = []
    for letter, _words in INPUTS:
        lines = [f"{label}: {source(reading) or NONE_RECORDED}."
                 for label, source in SOURCES[letter]]
        found.append(ReviewInput(letter, input_title(letter), "\n".join(lines)))
    return found
