"""The organisation's context (ISO/IEC 27001 4.1, 4.2 with Amendment 1:2024): the internal and
external issues that bear on the ISMS, the decision on whether climate change is one of them,
and the interested parties with their requirements, each linked to the controls that answer it.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, Timestamped, Versioned, str_enum
from .control import Control
from .org import Department, Person


class IssueKind(StrEnum):
    INTERNAL = "internal"
    EXTERNAL = "external"
    #: The decision 4.1 asks for since Amendment 1:2024: is climate change a relevant issue?
    CLIMATE = "climate"


class ClimateDecision(StrEnum):
    RELEVANT = "relevant"
    NOT_RELEVANT = "not relevant"


class ContextStatus(StrEnum):
    """An issue or a party in use, or retired (kept in the register, off the lists)."""

    CURRENT = "current"
    RETIRED = "retired"


class ContextIssue(Versioned, Timestamped, Base):
    """One internal or external issue, or the climate-change decision (kind ``climate``: its
    ``decision``, ``justification``, ``decided_by`` and ``decided_on`` are set, reviewed on
    ``review_date`` like any other issue)."""

    __tablename__ = "context_issue"
    __table_args__ = (
        CheckConstraint("(kind = 'climate') = (decision IS NOT NULL)", name="climate_decided"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: "CI-001": how the register, the pack and the minutes name it.
    ref: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[IssueKind] = mapped_column(str_enum(IssueKind, "issue_kind"))
    #: PESTLE for external issues, "organisational" and the like for internal ones
    #: (isms.services.context.CATEGORIES).
    category: Mapped[str] = mapped_column(String(40), default="")
    issue: Mapped[str] = mapped_column(String(300))
    #: What the issue does to the ISMS (what it must allow for, what it changes).
    effect: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    #: None: council-wide.
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    review_date: Mapped[date | None]
    status: Mapped[ContextStatus] = mapped_column(
        str_enum(ContextStatus, "context_status"), default=ContextStatus.CURRENT)
    decision: Mapped[ClimateDecision | None] = mapped_column(
        str_enum(ClimateDecision, "climate_decision"))
    justification: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    decided_on: Mapped[date | None]

    owner: Mapped[Person | None] = relationship(foreign_keys=[owner_id])
    decided_by: Mapped[Person | None] = relationship(foreign_keys=[decided_by_id])
    department: Mapped[Department | None] = relationship()

    def audit_label(self) -> str:
        return f"context issue {self.ref}"


#: Which controls answer a requirement. Obligations and objectives get link tables of their own
#: when those registers come (issue 18, 3 and 6).
requirement_control = Table(
    "requirement_control",
    Base.metadata,
    Column("requirement_id", ForeignKey("party_requirement.id", ondelete="CASCADE"),
           primary_key=True),
    Column("control_id", ForeignKey("control.id"), primary_key=True, index=True),
)


class InterestedParty(Versioned, Timestamped, Base):
    """A party whose needs the ISMS must know (4.2): a regulator, residents, a partner..."""

    __tablename__ = "interested_party"

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    #: regulator, resident, partner, supplier, staff, elected members... (PARTY_KINDS)
    kind: Mapped[str] = mapped_column(String(40))
    notes: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    review_date: Mapped[date | None]
    status: Mapped[ContextStatus] = mapped_column(
        str_enum(ContextStatus, "context_status"), default=ContextStatus.CURRENT)

    owner: Mapped[Person | None] = relationship()
    department: Mapped[Department | None] = relationship()
    requirements: Mapped[list[PartyRequirement]] = relationship(
        back_populates="party", order_by="PartyRequirement.id", cascade="all, delete-orphan")

    def audit_label(self) -> str:
        return f"interested party {self.ref}"


class PartyRequirement(Versioned, Timestamped, Base):
    """One need or expectation of a party: what it is, where it is written, what answers it."""

    __tablename__ = "party_requirement"

    id: Mapped[int] = mapped_column(primary_key=True)
    party_id: Mapped[int] = mapped_column(
        ForeignKey("interested_party.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    #: Where it is written: a law, a contract, a code of connection, a survey...
    source: Mapped[str] = mapped_column(String(300), default="")
    #: Set when the requirement no longer applies (kept, off the lists).
    retired_at: Mapped[datetime | None]

    party: Mapped[InterestedParty] = relationship(back_populates="requirements")
    controls: Mapped[list[Control]] = relationship(secondary=requirement_control,
                                                   order_by="Control.sort_key")

    def audit_label(self) -> str:
        ref = self.party.ref if self.party is not None else "?"
        return f"requirement {self.id} of interested party {ref}"
