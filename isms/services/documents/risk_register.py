"""The risk register as a Report, for one department or the whole council (ISO/IEC 27001
6.1.2, 6.1.3 f, 8.2); the treatment plan is :mod:`.treatment_plan`."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from isms.io.exports.report import Column, Marked, Report
from isms.method.criteria import Criteria
from isms.model import (
    Asset,
    Control,
    Department,
    Person,
    Risk,
    RiskAcceptance,
    RiskStatus,
    Threat,
    TreatmentAction,
    Vulnerability,
    risk_asset,
    risk_control,
)
from isms.services import signatures
from isms.services.documents.register_common import (
    CHUNK,
    OVERDUE_FILL,
    CriteriaCache,
    document_control,
    due_cell,
    generated_at,
    grouped,
    in_scope,
    level_cell,
    levels_note,
    scope,
)
from isms.services.risks import OPEN_ACTION, TARGET_WITHOUT_PLAN, Levels, at_current_level

RISK_COLUMNS = (
    Column("Ref", 9),
    Column("Title", 30, wrap=True),
    Column("Department", 10),
    Column("Owner", 16),
    Column("Assets", 16, wrap=True),
    Column("Threat / vulnerability", 26, wrap=True),
    # Likelihood, impact and score as numbers of their own, so a spreadsheet sorts and
    # filters them (with 23 columns the register prints on A3, as the SoA does).
    *(column for stage in ("Inherent", "Current", "Residual") for column in (
        Column(f"{stage} likelihood", 9, "number"), Column(f"{stage} impact", 8, "number"),
        Column(f"{stage} score", 8, "number"), Column(f"{stage} level", 10))),
    # What the Risks page flags: today's level above the appetite, the target within it and
    # no open action to get there (risks.Levels.target_without_plan).
    Column("Flag", 12, wrap=True),
    Column("Treatment", 10),
    Column("Controls", 14, wrap=True),
    Column("Status", 10),
    Column("Next review", 11, "date"),
    Column("Acceptance", 26, wrap=True),
)

_LIVE_RISK = Risk.status != RiskStatus.RETIRED
#: What the Flag column means, for the documents' notes.
TARGET_FLAG_NOTE = (
    f"{TARGET_WITHOUT_PLAN.capitalize()}: today's level is above the risk appetite, the "
    "residual (target) level is within it, and no treatment action is open to reach it.")
#: The shade of a flag: the one of an overdue date, a thing to act on.
FLAG_FILL = OVERDUE_FILL


def risk_register(session: Session, department_id: int | None, today: date, *,
                  generated: datetime | None = None,
                  marking: str = "OFFICIAL-SENSITIVE") -> Report:
    """Every live risk in ``department_id`` (None: the whole council), by reference.

    Levels carry the colours of the criteria version each risk was scored with. Registers
    reveal weaknesses, hence OFFICIAL-SENSITIVE unless told otherwise."""
    where = scope(session, department_id)
    criteria = CriteriaCache(session)
    count = session.execute(
        in_scope(select(func.count(Risk.id)).where(_LIVE_RISK), Risk.department_id,
                 department_id)
    ).scalar_one()
    version = criteria.current_version()
    return Report(
        title=f"Risk register - {where.name}",
        columns=RISK_COLUMNS,
        rows=_risk_rows(session, department_id, today, criteria),
        generated=generated_at(today, generated),
        row_count=count,
        document_control=document_control(
            where, today, ("Risk criteria", f"version {version}"), ("Risks", str(count))
        ),
        marking=marking,
        notes=(levels_note(criteria.current, version), f"Flag: {TARGET_FLAG_NOTE}"),
    )


def _risk_rows(session: Session, department_id: int | None, today: date,
               criteria: CriteriaCache) -> Iterator[list[Any]]:
    assets = grouped(session, in_scope(
        select(risk_asset.c.risk_id, Asset.ref)
        .join(Asset, Asset.id == risk_asset.c.asset_id)
        .join(Risk, Risk.id == risk_asset.c.risk_id)
        .order_by(risk_asset.c.risk_id, Asset.ref), Risk.department_id, department_id))
    controls = grouped(session, in_scope(
        select(risk_control.c.risk_id, Control.ref)
        .join(Control, Control.id == risk_control.c.control_id)
        .join(Risk, Risk.id == risk_control.c.risk_id)
        .order_by(risk_control.c.risk_id, Control.sort_key), Risk.department_id,
        department_id))
    acceptances = _live_acceptances(session, department_id)
    open_actions = open_action_counts(session, department_id)
    owner = aliased(Person)
    query = in_scope(
        select(Risk, Department.code, owner.name, Threat.name, Vulnerability.name)
        .join(Department, Risk.department_id == Department.id)
        .outerjoin(owner, Risk.owner_id == owner.id)
        .outerjoin(Threat, Risk.threat_id == Threat.id)
        .outerjoin(Vulnerability, Risk.vulnerability_id == Vulnerability.id)
        .where(_LIVE_RISK)
        .order_by(Risk.ref)
        .execution_options(yield_per=CHUNK),
        Risk.department_id, department_id)
    for risk, dept, owner_name, threat, vulnerability in session.execute(query):
        method = criteria.get(risk.criteria_id)
        stages = [(getattr(risk, f"{s}_likelihood"), getattr(risk, f"{s}_impact"))
                  for s in ("inherent", "current", "residual")]
        levels = Levels(*(method.level(likelihood, impact) for likelihood, impact in stages))
        scored: list[Any] = []
        for (likelihood, impact), level in zip(
                stages, (levels.inherent, levels.current, levels.residual), strict=True):
            scored += [likelihood, impact, _score(likelihood, impact), level_cell(level)]
        yield [
            risk.ref, risk.title, dept, owner_name,
            ", ".join(assets.get(risk.id, ())) or None,
            " / ".join(t for t in (threat, vulnerability) if t) or None,
            *scored,
            target_flag(levels, method, open_actions.get(risk.id, 0)),
            risk.treatment_option,
            ", ".join(controls.get(risk.id, ())) or None,
            risk.status,
            due_cell(risk.next_review, today, risk.status != RiskStatus.CLOSED),
            acceptances.get(risk.id),
        ]
        # The ORM objects are not needed again; keep the identity map from growing.
        session.expunge(risk)


def open_action_counts(session: Session, department_id: int | None) -> dict[int, int]:
    """risk id -> how many of its treatment actions are open or in progress."""
    query = in_scope(
        select(TreatmentAction.risk_id, func.count(TreatmentAction.id))
        .join(Risk, Risk.id == TreatmentAction.risk_id)
        .where(TreatmentAction.status.in_(OPEN_ACTION))
        .group_by(TreatmentAction.risk_id), Risk.department_id, department_id)
    return {risk_id: count for risk_id, count in session.execute(query)}


def target_flag(levels: Levels, criteria: Criteria, open_actions: int) -> Marked | None:
    """The Flag cell of a risk's row: "Target without a plan", shaded, or nothing."""
    if not levels.target_without_plan(criteria, open_actions):
        return None
    return Marked(TARGET_WITHOUT_PLAN.capitalize(), FLAG_FILL)


def _score(likelihood: int | None, impact: int | None) -> int | None:
    return None if likelihood is None or impact is None else likelihood * impact


def _live_acceptances(session: Session, department_id: int | None) -> dict[int, str]:
    accepted_by, approved_by = aliased(Person), aliased(Person)
    query = in_scope(
        select(RiskAcceptance.id, RiskAcceptance.risk_id, accepted_by.name,
               RiskAcceptance.accepted_at,
               RiskAcceptance.expires_on, approved_by.name, RiskAcceptance.approved_at,
               RiskAcceptance.rationale)
        .join(Risk, Risk.id == RiskAcceptance.risk_id)
        .join(accepted_by, accepted_by.id == RiskAcceptance.accepted_by_id)
        .outerjoin(approved_by, approved_by.id == RiskAcceptance.approved_by_id)
        .where(RiskAcceptance.withdrawn_at.is_(None))
        .order_by(RiskAcceptance.id), Risk.department_id, department_id)
    notes = signatures.acceptance_notes(session)
    out: dict[int, str] = {}
    for acceptance_id, risk_id, who, when, until, approver, approved, rationale in (
            session.execute(query)):
        current = at_current_level(rationale)  # today's exposure accepted, not the target
        text = (f"Accepted at current level {current}" if current else "Accepted") + (
            f" by {who} on {when:%Y-%m-%d}")
        if until:
            text += f" until {until:%Y-%m-%d}"
        if approver:
            text += f"; approved by {approver}"
            text += f" on {approved:%Y-%m-%d}" if approved else ""
        if acceptance_id in notes.recorded:  # recorded for the owner, who confirmed it later
            text += f" ({notes.recorded[acceptance_id]})"
        out[risk_id] = text  # the latest live acceptance is the one that stands
    # An acceptance recorded for someone and not yet confirmed does not count: said as such.
    for risk_id, waiting in notes.pending.items():
        pending = "; ".join(waiting).capitalize()
        out[risk_id] = f"{out[risk_id]}. {pending}" if risk_id in out else pending
    return out
