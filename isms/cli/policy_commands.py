"""`isms policies list | show | add | update | approve | withdraw`: the document register
(ISO/IEC 27001 5.1, 7.5) of the council's policies, procedures, standards, guidance and plans.

Named ``policies`` because that is what a council officer calls them ("the policy register",
"is the policy due for review?"); ``docs`` or ``documents`` would be mistaken for the documents
isms exports (`isms export ...`). Each write is one call into :mod:`isms.services.policies`, the
same the window makes. Approval is the acting user's own act and needs the approver or SIRO role.
"""

from __future__ import annotations

import argparse
from datetime import date
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import UsageError
from ..model import ControlledDocument, DocumentKind, DocumentStatus
from ..services import evidence, policies
from ..services.read import queries
from .common import (
    command,
    department_filter,
    iso_date,
    json_option,
    named_by,
    opened,
    review_date,
    whole_number,
)
from .output import print_json, print_record, print_table

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from ..db import Register


def as_json(document: ControlledDocument, today: date | None = None) -> dict[str, Any]:
    """A document as `show --json` prints it."""
    day = today or date.today()
    overdue = (document.status != DocumentStatus.WITHDRAWN and document.next_review is not None
               and document.next_review < day)
    return {
        "ref": document.ref,
        "title": document.title,
        "kind": document.kind.value,
        "version": document.version_label,
        "status": document.status.value,
        "department": document.department.code if document.department else None,
        "owner": document.owner.name if document.owner else None,
        "approved_by": document.approved_by.name if document.approved_by else None,
        "approved_on": document.approved_on.isoformat() if document.approved_on else None,
        "review_months": document.review_months,
        "next_review": document.next_review.isoformat() if document.next_review else None,
        "review_overdue": overdue,
        "url": document.url,
        "file": document.file_name,
        "sha256": document.sha256,
        "controls": [control.ref for control in
                     sorted(document.controls, key=lambda control: control.sort_key)],
        "summary": document.summary,
    }


def _values(session: Session, args: argparse.Namespace) -> dict[str, Any]:
    """The fields the options give (those left out are not in it), as the service takes them."""
    values: dict[str, Any] = {}
    for option, field in (("title", "title"), ("kind", "kind"), ("version", "version_label"),
                          ("summary", "summary"), ("review_months", "review_months"),
                          ("link", "url")):
        given = getattr(args, option, None)
        if given is not None:
            values[field] = given
    if args.owner is not None:
        values["owner_id"] = named_by("--owner", "owner_id",
                                      lambda: queries.person(session, args.owner).id)
    if args.department is not None:
        values["department_id"] = (
            None if not args.department.strip() else named_by(
                "--department", "department_id",
                lambda: queries.department_id(session, args.department)))
    if args.next_review is not None:
        values["next_review"] = None if args.next_review == "" else args.next_review
    if args.controls is not None:
        refs = [ref.strip() for ref in args.controls.split(",") if ref.strip()]
        values["controls"] = [
            named_by("--controls", "controls",
                     partial(lambda ref: queries.control_by_ref(session, ref).id, ref))
            for ref in refs]
    return values


def _store(register: Register, args: argparse.Namespace) -> Path | None:
    return evidence.evidence_dir(register.location) if args.file else None


def _said(args: argparse.Namespace, document: ControlledDocument, said: str) -> None:
    data = as_json(document)
    if args.json:
        print_json(data)
        return
    review = f"next review {data['next_review']}" if data["next_review"] else "no review date"
    print(f"{said} {document.ref}: {document.title} ({document.kind.value}"
          f"{', version ' + document.version_label if document.version_label else ''}, "
          f"{document.status.value}, {review}).")


def _list(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        department = department_filter(session, args)
        today = date.today()
        scope = [department] if department is not None else []
        documents = (policies.due_for_review(session, today, scope)
                     if args.due else policies.documents(session, department=department))
        if args.status:
            documents = [d for d in documents if d.status.value == args.status]
        if args.kind:
            documents = [d for d in documents if d.kind.value == args.kind]
        rows = [as_json(document, today) for document in documents]
    if args.json:
        print_json(rows)
    else:
        print_table(["Ref", "Title", "Kind", "Version", "Status", "Owner", "Approved",
                     "Next review", "Department"],
                    [(r["ref"], r["title"], r["kind"], r["version"] or "-", r["status"],
                      r["owner"] or "-", r["approved_on"] or "-",
                      f"{r['next_review'] or '-'}{' (overdue)' if r['review_overdue'] else ''}",
                      r["department"] or "council-wide") for r in rows])
    return 0


def _show(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        document = policies.document_by_ref(session, args.ref)
        data = as_json(document)
        if document.stored_name and register.location.path is not None:
            # Whether the stored file is still the one attached (its SHA-256 unchanged).
            kept = evidence.stored_path(evidence.evidence_dir(register.location),
                                        document.stored_name)
            data["file_intact"] = kept.is_file() and evidence.sha256_of(kept) == document.sha256
    if args.json:
        print_json(data)
    else:
        print_record([(key.replace("_", " "), value) for key, value in data.items()])
    return 0


def _add(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        values = _values(session, args)
        filed = policies.add_document(session, ref=args.ref,
                                      file=Path(args.file) if args.file else None,
                                      store=_store(register, args), **values)
        document = session.get(ControlledDocument, filed.document_id)
        assert document is not None  # just added
        _said(args, document, "Added")
    return 0


def _update(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        document = policies.document_by_ref(session, args.ref)
        values = _values(session, args)
        if not values and not args.file:
            raise UsageError("Give at least one field to change (see `isms policies update -h`).")
        policies.update_document(session, document.id, document.version,
                                 file=Path(args.file) if args.file else None,
                                 store=_store(register, args), **values)
        _said(args, document, "Updated")
    return 0


def _approve(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        document = policies.document_by_ref(session, args.ref)
        policies.approve_document(session, document.id, document.version, on=args.on)
        _said(args, document, "Approved")
    return 0


def _withdraw(args: argparse.Namespace) -> int:
    with opened(args) as register, register.session() as session:
        document = policies.document_by_ref(session, args.ref)
        policies.withdraw_document(session, document.id, document.version, args.reason)
        _said(args, document, "Withdrew")
    return 0


# --- options -----------------------------------------------------------------------------------


def _optional_review_date(text: str) -> date | str:
    """A next-review date, or '' to clear it."""
    return "" if not text.strip() else review_date(text)


def _field_options(p: argparse.ArgumentParser, *, update: bool) -> None:
    kinds = [kind.value for kind in DocumentKind]
    p.add_argument("--title", required=not update, metavar="TEXT", help="the document's title")
    p.add_argument("--kind", required=not update, choices=kinds, help="what kind of document")
    p.add_argument("--owner", required=not update, metavar="NAME|EMAIL",
                   help="the person who keeps it current")
    p.add_argument("--version", metavar="LABEL",
                   help="its version as its cover shows it (e.g. 2.1)"
                   + ("; a new version of an approved document goes back to draft"
                      if update else ""))
    p.add_argument("--summary", metavar="TEXT", help="what it covers, in a line or two")
    p.add_argument("--department", metavar="CODE|NAME",
                   help="the department it belongs to" + (" ('' for council-wide)" if update
                                                          else " (default: council-wide)"))
    p.add_argument("--review-months", type=whole_number, metavar="N",
                   help="months from approval to the next review (default 12)")
    p.add_argument("--next-review", type=_optional_review_date, metavar="YYYY-MM-DD",
                   help="set the next review by hand" + (" ('' to clear)" if update else ""))
    kept = p.add_mutually_exclusive_group()
    kept.add_argument("--link", metavar="URL", help="where the document is published")
    kept.add_argument("--file", metavar="PATH",
                      help="a copy to keep in the register's evidence store")
    p.add_argument("--controls", metavar="REF,...",
                   help="the Annex A or local controls it supports (e.g. 5.1)"
                   + (" (replaces the list; '' for none)" if update else ""))
    json_option(p)


def add_commands(subparsers: Any) -> None:
    """The `isms policies` group."""
    help_text = "the document register: policies, procedures, standards, guidance and plans"
    group = subparsers.add_parser("policies", help=help_text, description=help_text)
    actions = group.add_subparsers(dest="action", metavar="ACTION", required=True)

    p = command(actions, "list", _list, "list the documents")
    p.add_argument("--department", metavar="CODE|NAME",
                   help="only this department's (and council-wide) documents")
    p.add_argument("--status", choices=[status.value for status in DocumentStatus])
    p.add_argument("--kind", choices=[kind.value for kind in DocumentKind])
    p.add_argument("--due", action="store_true", help="only those due for review by today")
    json_option(p)

    p = command(actions, "show", _show, "show one document in full")
    p.add_argument("ref", help="its reference (POL-001...)")
    json_option(p)

    p = command(actions, "add", _add, "add a document (as a draft)")
    p.add_argument("--ref", help="its reference (default: the next POL-001, PRO-001...)")
    _field_options(p, update=False)

    p = command(actions, "update", _update, "change a document's details")
    p.add_argument("ref", help="its reference")
    _field_options(p, update=True)

    p = command(actions, "approve", _approve,
                "approve a document's current version, as yourself (approver or SIRO role)")
    p.add_argument("ref", help="its reference")
    p.add_argument("--on", type=iso_date, metavar="YYYY-MM-DD",
                   help="the day it was approved (default: today)")
    json_option(p)

    p = command(actions, "withdraw", _withdraw,
                "withdraw a document (kept in the register, no longer reviewed)")
    p.add_argument("ref", help="its reference")
    p.add_argument("--reason", required=True, metavar="TEXT", help="why it is withdrawn")
    json_option(p)
