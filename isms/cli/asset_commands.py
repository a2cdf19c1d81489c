"""`isms assets add | update | retire`: keeping the asset register by hand, through the same
calls as the window (``edits.add_asset``, the asset editor's recorded save, the bulk retire),
so an update or a retirement can be taken back with `isms revert`."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from isms.services import classification, edits
from isms.services.edits import bulk
from isms.services.read import queries
from isms.services.read.asset_record import asset_record

from ..db import commit
from ..errors import UsageError
from ..model import AssetType
from .common import command, json_option, named_by, opened, revert_hint, review_date
from .output import print_json

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from ..services.edits import Saved

#: The options that say who or what by name, and the field each sets.
_NAMED = (("owner", "owner_id"), ("custodian", "custodian_id"), ("marking", "marking_id"))
_RATINGS = ("confidentiality", "integrity", "availability")
_TEXTS = (("ref", "ref"), ("name", "name"), ("description", "description"),
          ("location", "location"), ("type", "asset_type"))
_FLAGS = ("personal_data", "special_category")


def _id_of(session: Session, option: str, text: str) -> int | None:
    """The id what ``--option`` names stands for ("" clears the field); one not found is
    refused naming the option ("--owner: No person 'Zed' in this register.")."""
    if not text.strip():
        return None

    def find() -> int:
        if option == "department":
            return queries.department_id(session, text)
        if option == "marking":
            return classification.marking(session, text).id
        return queries.person(session, text).id

    return named_by(f"--{option}", option, find)


def _values(session: Session, args: argparse.Namespace) -> dict[str, Any]:
    """The fields the options give (those left out are not in it), as the services take them."""
    values: dict[str, Any] = {}
    for option, field in _TEXTS:
        if getattr(args, option, None) is not None:
            values[field] = getattr(args, option)
    if "asset_type" in values:  # "Software" as well as "software"
        values["asset_type"] = values["asset_type"].strip().lower()
    for option, field in _NAMED:
        if getattr(args, option) is not None:
            values[field] = _id_of(session, option, getattr(args, option))
    for field in _RATINGS:  # '' clears a rating: the services take None for "not rated"
        if getattr(args, field) is not None:
            values[field] = getattr(args, field) if getattr(args, field) != "" else None
    for field in (*_FLAGS, "next_review"):
        if getattr(args, field) is not None:
            values[field] = getattr(args, field)
    return values


def _print_asset(session: Session, args: argparse.Namespace, asset_id: int, said: str,
                 saved: Saved) -> None:
    record = asset_record(session, asset_id)
    if args.json:
        print_json({**record.as_json(), "change": saved.change_id})
    else:
        print(f"{said} {record.ref}: {record.name} ({record.department_name}, "
              f"{record.status})" + revert_hint(saved))


def _assets_add(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        values = _values(session, args)
        values["department_id"] = _id_of(session, "department", args.department)
        saved = edits.add_asset(session, values)
        commit(session)
        assert saved.record_id is not None  # a new asset has an id once added
        _print_asset(session, args, saved.record_id, "Added", saved)
    return 0


def _assets_update(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        asset = queries.asset_by_ref(session, args.asset)
        values = _values(session, args)
        if args.department is not None:
            values["department_id"] = _id_of(session, "department", args.department)
        if not values:
            raise UsageError("Give at least one field to change (see `isms assets update -h`).")
        saved = edits.save(session, "asset", asset.id, asset.version, values, name=asset.ref)
        commit(session)
        _print_asset(session, args, asset.id,
                     "Updated" if saved.change_id is not None else "Nothing to change in", saved)
    return 0


def _assets_retire(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        found = [queries.asset_by_ref(session, ref) for ref in args.refs]
        refs = {asset.id: asset.ref for asset in found}
        saved = bulk.retire(session, list(refs))
        commit(session)
    if args.json:
        print_json({"retired": saved.count, "assets": list(refs.values()),
                    "change": saved.change_id})
    elif saved.count:
        print(f"Retired {bulk.assets_phrase(saved.count)}" + revert_hint(saved) + ".")
    else:
        print(f"Nothing to retire: {', '.join(refs.values())} "
              f"{'is' if len(refs) == 1 else 'are'} retired already.")
    return 0


# --- options --------------------------------------------------------------------------------


def _rating(text: str) -> int | str:
    """A C/I/A rating as given: a whole number (the services check the scale), or '' for none."""
    if not text.strip():
        return ""
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a rating: give a whole number (1 lowest), or '' for none"
        ) from None


def _field_options(p: argparse.ArgumentParser, *, update: bool) -> None:
    clear = " ('' for none)" if update else ""
    types = ", ".join(kind.value for kind in AssetType)
    p.add_argument("--ref", help="its reference" + (
        "" if update else " (default: the department's next, e.g. HSG-0042)"))
    p.add_argument("--type", metavar="TYPE", help=f"one of {types}" + (
        "" if update else " (default: information)"))
    p.add_argument("--description", metavar="TEXT", help="what the asset is")
    p.add_argument("--location", metavar="TEXT", help="where it is kept")
    p.add_argument("--owner", metavar="NAME|EMAIL",
                   help="the information asset owner" + clear)
    p.add_argument("--custodian", metavar="NAME|EMAIL",
                   help="who looks after it day to day" + clear)
    p.add_argument("--marking", metavar="LABEL",
                   help="a protective marking of the current scheme" + clear)
    for field in _RATINGS:
        p.add_argument(f"--{field}", type=_rating, metavar="N", help=f"{field} rating" + clear)
    p.add_argument("--personal-data", action=argparse.BooleanOptionalAction, default=None,
                   help="it holds personal data")
    p.add_argument("--special-category", action=argparse.BooleanOptionalAction, default=None,
                   help="it holds special category personal data (health, ethnicity...)")
    p.add_argument("--next-review", type=review_date, metavar="YYYY-MM-DD",
                   help="when its owner next attests it" + (
                       "" if update else " (default: on the criteria's interval)"))
    json_option(p)


def add_commands(assets_actions: Any) -> None:
    """`add`, `update` and `retire` in the `isms assets` group (read_commands makes it)."""
    p = command(assets_actions, "add", _assets_add,
                "add an asset by hand; prints its new reference")
    p.add_argument("name", help="the asset's name")
    p.add_argument("--department", required=True, metavar="CODE",
                   help="the department it belongs to (code or name)")
    _field_options(p, update=False)

    p = command(assets_actions, "update", _assets_update,
                "change an asset's fields (recorded: `isms revert` takes it back)")
    p.add_argument("asset", metavar="REF", help="the asset's reference")
    p.add_argument("--name", help="a new name")
    p.add_argument("--department", metavar="CODE", help="move it to this department")
    _field_options(p, update=True)

    p = command(assets_actions, "retire", _assets_retire,
                "retire assets (kept in the register as retired; `isms revert` takes it back)")
    p.add_argument("refs", nargs="+", metavar="REF", help="the assets' references")
    json_option(p)
