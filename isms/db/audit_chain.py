"""Verifying the change log's hash chain: has any entry been changed, removed or reordered?

Each entry's ``entry_hash`` is :func:`~isms.db.changelog.entry_digest` of its own content and its
``prev_hash``, and its ``prev_hash`` is the ``entry_hash`` of the entry before it. So an entry
whose content was edited no longer matches its own hash, and an entry removed (or moved) leaves
the next one pointing at a hash that is not its predecessor's.

The log can hold millions of entries: it is read in id order a chunk at a time (keyset pages,
so no cursor stays open and nothing accumulates in memory).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from ..model.audit import ChangeLogEntry
from .changelog import entry_digest

_TABLE = ChangeLogEntry.__table__
CHUNK = 5000


@dataclass(frozen=True)
class ChainReport:
    """What verifying the change log found.

    ``head_hash`` is the entry_hash of the last entry that verified: for an intact log, the
    head of the chain; for a broken one, the point up to which the log can be trusted.
    """

    entries: int
    head_hash: str | None
    broken_at: int | None = None
    reason: str | None = None

    @property
    def intact(self) -> bool:
        return self.broken_at is None

    @property
    def problem(self) -> str | None:
        """"entry 1234: its hash does not match ..." or None for an intact log."""
        return None if self.broken_at is None else f"entry {self.broken_at}: {self.reason}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "intact": self.intact,
            "entries": self.entries,
            "head_hash": self.head_hash,
            "broken_at": self.broken_at,
            "problem": self.problem,
        }


def _chunks(
    executor: Connection | Session, last_id: int | None, chunk: int
) -> Any:
    after = 0
    while True:
        query = select(_TABLE).where(_TABLE.c.id > after).order_by(_TABLE.c.id).limit(chunk)
        if last_id is not None:
            query = query.where(_TABLE.c.id <= last_id)
        rows = executor.execute(query).mappings().all()
        if not rows:
            return
        yield rows
        after = rows[-1]["id"]


def _fault(row: Any, prev_id: int | None, prev_hash: str | None) -> str | None:
    """What is wrong with ``row`` given the entry before it (None: nothing)."""
    # The entry's own prev_hash goes into the digest, so an edited entry is told apart from a
    # correct entry whose predecessor is missing.
    if entry_digest(row["prev_hash"], row) != row["entry_hash"]:
        return "its hash does not match its content (changed after it was written)"
    if row["prev_hash"] != prev_hash:
        if prev_id is None:
            return (
                "it is the first entry but its prev_hash is set "
                "(entries before it were removed)"
            )
        return (
            f"prev_hash does not match entry {prev_id}'s hash "
            "(an entry was removed or reordered)"
        )
    return None


def verify_chain(
    executor: Connection | Session, *, last_id: int | None = None, chunk: int = CHUNK
) -> ChainReport:
    """Check the hash chain from the first entry (up to ``last_id`` if given); stops at the
    first broken entry."""
    count = 0
    prev_id: int | None = None
    prev_hash: str | None = None
    for rows in _chunks(executor, last_id, chunk):
        for row in rows:
            count += 1
            reason = _fault(row, prev_id, prev_hash)
            if reason is not None:
                return ChainReport(count, prev_hash, broken_at=int(row["id"]), reason=reason)
            prev_id, prev_hash = int(row["id"]), row["entry_hash"]
    return ChainReport(count, prev_hash)
