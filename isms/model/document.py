"""The document register (ISO/IEC 27001 5.1, 7.5): the council's policies, procedures,
standards, guidance and plans, each with its version, owner, approval and next review.

Not to be confused with the documents isms *exports* (:mod:`isms.services.documents`): these
are the council's own controlled documents, kept elsewhere (a link) or as a file in the
register's evidence store (content-addressed, as evidence files are).

Approval is an approver's act: ``approved_by_id`` and ``approved_on`` are set by the approving
user alone (the PostgreSQL grants keep those two columns to approvers), and a CHECK keeps an
approved document from lacking either.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, Timestamped, Versioned, str_enum
from .control import Control
from .org import Department, Person


class DocumentKind(StrEnum):
    POLICY = "policy"
    PROCEDURE = "procedure"
    STANDARD = "standard"
    GUIDANCE = "guidance"
    PLAN = "plan"


class DocumentStatus(StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"
    WITHDRAWN = "withdrawn"


#: The Annex A controls a document supports (5.1 for the information security policy).
document_control = Table(
    "document_control",
    Base.metadata,
    Column("document_id", ForeignKey("controlled_document.id", ondelete="CASCADE"),
           primary_key=True),
    Column("control_id", ForeignKey("control.id"), primary_key=True, index=True),
)


class ControlledDocument(Versioned, Timestamped, Base):
    __tablename__ = "controlled_document"
    __table_args__ = (
        CheckConstraint(
            "status <> 'approved' OR (approved_by_id IS NOT NULL AND approved_on IS NOT NULL)",
            name="approval_recorded",
        ),
        CheckConstraint("review_months > 0", name="review_interval"),
        CheckConstraint("stored_name IS NULL OR sha256 IS NOT NULL", name="file_hashed"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The council's own reference, e.g. POL-001.
    ref: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[DocumentKind] = mapped_column(str_enum(DocumentKind, "document_kind"))
    #: The document's own version as its cover shows it ("2.1"); ``version`` is the row's lock.
    version_label: Mapped[str] = mapped_column(String(20), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[DocumentStatus] = mapped_column(
        str_enum(DocumentStatus, "document_status"), default=DocumentStatus.DRAFT)
    #: Blank: council-wide.
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    #: Who approved the current version, and when (set by that approver's own act).
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    approved_on: Mapped[date | None]
    #: Months from approval to the next review; ``next_review`` is worked out from it unless set.
    review_months: Mapped[int] = mapped_column(default=12)
    next_review: Mapped[date | None]
    url: Mapped[str | None] = mapped_column(Text)
    #: A file in the evidence store: the name the user gave it, its content-addressed name.
    file_name: Mapped[str | None] = mapped_column(String(255))
    stored_name: Mapped[str | None] = mapped_column(String(100))
    sha256: Mapped[str | None] = mapped_column(String(64))
    size_bytes: Mapped[int | None]

    department: Mapped[Department | None] = relationship()
    owner: Mapped[Person | None] = relationship(foreign_keys=[owner_id])
    approved_by: Mapped[Person | None] = relationship(foreign_keys=[approved_by_id])
    controls: Mapped[list[Control]] = relationship(secondary=document_control)

    def audit_label(self) -> str:
        return f"document {self.ref}"
