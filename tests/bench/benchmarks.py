"""The benchmarks `make bench` runs: each an operation of ours and the floor it is measured against.

Add an entry to BENCHMARKS (steps must be module-level functions, see harness.py). Targets come
from shared/design/PERFORMANCE.md; keep the floor the cheapest honest way to do the same work.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import council_file as council
from harness import Benchmark, Timer

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

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


# --- import-100k-xlsx / import-100k-csv ----------------------------------------------------

IMPORT_ROWS = 100_000
_IMPORT_HEADER = ["Asset Ref", "Asset", "Type", "Description", "Dept", "Owner", "Custodian",
                  "Location", "Protective Marking", "C", "I", "A"]
_DEPTS = ("ENV", "CHS", "ASC", "FIN", "HRD")
_TYPES = ("information", "software", "hardware", "service")
_MARKINGS = ("OFFICIAL", "OFFICIAL-SENSITIVE")


def _import_rows(n: int) -> Iterator[list[object]]:
    for k in range(n):
        dept = _DEPTS[k % len(_DEPTS)]
        yield [f"{dept}-{k + 1:06d}", f"Asset {k + 1} of {dept}", _TYPES[k % 4],
               f"Held by {dept} for service delivery, record set {k % 97}", dept,
               f"Owner {k % 40}", f"Owner {(k * 7) % 40}", "County Hall, Midtown",
               _MARKINGS[k % 2], 1 + k % 5, 1 + (k * 3) % 5, 1 + (k * 7) % 5]


def _cache() -> Path:
    import tempfile

    folder = Path(tempfile.gettempdir()) / "isms-bench-cache"
    folder.mkdir(exist_ok=True)
    return folder


def import_file(suffix: str) -> Path:
    """The 100k-row department file, made once and kept between runs (openpyxl takes ~10 s)."""
    path = _cache() / f"assets-{IMPORT_ROWS}.{suffix}"
    if path.exists():
        return path
    partial = path.with_suffix(".partial")
    if suffix == "csv":
        import csv

        with open(partial, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(_IMPORT_HEADER)
            writer.writerows(_import_rows(IMPORT_ROWS))
    else:
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet("Assets")
        sheet.append(_IMPORT_HEADER)
        for row in _import_rows(IMPORT_ROWS):
            sheet.append(row)
        book.save(partial)
    partial.replace(path)
    return path


def _import_register(work: Path) -> Path:
    """A register with the departments and people the file names."""
    from isms.db import commit
    from isms.model import Department, Person
    from isms.services.setup import init_register

    register, _ = init_register(str(work / "register.isms"), actor="bench")
    with register.session() as session:
        session.add_all(Department(code=code, name=f"Department {code}") for code in _DEPTS)
        session.add_all(Person(name=f"Owner {n}", email=f"owner{n}@example.org")
                        for n in range(40))
        commit(session)
    register.close()
    return work / "register.isms"


def _import_ours(work: Path, timer: Timer, suffix: str) -> None:
    from isms.db import commit, open_register
    from isms.services.imports import files as import_files

    path = import_file(suffix)
    register = open_register(str(_import_register(work)))
    with timer:
        with register.session() as session:
            prepared = import_files.prepare(session, path)
            with prepared.source:
                plan = import_files.plan(session, prepared, None)
                result = import_files.apply(session, plan, valid_only=False)
            commit(session)
    register.close()
    assert result.created == IMPORT_ROWS, result


def _import_floor(work: Path, timer: Timer, read: str) -> None:
    """Reading the same file with the raw library, plus sqlite3 executemany of its rows."""
    path = import_file("csv" if read == "csv" else "xlsx")
    connection = sqlite3.connect(work / "floor.db", isolation_level=None)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = NORMAL")
    for statement in _asset_table_sql():
        connection.execute(statement)
    insert = f"INSERT INTO asset ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})"
    stamp = "2026-01-01 00:00:00.000000"
    with timer:
        if read == "csv":
            import csv

            with open(path, newline="", encoding="utf-8") as handle:
                rows = list(csv.reader(handle))[1:]
        else:
            from python_calamine import CalamineWorkbook

            rows = list(CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).iter_rows())[1:]
        records = [
            (n, r[0], r[1], r[2], r[3], 1, 1, 1, r[7], 1, r[9], r[10], r[11], 0, 0, "active",
             None, None, None, 1, stamp, stamp)
            for n, r in enumerate(rows, start=1)
        ]
        connection.execute("BEGIN")
        connection.executemany(insert, records)
        connection.execute("COMMIT")
    connection.close()


def import_xlsx_ours(work: Path, timer: Timer) -> None:
    _import_ours(work, timer, "xlsx")


def import_xlsx_floor(work: Path, timer: Timer) -> None:
    _import_floor(work, timer, "calamine")


def import_csv_ours(work: Path, timer: Timer) -> None:
    _import_ours(work, timer, "csv")


def import_csv_floor(work: Path, timer: Timer) -> None:
    _import_floor(work, timer, "csv")


BENCHMARKS += [
    Benchmark(
        "import-100k-xlsx", ours=import_xlsx_ours, floor=import_xlsx_floor, target_ratio=2.5,
        rows=IMPORT_ROWS,
        description="isms import of a 100k x 12 asset xlsx (read, header, map, validate, "
                    "write, provenance) vs python-calamine read + sqlite3 executemany",
    ),
    Benchmark(
        "import-100k-csv", ours=import_csv_ours, floor=import_csv_floor, target_ratio=4,
        rows=IMPORT_ROWS,
        description="the same rows as CSV vs csv.reader + sqlite3 executemany",
    ),
]


# --- search-keystroke-100k / sort-100k -----------------------------------------------------

#: What someone types into the asset search box, one keystroke at a time (1-2 character
#: prefixes included: the trigram index cannot answer them and LIKE does).
SEARCH_WORDS = ("payroll", "highways", "CCTV footage", "licensing", "school admissions",
                "ENV-01", "backup", "council tax")
SORT_COLUMNS = ("ref", "name", "asset_type", "confidentiality", "status", "next_review")
_SHOWN = 50


def _keystrokes() -> list[str]:
    return [word[:n] for word in SEARCH_WORDS for n in range(1, len(word) + 1)]


def demo_register() -> Path:
    """The 100,000-asset demo register, built once per schema revision and kept between runs
    (~15 s). Steps open it and only read."""
    from isms.db.migrate import HEAD

    path = _cache() / f"demo-{DEMO_ASSETS}-{HEAD}.isms"
    if path.exists():
        return path
    from isms.demo import build_demo
    from isms.services.setup import init_register

    partial = path.with_suffix(".partial")
    for leftover in _cache().glob(f"{partial.name}*"):
        leftover.unlink()
    register, _ = init_register(str(partial), actor="bench")
    try:
        build_demo(register, assets=DEMO_ASSETS, today=date(2026, 3, 2))
    finally:
        register.close()
    with sqlite3.connect(partial) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    partial.replace(path)
    return path


def _median_ms(timer: Timer, times: list[float], label: str) -> None:
    """Report the median of per-operation times as the measurement (seconds)."""
    import statistics

    timer.seconds = statistics.median(times)
    print(f"{label}: median {timer.seconds * 1000:.1f} ms, worst {max(times) * 1000:.1f} ms")


def search_ours(work: Path, timer: Timer) -> None:
    import time

    from isms.db import open_register
    from isms.services.read import queries

    register = open_register(str(demo_register()))
    times = []
    with register.session() as session:
        queries.asset_rows(session, queries.asset_ids(session, limit=_SHOWN))  # warm up
        for term in _keystrokes():
            started = time.perf_counter()
            ids = queries.asset_ids(session, search=term)
            queries.asset_rows(session, ids[:_SHOWN])
            times.append(time.perf_counter() - started)
    register.close()
    _median_ms(timer, times, "asset_ids(search=...) + asset_rows(50)")


def search_floor(work: Path, timer: Timer) -> None:
    import time

    connection = sqlite3.connect(demo_register())
    times = []
    for term in _keystrokes():
        started = time.perf_counter()
        ids = [r[0] for r in connection.execute(
            "SELECT id FROM asset WHERE name LIKE ?", (f"%{term}%",))]
        shown = ids[:_SHOWN]
        connection.execute(
            f"SELECT * FROM asset WHERE id IN ({', '.join('?' * len(shown))})", shown
        ).fetchall()
        times.append(time.perf_counter() - started)
    connection.close()
    _median_ms(timer, times, "sqlite3 name LIKE + 50 rows")


def sort_ours(work: Path, timer: Timer) -> None:
    import time

    from isms.db import open_register
    from isms.services.read import queries

    register = open_register(str(demo_register()))
    times = []
    with register.session() as session:
        queries.asset_ids(session, limit=1)
        for column in SORT_COLUMNS:
            started = time.perf_counter()
            queries.asset_ids(session, order_by=column)
            times.append(time.perf_counter() - started)
    register.close()
    timer.seconds = max(times)
    print("asset_ids(order_by=...) ms: "
          + ", ".join(f"{c} {t * 1000:.0f}" for c, t in zip(SORT_COLUMNS, times, strict=True)))


def sort_floor(work: Path, timer: Timer) -> None:
    import time

    connection = sqlite3.connect(demo_register())
    times = []
    for column in SORT_COLUMNS:
        started = time.perf_counter()
        connection.execute(f"SELECT id FROM asset ORDER BY {column}").fetchall()
        times.append(time.perf_counter() - started)
    connection.close()
    timer.seconds = max(times)


BENCHMARKS += [
    Benchmark(
        "search-keystroke-100k", ours=search_ours, floor=search_floor, target_ratio=None,
        description="median per keystroke (typing 8 words letter by letter) of "
                    "asset_ids(search=) + asset_rows of the first 50, 100k-asset demo register, "
                    "vs sqlite3 'name LIKE' + 50 rows. Judged in absolute terms: the ours "
                    "column is the median, target <= 0.050 s (issue 5)",
    ),
    Benchmark(
        "sort-100k", ours=sort_ours, floor=sort_floor, target_ratio=2,
        description=f"worst of asset_ids(order_by=c) for c in {', '.join(SORT_COLUMNS)} "
                    "(live assets, with the table's joins) vs sqlite3 SELECT id ORDER BY c; "
                    "issue target for the worst: <= 0.200 s",
    ),
]


# --- window-start-100k / window-memory-100k ------------------------------------------------

_WINDOW_SCRIPT = Path(__file__).with_name("window_start.py")


def _window_env(work: Path) -> dict[str, str]:
    """Offscreen, with settings that open the window on its Assets page (the page that is
    measured: the window opens on the page the user left).

    Bytecode is cached (outside the source tree) as an installed isms has it: compiling our
    ~130 modules from source on every start would add ~0.15 s that no user pays, while the
    floor (PySide6 only, precompiled in site-packages) never pays it."""
    import os
    import subprocess
    import sys

    config = work / "config"
    (config / "isms").mkdir(parents=True, exist_ok=True)
    (config / "isms" / "isms.ini").write_text("[main_window]\npage=assets\n", encoding="utf-8")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(config),
           "PYTHONPYCACHEPREFIX": str(_cache() / "pycache")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    root = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(root / "isms"),
                    str(root / "ui")], env=env, check=True)
    return env


def _window_start(work: Path, timer: Timer, *args: str) -> None:
    import subprocess
    import sys

    env = _window_env(work)
    with timer:
        child = subprocess.Popen([sys.executable, str(_WINDOW_SCRIPT), *args], env=env,
                                 stdout=subprocess.PIPE, text=True)
        assert child.stdout is not None
        line = next((ln for ln in child.stdout if ln.startswith("PAINTED ")), None)
    child.wait(timeout=60)
    if line is None or child.returncode != 0:
        raise RuntimeError(f"{args[0]} window exited {child.returncode} without painting")
    _seconds, peak = line.split()[1:]
    print(f"{args[0]}: table painted, peak RSS {float(peak):.0f} MB")


def window_start_ours(work: Path, timer: Timer) -> None:
    _window_start(work, timer, "isms", str(demo_register()))


def window_start_floor(work: Path, timer: Timer) -> None:
    _window_start(work, timer, "bare")


def _window_in_process(work: Path, timer: Timer, *args: str) -> None:
    import os

    os.environ.update(_window_env(work))
    from window_start import run

    timer.seconds, peak = run(*args)
    print(f"{args[0]}: peak RSS {peak:.0f} MB (target <= 250 MB)")


def window_memory_ours(work: Path, timer: Timer) -> None:
    _window_in_process(work, timer, "isms", str(demo_register()))


def window_memory_floor(work: Path, timer: Timer) -> None:
    _window_in_process(work, timer, "bare")


BENCHMARKS += [
    Benchmark(
        "window-start-100k", ours=window_start_ours, floor=window_start_floor, target_ratio=3,
        description="new process (offscreen) to the Assets table first painted: isms-gui --db "
                    "on the 100k-asset demo register vs a bare QMainWindow with an empty "
                    "QTableView started the same way",
    ),
    Benchmark(
        "window-memory-100k", ours=window_memory_ours, floor=window_memory_floor,
        target_ratio=None,
        description="peak RSS of a process that opens the window on the 100k-asset demo "
                    "register (Assets page painted) vs a bare window. Judged in absolute terms: "
                    "the peak MB column, target <= 250 MB (issue 5); seconds are in-process",
    ),
]


# --- soa-pdf / register-xlsx-100k ----------------------------------------------------------

SOA_ROWS = 93
REGISTER_ROWS = 100_000
_GENERATED = (2026, 3, 2, 9, 30)


def _soa_values() -> list[list[object]]:
    """93 SoA-like rows: clause, title, applicability, reasons, justification, status, how,
    evidence, owner, reviews (the real SoA builder's shape, built here directly)."""
    return [
        [f"{5 + k // 37}.{1 + k % 37}", f"Annex A control {k + 1}: information security policy "
         f"and topic-specific policies for area {k % 11}", "Yes" if k % 9 else "No",
         "risk assessment (R-0012, R-0040); legal" if k % 9 else "",
         "" if k % 9 else "No suppliers hold council data; decided by the SMG on 2026-01-12",
         ("implemented", "partially implemented", "planned", "not implemented")[k % 4],
         "Policy approved by the SIRO, reviewed yearly, published on the intranet and read "
         "by all staff at induction" if k % 2 else "Procedure ENV-P-07",
         "EV-0012, EV-0031" if k % 5 else "No evidence", f"Officer {k % 13}",
         date(2025, 1 + k % 12, 1 + k % 28), date(2026, 1 + k % 12, 1 + k % 28)]
        for k in range(SOA_ROWS)
    ]


def soa_pdf_ours(work: Path, timer: Timer) -> None:
    """The real thing: one department's SoA read from the demo register and written as PDF."""
    from datetime import date

    from isms.db import open_register
    from isms.services.documents.exports import ExportRequest, export
    from isms.services.read import queries

    register = open_register(str(demo_register()))
    try:
        with register.session() as session:
            department = queries.department_id(session, "ENV")
        request = ExportRequest("soa", work / "soa.pdf", department, "pdf", date(2026, 3, 2))
        with timer:
            assert export(register, request).count == SOA_ROWS
    finally:
        register.close()


def soa_pdf_floor(work: Path, timer: Timer) -> None:
    """reportlab SimpleDocTemplate with one bare table of the same rows as Paragraphs."""
    from xml.sax.saxutils import escape

    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table

    style = getSampleStyleSheet()["BodyText"]
    values = _soa_values()
    with timer:
        data = [[Paragraph(escape(str(v)), style) for v in row] for row in values]
        SimpleDocTemplate(str(work / "floor.pdf"), pagesize=landscape(A4)).build(
            [Table(data, repeatRows=1)])


def _register_values(n: int) -> Iterator[list[object]]:
    """Asset-inventory-like rows, 12 columns: text, numbers, a date, a long description."""
    for k in range(n):
        dept = _DEPTS[k % len(_DEPTS)]
        yield [f"{dept}-{k + 1:06d}", f"Asset {k + 1} of {dept}", _TYPES[k % 4], dept,
               f"Owner {k % 40}", _MARKINGS[k % 2], 1 + k % 5, 1 + (k * 3) % 5,
               1 + (k * 7) % 5, "Yes" if k % 3 else "No", date(2026, 1 + k % 12, 1 + k % 28),
               f"Held by {dept} for service delivery, record set {k % 97}"]


def register_xlsx_ours(work: Path, timer: Timer) -> None:
    from datetime import datetime

    from isms.io.exports.report import Column, Report
    from isms.io.exports.xlsx_report import write_xlsx

    columns = [Column("Ref", 12), Column("Asset", 30), Column("Type", 12),
               Column("Department", 10), Column("Owner", 18), Column("Marking", 18),
               Column("C", 4, "number"), Column("I", 4, "number"), Column("A", 4, "number"),
               Column("Personal data", 8), Column("Next review", 11, "date"),
               Column("Handling findings", 40, wrap=True)]
    report = Report("Asset inventory - council", columns, _register_values(REGISTER_ROWS),
                    datetime(*_GENERATED), REGISTER_ROWS, [("Version", "1")], "OFFICIAL")
    with timer:
        assert write_xlsx(report, work / "register.xlsx") == REGISTER_ROWS


def register_xlsx_floor(work: Path, timer: Timer) -> None:
    """openpyxl write-only appending the same cells (lxml installed), saved to a file."""
    from openpyxl import Workbook

    with timer:
        book = Workbook(write_only=True)
        sheet = book.create_sheet("Assets")
        for row in _register_values(REGISTER_ROWS):
            sheet.append(row)
        book.save(work / "floor.xlsx")


BENCHMARKS += [
    Benchmark(
        "soa-pdf", ours=soa_pdf_ours, floor=soa_pdf_floor, target_ratio=3, rows=SOA_ROWS,
        description="isms export soa --department ENV --format pdf on the demo register "
                    "(read, 93 rows x 16 columns, document control, running header/footer, "
                    "page X of Y) vs SimpleDocTemplate with a bare 93-row table of Paragraphs",
    ),
    Benchmark(
        "register-xlsx-100k", ours=register_xlsx_ours, floor=register_xlsx_floor,
        target_ratio=1.2, rows=REGISTER_ROWS,
        description="write_xlsx of 100k x 12 (widths, frozen header, filter, wrap column, "
                    "dates, print setup, fixed-time zip, atomic) vs openpyxl write-only "
                    "appending the same cells",
    ),
]


# --- audit-pack-100k -------------------------------------------------------------------------


def audit_pack_ours(work: Path, timer: Timer) -> None:
    from datetime import date

    from isms.db import open_register
    from isms.services.documents.exports import ExportRequest, export

    register = open_register(str(demo_register()))
    try:
        with timer:
            result = export(register, ExportRequest("pack", work / "pack.zip",
                                                    as_of=date(2026, 3, 2)))
    finally:
        register.close()
    print(f"council audit pack: {result.count} files, "
          f"{(work / 'pack.zip').stat().st_size / 1e6:.1f} MB")


def audit_pack_floor(work: Path, timer: Timer) -> None:
    """zipfile deflating the same members again: the cost of the container alone."""
    import zipfile

    source = work / "pack.zip"
    if not source.exists():
        audit_pack_ours(work, Timer())
    with zipfile.ZipFile(source) as packed:
        members = [(name, packed.read(name)) for name in packed.namelist()]
    with timer, zipfile.ZipFile(work / "floor.zip", "w", zipfile.ZIP_DEFLATED) as floor:
        for name, data in members:
            floor.writestr(name, data)


BENCHMARKS += [
    Benchmark(
        "audit-pack-100k", ours=audit_pack_ours, floor=audit_pack_floor, target_ratio=None,
        description="isms export pack, whole council, 100k-asset demo register (every "
                    "document, evidence, change log, SHA256SUMS) vs zipfile deflating the "
                    "same members. Judged in absolute terms: target < 60 s (issue 6)",
    ),
]


# --- db-copy-100k ---------------------------------------------------------------------------


def db_copy_ours(work: Path, timer: Timer) -> None:
    """isms db copy of the 100k demo register to PostgreSQL and back; the three must have the
    same per-table counts and content checksums (issue 8's done-when), else the step fails."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    sys.path.insert(0, str(root))
    from isms.db.copy import table_checksums
    from isms.db.location import resolve
    from tests import pg

    source, back = str(demo_register()), str(work / "back.isms")
    server = pg.start()
    try:
        url = server.url(server.create_empty())
        with timer:
            for a, b in ((source, url), (url, back)):
                subprocess.run([sys.executable, "-m", "isms", "db", "copy", a, b], check=True,
                               capture_output=True)
        sums = [table_checksums(resolve(x)) for x in (source, url, back)]
    finally:
        server.stop()
    if not sums[0] == sums[1] == sums[2]:
        raise AssertionError("the copies' checksums differ from the source's")
    rows = sum(count for count, _ in sums[0].values())
    print(f"SQLite -> PostgreSQL -> SQLite: {len(sums[0])} tables, {rows:,} rows, "
          "identical counts and checksums")


def db_copy_floor(work: Path, timer: Timer) -> None:
    """sqlite3's backup API copying the same file: moving the bytes, no translation."""
    with timer, sqlite3.connect(demo_register()) as source, \
            sqlite3.connect(work / "floor.isms") as target:
        source.backup(target)


BENCHMARKS += [
    Benchmark(
        "db-copy-100k", ours=db_copy_ours, floor=db_copy_floor, target_ratio=None,
        description="isms db copy of the 100k-asset demo register to PostgreSQL and back, "
                    "verified by per-table counts and checksums (fails if they differ), vs "
                    "sqlite3's backup API copying the file. Reported, not judged",
    ),
]


# --- import-council-* -----------------------------------------------------------------------
# A council's own register rather than our template: department names as people type them,
# 5,000 owner job titles that are not people in the register, dates as text (council_file.py).

COUNCIL_ROWS = 100_000
DRY_RUN_ROWS = 2_000


def _council_register(work: Path, url: str | None = None) -> str:
    """A register holding the file's departments (by code and name) and 300 staff by name,
    none of them an owner the file names by job title (each title is looked up among them)."""
    from isms.db import commit
    from isms.model import Department, Person
    from isms.services.setup import init_register

    location = url or str(work / "register.isms")
    register, _ = init_register(location, actor="bench")
    with register.session() as session:
        session.add_all(Department(code=code, name=name) for code, name in council.DEPARTMENTS)
        session.add_all(
            Person(name=name, email=f"{name.replace(' ', '.').lower()}@council.example")
            for name in council.STAFF
        )
        commit(session)
    register.close()
    return location


def _council_import(work: Path, timer: Timer, scheme: str, url: str | None = None) -> None:
    """prepare + plan + apply + commit of the council file, the way `isms import
    --accept-proposals` runs them: each owner becomes a new (unverified) person, markings of
    another scheme are read as the proposed marking of the register's."""
    from isms.db import commit, open_register
    from isms.io.importing.value_map import ValueMap
    from isms.services.imports import files as import_files

    path = council.council_file(COUNCIL_ROWS, scheme)
    register = open_register(_council_register(work, url))
    try:
        with timer:
            with register.session() as session:
                prepared = import_files.prepare(session, path)
                with prepared.source:
                    plan = import_files.plan(
                        session, prepared, None, value_map=ValueMap(accept_proposals=True)
                    )
                    result = import_files.apply(session, plan, valid_only=False)
                commit(session)
        with register.session() as session:
            _check_council_import(session)
    finally:
        register.close()
    assert result.created == COUNCIL_ROWS, result


def _check_council_import(session: Session) -> None:
    """Every asset came in with its department, owner, marking and review date."""
    from sqlalchemy import func, or_, select

    from isms.model import Asset, Person

    blank = session.execute(
        select(func.count()).where(
            or_(Asset.owner_id.is_(None), Asset.marking_id.is_(None), Asset.next_review.is_(None))
        )
    ).scalar_one()
    people = session.execute(select(func.count(Person.id))).scalar_one()
    assert blank == 0, f"{blank} assets without owner, marking or review date"
    made = people - len(council.STAFF)
    assert made == len(council.OWNERS), f"{made} people made, not one per owner title"


def _council_floor(work: Path, timer: Timer, scheme: str) -> None:
    """python-calamine reading the council file, plus sqlite3 executemany of its rows into a
    table of the asset table's shape (the first department, owner and marking for every row)."""
    from python_calamine import CalamineWorkbook

    c = council
    path = c.council_file(COUNCIL_ROWS, scheme)
    connection = sqlite3.connect(work / "floor.db", isolation_level=None)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = NORMAL")
    for statement in _asset_table_sql():
        connection.execute(statement)
    insert = f"INSERT INTO asset ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})"
    stamp = "2026-01-01 00:00:00.000000"
    with timer:
        rows = list(CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).iter_rows())[1:]
        records = [
            (n, r[c.REF], r[c.NAME], "information", r[c.DESCRIPTION], 1, 1, 1, r[c.LOCATION], 1,
             3, 3, 3, 0, 0, "active", None, None, None, 1, stamp, stamp)
            for n, r in enumerate(rows, start=1)
        ]
        connection.execute("BEGIN")
        connection.executemany(insert, records)
        connection.execute("COMMIT")
    connection.close()


def import_council_xlsx_ours(work: Path, timer: Timer) -> None:
    _council_import(work, timer, "official")


def import_council_xlsx_floor(work: Path, timer: Timer) -> None:
    _council_floor(work, timer, "official")


def import_council_mapped_ours(work: Path, timer: Timer) -> None:
    _council_import(work, timer, "gpms")


def import_council_mapped_floor(work: Path, timer: Timer) -> None:
    _council_floor(work, timer, "gpms")


def import_council_pg_ours(work: Path, timer: Timer) -> None:
    """The council import into a shared PostgreSQL register (a throwaway server, tests/pg.py);
    its floor is the same import into a file. Without PostgreSQL's binaries it is reported as
    skipped, with the reason."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from tests import pg

    try:
        server = pg.start()
    except pg.Unavailable as missing:
        timer.seconds, timer.skipped = 0.0, str(missing)
        return
    try:
        _council_import(work, timer, "official", server.url(server.create_empty()))
    finally:
        server.stop()


def dry_run_ours(work: Path, timer: Timer) -> None:
    """prepare + plan (nothing written) of one department's 2,000-row council file, as
    `isms import --dry-run` and the wizard's preview do."""
    from isms.db import open_register
    from isms.services.imports import files as import_files

    path = council.council_file(DRY_RUN_ROWS, "official", department=0)
    register = open_register(_council_register(work))
    try:
        with timer, register.session() as session:
            prepared = import_files.prepare(session, path)
            with prepared.source:
                plan = import_files.plan(session, prepared, None)
    finally:
        register.close()
    assert len(plan.rows) == DRY_RUN_ROWS, len(plan.rows)
    # The owners' job titles are listed once each, proposed as new people.
    assert len(plan.unrecognised) >= len({r[council.OWNER] for r in _dry_run_rows()})


def _dry_run_rows() -> list[list[object]]:
    return list(council.council_rows(DRY_RUN_ROWS, "official", department=0))


def dry_run_floor(work: Path, timer: Timer) -> None:
    """python-calamine reading the same 2,000-row file."""
    from python_calamine import CalamineWorkbook

    path = council.council_file(DRY_RUN_ROWS, "official", department=0)
    with timer:
        rows = list(CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).iter_rows())
    assert len(rows) == DRY_RUN_ROWS + 1


_COUNCIL_FLOOR = "python-calamine read + sqlite3 executemany of the same rows"

BENCHMARKS += [
    Benchmark(
        "import-council-xlsx", ours=import_council_xlsx_ours, floor=import_council_xlsx_floor,
        target_ratio=2.5, max_mb=300, rows=COUNCIL_ROWS,
        description="isms import of a council-shaped 100k x 13 xlsx (department names typed "
                    "by people, 5,000 owner job titles not in the register, dates as text) "
                    f"vs {_COUNCIL_FLOOR}",
    ),
    Benchmark(
        "import-council-mapped", ours=import_council_mapped_ours,
        floor=import_council_mapped_floor, target_ratio=2.5, max_mb=300, rows=COUNCIL_ROWS,
        description="the same file with 2008-scheme markings (PROTECT, RESTRICTED, "
                    f"UNCLASSIFIED) taken through value mapping vs {_COUNCIL_FLOOR}",
    ),
    Benchmark(
        "import-council-pg", ours=import_council_pg_ours, floor=import_council_xlsx_ours,
        target_ratio=1.5, rows=COUNCIL_ROWS,
        description="the council import into PostgreSQL (a throwaway server) vs the same "
                    "import into a file; skipped, saying why, without PostgreSQL's binaries",
    ),
    Benchmark(
        "import-dry-run-2k", ours=dry_run_ours, floor=dry_run_floor, target_ratio=None,
        max_seconds=0.5, rows=DRY_RUN_ROWS,
        description="dry run (prepare + plan) of one department's 2,000-row council file vs "
                    "python-calamine reading it; target <= 0.5 s",
    ),
]
