"""The benchmarks `make bench` runs: each an operation of ours and the floor it is measured against.

Add an entry to BENCHMARKS (steps must be module-level functions, see harness.py). Targets come
from shared/design/PERFORMANCE.md; keep the floor the cheapest honest way to do the same work.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from harness import Benchmark, Timer

DEMO_ASSETS = 100_000


# --- demo-100k ------------------------------------------------------------------------------

def demo_ours(work: Path, timer: Timer) -> None:
    """A new register with the 100,000-asset demo council, as `isms demo --assets 100000` makes."""
    from isms.demo import build_demo
    from isms.services.setup import init_register

    with timer:
        register, _ = init_register(str(work / "demo.isms"), actor="bench")
        try:
            build_demo(register, assets=DEMO_ASSETS, today=date(2026, 3, 2))
        finally:
            register.close()


def _asset_table_sql() -> list[str]:
    """CREATE TABLE and CREATE INDEX text for the asset table, rendered from the model so the
    floor keeps the register's shape (columns, CHECKs, unique ref, indexes) as it changes.
    Its foreign keys name tables that do not exist here, so SQLite cannot check them: that
    checking is part of what the register pays and the floor does not."""
    from sqlalchemy.dialects import sqlite
    from sqlalchemy.schema import CreateIndex, CreateTable

    from isms.demo.context import table_of
    from isms.model import Asset

    table = table_of(Asset)
    dialect = sqlite.dialect()
    return [str(CreateTable(table).compile(dialect=dialect))] + [
        str(CreateIndex(ix).compile(dialect=dialect))
        for ix in sorted(table.indexes, key=lambda ix: str(ix.name))
    ]


_COLUMNS = ("id", "ref", "name", "asset_type", "description", "department_id", "owner_id",
            "custodian_id", "location", "marking_id", "confidentiality", "integrity",
            "availability", "personal_data", "special_category", "status", "retired_at",
            "next_review", "import_batch_id", "version", "created_at", "updated_at")


def _asset_rows(n: int) -> Iterator[tuple[object, ...]]:
    """The demo's asset refs and names, department by department, with its templates' values,
    as plain tuples in storage form (ISO text dates, 0/1 booleans): the floor's indexes see the
    same keys in the same order as the register's."""
    from isms.demo.asset_templates import TEMPLATES
    from isms.demo.assets import asset_name, split
    from isms.demo.org import DEPARTMENTS

    weights = {d.code: d.weight for d in DEPARTMENTS if d.code in TEMPLATES}
    stamp = "2025-06-01 09:30:00.000000"
    row_id = 0
    for dept, (code, count) in enumerate(split(n, weights).items(), start=1):
        templates = TEMPLATES[code]
        for k in range(count):
            t = templates[k % len(templates)]
            row_id += 1
            yield (
                row_id, f"{code}-{k + 1:04d}", asset_name(t, k // len(templates)), t.kind.value,
                f"{t.kind.value.capitalize()} asset of {code}. Holds personal data.",
                dept, 1 + k % 83, 1 + (k * 7) % 83, "County Hall, Midtown", 1 + t.sensitive,
                *t.cia, t.personal, t.special, "active", None,
                f"2026-{1 + k % 12:02d}-{1 + k % 28:02d}", None, 1, stamp, stamp,
            )


def demo_floor(work: Path, timer: Timer) -> None:
    """What SQLite itself costs: stdlib sqlite3 executemany of as many asset rows, one
    transaction, into a table of the same shape made with plain SQL (register pragmas)."""
    rows = list(_asset_rows(DEMO_ASSETS))
    connection = sqlite3.connect(work / "floor.db", isolation_level=None)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = NORMAL")
    for statement in _asset_table_sql():
        connection.execute(statement)
    insert = f"INSERT INTO asset ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})"
    with timer:
        connection.execute("BEGIN")
        connection.executemany(insert, rows)
        connection.execute("COMMIT")
    connection.close()


BENCHMARKS: list[Benchmark] = [
    Benchmark(
        "demo-100k",
        ours=demo_ours,
        floor=demo_floor,
        # No target in PERFORMANCE.md. 20 x because the demo writes far more than the floor's
        # 100k asset rows (about 240k handling practices, 5,000 risks with their links and
        # actions, SoAs, evidence, reviews), draws every value from a seeded generator, and
        # goes through SQLAlchemy's typed Core inserts with foreign keys enforced.
        target_ratio=20,
        rows=DEMO_ASSETS,
        description="init_register + build_demo(assets=100_000) "
                    "vs sqlite3 executemany of 100k asset rows",
    ),
]
