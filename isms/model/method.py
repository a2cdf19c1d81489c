"""The risk method as versioned data: scales, matrix, levels, appetite, cadence.

Each change to the criteria makes a new version; every assessment records the version it was
scored with so repeated assessments stay comparable (ISO/IEC 27001 6.1.2 c).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow


class RiskCriteria(Base):
    """One immutable version of the risk criteria. ``definition`` is the whole method as JSON."""

    __tablename__ = "risk_criteria"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_number: Mapped[int] = mapped_column(unique=True)
    definition: Mapped[dict[str, Any]]
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100), default="")

    def audit_label(self) -> str:
        return f"risk criteria v{self.version_number}"


class RegisterSetting(Base):
    """Register-wide facts (name, creator, current criteria version...) as key -> JSON value."""

    __tablename__ = "register_setting"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[dict[str, Any]]

    def audit_label(self) -> str:
        return f"setting {self.key}"
