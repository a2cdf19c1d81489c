"""`isms departments | people  list | add`: the council's structure and who is who."""

from __future__ import annotations

import argparse
from typing import Any

from ..db import commit
from ..model import Role
from ..services import queries, records
from .common import command, json_option, opened
from .output import print_json, print_table


def _departments_list(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        data = [
            {
                "code": d.code,
                "name": d.name,
                "parent": d.parent.code if d.parent else None,
                "in_scope": d.in_scope,
                "accreditation": str(d.accreditation_status),
            }
            for d in queries.departments(session)
        ]
    if args.json:
        print_json(data)
    else:
        print_table(
            ["Code", "Name", "Under", "In scope", "Accreditation"],
            [(d["code"], d["name"], d["parent"], d["in_scope"], d["accreditation"]) for d in data],
        )
    return 0


def _departments_add(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        parent = queries.department_id(session, args.parent) if args.parent else None
        department = records.add_department(
            session,
            code=args.code,
            name=args.name,
            parent_id=parent,
            in_scope=not args.out_of_scope,
        )
        commit(session)
        print(f"Added department {department.code} ({department.name}).")
    return 0


def _people_list(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        data: list[dict[str, Any]] = [
            {
                "name": p.name,
                "email": p.email,
                "department": p.department.code if p.department else None,
                "roles": sorted(str(r) for r in p.roles),
                "active": p.active,
            }
            for p in queries.people(session, active_only=not args.all)
        ]
    if args.json:
        print_json(data)
    else:
        print_table(
            ["Name", "E-mail", "Dept", "Roles", "Active"],
            [
                (p["name"], p["email"], p["department"], ", ".join(p["roles"]), p["active"])
                for p in data
            ],
        )
    return 0


def _people_add(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        department = queries.department_id(session, args.department) if args.department else None
        person = records.add_person(
            session,
            name=args.name,
            email=args.email or "",
            department_id=department,
            roles={Role(r) for r in args.role or []},
        )
        commit(session)
        print(f"Added {person.name}" + (f" <{person.email}>" if person.email else "") + ".")
    return 0


def add_commands(subparsers: Any) -> None:
    group = subparsers.add_parser(
        "departments", help="the council's departments", description="the council's departments"
    )
    actions = group.add_subparsers(dest="action", metavar="ACTION", required=True)
    json_option(command(actions, "list", _departments_list, "list the departments"))
    p = command(actions, "add", _departments_add, "add a department")
    p.add_argument("code", help="short code used in references, e.g. ENV")
    p.add_argument("name", help="full name")
    p.add_argument("--parent", metavar="CODE|NAME", help="the department it sits under")
    p.add_argument("--out-of-scope", action="store_true", help="outside the ISMS scope")

    group = subparsers.add_parser(
        "people", help="people and their roles", description="people and their roles"
    )
    actions = group.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = command(actions, "list", _people_list, "list people")
    p.add_argument("--all", action="store_true", help="people who have left too")
    json_option(p)
    p = command(actions, "add", _people_add, "add a person")
    p.add_argument("name")
    p.add_argument("--email")
    p.add_argument("--department", metavar="CODE|NAME")
    p.add_argument(
        "--role",
        action="append",
        choices=[r.value for r in Role],
        help="a role they hold; repeatable",
    )
