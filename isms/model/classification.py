"""Protective-marking schemes (GSC, the 2008 GPMS, local labels) as data."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, Timestamped, Versioned


class ClassificationScheme(Versioned, Timestamped, Base):
    __tablename__ = "classification_scheme"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    #: The scheme new assets are marked against; exactly one is current in a register.
    is_current: Mapped[bool] = mapped_column(default=False)

    markings: Mapped[list[ClassificationMarking]] = relationship(
        back_populates="scheme",
        order_by="ClassificationMarking.rank",
        cascade="all, delete-orphan",
    )

    def audit_label(self) -> str:
        return f"classification scheme {self.name}"


class ClassificationMarking(Versioned, Timestamped, Base):
    """One label of a scheme; ``rank`` orders them from least to most sensitive."""

    __tablename__ = "classification_marking"
    __table_args__ = (
        UniqueConstraint("scheme_id", "label"),
        UniqueConstraint("scheme_id", "rank"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scheme_id: Mapped[int] = mapped_column(
        ForeignKey("classification_scheme.id", ondelete="CASCADE")
    )
    label: Mapped[str] = mapped_column(String(60))
    rank: Mapped[int]
    description: Mapped[str] = mapped_column(Text, default="")

    scheme: Mapped[ClassificationScheme] = relationship(back_populates="markings")

    def audit_label(self) -> str:
        return f"marking {self.label}"
