"""The change log, written for every change by one hook on the register's session class.

Services and screens never write change-log rows themselves: whatever goes through a
:class:`~isms.db.session.RegisterSession` flush is recorded here, field by field, with the actor.
Bulk Core inserts (demo data, imports) bypass the unit of work and record one ``event`` entry
through :func:`record_event` instead.
"""

from __future__ import annotations

import enum
import hashlib
import json
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, insert, inspect, select
from sqlalchemy.orm import Session, UOWTransaction
from sqlalchemy.orm.attributes import History
from sqlalchemy.orm.base import NO_VALUE
from sqlalchemy.orm.state import InstanceState

from ..model.audit import ChangeLogEntry
from ..model.base import Base, utcnow
from ..model.enums import ChangeAction
from .locks import lock_change_log
from .row_form import add_row_digests

#: Bookkeeping columns whose changes say nothing to an auditor.
_IGNORED = frozenset({"version", "created_at", "updated_at"})
_TABLE = ChangeLogEntry.__table__


def plain(value: Any) -> Any:
    """A JSON-ready form of a column value (dates as ISO text, enums as their value)."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        # One spelling per instant, whatever zone the driver hands back (PostgreSQL: session zone).
        return (value.astimezone(UTC) if value.tzinfo else value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return hashlib.sha256(value).hexdigest()
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    return value


def entry_digest(prev_hash: str | None, entry: Mapping[str, Any]) -> str:
    """SHA-256 over a canonical serialisation of an entry and the hash of the one before it.

    This is the chain's contract: changing it needs a migration that re-hashes the log.
    """
    payload = {
        "prev": prev_hash,
        "at": plain(entry["at"]),
        "actor": entry["actor"],
        "action": plain(entry["action"]),
        "table": entry["table_name"],
        "record": entry["record_id"],
        "label": entry["label"],
        "changes": entry["changes"],
    }
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _record_id(state: InstanceState[Any]) -> str | None:
    if state.identity is None:
        return None
    return "/".join(str(part) for part in state.identity)


def label_of(obj: Any) -> str:
    """How a record is named to people: "risk R-0001", "asset ENV-0042"."""
    try:
        return str(obj.audit_label())[:300]
    except Exception:  # noqa: BLE001 - a label must never break a save
        return str(obj.__class__.__name__)


def _related_key(obj: Any) -> Any:
    return getattr(obj, "ref", None) or getattr(obj, "id", None)


def _column_values(state: InstanceState[Any]) -> dict[str, Any]:
    mapper = state.mapper
    # A column the save left unset is NULL in the row (not SQLAlchemy's NO_VALUE marker).
    return {
        attr.key: plain(None if (v := state.attrs[attr.key].loaded_value) is NO_VALUE else v)
        for attr in mapper.column_attrs
        if attr.key not in _IGNORED
    }


def _updates(state: InstanceState[Any]) -> dict[str, Any]:
    """{field: [before, after]} for changed columns, {relation: {added, removed}} for links."""
    changes: dict[str, Any] = {}
    mapper = state.mapper
    for attr in mapper.column_attrs:
        if attr.key in _IGNORED:
            continue
        hist: History = state.attrs[attr.key].history
        if hist.has_changes():
            before = hist.deleted[0] if hist.deleted else None
            after = hist.added[0] if hist.added else None
            if plain(before) != plain(after):
                changes[attr.key] = [plain(before), plain(after)]
    for rel in mapper.relationships:
        # Many-to-many links live only in the association table: record them on the owner.
        if rel.secondary is None or not rel.uselist:
            continue
        hist = state.attrs[rel.key].history
        if hist.added or hist.deleted:
            changes[rel.key] = {
                "added": [_related_key(o) for o in hist.added],
                "removed": [_related_key(o) for o in hist.deleted],
            }
    return changes


def _entries(session: Session, flush: UOWTransaction) -> Iterable[dict[str, Any]]:
    now = utcnow()
    actor = str(session.info.get("actor", "unknown"))

    def entry(action: ChangeAction, obj: Any, changes: dict[str, Any]) -> dict[str, Any]:
        state = inspect(obj)
        return {
            "at": now,
            "actor": actor,
            "action": action,
            "table_name": state.mapper.local_table.name,
            "record_id": _record_id(state),
            "label": label_of(obj),
            "changes": changes,
        }

    for obj in session.new:
        if isinstance(obj, Base) and not isinstance(obj, ChangeLogEntry):
            yield entry(ChangeAction.INSERT, obj, _column_values(inspect(obj)))
    for obj in session.dirty:
        if isinstance(obj, Base) and not isinstance(obj, ChangeLogEntry):
            changes = _updates(inspect(obj))
            if changes:
                yield entry(ChangeAction.UPDATE, obj, changes)
    for obj in session.deleted:
        if isinstance(obj, Base) and not isinstance(obj, ChangeLogEntry):
            yield entry(ChangeAction.DELETE, obj, _column_values(inspect(obj)))
    # Rows the flush deleted as orphans (a role taken off a person's list) are in no
    # session.deleted: only the unit of work knows them.
    deleted = set(map(id, session.deleted))
    for state, (is_delete, list_only) in list(flush.states.items()):
        obj = state.obj()
        if (is_delete and not list_only and obj is not None and id(obj) not in deleted
                and isinstance(obj, Base) and not isinstance(obj, ChangeLogEntry)):
            yield entry(ChangeAction.DELETE, obj, _column_values(state))


def hold_append_lock(connection: Connection) -> None:
    """Make ``connection``'s transaction the only one appending to the change log until it ends:
    an advisory lock on PostgreSQL, the write lock on SQLite (see
    :func:`~isms.db.locks.lock_change_log`, which also puts it first among the locks)."""
    lock_change_log(connection)


def _last_hash(connection: Connection) -> str | None:
    return connection.execute(
        select(_TABLE.c.entry_hash).order_by(_TABLE.c.id.desc()).limit(1)
    ).scalar()


def write_entries(connection: Connection, entries: list[dict[str, Any]]) -> None:
    """Chain and insert entries inside the writing transaction, which holds the append lock
    (:func:`hold_append_lock`) to its end, so the previous hash cannot move underneath us:
    concurrent writers leave one linear chain."""
    if not entries:
        return
    hold_append_lock(connection)
    prev = _last_hash(connection)
    for row in entries:
        row["prev_hash"] = prev
        row["entry_hash"] = prev = entry_digest(prev, row)
    connection.execute(insert(ChangeLogEntry), entries)


def after_flush(session: Session, flush_context: UOWTransaction) -> None:
    """Session hook: new/dirty/deleted and attribute history still show the pre-flush state here."""
    entries = list(_entries(session, flush_context))
    # Each saved row's digest as written, so `isms audit verify` can replay the log (row_form).
    add_row_digests(session.connection(), entries)
    write_entries(session.connection(), entries)


def record_event(
    connection: Connection,
    *,
    actor: str,
    table_name: str,
    label: str,
    details: dict[str, Any],
    record_id: str | None = None,
) -> None:
    """One entry for a whole-register event (demo built, batch imported) written outside the ORM."""
    write_entries(
        connection,
        [
            {
                "at": utcnow(),
                "actor": actor,
                "action": ChangeAction.EVENT,
                "table_name": table_name,
                "record_id": record_id,
                "label": label,
                "changes": plain(details),
            }
        ],
    )
