"""`isms markings list | add` (the current scheme's markings and the local labels departments use
for them) and `isms method scheme [NAME]` (which protective-marking scheme is current)."""

from __future__ import annotations

import argparse
from typing import Any

from isms.services import classification

from ..db import commit
from .common import command, json_option, opened
from .output import print_json, print_table


def _markings_list(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        scheme = classification.current_scheme(session).name
        rows = classification.markings(session)
    if args.json:
        print_json({"scheme": scheme, "markings": [
            {"label": r.label, "rank": r.rank, "stands_for": r.stands_for} for r in rows]})
    else:
        print(f"{scheme}, least to most sensitive:")
        print_table(["Rank", "Marking", "Local label for"],
                    [(r.rank, r.label, r.stands_for) for r in rows])
    return 0


def _markings_add(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        added = classification.add_local_label(session, args.label, stands_for=args.marking)
        scheme = classification.current_scheme(session).name
        commit(session)
        what = f"local label {added.label} for {added.stands_for}" if added.stands_for else (
            f"marking {added.label}")  # a scheme of the register's own has no preset to stand for
        print(f"Added the {what} ({scheme}).")
    return 0


def _method_scheme(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        if args.name is not None:
            chosen = classification.set_current_scheme(session, args.name)
            commit(session)
            print(f"{chosen.name} is now the current scheme: new markings are chosen from it.")
            return 0
        current = classification.current_scheme(session)
        data: list[dict[str, Any]] = [{"name": s.name, "current": s.id == current.id,
                 "markings": [m.label for m in s.markings]}
                for s in classification.schemes(session)]
    if args.json:
        print_json(data)
    else:
        for scheme in data:
            mark = "*" if scheme["current"] else " "
            print(f"{mark} {scheme['name']}: {', '.join(scheme['markings'])}")
        print("(* current; `isms method scheme NAME` chooses another)")
    return 0


def add_commands(subparsers: Any, method_actions: Any) -> None:
    group = subparsers.add_parser(
        "markings",
        help="protective markings of the current scheme and local labels",
        description="protective markings of the current scheme and local labels",
    )
    actions = group.add_subparsers(dest="action", metavar="ACTION", required=True)
    json_option(command(actions, "list", _markings_list,
                        "the current scheme's markings, with the local labels among them"))
    p = command(actions, "add", _markings_add,
                "add the words a department uses for a marking of the current scheme")
    p.add_argument("label", help='the local label, e.g. "Council Confidential"')
    p.add_argument("--as", dest="marking", required=True, metavar="MARKING",
                   help="the scheme's marking it stands for, e.g. OFFICIAL-SENSITIVE")

    p = command(method_actions, "scheme", _method_scheme,
                "print the protective-marking schemes, or make NAME the current one "
                "(administrators)")
    p.add_argument("name", nargs="?", metavar="NAME", help="the scheme to make current")
    json_option(p)
