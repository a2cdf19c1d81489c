"""`isms whoami`, `isms access on|off`: who the register thinks you are, what you may change,
and whether access control is on."""

from __future__ import annotations

import argparse
from typing import Any

from ..db import commit
from ..services import access
from .common import command, json_option, opened
from .output import print_json


def _whoami(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        data = access.describe(session)
    if args.json:
        print_json(data)
        return 0
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
    p = command(subparsers, "access", _access,
                "turn access control on (roles decide who changes what) or off")
    p.add_argument("state", choices=["on", "off"])
