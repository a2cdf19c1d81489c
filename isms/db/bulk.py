"""Bulk inserts at close to the database driver's own speed.

SQLAlchemy's Core ``insert`` with a list of dicts spends most of its time per row and per value
in generic machinery (PERFORMANCE.md: 0.56 s against sqlite3's 0.31 s for 100k rows). For the
imports and the demo we know the columns up front, so we convert each column's values with that
column's own bind processor (the same conversion SQLAlchemy would apply) and hand the driver
multi-row INSERT statements.

Multi-row VALUES rather than executemany: on SQLite every statement that writes an FTS5 table (the
search index triggers on asset and risk, migration 0004) flushes FTS5's pending index data at the
statement's savepoint, so one statement per row makes indexing about ten times dearer than one
statement per few hundred rows.

On PostgreSQL through psycopg, COPY instead: psycopg parses every query's placeholders in Python
(and caches only short queries), so a 2,000-row VALUES list cost more on the client than the
server spent writing it (100,000 assets: ~20 s of client CPU). COPY sends the rows as a stream, in
the same transaction, and fires the same triggers (the id-sequence trigger of migration 0006).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Table

_PLACEHOLDER = {"qmark": "?", "format": "%s", "pyformat": "%s"}
#: Bound values per statement: under SQLite's 32,766 (3.32+) and PostgreSQL's 65,535.
MAX_VALUES = 30_000
#: Rows per statement at most, whatever the width.
MAX_ROWS = 2_000


def insert_rows(
    connection: Connection,
    table: Table,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    constants: dict[str, Any] | None = None,
) -> None:
    """INSERT ``rows`` (values in ``columns`` order) plus ``constants`` (same for every row).

    Values are Python values as the ORM would take them (enums, dates, datetimes...); each is
    converted by its column type's bind processor, constants once only.
    """
    if not rows:
        return
    dialect = connection.dialect
    constants = constants or {}
    fixed = tuple(
        (p(value) if (p := table.c[name].type._cached_bind_processor(dialect)) else value)
        for name, value in constants.items()
    )
    names = [*columns, *constants]
    convert = _converter([table.c[name].type._cached_bind_processor(dialect) for name in columns])
    if dialect.name == "postgresql" and dialect.driver == "psycopg":
        _copy(connection, table, names, (convert(row) + fixed for row in rows))
        return
    placeholder = _PLACEHOLDER.get(dialect.paramstyle)
    if placeholder is None:  # pragma: no cover - every driver we support has one of these
        raise NotImplementedError(f"bulk insert for paramstyle {dialect.paramstyle}")
    head = (
        f"INSERT INTO {dialect.identifier_preparer.format_table(table)} "
        f"({', '.join(dialect.identifier_preparer.quote(n) for n in names)}) VALUES "
    )
    one_row = f"({', '.join([placeholder] * len(names))})"
    per_statement = max(1, min(MAX_ROWS, MAX_VALUES // len(names)))
    full_sql = head + ", ".join([one_row] * per_statement)
    for start in range(0, len(rows), per_statement):
        flat: list[Any] = []
        chunk = rows[start : start + per_statement]
        for row in chunk:
            flat.extend(convert(row))
            flat.extend(fixed)
        sql = full_sql if len(chunk) == per_statement else head + ", ".join([one_row] * len(chunk))
        connection.exec_driver_sql(sql, tuple(flat))


#: Distinct values remembered per converted column (dates, enums, flags repeat down a file).
_REMEMBERED = 4096


def _converter(
    processors: Sequence[Callable[[Any], Any] | None],
) -> Callable[[Sequence[Any]], tuple[Any, ...]]:
    """A row's values in the driver's form: each value through its column's bind processor,
    only for the columns that have one, remembered per distinct value (the processors are pure
    functions of the value, and a file repeats its dates, types and yes/no down the rows)."""
    converted: list[tuple[int, Callable[[Any], Any], dict[Any, Any]]] = [
        (i, p, {}) for i, p in enumerate(processors) if p is not None
    ]
    if not converted:
        return tuple

    def convert(row: Sequence[Any]) -> tuple[Any, ...]:
        out = list(row)
        for i, process, seen in converted:
            value = out[i]
            if value is None:
                continue
            try:
                out[i] = seen[value]
            except KeyError:
                out[i] = seen[value] = process(value)
                if len(seen) > _REMEMBERED:
                    seen.clear()
            except TypeError:  # unhashable (a JSON document): converted every time
                out[i] = process(value)
        return tuple(out)

    return convert


def _copy(connection: Connection, table: Table, names: Sequence[str],
          rows: Iterable[tuple[Any, ...]]) -> None:
    """COPY ... FROM STDIN on the session's own driver connection (so in its transaction)."""
    preparer = connection.dialect.identifier_preparer
    sql = (
        f"COPY {preparer.format_table(table)} "
        f"({', '.join(preparer.quote(n) for n in names)}) FROM STDIN"
    )
    driver: Any = connection.connection.driver_connection
    with driver.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def insert_dicts(connection: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """:func:`insert_rows` for rows given as dicts with the same keys (as Core ``insert`` takes
    them). Columns left out get their Python default (evaluated once for the whole call)."""
    if not rows:
        return
    columns = list(rows[0])
    if any(row.keys() != rows[0].keys() for row in rows):
        raise ValueError(f"rows for {table.name} must all have the same keys")
    constants: dict[str, Any] = {}
    for column in table.columns:
        default: Any = column.default
        if column.name in rows[0] or default is None:
            continue
        if default.is_scalar:
            constants[column.name] = default.arg
        elif default.is_callable:  # SQLAlchemy wraps it to take an execution context
            constants[column.name] = default.arg(None)
    insert_rows(
        connection, table, columns, [tuple(r[c] for c in columns) for r in rows], constants
    )


def next_ids(connection: Connection, table: Table, count: int) -> list[int]:
    """``count`` unused ids for rows of ``table`` that :func:`insert_rows` is about to write.

    PostgreSQL: taken from the id's sequence, so a concurrent ordinary insert never picks one.
    SQLite: on from the largest id in use; the writing transaction holds the database's one
    write lock, so nobody else can take them first (SQLite refuses a write from a stale read).
    """
    if count <= 0:
        return []
    preparer = connection.dialect.identifier_preparer
    name = preparer.format_table(table)
    if connection.dialect.name == "postgresql":
        taken = connection.exec_driver_sql(
            f"SELECT nextval(pg_get_serial_sequence('{name}', 'id')) "
            f"FROM generate_series(1, {int(count)})"
        )
        return [int(i) for (i,) in taken]
    top = connection.exec_driver_sql(f"SELECT max(id) FROM {name}").scalar() or 0
    return list(range(int(top) + 1, int(top) + 1 + count))


@contextmanager
def search_index_after(connection: Connection, table: Table, ids: range) -> Iterator[None]:
    """Bulk-insert rows with ids ``ids`` into ``table`` (asset or risk) inside this block: on
    SQLite their search-index entries are then written by one INSERT ... SELECT at the end
    instead of by the per-row insert trigger (migration 0004), about twice as fast for
    100,000 rows. The trigger is dropped and re-created from its own stored SQL in the writing
    transaction, so other connections never see it missing and a rollback restores it.

    Elsewhere (PostgreSQL, a register without the index) the block runs unchanged."""
    name = table.name
    found = connection.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (f"{name}_fts_ai",)
    ).scalar() if connection.dialect.name == "sqlite" else None
    if found is None or not ids:
        yield
        return
    text = {"asset": "name", "risk": "title"}[name]  # as indexed by migration 0004
    connection.exec_driver_sql(f"DROP TRIGGER {name}_fts_ai")
    try:
        yield
        with _merging_deferred(connection, f"{name}_fts"):
            connection.exec_driver_sql(
                f"INSERT INTO {name}_fts (rowid, ref, {text}, description, owner) "
                f"SELECT id, ref, {text}, description, owner FROM {name}_search "
                "WHERE id >= ? AND id <= ?",
                (ids.start, ids.stop - 1),
            )
    finally:
        connection.exec_driver_sql(str(found))


#: FTS5's own defaults (sqlite.org/fts5.html, "automerge" and "crisismerge" options).
_MERGE_DEFAULTS = {"automerge": 4, "crisismerge": 16}


@contextmanager
def _merging_deferred(connection: Connection, fts: str) -> Iterator[None]:
    """Load an FTS5 index without merging its segments as it goes: about half the time for
    100,000 rows of trigrams (2.0 s -> 1.0 s measured here). The index is complete either way;
    it is left in more segments, which later writes merge a little at a time once the usual
    settings are back (a search over the unmerged index of 100,000 imported assets still takes
    milliseconds). Settings live in the index's config table, inside this transaction."""

    def setting(key: str, value: int) -> None:
        connection.exec_driver_sql(f"INSERT INTO {fts} ({fts}, rank) VALUES (?, ?)", (key, value))

    setting("automerge", 0)
    setting("crisismerge", 64)
    try:
        yield
    finally:
        for key, value in _MERGE_DEFAULTS.items():
            setting(key, value)
