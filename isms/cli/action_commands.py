"""`isms actions list | show | add | update | close`: the treatment actions of risks, through
the calls the window makes (``edits.add_action``, the action editor's recorded save,
``edits.close_action``), so an update or a closing can be taken back with `isms revert`.

An action has no reference of its own: it is named by its number, which `isms actions list`
and `isms risks show` print.
"""

from __future__ import annotations

import argparse
from datetime import date
from typing import TYPE_CHECKING, Any

from ..db import commit
from ..errors import UsageError
from ..model import ActionStatus, TreatmentAction
from ..services import edits
from ..services.read import lists, queries
from .common import (
    command,
    department_filter,
    iso_date,
    json_option,
    named_by,
    numbered,
    opened,
    revert_hint,
    whole_number,
)
from .output import print_json, print_record, print_table

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from ..services.edits import Saved


def _action(session: Session, number: int) -> TreatmentAction:
    return numbered(session, TreatmentAction, number, "treatment action", "isms actions list")


def _as_json(action: TreatmentAction) -> dict[str, Any]:
    return {
        "id": action.id,
        "risk": action.risk.ref,
        "title": action.title,
        "description": action.description,
        "owner": action.owner.name if action.owner else None,
        "due": action.due_date.isoformat() if action.due_date else None,
        "status": action.status.value,
        "completed_on": action.completed_on.isoformat() if action.completed_on else None,
        "control": action.control.ref if action.control else None,
    }


def _owner_id(session: Session, text: str) -> int | None:
    """The person ``--owner`` names ('' for none)."""
    if not text.strip():
        return None
    return named_by("--owner", "owner_id", lambda: queries.person(session, text).id)


def _values(session: Session, args: argparse.Namespace) -> dict[str, Any]:
    """The fields the options give (those left out are not in it)."""
    values: dict[str, Any] = {}
    for option in ("title", "description", "status"):
        if getattr(args, option, None) is not None:
            values[option] = getattr(args, option)
    if args.owner is not None:
        values["owner_id"] = _owner_id(session, args.owner)
    if args.due is not None:
        values["due_date"] = args.due or None
    return values


def _print_action(args: argparse.Namespace, action: TreatmentAction, said: str,
                  saved: Saved) -> None:
    data = _as_json(action)
    if args.json:
        print_json({**data, "change": saved.change_id})
    else:
        print(f"{said} action {data['id']} of {data['risk']}: {data['title']} "
              f"({data['status']}; owner {data['owner'] or '-'}, due {data['due'] or '-'})"
              + revert_hint(saved))


def _actions_list(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        department = department_filter(session, args)
        ids = lists.action_ids(session, department=department, search=args.search,
                               order_by=args.sort, descending=args.desc)
        rows = lists.action_rows(session, ids)
    if args.open:
        rows = [row for row in rows if row.status in lists.OPEN_ACTION]
    if args.json:
        print_json([{"id": r.id, "risk": r.risk_ref, "title": r.title, "owner": r.owner,
                     "due": r.due_date.isoformat() if r.due_date else None,
                     "status": r.status, "overdue": r.overdue} for r in rows])
    else:
        print_table(["#", "Risk", "Title", "Owner", "Due", "Status"],
                    [(r.id, r.risk_ref, r.title, r.owner, r.due_date,
                      r.status + (" (overdue)" if r.overdue else "")) for r in rows])
    return 0


def _actions_show(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        data = _as_json(_action(session, args.number))
    if args.json:
        print_json(data)
    else:
        print_record([(key.replace("_", " "), value) for key, value in data.items()])
    return 0


def _actions_add(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        risk = queries.risk_by_ref(session, args.risk)
        values = _values(session, args)
        if args.control:
            values["control_id"] = named_by(
                "--control", "control_id", lambda: queries.control_by_ref(session, args.control).id)
        saved = edits.add_action(session, risk.id, values)
        commit(session)
        assert saved.record_id is not None  # a new action has its number once added
        _print_action(args, _action(session, saved.record_id), "Added", saved)
    return 0


def _actions_update(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        action = _action(session, args.number)
        values = _values(session, args)
        if not values:
            raise UsageError("Give at least one field to change (see `isms actions update -h`).")
        saved = edits.save(session, "treatment action", action.id, action.version, values)
        commit(session)
        _print_action(args, action,
                      "Updated" if saved.change_id is not None else "Nothing to change in", saved)
    return 0


def _actions_close(args: argparse.Namespace) -> int:
    outcome = ActionStatus.DONE if args.done else ActionStatus.CANCELLED
    with opened(args) as register, register.session() as session:
        action = _action(session, args.number)
        saved = edits.close_action(session, action.id, action.version, outcome, args.note or "")
        commit(session)
        _print_action(args, action, "Closed", saved)
    return 0


# --- options --------------------------------------------------------------------------------


def _due(text: str) -> date | str:
    """A due date, or '' to clear it."""
    return "" if not text.strip() else iso_date(text)


def _field_options(p: argparse.ArgumentParser, *, update: bool) -> None:
    clear = " ('' for none)" if update else ""
    p.add_argument("--description", metavar="TEXT", help="what is to be done, in more words")
    p.add_argument("--owner", metavar="NAME|EMAIL", help="who does it" + clear)
    p.add_argument("--due", type=_due, metavar="YYYY-MM-DD", help="when it is due" + clear)
    p.add_argument("--status", choices=[s.value for s in ActionStatus],
                   help="where it stands" + ("" if update else " (default: open)"))
    json_option(p)


def add_commands(subparsers: Any) -> None:
    """The `isms actions` group."""
    group = subparsers.add_parser("actions", help="the treatment actions of risks",
                                  description="the treatment actions of risks")
    actions = group.add_subparsers(dest="action", metavar="ACTION", required=True)

    p = command(actions, "list", _actions_list, "list treatment actions, soonest due first")
    p.add_argument("--department", metavar="CODE|NAME", help="only this department's risks")
    p.add_argument("--search", metavar="TEXT", help="risk reference, title or owner")
    p.add_argument("--sort", choices=list(lists.ACTION_SORT), default="due_date")
    p.add_argument("--desc", action="store_true", help="sort descending")
    p.add_argument("--open", action="store_true", help="only actions still open or in progress")
    json_option(p)

    p = command(actions, "show", _actions_show, "show one treatment action in full")
    p.add_argument("number", type=whole_number, metavar="N", help="the action's number")
    json_option(p)

    p = command(actions, "add", _actions_add, "add a treatment action to a risk")
    p.add_argument("risk", metavar="RISK", help="the risk's reference")
    p.add_argument("title", help="what is to be done, in a line")
    p.add_argument("--control", metavar="REF",
                   help="the Annex A or local control it puts in place")
    _field_options(p, update=False)

    p = command(actions, "update", _actions_update,
                "change a treatment action (recorded: `isms revert` takes it back)")
    p.add_argument("number", type=whole_number, metavar="N", help="the action's number")
    p.add_argument("--title", metavar="TEXT", help="a new title")
    _field_options(p, update=True)

    p = command(actions, "close", _actions_close,
                "close a treatment action as done or cancelled (`isms revert` reopens it)")
    p.add_argument("number", type=whole_number, metavar="N", help="the action's number")
    outcome = p.add_mutually_exclusive_group(required=True)
    outcome.add_argument("--done", action="store_true", help="it was done")
    outcome.add_argument("--cancelled", action="store_true", help="it will not be done")
    p.add_argument("--note", metavar="TEXT",
                   help="what was done, or why it was cancelled (required to cancel)")
    json_option(p)
