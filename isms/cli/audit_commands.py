"""`isms audit ...`: checks an auditor runs on the register itself."""

from __future__ import annotations

import argparse
from typing import Any

from ..db import open_register
from ..db.audit_chain import verify_chain
from .common import command, json_option
from .output import print_json


def _verify(args: argparse.Namespace) -> int:
    # Verifying must not change what it verifies: an older register is refused, not upgraded.
    register = open_register(args.db, upgrade=False)
    try:
        with register.engine.connect() as connection:
            report = verify_chain(connection)
        where = register.location.display()
    finally:
        register.close()
    if args.json:
        print_json({"register": where, **report.as_dict()})
    elif report.intact:
        print(f"Change log intact: {report.entries} entries, head {report.head_hash or 'none'}")
    else:
        print(f"Change log broken at entry {report.broken_at}: {report.reason}")
    return 0 if report.intact else 1


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
        "check the change log's hash chain: exit 0 intact, 1 with the first broken entry",
    )
    json_option(p)
