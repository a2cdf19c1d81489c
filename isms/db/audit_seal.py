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
from collections.abc import Iterable, Iterator, Sequence
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
#: Seals stored per row of record_seal.
_CHUNK = 5000


def aggregate(lines: Iterable[tuple[str, str, str | None]]) -> str:
    """SHA-256 over one bulk write's seals as "table<TAB>record<TAB>digest" lines, in the
    order they are stored (the seals' ids), streamed: 100,000 seals are never one text."""
    digest = hashlib.sha256()
    for table, record, row in lines:
        digest.update(seal_line(table, record, row))
    return digest.hexdigest()


def seal_line(table: str, record_id: str, digest: str | None) -> bytes:
    return f"{table}\t{record_id}\t{digest or '-'}\n".encode()


class Seals:
    """The seals one bulk write collects before its event is recorded: per table, the record
    ids and their digests side by side (an import's new ids are a range: nothing per row but
    the digest is held)."""

    def __init__(self) -> None:
        self.groups: list[tuple[str, Sequence[Any], Sequence[str | None]]] = []

    def __len__(self) -> int:
        return sum(len(ids) for _, ids, _ in self.groups)

    def lines(self) -> Iterator[tuple[str, str, str | None]]:
        for name, ids, digests in self.groups:
            for record_id, digest in zip(ids, digests, strict=True):
                yield name, str(record_id), digest

    def rows(self, connection: Connection, table: Table, ids: Iterable[Any]) -> None:
        """Seal the rows with these (single-column) keys as they now stand in the database."""
        if table.name in UNSEALED:
            return
        found = row_form(table).read(connection, ((i,) for i in ids))
        self.groups.append((table.name, list(found), list(found.values())))

    def tables(self, connection: Connection, tables: Iterable[Table]) -> None:
        """Seal every row of these tables (a register just created or just filled by the demo)."""
        for table in tables:
            if table.name in UNSEALED:
                continue
            ids: list[str] = []
            digests: list[str | None] = []
            for record_id, digest, _ in row_form(table).scan(connection):
                ids.append(record_id)
                digests.append(digest)
            self.groups.append((table.name, ids, digests))

    def digests(self, table: Table, ids: Sequence[Any], digests: Sequence[str]) -> None:
        """Seal rows whose digests were computed from the values written (RowForm.digests)."""
        self.groups.append((table.name, ids, digests))

    def removed(self, table: Table, ids: Iterable[Any]) -> None:
        gone = list(ids)
        self.groups.append((table.name, gone, [None] * len(gone)))


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
    store the seals under the event's id, in the order the aggregate took them. Runs in the
    write's transaction, which holds the log's append lock: the last entry is the event."""
    record_event(connection, actor=actor, table_name=table_name, label=label,
                 record_id=record_id,
                 details={**details, SEAL_KEY: {"records": len(seals),
                                                "digest": aggregate(seals.lines())}})
    entry_id = connection.execute(select(func.max(_LOG.c.id))).scalar_one()
    rows = [(entry_id, name, _ids_stored(ids[at : at + _CHUNK]),
             "".join(d or REMOVED for d in digests[at : at + _CHUNK]))
            for name, ids, digests in seals.groups
            for at in range(0, len(ids), _CHUNK)]
    insert_rows(connection, SEALS, ("entry_id", "table_name", "record_ids", "digests"), rows)


#: How a record the bulk write removed stands in a seal row's digests.
REMOVED = "-" * 64


def _ids_stored(ids: Sequence[Any]) -> dict[str, int] | list[str]:
    """A run of integer ids as {"from", "count"} (an import's new ids: a few bytes for 5,000
    records), anything else as the list of record ids."""
    if isinstance(ids, range) and ids.step == 1:
        return {"from": ids.start, "count": len(ids)}
    return [str(i) for i in ids]


def stored_lines(table: str, record_ids: Any, digests: str) -> Iterator[tuple[str, str,
                                                                            str | None]]:
    """The (table, record id, digest or None) seals one stored row holds, in order."""
    if isinstance(record_ids, dict):
        first, count = int(record_ids["from"]), int(record_ids["count"])
        names: Iterable[str] = (str(i) for i in range(first, first + count))
    else:
        names = (str(i) for i in record_ids)
    for n, record in enumerate(names):
        digest = digests[n * 64 : n * 64 + 64]
        yield table, record, (None if digest == REMOVED else digest)


def sealable_tables() -> list[Table]:
    """The tables whose rows replay checks: those of the model's classes (the change log
    records their rows), not the link tables (recorded as links on their owners), not
    :data:`UNSEALED`."""
    from ..model.base import Base

    mapped = {cast(Table, m.local_table).name for m in Base.registry.mappers}
    return [t for t in Base.metadata.sorted_tables
            if t.name in mapped and t.name not in UNSEALED]
