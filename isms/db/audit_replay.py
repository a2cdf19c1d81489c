"""Replaying the change log against the tables: is every record still what the log says?

The hash chain (``audit_chain``) proves the log was not edited; it says nothing of a row
changed behind the application's back (a direct ``UPDATE`` in SQL). Replay does:

- every ORM save logs the row's digest as written (``changes["_row"]``, ``row_form``) and its
  field values (an INSERT: all of them; an UPDATE: [before, after] per changed field);
- every bulk write (setup, demo, import, import undo) seals its rows (``audit_seal``): the
  digest of each row as written, tied to its change-log event by an aggregate digest.

Replay takes, for every record, the last of these in log order and compares the row now in the
table with it: a row whose digest differs is named with the fields whose values differ from the
last values logged (for a sealed row only the record: a seal holds no values), a row the log
says exists but is gone is named, and so is a row the log says was deleted. A log that is empty
while the register holds records is refused: deleting the whole log cannot pass as "intact".
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Connection, Table, func, select

from ..model.audit import ChangeLogEntry
from ..model.enums import ChangeAction
from .audit_seal import SEAL_KEY, SEALS, aggregate, seal_line, sealable_tables, stored_lines
from .changelog import plain
from .row_form import ROW_KEY, row_form

_LOG = cast(Table, ChangeLogEntry.__table__)
_CHUNK = 5000
#: At most this many differing records are listed one by one (all are counted).
LISTED = 200


@dataclass(frozen=True)
class Mismatch:
    """A record whose row is not what the log last recorded for it."""

    table: str
    record_id: str
    #: "asset FIN-0001": how the log (or the row) names it.
    label: str
    #: What differs, in words: "confidentiality is 5, the log recorded 3; ..." or a whole-row
    #: statement ("removed outside isms").
    problem: str
    fields: tuple[str, ...] = ()

    def text(self) -> str:
        return f"{self.label} ({self.table} {self.record_id}): {self.problem}"

    def as_dict(self) -> dict[str, Any]:
        return {"table": self.table, "record_id": self.record_id, "label": self.label,
                "fields": list(self.fields), "problem": self.problem}


@dataclass
class ReplayReport:
    """What replaying the log against the tables found."""

    #: Records whose rows were compared with a digest the log or a seal recorded.
    checked: int = 0
    mismatches: list[Mismatch] = field(default_factory=list)
    #: Seals that do not match the events that recorded them (added, changed or removed).
    seal_problems: list[str] = field(default_factory=list)
    #: Records the log holds no digest for (saved before isms logged digests): not compared.
    unverifiable: int = 0
    #: Rows neither the log nor a seal knows: added outside isms on a register sealed since
    #: its creation, else rows older than sealing (counted, not failures).
    untracked: int = 0
    untracked_fail: bool = False
    #: Set when the log is empty although the register holds this many records.
    empty_log_records: int | None = None

    @property
    def clean(self) -> bool:
        return (not self.mismatches and not self.seal_problems
                and self.empty_log_records is None
                and not (self.untracked and self.untracked_fail))

    @property
    def problems(self) -> list[str]:
        out: list[str] = []
        if self.empty_log_records is not None:
            out.append(f"the change log is empty but the register holds "
                       f"{self.empty_log_records} records: the log was removed")
        out += self.seal_problems
        out += [m.text() for m in self.mismatches[:LISTED]]
        if len(self.mismatches) > LISTED:
            out.append(f"... and {len(self.mismatches) - LISTED} more records")
        if self.untracked and self.untracked_fail:
            out.append(f"{self.untracked} records are in no change-log entry and no seal "
                       "(added outside isms)")
        return out

    def as_dict(self) -> dict[str, Any]:
        return {"clean": self.clean, "checked": self.checked,
                "mismatches": [m.as_dict() for m in self.mismatches],
                "seal_problems": self.seal_problems, "unverifiable": self.unverifiable,
                "untracked": self.untracked, "empty_log_records": self.empty_log_records,
                "problems": self.problems}


@dataclass(slots=True)
class _State:
    """What the log says a record is after the entries (and seals) replayed so far."""

    at: int  # the entry (or sealing event) that set it
    digest: str | None
    #: Field values the log recorded, each with the entry that recorded it (None: none).
    fields: dict[str, tuple[Any, int]] | None
    deleted: bool
    label: str
    #: False: the last write left no digest (an entry from before digests were logged).
    known: bool = True

    def sealed(self, at: int, digest: str | None) -> None:
        """A bulk write's seal at event ``at``: later than the log's last word on the record,
        it replaces it; earlier, it only voids the field values logged before it."""
        if at > self.at:
            self.at, self.digest, self.fields, self.deleted = at, digest, None, digest is None
            self.known = True
        elif self.fields:
            self.fields = {f: v for f, v in self.fields.items() if v[1] > at} or None


def _key_of(table: str, record_id: str | None, changes: dict[str, Any]) -> str | None:
    if record_id is not None:
        return record_id
    tables = _tables()
    if table not in tables:
        return None
    keys = row_form(tables[table]).keys
    if not all(k in changes for k in keys):
        return None
    return "/".join(str(changes[k]) for k in keys)


_TABLES: dict[str, Table] = {}


def _tables() -> dict[str, Table]:
    if not _TABLES:
        _TABLES.update({t.name: t for t in sealable_tables()})
    return _TABLES


@dataclass
class _Log:
    """The log replayed: each record's state, and the sealed bulk writes' events."""

    states: dict[tuple[str, str], _State] = field(default_factory=dict)
    #: entry id -> (label, {"records": n, "digest": aggregate}) of each sealed event.
    sealed_events: dict[int, tuple[str, Any]] = field(default_factory=dict)
    entries: int = 0
    #: Whether the log's first entry (the register's creation) sealed what it wrote.
    born_sealed: bool = False


def _replay_log(connection: Connection) -> _Log:
    log = _Log()
    tables = _tables()
    states = log.states
    after = 0
    while True:
        rows = connection.execute(
            select(_LOG.c.id, _LOG.c.action, _LOG.c.table_name, _LOG.c.record_id,
                   _LOG.c.label, _LOG.c.changes)
            .where(_LOG.c.id > after).order_by(_LOG.c.id).limit(_CHUNK)).all()
        if not rows:
            return log
        after = rows[-1].id
        for entry_id, action, table, record_id, label, changes in rows:
            changes = changes or {}
            action = ChangeAction(action)
            log.entries += 1
            if action == ChangeAction.EVENT:
                seal = changes.get(SEAL_KEY)
                if log.entries == 1:
                    log.born_sealed = isinstance(seal, dict)
                if isinstance(seal, dict):
                    log.sealed_events[entry_id] = (label, seal)
                continue
            if table not in tables:
                continue
            record = _key_of(table, record_id, changes)
            if record is None:
                continue
            key = (table, record)
            digest = changes.get(ROW_KEY)
            values = {k: (v, entry_id) for k, v in changes.items() if not k.startswith("_")}
            if action == ChangeAction.DELETE:
                states[key] = _State(entry_id, None, None, True, label)
            elif action == ChangeAction.INSERT:
                states[key] = _State(entry_id, digest, values, False, label, digest is not None)
            else:
                previous = states.get(key)
                fields = dict(previous.fields or {}) if previous else {}
                fields.update({k: (v[0][1], v[1]) for k, v in values.items()
                               if isinstance(v[0], list) and len(v[0]) == 2})
                states[key] = _State(entry_id, digest, fields, False, label, digest is not None)


def _merge_seals(connection: Connection, log: _Log, report: ReplayReport) -> None:
    """Stream the seals in event order: check each event's aggregate, merge each seal into
    its record's state. One event's seals are held at a time."""
    states = log.states
    checked: set[int] = set()

    def close(entry_id: int, count: int, digest: str) -> None:
        checked.add(entry_id)
        event = log.sealed_events.get(entry_id)
        if event is None:
            report.seal_problems.append(
                f"{count} seals name entry {entry_id}, which records no sealed bulk "
                "write: they were added outside isms")
        else:
            _check_seal(report, entry_id, event[0], event[1], count, digest)

    query = (select(SEALS.c.id, SEALS.c.entry_id, SEALS.c.table_name, SEALS.c.record_ids,
                    SEALS.c.digests)
             .order_by(SEALS.c.entry_id, SEALS.c.id).execution_options(yield_per=20))
    current: int | None = None
    count, hasher = 0, hashlib.sha256()
    for seal_id, entry_id, stored_table, record_ids, digests in connection.execute(query):
        if entry_id != current:
            if current is not None:
                close(current, count, hasher.hexdigest())
            current, count, hasher = entry_id, 0, hashlib.sha256()
        try:
            lines = list(stored_lines(stored_table, record_ids, digests))
        except (KeyError, TypeError, ValueError, AttributeError):
            report.seal_problems.append(
                f"seal row {seal_id} (entry {entry_id}) cannot be read: it was changed outside "
                "isms")
            continue
        for table, record, digest in lines:
            count += 1
            hasher.update(seal_line(table, record, digest))
            key = (table, record)
            state = states.get(key)
            if state is None:
                states[key] = _State(entry_id, digest, None, digest is None,
                                     f"{table} {record}")
            else:
                state.sealed(entry_id, digest)
    if current is not None:
        close(current, count, hasher.hexdigest())
    for entry_id in log.sealed_events.keys() - checked:
        _check_seal(report, entry_id, log.sealed_events[entry_id][0],
                    log.sealed_events[entry_id][1], 0, aggregate([]))


def replay(connection: Connection) -> ReplayReport:
    """Replay the whole log and the seals against the tables (see the module's docstring)."""
    report = ReplayReport()
    log = _replay_log(connection)
    _merge_seals(connection, log, report)
    tables = _tables()
    if log.entries == 0:
        held = sum(connection.execute(select(func.count()).select_from(t)).scalar_one()
                   for t in tables.values())
        if held:
            report.empty_log_records = held
        return report
    _compare(connection, report, log.states, tables, untracked_fail=log.born_sealed)
    return report


def _check_seal(report: ReplayReport, entry_id: int, label: str, recorded: dict[str, Any],
                count: int, digest: str) -> None:
    if recorded.get("records") != count or recorded.get("digest") != digest:
        report.seal_problems.append(
            f"the seals of entry {entry_id} ({label}) do not match the digest the entry records "
            f"({count} seals, the entry recorded {recorded.get('records')}): seals were "
            "changed, added or removed outside isms")


def _compare(connection: Connection, report: ReplayReport,
             states: dict[tuple[str, str], _State], tables: dict[str, Table], *,
             untracked_fail: bool) -> None:
    for name, table in tables.items():
        form = row_form(table)
        for record_id, digest, row in form.scan(connection):
            state = states.pop((name, record_id), None)
            if state is None:
                report.untracked += 1
                if untracked_fail:
                    report.mismatches.append(Mismatch(
                        name, record_id, _row_label(name, record_id, row),
                        "in no change-log entry and no seal: added outside isms"))
                continue
            if state.deleted:
                report.mismatches.append(Mismatch(
                    name, record_id, state.label,
                    f"present, but the log recorded its removal (entry {state.at}): put back "
                    "outside isms"))
                continue
            if not state.known:
                report.unverifiable += 1
                continue
            report.checked += 1
            if digest == state.digest:
                continue
            differs = [(f, row[f], v) for f, (v, _) in sorted((state.fields or {}).items())
                       if f in row and plain(row[f]) != v]
            if differs:
                problem = "; ".join(f"{f} is {plain(now)!r}, the log recorded {was!r}"
                                    for f, now, was in differs) + " (changed outside isms)"
            else:
                problem = ("its values differ from those recorded "
                           + (f"by entry {state.at}" if state.fields else
                              f"when it was written in bulk (seal of entry {state.at})")
                           + " (changed outside isms)")
            report.mismatches.append(Mismatch(
                name, record_id, _row_label(name, record_id, row, state.label), problem,
                tuple(f for f, _, _ in differs)))
    for key, state in states.items():  # what is left was not found in its table
        if not state.deleted and state.known:
            report.mismatches.append(Mismatch(
                key[0], key[1], state.label,
                f"missing: the log recorded it (entry {state.at}) and no removal: deleted "
                "outside isms"))


def _row_label(table: str, record_id: str, row: Any, logged: str | None = None) -> str:
    """How to name the record: by its current reference (or code, or name) when it has one."""
    ident = next((row[k] for k in ("ref", "code", "name") if k in row and row[k]), None)
    if ident is not None:
        return f"{table} {ident}"
    return logged or f"{table} {record_id}"
