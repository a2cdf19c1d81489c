"""`isms review plan | redate | start | agenda | decide | input | conclude | complete | sign |
minutes | due`: the SMG's review meetings from the command line, one step per command (one
transaction each)."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from isms.services.read import queries
from isms.services.reviews import meetings as reviews
from isms.services.reviews.common import AgendaItemView, meeting_by_ref
from isms.services.reviews.minutes import DEFAULT_MARKING, write_minutes

from ..errors import UsageError
from ..model import DecisionKind
from .common import command, iso_date, json_option, opened, review_date, whole_number
from .output import print_json, print_table

#: "accept", "add-action"... as well as the stored values ("accept until next review").
KINDS = {k.name.lower().replace("_", "-"): k for k in DecisionKind} | {
    k.value: k for k in DecisionKind}


def _kind(text: str) -> DecisionKind:
    kind = KINDS.get(text.strip().lower())
    if kind is None:
        names = ", ".join(k.name.lower().replace("_", "-") for k in DecisionKind)
        raise argparse.ArgumentTypeError(f"'{text}' is not a decision; choose one of {names}")
    return kind


def _person_id(session: Session, name: str | None) -> int | None:
    return queries.person(session, name).id if name else None


def _actor(session: Session) -> str:
    return str(session.info.get("actor", "unknown"))


def _plan(args: argparse.Namespace) -> int:
    with opened(args) as register, register.transaction() as session:
        meeting = reviews.plan_review(
            session, title=args.title, meeting_date=args.date,
            chair_id=_person_id(session, args.chair),
            department_ids=[queries.department_id(session, c) for c in args.department or []],
            attendee_ids=[queries.person(session, p).id for p in args.attendee or []],
            apology_ids=[queries.person(session, p).id for p in args.apologies or []],
            location=args.location or "")
        ref = meeting.ref
    print(f"Planned review {ref} on {args.date}.")
    return 0


def _item_row(item: AgendaItemView) -> tuple[Any, ...]:
    decision = item.decision
    return (item.position, item.kind.value, item.title,
            decision.kind.value if decision else "-",
            ", ".join(k.name.lower().replace("_", "-") for k in item.allowed))


def _item_json(item: AgendaItemView) -> dict[str, Any]:
    decision = item.decision
    return {
        "id": item.id, "position": item.position, "kind": item.kind.value, "title": item.title,
        "detail": item.detail, "subject_table": item.subject_table, "subject_id": item.subject_id,
        "subject_ref": item.subject_ref, "allowed": [k.value for k in item.allowed],
        "decision": None if decision is None else {
            "kind": decision.kind.value, "note": decision.note,
            "decided_by": decision.decided_by, "decided_at": decision.decided_at.isoformat(),
            "next_review": decision.next_review.isoformat() if decision.next_review else None,
            "effect": decision.effect},
    }


def _show(items: list[AgendaItemView], as_json: bool) -> None:
    if as_json:
        print_json([_item_json(i) for i in items])
        return
    print_table(["#", "Kind", "Item", "Decision", "Allowed"], [_item_row(i) for i in items],
                max_width=70)


def _start(args: argparse.Namespace) -> int:
    with opened(args) as register, register.transaction() as session:
        items = reviews.start_review(session, meeting_by_ref(session, args.ref).id,
                                     today=date.today())
    _show(items, False)
    print(f"\nReview {args.ref.upper()} started with {len(items)} agenda item(s).")
    return 0


def _agenda(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        items = reviews.agenda(session, meeting_by_ref(session, args.ref).id)
    _show(items, args.json)
    return 0


def _decide(args: argparse.Namespace) -> int:
    if (args.likelihood is None) != (args.impact is None):
        raise UsageError("Give --likelihood and --impact together.")
    with opened(args) as register, register.transaction() as session:
        meeting = meeting_by_ref(session, args.ref)
        item = next((i for i in meeting.agenda if i.position == args.position), None)
        if item is None:
            raise UsageError(f"{meeting.ref} has no agenda item {args.position}.")
        view = reviews.decide(
            session, item.id, args.kind, note=args.note or "", actor=_actor(session),
            today=date.today(), likelihood=args.likelihood, impact=args.impact,
            owner_id=_person_id(session, args.owner), action_title=args.action,
            due_date=args.due, approver_id=_person_id(session, args.for_approver),
            next_review=args.next_review)
    print(f"Item {args.position}: {view.kind.value}" + (f" - {view.effect}" if view.effect else ""))
    return 0


def _input(args: argparse.Namespace) -> int:
    with opened(args) as register, register.transaction() as session:
        item = reviews.add_input(session, meeting_by_ref(session, args.ref).id, args.title,
                                 args.detail or "")
    print(f"Added input as agenda item {item.position}.")
    return 0


def _conclude(args: argparse.Namespace) -> int:
    """Record the conclusions given; with none given, show them."""
    given = {key: text for key, _label in reviews.CONCLUSIONS
             if (text := getattr(args, key)) is not None}
    with opened(args) as register, register.transaction() as session:
        meeting = meeting_by_ref(session, args.ref)
        if given:
            reviews.conclude(session, meeting.id, **given)
        ref, stated = meeting.ref, reviews.conclusions(meeting)
    if args.json:
        print_json({"ref": ref, "conclusions": dict(stated)})
        return 0
    # Whole, one to a line: a conclusion cut at a column's width would say something else.
    for (_key, label), (_same, text) in zip(reviews.CONCLUSIONS, stated, strict=True):
        print(f"{label}: {text or 'not recorded yet'}")
    if given:
        missing = [key for key, text in stated if not text]
        print(f"\nRecorded {len(given)} conclusion(s) of review {ref}"
              + (f"; still to record: {', '.join(missing)}." if missing else "."))
    return 0


def _complete(args: argparse.Namespace) -> int:
    with opened(args) as register, register.transaction() as session:
        reviews.complete_review(session, meeting_by_ref(session, args.ref).id)
    print(f"Review {args.ref.upper()} completed; the chair can now sign it off.")
    return 0


def _sign(args: argparse.Namespace) -> int:
    with opened(args) as register, register.transaction() as session:
        meeting = meeting_by_ref(session, args.ref)
        reviews.sign_off(session, meeting.id, now=datetime.now(UTC))
        name = meeting.signed_off_by.name if meeting.signed_off_by else "-"
    print(f"Review {args.ref.upper()} signed off by {name}; it can no longer change.")
    return 0


def _redate(args: argparse.Namespace) -> int:
    with opened(args) as register, register.transaction() as session:
        meeting = reviews.redate(session, meeting_by_ref(session, args.ref).id, args.on,
                                 today=date.today())
        ref, on = meeting.ref, meeting.meeting_date.isoformat()
    if args.json:
        print_json({"ref": ref, "meeting_date": on})
    else:
        print(f"Review {ref} is now planned for {on}.")
    return 0


def _minutes(args: argparse.Namespace) -> int:
    out = Path(args.out).expanduser()
    if out.suffix.lower() != ".pdf":
        raise UsageError(f"Give the minutes a .pdf name, not '{out.name}'.")
    with opened(args) as register, register.session() as session:
        marked = write_minutes(session, meeting_by_ref(session, args.ref).id, out,
                               args.marking)
    warning = marked.warning("minutes")
    if warning:
        sys.stderr.write(f"Warning: {warning}\n")
    print(f"Wrote the minutes, marked {marked.label or DEFAULT_MARKING}, to {out.resolve()}")
    return 0


def _due(args: argparse.Namespace) -> int:
    today = date.today()
    with opened(args) as register, register.session() as session:
        before = args.before or reviews.default_horizon(session, today)
        department = queries.department_id(session, args.department) if args.department else None
        items = reviews.due_items(session, before=before, department_id=department, today=today)
    if args.json:
        print_json([{"kind": i.kind, "ref": i.ref, "title": i.title,
                     "due": i.due.isoformat() if i.due else None, "department": i.department}
                    for i in items])
        return 0
    print_table(["Due", "Kind", "Ref", "Title", "Department"],
                [(i.due, i.kind, i.ref, i.title, i.department) for i in items])
    print(f"\n{len(items)} item(s) fall due before {before}.")
    return 0


def add_commands(subparsers: Any) -> None:
    group = subparsers.add_parser(
        "review", help="the SMG's review meetings: plan, run, minute and sign off",
        description="the SMG's review meetings: plan, run, minute and sign off")
    actions = group.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = command(actions, "plan", _plan, "plan a meeting (whole council unless --department)")
    p.add_argument("--title", required=True)
    p.add_argument("--date", required=True, type=iso_date, metavar="YYYY-MM-DD")
    p.add_argument("--chair", required=True, metavar="PERSON", help="name or e-mail")
    p.add_argument("--department", action="append", metavar="CODE", help="repeat for several")
    p.add_argument("--attendee", action="append", metavar="PERSON", help="repeat for several")
    p.add_argument("--apologies", action="append", metavar="PERSON",
                   help="someone who sent apologies (repeat for several)")
    p.add_argument("--location")
    p = command(actions, "start", _start, "build the agenda from the register and start")
    p.add_argument("ref", metavar="REF")
    p = command(actions, "agenda", _agenda, "the agenda and the decisions so far")
    p.add_argument("ref", metavar="REF")
    json_option(p)
    p = command(actions, "decide", _decide, "record the decision on an agenda item")
    p.add_argument("ref", metavar="REF")
    p.add_argument("position", type=whole_number, metavar="POSITION")
    p.add_argument("kind", type=_kind, metavar="KIND",
                   help="noted, rescore, accept, add-action, close-action, change-owner, "
                        "escalate, retire, defer, close")
    p.add_argument("--note", help="the SMG's words (needed to defer, accept or set a date)")
    p.add_argument("--likelihood", type=whole_number, metavar="N", help="new residual likelihood")
    p.add_argument("--impact", type=whole_number, metavar="N", help="new residual impact")
    p.add_argument("--owner", metavar="PERSON", help="new owner, or the action's owner")
    p.add_argument("--action", metavar="TITLE", help="the action to add")
    p.add_argument("--due", type=iso_date, metavar="YYYY-MM-DD",
                   help="the action's due date (new due date when deferring an action)")
    p.add_argument("--for-approver", metavar="PERSON",
                   help="above the appetite: the approver whose sign-off you record (it awaits "
                        "their confirmation; default: you, if you hold the approver role)")
    p.add_argument("--next-review", type=review_date, metavar="YYYY-MM-DD",
                   help="off the cadence (say why in --note)")
    p = command(actions, "input", _input, "add a management review input to the agenda")
    p.add_argument("ref", metavar="REF")
    p.add_argument("title", metavar="TITLE")
    p.add_argument("--detail")
    p = command(actions, "conclude", _conclude,
                "record the meeting's conclusions (ISO/IEC 27001 9.3.3), needed to sign off; "
                "with no option, show them")
    p.add_argument("ref", metavar="REF")
    for key, label in reviews.CONCLUSIONS:
        p.add_argument(f"--{key}", metavar="TEXT", help=label.lower().replace("isms", "ISMS"))
    json_option(p)
    p = command(actions, "complete", _complete, "complete the meeting (every item decided)")
    p.add_argument("ref", metavar="REF")
    p = command(actions, "sign", _sign,
                "sign the completed meeting off, as yourself (its chair, approver role)")
    p.add_argument("ref", metavar="REF")
    p = command(actions, "redate", _redate,
                "move a planned meeting to the day it is held (it cannot start before its date)")
    p.add_argument("ref", metavar="REF")
    p.add_argument("--on", required=True, type=iso_date, metavar="YYYY-MM-DD")
    json_option(p)
    p = command(actions, "minutes", _minutes, "write the minutes (PDF)")
    p.add_argument("ref", metavar="REF")
    p.add_argument("--out", required=True, metavar="FILE.pdf")
    p.add_argument("--marking", metavar="LABEL",
                   help="the protective marking on every page (a marking of the current "
                        "scheme); default: the highest marking of what the agenda is about")
    p = command(actions, "due", _due, "what falls due before the next planned meeting")
    p.add_argument("--before", type=iso_date, metavar="YYYY-MM-DD",
                   help="default: the next planned meeting's date, else 30 days ahead")
    p.add_argument("--department", metavar="CODE")
    json_option(p)
