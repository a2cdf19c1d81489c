"""The asset inventory as a Report: every live asset with its classification, C/I/A, personal
data and the findings of the handling rules against how it is handled (A.5.9, A.5.12, A.5.13)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from isms.io.exports.report import Column, Marked, Report
from isms.method import handling
from isms.model import Asset, AssetStatus, ClassificationMarking, Department, Person
from isms.services.documents.register_common import (
    CHUNK,
    OVERDUE_FILL,
    document_control,
    due_cell,
    generated_at,
    in_scope,
    scope,
)
from isms.services.handling import check_handling, load_rules

ASSET_COLUMNS = (
    Column("Ref", 11),
    Column("Asset", 28, wrap=True),
    Column("Department", 10),
    Column("Owner", 16),
    Column("Type", 10),
    Column("Classification", 16),
    Column("C", 4, "number"),
    Column("I", 4, "number"),
    Column("A", 4, "number"),
    Column("Personal data", 10),
    Column("Status", 10),
    Column("Next review", 11, "date"),
    Column("Handling findings", 9, "number"),
    Column("Findings", 40, wrap=True),
)

_LIVE = Asset.status != AssetStatus.RETIRED


def asset_inventory(session: Session, department_id: int | None, today: date, *,
                    generated: datetime | None = None, marking: str = "OFFICIAL") -> Report:
    """Live assets of ``department_id`` (None: the whole council), by reference. The notes list
    the handling rules the findings come from."""
    where = scope(session, department_id)
    count = session.execute(
        in_scope(select(func.count(Asset.id)).where(_LIVE), Asset.department_id, department_id)
    ).scalar_one()
    findings = _findings_by_asset(check_handling(session, department_id))
    with_findings = len(findings)
    rules = load_rules(session)
    notes = ["Handling rules checked: " + "; ".join(f"{r.code} {r.title}" for r in rules)
             if rules else "No handling rules are active."]
    notes.append("Next review dates shaded red are past due (owner attestation).")
    return Report(
        title=f"Asset inventory - {where.name}",
        columns=ASSET_COLUMNS,
        rows=_asset_rows(session, department_id, today, findings),
        generated=generated_at(today, generated),
        row_count=count,
        document_control=document_control(
            where, today, ("Assets", str(count)),
            ("Assets with handling findings", str(with_findings)),
        ),
        marking=marking,
        notes=tuple(notes),
    )


def _findings_by_asset(findings: list[handling.Finding]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for f in findings:
        where = f"{f.stage}" + (f" by {f.channel}" if f.channel else "")
        if f.prohibited:
            text = f"{f.rule_code} {where}: not allowed"
        else:
            needs = ", ".join(handling.SAFEGUARDS.get(s, s) for s in f.missing)
            text = f"{f.rule_code} {where}: lacks {needs}"
        out.setdefault(f.asset_id, []).append(text)
    return out


def _asset_rows(session: Session, department_id: int | None, today: date,
                findings: dict[int, list[str]]) -> Iterator[list[Any]]:
    owner = aliased(Person)
    query = in_scope(
        select(Asset.id, Asset.ref, Asset.name, Department.code, owner.name, Asset.asset_type,
               ClassificationMarking.label, Asset.confidentiality, Asset.integrity,
               Asset.availability, Asset.personal_data, Asset.special_category, Asset.status,
               Asset.next_review)
        .join(Department, Asset.department_id == Department.id)
        .outerjoin(owner, Asset.owner_id == owner.id)
        .outerjoin(ClassificationMarking, Asset.marking_id == ClassificationMarking.id)
        .where(_LIVE)
        .order_by(Asset.ref)
        .execution_options(yield_per=CHUNK),
        Asset.department_id, department_id)
    for (asset_id, ref, name, dept, owner_name, kind, label, c, i, a, personal, special,
         status, next_review) in session.execute(query):
        found = findings.get(asset_id, ())
        yield [
            ref, name, dept, owner_name, kind,
            label if label else Marked("Not classified", OVERDUE_FILL),
            c, i, a,
            ("Yes, special category" if special else "Yes") if personal else "No",
            status, due_cell(next_review, today), len(found), "; ".join(found) or None,
        ]
