"""How each information asset is handled through its life, and the rules it is checked against."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .asset import Asset
from .base import Base, Timestamped, Versioned, str_enum
from .classification import ClassificationMarking
from .enums import HandlingChannel, HandlingStage


class HandlingPractice(Versioned, Timestamped, Base):
    """One stage or channel of an asset's life: "transferred by removable media, encrypted"."""

    __tablename__ = "handling_practice"
    __table_args__ = (
        CheckConstraint(
            "retention_months IS NULL OR retention_months >= 0", name="retention_not_negative"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("asset.id", ondelete="CASCADE"), index=True)
    stage: Mapped[HandlingStage] = mapped_column(str_enum(HandlingStage, "handling_stage"))
    channel: Mapped[HandlingChannel | None] = mapped_column(
        str_enum(HandlingChannel, "handling_channel")
    )
    #: Safeguards in place, as short codes ("encrypted", "agreement", "marked"...); see method.
    safeguards: Mapped[list[str]] = mapped_column(default=list)
    description: Mapped[str] = mapped_column(Text, default="")
    third_party: Mapped[str] = mapped_column(String(200), default="")
    has_agreement: Mapped[bool | None]
    retention_months: Mapped[int | None]
    offshore: Mapped[bool] = mapped_column(default=False)
    #: When it was retired (the asset is no longer handled so); None while in use. A retired
    #: practice stays in the register, out of the lists and the checks.
    retired_at: Mapped[datetime | None]

    asset: Mapped[Asset] = relationship(backref="handling_practices")

    def audit_label(self) -> str:
        where = f" by {self.channel}" if self.channel else ""
        return f"handling practice {self.stage}{where} of asset {self.asset_id}"


class HandlingRule(Versioned, Timestamped, Base):
    """marking x stage/channel -> required safeguards. Conditions narrow it (e.g. personal data)."""

    __tablename__ = "handling_rule"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    #: The rule applies to this marking and every more sensitive one of the same scheme; None = any.
    min_marking_id: Mapped[int | None] = mapped_column(ForeignKey("classification_marking.id"))
    stage: Mapped[HandlingStage | None] = mapped_column(str_enum(HandlingStage, "handling_stage"))
    channel: Mapped[HandlingChannel | None] = mapped_column(
        str_enum(HandlingChannel, "handling_channel")
    )
    applies_to_personal_data: Mapped[bool] = mapped_column(default=False)
    applies_to_special_category: Mapped[bool] = mapped_column(default=False)
    required_safeguards: Mapped[list[str]] = mapped_column(default=list)
    #: A practice matching the rule is not allowed at all, whatever its safeguards.
    prohibited: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)

    min_marking: Mapped[ClassificationMarking | None] = relationship()

    def audit_label(self) -> str:
        return f"handling rule {self.code}"
