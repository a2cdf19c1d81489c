"""`isms controls add --local | update | retire`: the council's own controls (requirements
from PSN, CAF, DSPT, a contract...) beside Annex A, through the calls the window makes
(``edits.add_local_control``, the recorded ``edits.save``, ``edits.retire_local_control``), so
an update or a retirement can be taken back with `isms revert`. They are listed by
`isms controls list --edition local`, and a risk's treatment and the SoA use them like Annex A
controls (`isms risks treat R-0001 --control PSN-3`). A retired local control stays in the
register, off the SoA and the lists (`list --edition local --include-retired` gives it)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from ..db import commit
from ..errors import UsageError
from ..model import Control
from ..services import edits, local_controls
from .common import command, json_option, opened, revert_hint
from .output import print_json

if TYPE_CHECKING:
    from ..services.edits import Saved


def _as_json(control: Control) -> dict[str, Any]:
    retired = control.retired_at
    return {"ref": control.ref, "title": control.title, "source": control.theme,
            "description": control.description, "edition": str(control.edition),
            "retired_on": retired.astimezone().date().isoformat() if retired else None}


def _print_control(args: argparse.Namespace, control: Control, said: str, saved: Saved) -> None:
    data = _as_json(control)
    if args.json:
        print_json({**data, "change": saved.change_id})
    else:
        print(f"{said} local control {data['ref']}: {data['title']} ({data['source']})"
              + revert_hint(saved))


def _values(args: argparse.Namespace) -> dict[str, Any]:
    return {field: getattr(args, field) for field in ("ref", "title", "source", "description")
            if getattr(args, field, None) is not None}


def _controls_add(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        saved = edits.add_local_control(session, _values(args))
        commit(session)
        control = session.get(Control, saved.record_id)
        assert control is not None  # just added
        _print_control(args, control, "Added", saved)
    return 0


def _controls_update(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        control = local_controls.local_control_by_ref(session, args.control)
        values = _values(args)
        if not values:
            raise UsageError("Give at least one field to change (see `isms controls update -h`).")
        saved = edits.save(session, "local control", control.id, control.version, values,
                           name=control.ref)
        commit(session)
        _print_control(args, control,
                       "Updated" if saved.change_id is not None else "Nothing to change in",
                       saved)
    return 0


def _controls_retire(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        control = local_controls.local_control_by_ref(session, args.control)
        saved = edits.retire_local_control(session, control.id, control.version,
                                           name=control.ref)
        commit(session)
        data = _as_json(control)
    if args.json:
        print_json({"retired": data, "change": saved.change_id})
    else:
        print(f"Retired local control {data['ref']}: {data['title']}" + revert_hint(saved))
    return 0


def add_commands(controls_actions: Any) -> None:
    """`add`, `update` and `retire` in the `isms controls` group (read_commands makes it)."""
    p = command(controls_actions, "add", _controls_add,
                "add a local control (a requirement beyond Annex A) for the SoA and treatments")
    p.add_argument("--local", action="store_true", required=True,
                   help="a local control (Annex A comes with the register)")
    p.add_argument("ref", help="its reference, e.g. PSN-3 (not an Annex A number)")
    p.add_argument("title", help="the requirement, in a line")
    p.add_argument("--source", required=True, metavar="TEXT",
                   help=f"where it comes from: {', '.join(local_controls.SOURCES)}...")
    p.add_argument("--description", metavar="TEXT", help="the requirement in full")
    json_option(p)

    p = command(controls_actions, "update", _controls_update,
                "change a local control (recorded: `isms revert` takes it back)")
    p.add_argument("control", metavar="REF", help="the local control's reference")
    p.add_argument("--ref", help="a new reference")
    p.add_argument("--title", metavar="TEXT", help="a new title")
    p.add_argument("--source", metavar="TEXT", help="where it comes from")
    p.add_argument("--description", metavar="TEXT", help="the requirement in full")
    json_option(p)

    p = command(controls_actions, "retire", _controls_retire,
                "retire a local control nothing relies on: it stays in the register, off the "
                "SoA and the lists (`isms revert` puts it back in use)")
    p.add_argument("control", metavar="REF", help="the local control's reference")
    json_option(p)
