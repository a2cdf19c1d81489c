"""`isms obligations add|update|list|show|retire|check`: the register of legal, regulatory and
contractual obligations (ISO/IEC 27001 A.5.31), through the calls the window makes
(isms.services.obligations).

    isms obligations add "UK GDPR and the Data Protection Act 2018" --kind legislation \\
        --source "Information Commissioner's Office" --owner "Ann Lee" --control 5.34 \\
        --evidence EV-003 --review-date 2027-04-01
    isms obligations check
"""

from __future__ import annotations

import argparse
from typing import Any

from ..errors import UsageError
from ..model.obligation import Obligation
from ..services import obligations
from .common import clearable, command, department_filter, json_option, opened, review_date
from .output import print_json, print_record, print_table


def _json(obligation: Obligation) -> dict[str, Any]:
    return {
        "ref": obligation.ref, "title": obligation.title, "kind": str(obligation.kind),
        "source": obligation.source, "requirement": obligation.requirement,
        "owner": obligation.owner.name if obligation.owner is not None else None,
        "department": obligation.department.code if obligation.department is not None
        else None,
        "review_date": (obligation.review_date.isoformat()
                        if obligation.review_date is not None else None),
        "status": str(obligation.status),
        "controls": [control.ref for control in obligation.controls],
        "evidence": [row.ref for row in obligation.evidence]}


def _show(args: argparse.Namespace, obligation: Obligation, said: str = "") -> None:
    data = _json(obligation)
    if args.json:
        print_json(data)
        return
    if said:
        print(said)
    print_record([(key.replace("_", " "),
                   ", ".join(value) or "none" if isinstance(value, list) else value)
                  for key, value in data.items()])


def _refs(given: list[str] | None) -> list[str] | None:
    """``--control 5.34 --control A.8.24,PSN-3`` as one list; None when not given."""
    if given is None:
        return None
    return [ref.strip() for refs in given for ref in refs.split(",") if ref.strip()]


_FIELDS = ("title", "kind", "source", "requirement", "owner", "department", "review_date")


def _values(args: argparse.Namespace) -> dict[str, Any]:
    values = {field: getattr(args, field) for field in _FIELDS
              if getattr(args, field, None) is not None}
    for field, given in (("controls", args.control), ("evidence", args.evidence)):
        refs = _refs(given)
        if refs is not None:
            values[field] = refs
    return values


def _list(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        rows = [_json(row) for row in obligations.obligations(
            session, department=department_filter(session, args), kind=args.kind,
            include_retired=args.include_retired)]
    if args.json:
        print_json(rows)
    else:
        print_table(["Ref", "Kind", "Title", "Owner", "Dept", "Controls", "Evidence", "Review"],
                    [(r["ref"], r["kind"], r["title"], r["owner"], r["department"] or "all",
                      ", ".join(r["controls"]) or "none", len(r["evidence"]),
                      r["review_date"] or "-") for r in rows])
    return 0


def _show_one(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        _show(args, obligations.obligation_by_ref(session, args.ref))
    return 0


def _add(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        changed = obligations.add_obligation(session, _values(args))
        obligation = session.get_one(Obligation, obligations.record_id(changed))
        _show(args, obligation, f"Added obligation {obligation.ref}.")
    return 0


def _update(args: argparse.Namespace) -> int:
    values = _values(args)
    if not values:
        raise UsageError("Give at least one field to change (see `isms obligations update -h`).")
    with opened(args) as register, register.session() as session:
        obligation = obligations.obligation_by_ref(session, args.ref)
        obligations.update_obligation(session, obligation, values)
        _show(args, obligation, f"Updated obligation {obligation.ref}.")
    return 0


def _retire(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        obligation = obligations.obligation_by_ref(session, args.ref)
        obligations.retire_obligation(session, obligation)
        _show(args, obligation, f"Retired obligation {obligation.ref}.")
    return 0


def _check(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        found = obligations.check(session)
    if args.json:
        print_json([{"ref": f.ref or None, "finding": f.text} for f in found])
    elif not found:
        print("Every obligation is met by a control, shown by evidence and in date for review.")
    else:
        for finding in found:
            print(f"{finding.ref or 'register'}: {finding.text}")
    return 0


def _options(p: argparse.ArgumentParser, *, update: bool) -> None:
    clear = " ('' for none)" if update else ""
    replaces = ": replaces the list ('' for none)" if update else ""
    p.add_argument("--kind", required=not update,
                   help=f"one of {', '.join(obligations.KINDS)}")
    p.add_argument("--source", metavar="TEXT",
                   help="who imposes it, or the document it is written in")
    p.add_argument("--requirement", metavar="TEXT", help="what it requires of the council")
    p.add_argument("--owner", metavar="NAME|EMAIL", help="who answers for it" + clear)
    p.add_argument("--department", metavar="CODE|NAME",
                   help="the department it binds (none: council-wide)" + clear)
    p.add_argument("--review-date", type=clearable(review_date), metavar="YYYY-MM-DD",
                   help="when it is next reviewed" + clear)
    p.add_argument("--control", action="append", metavar="REF[,REF...]",
                   help="a control (Annex A or local) that meets it (repeat, or give a list)"
                   + replaces)
    p.add_argument("--evidence", action="append", metavar="REF[,REF...]",
                   help="an evidence record showing it is met (repeat, or give a list)"
                   + replaces)
    json_option(p)


def add_commands(subparsers: Any) -> None:
    """The `isms obligations` group."""
    group = subparsers.add_parser(
        "obligations", help="legal, regulatory and contractual obligations (ISO/IEC 27001 "
        "A.5.31)", description="the obligations register (A.5.31)")
    actions = group.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = command(actions, "list", _list, "list the current obligations")
    p.add_argument("--department", metavar="CODE|NAME",
                   help="only this department's (and council-wide) obligations")
    p.add_argument("--kind", help=f"only this kind: {', '.join(obligations.KINDS)}")
    p.add_argument("--include-retired", action="store_true")
    json_option(p)
    p = command(actions, "show", _show_one, "show one obligation")
    p.add_argument("ref", help="its reference, e.g. OB-001")
    json_option(p)
    p = command(actions, "add", _add, "add an obligation")
    p.add_argument("title", help="what it is, e.g. 'PSN code of connection'")
    _options(p, update=False)
    p = command(actions, "update", _update, "change an obligation (the fields given)")
    p.add_argument("ref", help="its reference, e.g. OB-001")
    p.add_argument("--title", metavar="TEXT", help="what it is")
    _options(p, update=True)
    p = command(actions, "retire", _retire,
                "retire an obligation that no longer applies (kept, off the lists)")
    p.add_argument("ref", help="its reference, e.g. OB-001")
    json_option(p)
    p = command(actions, "check", _check,
                "obligations met by no control, with no evidence, or past their review")
    json_option(p)
