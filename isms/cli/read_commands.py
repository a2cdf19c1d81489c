"""`isms assets | risks | controls  list | show`: reading the register from scripts."""

from __future__ import annotations

import argparse
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from isms.services.imports.value_choices import written_labels
from isms.services.read import dashboard, queries
from isms.services.read.asset_record import asset_record_by_ref
from isms.services.read.risk_record import risk_record_by_ref
from isms.services.risks import TARGET_WITHOUT_PLAN

from ..errors import UsageError
from ..model import Control, ControlCorrespondence, ControlEdition, SoaEntry
from .common import command, json_option, opened, whole_number
from .output import print_json, print_record, print_table


def _list_options(parser: argparse.ArgumentParser, sort_keys: list[str]) -> None:
    json_option(parser)
    parser.add_argument("--department", metavar="CODE|NAME", help="only this department")
    parser.add_argument("--search", metavar="TEXT", help="reference, name, description or owner")
    parser.add_argument("--sort", choices=sort_keys, default="ref", help="sort column")
    parser.add_argument("--desc", action="store_true", help="sort descending")
    parser.add_argument("--limit", type=whole_number, metavar="N", help="at most N rows")
    parser.add_argument("--include-retired", action="store_true", help="list retired ones too")


def _filters(session: Session, args: argparse.Namespace) -> dict[str, Any]:
    if args.limit is not None and args.limit < 1:
        raise UsageError("--limit must be at least 1")
    return {
        "department": queries.department_id(session, args.department) if args.department else None,
        "search": args.search,
        "order_by": args.sort,
        "descending": args.desc,
        "include_retired": args.include_retired,
        "limit": args.limit,
    }


# --- assets ---------------------------------------------------------------------------------


def _assets_list(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        rows = queries.asset_rows(session, queries.asset_ids(session, **_filters(session, args)))
    if args.json:
        print_json([row.as_json() for row in rows])
    else:
        print_table(
            ["Ref", "Name", "Type", "Dept", "Owner", "Marking", "C", "I", "A", "Status", "Review"],
            [
                (
                    r.ref,
                    r.name,
                    r.asset_type,
                    r.department,
                    r.owner,
                    r.marking,
                    r.confidentiality,
                    r.integrity,
                    r.availability,
                    r.status,
                    r.next_review,
                )
                for r in rows
            ],
        )
    return 0


def _assets_show(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        record = asset_record_by_ref(session, args.ref)
        data = record.as_json()
        # Values an import translated (a marking "Confidential" read as OFFICIAL-SENSITIVE).
        data["as_written"] = [f"{k}: {v}" for k, v in written_labels(session, record.id).items()]
    if args.json:
        print_json(data)
    else:
        handling = [
            f"{h['stage']}{' by ' + h['channel'] if h['channel'] else ''}"
            f" [{', '.join(h['safeguards']) or 'no safeguards'}]"
            for h in data["handling"]
        ]
        print_record(
            [(k.replace("_", " "), v) for k, v in data.items() if k != "handling"]
            + [("handling", handling)]
        )
    return 0


# --- risks ----------------------------------------------------------------------------------


def _risks_list(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        rows = queries.risk_rows(session, queries.risk_ids(session, **_filters(session, args)))
        # A target within the appetite that nothing is planned to reach (issue 17).
        unplanned = set(dashboard.targets_without_plan(session))
    flags = {r.id: [TARGET_WITHOUT_PLAN] if r.id in unplanned else [] for r in rows}
    if args.json:
        print_json([{**row.as_json(), "flags": flags[row.id]} for row in rows])
    else:
        print_table(
            [
                "Ref",
                "Title",
                "Dept",
                "Owner",
                "Inherent",
                "Current",
                "Residual",
                "Treatment",
                "Status",
                "Review",
                "Flag",
            ],
            [
                (
                    r.ref,
                    r.title,
                    r.department,
                    r.owner,
                    r.inherent_level,
                    r.current_level,
                    r.residual_level,
                    r.treatment,
                    r.status,
                    r.next_review,
                    ", ".join(flags[r.id]),
                )
                for r in rows
            ],
        )
    return 0


def _risks_show(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        data = risk_record_by_ref(session, args.ref).as_json()
    if args.json:
        print_json(data)
    else:

        def score(s: dict[str, Any]) -> str:
            return f"{s['level']} (L{s['likelihood']} x I{s['impact']})" if s["level"] else "-"

        fields: list[tuple[str, Any]] = []
        for key, value in data.items():
            if key in ("inherent", "current", "residual"):
                value = score(value)
            elif key == "actions":
                value = [
                    f"#{a['id']} {a['title']} ({a['owner'] or 'no owner'}, due "
                    f"{a['due'] or '-'}, {a['status']})"
                    for a in value
                ]
            elif key == "acceptance" and value:
                value = f"by {value['by']} on {value['at'][:10]}, expires {value['expires'] or '-'}"
            fields.append((key.replace("_", " "), value))
        print_record(fields)
    return 0


# --- controls -------------------------------------------------------------------------------


def _control_json(control: Control) -> dict[str, Any]:
    return {
        "ref": control.ref,
        "title": control.title,
        "theme": control.theme,
        "edition": str(control.edition),
        # A retired local control stays in the register: the day it was retired.
        "retired_on": (control.retired_at.astimezone().date().isoformat()
                       if control.retired_at else None),
    }


def _controls_list(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        rows = queries.controls(session, ControlEdition(args.edition),
                                include_retired=args.include_retired)
        data = [_control_json(c) for c in rows]
    if args.json:
        print_json(data)
    else:
        print_table(
            ["Ref", "Theme", "Title"],
            [(c["ref"], c["theme"], c["title"]) for c in data],
            max_width=90,
        )
    return 0


def _controls_show(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        control = queries.control_by_ref(session, args.ref)
        if control.edition == ControlEdition.ISO27001_2013:
            mine, theirs = (
                ControlCorrespondence.control_2013_id,
                ControlCorrespondence.control_2022_id,
            )
        else:
            mine, theirs = (
                ControlCorrespondence.control_2022_id,
                ControlCorrespondence.control_2013_id,
            )
        related = (
            session.execute(
                select(Control)
                .join(ControlCorrespondence, Control.id == theirs)
                .where(mine == control.id)
                .order_by(Control.sort_key)
            )
            .scalars()
            .all()
        )
        entries = (
            session.execute(select(SoaEntry).where(SoaEntry.control_id == control.id))
            .scalars()
            .all()
        )
        data = _control_json(control) | {
            "corresponds_to": [f"{c.ref} ({c.edition})" for c in related],
            "soa": [
                {
                    "department": e.department.code,
                    "applicability": str(e.applicability),
                    "status": str(e.implementation_status),
                    "owner": e.owner.name if e.owner else None,
                }
                for e in sorted(entries, key=lambda e: e.department.code)
            ],
        }
    if args.json:
        print_json(data)
    else:
        soa = [f"{e['department']}: {e['applicability']}, {e['status']}" for e in data["soa"]]
        print_record(
            [(k.replace("_", " "), v) for k, v in data.items()
             if k != "soa" and (k != "retired_on" or v)] + [("SoA", soa)]
        )
    return 0


def add_commands(subparsers: Any) -> dict[str, Any]:
    """Adds the read commands; returns each noun's ACTION subparsers so others can add to them."""
    groups: dict[str, Any] = {}
    for noun, list_handler, show_handler, sort_keys, help_text in (
        ("assets", _assets_list, _assets_show, list(queries.ASSET_SORT), "the asset register"),
        ("risks", _risks_list, _risks_show, list(queries.RISK_SORT), "the risk register"),
    ):
        group = subparsers.add_parser(noun, help=help_text, description=help_text)
        actions = groups[noun] = group.add_subparsers(
            dest="action", metavar="ACTION", required=True
        )
        _list_options(command(actions, "list", list_handler, f"list {noun}"), sort_keys)
        p = command(actions, "show", show_handler, f"show one of the {noun} in full")
        p.add_argument("ref", help="its reference")
        json_option(p)

    group = subparsers.add_parser(
        "controls", help="Annex A and local controls", description="Annex A and local controls"
    )
    actions = groups["controls"] = group.add_subparsers(
        dest="action", metavar="ACTION", required=True)
    p = command(actions, "list", _controls_list, "list a catalogue's controls in clause order")
    p.add_argument("--edition", choices=[e.value for e in ControlEdition], default="2022")
    p.add_argument("--include-retired", action="store_true",
                   help="retired local controls too")
    json_option(p)
    p = command(actions, "show", _controls_show, "show a control, its correspondence and SoA")
    p.add_argument("ref", help="clause number, e.g. 5.15 or A.9.2.1")
    json_option(p)
    return groups
