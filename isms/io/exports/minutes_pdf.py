"""The minutes of a review meeting as a PDF: the ISO/IEC 27001 9.3 management review evidence.

Meeting, date, chair, scope, attendance (present and apologies), status and sign-off, the inputs,
every decision (item, decision, note, effect, next review), the actions set with owners and due
dates, the items carried forward, and the review history of each risk and asset discussed.

Same meeting, same bytes: the document is dated by the sign-off (or, before it, by the meeting
date), never by the moment it is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.platypus import (  # type: ignore[import-untyped]
    CondPageBreak,
    Flowable,
)
from sqlalchemy import select
from sqlalchemy.orm import Session

from isms.services.read.queries import register_name
from isms.services.reviews.common import meeting_by_id, subject_refs
from isms.services.reviews.context import history

from ...model import (
    AgendaItem,
    AgendaKind,
    DecisionKind,
    ReviewMeeting,
    ReviewStatus,
    TreatmentAction,
)
from .pdf_report import build_pdf, grid, para, title_block

MARKING = "OFFICIAL"


def _section(title: str, rows: Sequence[Sequence[Any]], widths: Sequence[float],
             empty: str) -> list[Flowable]:
    body: Flowable = grid(rows, widths, styles=("head", "cell")) if len(rows) > 1 else para(empty)
    return [CondPageBreak(30 * mm), para(title, "heading"), body]


def _dated(meeting: ReviewMeeting) -> datetime:
    return meeting.signed_off_at or datetime.combine(meeting.meeting_date, time(), tzinfo=UTC)


def _control(meeting: ReviewMeeting) -> list[tuple[str, str]]:
    scope = ", ".join(f"{d.code} {d.name}" for d in sorted(meeting.scope, key=lambda d: d.code))
    present = [a for a in meeting.attendees if a.present]
    apologies = [a for a in meeting.attendees if not a.present]

    def names(people: Sequence[Any]) -> str:
        return "; ".join(a.person.name + (f" ({a.capacity})" if a.capacity else "")
                         for a in sorted(people, key=lambda a: a.person.name)) or "-"

    signed = (f"Signed off by {meeting.signed_off_by.name} on {meeting.signed_off_at:%Y-%m-%d}"
              if meeting.status == ReviewStatus.SIGNED_OFF and meeting.signed_off_by
              and meeting.signed_off_at else "Not signed off: these minutes are a draft")
    return [("Meeting", f"{meeting.ref} {meeting.title}"),
            ("Date", meeting.meeting_date.isoformat()), ("Location", meeting.location or "-"),
            ("Chair", meeting.chair.name if meeting.chair else "-"),
            ("Scope", scope or "Whole council"), ("Present", names(present)),
            ("Apologies", names(apologies)), ("Status", meeting.status.value),
            ("Sign-off", signed)]


def _decisions(items: Sequence[AgendaItem]) -> list[Flowable]:
    rows: list[Sequence[Any]] = [("Item", "Kind", "Decision", "Note", "Effect", "Next review")]
    for item in items:
        d = item.decision
        rows.append((f"{item.position}. {item.title}", item.kind.value,
                     d.kind.value if d else "undecided",
                     d.note if d else "", str((d.snapshot or {}).get("_effect", "")) if d else "",
                     d.next_review if d else None))
    return _section("Decisions", rows, (7, 3, 2.5, 5, 6, 2), "No agenda items.")


def _inputs(items: Sequence[AgendaItem]) -> list[Flowable]:
    rows: list[Sequence[Any]] = [("Input", "Detail", "Outcome")]
    rows += [(f"{i.position}. {i.title}", i.detail,
              f"{i.decision.kind.value}: {i.decision.note}".rstrip(": ") if i.decision else "")
             for i in items if i.kind == AgendaKind.MANAGEMENT_INPUT]
    return _section("Management review inputs (9.3.2)", rows, (6, 8, 8), "No inputs recorded.")


def _actions(session: Session, meeting: ReviewMeeting,
             items: Sequence[AgendaItem]) -> list[Flowable]:
    rows: list[Sequence[Any]] = [("Action", "Owner", "Due", "Status", "From item")]
    positions = {i.id: i.position for i in items}
    for action in sorted(meeting.actions, key=lambda a: (positions.get(a.agenda_item_id or 0, 0),
                                                         a.id)):
        rows.append((action.title, action.owner.name if action.owner else "-", action.due_date,
                     action.status.value, positions.get(action.agenda_item_id or 0, "")))
    for item in items:
        made = (item.decision.snapshot or {}).get("_created", []) if item.decision else []
        for kind, record_id, _ in made:
            treat = session.get(TreatmentAction, record_id) if kind == "TreatmentAction" else None
            if treat is not None:
                rows.append((f"{treat.risk.ref}: {treat.title}",
                             treat.owner.name if treat.owner else "-", treat.due_date,
                             treat.status.value, item.position))
    return _section("Actions", rows, (10, 4, 2, 2, 1.5), "The meeting set no actions.")


def _carried(items: Sequence[AgendaItem]) -> list[Flowable]:
    rows: list[Sequence[Any]] = [("Item", "Why deferred", "Revisit by")]
    rows += [(f"{i.position}. {i.title}", i.decision.note, i.decision.next_review)
             for i in items if i.decision and i.decision.kind == DecisionKind.DEFER]
    return _section("Carried forward", rows, (10, 10, 2.5), "Nothing was deferred.")


def _history(session: Session, items: Sequence[AgendaItem],
             refs: dict[tuple[str, int], str]) -> list[Flowable]:
    rows: list[Sequence[Any]] = [("Risk or asset", "Reviews, newest first")]
    for item in items:
        if item.subject_table not in ("risk", "asset") or item.subject_id is None:
            continue
        lines = [f"{day} {text}" for day, text in history(session, item)]
        if item.decision:
            lines.insert(0, f"{item.meeting.meeting_date} {item.meeting.ref}: "
                            f"{item.decision.kind.value}"
                            + (f" - {item.decision.note}" if item.decision.note else ""))
        rows.append((refs.get((item.subject_table, item.subject_id), ""),
                     "\n".join(lines) or "-"))
    return _section("Review history of the risks and assets discussed", rows, (3, 14),
                    "No risks or assets were on the agenda.")


def write_minutes(session: Session, meeting_id: int, path: Path) -> None:
    """Write the minutes of the meeting to ``path`` (atomically)."""
    meeting = meeting_by_id(session, meeting_id)
    items = list(session.execute(
        select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)
        .order_by(AgendaItem.position)).scalars())
    refs = subject_refs(session, items)
    title = f"Minutes: {meeting.title} ({meeting.ref}) - {register_name(session)}"
    dated = _dated(meeting)
    story: list[Flowable] = title_block(title, dated, MARKING, _control(meeting))
    story += _inputs(items)
    story += _decisions(items)
    story += _actions(session, meeting, items)
    story += _carried(items)
    story += _history(session, items, refs)
    build_pdf(path, story, title=title, marking=MARKING, generated=dated)
