"""Provenance of department imports, and the column mappings remembered per department."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, Timestamped, Versioned


class ImportBatch(Base):
    """One applied import: the file, how it was read, who applied it, and what it did."""

    __tablename__ = "import_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # assets, handling, risks, soa
    file_name: Mapped[str] = mapped_column(String(255))
    file_sha256: Mapped[str] = mapped_column(String(64))
    sheet: Mapped[str | None] = mapped_column(String(100))
    mapping: Mapped[dict[str, Any]]
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    actor: Mapped[str] = mapped_column(String(100))
    applied_at: Mapped[datetime]
    counts: Mapped[dict[str, Any]]
    #: Values of updated records before the import, so the batch can be undone.
    undo: Mapped[dict[str, Any]]
    undone_at: Mapped[datetime | None]

    def audit_label(self) -> str:
        return f"import batch {self.id} ({self.file_name})"


class MappingProfile(Versioned, Timestamped, Base):
    """A named column mapping, reused when the same header layout comes back."""

    __tablename__ = "mapping_profile"
    __table_args__ = (UniqueConstraint("kind", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(100))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    #: Normalised header names in order; a file with the same signature reuses this profile.
    header_signature: Mapped[str] = mapped_column(String(64), index=True)
    mapping: Mapped[dict[str, Any]]

    def audit_label(self) -> str:
        return f"mapping profile {self.name}"
