"""`isms audit ...`: checks an auditor runs on the register itself."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ..db import open_register
from ..db.audit_chain import AgainstReport, verify_against, verify_chain
from ..db.audit_replay import replay
from ..io.recorded_head import recorded_head
from .common import command, json_option
from .output import print_json


def _verify(args: argparse.Namespace) -> int:
    # Read the document first: a file that records no head is a usage problem, not a verdict.
    recorded = recorded_head(Path(args.against).expanduser()) if args.against else None
    # Verifying must not change what it verifies: an older register is refused, not upgraded.
    register = open_register(args.db, upgrade=False)
    against: AgainstReport | None = None
    try:
        with register.engine.connect() as connection:
            report = verify_chain(connection)
            if recorded is not None:
                against = verify_against(connection, recorded, report)
            records = replay(connection)
        where = register.location.display()
    finally:
        register.close()
    ok = report.intact and records.clean and (against is None or against.holds)
    if args.json:
        print_json({"register": where, **report.as_dict(), "records": records.as_dict(),
                    "against": None if against is None else
                    {"file": str(args.against), **against.as_dict()},
                    "ok": ok})
        return 0 if ok else 1
    if report.intact:
        print(f"Change log intact: {report.entries} entries, head {report.head_hash or 'none'}")
    else:
        print(f"Change log broken at entry {report.broken_at}: {report.reason}")
    if records.clean:
        print(f"Records match the change log: {records.checked} checked"
              + (f", {records.unverifiable} saved before isms logged row digests"
                 if records.unverifiable else "")
              + (f", {records.untracked} older than the log's seals"
                 if records.untracked else ""))
    else:
        print("Records do NOT match the change log:")
        for problem in records.problems:
            print(f"  - {problem}")
    if against is not None:
        if against.holds:
            print(f"{args.against}: the register still contains the change log it recorded "
                  f"({against.recorded.text()})")
        else:
            print(f"{args.against}: the register does NOT contain the change log it recorded "
                  f"({against.recorded.text()}):")
            for problem in against.problems:
                print(f"  - {problem}")
    return 0 if ok else 1


def add_commands(subparsers: Any) -> None:
    audit = subparsers.add_parser(
        "audit",
        help="verify the register's tamper-evident change log",
        description="verify the register's tamper-evident change log",
    )
    actions = audit.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    p = command(
        actions,
        "verify",
        _verify,
        "check the change log's hash chain and replay it against the records: exit 0 when "
        "both hold, 1 naming the first broken entry and every record changed outside isms",
    )
    p.add_argument(
        "--against", metavar="FILE",
        help="a document the register exported (an audit pack's zip, folder or manifest.json, a "
             "PDF or an xlsx): also prove the register still holds the change log it recorded "
             "(not shortened, removed, or rewritten and re-chained)")
    json_option(p)
