"""`isms awaiting [confirm N | decline N]`: the signatures recorded for me by someone else (a
risk acceptance minuted at a meeting), which count only once I confirm them, acting as myself."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from ..services import awaiting
from .common import command, json_option, opened, whole_number
from .output import print_json, print_table


def _list(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        rows = awaiting.awaiting_me(session)
    if args.json:
        print_json([{"id": a.id, "kind": a.kind, "subject": a.subject, "detail": a.detail,
                     "recorded_by": a.recorded_by, "recorded_at": a.recorded_at.isoformat(),
                     "meeting_date": a.meeting_date.isoformat() if a.meeting_date else None}
                    for a in rows])
        return 0
    print_table(["#", "What", "Subject", "Recorded by", "On", "Meeting", "Detail"],
                [(a.id, a.kind, a.subject, a.recorded_by, a.recorded_at.date(),
                  a.meeting_date or "-", a.detail) for a in rows], max_width=60)
    print(f"\n{len(rows)} signature(s) await your confirmation"
          + (": `isms awaiting confirm N` or `isms awaiting decline N --reason ...`."
             if rows else "."))
    return 0


def _resolve(args: argparse.Namespace, confirming: bool) -> int:
    with opened(args) as register, register.transaction() as session:
        if confirming:
            awaiting.confirm(session, args.number, today=date.today())
        else:
            awaiting.decline(session, args.number, args.reason or "")
        words = awaiting.signature_words(session, args.number)
    if args.json:
        print_json({"id": args.number, "state": "confirmed" if confirming else "declined",
                    "words": words})
    else:
        print(f"Signature {args.number}: {words}.")
    return 0


def _confirm(args: argparse.Namespace) -> int:
    return _resolve(args, True)


def _decline(args: argparse.Namespace) -> int:
    return _resolve(args, False)


def add_commands(subparsers: Any) -> None:
    parser = command(subparsers, "awaiting", _list,
                     "what awaits my confirmation (decisions recorded for me), to confirm or "
                     "decline")
    json_option(parser)
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    p = command(actions, "confirm", _confirm,
                "confirm a decision recorded for you; it counts from now")
    p.add_argument("number", type=whole_number, metavar="N", help="its number in the list")
    json_option(p)
    p = command(actions, "decline", _decline, "decline a decision recorded for you")
    p.add_argument("number", type=whole_number, metavar="N", help="its number in the list")
    p.add_argument("--reason", help="why")
    json_option(p)
