"""Threat and vulnerability catalogues; shipped entries plus the register's own."""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, Timestamped, Versioned


class Threat(Versioned, Timestamped, Base):
    __tablename__ = "threat"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(100), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    #: Which of C, I, A the threat affects, e.g. "CI".
    affects: Mapped[str] = mapped_column(String(3), default="")
    local: Mapped[bool] = mapped_column(default=False)

    def audit_label(self) -> str:
        return f"threat {self.code}"


class Vulnerability(Versioned, Timestamped, Base):
    __tablename__ = "vulnerability"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(100), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    local: Mapped[bool] = mapped_column(default=False)

    def audit_label(self) -> str:
        return f"vulnerability {self.code}"
