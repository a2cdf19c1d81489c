"""`isms risks add | update | retire`: identifying a risk by hand, editing it, retiring it.

``add`` and ``update`` make the calls the window's new-risk dialog and risk editor make
(``edits.add_risk``, ``edits.save_risk``): an update edits everything the editor edits - the
words and owner, the threat, vulnerability and C/I/A, the controls in place (words), the assets
and the planned controls - in one recorded save, so ``isms revert`` takes it back. A retired
risk is kept, never deleted.
"""

from __future__ import annotations

import argparse
import difflib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import select

from ..db import commit
from ..errors import UsageError, ValidationError
from ..model import Control, ControlEdition, Risk, Threat, Vulnerability
from ..services import edits
from ..services.read import queries
from .common import command, json_option, named_by, opened, revert_hint
from .output import print_json

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

_Catalogued = TypeVar("_Catalogued", Threat, Vulnerability)

#: The option that gave each value the risk services may refuse (by the field they name).
_OPTION_OF_FIELD = {
    "threat_id": "--threat", "vulnerability_id": "--vulnerability", "affects": "--affects",
    "existing_controls": "--existing-controls", "asset_ids": "--asset",
    "control_ids": "--control",
}
#: What `isms risks update` can change, as its options.
_UPDATE_OPTIONS = ("title", "description", "owner", "threat", "vulnerability", "affects",
                   "existing_controls", "asset", "no_asset", "control", "no_control")


@contextmanager
def _options_named() -> Iterator[None]:
    """A value the risk services refuse is said with the option that gave it ("--asset:
    HSG-0009 is retired: ...")."""
    try:
        yield
    except ValidationError as exc:
        option = _OPTION_OF_FIELD.get(exc.field or "")
        if option is None or str(exc).startswith(option):
            raise
        raise ValidationError(f"{option}: {exc}", field=exc.field) from None


def _asset_id(session: Session, ref: str) -> int:
    return queries.asset_by_ref(session, ref).id


def _catalogued(
    session: Session, model: type[_Catalogued], option: str, written: str
) -> _Catalogued | None:
    """The threat or vulnerability ``written`` as its code or its name, in any case; "" is
    none. One not in the catalogue is refused with the nearest names."""
    wanted = written.strip().casefold()
    if not wanted:
        return None
    entries = list(session.execute(select(model).order_by(model.code)).scalars())
    for entry in entries:
        if wanted in (entry.code.casefold(), entry.name.casefold()):
            return entry
    what = "threat" if model is Threat else "vulnerability"
    raise ValidationError(f"{option}: No {what} '{written.strip()}' in the catalogue"
                          f"{_nearest(wanted, entries)}.", field=f"{what}_id")


def _nearest(wanted: str, entries: Sequence[Threat | Vulnerability]) -> str:
    """"; nearest: T07 Malware, T08 Ransomware": the entries whose names hold what was given,
    then those spelt like it, then those holding the stem of one of its words ("patching":
    "Unpatched software"); else the range of codes to choose from."""
    by_name = {entry.name.casefold(): entry for entry in entries}
    near = [entry for name, entry in by_name.items() if wanted in name]
    near += [by_name[name] for name in difflib.get_close_matches(wanted, list(by_name), n=3,
                                                                 cutoff=0.5)]
    # A word's stem: its ending (-ing, -ed, -s...) left off, never shorter than four letters.
    stems = [word[:max(4, len(word) - 3)] for word in wanted.split() if len(word) >= 4]
    near += [entry for name, entry in by_name.items() if any(stem in name for stem in stems)]
    near = list(dict.fromkeys(near))
    if near:
        return "; nearest: " + ", ".join(f"{entry.code} {entry.name}" for entry in near[:3])
    return f" (its codes run {entries[0].code} to {entries[-1].code})" if entries else ""


def _same_control(control: Control, written: str) -> bool:
    """Whether ``written`` is the control's reference; an Annex A number may be written with
    the annex's letter ("A.5.15")."""
    wanted = written.strip().casefold()
    if control.ref.casefold() == wanted:
        return True
    return control.edition != ControlEdition.LOCAL and wanted.startswith("a.") and (
        control.ref.casefold() == wanted[2:])


def _plannable_control(session: Session, option: str, ref: str) -> Control:
    """The control of Annex A 2022 or of the local edition a risk can be treated with (as the
    editor offers them); a retired local one is found, for the service to refuse in its words."""
    for control in (*queries.controls(session, ControlEdition.ISO27001_2022),
                    *queries.controls(session, ControlEdition.LOCAL, include_retired=True)):
        if _same_control(control, ref):
            return control
    raise ValidationError(f"{option}: No control '{ref.strip()}' in Annex A 2022 or among the "
                          "local controls.", field="control_ids")


def _relinked(
    now: list[int], linked: dict[int, str], unlinked: dict[int, str], option: str
) -> list[int]:
    """The ids linked after adding ``linked`` to ``now`` and taking ``unlinked`` away (id ->
    the reference written); one named by both ``option`` and --no-``option`` is a usage
    error."""
    both = sorted(ref for record_id, ref in linked.items() if record_id in unlinked)
    if both:
        raise UsageError(f"--{option} and --no-{option} both name {', '.join(both)}: "
                         "give each once.")
    return [record_id for record_id in dict.fromkeys([*now, *linked])
            if record_id not in unlinked]


def _asset_links(session: Session, risk: Risk, args: argparse.Namespace) -> list[int]:
    """The risk's assets after --asset and --no-asset (a retired asset still linked can be
    unlinked; one not linked is left as it is)."""
    linked = {named_by("--asset", "asset_ids", partial(_asset_id, session, ref)): ref
              for ref in args.asset or []}
    unlinked: dict[int, str] = {}
    for ref in args.no_asset or []:
        mine = [asset.id for asset in risk.assets if asset.ref.casefold() == ref.strip().casefold()]
        unlinked[mine[0] if mine else
                 named_by("--no-asset", "asset_ids", partial(_asset_id, session, ref))] = ref
    return _relinked([asset.id for asset in risk.assets], linked, unlinked, "asset")


def _control_links(session: Session, risk: Risk, args: argparse.Namespace) -> list[int]:
    """The risk's planned controls after --control and --no-control (a control linked before,
    of any edition, can be unlinked)."""
    linked = {_plannable_control(session, "--control", ref).id: ref for ref in args.control or []}
    unlinked: dict[int, str] = {}
    for ref in args.no_control or []:
        mine = [control.id for control in risk.controls if _same_control(control, ref)]
        unlinked[mine[0] if mine else _plannable_control(session, "--no-control", ref).id] = ref
    return _relinked([control.id for control in risk.controls], linked, unlinked, "control")


def _analysis_edits(session: Session, risk: Risk, args: argparse.Namespace) -> dict[str, Any]:
    """What the risk is made of, as the editor saves it, from the options given."""
    edited: dict[str, Any] = {}
    if args.threat is not None:
        threat = _catalogued(session, Threat, "--threat", args.threat)
        edited["threat_id"] = threat.id if threat else None
        if threat is not None and args.affects is None and not risk.affects:
            # As the editor ticks a threat's usual C/I/A while none is ticked.
            edited["affects"] = threat.affects
    if args.vulnerability is not None:
        vulnerability = _catalogued(session, Vulnerability, "--vulnerability",
                                    args.vulnerability)
        edited["vulnerability_id"] = vulnerability.id if vulnerability else None
    if args.affects is not None:
        edited["affects"] = args.affects
    if args.existing_controls is not None:
        edited["existing_controls"] = args.existing_controls
    if args.asset or args.no_asset:
        edited["asset_ids"] = _asset_links(session, risk, args)
    if args.control or args.no_control:
        edited["control_ids"] = _control_links(session, risk, args)
    return edited


def _summary(risk: Risk) -> dict[str, Any]:
    return {
        "ref": risk.ref,
        "title": risk.title,
        "description": risk.description,
        "department": risk.department.code,
        "owner": risk.owner.name if risk.owner else None,
        "assets": sorted(asset.ref for asset in risk.assets),
        "threat": risk.threat.code if risk.threat else None,
        "vulnerability": risk.vulnerability.code if risk.vulnerability else None,
        "affects": risk.affects,
        "existing_controls": risk.existing_controls,
        "controls": [control.ref for control in sorted(risk.controls, key=lambda c: c.sort_key)],
        "status": risk.status.value,
    }


def _made_of(summary: dict[str, Any], args: argparse.Namespace, planned_before: set[str]) -> str:
    """"; threat T07; affects CI; assets HSG-0001": what the options given changed, as it now
    is; a control newly planned is said to be applicable in the SoA now (as the service made
    it)."""
    parts = []
    if args.threat is not None:
        parts.append(f"threat {summary['threat'] or '-'}")
    if args.vulnerability is not None:
        parts.append(f"vulnerability {summary['vulnerability'] or '-'}")
    if args.threat is not None or args.affects is not None:
        parts.append(f"affects {summary['affects'] or '-'}")
    if args.existing_controls is not None:
        words = summary["existing_controls"]
        parts.append("existing controls " + (
            f"“{words if len(words) <= 40 else words[:39] + '…'}”" if words else "-"))
    if args.asset or args.no_asset:
        parts.append(f"assets {', '.join(summary['assets']) or '-'}")
    if args.control or args.no_control:
        parts.append(f"planned controls {', '.join(summary['controls']) or '-'}")
        new = [ref for ref in summary["controls"] if ref not in planned_before]
        if new:
            parts[-1] += f" ({', '.join(new)} applicable in the SoA of {summary['department']})"
    return "".join(f"; {part}" for part in parts)


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
            "affects": args.affects,  # None: what the threat usually affects
        }
        threat = _catalogued(session, Threat, "--threat", args.threat or "")
        vulnerability = _catalogued(session, Vulnerability, "--vulnerability",
                                    args.vulnerability or "")
        values["threat_id"] = threat.id if threat else None
        values["vulnerability_id"] = vulnerability.id if vulnerability else None
        with _options_named():
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
    if all(getattr(args, name) in (None, []) for name in _UPDATE_OPTIONS):
        raise UsageError("Give something to change: " + ", ".join(
            f"--{name.replace('_', '-')}" for name in _UPDATE_OPTIONS) + ".")
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
        edited.update(_analysis_edits(session, risk, args))
        planned_before = {control.ref for control in risk.controls}
        with _options_named():
            saved = edits.save_risk(session, risk.id, risk.version, edited, name=risk.ref)
        commit(session)
        summary = _summary(risk)
    if args.json:
        print_json({**summary, "change": saved.change_id})
    elif saved.change_id is None:
        print(f"{summary['ref']}: nothing to change.")
    else:
        print(f"{summary['ref']} saved: {summary['title']}; owner {summary['owner'] or '-'}"
              + _made_of(summary, args, planned_before) + revert_hint(saved))
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


def _analysis_options(parser: argparse.ArgumentParser, *, update: bool = False) -> None:
    """The threat, vulnerability, C/I/A and assets options ``add`` and ``update`` share."""
    none = '; "" for none' if update else ""
    parser.add_argument("--threat", metavar="NAME|CODE",
                        help=f"a threat of the catalogue, by code or name (T07, Malware){none}")
    parser.add_argument("--vulnerability", metavar="NAME|CODE",
                        help="a vulnerability of the catalogue, by code or name (V03, "
                        f"Unpatched software){none}")
    parser.add_argument("--affects", metavar="CIA",
                        help="what it affects: letters of C, I, A, e.g. CI (\"\" for none; "
                        "default: what the threat usually affects)" if not update else
                        "what it affects: letters of C, I, A, e.g. CI (\"\" for none)")
    parser.add_argument("--asset", action="append", metavar="REF",
                        help=("link an asset to the risk" if update else
                              "an asset the risk is to") + "; repeatable")


def add_commands(risks_actions: Any) -> None:
    """The verbs on ``isms risks`` (the group ``read_commands`` makes)."""
    p = command(risks_actions, "add", _risks_add,
                "identify a new risk in a department; prints its reference")
    p.add_argument("title", help="what could happen, in a line")
    p.add_argument("--department", required=True, metavar="CODE",
                   help="the department the risk belongs to (code or name)")
    p.add_argument("--owner", metavar="PERSON", help="the risk owner (name or e-mail)")
    _analysis_options(p)
    p.add_argument("--description", metavar="TEXT", help="the risk in more words")
    json_option(p)

    p = command(risks_actions, "update", _risks_update,
                "change what the risk editor changes: title, description, owner, threat, "
                "vulnerability, C/I/A, assets, controls (recorded: `isms revert` undoes it)")
    p.add_argument("ref", help="risk reference")
    p.add_argument("--title", metavar="TEXT")
    p.add_argument("--description", metavar="TEXT")
    p.add_argument("--owner", metavar="PERSON", help="the new risk owner (name or e-mail)")
    _analysis_options(p, update=True)
    p.add_argument("--no-asset", action="append", metavar="REF",
                   help="unlink an asset from the risk; repeatable")
    p.add_argument("--control", action="append", metavar="REF",
                   help="plan a control to treat the risk (Annex A 2022, e.g. 5.15, or local, "
                   "e.g. PSN-3): it becomes applicable in the department's SoA; repeatable")
    p.add_argument("--no-control", action="append", metavar="REF",
                   help="stop planning a control (its SoA entry stays); repeatable")
    p.add_argument("--existing-controls", metavar="TEXT",
                   help="the controls in place today, in words (\"\" for none)")
    json_option(p)

    p = command(risks_actions, "retire", _risks_retire,
                "retire a risk that no longer applies (kept in the register, never deleted)")
    p.add_argument("ref", help="risk reference")
    p.add_argument("--reason", required=True, metavar="TEXT",
                   help="why it no longer applies (kept with the risk's description)")
    json_option(p)
