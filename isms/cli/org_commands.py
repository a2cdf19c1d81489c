"""`isms departments list | add | update | move` and `isms people list | add | update`: the
council's structure (departments as a tree) and who is who, with the usernames, roles and
department limits access control uses (isms.db.access_guard)."""

from __future__ import annotations

import argparse
from typing import Any

from sqlalchemy.orm import Session

from isms.services import access, edits, records
from isms.services.edits import Saved
from isms.services.read import queries

from ..db import commit
from ..errors import UsageError
from ..model import Department, Person, Role
from .common import command, json_option, opened, revert_hint
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


def _department(session: Session, code: str) -> Department:
    department = session.get(Department, queries.department_id(session, code))
    assert department is not None  # department_id found it in this session
    return department


def _save_department(session: Session, department: Department, edited: dict[str, Any]) -> Saved:
    """A department edit from the command line: the department editor's recorded save, so
    `isms revert` takes it back, committed."""
    saved = edits.save(session, "department", department.id, department.version, edited,
                       name=department.code)
    commit(session)
    return saved


def _departments_update(args: argparse.Namespace) -> int:
    edited: dict[str, Any] = {
        field: value
        for field, value in (("name", args.name), ("code", args.new_code),
                             ("in_scope", args.in_scope), ("description", args.description))
        if value is not None
    }
    if not edited:
        raise UsageError(
            "Say what to change: --name, --code, --in-scope, --out-of-scope or --description."
        )
    with opened(args) as register, register.session() as session:
        department = _department(session, args.code)
        saved = _save_department(session, department, edited)
        if args.json:
            print_json({
                "code": department.code,
                "name": department.name,
                "parent": department.parent.code if department.parent else None,
                "in_scope": department.in_scope,
                "description": department.description,
                "change": saved.change_id,
            })
        else:
            print(f"Updated department {department.code} ({department.name})."
                  + revert_hint(saved))
    return 0


def _departments_move(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        department = _department(session, args.code)
        parent = None if args.top else _department(session, args.under)
        saved = _save_department(
            session, department, {"parent_id": parent.id if parent else None}
        )
        where = f"under {parent.code} ({parent.name})" if parent else "at the top of the tree"
        print(f"Department {department.code} is now {where}." + revert_hint(saved))
    return 0


def _people_list(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        listed = queries.people(session, active_only=not args.all)
        data: list[dict[str, Any]] = [
            {
                "name": p.name,
                "email": p.email,
                "department": p.department.code if p.department else None,
                "roles": sorted(str(r) for r in p.roles),
                "active": p.active,
                # Only on request: scripts reading the list's JSON keep the keys they know.
                **(
                    {
                        "username": p.username,
                        "limited_to": sorted(row.department.code for row in p.department_limits),
                    }
                    if args.access
                    else {}
                ),
            }
            for p in listed
        ]
        # People an import made from a name in a file (an owner given as a job title).
        verified = [p.verified for p in listed]
    if args.json:
        print_json(data)
    else:
        print_table(
            ["Name", "E-mail", "Dept", "Roles", "Active"]
            + (["Username", "Limited to"] if args.access else []),
            [
                (p["name"] + ("" if known else " (unverified)"),
                 p["email"], p["department"], ", ".join(p["roles"]), p["active"])
                + ((p["username"], ", ".join(p["limited_to"])) if args.access else ())
                for p, known in zip(data, verified, strict=True)
            ],
        )
    return 0


def _department_ids(session: Any, codes: str) -> list[int]:
    """``ENV,CHS`` as department ids; blank (``--departments ""``) for none."""
    return [queries.department_id(session, code) for code in codes.split(",") if code.strip()]


def _access_fields(session: Any, person: Person, args: argparse.Namespace) -> None:
    if args.username is not None:
        access.set_username(session, person, args.username)
    if args.departments is not None:
        access.set_department_limits(session, person, _department_ids(session, args.departments))


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
        _access_fields(session, person, args)
        commit(session)
        print(f"Added {person.name}" + (f" <{person.email}>" if person.email else "") + ".")
    return 0


def _people_update(args: argparse.Namespace) -> int:
    fields: dict[str, Any] = {}
    with opened(args) as register, register.session() as session:
        person = queries.person(session, args.person)
        if args.name is not None:
            fields["name"] = args.name
        if args.email is not None:
            fields["email"] = args.email
        if args.department is not None:
            fields["department_id"] = (
                queries.department_id(session, args.department) if args.department else None
            )
        if args.role is not None or args.no_roles:
            fields["roles"] = {Role(r) for r in args.role or []}
        if args.left:
            fields["active"] = False
        if args.verified:
            fields["verified"] = True
        if not fields and args.username is None and args.departments is None:
            raise UsageError(
                "Say what to change: --name, --email, --department, --username, --role, "
                "--no-roles, --departments, --left or --verified."
            )
        # A recorded save (the person editor's): `isms revert` takes it back.
        saved = edits.save(session, "person", person.id, person.version, fields,
                           name=person.name) if fields else None
        _access_fields(session, person, args)
        commit(session)
        print(f"Updated {person.name}" + (revert_hint(saved) if saved else "") + ".")
    return 0


def _access_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--username",
        help="the login they act under (OS user for a register file, database login for a "
        "server register); the first username turns access control on; blank for none",
    )
    p.add_argument(
        "--departments",
        metavar="CODE,CODE",
        help="limit their changes to these departments' records; blank for every department",
    )


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
    p = command(actions, "update", _departments_update,
                "change a department's name, code, scope or description")
    p.add_argument("code", metavar="CODE|NAME", help="the department to change")
    p.add_argument("--name", help="its new full name")
    p.add_argument("--code", dest="new_code", metavar="NEW", help="its new short code")
    scope = p.add_mutually_exclusive_group()
    scope.add_argument("--in-scope", dest="in_scope", action="store_const", const=True,
                       help="inside the ISMS scope")
    scope.add_argument("--out-of-scope", dest="in_scope", action="store_const", const=False,
                       help="outside the ISMS scope")
    p.add_argument("--description", help="what it does (blank for none)")
    json_option(p)
    p = command(actions, "move", _departments_move,
                "place a department under another one, or at the top of the tree")
    p.add_argument("code", metavar="CODE|NAME", help="the department to move")
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--under", metavar="PARENT", help="the department it sits under")
    where.add_argument("--top", action="store_true", help="no department above it")

    group = subparsers.add_parser(
        "people", help="people and their roles", description="people and their roles"
    )
    actions = group.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = command(actions, "list", _people_list, "list people")
    p.add_argument("--all", action="store_true", help="people who have left too")
    p.add_argument(
        "--access", action="store_true", help="their usernames and department limits too"
    )
    json_option(p)
    p = command(actions, "add", _people_add, "add a person")
    p.add_argument("name")
    p.add_argument("--email")
    p.add_argument("--department", metavar="CODE|NAME")
    p.add_argument(
        "--role",
        action="append",
        choices=[r.value for r in Role],
        help="a role they hold; repeatable (administrator; approver or siro; smg member, "
        "information asset owner, risk owner or control owner edit; no role: viewer)",
    )
    _access_options(p)
    p = command(
        actions, "update", _people_update, "change a person's details, login, roles or limits"
    )
    p.add_argument("person", metavar="NAME|EMAIL")
    p.add_argument("--name")
    p.add_argument("--email", help="blank for none")
    p.add_argument("--department", metavar="CODE|NAME", help="blank for none")
    p.add_argument(
        "--role",
        action="append",
        choices=[r.value for r in Role],
        help="the roles they hold from now on (replaces the ones held); repeatable",
    )
    p.add_argument("--no-roles", action="store_true", help="take every role away")
    p.add_argument("--left", action="store_true", help="they have left (inactive)")
    p.add_argument("--verified", action="store_true",
                   help="confirm a person an import made from a name in a file (unverified)")
    _access_options(p)
