"""What a review meeting's action is about, named as a reader knows it ("CHS-0042 Case files"),
and whether that record still shows the condition that raised the action (issue 17, 4).

A review action points at its subject as an agenda item does (``subject_table`` /
``subject_id``: see :mod:`.common`), plus ``review_meeting`` for an action about the meeting
itself (a management-review input) and ``control`` for a control of the catalogue. The
condition is the one the agenda item that set the action was raised for: an asset without an
owner still has none, a risk above the appetite still is, an overdue action is still open...
Closing an action while it still shows needs a reason, and the next meeting sees it again.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import String, cast, exists, or_, select
from sqlalchemy.orm import Session, aliased

from isms.model import (
    ActionStatus,
    AgendaItem,
    AgendaKind,
    Applicability,
    Asset,
    AssetStatus,
    Control,
    Department,
    Evidence,
    HandlingPractice,
    Person,
    ReviewAction,
    ReviewMeeting,
    ReviewStatus,
    Risk,
    RiskStatus,
    SoaEntry,
    TreatmentAction,
)
from isms.services.handling import check_handling, finding_key, risks_for_findings
from isms.services.read.dashboard import governing_rating
from isms.services.read.queries import current_criteria
from isms.services.reviews.common import (
    ACTION,
    ASSET,
    EVIDENCE,
    GROUP,
    PRACTICE,
    REVIEW_ACTION,
    RISK,
    SOA,
)
from isms.services.soa.checks import soa_checks

#: The meeting itself, and a catalogue control, as subjects (besides the agenda's tables).
MEETING, CONTROL = "review_meeting", "control"
#: Every table an action's subject may be in.
SUBJECT_TABLES = (RISK, ASSET, ACTION, PRACTICE, SOA, REVIEW_ACTION, GROUP, EVIDENCE, MEETING,
                  CONTROL)
_OPEN = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)
_CLOSED = (ActionStatus.DONE, ActionStatus.CANCELLED)


def item_subject(item: AgendaItem) -> tuple[str, int]:
    """The subject an action set on ``item`` is about: the item's record, or the meeting for
    an item about none (a management-review input)."""
    if item.subject_table in SUBJECT_TABLES and item.subject_id is not None:
        return item.subject_table, item.subject_id
    return MEETING, item.meeting_id


def _label_query(table: str) -> Callable[[list[int]], Any] | None:
    meeting = aliased(ReviewMeeting)
    return {
        RISK: lambda ids: select(Risk.id, Risk.ref + " " + Risk.title).where(Risk.id.in_(ids)),
        ASSET: lambda ids: select(Asset.id, Asset.ref + " " + Asset.name)
        .where(Asset.id.in_(ids)),
        ACTION: lambda ids: select(TreatmentAction.id, Risk.ref + "/A"
                                   + cast(TreatmentAction.id, String) + " "
                                   + TreatmentAction.title)
        .join(Risk, Risk.id == TreatmentAction.risk_id).where(TreatmentAction.id.in_(ids)),
        PRACTICE: lambda ids: select(HandlingPractice.id, Asset.ref + " " + Asset.name + " ("
                                     + HandlingPractice.stage + ")")
        .join(Asset, Asset.id == HandlingPractice.asset_id)
        .where(HandlingPractice.id.in_(ids)),
        SOA: lambda ids: select(SoaEntry.id, Department.code + " " + Control.ref + " "
                                + Control.title)
        .join(Department, SoaEntry.department_id == Department.id)
        .join(Control, SoaEntry.control_id == Control.id).where(SoaEntry.id.in_(ids)),
        REVIEW_ACTION: lambda ids: select(ReviewAction.id, meeting.ref + "/A"
                                          + cast(ReviewAction.id, String) + " "
                                          + ReviewAction.title)
        .join(meeting, ReviewAction.meeting_id == meeting.id).where(ReviewAction.id.in_(ids)),
        GROUP: lambda ids: select(Department.id, Department.code + " " + Department.name)
        .where(Department.id.in_(ids)),
        EVIDENCE: lambda ids: select(Evidence.id, Evidence.ref + " " + Evidence.title)
        .where(Evidence.id.in_(ids)),
        MEETING: lambda ids: select(ReviewMeeting.id, ReviewMeeting.ref + " "
                                    + ReviewMeeting.title).where(ReviewMeeting.id.in_(ids)),
        CONTROL: lambda ids: select(Control.id, Control.ref + " " + Control.title)
        .where(Control.id.in_(ids)),
    }.get(table)


def subject_labels(session: Session,
                   subjects: list[tuple[str | None, int | None]]) -> dict[tuple[str, int], str]:
    """How each subject is named ("CHS-0042 Case files", "HSG A.5.15 Access control"), one
    query per table; a subject no longer in the register is left out."""
    wanted: dict[str, set[int]] = {}
    for table, record_id in subjects:
        if table is not None and record_id is not None:
            wanted.setdefault(table, set()).add(record_id)
    labels: dict[tuple[str, int], str] = {}
    for table, ids in wanted.items():
        query = _label_query(table)
        if query is None:
            continue
        for record_id, label in session.execute(query(sorted(ids))):
            labels[(table, record_id)] = str(label)
    return labels


def subject_label(session: Session, table: str | None, record_id: int | None) -> str | None:
    """One subject's name (None when there is none, or it is gone)."""
    if table is None or record_id is None:
        return None
    return subject_labels(session, [(table, record_id)]).get((table, record_id))


def titled(title: str, subject: tuple[str, int], label: str | None) -> str:
    """An action's title that names its subject (``label``): as given when it names the
    subject's reference already or is about the meeting itself, else followed by the subject
    ("Name an owner and marking for the asset: CHS-0042 Case files")."""
    title = title.strip()
    if not label or subject[0] == MEETING:
        return title[:300]
    key = label.split(" ", 1)[0]
    if key and key in title:
        return title[:300]
    return f"{title.rstrip('.:')}: {label}"[:300]


def escalation_note(escalation: bool, answer: str) -> str:
    """What an agenda says of an escalation still open: the SIRO's answer, or that it is
    awaited ("" for any other action)."""
    if not escalation:
        return ""
    return f" The SIRO answered: {answer.rstrip('.')}." if answer else " The SIRO's answer " \
        "is awaited."


def status_text(action: ReviewAction) -> str:
    """An action's status as documents print it: with an escalation's answer (or that it is
    awaited) and the reason it was closed over a remaining condition."""
    text = action.status.value
    if action.escalation:
        text += f"; the SIRO answered: {action.answer}" if action.answer \
            else "; the SIRO's answer is awaited"
    if action.close_reason:
        text += f"; closed while the condition remained: {action.close_reason}"
    return text


# --- the condition that raised an action -----------------------------------------------------


def still_showing(session: Session, action: ReviewAction, today: date) -> str | None:
    """What the action's subject still shows of the condition its agenda item raised, in
    words ("CHS-0042 Case files still has no owner"), or None when it no longer does (or the
    action was not raised for a condition: a management-review input, a grouped item)."""
    if action.agenda_item_id is None or action.subject_table is None \
            or action.subject_id is None:
        return None
    item = session.get(AgendaItem, action.agenda_item_id)
    if item is None:
        return None
    check = _CHECKS.get(item.kind)
    if check is None:
        return None
    label = subject_label(session, action.subject_table, action.subject_id)
    if label is None:  # the record has gone: nothing shows any more
        return None
    found = check(session, action.subject_table, action.subject_id, today)
    return f"{label} {found}" if found else None


def _record(session: Session, table: str, record_id: int, model: type[Any]) -> Any:
    return session.get(model, record_id) if _TABLES.get(table) is model else None


def _asset_incomplete(session: Session, table: str, record_id: int, today: date) -> str | None:
    asset = _record(session, table, record_id, Asset)
    if asset is None or asset.status == AssetStatus.RETIRED:
        return None
    # Through the relationships: a change made in this session and not flushed yet counts.
    missing = [what for what, gone in (("owner", asset.owner is None),
                                       ("marking", asset.marking is None)) if gone]
    return f"still has no {' and no '.join(missing)}" if missing else None


def _asset_pending(session: Session, table: str, record_id: int, today: date) -> str | None:
    asset = _record(session, table, record_id, Asset)
    pending = asset is not None and asset.status == AssetStatus.PENDING_VERIFICATION
    return "is still pending its owner's verification" if pending else None


def _attestation(session: Session, table: str, record_id: int, today: date) -> str | None:
    asset = _record(session, table, record_id, Asset)
    if asset is None or asset.status == AssetStatus.RETIRED or asset.next_review is None:
        return None
    overdue = asset.next_review < today
    return f"still has its owner attestation overdue (due {asset.next_review})" if overdue \
        else None


def _live(risk: Risk | None) -> bool:
    return risk is not None and risk.status not in (RiskStatus.RETIRED, RiskStatus.CLOSED)


def _above_appetite(session: Session, table: str, record_id: int, today: date) -> str | None:
    risk = _record(session, table, record_id, Risk)
    if not _live(risk):
        return None
    criteria = current_criteria(session)
    likelihood, impact = session.execute(
        select(*governing_rating()).where(Risk.id == record_id)).one()
    level = criteria.level(likelihood, impact)
    return f"is still above the appetite ({level.name})" \
        if level is not None and criteria.above_appetite(level) else None


def _risk_due(session: Session, table: str, record_id: int, today: date) -> str | None:
    risk = _record(session, table, record_id, Risk)
    if not _live(risk) or risk.next_review is None or risk.next_review > today:
        return None
    return f"is still due for review (due {risk.next_review})"


def _action_overdue(session: Session, table: str, record_id: int, today: date) -> str | None:
    action = _record(session, table, record_id, TreatmentAction)
    if action is None or action.status not in _OPEN or action.due_date is None:
        return None
    return f"is still open past its due date ({action.due_date})" \
        if action.due_date < today else None


def _previous(session: Session, table: str, record_id: int, today: date) -> str | None:
    action = _record(session, table, record_id, ReviewAction)
    return "is still open" if action is not None and action.status in _OPEN else None


def _exclusion(session: Session, table: str, record_id: int, today: date) -> str | None:
    entry = _record(session, table, record_id, SoaEntry)
    if entry is None or entry.applicability != Applicability.EXCLUDED:
        return None
    return "is still excluded without a justification" \
        if not entry.exclusion_justification.strip() else None


def _evidence_gap(session: Session, table: str, record_id: int, today: date) -> str | None:
    entry = _record(session, table, record_id, SoaEntry)
    if entry is None:
        return None
    for warning in soa_checks(session, entry.department_id, today):
        if warning.check.evidence_gap \
                and warning.control == entry.control.ref:
            return f"still has {warning.check.value}"
    return None


def _handling(session: Session, table: str, record_id: int, today: date) -> str | None:
    practice = _record(session, table, record_id, HandlingPractice)
    if practice is None or practice.retired_at is not None:
        return None
    made_into_risks = risks_for_findings(session)
    for finding in check_handling(session, practice.asset.department_id):
        if finding.practice_id == record_id and finding_key(finding) not in made_into_risks:
            return f"still breaks {finding.rule_title}"
    return None


_TABLES: dict[str, type[Any]] = {
    RISK: Risk, ASSET: Asset, ACTION: TreatmentAction, PRACTICE: HandlingPractice, SOA: SoaEntry,
    REVIEW_ACTION: ReviewAction,
}
_CHECKS: dict[AgendaKind, Callable[[Session, str, int, date], str | None]] = {
    AgendaKind.ASSET_INCOMPLETE: _asset_incomplete,
    AgendaKind.ASSET_PENDING: _asset_pending,
    AgendaKind.ATTESTATION_DUE: _attestation,
    AgendaKind.RISK_ABOVE_APPETITE: _above_appetite,
    AgendaKind.RISK_DUE: _risk_due,
    AgendaKind.ACTION_OVERDUE: _action_overdue,
    AgendaKind.PREVIOUS_ACTION: _previous,
    AgendaKind.EXCLUSION_UNJUSTIFIED: _exclusion,
    AgendaKind.EVIDENCE_GAP: _evidence_gap,
    AgendaKind.HANDLING_FINDING: _handling,
}


# --- flagged at the next review ------------------------------------------------------------


@dataclass(frozen=True)
class ClosedWithCondition:
    """An action closed while its subject still showed the condition, for the agenda: a
    review action (``table`` REVIEW_ACTION, named "SMG-2026-11/A5") or a treatment action
    closed as the last open one of a risk still above its target (ACTION, "R-0201/A12")."""

    action_id: int
    meeting_ref: str
    title: str
    status: str
    reason: str
    owner: str | None
    closed: datetime
    table: str = REVIEW_ACTION
    #: The risk's department, for a treatment action (None: a review action, council-wide).
    department_id: int | None = None

    @property
    def ref(self) -> str:
        return f"{self.meeting_ref}/A{self.action_id}"


def closed_with_condition(session: Session, meeting: ReviewMeeting) -> list[ClosedWithCondition]:
    """Actions closed with a reason while their subject still showed the condition, not yet
    seen by a signed-off meeting since (other than the one that closed them): ``meeting``
    lists them so the SMG sees what was closed over an open condition. Review actions first,
    then treatment actions (:func:`closed_treatment_actions`)."""
    seen, item = aliased(ReviewMeeting), aliased(AgendaItem)
    already = exists().where(
        item.meeting_id == seen.id, item.subject_table == REVIEW_ACTION,
        item.subject_id == ReviewAction.id, seen.status == ReviewStatus.SIGNED_OFF,
        seen.id != meeting.id, seen.signed_off_at > ReviewAction.updated_at,
        or_(ReviewAction.closed_in_meeting_id.is_(None),
            seen.id != ReviewAction.closed_in_meeting_id))
    query = (
        select(ReviewAction.id, ReviewMeeting.ref, ReviewAction.title, ReviewAction.status,
               ReviewAction.close_reason, Person.name, ReviewAction.updated_at)
        .join(ReviewMeeting, ReviewAction.meeting_id == ReviewMeeting.id)
        .outerjoin(Person, ReviewAction.owner_id == Person.id)
        .where(ReviewAction.status.in_(_CLOSED), ReviewAction.close_reason != "",
               ReviewAction.meeting_id != meeting.id,
               or_(ReviewAction.closed_in_meeting_id.is_(None),
                   ReviewAction.closed_in_meeting_id != meeting.id),
               ~already)
        .order_by(ReviewAction.updated_at, ReviewAction.id)
    )
    return [ClosedWithCondition(aid, ref, title, status.value, reason, owner, closed)
            for aid, ref, title, status, reason, owner, closed in session.execute(query)] + \
        closed_treatment_actions(session, meeting)


def closed_treatment_actions(session: Session,
                             meeting: ReviewMeeting) -> list[ClosedWithCondition]:
    """Treatment actions closed as the last open one of a risk still above its target, with
    the reason their description records (``actions.close_line``: no column keeps it), that
    no signed-off meeting has listed as such since (as an action from a previous meeting: the
    meeting that closed it saw it as overdue, not as closed over the condition)."""
    from_close_line = _CLOSE_LINE_SQL
    seen, item = aliased(ReviewMeeting), aliased(AgendaItem)
    already = exists().where(
        item.meeting_id == seen.id, item.subject_table == ACTION,
        item.subject_id == TreatmentAction.id, item.kind == AgendaKind.PREVIOUS_ACTION,
        seen.status == ReviewStatus.SIGNED_OFF, seen.id != meeting.id,
        seen.signed_off_at > TreatmentAction.updated_at)
    query = (
        select(TreatmentAction.id, Risk.ref, TreatmentAction.title, TreatmentAction.status,
               TreatmentAction.description, Person.name, TreatmentAction.updated_at,
               Risk.department_id)
        .join(Risk, TreatmentAction.risk_id == Risk.id)
        .outerjoin(Person, TreatmentAction.owner_id == Person.id)
        .where(TreatmentAction.status.in_(_CLOSED), Risk.status != RiskStatus.RETIRED,
               TreatmentAction.description.contains(from_close_line), ~already)
        .order_by(TreatmentAction.updated_at, TreatmentAction.id)
    )
    found = []
    for aid, ref, title, status, description, owner, closed, dept in session.execute(query):
        reason = closed_over_condition(description)
        if reason is not None:
            found.append(ClosedWithCondition(aid, ref, title, status.value, reason, owner,
                                             closed, ACTION, dept))
    return found


# --- the reason a treatment action was closed over the condition ------------------------------
# Kept in the action's description (no column for it: no migration this round), written and
# read here so the service, the plan and the agenda agree on the words.

#: What every such line holds, for the database to find the actions that have one.
_CLOSE_LINE_SQL = " while the condition remained ("
_CLOSE_LINE = re.compile(
    r"^(?:Done|Cancelled) on \d{4}-\d{2}-\d{2} while the condition remained "
    r"\((?P<condition>.*)\): (?P<reason>.+)$", re.MULTILINE)


def close_line(status: ActionStatus, on: date, condition: str, reason: str) -> str:
    """The description's line recording a closing over the condition: "Done on 2026-11-25
    while the condition remained (R-0201 ... is still Very high, above its target Low): why"."""
    return f"{status.value.capitalize()} on {on.isoformat()}{_CLOSE_LINE_SQL}{condition}): " \
        f"{reason}"


def close_lines(description: str) -> int:
    """How many such lines ``description`` holds."""
    return len(_CLOSE_LINE.findall(description or ""))


def closed_over_condition(description: str) -> str | None:
    """The reason the latest :func:`close_line` of ``description`` gives (None: no such line)."""
    found = _CLOSE_LINE.findall(description or "")
    return str(found[-1][1]) if found else None
