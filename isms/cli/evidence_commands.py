"""`isms evidence list | show | add | update | retire`: evidence that controls operate, a file
copied into the register's evidence store or a link, through the calls the window makes
(``edits.add_evidence_file``, ``edits.add_evidence_link``, the evidence editor's recorded save,
``edits.retire_evidence``), so an update or a retirement can be taken back with `isms revert`.
Retired evidence stays in the register, supporting no control, its validity ended."""

from __future__ import annotations

import argparse
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from ..db import commit
from ..errors import NotFoundError, UsageError, ValidationError
from ..model import Evidence, EvidenceKind
from ..services import edits, evidence, records
from ..services.read import lists, queries
from .common import (
    command,
    department_filter,
    iso_date,
    json_option,
    named_by,
    opened,
    revert_hint,
    review_date,
    whole_number,
)
from .output import print_json, print_record, print_table

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from ..services.edits import Saved


def _evidence(session: Session, ref: str) -> Evidence:
    found = session.execute(
        select(Evidence).where(func.lower(Evidence.ref) == ref.strip().lower())
    ).scalar()
    if found is None:
        raise NotFoundError(f"No evidence '{ref}' in this register (see `isms evidence list`).")
    return found


def _as_json(item: Evidence) -> dict[str, Any]:
    until = (item.evidence_date + timedelta(days=item.valid_days)
             if item.valid_days is not None else None)
    return {
        "ref": item.ref,
        "title": item.title,
        "description": item.description,
        "kind": item.kind.value,
        "file": item.file_name,
        "sha256": item.sha256,
        "url": item.url,
        "date": item.evidence_date.isoformat(),
        "period_start": item.period_start.isoformat() if item.period_start else None,
        "period_end": item.period_end.isoformat() if item.period_end else None,
        "valid_days": item.valid_days,
        "valid_until": until.isoformat() if until else None,
        "department": item.department.code if item.department else None,
        "controls": [control.ref for control in
                     sorted(item.controls, key=lambda control: control.sort_key)],
    }


def _control_ids(session: Session, text: str) -> list[int]:
    """The controls "5.15,PSN-3" names ('' for none); one not found is refused naming
    --controls."""
    refs = [ref.strip() for ref in text.split(",") if ref.strip()]
    return [named_by("--controls", "controls", partial(_control_id, session, ref))
            for ref in refs]


def _control_id(session: Session, ref: str) -> int:
    return queries.control_by_ref(session, ref).id


def _values(
    session: Session, args: argparse.Namespace, dated: date | None = None
) -> dict[str, Any]:
    """The fields the options give (those left out are not in it), as the services take them;
    ``--expires`` counts its days from the evidence's date (``--date``, else ``dated``)."""
    values: dict[str, Any] = {}
    for option, field in (("title", "title"), ("description", "description"),
                          ("date", "evidence_date"), ("period_start", "period_start"),
                          ("period_end", "period_end"), ("valid_days", "valid_days")):
        given = getattr(args, option, None)
        if given is not None:  # '' clears a date or the validity
            values[field] = None if given == "" and field != "description" else given
    if args.controls is not None:
        values["controls"] = _control_ids(session, args.controls)
    if args.expires is not None:
        start = values.get("evidence_date") or dated or date.today()
        if args.expires <= start:
            raise ValidationError(
                f"--expires: {args.expires} is not after the evidence's date ({start}).",
                field="valid_days")
        values["valid_days"] = (args.expires - start).days
    return values


def _print_evidence(args: argparse.Namespace, item: Evidence, said: str, saved: Saved) -> None:
    data = _as_json(item)
    if args.json:
        print_json({**data, "change": saved.change_id})
    else:
        kept = data["file"] if item.kind == EvidenceKind.FILE else data["url"]
        print(f"{said} {data['ref']}: {data['title']} ({kept}; supports "
              f"{', '.join(data['controls']) or 'no control yet'})" + revert_hint(saved))


def _evidence_list(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        department = department_filter(session, args)
        rows = lists.evidence_rows(session, lists.evidence_ids(
            session, department=department, search=args.search, order_by=args.sort,
            descending=args.desc))
    if args.stale:
        rows = [row for row in rows if row.stale]
    if args.json:
        print_json([{"ref": r.ref, "title": r.title, "kind": r.kind,
                     "date": r.evidence_date.isoformat(),
                     "valid_until": r.valid_until.isoformat() if r.valid_until else None,
                     "stale": r.stale, "controls": r.controls} for r in rows])
    else:
        print_table(["Ref", "Title", "Kind", "Date", "Valid until", "Controls"],
                    [(r.ref, r.title, r.kind, r.evidence_date,
                      f"{r.valid_until or '-'}{' (stale)' if r.stale else ''}", r.controls)
                     for r in rows])
    return 0


def _evidence_show(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        item = _evidence(session, args.ref)
        data = _as_json(item)
        if item.kind == EvidenceKind.FILE and register.location.path is not None:
            # Whether the stored file is still the one attached (its SHA-256 unchanged).
            data["file_intact"] = evidence.verify(evidence.evidence_dir(register.location), item)
    if args.json:
        print_json(data)
    else:
        print_record([(key.replace("_", " "), value) for key, value in data.items()])
    return 0


def _evidence_add(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        values = _values(session, args)
        values.setdefault("evidence_date", date.today())
        values.setdefault("controls", [])
        department_id = (named_by("--department", "department_id",
                                  lambda: queries.department_id(session, args.department))
                         if args.department else None)
        ref = args.ref or records.next_evidence_ref(session)
        if args.file is not None:
            saved = edits.add_evidence_file(
                session, evidence.evidence_dir(register.location), Path(args.file), ref=ref,
                department_id=department_id, values=values)
        else:
            saved = edits.add_evidence_link(session, args.link, ref=ref,
                                            department_id=department_id, values=values)
        commit(session)
        item = session.get(Evidence, saved.record_id)
        assert item is not None  # just added
        _print_evidence(args, item, "Added", saved)
    return 0


def _evidence_update(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        item = _evidence(session, args.ref)
        values = _values(session, args, item.evidence_date)
        if not values:
            raise UsageError("Give at least one field to change (see `isms evidence update -h`).")
        saved = edits.save(session, "evidence", item.id, item.version, values, name=item.ref)
        commit(session)
        _print_evidence(args, item,
                        "Updated" if saved.change_id is not None else "Nothing to change in",
                        saved)
    return 0


def _evidence_retire(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        item = _evidence(session, args.ref)
        supported = ", ".join(_as_json(item)["controls"])
        saved = edits.retire_evidence(session, item.id, item.version, args.reason,
                                      name=item.ref)
        commit(session)
        if args.json:
            print_json({**_as_json(item), "change": saved.change_id})
        else:
            print(f"Retired {item.ref}: it supports no control now"
                  + (f" (it supported {supported})" if supported else "")
                  + f", and stays in the register{revert_hint(saved)}.")
    return 0


# --- options --------------------------------------------------------------------------------


def _optional_date(text: str) -> date | str:
    """A date, or '' to clear it."""
    return "" if not text.strip() else iso_date(text)


def _days(text: str) -> int | str:
    """A whole number of days, or '' for no limit (the services check it is above 0)."""
    if not text.strip():
        return ""
    try:
        int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a number of days (or '' for no limit)") from None
    return whole_number(text)  # and not beyond what the register holds


def _field_options(p: argparse.ArgumentParser, *, update: bool) -> None:
    clear = " ('' for none)" if update else ""
    p.add_argument("--description", metavar="TEXT", help="what the evidence shows")
    p.add_argument("--date", type=iso_date, metavar="YYYY-MM-DD",
                   help="when it was produced" + ("" if update else " (default: today)"))
    p.add_argument("--period-start", type=_optional_date, metavar="YYYY-MM-DD",
                   help="the start of the period it covers" + clear)
    p.add_argument("--period-end", type=_optional_date, metavar="YYYY-MM-DD",
                   help="the end of the period it covers" + clear)
    expiry = p.add_mutually_exclusive_group()
    expiry.add_argument("--valid-days", type=_days, metavar="N",
                        help="how many days it stays current" + clear)
    expiry.add_argument("--expires", type=review_date, metavar="YYYY-MM-DD",
                        help="the day it stops being current (sets --valid-days from its date)")
    p.add_argument("--controls", metavar="REF,...",
                   help="the Annex A or local controls it supports"
                   + (" (replaces the list; '' for none)" if update else ""))
    json_option(p)


def add_commands(subparsers: Any) -> None:
    """The `isms evidence` group."""
    group = subparsers.add_parser("evidence", help="evidence that controls operate",
                                  description="evidence that controls operate")
    actions = group.add_subparsers(dest="action", metavar="ACTION", required=True)

    p = command(actions, "list", _evidence_list, "list evidence")
    p.add_argument("--department", metavar="CODE|NAME",
                   help="only this department's (and council-wide) evidence")
    p.add_argument("--search", metavar="TEXT", help="reference, title or description")
    p.add_argument("--sort", choices=list(lists.EVIDENCE_SORT), default="ref")
    p.add_argument("--desc", action="store_true", help="sort descending")
    p.add_argument("--stale", action="store_true", help="only evidence past its validity")
    json_option(p)

    p = command(actions, "show", _evidence_show, "show one piece of evidence in full")
    p.add_argument("ref", help="its reference (EV-0001...)")
    json_option(p)

    p = command(actions, "add", _evidence_add,
                "attach a file (copied into the evidence store) or record a link")
    p.add_argument("title", help="what the evidence is, in a line")
    kept = p.add_mutually_exclusive_group(required=True)
    kept.add_argument("--file", metavar="PATH", help="a file to copy into the evidence store")
    kept.add_argument("--link", metavar="URL", help="where the evidence is kept")
    p.add_argument("--ref", help="its reference (default: the next EV-0001...)")
    p.add_argument("--department", metavar="CODE|NAME",
                   help="the department it belongs to (default: council-wide)")
    _field_options(p, update=False)

    p = command(actions, "update", _evidence_update,
                "change evidence's details (recorded: `isms revert` takes it back)")
    p.add_argument("ref", help="its reference")
    p.add_argument("--title", metavar="TEXT", help="a new title")
    _field_options(p, update=True)

    p = command(actions, "retire", _evidence_retire,
                "retire evidence: it stops supporting its controls, its validity ends today "
                "(`isms revert` takes it back)")
    p.add_argument("ref", help="its reference")
    p.add_argument("--reason", required=True, metavar="TEXT",
                   help="why it no longer shows its controls operating (kept with it)")
    json_option(p)
