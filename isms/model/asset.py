"""The asset register."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, String, Table, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, Timestamped, Versioned, str_enum
from .classification import ClassificationMarking
from .enums import AssetStatus, AssetType
from .org import Department, Person

#: CIA ratings are 1 (low) .. 5 (very high); a register's method may use fewer levels.
CIA_MIN, CIA_MAX = 1, 5

asset_dependency = Table(
    "asset_dependency",
    Base.metadata,
    Column("asset_id", ForeignKey("asset.id", ondelete="CASCADE"), primary_key=True),
    Column("depends_on_id", ForeignKey("asset.id", ondelete="CASCADE"), primary_key=True),
    CheckConstraint("asset_id <> depends_on_id", name="not_self"),
)


_LIVE = text("status != 'retired'")


def _cia_check(column: str) -> CheckConstraint:
    return CheckConstraint(
        f"{column} IS NULL OR ({column} >= {CIA_MIN} AND {column} <= {CIA_MAX})",
        name=f"{column}_range",
    )


class Asset(Versioned, Timestamped, Base):
    __tablename__ = "asset"
    __table_args__ = (
        _cia_check("confidentiality"),
        _cia_check("integrity"),
        _cia_check("availability"),
        CheckConstraint("NOT special_category OR personal_data", name="special_is_personal"),
        Index("ix_asset_department_status", "department_id", "status"),
        # Live assets in name / review order: the register's sorts and the dashboard's overdue
        # attestations read these alone (see queries.LIVE_ASSET, written the same way).
        *(
            Index(f"ix_asset_live_{column}", column, sqlite_where=_LIVE, postgresql_where=_LIVE)
            for column in ("name", "next_review")
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    asset_type: Mapped[AssetType] = mapped_column(str_enum(AssetType, "asset_type"))
    description: Mapped[str] = mapped_column(Text, default="")
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    custodian_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    location: Mapped[str] = mapped_column(String(200), default="")
    marking_id: Mapped[int | None] = mapped_column(
        ForeignKey("classification_marking.id"), index=True
    )
    confidentiality: Mapped[int | None]
    integrity: Mapped[int | None]
    availability: Mapped[int | None]
    personal_data: Mapped[bool] = mapped_column(default=False)
    special_category: Mapped[bool] = mapped_column(default=False)
    status: Mapped[AssetStatus] = mapped_column(
        str_enum(AssetStatus, "asset_status"), default=AssetStatus.ACTIVE
    )
    retired_at: Mapped[datetime | None]
    next_review: Mapped[date | None]
    #: The import batch that created or last updated this asset (provenance).
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id"), index=True)

    department: Mapped[Department] = relationship()
    owner: Mapped[Person | None] = relationship(foreign_keys=[owner_id])
    custodian: Mapped[Person | None] = relationship(foreign_keys=[custodian_id])
    marking: Mapped[ClassificationMarking | None] = relationship()
    depends_on: Mapped[list[Asset]] = relationship(
        secondary=asset_dependency,
        primaryjoin=lambda: Asset.id == asset_dependency.c.asset_id,
        secondaryjoin=lambda: Asset.id == asset_dependency.c.depends_on_id,
        backref="dependants",
    )

    @property
    def highest_cia(self) -> int | None:
        ratings = [r for r in (self.confidentiality, self.integrity, self.availability) if r]
        return max(ratings) if ratings else None

    def audit_label(self) -> str:
        return f"asset {self.ref}"
