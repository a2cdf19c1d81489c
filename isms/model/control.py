"""Annex A and local controls, the 2013 -> 2022 correspondence, and the SoA."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, Timestamped, Versioned, str_enum
from .enums import Applicability, ControlEdition, ImplementationStatus
from .org import Department, Person


class Control(Versioned, Timestamped, Base):
    """A control: Annex A 2022 (the SoA's rows), Annex A 2013 (for carry-over) or local."""

    __tablename__ = "control"
    __table_args__ = (UniqueConstraint("edition", "ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    edition: Mapped[ControlEdition] = mapped_column(str_enum(ControlEdition, "control_edition"))
    #: The clause number an auditor reads ("5.15", "A.9.2.1", or a local "LC-3").
    ref: Mapped[str] = mapped_column(String(20))
    #: Natural sort key ("5.15" -> "0005.0015") so SQL ORDER BY gives 8.3 before 8.12.
    sort_key: Mapped[str] = mapped_column(String(60), index=True)
    theme: Mapped[str] = mapped_column(String(40), default="")
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    #: When a local control was retired (None while in use; Annex A controls are never
    #: retired). A retired control stays in the register, out of the lists and the SoA.
    retired_at: Mapped[datetime | None]

    def audit_label(self) -> str:
        return (
            f"control {self.ref}"
            if self.edition != ControlEdition.ISO27001_2013
            else (f"control {self.ref} (2013)")
        )


class ControlCorrespondence(Base):
    """ISO/IEC 27002:2022 Annex B: which 2022 control a 2013 control became (many-to-many)."""

    __tablename__ = "control_correspondence"

    control_2013_id: Mapped[int] = mapped_column(
        ForeignKey("control.id", ondelete="CASCADE"), primary_key=True
    )
    control_2022_id: Mapped[int] = mapped_column(
        ForeignKey("control.id", ondelete="CASCADE"), primary_key=True
    )


class SoaEntry(Versioned, Timestamped, Base):
    """One department's decision on one control. The SoA is one of these per Annex A control."""

    __tablename__ = "soa_entry"
    __table_args__ = (UniqueConstraint("department_id", "control_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    control_id: Mapped[int] = mapped_column(ForeignKey("control.id"), index=True)
    applicability: Mapped[Applicability] = mapped_column(
        str_enum(Applicability, "applicability"), default=Applicability.APPLICABLE
    )
    #: InclusionReason values; "risk assessment" is set when a risk's treatment selects the control.
    reasons: Mapped[list[Any]] = mapped_column(default=list)
    inclusion_note: Mapped[str] = mapped_column(Text, default="")
    exclusion_justification: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    decided_on: Mapped[date | None]
    implementation_status: Mapped[ImplementationStatus] = mapped_column(
        str_enum(ImplementationStatus, "implementation_status"),
        default=ImplementationStatus.NOT_IMPLEMENTED,
    )
    implementation: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    target_date: Mapped[date | None]
    last_review: Mapped[date | None]
    next_review: Mapped[date | None]

    department: Mapped[Department] = relationship()
    control: Mapped[Control] = relationship()
    owner: Mapped[Person | None] = relationship(foreign_keys=[owner_id])
    decided_by: Mapped[Person | None] = relationship(foreign_keys=[decided_by_id])

    def audit_label(self) -> str:
        return f"SoA entry {self.control_id} of department {self.department_id}"


class SoaVersion(Base):
    """An approved, frozen SoA (``department_id`` None = council-wide); ``snapshot`` is its rows.

    ``acknowledged_warnings`` are the pre-flight warnings (:mod:`isms.services.soa.checks`)
    that stood when it was approved, which the approver acknowledged having read: each a dict
    of department, control, check and message ([] when the SoA had none; versions approved
    before migration 0015 did not record them).
    """

    __tablename__ = "soa_version"
    __table_args__ = (UniqueConstraint("department_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    number: Mapped[int]
    approved_by_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    approved_at: Mapped[datetime]
    note: Mapped[str] = mapped_column(Text, default="")
    snapshot: Mapped[list[Any]]
    acknowledged_warnings: Mapped[list[Any]] = mapped_column(default=list,
                                                              server_default="[]")

    approved_by: Mapped[Person] = relationship()

    def audit_label(self) -> str:
        return f"SoA version {self.number}"
