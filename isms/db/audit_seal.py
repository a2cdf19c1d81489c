"""Seals: what a bulk write (setup, demo, import, import undo) leaves for ``isms audit verify``.

Bulk paths write rows through Core and record ONE change-log event, so the log holds no values
for those rows. Each such write seals them instead: the digest of every row as written
(:mod:`isms.db.row_form`, the same form replay reads back), stored in ``record_seal`` and
tied to the event by an aggregate digest in the event's details (``_seal``), so the seals
cannot be changed without the hash chain showing it. A later ORM save of a sealed row records
its new digest in its own entry (``_row``); a later bulk write adds a newer seal.

Usage, inside the bulk write's transaction::

    seals = Seals()
    seals.rows(connection, Asset.__table__, ids)     # read back what was written, or
    seals.digests(table, ids, digests)               # digests computed from the values written
    seals.removed(table, ids)                        # rows the write deleted
    sealed_event(connection, seals, actor=..., table_name=..., label=..., details=...)
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import Any, cast

from sqlalchemy import Connection, Table, func, select

from ..model.audit import ChangeLogEntry, RecordSeal
from .bulk import insert_rows
from .changelog import record_event
from .row_form import UNSEALED, row_form

SEALS = cast(Table, RecordSeal.__table__)
_LOG = cast(Table, ChangeLogEntry.__table__)
#: The reserved key of an event's details holding its seals' count and aggregate digest.
SEAL_KEY = "_seal"


def aggregate(lines: Iterable[tuple[str, str, str | None]]) -> str:
    """SHA-256 over the sorted "table<TAB>record<TAB>digest" lines of one bulk write's seals."""
    text = "".join(sorted(f"{t}\t{r}\t{d or '-'}\n" for t, r, d in lines))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Seals:
    """The seals one bulk write collects before its event is recorded."""

    def __init__(self) -> None:
        self.lines: dict[tuple[str, str], str | None] = {}

    def rows(self, connection: Connection, table: Table, ids: Iterable[Any]) -> None:
        """Seal the rows with these (single-column) keys as they now stand in the database."""
        if table.name in UNSEALED:
            return
        found = row_form(table).read(connection, ((i,) for i in ids))
        for record_id, digest in found.items():
            self.lines[(table.name, record_id)] = digest

    def tables(self, connection: Connection, tables: Iterable[Table]) -> None:
        """Seal every row of these tables (a register just created or just filled by the demo)."""
        for table in tables:
            if table.name in UNSEALED:
                continue
            for record_id, digest, _ in row_form(table).scan(connection):
                self.lines[(table.name, record_id)] = digest

    def digests(self, table: Table, ids: Sequence[Any], digests: Sequence[str]) -> None:
        """Seal rows whose digests were computed from the values written (RowForm.digests)."""
        name = table.name
        for record_id, digest in zip(ids, digests, strict=True):
            self.lines[(name, str(record_id))] = digest

    def removed(self, table: Table, ids: Iterable[Any]) -> None:
        for record_id in ids:
            self.lines[(table.name, str(record_id))] = None


def sealed_event(
    connection: Connection,
    seals: Seals,
    *,
    actor: str,
    table_name: str,
    label: str,
    details: dict[str, Any],
    record_id: str | None = None,
) -> None:
    """Record the bulk write's event (as ``record_event``) with its seals' aggregate, then
    store the seals under the event's id. Runs in the write's transaction, which holds the
    write lock: the last entry after the event is the event."""
    lines = [(t, r, d) for (t, r), d in seals.lines.items()]
    record_event(connection, actor=actor, table_name=table_name, label=label,
                 record_id=record_id,
                 details={**details, SEAL_KEY: {"records": len(lines),
                                                "digest": aggregate(lines)}})
    entry_id = connection.execute(select(func.max(_LOG.c.id))).scalar_one()
    insert_rows(connection, SEALS, ("entry_id", "table_name", "record_id", "digest"),
                [(entry_id, t, r, d) for t, r, d in lines])


def sealable_tables() -> list[Table]:
    """The tables whose rows replay checks: those of the model's classes (the change log
    records their rows), not the link tables (recorded as links on their owners), not
    :data:`UNSEALED`."""
    from ..model.base import Base

    mapped = {cast(Table, m.local_table).name for m in Base.registry.mappers}
    return [t for t in Base.metadata.sorted_tables
            if t.name in mapped and t.name not in UNSEALED]
