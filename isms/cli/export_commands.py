"""`isms export ...`: registers out as files."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..io.exports.asset_table import write_assets
from ..services import queries
from .common import command, opened
from .output import Progress


def _export_assets(args: argparse.Namespace) -> int:
    path = Path(args.out).expanduser()
    if path.suffix.lower() not in (".xlsx", ".csv"):
        raise UsageError(f"Give the output a .xlsx or .csv name, not '{path.name}'.")
    with opened(args) as register, register.session() as session:
        department = queries.department_id(session, args.department) if args.department else None
        count = write_assets(
            session,
            path,
            department=department,
            include_retired=args.include_retired,
            progress=Progress(),
        )
    print(f"Wrote {count:,} assets to {path.resolve()}")
    return 0


def add_commands(subparsers: Any) -> None:
    group = subparsers.add_parser(
        "export", help="registers and documents out", description="registers and documents out"
    )
    actions = group.add_subparsers(dest="what", metavar="WHAT", required=True)
    p = command(
        actions,
        "assets",
        _export_assets,
        "the asset register as xlsx or csv (columns the importer reads back)",
    )
    p.add_argument("--out", required=True, metavar="FILE.xlsx|FILE.csv")
    p.add_argument("--department", metavar="CODE|NAME", help="only this department")
    p.add_argument("--include-retired", action="store_true", help="retired assets too")
