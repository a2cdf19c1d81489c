"""What the SMG sees beside an agenda item: the subject's facts and its review history.

The same facts, as they stand when a decision is recorded, are the decision's snapshot.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from isms.method.criteria import Criteria
from isms.model import (
    ActionStatus,
    AgendaItem,
    Asset,
    Department,
    Evidence,
    HandlingPractice,
    ReviewAction,
    ReviewDecision,
    ReviewMeeting,
    Risk,
    SoaEntry,
    TreatmentAction,
)
from isms.services.read.queries import current_criteria
from isms.services.reviews.common import ItemContext, item_by_id, subject
from isms.services.risks import STAGES, rating

Facts = list[tuple[str, str]]
_LISTED = 12


def _name(person: Any) -> str:
    return str(person.name) if person is not None else "-"


def _text(value: object) -> str:
    if value is None or value == "":
        return "-"
    return str(getattr(value, "value", value))


def _some(refs: list[str]) -> str:
    more = f" and {len(refs) - _LISTED} more" if len(refs) > _LISTED else ""
    return (", ".join(refs[:_LISTED]) + more) or "-"


def _risk(criteria: Criteria, risk: Risk) -> Facts:
    facts = [("Reference", risk.ref), ("Title", risk.title),
             ("Department", risk.department.code), ("Owner", _name(risk.owner)),
             ("Status", risk.status.value),
             ("Assets", _some([a.ref for a in risk.assets]))]
    for stage in STAGES:
        lk, im = rating(risk, stage)
        level = criteria.level(lk, im)
        facts.append((f"{stage.capitalize()} risk",
                      f"{level.name} ({lk}x{im})" if level else "not rated"))
    open_actions = [f"{a.title} ({_name(a.owner)}, due {_text(a.due_date)})" for a in risk.actions
                    if a.status in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)]
    acceptance = risk.current_acceptance
    facts += [
        ("Controls", _some([c.ref for c in risk.controls])),
        ("Open treatment actions", "; ".join(open_actions) or "-"),
        ("Acceptance", f"by {acceptance.accepted_by.name} until {_text(acceptance.expires_on)}"
         if acceptance else "-"),
        ("Next review", _text(risk.next_review)
         + (f" (off the cadence: {risk.review_override_reason})"
            if risk.review_override_reason else "")),
    ]
    return facts


def _asset(asset: Asset) -> Facts:
    cia = "/".join(_text(v) for v in (asset.confidentiality, asset.integrity,
                                       asset.availability))
    return [("Reference", asset.ref), ("Name", asset.name), ("Type", asset.asset_type.value),
            ("Department", asset.department.code), ("Owner", _name(asset.owner)),
            ("Marking", asset.marking.label if asset.marking else "-"), ("C/I/A", cia),
            ("Personal data", "special category" if asset.special_category
             else "yes" if asset.personal_data else "no"),
            ("Status", asset.status.value), ("Next attestation", _text(asset.next_review))]


def _action(action: TreatmentAction) -> Facts:
    return [("Risk", action.risk.ref), ("Action", action.title), ("Owner", _name(action.owner)),
            ("Due", _text(action.due_date)), ("Status", action.status.value)]


def _review_action(session: Session, action: ReviewAction) -> Facts:
    return [("Set by", action.meeting.ref), ("Action", action.title),
            ("Owner", _name(action.owner)), ("Due", _text(action.due_date)),
            ("Status", action.status.value)]


def _soa(entry: SoaEntry) -> Facts:
    return [("Department", entry.department.code),
            ("Control", f"{entry.control.ref} {entry.control.title}"),
            ("Applicability", entry.applicability.value),
            ("Exclusion justification", entry.exclusion_justification or "-"),
            ("Implementation", _text(entry.implementation_status)),
            ("Control owner", _name(entry.owner))]


def _practice(practice: HandlingPractice) -> Facts:
    return [("Asset", f"{practice.asset.ref} {practice.asset.name}"),
            ("Stage", practice.stage.value), ("Channel", _text(practice.channel)),
            ("Safeguards", ", ".join(practice.safeguards or []) or "none"),
            ("Third party", practice.third_party or "-")]


def facts(session: Session, item: AgendaItem) -> Facts:
    """The subject as it stands now, in label/value pairs."""
    record = subject(session, item)
    if isinstance(record, Risk):
        return _risk(current_criteria(session), record)
    if isinstance(record, Asset):
        return _asset(record)
    if isinstance(record, TreatmentAction):
        return _action(record)
    if isinstance(record, ReviewAction):
        return _review_action(session, record)
    if isinstance(record, SoaEntry):
        return _soa(record)
    if isinstance(record, HandlingPractice):
        return [*_practice(record), ("Finding", item.detail)]
    if isinstance(record, Evidence):
        return [("Evidence", f"{record.ref} {record.title}"),
                ("Dated", record.evidence_date.isoformat()),
                ("Valid for", f"{record.valid_days} days" if record.valid_days else "-"),
                ("Controls", ", ".join(c.ref for c in record.controls) or "-"),
                ("Item", item.title)]
    if isinstance(record, Department):
        return [("Department", f"{record.code} {record.name}"), ("Item", item.title),
                ("Records", item.detail)]
    return [("Input", item.title), ("Detail", item.detail or "-")]


def history(session: Session, item: AgendaItem) -> list[tuple[date, str]]:
    """Earlier decisions on the same subject, newest first."""
    if item.subject_table is None or item.subject_id is None:
        return []
    query = (
        select(ReviewMeeting.meeting_date, ReviewMeeting.ref, ReviewDecision.kind,
               ReviewDecision.note)
        .join(AgendaItem, ReviewDecision.agenda_item_id == AgendaItem.id)
        .join(ReviewMeeting, AgendaItem.meeting_id == ReviewMeeting.id)
        .where(AgendaItem.subject_table == item.subject_table,
               AgendaItem.subject_id == item.subject_id, AgendaItem.id != item.id)
        .order_by(ReviewMeeting.meeting_date.desc(), ReviewDecision.id.desc())
    )
    return [(day, f"{ref}: {kind.value}" + (f" - {note}" if note else ""))
            for day, ref, kind, note in session.execute(query)]


def item_context(session: Session, item_id: int) -> ItemContext:
    item = item_by_id(session, item_id)
    return ItemContext(facts(session, item), history(session, item))
