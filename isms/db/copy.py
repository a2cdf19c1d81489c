"""Copying a whole register to a new database (a file to PostgreSQL, or back), verified.

The destination gets its schema from the Alembic migrations, exactly as a new register does;
then every table's rows are streamed across in dependency order and primary-key order, in
chunks, keeping their primary keys. The copy goes through Core on a connection, never an ORM
session, so the change log is copied verbatim (its hash chain intact) and no new entries are
written. SQLite's full-text indexes (migration 0004) are derived data: not copied, rebuilt.

Before the destination is committed, every table's row count and content checksum are compared
with the source's; any difference rolls the copy back (and a new SQLite file is removed).
"""

from __future__ import annotations

import enum
import hashlib
import json
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Integer, String, Table, bindparam, func, inspect, select, text
from sqlalchemy.exc import DBAPIError

from ..errors import StorageError, UsageError
from ..model import Base
from . import migrate
from .audit_chain import ChainReport, verify_chain
from .engine import make_engine
from .failures import ConnectionFailed, plain_problem
from .location import Location, resolve
from .register import open_register

Progress = Callable[[str, int, int], None]

#: Rows per read and per executemany: big enough to be fast, small enough to stay flat in memory.
CHUNK = 5000


# --- checksums -------------------------------------------------------------------------------


_AS_IS = frozenset({str, int, bool, type(None)})


def canonical(value: Any) -> Any:
    """One spelling per value, whichever database and driver returned it, so SQLite and
    PostgreSQL give the same checksum for the same data."""
    if type(value) in _AS_IS:  # most values: a fast exit, checksums read every row
        return value
    if isinstance(value, enum.Enum):
        return canonical(value.value)
    if isinstance(value, datetime):
        # UTCDateTime hands back aware values; a naive one can only be UTC in this register.
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        return aware.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float | Decimal):
        # SQLite may return a float where PostgreSQL returns a Decimal: both as plain digits.
        number = Decimal(repr(value)) if isinstance(value, float) else value
        return format(number.normalize(), "f")
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, Mapping):
        return {str(k): canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [canonical(v) for v in value]
    if isinstance(value, int | str):  # subclasses of the plain types
        return int(value) if isinstance(value, int) else str(value)
    return str(value)


def _row_bytes(row: Mapping[str, Any]) -> bytes:
    line = json.dumps(
        {name: canonical(value) for name, value in row.items()},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return line.encode("utf-8") + b"\n"


class _Digest:
    """Row count and SHA-256 over canonical rows, fed in primary-key order."""

    def __init__(self) -> None:
        self.rows = 0
        self._hash = hashlib.sha256()

    def add(self, row: Mapping[str, Any]) -> None:
        self.rows += 1
        self._hash.update(_row_bytes(row))

    def result(self) -> tuple[int, str]:
        return self.rows, self._hash.hexdigest()


def _tables() -> list[Table]:
    """The register's tables, parents before children (the FTS indexes are not among them)."""
    return list(Base.metadata.sorted_tables)


def _ordered_rows(connection: Connection, table: Table) -> Iterable[Sequence[Any]]:
    """The table's rows in primary-key order, a chunk at a time (server-side on PostgreSQL)."""
    keys = []
    for column in table.primary_key.columns:
        # Text keys in byte order on both backends (SQLite's BINARY is byte order already);
        # a PostgreSQL locale collation would order them differently and change the checksum.
        is_text = isinstance(column.type, String) and connection.dialect.name == "postgresql"
        keys.append(column.collate("C") if is_text else column)
    result = connection.execution_options(yield_per=CHUNK).execute(
        select(table).order_by(*keys)
    )
    return result.mappings().partitions()


def _checksum(connection: Connection, table: Table) -> tuple[int, str]:
    digest = _Digest()
    for chunk in _ordered_rows(connection, table):
        for row in chunk:
            digest.add(row)
    return digest.result()


def _snapshot(connection: Connection) -> Connection:
    """Read the whole register as of one moment, even while others write to it."""
    if connection.dialect.name == "sqlite":
        # The driver would run each SELECT in a transaction of its own; an explicit BEGIN makes
        # every read share the WAL snapshot taken by the first one.
        connection.exec_driver_sql("BEGIN")
        return connection
    return connection.execution_options(isolation_level="REPEATABLE READ")


def _location(where: Location | str | Path) -> Location:
    return where if isinstance(where, Location) else resolve(str(where))


def table_checksums(location: Location | str | Path) -> dict[str, tuple[int, str]]:
    """{table: (row count, SHA-256 of its canonical rows in primary-key order)} of a register."""
    register = open_register(_location(location), upgrade=False)
    try:
        with register.engine.connect() as connection:
            reader = _snapshot(connection)
            return {table.name: _checksum(reader, table) for table in _tables()}
    finally:
        register.close()


# --- the copy --------------------------------------------------------------------------------


@dataclass(frozen=True)
class TableCheck:
    table: str
    source_rows: int
    source_checksum: str
    dest_rows: int
    dest_checksum: str

    @property
    def matches(self) -> bool:
        return (self.source_rows, self.source_checksum) == (self.dest_rows, self.dest_checksum)


@dataclass(frozen=True)
class CopyReport:
    source: str
    dest: str
    tables: list[TableCheck]
    #: The copy's change log, verified (broken only if the source's was: it is copied verbatim).
    chain: ChainReport
    seconds: float

    @property
    def rows(self) -> int:
        return sum(check.dest_rows for check in self.tables)

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "dest": self.dest,
            "rows": self.rows,
            "seconds": round(self.seconds, 2),
            "tables": [
                {
                    "table": c.table,
                    "source_rows": c.source_rows,
                    "source_checksum": c.source_checksum,
                    "dest_rows": c.dest_rows,
                    "dest_checksum": c.dest_checksum,
                    "matches": c.matches,
                }
                for c in self.tables
            ],
            "change_log": self.chain.as_dict(),
        }


def _holds_data(connection: Connection) -> bool:
    """True if any table (other than Alembic's and the search indexes) has a row."""
    preparer = connection.dialect.identifier_preparer
    for name in inspect(connection).get_table_names():
        if name == "alembic_version" or name.startswith(migrate.SEARCH_TABLES):
            continue
        if connection.execute(text(f"SELECT 1 FROM {preparer.quote(name)} LIMIT 1")).first():
            return True
    return False


def _refuse_unless_empty(dest: Location) -> bool:
    """Refuse a destination holding anything; True if the copy creates the destination file."""
    if dest.path is not None:
        if dest.path.is_dir():
            raise StorageError(f"{dest.path} is a folder; give a new register file as DEST.")
        if not dest.path.exists():
            return True
    engine = make_engine(dest)
    try:
        with engine.connect() as connection:
            occupied = _holds_data(connection)
    except DBAPIError as exc:
        if dest.path is None:  # a server: what to fix, in plain words
            raise ConnectionFailed(plain_problem(dest, exc)) from exc
        raise StorageError(f"{dest.display()} cannot be opened as a database: {exc.orig}") from exc
    finally:
        engine.dispose()
    if occupied:
        raise StorageError(
            f"{dest.display()} already holds data; `isms db copy` writes only to a new file or an "
            "empty database. Give a new DEST, or empty that one first."
        )
    return False


def _self_references(table: Table) -> list[str]:
    return [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]


def _relink(
    dest: Connection, table: Table, own: Sequence[str], rows: Sequence[dict[str, Any]]
) -> None:
    """Set the self-references held back by :func:`_copy_table`, with every other changing
    column (``updated_at`` has an onupdate default) written back as it was in the source."""
    if not rows:
        return
    keys = [column.name for column in table.primary_key.columns]
    kept = [c.name for c in table.columns if c.onupdate is not None and c.name not in keys]
    where = [table.c[k] == bindparam(f"k_{k}") for k in keys]
    statement = table.update().where(*where).values(
        {name: bindparam(name) for name in (*own, *kept)}
    )
    for start in range(0, len(rows), CHUNK):
        batch = [
            {**{f"k_{k}": row[k] for k in keys}, **{name: row[name] for name in (*own, *kept)}}
            for row in rows[start : start + CHUNK]
        ]
        dest.execute(statement, batch)


def _copy_table(
    source: Connection, dest: Connection, table: Table, progress: Progress | None
) -> tuple[int, str]:
    """Stream one table across; returns the source's (rows, checksum) as read."""
    total = source.execute(select(func.count()).select_from(table)).scalar_one()
    stage = f"Copying {table.name}"
    if progress:
        progress(stage, 0, total)
    # A row may point at a later row of its own table (a department's parent): insert those
    # links as NULL first and set them once every row is there, so enforced keys hold.
    own = _self_references(table)
    deferred: list[dict[str, Any]] = []
    digest = _Digest()
    for chunk in _ordered_rows(source, table):
        rows = []
        for row in chunk:
            digest.add(row)
            values = dict(row)
            if any(values[name] is not None for name in own):
                deferred.append(values)
                values = {**values, **dict.fromkeys(own)}
            rows.append(values)
        dest.execute(table.insert(), rows)
        if progress:
            progress(stage, digest.rows, max(total, digest.rows))
    _relink(dest, table, own, deferred)
    return digest.result()


def _finish_sqlite(dest: Connection) -> None:
    for index in migrate.SEARCH_TABLES:
        # FTS5's own command re-reads the index's content view: the copy's text, not the source's.
        dest.exec_driver_sql(f"INSERT INTO {index}({index}) VALUES ('rebuild')")
    # The copy runs with foreign keys unenforced (like a migration); check them all before commit.
    broken = dest.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise StorageError(f"The copy would break {len(broken)} foreign key(s); nothing was kept.")


def _finish_postgresql(dest: Connection, tables: Sequence[Table]) -> None:
    """Move each id sequence past the copied ids, so the next record gets a fresh one."""
    preparer = dest.dialect.identifier_preparer
    for table in tables:
        keys = list(table.primary_key.columns)
        if len(keys) != 1 or not isinstance(keys[0].type, Integer):
            continue
        column = keys[0]
        dest.execute(
            text(
                "SELECT setval(pg_get_serial_sequence(:table, :column), "
                f"COALESCE((SELECT MAX({preparer.format_column(column)}) "
                f"FROM {preparer.format_table(table)}), 0) + 1, false)"
            ),
            {"table": preparer.format_table(table), "column": column.name},
        )


def _mismatches(checks: Sequence[TableCheck]) -> str:
    return "; ".join(
        f"{c.table}: {c.source_rows} rows {c.source_checksum[:12]} in the source, "
        f"{c.dest_rows} rows {c.dest_checksum[:12]} in the copy"
        for c in checks
        if not c.matches
    )


def _copy(
    source: Location, dest: Location, progress: Progress | None
) -> tuple[list[TableCheck], ChainReport]:
    tables = _tables()
    source_register = open_register(source, upgrade=False)
    dest_engine = make_engine(dest, for_migration=True)
    try:
        with source_register.engine.connect() as raw, dest_engine.begin() as writer:
            reader = _snapshot(raw)
            sums = {}
            for table in tables:
                try:
                    sums[table.name] = _copy_table(reader, writer, table, progress)
                except DBAPIError as exc:
                    raise StorageError(
                        f"Copying table {table.name} to {dest.display()} failed: {exc.orig}; "
                        "nothing was kept."
                    ) from exc
            if writer.dialect.name == "sqlite":
                _finish_sqlite(writer)
            elif writer.dialect.name == "postgresql":
                _finish_postgresql(writer, tables)
            checks = []
            for number, table in enumerate(tables, start=1):
                if progress:
                    progress("Verifying the copy", number - 1, len(tables))
                rows, checksum = _checksum(writer, table)
                checks.append(TableCheck(table.name, *sums[table.name], rows, checksum))
            if progress:
                progress("Verifying the copy", len(tables), len(tables))
            wrong = _mismatches(checks)
            if wrong:
                # Raised inside the transaction: the copy is rolled back.
                raise StorageError(f"The copy does not match the source, nothing was kept: {wrong}")
            chain = verify_chain(writer)
    finally:
        dest_engine.dispose()
        source_register.close()
    return checks, chain


def _remove_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def copy_register(
    source: Location | str | Path, dest: Location | str | Path, progress: Progress | None = None
) -> CopyReport:
    """Copy the register at ``source`` into ``dest`` (a new file or an empty database), verified
    table by table. Raises StorageError, leaving no new file behind, if anything differs."""
    started = time.monotonic()
    source_location, dest_location = _location(source), _location(dest)
    if source_location.url == dest_location.url:
        raise UsageError("SOURCE and DEST are the same register; give a new DEST.")
    # Open the source first: a missing or outdated source is refused before DEST is touched.
    open_register(source_location, upgrade=False).close()
    created = _refuse_unless_empty(dest_location)
    try:
        # The schema comes from the migrations, exactly as for a new register.
        open_register(dest_location, create=True).close()
        checks, chain = _copy(source_location, dest_location, progress)
    except BaseException:
        if created and dest_location.path is not None:
            _remove_sqlite(dest_location.path)
        raise
    return CopyReport(
        source_location.display(),
        dest_location.display(),
        checks,
        chain,
        time.monotonic() - started,
    )
