"""`isms changes` and `isms revert`: the recorded saves (from the window or the command line)
and taking one back, through the same services as the window's Edit → Undo
(isms.services.edits): version-checked, refused with nothing written when a record changed
since."""

from __future__ import annotations

import argparse
from typing import Any

from isms.services import edits

from .common import command, json_option, opened, whole_number
from .output import print_json, print_table


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number above 0")
    return whole_number(text)  # and not beyond what the register holds


def _changes(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        found = edits.recent(session, args.limit)
    if args.json:
        print_json([change.as_json() for change in found])
        return 0
    print_table(
        ["Id", "When (UTC)", "Who", "What", "State"],
        [(c.id, c.at.strftime("%Y-%m-%d %H:%M"), c.actor, c.text, c.state.value) for c in found],
    )
    return 0


def _revert(args: argparse.Namespace) -> int:
    with opened(args) as register, register.transaction() as session:
        moved = edits.redo_change(session, args.change) if args.redo else edits.undo_change(
            session, args.change)
    print(moved.message)
    return 0


def add_commands(subparsers: Any) -> None:
    p = command(subparsers, "changes", _changes,
                "list the recent recorded saves that can be taken back (isms revert)")
    p.add_argument("--limit", type=_positive, default=20, metavar="N",
                   help="how many, newest first (default 20)")
    json_option(p)
    p = command(subparsers, "revert", _revert,
                "take back one recorded save (see isms changes); refused, with nothing written, "
                "when a record it changed was changed since")
    p.add_argument("change", type=_positive, metavar="CHANGE", help="the change's id")
    p.add_argument("--redo", action="store_true",
                   help="make a change that was taken back again")
