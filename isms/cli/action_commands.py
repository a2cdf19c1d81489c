"""`isms actions list | show | add | update | close | defer | answer`: the treatment actions of
risks, through the calls the window makes (``edits.add_action``, the action editor's recorded
save, ``edits.close_action``, ``actions.defer_action``), so an update or a closing can be taken
back with `isms revert`; and the actions review meetings set (`--review`), each about its
subject: closing one while the subject still shows the condition that raised it needs
`--reason`; an escalation takes the SIRO's answer (`isms actions answer`).

A treatment action has no reference of its own: it is named by its number, which `isms actions
list` and `isms risks show` print. A review action is named by its meeting and number, as the
agenda names it ("SMG-2026-11/A5").
"""

from __future__ import annotations

import argparse
from datetime import date
from typing import TYPE_CHECKING, Any

from ..db import commit
from ..errors import UsageError
from ..model import ActionDeferral, ActionStatus, ReviewAction, TreatmentAction
from ..model.risk import ACTION_PRIORITIES
from ..services import actions, edits
from ..services.read import lists, queries
from ..services.reviews.action_subjects import closed_over_condition, subject_labels
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


def _action_name(text: str) -> int | str:
    """An argparse type: a treatment action's number (a whole number the register can hold),
    else a review action's name ("SMG-2026-11/A5"), looked up when the register is open."""
    return whole_number(text) if text.strip().isdigit() else text


def _either(session: Session, name: int | str) -> TreatmentAction | ReviewAction:
    """A treatment action by its number (12), or a review action by its meeting and number
    ("SMG-2026-11/A5")."""
    if isinstance(name, int):
        return _action(session, name)
    return actions.review_action(session, name)


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _deferrals(deferrals: list[ActionDeferral]) -> list[dict[str, Any]]:
    return [{"from": _day(d.from_date), "to": _day(d.to_date), "reason": d.reason,
             "by": d.deferred_by, "at": d.deferred_at.isoformat()} for d in deferrals]


def _as_json(action: TreatmentAction) -> dict[str, Any]:
    return {
        "id": action.id,
        "risk": action.risk.ref,
        "subject": f"{action.risk.ref} {action.risk.title}",
        "title": action.title,
        "description": action.description,
        "owner": action.owner.name if action.owner else None,
        "priority": action.priority or None,
        "resources": action.resources or None,
        "original_due": _day(action.original_due_date or action.due_date),
        "due": _day(action.due_date),
        "status": action.status.value,
        "completed_on": _day(action.completed_on),
        "control": action.control.ref if action.control else None,
        "deferrals": _deferrals(action.deferrals),
        "close_reason": closed_over_condition(action.description),
    }


def _review_json(session: Session, action: ReviewAction) -> dict[str, Any]:
    key = (action.subject_table or "", action.subject_id or 0)
    return {
        "ref": actions.review_action_ref(action),
        "meeting": action.meeting.ref,
        "subject": subject_labels(session, [key]).get(key),
        "subject_table": action.subject_table,
        "subject_id": action.subject_id,
        "title": action.title,
        "owner": action.owner.name if action.owner else None,
        "due": _day(action.due_date),
        "status": action.status.value,
        "escalation": action.escalation,
        "answer": action.answer or None,
        "answered_by": action.answered_by,
        "answered_at": action.answered_at.isoformat() if action.answered_at else None,
        "close_reason": action.close_reason or None,
        "deferrals": _deferrals(action.deferrals),
    }


def _history(deferrals: list[dict[str, Any]]) -> str:
    """Each slip on one line: "2026-10-01 -> 2026-12-01: why (who, when)"."""
    return "; ".join(f"{d['from'] or 'no date'} -> {d['to']}: {d['reason']} ({d['by']}, "
                     f"{d['at'][:10]})" for d in deferrals) or "-"


def _actor(session: Session) -> str:
    return str(session.info.get("actor") or "unknown")


def _owner_id(session: Session, text: str) -> int | None:
    """The person ``--owner`` names ('' for none)."""
    if not text.strip():
        return None
    return named_by("--owner", "owner_id", lambda: queries.person(session, text).id)


def _values(session: Session, args: argparse.Namespace) -> dict[str, Any]:
    """The fields the options give (those left out are not in it)."""
    values: dict[str, Any] = {}
    for option in ("title", "description", "status", "priority", "resources"):
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


def _review_list(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        found = [_review_json(session, a) for a in
                 actions.review_actions(session, open_only=args.open)]
    if args.json:
        print_json(found)
    else:
        print_table(["Action", "Subject", "Title", "Owner", "Due", "Status", "Escalation"],
                    [(a["ref"], a["subject"], a["title"], a["owner"], a["due"], a["status"],
                      ("answered" if a["answer"] else "awaiting the SIRO's answer")
                      if a["escalation"] else "") for a in found])
    return 0


def _actions_list(args: argparse.Namespace) -> int:
    if args.review:
        return _review_list(args)
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
        found = _either(session, args.action_name)
        data = (_as_json(found) if isinstance(found, TreatmentAction)
                else _review_json(session, found))
    if args.json:
        print_json(data)
    else:
        print_record([(key.replace("_", " "),
                       _history(value) if key == "deferrals" else value)
                      for key, value in data.items()])
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
        action = _either(session, args.action_name)
        if isinstance(action, ReviewAction):
            condition = actions.close_review_action(
                session, action, outcome, args.reason or args.note or "", today=date.today())
            commit(session)
            _print_review(session, args, action, "Closed" + (
                f" while {condition}" if condition else ""))
            return 0
        # The last open action of a risk still above its target needs --reason.
        saved = edits.close_action(session, action.id, action.version, outcome,
                                   args.note or "", reason=args.reason or "")
        commit(session)
        _print_action(args, action, "Closed", saved)
    return 0


def _print_review(session: Session, args: argparse.Namespace, action: ReviewAction,
                  said: str) -> None:
    data = _review_json(session, action)
    if args.json:
        print_json(data)
    else:
        print(f"{said}: review action {data['ref']} {data['title']} ({data['status']}; owner "
              f"{data['owner'] or '-'}, due {data['due'] or '-'})")


def _actions_defer(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        action = _either(session, args.action_name)
        today = date.today()
        if isinstance(action, TreatmentAction):
            actions.defer_action(session, action.id, args.to, args.reason or "",
                                 actor=_actor(session), today=today)
        else:
            actions.defer(session, action, args.to, args.reason or "", actor=_actor(session),
                          today=today)
        commit(session)
        data = (_as_json(action) if isinstance(action, TreatmentAction)
                else _review_json(session, action))
    if args.json:
        print_json(data)
    else:
        name = data.get("ref") or f"action {data['id']} of {data['risk']}"
        print(f"Deferred {name}: {data['title']} now due {data['due']} (deferrals: "
              f"{_history(data['deferrals'])})")
    return 0


def _actions_answer(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        action = actions.answer_named(session, args.action_name, args.answer,
                                      actor=_actor(session))
        commit(session)
        _print_review(session, args, action, "Recorded the SIRO's answer to")
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
    p.add_argument("--priority", choices=[*ACTION_PRIORITIES, *([""] if update else [])],
                   help="how urgent it is" + clear)
    p.add_argument("--resources", metavar="TEXT",
                   help="what it needs: people, money, tools" + clear)
    json_option(p)


_NAMED = "a treatment action's number, or a review action as MEETING/A<number>"


def add_commands(subparsers: Any) -> None:
    """The `isms actions` group."""
    group = subparsers.add_parser(
        "actions", help="the treatment actions of risks and the actions review meetings set",
        description="the treatment actions of risks and the actions review meetings set")
    verbs = group.add_subparsers(dest="action", metavar="ACTION", required=True)

    p = command(verbs, "list", _actions_list, "list treatment actions, soonest due first")
    p.add_argument("--department", metavar="CODE|NAME", help="only this department's risks")
    p.add_argument("--search", metavar="TEXT", help="risk reference, title or owner")
    p.add_argument("--sort", choices=list(lists.ACTION_SORT), default="due_date")
    p.add_argument("--desc", action="store_true", help="sort descending")
    p.add_argument("--open", action="store_true", help="only actions still open or in progress")
    p.add_argument("--review", action="store_true",
                   help="the actions review meetings set (with their subject) instead")
    json_option(p)

    p = command(verbs, "show", _actions_show,
                "show one treatment action or review action in full, with its deferrals")
    p.add_argument("action_name", type=_action_name, metavar="N", help=_NAMED)
    json_option(p)

    p = command(verbs, "add", _actions_add, "add a treatment action to a risk")
    p.add_argument("risk", metavar="RISK", help="the risk's reference")
    p.add_argument("title", help="what is to be done, in a line")
    p.add_argument("--control", metavar="REF",
                   help="the Annex A or local control it puts in place")
    _field_options(p, update=False)

    p = command(verbs, "update", _actions_update,
                "change a treatment action (recorded: `isms revert` takes it back)")
    p.add_argument("number", type=whole_number, metavar="N", help="the action's number")
    p.add_argument("--title", metavar="TEXT", help="a new title")
    _field_options(p, update=True)

    p = command(verbs, "close", _actions_close,
                "close a treatment action (`isms revert` reopens it) or a review action as done "
                "or cancelled")
    p.add_argument("action_name", type=_action_name, metavar="N", help=_NAMED)
    outcome = p.add_mutually_exclusive_group(required=True)
    outcome.add_argument("--done", action="store_true", help="it was done")
    outcome.add_argument("--cancelled", action="store_true", help="it will not be done")
    p.add_argument("--note", metavar="TEXT",
                   help="what was done, or why it was cancelled (required to cancel)")
    p.add_argument("--reason", metavar="TEXT",
                   help="why it is closed while its subject still shows the condition: a "
                        "review action's, or a risk still above its target when this is its "
                        "last open action (required then; the next review sees it)")
    json_option(p)

    p = command(verbs, "defer", _actions_defer,
                "move an open action's due date later, keeping the original date and the "
                "history of deferrals")
    p.add_argument("action_name", type=_action_name, metavar="N", help=_NAMED)
    p.add_argument("--to", type=iso_date, required=True, metavar="YYYY-MM-DD",
                   help="the new due date (later than the current one)")
    p.add_argument("--reason", metavar="TEXT", required=True, help="why it slips")
    json_option(p)

    p = command(verbs, "answer", _actions_answer,
                "record the SIRO's answer to an escalation a review meeting set")
    p.add_argument("action_name", metavar="MEETING/AN", help="the escalation, e.g. SMG-2026-11/A5")
    p.add_argument("answer", help="the SIRO's answer, in words")
    json_option(p)
