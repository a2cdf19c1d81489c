"""`isms init`, `isms demo` and `isms db ...`: creating, upgrading, checking, copying registers."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from ..db import migrate, open_register
from ..db.audit_replay import replay
from ..db.location import demo_location, resolve
from ..db.register import integrity_problems, peek_revision, schema_revision
from ..errors import StorageError, UsageError
from ..services.setup import init_register
from .common import command, json_option
from .output import Progress, print_json, print_table


def _init(args: argparse.Namespace) -> int:
    register, summary = init_register(args.db, name=args.name)
    register.close()
    print(
        f"Created register at {summary.location}: {summary.controls_2022} Annex A 2022 controls, "
        f"{summary.controls_2013} 2013 controls, {summary.correspondences} correspondences."
    )
    return 0


def _demo(args: argparse.Namespace) -> int:
    from ..demo import build_demo

    location = resolve(args.db) if args.db else demo_location()
    if location.path is not None and location.path.exists():
        raise StorageError(
            f"{location.path} already exists. The demo builds a register of its own: "
            "give a new file with --db, or remove the old demo first."
        )
    register, _ = init_register(location, name="Demo council register (sample data)")
    try:
        summary = build_demo(register, seed=args.seed, assets=args.assets, progress=Progress())
    except BaseException:
        register.close()
        # The demo is all-or-nothing: do not leave an empty register behind on failure.
        if location.path is not None:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{location.path}{suffix}").unlink(missing_ok=True)
        raise
    register.close()
    print(
        f"Built demo register at {location.display()} in {summary.seconds:.1f} s: "
        f"{summary.departments} departments, {summary.people} people, {summary.assets:,} assets, "
        f"{summary.risks:,} risks, {summary.soa_entries:,} SoA entries."
    )
    return 0


def _db_probe(args: argparse.Namespace) -> int:
    """The server dialog's Test connection: what is in the database, without opening it."""
    from sqlalchemy.engine import make_url

    from ..db.credentials import ServerAddress
    from ..db.location import ENV_URL
    from ..db.server import describe, probe

    url = args.db or os.environ.get(ENV_URL)
    if not url:
        raise UsageError("Name the server register to look at: --db postgresql+psycopg://...")
    if resolve(url).path is not None:
        raise UsageError(f"{url} is a register file, not a server: `isms db check --db {url}` "
                         "checks a file.")
    address = ServerAddress.from_url(url)
    # The URL's password, else one kept in the keyring by the window (libpq may still find
    # one in PGPASSWORD or ~/.pgpass).
    password = make_url(url).password or address.load_password()
    found = probe(address, str(password) if password is not None else None)
    if args.json:
        print_json({
            "server": address.url_text, "login": found.login, "register": found.is_register,
            "empty": found.is_empty, "revision": found.revision,
            "schema": found.schema.value if found.schema else None, "name": found.name,
            "level": found.access.level.label if found.access else None,
        })
    else:
        print(describe(address.database, found))
    return 0


def _db_upgrade(args: argparse.Namespace) -> int:
    location = resolve(args.db)
    before = peek_revision(location)
    register = open_register(location)
    try:
        after = schema_revision(register)
        if before == after:
            print(f"{location.display()} is already at the current schema ({after}).")
        else:
            print(f"Upgraded {location.display()} from schema {before} to {after}.")
            if register.upgrade_backup:
                print(f"The register as it was is backed up at {register.upgrade_backup}.")
    finally:
        register.close()
    return 0


def _db_check(args: argparse.Namespace) -> int:
    # Read-only: checking never changes the file (not even its journal mode), whatever it is.
    register = open_register(args.db, upgrade=False, read_only=True)
    try:
        revision: str | None = None
        if register.damaged:  # nothing more can be trusted: the one message says what to do
            problems = [register.damaged]
        else:
            with register.engine.connect() as connection:
                revision = migrate.current(connection)
                drift = migrate.check(connection)
                # The change log replayed against the records (what `isms audit verify` also
                # does): a row changed behind the application's back is a problem too.
                records = replay(connection).problems if revision == migrate.head() else []
            problems = (integrity_problems(register) + [f"schema: {d}" for d in drift]
                        + [f"records: {p}" for p in records])
        result: dict[str, Any] = {
            "register": register.location.display(),
            "schema": revision,
            "current_schema": migrate.head(),
            "problems": problems,
        }
    finally:
        register.close()
    if args.json:
        print_json(result)
    elif register.damaged:
        print(register.damaged)
    elif problems:
        print(f"{result['register']}: {len(problems)} problem(s)")
        for problem in problems:
            print(f"  {problem}")
    else:
        print(f"{result['register']}: schema {revision} is current; integrity and foreign keys ok.")
    return 1 if problems else 0


def _db_backup(args: argparse.Namespace) -> int:
    register = open_register(args.db, upgrade=False)
    try:
        target = register.backup(Path(args.out).expanduser().resolve() if args.out else None)
    finally:
        register.close()
    print(f"Backed up to {target}")
    return 0


def _db_copy(args: argparse.Namespace) -> int:
    from ..db.copy import copy_register

    report = copy_register(args.source, args.dest, progress=Progress())
    if args.json:
        print_json(report.as_dict())
        return 0
    print_table(
        ["Table", "Rows", "Checksum (SHA-256)", "Copy"],
        [
            [c.table, f"{c.source_rows:,}", c.source_checksum[:16],
             "same" if c.matches else f"{c.dest_rows:,} {c.dest_checksum[:16]}"]
            for c in report.tables
        ],
    )
    print(
        f"Copied {report.rows:,} rows in {len(report.tables)} tables from {report.source} to "
        f"{report.dest} in {report.seconds:.1f} s; every table's row count and checksum match."
    )
    chain = report.chain
    if chain.intact:
        print(f"Change log intact on the copy: {chain.entries} entries, head {chain.head_hash}")
    else:
        # Copied verbatim, so the source's log is broken at the same entry.
        print(f"Change log broken at entry {chain.broken_at} (as in the source): {chain.reason}")
    return 0


def add_commands(subparsers: Any) -> None:
    p = command(subparsers, "init", _init, "create an empty register (with the Annex A catalogue)")
    p.add_argument("--name", default="Council ISMS register", help="the register's name")

    p = command(
        subparsers, "demo", _demo, "build a realistic demo council register in a file of its own"
    )
    p.add_argument("--seed", type=int, default=2026, help="random seed (same seed, same register)")
    p.add_argument(
        "--assets",
        type=_positive_int,
        default=None,
        metavar="N",
        help="number of assets (default: a department-sized register)",
    )

    db = subparsers.add_parser(
        "db",
        help="upgrade, check, back up or copy a register",
        description="upgrade, check, back up or copy a register",
    )
    db_commands = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    command(
        db_commands,
        "upgrade",
        _db_upgrade,
        "bring a register to the current schema (takes a backup first)",
    )
    p = command(db_commands, "probe", _db_probe,
                "look at a server register without opening it: reachable, a register, its "
                "schema, what your login may do")
    json_option(p)
    p = command(db_commands, "check", _db_check, "check schema version, integrity and foreign keys")
    json_option(p)
    p = command(db_commands, "backup", _db_backup, "copy the register safely, even while in use")
    p.add_argument("--out", metavar="PATH", help="backup file (default: beside the register)")
    p = command(
        db_commands,
        "copy",
        _db_copy,
        "copy a whole register to a new file or an empty database (e.g. PostgreSQL), verified",
        db=False,
    )
    p.add_argument("source", metavar="SOURCE", help="the register to copy (path or URL)")
    p.add_argument("dest", metavar="DEST", help="a new register file, or an empty database URL")
    json_option(p)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value
