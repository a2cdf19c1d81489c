"""`isms context issues|parties|requirements|climate|check`: the context register (ISO/IEC 27001
4.1, 4.2 with Amendment 1:2024), through the calls the window makes (isms.services.context).

    isms context issues add --kind external --category legal "New data protection law" ...
    isms context climate --not-relevant --justification "..." --decided-by "Ann Lee"
    isms context parties add "Information Commissioner's Office" --kind regulator
    isms context requirements add IP-001 "Report a breach within 72 hours" --control 5.24
    isms context check
"""

from __future__ import annotations

import argparse
from typing import Any

from ..errors import NotFoundError, UsageError
from ..model.context import ContextIssue, InterestedParty, PartyRequirement
from ..services import context
from .common import (
    clearable,
    command,
    department_filter,
    json_option,
    opened,
    review_date,
    whole_number,
)
from .output import print_json, print_record, print_table


def _day(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _name(person: Any) -> str | None:
    return person.name if person is not None else None


def _department(record: ContextIssue | InterestedParty) -> str:
    return record.department.code if record.department is not None else ""


def _issue_json(issue: ContextIssue) -> dict[str, Any]:
    data: dict[str, Any] = {
        "ref": issue.ref, "kind": str(issue.kind), "category": issue.category,
        "issue": issue.issue, "effect": issue.effect, "owner": _name(issue.owner),
        "department": _department(issue) or None, "review_date": _day(issue.review_date),
        "status": str(issue.status)}
    if issue.decision is not None:
        data.update(decision=str(issue.decision), justification=issue.justification,
                    decided_by=_name(issue.decided_by), decided_on=_day(issue.decided_on))
    return data


def _requirement_json(row: PartyRequirement) -> dict[str, Any]:
    return {"id": row.id, "text": row.text, "source": row.source,
            "controls": [control.ref for control in row.controls],
            "retired": row.retired_at is not None}


def _party_json(party: InterestedParty, *, requirements: bool = True) -> dict[str, Any]:
    data: dict[str, Any] = {
        "ref": party.ref, "name": party.name, "kind": party.kind, "notes": party.notes,
        "owner": _name(party.owner), "department": _department(party) or None,
        "review_date": _day(party.review_date), "status": str(party.status)}
    if requirements:
        data["requirements"] = [_requirement_json(row) for row in party.requirements
                                if row.retired_at is None]
    return data


def _values(args: argparse.Namespace, fields: tuple[str, ...]) -> dict[str, Any]:
    return {field: getattr(args, field) for field in fields
            if getattr(args, field, None) is not None}


def _show(args: argparse.Namespace, data: dict[str, Any], said: str = "") -> None:
    if args.json:
        print_json(data)
        return
    if said:
        print(said)
    print_record([(key.replace("_", " "), value) for key, value in data.items()
                  if not isinstance(value, list) or key == "controls"])
    for row in data.get("requirements", []):
        controls = ", ".join(row["controls"]) or "no control yet"
        source = f" [{row['source']}]" if row["source"] else ""
        print(f"  requirement {row['id']}: {row['text']}{source} -> {controls}")


# --- issues -------------------------------------------------------------------------------------

_ISSUE_FIELDS = ("kind", "category", "issue", "effect", "owner", "department", "review_date")


def _issues_list(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        rows = [_issue_json(issue) for issue in context.issues(
            session, department=department_filter(session, args), kind=args.kind,
            include_retired=args.include_retired)]
    if args.json:
        print_json(rows)
    else:
        print_table(["Ref", "Kind", "Category", "Issue", "Owner", "Dept", "Review"],
                    [(r["ref"], r["kind"], r["category"],
                      r["issue"] + (f" ({r['decision']})" if "decision" in r else ""),
                      r["owner"], r["department"] or "all", r["review_date"] or "-")
                     for r in rows])
    return 0


def _issues_show(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        data = _issue_json(context.issue_by_ref(session, args.ref))
    _show(args, data)
    return 0


def _issues_add(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        changed = context.add_issue(session, _values(args, _ISSUE_FIELDS))
        data = _issue_json(session.get_one(ContextIssue,
                                           context.record_id(changed, ContextIssue)))
    _show(args, data, f"Added context issue {data['ref']}.")
    return 0


def _issues_update(args: argparse.Namespace) -> int:
    values = _values(args, _ISSUE_FIELDS)
    if not values:
        raise UsageError("Give at least one field to change (see `isms context issues update -h`).")
    with opened(args) as register, register.session() as session:
        issue = context.issue_by_ref(session, args.ref)
        context.update_issue(session, issue, values)
        data = _issue_json(issue)
    _show(args, data, f"Updated context issue {data['ref']}.")
    return 0


def _issues_retire(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        issue = context.issue_by_ref(session, args.ref)
        context.retire_issue(session, issue)
        data = _issue_json(issue)
    _show(args, data, f"Retired context issue {data['ref']}.")
    return 0


def _issue_options(p: argparse.ArgumentParser, *, update: bool) -> None:
    clear = " ('' for none)" if update else ""
    p.add_argument("--kind", choices=["internal", "external"], required=not update,
                   help="internal or external")
    p.add_argument("--category", required=not update,
                   help=f"one of {', '.join(context.CATEGORIES)}")
    p.add_argument("--effect", metavar="TEXT", help="what it does to the ISMS")
    p.add_argument("--owner", metavar="NAME|EMAIL", help="who watches it" + clear)
    p.add_argument("--department", metavar="CODE|NAME",
                   help="the department it concerns (none: council-wide)" + clear)
    p.add_argument("--review-date", type=clearable(review_date), metavar="YYYY-MM-DD",
                   help="when it is next reviewed" + clear)
    json_option(p)



# --- the climate decision -----------------------------------------------------------------------


def _climate(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        if args.relevant is None:
            if args.justification:
                raise UsageError("Say --relevant or --not-relevant with the justification.")
            issue = context.climate_decision(session)
            if issue is None:
                raise NotFoundError(
                    "No climate decision yet: `isms context climate --relevant|--not-relevant "
                    "--justification TEXT` records it.")
            _show(args, _issue_json(issue))
            return 0
        if not args.justification:
            raise UsageError("--justification: say why climate change is or is not relevant.")
        changed = context.decide_climate(
            session, relevant=args.relevant, justification=args.justification,
            decided_by=args.decided_by, decided_on=args.decided_on,
            review_date=args.review_date, effect=args.effect or "")
        data = _issue_json(session.get_one(ContextIssue,
                                           context.record_id(changed, ContextIssue)))
    _show(args, data, f"Recorded the climate decision ({data['decision']}) as {data['ref']}.")
    return 0


# --- interested parties and requirements --------------------------------------------------------

_PARTY_FIELDS = ("name", "kind", "notes", "owner", "department", "review_date")


def _parties_list(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        rows = [_party_json(party) for party in context.parties(
            session, department=department_filter(session, args),
            include_retired=args.include_retired)]
    if args.json:
        print_json(rows)
    else:
        print_table(["Ref", "Name", "Kind", "Requirements", "Owner", "Dept", "Review"],
                    [(r["ref"], r["name"], r["kind"], len(r["requirements"]), r["owner"],
                      r["department"] or "all", r["review_date"] or "-") for r in rows])
    return 0


def _parties_show(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        data = _party_json(context.party_by_ref(session, args.ref))
    _show(args, data)
    return 0


def _parties_add(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        changed = context.add_party(session, _values(args, _PARTY_FIELDS))
        data = _party_json(session.get_one(InterestedParty,
                                           context.record_id(changed, InterestedParty)))
    _show(args, data, f"Added interested party {data['ref']}.")
    return 0


def _parties_update(args: argparse.Namespace) -> int:
    values = _values(args, _PARTY_FIELDS)
    if not values:
        raise UsageError(
            "Give at least one field to change (see `isms context parties update -h`).")
    with opened(args) as register, register.session() as session:
        party = context.party_by_ref(session, args.ref)
        context.update_party(session, party, values)
        data = _party_json(party)
    _show(args, data, f"Updated interested party {data['ref']}.")
    return 0


def _parties_retire(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        party = context.party_by_ref(session, args.ref)
        context.retire_party(session, party)
        data = _party_json(party)
    _show(args, data, f"Retired interested party {data['ref']}.")
    return 0


def _party_options(p: argparse.ArgumentParser, *, update: bool) -> None:
    clear = " ('' for none)" if update else ""
    p.add_argument("--kind", required=not update,
                   help=f"what kind of party: {', '.join(context.PARTY_KINDS)}...")
    p.add_argument("--notes", metavar="TEXT", help="who they are, how the council hears them")
    p.add_argument("--owner", metavar="NAME|EMAIL", help="who keeps in touch" + clear)
    p.add_argument("--department", metavar="CODE|NAME",
                   help="the department they concern (none: council-wide)" + clear)
    p.add_argument("--review-date", type=clearable(review_date), metavar="YYYY-MM-DD",
                   help="when their needs are next reviewed" + clear)
    json_option(p)


def _requirement_values(args: argparse.Namespace) -> dict[str, Any]:
    values = _values(args, ("text", "source"))
    if args.control is not None:
        values["controls"] = [ref.strip() for refs in args.control for ref in refs.split(",")
                              if ref.strip()]
    return values


def _requirement_shown(args: argparse.Namespace, row: PartyRequirement, said: str) -> None:
    data = _requirement_json(row)
    if args.json:
        print_json({"party": row.party.ref, **data})
    else:
        print(f"{said} requirement {row.id} of {row.party.ref} ({row.party.name}): {row.text}; "
              f"answered by {', '.join(data['controls']) or 'no control yet'}")


def _requirements_add(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        party = context.party_by_ref(session, args.party)
        changed = context.add_requirement(session, party, _requirement_values(args))
        row = session.get_one(PartyRequirement, context.record_id(changed, PartyRequirement))
        _requirement_shown(args, row, "Added")
    return 0


def _requirements_update(args: argparse.Namespace) -> int:
    values = _requirement_values(args)
    if not values:
        raise UsageError(
            "Give at least one field to change (see `isms context requirements update -h`).")
    with opened(args) as register, register.session() as session:
        row = context.requirement(session, args.id)
        context.update_requirement(session, row, values)
        _requirement_shown(args, row, "Updated")
    return 0


def _requirements_retire(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        row = context.requirement(session, args.id)
        context.retire_requirement(session, row)
        _requirement_shown(args, row, "Retired")
    return 0


def _requirement_options(p: argparse.ArgumentParser, *, update: bool) -> None:
    p.add_argument("--source", metavar="TEXT",
                   help="where it is written: a law, a contract, a code of connection...")
    p.add_argument("--control", action="append", metavar="REF[,REF...]",
                   help="a control that answers it (repeat, or give a list)"
                   + (": replaces the list ('' for none)" if update else ""))
    json_option(p)


# --- the check ----------------------------------------------------------------------------------


def _check(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        found = context.check(session)
    if args.json:
        print_json([{"ref": f.ref or None, "finding": f.text} for f in found])
    elif not found:
        print("The context register has what 4.1 and 4.2 ask for: nothing to follow up.")
    else:
        for finding in found:
            print(f"{finding.ref or 'register'}: {finding.text}")
    return 0


def add_commands(subparsers: Any) -> None:
    """The `isms context` group."""
    group = subparsers.add_parser(
        "context", help="the organisation's context: issues, the climate decision, interested "
        "parties (ISO/IEC 27001 4.1, 4.2)", description="the context register (4.1, 4.2)")
    nouns = group.add_subparsers(dest="noun", metavar="WHAT", required=True)

    issues = nouns.add_parser("issues", help="internal and external issues")
    actions = issues.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = command(actions, "list", _issues_list, "list the current issues")
    p.add_argument("--department", metavar="CODE|NAME",
                   help="only this department's (and council-wide) issues")
    p.add_argument("--kind", choices=["internal", "external", "climate"])
    p.add_argument("--include-retired", action="store_true")
    json_option(p)
    p = command(actions, "show", _issues_show, "show one issue")
    p.add_argument("ref", help="its reference, e.g. CI-001")
    json_option(p)
    p = command(actions, "add", _issues_add, "add an internal or external issue")
    p.add_argument("issue", help="the issue, in a line")
    _issue_options(p, update=False)
    p = command(actions, "update", _issues_update, "change an issue (the fields given)")
    p.add_argument("ref", help="its reference, e.g. CI-001")
    p.add_argument("--issue", metavar="TEXT", help="the issue, in a line")
    _issue_options(p, update=True)
    p = command(actions, "retire", _issues_retire,
                "retire an issue that no longer bears on the ISMS (kept, off the lists)")
    p.add_argument("ref", help="its reference, e.g. CI-001")
    json_option(p)

    p = command(nouns, "climate", _climate,
                "show or record whether climate change is a relevant issue (4.1, Amd 1:2024)")
    decision = p.add_mutually_exclusive_group()
    decision.add_argument("--relevant", dest="relevant", action="store_const", const=True)
    decision.add_argument("--not-relevant", dest="relevant", action="store_const", const=False)
    p.add_argument("--justification", metavar="TEXT", help="why (required with a decision)")
    p.add_argument("--effect", metavar="TEXT", help="what it does to the ISMS, when relevant")
    p.add_argument("--decided-by", metavar="NAME|EMAIL", help="who decided")
    p.add_argument("--decided-on", type=review_date, metavar="YYYY-MM-DD",
                   help="when (default: today)")
    p.add_argument("--review-date", type=review_date, metavar="YYYY-MM-DD",
                   help="when the decision is next reviewed")
    json_option(p)

    parties = nouns.add_parser("parties", help="interested parties (4.2)")
    actions = parties.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = command(actions, "list", _parties_list, "list the current interested parties")
    p.add_argument("--department", metavar="CODE|NAME",
                   help="only this department's (and council-wide) parties")
    p.add_argument("--include-retired", action="store_true")
    json_option(p)
    p = command(actions, "show", _parties_show, "show a party and its requirements")
    p.add_argument("ref", help="its reference, e.g. IP-001")
    json_option(p)
    p = command(actions, "add", _parties_add, "add an interested party")
    p.add_argument("name", help="who they are")
    _party_options(p, update=False)
    p = command(actions, "update", _parties_update, "change a party (the fields given)")
    p.add_argument("ref", help="its reference, e.g. IP-001")
    p.add_argument("--name", metavar="TEXT", help="who they are")
    _party_options(p, update=True)
    p = command(actions, "retire", _parties_retire,
                "retire a party the ISMS no longer answers to (kept, off the lists)")
    p.add_argument("ref", help="its reference, e.g. IP-001")
    json_option(p)

    requirements = nouns.add_parser("requirements", help="what an interested party requires")
    actions = requirements.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = command(actions, "add", _requirements_add, "add a requirement of a party")
    p.add_argument("party", metavar="PARTY", help="the party's reference, e.g. IP-001")
    p.add_argument("text", help="the requirement, in a line or two")
    _requirement_options(p, update=False)
    p = command(actions, "update", _requirements_update, "change a requirement")
    p.add_argument("id", type=whole_number, help="the requirement's number")
    p.add_argument("--text", metavar="TEXT", help="the requirement")
    _requirement_options(p, update=True)
    p = command(actions, "retire", _requirements_retire,
                "retire a requirement that no longer applies (kept, off the lists)")
    p.add_argument("id", type=whole_number, help="the requirement's number")
    json_option(p)

    p = command(nouns, "check", _check,
                "what the context register lacks: the climate decision, reviews overdue, "
                "requirements nothing answers")
    json_option(p)
