"""The change log: who changed which record when, each field before and after.

Rows are written by one session hook (``isms.db.changelog``), never by screens or services.
Each entry carries the SHA-256 of the one before it, so an edit made behind the app's back shows.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String, Text
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
    """Digests of rows as a bulk path (setup, demo, import, import undo) wrote them, which the
    change log holds no values for: ``isms audit verify`` compares the rows with them.

    One row holds the seals of up to a few thousand records of one table (storing 100,000 of
    them one row each would cost an import more than digesting them). Rows are only ever
    added (a later bulk write adds newer seals); the seals of one bulk write hash to the
    aggregate its change-log event records, so changing them shows in the chain.
    """

    __tablename__ = "record_seal"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The change-log event that records this bulk write.
    entry_id: Mapped[int] = mapped_column(index=True)
    table_name: Mapped[str] = mapped_column(String(40))
    #: The records: {"from": first id, "count": n} for a run of integer ids, else a list of
    #: record ids (as the change log names them).
    record_ids: Mapped[dict[str, Any] | list[Any]] = mapped_column(JSON)
    #: Their digests, 64 hex characters each, in ``record_ids`` order; 64 "-" for a record the
    #: bulk write removed.
    digests: Mapped[str] = mapped_column(Text)
