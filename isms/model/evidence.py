"""Evidence of control operation: a file in the register's evidence store, or a link."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, Timestamped, Versioned, str_enum
from .control import Control
from .enums import EvidenceKind
from .org import Department, Person

evidence_control = Table(
    "evidence_control",
    Base.metadata,
    Column("evidence_id", ForeignKey("evidence.id", ondelete="CASCADE"), primary_key=True),
    Column("control_id", ForeignKey("control.id"), primary_key=True, index=True),
)

evidence_risk = Table(
    "evidence_risk",
    Base.metadata,
    Column("evidence_id", ForeignKey("evidence.id", ondelete="CASCADE"), primary_key=True),
    Column("risk_id", ForeignKey("risk.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Evidence(Versioned, Timestamped, Base):
    __tablename__ = "evidence"
    __table_args__ = (
        CheckConstraint(
            "(kind = 'file' AND sha256 IS NOT NULL AND stored_name IS NOT NULL)"
            " OR (kind = 'link' AND url IS NOT NULL)",
            name="file_or_link",
        ),
        CheckConstraint(
            "period_start IS NULL OR period_end IS NULL OR period_start <= period_end",
            name="period_order",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[EvidenceKind] = mapped_column(str_enum(EvidenceKind, "evidence_kind"))
    #: The name the user gave the file; ``stored_name`` is its content-addressed name in the store.
    file_name: Mapped[str | None] = mapped_column(String(255))
    stored_name: Mapped[str | None] = mapped_column(String(100))
    sha256: Mapped[str | None] = mapped_column(String(64))
    size_bytes: Mapped[int | None]
    url: Mapped[str | None] = mapped_column(Text)
    evidence_date: Mapped[date]
    period_start: Mapped[date | None]
    period_end: Mapped[date | None]
    #: How long the evidence stays current; past evidence_date + this it is stale.
    valid_days: Mapped[int | None]
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    provided_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))

    department: Mapped[Department | None] = relationship()
    provided_by: Mapped[Person | None] = relationship()
    controls: Mapped[list[Control]] = relationship(secondary=evidence_control)

    def audit_label(self) -> str:
        return f"evidence {self.ref}"
