"""The minutes of a review meeting as a PDF: the ISO/IEC 27001 9.3 management review evidence.

Meeting, date, chair, scope, attendance (present and apologies, listed once), status and
sign-off, the conclusions of 9.3.3, the seven inputs of 9.3.2 (a-g) with what the register
held, every decision (item, decision, note, effect, next review), the actions set with owners
and due dates, the items carried forward, and the review history of each risk and asset
discussed that had been reviewed before.

The writer lays out what it is given (``Minutes``, assembled from the register by
``isms.services.reviews.minutes``); it reads nothing itself. Same meeting, same bytes: the
document is dated by the sign-off (or, before it, by the meeting date), never by the moment it
is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.platypus import (  # type: ignore[import-untyped]
    CondPageBreak,
    Flowable,
)

from ...model import DecisionKind, ReviewStatus
from .minutes import Attendee, Minutes, MinutesAction, MinutesInput, MinutesItem, SubjectHistory
from .pdf_report import build_pdf, grid, para, title_block
from .report import LOG_HEAD_LABEL


def _section(title: str, rows: Sequence[Sequence[Any]], widths: Sequence[float],
             empty: str) -> list[Flowable]:
    body: Flowable = grid(rows, widths, styles=("head", "cell")) if len(rows) > 1 else para(empty)
    return [CondPageBreak(30 * mm), para(title, "heading"), body]


def _control(minutes: Minutes) -> list[tuple[str, str]]:
    def names(people: Sequence[Attendee]) -> str:
        return "; ".join(a.name + (f" ({a.capacity})" if a.capacity else "")
                         for a in sorted(people, key=lambda a: a.name)) or "-"

    present = [a for a in minutes.attendees if a.present]
    apologies = [a for a in minutes.attendees if not a.present]
    signed = (f"Signed off by {minutes.signed_off_by} on {minutes.signed_off_at:%Y-%m-%d}"
              if minutes.status == ReviewStatus.SIGNED_OFF and minutes.signed_off_by
              and minutes.signed_off_at else "Not signed off: these minutes are a draft")
    return [("Meeting", f"{minutes.ref} {minutes.title}"),
            ("Date", minutes.meeting_date.isoformat()), ("Location", minutes.location or "-"),
            ("Chair", minutes.chair or "-"),
            ("Scope", ", ".join(minutes.scope) or "Whole council"), ("Present", names(present)),
            ("Apologies", names(apologies)), ("Status", minutes.status.value),
            ("Sign-off", signed), *minutes.marking_control,
            *([(LOG_HEAD_LABEL, minutes.log_head)] if minutes.log_head else [])]


def _decisions(items: Sequence[MinutesItem]) -> list[Flowable]:
    rows: list[Sequence[Any]] = [("Item", "Kind", "Decision", "Note", "Effect", "Next review")]
    rows += [(f"{i.position}. {i.title}", i.kind.value,
              i.decision.value if i.decision else "undecided", i.note, i.effect, i.next_review)
             for i in items]
    return _section("Decisions", rows, (7, 3, 2.5, 5, 6, 2), "No agenda items.")


def _inputs(inputs: Sequence[MinutesInput]) -> list[Flowable]:
    rows: list[Sequence[Any]] = [("Input", "What the register held", "Outcome")]
    rows += [(f"{i.letter or 'Other'}) {i.title}"
              + (f" (item {i.position})" if i.position is not None else ""), i.detail, i.outcome)
             for i in inputs]
    return _section("Management review inputs (9.3.2)", rows, (4, 16, 4), "No inputs recorded.")


def _conclusions(conclusions: Sequence[tuple[str, str]]) -> list[Flowable]:
    rows: list[Sequence[Any]] = [("Conclusion", "What the meeting concluded")]
    rows += [(what, text or "Not recorded yet") for what, text in conclusions]
    return _section("Conclusions (9.3.3)", rows, (5, 18), "No conclusions recorded.")


def _actions(actions: Sequence[MinutesAction]) -> list[Flowable]:
    rows: list[Sequence[Any]] = [("Action", "Owner", "Due", "Status", "From item")]
    rows += [(a.title, a.owner or "-", a.due, a.status, a.from_item) for a in actions]
    return _section("Actions", rows, (10, 4, 2, 2, 1.5), "The meeting set no actions.")


def _carried(items: Sequence[MinutesItem]) -> list[Flowable]:
    rows: list[Sequence[Any]] = [("Item", "Why deferred", "Revisit by")]
    rows += [(f"{i.position}. {i.title}", i.note, i.next_review)
             for i in items if i.decision == DecisionKind.DEFER]
    return _section("Carried forward", rows, (10, 10, 2.5), "Nothing was deferred.")


def _history(histories: Sequence[SubjectHistory]) -> list[Flowable]:
    rows: list[Sequence[Any]] = [("Risk or asset", "Reviews, newest first")]
    rows += [(h.subject, "\n".join(f"{day} {text}" for day, text in h.reviews) or "-")
             for h in histories]
    return _section("Review history of the risks and assets discussed", rows, (3, 14),
                    "No risk or asset on the agenda had been reviewed before.")


def write_minutes_pdf(minutes: Minutes, path: Path) -> None:
    """Write ``minutes`` to ``path`` (atomically)."""
    title = f"Minutes: {minutes.title} ({minutes.ref}) - {minutes.register_name}"
    story: list[Flowable] = title_block(title, minutes.dated, minutes.marking, _control(minutes))
    # What the meeting concluded first (an auditor's first question), then what it reviewed.
    story += _conclusions(minutes.conclusions)
    story += _inputs(minutes.inputs)
    story += _decisions(minutes.items)
    story += _actions(minutes.actions)
    story += _carried(minutes.items)
    story += _history(minutes.histories)
    build_pdf(path, story, title=title, marking=minutes.marking, generated=minutes.dated,
              keywords=minutes.log_head)
