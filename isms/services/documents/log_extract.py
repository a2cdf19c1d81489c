"""Which change-log entries belong in one department's audit pack (data minimisation): the entries
about that department's records and people, and the council-wide settings every department works
under (the method, the classification scheme, the control catalogue, register events), never
another department's records or staff.

A log entry names its record by table and primary key (``record_id``, "12" or "3/approver" for a
two-column key; an insert names it in its values). Each table reaches a department through its
columns, read from the model itself so a new table is covered without a list to keep up:

* a ``department_id`` column: that department (empty: a council-wide record, kept);
* ``department`` itself: the department and the ones above it (the council it belongs to),
  whose own records and staff are not the department's;
* ``review_meeting``: a meeting the pack covers (council-wide, or its scope names the
  department), as the pack's minutes do;
* otherwise the first filled reference to a record that does reach one (a risk, an asset,
  evidence, a meeting...), then a ``subject_table``/``subject_id`` pair, then a person;
* a table with none of these (controls, criteria, markings, handling rules, register events):
  council-wide, kept.

Records are looked up as they are now, and a record that has since been deleted by the values
its own log entries recorded, so a department's deleted asset still goes with the department.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Table, or_, select
from sqlalchemy.orm import Session

from isms.model import Base, Department, ReviewMeeting
from isms.model.audit import ChangeLogEntry

Key = tuple[str, ...]

_DEPARTMENT, _MEETING = "department", "review_meeting"
#: Which reference decides, in order: the record's own department first, then what it is part
#: of; a person (who did or signs something) only when nothing else says.
_PARENTS = ("department", "review_meeting", "risk", "asset", "evidence", "agenda_item",
            "treatment_action", "review_action", "soa_entry", "soa_version", "risk_acceptance")
_LAST = ("person",)
_SUBJECT = ("subject_table", "subject_id")
_UNLOGGED = frozenset({"change_log", "record_seal"})


def _links(table: Table) -> list[tuple[str, str]]:
    """(column, table it points to) for the columns that lead towards a department, in the
    order they decide; ("subject_table", "*") stands for a polymorphic subject."""
    refs = {col.name: next(iter(col.foreign_keys)).column.table.name
            for col in table.columns if col.foreign_keys}
    links = [(name, target) for wanted in _PARENTS for name, target in refs.items()
             if target == wanted and not (table.name == _DEPARTMENT and name == "parent_id")]
    if all(c in table.columns for c in _SUBJECT):
        links.append((_SUBJECT[0], "*"))
    links += [(name, target) for wanted in _LAST for name, target in refs.items()
              if target == wanted and table.name != _MEETING]
    return links


class DepartmentFilter:
    """Decides, entry by entry, whether a change-log entry is about ``department_id``'s records
    or the council's shared ones. Build it, :meth:`learn` from the whole log (records deleted
    since), then ask :meth:`keeps`."""

    def __init__(self, session: Session, department_id: int) -> None:
        self._session = session
        self._tables = {t.name: t for t in Base.metadata.sorted_tables}
        self._links = {name: _links(table) for name, table in self._tables.items()}
        self._departments = self._with_ancestors(department_id)
        self._department_id = department_id
        self._meetings = {(str(m),) for m in session.execute(
            select(ReviewMeeting.id).where(or_(
                ~ReviewMeeting.scope.any(),
                ReviewMeeting.scope.any(Department.id == department_id)))).scalars()}
        #: Per table: primary key -> the values of its linking columns, as the record is now.
        self._rows: dict[str, dict[Key, dict[str, Any]]] = {}
        #: The same for records no longer in the register, from their log entries.
        self._gone: dict[str, dict[Key, dict[str, Any]]] = {}
        self._decided: dict[tuple[str, Key], bool] = {}

    def _with_ancestors(self, department_id: int) -> set[Key]:
        parents = dict(self._session.execute(select(Department.id, Department.parent_id)).all())
        found: set[Key] = set()
        current: int | None = department_id
        while current is not None and (str(current),) not in found:
            found.add((str(current),))
            current = parents.get(current)
        return found

    # --- record keys and values --------------------------------------------------------------

    def _pk(self, table: str) -> list[str]:
        return [c.name for c in self._tables[table].primary_key.columns]

    def key(self, table: str, record_id: str | None, values: Any) -> Key | None:
        """The record's primary key as text: from ``record_id`` ("3/approver"), else from the
        values an insert recorded; None when neither names it."""
        if table not in self._tables:
            return None
        if record_id is not None:
            return tuple(record_id.split("/"))
        if isinstance(values, dict) and all(c in values for c in self._pk(table)):
            return tuple(str(values[c]) for c in self._pk(table))
        return None

    def _columns(self, table: str) -> list[str]:
        """The columns a record's department is read from (a subject is two: table and id)."""
        columns = [column for column, _ in self._links[table]]
        if _SUBJECT[0] in columns:
            columns.append(_SUBJECT[1])
        return columns

    def _current(self, table: str) -> dict[Key, dict[str, Any]]:
        if table not in self._rows:
            columns = self._columns(table)
            source = self._tables[table]
            pk = self._pk(table)
            rows: dict[Key, dict[str, Any]] = {}
            query = select(*(source.c[c] for c in pk), *(source.c[c] for c in columns))
            for row in self._session.execute(query):
                rows[tuple(str(v) for v in row[:len(pk)])] = dict(zip(columns, row[len(pk):],
                                                                    strict=True))
            self._rows[table] = rows
        return self._rows[table]

    def learn(self, entries: Iterable[tuple[str, str | None, Any]]) -> None:
        """Remember, from (table, record_id, changes) of the log in order, the linking values
        of records that are no longer in the register."""
        for table, record_id, changes in entries:
            if table in _UNLOGGED or table not in self._tables or not self._links[table]:
                continue
            key = self.key(table, record_id, changes)
            if key is None or key in self._current(table) or not isinstance(changes, dict):
                continue
            known = self._gone.setdefault(table, {}).setdefault(key, {})
            for column in self._columns(table):
                if column in changes:
                    value = changes[column]
                    # An update records [before, after]; an insert or delete the value.
                    known[column] = value[1] if isinstance(value, list) else value

    # --- deciding ----------------------------------------------------------------------------

    def keeps(self, table: str, record_id: str | None, changes: Any) -> bool:
        """Whether the entry goes in the department's extract."""
        if table not in self._tables:
            return True  # a register event ("demo register built", "register created")
        key = self.key(table, record_id, changes)
        if key is None:
            return not self._links[table]
        return self._belongs(table, key, depth=0)

    def _belongs(self, table: str, key: Key, depth: int) -> bool:
        if table == _DEPARTMENT:
            return key in self._departments
        if table == _MEETING:
            return key in self._meetings
        links = self._links.get(table)
        if not links:
            return table in self._tables  # council-wide settings; an unknown subject: no
        if depth > 8:
            return False  # a reference loop: nothing in the model makes one
        cached = self._decided.get((table, key))
        if cached is not None:
            return cached
        values = self._current(table).get(key) or self._gone.get(table, {}).get(key)
        decided = False if values is None else self._follow(table, links, values, depth)
        self._decided[(table, key)] = decided
        return decided

    def _follow(self, table: str, links: list[tuple[str, str]], values: dict[str, Any],
                depth: int) -> bool:
        for column, target in links:
            if target == "*":
                subject, subject_id = values.get(_SUBJECT[0]), values.get(_SUBJECT[1])
                if subject is None or subject_id is None:
                    continue
                return self._belongs(str(subject), (str(subject_id),), depth + 1)
            value = values.get(column)
            if value is None:
                if target == _DEPARTMENT and column == "department_id":
                    return True  # no department: a council-wide record (evidence, SoA)
                continue
            if target == _DEPARTMENT:
                # A record (a person, an asset) of this department; the ones above it are
                # context for its own entry, their staff and records are not this pack's.
                return value == self._department_id or str(value) == str(self._department_id)
            return self._belongs(target, (str(value),), depth + 1)
        return False


def log_columns() -> tuple[Any, ...]:
    """The columns a filter needs from each entry: table, record and values."""
    return (ChangeLogEntry.table_name, ChangeLogEntry.record_id, ChangeLogEntry.changes)


__all__ = ["DepartmentFilter", "log_columns"]
