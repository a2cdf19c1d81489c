"""`isms whoami`, `isms access on|off`: who the register thinks you are, what you may change,
and whether access control is on."""

from __future__ import annotations

import argparse
from typing import Any

from ..db import commit
from ..errors import UsageError
from ..services import access, grants
from .common import command, json_option, opened
from .output import print_json


def _identity_words(data: dict[str, Any]) -> str:
    """Why the register names you so: the server's word for its login, else the account
    running isms (never an environment variable such as LOGNAME or USER)."""
    if data["identity_source"] == "database-login":
        return "the database login the server reports, on a PostgreSQL register"
    uid = f" (uid {data['uid']})" if "uid" in data else ""
    return f"the operating-system account running isms{uid}, on a register file"


def _whoami(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        data = access.describe(session)
    if args.json:
        print_json(data)
        return 0
    print(f"You are {data['actor']}: {_identity_words(data)}.")
    person = f" ({data['person']})" if data["person"] else ""
    print(f"{data['actor']}{person}: {data['level']}")
    if not data["access_control"]:
        print("Access control is off: nobody in this register has a username yet, so whoever "
              "can open it may change everything.")
    elif data["creator"]:
        print("You created this register, so you are one of its administrators.")
    elif data["person"] is None:
        print(f"Nobody in this register has the username {data['actor']}: you may read and "
              "export only. An administrator can add you with `isms people update NAME "
              f"--username {data['actor']} --role ...`.")
    if data["departments"] is not None:
        print(f"Your changes are limited to: {', '.join(data['departments'])}.")
    return 0


def _access(args: argparse.Namespace) -> int:
    on = args.state == "on"
    with opened(args) as register, register.session() as session:
        access.set_enforced(session, on)
        commit(session)
    print("Access control is on: people change only what their roles allow." if on else
          "Access control is off: whoever can open the register may change everything.")
    return 0


def add_commands(subparsers: Any) -> None:
    p = command(subparsers, "whoami", _whoami,
                "who you are in the register and what you may change")
    json_option(p)
    p = command(subparsers, "access", _access_or_grants,
                "turn access control on (roles decide who changes what) or off; `grants`: the "
                "PostgreSQL roles and grants that make the server enforce the levels too")
    p.add_argument("state", choices=["on", "off", "grants"])
    p.add_argument("--apply", action="store_true",
                   help="grants: run the SQL (as the register's owner), not only print it")
    json_option(p)


def _access_or_grants(args: argparse.Namespace) -> int:
    if args.state == "grants":
        return _grants(args)
    if args.apply or args.json:
        raise UsageError("--apply and --json go with `isms access grants`")
    return _access(args)


def _grants(args: argparse.Namespace) -> int:
    """`isms access grants [--apply]`: the server's side of access control."""
    with opened(args) as register, register.session() as session:
        if args.apply:
            report = grants.apply_grants(session)
            commit(session)
        else:
            report = grants.grants(session)
    if args.json:
        print_json(report.as_json())
        return 0
    # Printed, the whole output is an SQL script: the report lines are comments.
    for statement in report.statements:
        print(f"{statement};")
    if not report.statements:
        print("-- The server already enforces these levels: nothing to change.")
    elif report.applied:
        print(f"-- Applied: {len(report.statements)} statement(s).")
    else:
        print("-- Not applied: run `isms access grants --apply` as the register's owner.")
    roles = ", ".join(f"{level.label} = {name}" for level, name in report.roles.items())
    print(f"-- Levels of {report.database}: {roles}.")
    for login in report.logins:
        role = report.roles[login.level] if login.level is not None else None
        _comment(login.describe(role))
    for note in report.notes:
        _comment(note)
    return 0


def _comment(text: str) -> None:
    """One SQL comment line: a name holding a line break must not end the comment and put
    the rest of the name into a script someone pipes to psql."""
    print("-- " + text.replace("\r", "\\r").replace("\n", "\\n"))
