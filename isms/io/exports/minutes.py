"""What the minutes of a review meeting say, as plain data: assembled from the register by
``isms.services.reviews.minutes`` and laid out by ``minutes_pdf`` (kept apart so building them
does not load reportlab)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from ...model import AgendaKind, DecisionKind, ReviewStatus


@dataclass(frozen=True)
class Attendee:
    name: str
    #: The capacity they attended in ("" when none was given).
    capacity: str
    #: False: sent apologies.
    present: bool


@dataclass(frozen=True)
class MinutesItem:
    """One agenda item and its decision (``decision`` None: not decided)."""

    position: int
    title: str
    kind: AgendaKind
    detail: str
    decision: DecisionKind | None = None
    note: str = ""
    #: What the decision did to the register, in words.
    effect: str = ""
    next_review: date | None = None


@dataclass(frozen=True)
class MinutesInput:
    """A management-review input (ISO/IEC 27001 9.3.2) and what the meeting made of it."""

    #: "a".."g"; "" for an input the SMG added.
    letter: str
    title: str
    #: What the register held when the meeting started, one line per part.
    detail: str
    #: Its agenda item; None: not on this meeting's agenda (a meeting from before the seven).
    position: int | None
    #: The decision and note ("noted: Findings accepted"); "" undecided.
    outcome: str = ""


@dataclass(frozen=True)
class MinutesAction:
    """An action the meeting set: one of its own, or a treatment action a decision created."""

    title: str
    owner: str | None
    due: date | None
    status: str
    #: The position of the agenda item it came from.
    from_item: int | None


@dataclass(frozen=True)
class SubjectHistory:
    """A risk or asset on the agenda and its reviews, newest first (this meeting's first)."""

    subject: str
    reviews: Sequence[tuple[date, str]]


@dataclass(frozen=True)
class Minutes:
    register_name: str
    ref: str
    title: str
    meeting_date: date
    location: str
    chair: str | None
    #: The departments in scope as "CODE Name", in code order; empty: the whole council.
    scope: Sequence[str]
    attendees: Sequence[Attendee]
    status: ReviewStatus
    signed_off_by: str | None
    signed_off_at: datetime | None
    #: The agenda in position order.
    items: Sequence[MinutesItem]
    actions: Sequence[MinutesAction]
    histories: Sequence[SubjectHistory]
    #: The change log's head when the minutes were made (``LogHead.text``); "" leaves it out.
    log_head: str = ""
    #: The 9.3.2 inputs a-g in order, then any the SMG added.
    inputs: Sequence[MinutesInput] = ()
    #: The 9.3.3 conclusions as (what, text); text "" while not recorded.
    conclusions: Sequence[tuple[str, str]] = ()
    #: The protective marking on every page.
    marking: str = "OFFICIAL"
    #: Document-control lines about the marking (chosen by the person exporting).
    marking_control: Sequence[tuple[str, str]] = ()

    @property
    def dated(self) -> datetime:
        """The date the minutes state: the sign-off, or before it the meeting day."""
        return self.signed_off_at or datetime.combine(self.meeting_date, time(), tzinfo=UTC)
