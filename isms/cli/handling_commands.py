"""`isms handling list | show | add | update | retire`: how each asset is handled through its life,
kept by hand through the calls the window makes (``edits.add_practice``, the practice editor's
recorded save, ``edits.retire_practice``), so an update or a retirement can be taken back with
`isms revert`. A retired practice stays in the register: `list --include-retired` and `show`
give it, with the day it was retired.

`isms handling check` and `to-risk` (method_commands) check the practices against the rules.
A practice is named by its number, which `isms handling list` and `check` print.
"""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..db import commit
from ..errors import UsageError
from ..method.handling import SAFEGUARDS
from ..model import HandlingChannel, HandlingPractice, HandlingStage
from ..services import edits
from ..services.read import lists, queries
from .common import (
    command,
    department_filter,
    json_option,
    numbered,
    opened,
    revert_hint,
    whole_number,
)
from .output import print_json, print_record, print_table

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from ..services.edits import Saved

_TEXTS = (("stage", "stage"), ("channel", "channel"), ("description", "description"),
          ("third_party", "third_party"))
_FLAGS = (("agreement", "has_agreement"), ("offshore", "offshore"),
          ("retention_months", "retention_months"))


def _practice(session: Session, number: int) -> HandlingPractice:
    return numbered(session, HandlingPractice, number, "handling practice", "isms handling list")


def _as_json(practice: HandlingPractice) -> dict[str, Any]:
    return {
        "id": practice.id,
        "asset": practice.asset.ref,
        "department": practice.asset.department.code,
        "stage": practice.stage.value,
        "channel": practice.channel.value if practice.channel else None,
        "safeguards": list(practice.safeguards),
        "third_party": practice.third_party,
        "agreement": practice.has_agreement,
        "retention_months": practice.retention_months,
        "offshore": practice.offshore,
        "description": practice.description,
        "retired_on": _day(practice.retired_at),
    }


def _day(at: datetime | None) -> str | None:
    """The local day of a UTC timestamp, as the CLI prints dates."""
    return at.astimezone().date().isoformat() if at is not None else None


def _values(args: argparse.Namespace) -> dict[str, Any]:
    """The fields the options give (those left out are not in it), as the services take them;
    the services check them (a wrong stage or safeguard is refused naming the field)."""
    values: dict[str, Any] = {}
    for option, field in (*_TEXTS, *_FLAGS):
        if getattr(args, option) is not None:
            values[field] = getattr(args, option)
    if args.safeguards is not None:
        values["safeguards"] = [s.strip() for s in args.safeguards.split(",") if s.strip()]
    return values


def _print_practices(args: argparse.Namespace, practices: list[HandlingPractice], said: str,
                     saved: Saved) -> None:
    data = [_as_json(practice) for practice in practices]
    if args.json:
        print_json({"practices": data, "change": saved.change_id})
        return
    for item in data:
        by = f" by {item['channel']}" if item["channel"] else ""
        print(f"{said} practice {item['id']} of {item['asset']}: {item['stage']}{by} "
              f"[{', '.join(item['safeguards']) or 'no safeguards'}]" + revert_hint(saved))


def _handling_list(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        department = department_filter(session, args)
        rows = lists.handling_rows(session, lists.handling_ids(
            session, department=department, search=args.search,
            include_retired=args.include_retired))
    if args.json:
        print_json([{"id": r.id, "asset": r.asset_ref, "asset_name": r.asset_name,
                     "stage": r.stage, "channel": r.channel,
                     "safeguards": r.safeguards.split(", ") if r.safeguards else [],
                     "third_party": r.third_party, "agreement": r.agreement,
                     "retention_months": r.retention_months,
                     "retired_on": _day(r.retired_at)} for r in rows])
    else:
        retired = args.include_retired  # the Retired column only when they are asked for
        print_table(["#", "Asset", "Stage", "Channel", "Safeguards", "Third party"]
                    + (["Retired"] if retired else []),
                    [(r.id, r.asset_ref, r.stage, r.channel, r.safeguards, r.third_party)
                     + ((_day(r.retired_at),) if retired else ()) for r in rows])
    return 0


def _handling_show(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        data = _as_json(_practice(session, args.number))
    if args.json:
        print_json(data)
    else:
        # "retired on: 2026-12-07" only for a retired practice.
        print_record([(key.replace("_", " "), value) for key, value in data.items()
                      if key != "retired_on" or value is not None])
    return 0


def _handling_add(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        assets = [queries.asset_by_ref(session, ref) for ref in args.asset]
        values = _values(args)
        added = [edits.add_practice(session, asset.id, values) for asset in assets]
        commit(session)
        _print_practices(args, [_practice(session, saved.record_id) for saved in added
                                if saved.record_id is not None], "Added", added[-1])
    return 0


def _handling_update(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        practice = _practice(session, args.number)
        values = _values(args)
        if not values:
            raise UsageError("Give at least one field to change (see `isms handling update -h`).")
        saved = edits.save(session, "handling practice", practice.id, practice.version, values)
        commit(session)
        _print_practices(args, [practice],
                         "Updated" if saved.change_id is not None else "Nothing to change in",
                         saved)
    return 0


def _handling_retire(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        practice = _practice(session, args.number)
        saved = edits.retire_practice(session, practice.id, practice.version)
        commit(session)
        data = _as_json(practice)
    if args.json:
        print_json({"retired": data, "change": saved.change_id})
    else:
        by = f" by {data['channel']}" if data["channel"] else ""
        print(f"Retired practice {data['id']} of {data['asset']}: {data['stage']}{by}"
              + revert_hint(saved))
    return 0


def _retention(text: str) -> int | None:
    """Months to keep it, or '' for not known."""
    if not text.strip():
        return None
    try:
        int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a number of months (or '' for not known)") from None
    return whole_number(text)  # and not beyond what the register holds


def _field_options(p: argparse.ArgumentParser, *, update: bool) -> None:
    p.add_argument("--stage", required=not update, metavar="STAGE",
                   help=f"one of {', '.join(s.value for s in HandlingStage)}")
    p.add_argument("--channel", metavar="CHANNEL",
                   help="how it moves, for a transferred or shared stage: "
                   f"{', '.join(c.value for c in HandlingChannel)}"
                   + (" ('' for none)" if update else ""))
    p.add_argument("--safeguards", metavar="CODE,...",
                   help=f"the safeguards in place, of {', '.join(SAFEGUARDS)}"
                   + (" (replaces the list; '' for none)" if update else ""))
    p.add_argument("--third-party", metavar="NAME", help="who receives it (shared stage)")
    p.add_argument("--agreement", action=argparse.BooleanOptionalAction, default=None,
                   help="a data-sharing agreement covers it")
    p.add_argument("--retention-months", type=_retention, metavar="N",
                   help="how long it is kept, in months")
    p.add_argument("--offshore", action=argparse.BooleanOptionalAction, default=None,
                   help="it is held or sent outside the UK")
    p.add_argument("--description", metavar="TEXT", help="the practice in more words")
    json_option(p)


def add_commands(handling_actions: Any) -> None:
    """`list`, `show`, `add`, `update` and `retire` in the `isms handling` group (method_commands
    makes it)."""
    p = command(handling_actions, "list", _handling_list,
                "list the handling practices in use of live assets")
    p.add_argument("--department", metavar="CODE|NAME", help="only this department's assets")
    p.add_argument("--search", metavar="TEXT", help="asset reference, name or third party")
    p.add_argument("--include-retired", action="store_true",
                   help="list retired practices too, with the day each was retired")
    json_option(p)

    p = command(handling_actions, "show", _handling_show, "show one handling practice in full")
    p.add_argument("number", type=whole_number, metavar="N", help="the practice's number")
    json_option(p)

    p = command(handling_actions, "add", _handling_add,
                "record how an asset is handled at one stage of its life")
    p.add_argument("asset", nargs="+", metavar="ASSET",
                   help="the asset's reference (several: the same practice for each)")
    _field_options(p, update=False)

    p = command(handling_actions, "update", _handling_update,
                "change a handling practice (recorded: `isms revert` takes it back)")
    p.add_argument("number", type=whole_number, metavar="N", help="the practice's number")
    _field_options(p, update=True)

    p = command(handling_actions, "retire", _handling_retire,
                "retire a practice the asset is no longer handled by: it stays in the register, "
                "out of the lists and checks (`isms revert` puts it back in use)")
    p.add_argument("number", type=whole_number, metavar="N", help="the practice's number")
    json_option(p)
