"""`isms soa check | approve | versions | changes`: the Statement of Applicability's checks,
approvals and change history."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from isms.services.read import queries
from isms.services.soa.checks import soa_checks
from isms.services.soa.versions import approve_soa, soa_changes, soa_changes_report, soa_versions

from ..errors import UsageError
from ..model.base import utcnow
from .common import command, json_option, opened, whole_number
from .output import print_json, print_table


def _scope(session: Session, args: argparse.Namespace) -> int | None:
    """The department given by --department; None (council-wide) otherwise."""
    department: str | None = getattr(args, "department", None)
    return queries.department_id(session, department) if department else None


def _scope_name(args: argparse.Namespace) -> str:
    department: str | None = getattr(args, "department", None)
    return department.upper() if department else "council-wide"


def _check(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        warnings = soa_checks(session, _scope(session, args), date.today())
    if args.json:
        print_json([{"department": w.department, "control": w.control, "check": w.check.value,
                     "blocks_approval": w.blocking, "message": w.message} for w in warnings])
        return 0
    # The message is the fix: printed whole (the terminal wraps it), never cut.
    print_table(["Department", "Control", "Check", "What to do"],
                [(w.department, w.control, w.check.value, w.message) for w in warnings],
                max_width=1000)
    blocking = sum(w.blocking for w in warnings)
    print(f"\n{len(warnings)} warning(s); {blocking} block approval.")
    others = len(warnings) - blocking
    if others:
        first = (f"Once the {blocking} blocking {'ones are' if blocking > 1 else 'one is'} "
                 f"fixed, approving with the {others} others" if blocking
                 else "Approving with them")
        scope = (f"--department {_scope_name(args)}" if getattr(args, "department", None)
                 else "--council")
        print(f"{first} needs `isms soa approve {scope} --acknowledge-warnings {others}`: the "
              "version records that the approver read them.")
    return 0


def _approve(args: argparse.Namespace) -> int:
    with opened(args) as register, register.transaction() as session:
        approval = approve_soa(session, _scope(session, args), args.note or "", utcnow(),
                               acknowledged=args.acknowledge_warnings)
        version = approval.version
        number, approver = version.number, version.approved_by.name
        approved_at = version.approved_at.isoformat()
    if args.json:
        print_json({"number": number, "scope": _scope_name(args), "approved_by": approver,
                    "approved_at": approved_at,
                    "warnings_acknowledged": len(approval.warnings),
                    "warnings": [w.message for w in approval.warnings]})
        return 0
    count = len(approval.warnings)
    print(f"Approved SoA version {number} ({_scope_name(args)}) by {approver}"
          + (f", with {count} warning{'s' if count != 1 else ''} acknowledged (isms soa check "
             "lists them)." if count else "."))
    return 0


def _versions(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        rows = [(v.number, v.approved_at.date().isoformat(), v.approved_by.name,
                 len(v.acknowledged_warnings), v.note)
                for v in soa_versions(session, _scope(session, args))]
    if args.json:
        print_json([{"number": n, "approved_on": on, "approved_by": by,
                     "warnings_acknowledged": warnings, "note": note}
                    for n, on, by, warnings, note in rows])
    else:
        print_table(["Version", "Approved on", "Approved by", "Warnings acknowledged", "Note"],
                    rows, max_width=80)
    return 0


def _changes(args: argparse.Namespace) -> int:
    if args.out:
        return _write_changes(args)
    with opened(args) as register, register.session() as session:
        changes = soa_changes(session, _scope(session, args), args.from_number, args.to_number)
    if args.json:
        print_json([{"control": c.control, "field": c.field, "before": c.before,
                     "after": c.after} for c in changes])
        return 0
    print_table(["Control", "Field", "Before", "After"],
                [(c.control, c.label, c.before, c.after) for c in changes], max_width=60)
    target = f"version {args.to_number}" if args.to_number is not None else "the current draft"
    print(f"\n{len(changes)} change(s) from version {args.from_number} to {target}.")
    return 0


def _write_changes(args: argparse.Namespace) -> int:
    """The change list as a document (.xlsx or .pdf), dated today, for the approver's file."""
    from isms.services.documents.exports import stamp, write_report
    from isms.services.documents.render import with_log_head

    out = Path(args.out).expanduser()
    fmt = out.suffix.lower().lstrip(".")
    if fmt not in ("xlsx", "pdf"):
        raise UsageError(f"Give the output a .xlsx or .pdf name, not '{out.name}'.")
    with opened(args) as register, register.session() as session:
        report = with_log_head(session, soa_changes_report(
            session, _scope(session, args), args.from_number, args.to_number,
            generated=stamp(date.today())))
        count = write_report(report, out, fmt, None)
    print(f"Wrote {count} change(s) to {out.resolve()}")
    return 0


def _scope_options(parser: argparse.ArgumentParser, *, required: bool) -> None:
    group = parser.add_mutually_exclusive_group(required=required)
    group.add_argument("--department", metavar="CODE", help="one department's SoA")
    group.add_argument("--council", action="store_true", help="the council-wide SoA")


def add_commands(subparsers: Any) -> None:
    group = subparsers.add_parser(
        "soa",
        help="the Statement of Applicability: checks, approvals, versions",
        description="the Statement of Applicability: checks, approvals, versions",
    )
    actions = group.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = command(actions, "check", _check,
                "what an auditor would find in the SoA (every in-scope department by default)")
    p.add_argument("--department", metavar="CODE", help="one department only")
    json_option(p)
    p = command(actions, "approve", _approve,
                "approve the current SoA as the next version, as yourself (the approver or "
                "SIRO role)")
    _scope_options(p, required=True)
    p.add_argument("--note", help="what this version is for")
    p.add_argument("--acknowledge-warnings", type=whole_number, metavar="N",
                   help="approve with the N warnings `isms soa check` lists for this SoA, "
                        "recording that you read them (refused unless N is the number "
                        "standing)")
    json_option(p)
    p = command(actions, "versions", _versions,
                "list the approved versions (council-wide by default)")
    p.add_argument("--department", metavar="CODE", help="one department's versions")
    json_option(p)
    p = command(actions, "changes", _changes,
                "what changed between two versions, or since one (the current draft)")
    _scope_options(p, required=True)
    p.add_argument("--from", dest="from_number", type=whole_number, required=True, metavar="N")
    p.add_argument("--to", dest="to_number", type=whole_number, metavar="M",
                   help="a later version (default: the current draft)")
    p.add_argument("--out", metavar="FILE.xlsx|FILE.pdf", help="write the changes as a document")
    json_option(p)
