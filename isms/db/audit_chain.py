"""Verifying the change log's hash chain: has any entry been changed, removed or reordered?

Each entry's ``entry_hash`` is :func:`~isms.db.changelog.entry_digest` of its own content and its
``prev_hash``, and its ``prev_hash`` is the ``entry_hash`` of the entry before it. So an entry
whose content was edited no longer matches its own hash, and an entry removed (or moved) leaves
the next one pointing at a hash that is not its predecessor's.

The log can hold millions of entries: it is read in id order a chunk at a time (keyset pages,
so no cursor stays open and nothing accumulates in memory).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, select
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


# --- the head a document records, and checking a register against it ------------------------


@dataclass(frozen=True)
class LogHead:
    """Where the change log ended when a document was made: how many entries, the id of the
    last one and its hash. Every exported document records it, so an outsider holding the
    document can later prove the register still contains that log, unchanged."""

    count: int
    head_hash: str | None
    last_id: int

    def text(self) -> str:
        """The one written form (document-control blocks, PDF keywords); :meth:`parse` reads it."""
        if self.count == 0 or self.head_hash is None:
            return "0 entries (the change log was empty)"
        return f"{self.count} entries up to entry {self.last_id}, head hash {self.head_hash}"

    @classmethod
    def parse(cls, text: str) -> LogHead | None:
        """The head written by :meth:`text` somewhere in ``text``; None if there is none."""
        found = _HEAD_TEXT.search(text)
        if found:
            return cls(int(found["count"]), found["hash"], int(found["last"]))
        if _EMPTY_TEXT.search(text):
            return cls(0, None, 0)
        return None

    def as_dict(self) -> dict[str, Any]:
        return {"entries": self.count, "last_id": self.last_id, "head_hash": self.head_hash}

    @classmethod
    def from_dict(cls, data: Any) -> LogHead | None:
        """The head from :meth:`as_dict`'s form (a pack manifest); None if ``data`` is not one."""
        if not isinstance(data, dict):
            return None
        count, last, head = data.get("entries"), data.get("last_id"), data.get("head_hash")
        if not isinstance(count, int) or not isinstance(last, int) or count < 0:
            return None
        if head is not None and not (isinstance(head, str) and _HASH.fullmatch(head)):
            return None
        return cls(count, head, last)


_HASH = re.compile(r"[0-9a-f]{64}")
_HEAD_TEXT = re.compile(
    r"(?P<count>\d+) entries up to entry (?P<last>\d+), head hash (?P<hash>[0-9a-f]{64})")
_EMPTY_TEXT = re.compile(r"\b0 entries \(the change log was empty\)")


def log_head(executor: Connection | Session) -> LogHead:
    """The change log's head now: the last entry's id and hash and a COUNT (no verification,
    so a document can state it cheaply, whatever the log's size)."""
    last = executor.execute(
        select(_TABLE.c.id, _TABLE.c.entry_hash).order_by(_TABLE.c.id.desc()).limit(1)
    ).first()
    if last is None:
        return LogHead(0, None, 0)
    count = executor.execute(select(func.count()).select_from(_TABLE)).scalar_one()
    return LogHead(int(count), last.entry_hash, int(last.id))


@dataclass(frozen=True)
class AgainstReport:
    """What checking the register against a head recorded in a document found."""

    recorded: LogHead
    current: LogHead
    #: Each failure in words, naming what happened (empty: the register holds that head).
    problems: tuple[str, ...]

    @property
    def holds(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {"holds": self.holds, "recorded": self.recorded.as_dict(),
                "current": self.current.as_dict(), "problems": list(self.problems)}


def verify_against(executor: Connection | Session, recorded: LogHead,
                   chain: ChainReport) -> AgainstReport:
    """Does the register still contain the log a document saw (``recorded``)?

    The entry at the recorded position must exist with the recorded hash, exactly
    ``recorded.count`` entries must lead up to it, and ``chain`` (the whole log verified) must
    be intact. Rewriting the log and recomputing every hash keeps the chain intact but cannot
    give the recorded entry its old hash back, so it is named here.
    """
    current = log_head(executor)
    problems: list[str] = []
    saw = f"the document saw {recorded.count} entries up to entry {recorded.last_id}"
    if recorded.count == 0:
        pass  # an empty head is contained in every log
    elif current.count == 0:
        problems.append(f"log removed: the register's change log is empty; {saw}")
    else:
        row = executor.execute(
            select(_TABLE.c.entry_hash).where(_TABLE.c.id == recorded.last_id)
        ).first()
        before = executor.execute(
            select(func.count()).select_from(_TABLE).where(_TABLE.c.id <= recorded.last_id)
        ).scalar_one()
        if row is None and current.last_id < recorded.last_id:
            problems.append(
                f"log shortened: the register's log ends at entry {current.last_id} "
                f"({current.count} entries); {saw}")
        elif row is None:
            problems.append(f"entry {recorded.last_id}, the head the document recorded, was "
                            f"removed from the log; {saw}")
        elif row.entry_hash != recorded.head_hash:
            problems.append(
                f"entry {recorded.last_id} has another hash than the document recorded "
                f"({row.entry_hash} instead of {recorded.head_hash}): the log was rewritten"
                + (" and its hash chain recomputed" if chain.intact else ""))
        if row is not None and before != recorded.count:
            problems.append(
                f"{before} entries now lead up to entry {recorded.last_id}; {saw}: entries "
                + ("were removed" if before < recorded.count else "were inserted")
                + " before it")
    if not chain.intact:
        problems.append(f"the hash chain is broken at {chain.problem}")
    return AgainstReport(recorded, current, tuple(problems))
