"""`isms export ...`: the SoA, the registers, the risk method and the audit pack as files."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from isms.services.documents.exports import KINDS, ExportRequest, export
from isms.services.documents.render import marking_of
from isms.services.read import queries

from ..errors import UsageError
from ..io.files import check_folder
from .common import command, opened
from .output import Progress

_SHOWN_WARNINGS = 10


def _department(args: argparse.Namespace, register: Any) -> int | None:
    if not args.department:
        return None
    with register.session() as session:
        return queries.department_id(session, args.department)


def _as_of(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--as-of wants a date like 2026-11-25, not '{text}'.") from None


def _export_for_import(args: argparse.Namespace) -> int:
    """The asset table with the columns the importer reads back (export -> edit -> import)."""
    from ..io.exports.asset_table import write_assets

    path = Path(args.out).expanduser()
    if path.suffix.lower() not in (".xlsx", ".csv"):
        raise UsageError(f"Give the output a .xlsx or .csv name, not '{path.name}'.")
    with opened(args) as register:
        department = _department(args, register)
        with register.session() as session:
            # Marked like the asset inventory: the highest marking of the assets it lists.
            choice = marking_of(session, "assets", department, args.marking)
            count = write_assets(session, path, department=department,
                                 include_retired=args.include_retired, progress=Progress(),
                                 marking=choice.label)
    if warning := choice.warning("asset table"):
        sys.stderr.write(f"Warning: {warning}\n")
    marked = f", marked {choice.label}" if choice.label else ""
    print(f"Wrote {count:,} assets{marked} to {path.resolve()}")
    return 0


def _warn_before_soa(register: Any, department_id: int | None, as_of: date) -> None:
    """The SoA's pre-flight checks on stderr: the export goes ahead, but the gaps an auditor
    would flag are said first."""
    from isms.services.soa.checks import soa_checks

    with register.session() as session:
        warnings = soa_checks(session, department_id, as_of)
    if not warnings:
        return
    sys.stderr.write(f"Pre-flight: {len(warnings):,} warning(s) an auditor would raise:\n")
    for warning in warnings[:_SHOWN_WARNINGS]:
        sys.stderr.write(f"  {warning.department} {warning.control}: {warning.message}\n")
    if len(warnings) > _SHOWN_WARNINGS:
        sys.stderr.write(f"  ... and {len(warnings) - _SHOWN_WARNINGS:,} more "
                         "(isms soa check lists them all)\n")


def _export(args: argparse.Namespace) -> int:
    check_folder(Path(args.out))  # said before the register is opened or any warning printed
    if args.what == "assets" and (args.for_import or Path(args.out).suffix.lower() == ".csv"):
        return _export_for_import(args)
    request = ExportRequest(kind=args.what, out=Path(args.out), format=args.format,
                            as_of=_as_of(args.as_of), marking=args.marking)
    request.resolved_format()  # a wrong format is refused before the register is opened
    with opened(args) as register:
        request = replace(request, department_id=_department(args, register))
        if request.kind in ("soa", "pack"):
            _warn_before_soa(register, request.department_id, request.as_of or date.today())
        result = export(register, request, Progress())
    for warning in result.warnings:
        sys.stderr.write(f"Warning: {warning}\n")
    what = KINDS[args.what].title
    unit = "files" if args.what == "pack" else "rows"
    count = "" if args.what == "method" else f" ({result.count:,} {unit})"
    marked = f", marked {result.marking}" if result.marking else ""
    print(f"Wrote the {what.lower()}{count}{marked} to {result.path.resolve()}")
    return 0


def add_commands(subparsers: Any) -> None:
    group = subparsers.add_parser(
        "export", help="registers and documents out", description="registers and documents out"
    )
    actions = group.add_subparsers(dest="what", metavar="WHAT", required=True)
    for kind in KINDS.values():
        p = command(actions, kind.key, _export, f"the {kind.title.lower()}: {kind.description}")
        example = f"FILE.{kind.formats[0]}"
        p.add_argument("--out", required=True, metavar=example)
        p.add_argument("--format", choices=kind.formats,
                       help="default: from the --out name's suffix")
        p.add_argument("--department", metavar="CODE|NAME",
                       help="only this department (default: the whole council)")
        p.add_argument("--marking", metavar="LABEL",
                       help="the protective marking printed on every page and in the file "
                            "(a marking of the current scheme, e.g. OFFICIAL-SENSITIVE); "
                            "default: the highest marking of what the document contains. "
                            "One below that is written as asked, warned about and recorded "
                            "in the document")
        p.add_argument("--as-of", metavar="YYYY-MM-DD",
                       help="the day the document is dated and judged at (default: today); "
                            "the same register and options give the same file")
        if kind.key == "assets":
            p.add_argument("--for-import", action="store_true",
                           help="the columns the importer reads back (.xlsx or .csv), to send a "
                                "department its assets to correct; a .csv name implies it. An "
                                ".xlsx locks the references and is stamped: `isms import assets` "
                                "compares it row by row when it comes back")
            p.add_argument("--include-retired", action="store_true",
                           help="with --for-import: retired assets too")
