"""The obligations register (ISO/IEC 27001 A.5.31, 4.2 c): the laws, regulations, contracts,
standards, agreements and codes the council must meet for information security, who owns each,
what it requires, the controls that meet it and the evidence that shows it is met.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, Timestamped, Versioned, str_enum
from .control import Control
from .evidence import Evidence
from .org import Department, Person


class ObligationKind(StrEnum):
    LEGISLATION = "legislation"
    REGULATION = "regulation"
    CONTRACT = "contract"
    STANDARD = "standard"
    AGREEMENT = "agreement"
    CODE_OF_PRACTICE = "code of practice"


class ObligationStatus(StrEnum):
    """An obligation in force, or retired (kept in the register, off the lists)."""

    CURRENT = "current"
    RETIRED = "retired"


#: The controls (Annex A or local) that meet an obligation.
obligation_control = Table(
    "obligation_control",
    Base.metadata,
    Column("obligation_id", ForeignKey("obligation.id", ondelete="CASCADE"), primary_key=True),
    Column("control_id", ForeignKey("control.id"), primary_key=True, index=True),
)

#: The evidence records that show an obligation is met.
obligation_evidence = Table(
    "obligation_evidence",
    Base.metadata,
    Column("obligation_id", ForeignKey("obligation.id", ondelete="CASCADE"), primary_key=True),
    Column("evidence_id", ForeignKey("evidence.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)

# A party's requirement (isms.model.context.PartyRequirement, 4.2) that an obligation writes
# down will link here through a table of its own, ``requirement_obligation``
# (requirement_id -> party_requirement.id, obligation_id -> obligation.id), added by a later
# migration: neither model changes for it.


class Obligation(Versioned, Timestamped, Base):
    """One legal, regulatory or contractual obligation (A.5.31)."""

    __tablename__ = "obligation"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: "OB-001": how the register, the pack and the minutes name it.
    ref: Mapped[str] = mapped_column(String(20), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[ObligationKind] = mapped_column(str_enum(ObligationKind, "obligation_kind"))
    #: Who imposes it, or the document it is written in.
    source: Mapped[str] = mapped_column(String(300), default="")
    #: What it requires of the council's information security.
    requirement: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    #: None: council-wide.
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    review_date: Mapped[date | None]
    status: Mapped[ObligationStatus] = mapped_column(
        str_enum(ObligationStatus, "obligation_status"), default=ObligationStatus.CURRENT)

    owner: Mapped[Person | None] = relationship()
    department: Mapped[Department | None] = relationship()
    controls: Mapped[list[Control]] = relationship(secondary=obligation_control,
                                                   order_by="Control.sort_key")
    evidence: Mapped[list[Evidence]] = relationship(secondary=obligation_evidence,
                                                    order_by="Evidence.id")

    def audit_label(self) -> str:
        return f"obligation {self.ref}"
