"""The minutes of a review meeting: what the register holds about the meeting, gathered into the
plain ``Minutes`` the PDF writer lays out, and writing them to a file (what ``isms review
minutes``, the audit pack and the window's "Minutes..." all call)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from isms.db.audit_chain import log_head
from isms.io.exports.minutes import (
    Attendee,
    Minutes,
    MinutesAction,
    MinutesInput,
    MinutesItem,
    SubjectHistory,
)
from isms.model import AgendaItem, AgendaKind, ReviewMeeting, Signature, TreatmentAction
from isms.services import signatures
from isms.services.documents.marking import MarkingChoice, choose, meetings_marking
from isms.services.read.queries import register_name
from isms.services.reviews.action_subjects import status_text
from isms.services.reviews.common import ASSET, RISK, meeting_by_id, subject_refs
from isms.services.reviews.context import history
from isms.services.reviews.inputs import INPUTS, input_letter
from isms.services.reviews.meetings import CONCLUSIONS, conclusions

#: The marking when the register has no classification scheme to take one from.
DEFAULT_MARKING = "OFFICIAL"


def minutes(session: Session, meeting_id: int, marking: str | None = None) -> Minutes:
    """The minutes of the meeting as they stand (a draft until it is signed off), marked with
    the highest marking of what the agenda is about, or ``marking`` if given."""
    return _minutes(session, meeting_id, minutes_marking(session, meeting_id, marking))


def _minutes(session: Session, meeting_id: int, marked: MarkingChoice) -> Minutes:
    meeting = meeting_by_id(session, meeting_id)
    items = list(session.execute(
        select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)
        .order_by(AgendaItem.position)).scalars())
    labels = dict(CONCLUSIONS)
    return Minutes(
        register_name=register_name(session),
        ref=meeting.ref,
        title=meeting.title,
        meeting_date=meeting.meeting_date,
        location=meeting.location,
        chair=meeting.chair.name if meeting.chair else None,
        scope=[f"{d.code} {d.name}" for d in sorted(meeting.scope, key=lambda d: d.code)],
        attendees=[Attendee(a.person.name, a.capacity, a.present) for a in meeting.attendees],
        status=meeting.status,
        signed_off_by=meeting.signed_off_by.name if meeting.signed_off_by else None,
        signed_off_at=meeting.signed_off_at,
        items=[_item(session, i) for i in items],
        actions=_actions(session, meeting, items),
        histories=_histories(session, meeting, items),
        log_head=log_head(session).text(),
        inputs=_inputs(items),
        conclusions=[(labels[key], text) for key, text in conclusions(meeting)],
        marking=marked.label or DEFAULT_MARKING,
        marking_control=marked.control(),
    )


def minutes_marking(session: Session, meeting_id: int, requested: str | None) -> MarkingChoice:
    """The minutes' marking: ``requested`` checked against the scheme, else what the agenda
    items are about calls for."""
    return choose(session, requested, meetings_marking(session, [meeting_id]))


def write_minutes(session: Session, meeting_id: int, path: Path,
                  marking: str | None = None) -> MarkingChoice:
    """Write the meeting's minutes to ``path`` as a PDF (atomically); returns the marking
    they carry against their content's."""
    # reportlab is slow to import: load the writer only when minutes are written.
    from isms.io.exports.minutes_pdf import write_minutes_pdf

    marked = minutes_marking(session, meeting_id, marking)
    write_minutes_pdf(_minutes(session, meeting_id, marked), path)
    return marked


def _outcome(item: AgendaItem) -> str:
    if item.decision is None:
        return ""
    return f"{item.decision.kind.value}: {item.decision.note}".rstrip(": ")


def _inputs(items: Sequence[AgendaItem]) -> list[MinutesInput]:
    """The seven 9.3.2 inputs in order, each from the agenda item that carries it (a meeting
    started before isms filled them has it as not on the agenda), then those the SMG added."""
    inputs = [i for i in items if i.kind == AgendaKind.MANAGEMENT_INPUT]
    by_letter = {letter: i for i in reversed(inputs) if (letter := input_letter(i.title))}
    found = []
    for letter, words in INPUTS:
        item = by_letter.get(letter)
        found.append(MinutesInput(letter, words, item.detail, item.position, _outcome(item))
                     if item is not None else
                     MinutesInput(letter, words, "Not on this meeting's agenda.", None))
    found += [MinutesInput("", i.title, i.detail, i.position, _outcome(i))
              for i in inputs if input_letter(i.title) is None]
    return found


def _item(session: Session, item: AgendaItem) -> MinutesItem:
    d = item.decision
    if d is None:
        return MinutesItem(item.position, item.title, item.kind, item.detail)
    snapshot = d.snapshot or {}
    # What the decision did, then its signatures as they stand now (an acceptance recorded for
    # its owner says whether the owner has confirmed it since), then who recorded it when.
    said = [str(snapshot.get("_effect", ""))]
    said += [signatures.words(signature) for kind, record_id, _ in snapshot.get("_created", [])
             if kind == "Signature"
             and (signature := session.get(Signature, record_id)) is not None]
    said.append(f"recorded by {d.decided_by} at {d.decided_at:%Y-%m-%d %H:%M} UTC")
    return MinutesItem(item.position, item.title, item.kind, item.detail, decision=d.kind,
                       note=d.note, effect="; ".join(text for text in said if text),
                       next_review=d.next_review)


def _actions(session: Session, meeting: ReviewMeeting,
             items: Sequence[AgendaItem]) -> list[MinutesAction]:
    """The meeting's own actions in agenda order, then the treatment actions its decisions
    created."""
    positions = {i.id: i.position for i in items}
    actions = [
        MinutesAction(a.title, a.owner.name if a.owner else None, a.due_date, status_text(a),
                      positions.get(a.agenda_item_id or 0))
        for a in sorted(meeting.actions,
                        key=lambda a: (positions.get(a.agenda_item_id or 0, 0), a.id))]
    for item in items:
        made = (item.decision.snapshot or {}).get("_created", []) if item.decision else []
        for kind, record_id, _ in made:
            treat = session.get(TreatmentAction, record_id) if kind == "TreatmentAction" else None
            if treat is not None:
                actions.append(MinutesAction(
                    f"{treat.risk.ref}: {treat.title}", treat.owner.name if treat.owner else None,
                    treat.due_date, treat.status.value, item.position))
    return actions


def _histories(session: Session, meeting: ReviewMeeting,
               items: Sequence[AgendaItem]) -> list[SubjectHistory]:
    """Each risk and asset on the agenda that was reviewed before, with its reviews: this
    meeting's decision first, then the earlier ones. One reviewed for the first time has only
    this meeting's decision, which the decisions table already gives (a council-wide agenda
    would otherwise repeat its hundred-odd decisions here)."""
    refs = subject_refs(session, items)
    out: list[SubjectHistory] = []
    for item in items:
        if item.subject_table not in (RISK, ASSET) or item.subject_id is None:
            continue
        reviews = history(session, item)
        if not reviews:
            continue
        if item.decision:
            reviews.insert(0, (meeting.meeting_date, f"{meeting.ref}: {item.decision.kind.value}"
                               + (f" - {item.decision.note}" if item.decision.note else "")))
        out.append(SubjectHistory(refs.get((item.subject_table, item.subject_id), ""), reviews))
    return out
