"""`isms risks add | update | retire`: identifying a risk by hand, rewording it, retiring it.

``add`` and ``update`` make the calls the window's new-risk dialog and risk editor make
(``edits.add_risk``, ``edits.save_risk``); an update is recorded, so ``isms revert`` takes it
back. A retired risk is kept, never deleted.
"""

from __future__ import annotations

import argparse
from functools import partial
from typing import TYPE_CHECKING, Any

from ..db import commit
from ..errors import UsageError
from ..model import Risk, Threat, Vulnerability
from ..services import edits
from ..services import risks as risk_service
from ..services.read import queries
from .common import command, json_option, named_by, opened, revert_hint
from .output import print_json

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def _asset_id(session: Session, ref: str) -> int:
    return queries.asset_by_ref(session, ref).id


def _summary(risk: Risk) -> dict[str, Any]:
    return {
        "ref": risk.ref,
        "title": risk.title,
        "description": risk.description,
        "department": risk.department.code,
        "owner": risk.owner.name if risk.owner else None,
        "assets": [asset.ref for asset in risk.assets],
        "threat": risk.threat.code if risk.threat else None,
        "vulnerability": risk.vulnerability.code if risk.vulnerability else None,
        "status": risk.status.value,
    }


def _risks_add(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        values: dict[str, Any] = {
            "title": args.title,
            "description": args.description or "",
            "department_id": named_by("--department", "department_id",
                                    lambda: queries.department_id(session, args.department)),
            "owner_id": named_by("--owner", "owner_id",
                               lambda: queries.person(session, args.owner).id)
            if args.owner else None,
            "asset_ids": [named_by("--asset", "asset_ids", partial(_asset_id, session, ref))
                          for ref in args.asset or []],
            "threat_id": named_by("--threat", "threat_id",
                                lambda: risk_service.catalogue_id(session, Threat, args.threat))
            if args.threat else None,
            "vulnerability_id": named_by(
                "--vulnerability", "vulnerability_id",
                lambda: risk_service.catalogue_id(session, Vulnerability, args.vulnerability))
            if args.vulnerability else None,
        }
        saved = edits.add_risk(session, values)
        commit(session)
        risk = session.get(Risk, saved.record_id)
        assert risk is not None
        summary = _summary(risk)
    if args.json:
        print_json(summary)
    else:
        print(f"Created {summary['ref']}: {summary['title']} (score it with "
              f"`isms risks score {summary['ref']}`)")
    return 0


def _risks_update(args: argparse.Namespace) -> int:
    if args.title is None and args.description is None and args.owner is None:
        raise UsageError("Give at least one of --title, --description, --owner.")
    with opened(args) as register, register.session() as session:
        risk = queries.risk_by_ref(session, args.ref)
        edited: dict[str, Any] = {}
        if args.title is not None:
            edited["title"] = args.title
        if args.description is not None:
            edited["description"] = args.description
        if args.owner is not None:
            edited["owner_id"] = named_by("--owner", "owner_id",
                                        lambda: queries.person(session, args.owner).id)
        saved = edits.save_risk(session, risk.id, risk.version, edited, name=risk.ref)
        commit(session)
        summary = _summary(risk)
    if args.json:
        print_json({**summary, "change": saved.change_id})
    elif saved.change_id is None:
        print(f"{summary['ref']}: nothing to change.")
    else:
        print(f"{summary['ref']} saved: {summary['title']}; owner {summary['owner'] or '-'}"
              + revert_hint(saved))
    return 0


def _risks_retire(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        risk = queries.risk_by_ref(session, args.ref)
        saved = edits.retire_risk(session, risk.id, risk.version, args.reason, name=risk.ref)
        commit(session)
        summary = _summary(risk)
    if args.json:
        print_json({**summary, "change": saved.change_id})
    else:
        print(f"{summary['ref']} retired: it stays in the register, out of the live risks"
              f"{revert_hint(saved)}.")
    return 0


def add_commands(risks_actions: Any) -> None:
    """The verbs on ``isms risks`` (the group ``read_commands`` makes)."""
    p = command(risks_actions, "add", _risks_add,
                "identify a new risk in a department; prints its reference")
    p.add_argument("title", help="what could happen, in a line")
    p.add_argument("--department", required=True, metavar="CODE",
                   help="the department the risk belongs to (code or name)")
    p.add_argument("--owner", metavar="PERSON", help="the risk owner (name or e-mail)")
    p.add_argument("--asset", action="append", metavar="REF",
                   help="an asset the risk is to; repeatable")
    p.add_argument("--threat", metavar="CODE", help="a threat of the catalogue (T01...)")
    p.add_argument("--vulnerability", metavar="CODE",
                   help="a vulnerability of the catalogue (V01...)")
    p.add_argument("--description", metavar="TEXT", help="the risk in more words")
    json_option(p)

    p = command(risks_actions, "update", _risks_update,
                "change a risk's title, description or owner (recorded: `isms revert` undoes it)")
    p.add_argument("ref", help="risk reference")
    p.add_argument("--title", metavar="TEXT")
    p.add_argument("--description", metavar="TEXT")
    p.add_argument("--owner", metavar="PERSON", help="the new risk owner (name or e-mail)")
    json_option(p)

    p = command(risks_actions, "retire", _risks_retire,
                "retire a risk that no longer applies (kept in the register, never deleted)")
    p.add_argument("ref", help="risk reference")
    p.add_argument("--reason", required=True, metavar="TEXT",
                   help="why it no longer applies (kept with the risk's description)")
    json_option(p)
