"""Importing handling practices and risks through the same pipeline as assets.

These files are department-sized (hundreds of rows), so rows are written through the ORM: each
created or updated record gets its own change-log entries, and risk scores are checked against
the register's criteria (labels such as "Likely" are matched to the scale).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from sqlalchemy import Table, delete, select
from sqlalchemy.orm import Session

from isms.db.locks import lock
from isms.errors import ConflictError, ValidationError
from isms.io.importing import values
from isms.io.importing.fields import HANDLING_FIELDS, RISK_FIELDS, Field
from isms.io.importing.mapping import Mapping
from isms.io.importing.plan import ImportPlan, Issue
from isms.io.importing.sheet import SheetData
from isms.io.importing.value_map import ValueMap
from isms.method.criteria import Criteria, ScalePoint
from isms.model import Asset, HandlingPractice, ImportBatch, Risk, RiskStatus
from isms.model.base import utcnow
from isms.services import risks as risk_service
from isms.services.imports import value_choices
from isms.services.imports.batch_writer import (
    ImportResult,
    close_batch,
    lock_departments,
    open_batch,
    select_rows,
)
from isms.services.imports.rows import Directory, build_columns, is_help_row, read_row
from isms.services.read.queries import current_criteria, current_criteria_id, next_risk_ref

_BATCHES = cast(Table, ImportBatch.__table__)


def _get(session: Session, kind: _Kind, record_id: int) -> HandlingPractice | Risk:
    record = session.get(kind.model, record_id)
    if record is None:
        raise ConflictError(
            f"A {kind.name} record (id {record_id}) was removed meanwhile.",
            record=kind.name,
            yours=None,
            theirs=None,
        )
    return cast(HandlingPractice | Risk, record)


def _scale_point(scale: tuple[ScalePoint, ...], what: str) -> Callable[[Any], int]:
    labels = {values.key(p.label): p.value for p in scale}

    def parse(raw: Any) -> int:
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            if float(raw).is_integer() and 1 <= raw <= len(scale):
                return int(raw)
        else:
            # The digits as written: the comparison form drops the sign of "-1".
            written = str(raw).strip()
            if written.isdigit() and 1 <= int(written) <= len(scale):
                return int(written)
            text = values.key(raw)
            if text in labels:
                return labels[text]
        known = ", ".join(f"{p.value} {p.label}" for p in scale)
        raise values.Problem(f"'{str(raw).strip()}' is not on the {what} scale ({known})")

    return parse


@dataclass(frozen=True)
class _Kind:
    name: str
    model: type[HandlingPractice] | type[Risk]
    fields: tuple[Field, ...]
    targets: dict[str, str]
    #: Compared with stored records to tell updates from unchanged rows.
    compared: tuple[str, ...]


HANDLING = _Kind(
    "handling",
    HandlingPractice,
    HANDLING_FIELDS,
    {"asset": "asset_id"},
    ("description", "safeguards", "has_agreement", "retention_months", "offshore"),
)
RISKS = _Kind(
    "risks",
    Risk,
    RISK_FIELDS,
    {
        "department": "department_id",
        "owner": "owner_id",
        "threat": "threat_id",
        "vulnerability": "vulnerability_id",
        "assets": "asset_ids",
    },
    (
        "title",
        "description",
        "department_id",
        "owner_id",
        "threat_id",
        "vulnerability_id",
        "affects",
        "inherent_likelihood",
        "inherent_impact",
        "existing_controls",
        "current_likelihood",
        "current_impact",
        "treatment_option",
        "residual_likelihood",
        "residual_impact",
        "status",
        "next_review",
    ),
)
KINDS = {k.name: k for k in (HANDLING, RISKS)}


def _resolvers(
    kind: _Kind, directory: Directory, criteria: Criteria
) -> dict[str, Callable[[Any], Any]]:
    if kind is HANDLING:
        return {"asset": directory.asset}
    resolvers: dict[str, Callable[[Any], Any]] = {
        "department": directory.department,
        "owner": directory.person,
        "threat": directory.threat,
        "vulnerability": directory.vulnerability,
        "assets": directory.assets,
    }
    for stage in risk_service.STAGES:
        resolvers[f"{stage}_likelihood"] = _scale_point(criteria.likelihood, "likelihood")
        resolvers[f"{stage}_impact"] = _scale_point(criteria.impact, "impact")
    return resolvers


def _identity(kind: _Kind, v: dict[str, Any]) -> tuple[Any, ...] | None:
    if kind is HANDLING:
        if "asset_id" not in v or "stage" not in v:
            return None
        return (v["asset_id"], v["stage"], v.get("channel"), values.key(v.get("third_party") or ""))
    if v.get("ref"):
        return ("ref", str(v["ref"]).lower())
    if "title" in v:
        return ("title", values.key(v["title"]), v.get("department_id"))
    return None


def _existing(session: Session, kind: _Kind) -> dict[tuple[Any, ...], int]:
    found: dict[tuple[Any, ...], int] = {}
    if kind is HANDLING:
        for pid, asset_id, stage, channel, party in session.execute(
            select(
                HandlingPractice.id,
                HandlingPractice.asset_id,
                HandlingPractice.stage,
                HandlingPractice.channel,
                HandlingPractice.third_party,
            )
        ):
            found.setdefault((asset_id, stage, channel, values.key(party or "")), pid)
        return found
    for rid, ref, title, dept in session.execute(
        select(Risk.id, Risk.ref, Risk.title, Risk.department_id)
    ):
        found[("ref", ref.lower())] = rid
        found.setdefault(("title", values.key(title), dept), rid)
    return found


def plan_records(
    session: Session,
    sheet: SheetData,
    mapping: Mapping,
    kind_name: str,
    department: int | None = None,
    value_map: ValueMap | None = None,
) -> ImportPlan:
    kind = KINDS[kind_name]
    directory = Directory(session, department)
    criteria = current_criteria(session)
    value_map = value_map or ValueMap()
    proposers = value_choices.proposers(session, directory, kind.name)
    columns = build_columns(
        sheet,
        mapping,
        kind.fields,
        _resolvers(kind, directory, criteria),
        kind.targets,
        value_map,
        proposers,
        value_choices.allowed(session, kind.name),
    )
    mapped = {c.field.key for c in columns}
    missing = [f.label for f in kind.fields if f.required and f.key not in mapped]
    if missing:
        raise ValidationError(f"Map a column to: {', '.join(missing)}.", field="mapping")
    if kind is RISKS and "department" not in mapped and department is None:
        raise ValidationError(
            "Map a department column, or say which department the file is for.",
            field="department",
        )
    plan = ImportPlan(
        kind.name,
        sheet.file_name,
        sheet.sha256,
        sheet.sheet,
        sheet.header,
        mapping,
        department,
        [],
        list(sheet.notes),
        value_map,
    )
    existing = _existing(session, kind)
    seen: dict[tuple[Any, ...], int] = {}
    for number, cells in sheet.rows:
        if number == sheet.header.data_starts and is_help_row(cells, columns):
            continue
        verdict = read_row(number, cells, columns, sheet.cell_notes)
        if verdict is None:
            continue
        if kind is RISKS and department is not None:
            verdict.values.setdefault("department_id", department)
        for f in kind.fields:
            target = kind.targets.get(f.key, f.key)
            if (
                f.required
                and target not in verdict.values
                and not any(
                    i.column for i in verdict.issues if i.header and f.key in i.header.lower()
                )
            ):
                verdict.issues.append(Issue("", "", f"no {f.label.lower()}"))
        identity = _identity(kind, verdict.values)
        if identity is not None:
            if identity in seen:
                verdict.issues.append(Issue("", "", f"the same as row {seen[identity]}"))
            seen.setdefault(identity, verdict.row)
            verdict.record_id = existing.get(identity)
        if verdict.record_id is None and kind is RISKS and "department_id" not in verdict.values:
            verdict.issues.append(Issue("", "", "no department: fill in the department column"))
        verdict.action = "new" if verdict.record_id is None else "update"
        plan.rows.append(verdict)
    plan.unrecognised = value_choices.listed(columns, proposers, directory)
    _compare(session, kind, plan)
    return plan


def _rematch(session: Session, kind: _Kind, plan: ImportPlan) -> None:
    """Match the rows against the register as it is now (under the import lock): another import
    may have added or changed the same records since the plan was read."""
    existing = _existing(session, kind)
    for verdict in plan.rows:
        identity = _identity(kind, verdict.values)
        verdict.record_id = existing.get(identity) if identity is not None else None
        verdict.action = "new" if verdict.record_id is None else "update"
        verdict.changes = {}
    _compare(session, kind, plan)


def _compare(session: Session, kind: _Kind, plan: ImportPlan) -> None:
    for verdict in plan.rows:
        if verdict.record_id is None:
            continue
        record = _get(session, kind, verdict.record_id)
        changes = {
            key: (getattr(record, key), value)
            for key, value in verdict.values.items()
            if key in kind.compared and getattr(record, key) != value
        }
        if kind is RISKS and "asset_ids" in verdict.values:
            assert isinstance(record, Risk)
            before = sorted(a.id for a in record.assets)
            if before != sorted(verdict.values["asset_ids"]):
                changes["asset_ids"] = (before, sorted(verdict.values["asset_ids"]))
        verdict.changes = changes
        if not changes:
            verdict.action = "unchanged"


def apply_records(
    session: Session,
    plan: ImportPlan,
    *,
    valid_only: bool = False,
    actor: str | None = None,
    today: date | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> ImportResult:
    kind = KINDS[plan.kind]
    taken = select_rows(plan, valid_only)  # refuse a file with errors before waiting for the lock
    # The people and departments the value choices create, so the rows stand on their ids.
    made = value_choices.create_new_records(session, plan, taken.new + taken.changed)
    lock_departments(session, plan)
    _rematch(session, kind, plan)
    chosen = select_rows(plan, valid_only)
    if chosen.empty:
        return chosen.result(None)
    if kind is RISKS and chosen.new:
        # New risks number on from the highest R- reference, across departments: imports into
        # different departments, which the department locks let run together on PostgreSQL,
        # would pick the same references. Taken after the department locks, in every import, so
        # no import holding it ever waits for a department.
        lock(session, "import", "risk refs")
    actor = actor or str(session.info.get("actor", "unknown"))
    batch_id = open_batch(session, plan, actor, chosen.counts, utcnow())
    new, changed = chosen.new, chosen.changed
    today = today or date.today()
    created = []
    for done, verdict in enumerate(new, start=1):
        created.append(_create(session, kind, verdict.values, today))
        if progress and (done % 100 == 0 or done == len(new)):
            progress(f"importing new {kind.name}", done, len(new))
    updated: dict[str, Any] = {}
    for verdict in changed:
        assert verdict.record_id is not None
        record = _get(session, kind, verdict.record_id)
        _assign(session, record, {k: after for k, (_, after) in verdict.changes.items()})
        updated[str(record.id)] = {
            "before": {k: _json(before) for k, (before, _) in verdict.changes.items()}
        }
    session.flush()
    for record_id, entry in updated.items():
        entry["version"] = _get(session, kind, int(record_id)).version
    close_batch(
        session,
        plan,
        batch_id,
        actor,
        chosen.counts,
        {"created": [r.id for r in created], "updated": updated, **made,
         "values": plan.value_map.as_json(),
         # The values as the department wrote them, where the value map translated them.
         "written": {
             **value_choices.written_undo([r.id for r in created], new),
             **value_choices.written_undo([int(i) for i in updated], changed),
         }},
    )
    return chosen.result(batch_id)


def _json(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "value"):
        return value.value
    return value


def _assign(session: Session, record: HandlingPractice | Risk, changes: dict[str, Any]) -> None:
    for key, value in changes.items():
        if key == "asset_ids":
            assert isinstance(record, Risk)
            record.assets = [a for a in (session.get(Asset, i) for i in value) if a is not None]
        else:
            setattr(record, key, value)


def _create(
    session: Session, kind: _Kind, v: dict[str, Any], today: date
) -> HandlingPractice | Risk:
    if kind is HANDLING:
        practice = HandlingPractice(
            safeguards=v.get("safeguards") or [],
            **{
                k: v[k]
                for k in (
                    "asset_id",
                    "stage",
                    "channel",
                    "description",
                    "third_party",
                    "has_agreement",
                    "retention_months",
                    "offshore",
                )
                if k in v
            },
        )
        session.add(practice)
        session.flush()
        return practice
    fields = {k: v[k] for k in RISKS.compared if k in v}
    risk = Risk(ref=v.get("ref") or next_risk_ref(session), **fields)
    session.add(risk)
    _assign(session, risk, {"asset_ids": v.get("asset_ids", [])})
    criteria = current_criteria(session)
    for stage in risk_service.STAGES:
        likelihood, impact = risk_service.rating(risk, stage)
        if (likelihood is None) != (impact is None):
            raise ValidationError(f"Risk {risk.ref}: give both {stage} likelihood and impact.")
    if risk.inherent_likelihood is not None:
        risk.criteria_id = current_criteria_id(session)
        if "status" not in v:
            risk.status = RiskStatus.ASSESSED
    if risk.next_review is None:
        risk.next_review = risk_service.review_date(criteria, risk, today)
    session.flush()
    return risk


def undo_records(session: Session, batch: ImportBatch) -> tuple[int, int]:
    """Remove what a handling or risk batch created and restore what it updated, unless any of
    it has been changed (or, for risks, treated or accepted) since."""
    kind = KINDS[batch.kind]
    created = [int(i) for i in batch.undo.get("created", [])]
    updated = {int(k): e for k, e in batch.undo.get("updated", {}).items()}
    table = cast(Table, kind.model.__table__)
    touched: list[int] = list(
        session.execute(
            select(table.c.id).where(table.c.id.in_(created), table.c.version != 1)
        ).scalars()
    )
    if kind is RISKS and created:
        touched += [
            r.id
            for r in session.execute(select(Risk).where(Risk.id.in_(created))).scalars()
            if r.actions or r.acceptances or r.controls
        ]
    for record_id, entry in updated.items():
        stored = session.get(kind.model, record_id)
        if stored is None or cast(HandlingPractice | Risk, stored).version != entry["version"]:
            touched.append(record_id)
    if touched:
        raise ConflictError(
            f"Cannot undo: {len(touched)} record(s) from this import have been changed since.",
            record="import batch",
            yours=None,
            theirs=None,
        )
    if kind is RISKS:
        from isms.model import risk_asset

        session.execute(delete(risk_asset).where(risk_asset.c.risk_id.in_(created)))
    session.execute(delete(table).where(table.c.id.in_(created)))
    for record_id, entry in updated.items():
        _assign(
            session,
            _get(session, kind, record_id),
            {k: _restore(k, v) for k, v in entry["before"].items()},
        )
    session.flush()
    value_choices.undo_created(session, batch)
    return len(created), len(updated)


def _restore(key: str, value: Any) -> Any:
    if value is None:
        return None
    column = Risk.__table__.c.get(key) if key in Risk.__table__.c else None
    if key == "next_review":
        return date.fromisoformat(value)
    if column is not None and hasattr(column.type, "enum_class") and column.type.enum_class:
        return column.type.enum_class(value)
    return value
