"""Review meetings of the Security Managers Group (ISO/IEC 27001 8.2, 9.3)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, Timestamped, Versioned, str_enum
from .enums import ActionStatus, AgendaKind, DecisionKind, ReviewStatus
from .org import Department, Person
from .risk import ActionDeferral

review_scope = Table(
    "review_scope",
    Base.metadata,
    Column("meeting_id", ForeignKey("review_meeting.id", ondelete="CASCADE"), primary_key=True),
    Column("department_id", ForeignKey("department.id"), primary_key=True),
)


class ReviewMeeting(Versioned, Timestamped, Base):
    """A meeting; an empty scope means the whole council. Signed off = frozen for good."""

    __tablename__ = "review_meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    meeting_date: Mapped[date] = mapped_column(index=True)
    location: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[ReviewStatus] = mapped_column(
        str_enum(ReviewStatus, "review_status"), default=ReviewStatus.PLANNED
    )
    chair_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    notes: Mapped[str] = mapped_column(Text, default="")
    signed_off_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    signed_off_at: Mapped[datetime | None]
    #: The meeting's conclusions (ISO/IEC 27001 9.3.3): on the continuing suitability,
    #: adequacy and effectiveness of the ISMS, the changes it needs and the resources. A
    #: signed-off meeting has all five ("" until recorded).
    conclusion_suitability: Mapped[str] = mapped_column(Text, default="")
    conclusion_adequacy: Mapped[str] = mapped_column(Text, default="")
    conclusion_effectiveness: Mapped[str] = mapped_column(Text, default="")
    conclusion_changes: Mapped[str] = mapped_column(Text, default="")
    conclusion_resources: Mapped[str] = mapped_column(Text, default="")

    chair: Mapped[Person | None] = relationship(foreign_keys=[chair_id])
    signed_off_by: Mapped[Person | None] = relationship(foreign_keys=[signed_off_by_id])
    scope: Mapped[list[Department]] = relationship(secondary=review_scope)
    attendees: Mapped[list[ReviewAttendee]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan"
    )
    agenda: Mapped[list[AgendaItem]] = relationship(
        back_populates="meeting", order_by="AgendaItem.position", cascade="all, delete-orphan"
    )
    actions: Mapped[list[ReviewAction]] = relationship(
        back_populates="meeting",
        foreign_keys="ReviewAction.meeting_id",
        cascade="all, delete-orphan",
    )

    def audit_label(self) -> str:
        return f"review {self.ref}"


class ReviewAttendee(Base):
    __tablename__ = "review_attendee"

    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("review_meeting.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True)
    capacity: Mapped[str] = mapped_column(String(100), default="")
    present: Mapped[bool] = mapped_column(default=True)

    meeting: Mapped[ReviewMeeting] = relationship(back_populates="attendees")
    person: Mapped[Person] = relationship()

    def audit_label(self) -> str:
        return f"attendee {self.person_id} of review {self.meeting_id}"


class AgendaItem(Versioned, Base):
    """One thing to decide, built from the register; ``subject_*`` points at its record."""

    __tablename__ = "agenda_item"
    __table_args__ = (UniqueConstraint("meeting_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("review_meeting.id", ondelete="CASCADE"))
    position: Mapped[int]
    kind: Mapped[AgendaKind] = mapped_column(str_enum(AgendaKind, "agenda_kind"))
    subject_table: Mapped[str | None] = mapped_column(String(40))
    subject_id: Mapped[int | None]
    title: Mapped[str] = mapped_column(String(300))
    detail: Mapped[str] = mapped_column(Text, default="")

    meeting: Mapped[ReviewMeeting] = relationship(back_populates="agenda")
    decision: Mapped[ReviewDecision | None] = relationship(
        back_populates="item", cascade="all, delete-orphan"
    )

    def audit_label(self) -> str:
        return f"agenda item {self.position} of review {self.meeting_id}"


class ReviewDecision(Base):
    """The SMG's decision on an item, with a snapshot of the item as it stood when decided."""

    __tablename__ = "review_decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    agenda_item_id: Mapped[int] = mapped_column(
        ForeignKey("agenda_item.id", ondelete="CASCADE"), unique=True
    )
    kind: Mapped[DecisionKind] = mapped_column(str_enum(DecisionKind, "decision_kind"))
    note: Mapped[str] = mapped_column(Text, default="")
    snapshot: Mapped[dict[str, Any]]
    decided_by: Mapped[str] = mapped_column(String(100))
    decided_at: Mapped[datetime]
    next_review: Mapped[date | None]

    item: Mapped[AgendaItem] = relationship(back_populates="decision")

    def audit_label(self) -> str:
        return f"decision on agenda item {self.agenda_item_id}"


class ReviewAction(Versioned, Timestamped, Base):
    """An action a meeting set (9.3 outputs); open ones come back on the next meeting's agenda."""

    __tablename__ = "review_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("review_meeting.id", ondelete="CASCADE"))
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_item.id"))
    title: Mapped[str] = mapped_column(String(300))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    due_date: Mapped[date | None]
    status: Mapped[ActionStatus] = mapped_column(
        str_enum(ActionStatus, "action_status"), default=ActionStatus.OPEN
    )
    closed_in_meeting_id: Mapped[int | None] = mapped_column(ForeignKey("review_meeting.id"))
    #: The record the action is about (as AgendaItem.subject_*): an asset, risk, control,
    #: SoA entry, treatment or review action; None for the meeting itself.
    subject_table: Mapped[str | None] = mapped_column(String(40))
    subject_id: Mapped[int | None]
    #: An escalation to the SIRO: it has a due date and waits for the SIRO's answer.
    escalation: Mapped[bool] = mapped_column(default=False)
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_by: Mapped[str | None] = mapped_column(String(100))
    answered_at: Mapped[datetime | None]
    #: Why it was closed while its subject still showed the condition that raised it.
    close_reason: Mapped[str] = mapped_column(Text, default="")

    meeting: Mapped[ReviewMeeting] = relationship(
        back_populates="actions", foreign_keys=[meeting_id]
    )
    owner: Mapped[Person | None] = relationship()
    deferrals: Mapped[list[ActionDeferral]] = relationship(
        order_by="ActionDeferral.id", cascade="all, delete-orphan"
    )

    def audit_label(self) -> str:
        return f"review action {self.id}"
