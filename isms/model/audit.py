"""The change log: who changed which record when, each field before and after.

Rows are written by one session hook (``isms.db.changelog``), never by screens or services.
Each entry carries the SHA-256 of the one before it, so an edit made behind the app's back shows.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, str_enum
from .enums import ChangeAction


class ChangeLogEntry(Base):
    __tablename__ = "change_log"
    __table_args__ = (Index("ix_change_log_record", "table_name", "record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[ChangeAction] = mapped_column(str_enum(ChangeAction, "change_action"))
    table_name: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[str | None] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(300))
    #: {field: [before, after]} for updates; {field: value} for inserts and deletes.
    changes: Mapped[dict[str, Any]]
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    entry_hash: Mapped[str | None] = mapped_column(String(64))


class RecordSeal(Base):
    """The digest of a row as a bulk path (setup, demo, import, import undo) wrote it, which the
    change log holds no values for: ``isms audit verify`` compares the row with it.

    Rows are only ever added (a later bulk write adds a newer seal): the seals of one bulk write
    hash to the aggregate its change-log event records, so changing them shows in the chain.
    ``digest`` None: the bulk write removed the row.
    """

    __tablename__ = "record_seal"
    __table_args__ = (Index("ix_record_seal_record", "table_name", "record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The change-log event that records this seal's bulk write.
    entry_id: Mapped[int] = mapped_column(index=True)
    table_name: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[str] = mapped_column(String(40))
    digest: Mapped[str | None] = mapped_column(String(64))
