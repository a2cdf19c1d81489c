"""Recorded changes: the saves made in the window or by the CLI that can be taken back.

One row per save (an editor's save, a bulk asset action): who made it and when, what the Edit
menu calls it, whether it stands (done) or was taken back (undone), and its steps: for each
record, its kind, id and name, the values before and after, and the version the record is at in
the change's current state. The steps are JSON written by ``isms.services.edits.values``, which
brings dates, datetimes, enums and lists back exactly.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, str_enum, utcnow


class ChangeState(enum.StrEnum):
    DONE = "done"
    UNDONE = "undone"


class RecordedChange(Base):
    """A save that can be undone and redone, from the window or with ``isms revert``."""

    __tablename__ = "recorded_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(100))
    #: "Edit risk R-012", "Retire 3 assets".
    text: Mapped[str] = mapped_column(String(300))
    state: Mapped[ChangeState] = mapped_column(
        str_enum(ChangeState, "change_state"), default=ChangeState.DONE
    )
    steps: Mapped[list[Any]]

    def audit_label(self) -> str:
        return f"change {self.id} ({self.text})"
