"""The risk treatment plan (ISO/IEC 27001 6.1.3 e, 8.3) as a Report, for one department or the
whole council: every live risk, never fewer.

Each live risk shows its treatment option and today's and target levels, then its treatment
actions (owner, priority, resources, control, the original and the current due date and each
deferral: from, to, why, who), then its risk owners' acceptances (withdrawn ones kept, so the
auditor sees the history). A risk the plan does not yet treat says so in its own row rather
than being left out: "Not assessed" (never rated), "No treatment decided" (no option), "No
action planned" (an option that needs action - modify - or a target below today's level with
no open action to reach it), or its option alone (retain, avoid or share with nothing to do).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from isms.io.exports.report import Column, Marked, Report
from isms.method.criteria import Criteria
from isms.model import (
    ActionDeferral,
    ActionStatus,
    Control,
    Department,
    Person,
    Risk,
    RiskAcceptance,
    RiskStatus,
    TreatmentAction,
    TreatmentOption,
)
from isms.services import signatures
from isms.services.actions import deferral_line
from isms.services.documents.register_common import (
    OVERDUE_FILL,
    CriteriaCache,
    document_control,
    due_cell,
    generated_at,
    in_scope,
    level_cell,
    scope,
)
from isms.services.documents.risk_register import TARGET_FLAG_NOTE, target_flag
from isms.services.reviews.action_subjects import closed_over_condition
from isms.services.risks import Levels

PLAN_COLUMNS = (
    Column("Risk", 9),
    Column("Risk title", 22, wrap=True),
    Column("Department", 9),
    Column("Option", 8),
    Column("Current level", 9),
    Column("Residual level", 9),
    Column("Flag", 12, wrap=True),
    Column("Item", 11, wrap=True),
    Column("Action / rationale", 30, wrap=True),
    Column("Owner / accepted by", 14, wrap=True),
    Column("Priority", 8),
    Column("Resources", 16, wrap=True),
    # Control numbers in clause order (5.2 before 5.10), as the SoA sorts them.
    Column("Control", 8, "clause"),
    Column("Original due", 10, "date"),
    Column("Due / accepted on", 10, "date"),
    Column("Deferrals", 26, wrap=True),
    Column("Accepted until", 10, "date"),
    Column("Status", 12, wrap=True),
    Column("Overdue", 8),
    Column("Approver", 14, wrap=True),
    Column("Approved on", 10, "date"),
)
#: Rows a risk gets when it has no action and no acceptance to show (see the module doc).
NOT_ASSESSED, UNDECIDED, NO_ACTION, OPTION_ONLY = (
    "Not assessed", "No treatment decided", "No action planned", "Option")
#: A gap the plan shows where an action or a decision is missing.
GAP_FILL = "#FCE4C4"
_CLOSED = (ActionStatus.DONE, ActionStatus.CANCELLED)
_LIVE_RISK = Risk.status != RiskStatus.RETIRED
_OPTION_WORDS = {
    TreatmentOption.RETAIN: "Retain: the risk is accepted at its level",
    TreatmentOption.AVOID: "Avoid: the activity causing the risk stops",
    TreatmentOption.SHARE: "Share: the risk is shared with a third party",
    TreatmentOption.MODIFY: "Modify: controls reduce the risk",
}


@dataclass
class _Counts:
    risks: int = 0
    actions: int = 0
    acceptances: int = 0
    deferred: int = 0
    gaps: int = 0
    rows: list[list[Any]] = field(default_factory=list)


def treatment_plan(session: Session, department_id: int | None, today: date, *,
                   generated: datetime | None = None,
                   marking: str = "OFFICIAL-SENSITIVE") -> Report:
    """Every live risk of ``department_id`` (None: the whole council) with its option, its
    actions and its acceptances, by risk reference (module doc). Treatment plans reveal
    weaknesses, hence OFFICIAL-SENSITIVE unless told otherwise."""
    where = scope(session, department_id)
    counts = _plan(session, department_id, today)
    return Report(
        title=f"Risk treatment plan - {where.name}",
        columns=PLAN_COLUMNS,
        rows=counts.rows,
        generated=generated_at(today, generated),
        row_count=len(counts.rows),
        document_control=document_control(
            where, today, ("Live risks", str(counts.risks)),
            ("Treatment actions", str(counts.actions)),
            ("Actions deferred", str(counts.deferred)),
            ("Risks without a planned treatment", str(counts.gaps)),
            ("Risk acceptances", str(counts.acceptances)),
        ),
        marking=marking,
        notes=(
            "Every live risk is listed. Current level: today's exposure (the current rating, "
            "else the inherent one until the risk is assessed with its controls); residual "
            "level: the target the treatment is to reach.",
            f"{NOT_ASSESSED}: the risk was never rated. {UNDECIDED}: no treatment option is "
            f"chosen. {NO_ACTION}: the option needs action (modify), or the target is below "
            "today's level, and no action is open to reach it. Flag: "
            f"{TARGET_FLAG_NOTE}",
            "Original due: the date first planned; Deferrals: each later date, why, who "
            "recorded it and when. Overdue: an open action whose due date has passed. An "
            "acceptance above the risk appetite needs an approver other than the risk owner.",
        ),
    )


def _plan(session: Session, department_id: int | None, today: date) -> _Counts:
    criteria = CriteriaCache(session)
    notes = signatures.acceptance_notes(session)
    actions = _action_rows(session, department_id, today)
    acceptances = _acceptance_rows(session, department_id, today, notes)
    counts = _Counts()
    risks = in_scope(
        select(Risk, Department.code)
        .join(Department, Risk.department_id == Department.id)
        .where(_LIVE_RISK)
        .order_by(Risk.ref), Risk.department_id, department_id)
    for risk, dept in session.execute(risks):
        method = criteria.get(risk.criteria_id)
        levels = Levels(*(method.level(getattr(risk, f"{stage}_likelihood"),
                                       getattr(risk, f"{stage}_impact"))
                          for stage in ("inherent", "current", "residual")))
        planned = actions.get(risk.id, [])
        open_actions = sum(1 for _, is_open in planned if is_open)
        items = [row for row, _ in planned] + acceptances.get(risk.id, [])
        gap = _gap(risk, levels, method, open_actions)
        if gap is not None and (gap[0] != OPTION_ONLY or not items):
            items.insert(0, gap)
            counts.gaps += gap[0] != OPTION_ONLY
        option = risk.treatment_option.value if risk.treatment_option else None
        head = [risk.ref, risk.title, dept, option, level_cell(levels.governing),
                level_cell(levels.residual), target_flag(levels, method, open_actions)]
        counts.risks += 1
        counts.actions += len(planned)
        counts.deferred += sum(1 for row, _ in planned if row[8])
        counts.acceptances += len(acceptances.get(risk.id, []))
        counts.rows += [[*head, *item] for item in items]
        session.expunge(risk)  # not needed again; keep the identity map from growing
    return counts


def _gap(risk: Risk, levels: Levels, criteria: Criteria, open_actions: int) -> list[Any] | None:
    """The row a risk gets for what its plan lacks (None when it lacks nothing)."""
    today_level = levels.governing
    if today_level is None:
        return _note_row(NOT_ASSESSED, "Not yet rated: no treatment can be planned until the "
                                       "risk is assessed.", "to be assessed")
    if risk.treatment_option is None:
        return _note_row(UNDECIDED, f"Rated {today_level.name}; no treatment option chosen "
                                    "yet.", "to be decided")
    if open_actions:
        return None
    target = levels.residual
    if risk.treatment_option == TreatmentOption.MODIFY and (
            target is None or criteria.rank(today_level) > criteria.rank(target)):
        reach = f" to reach the target {target.name}" if target else ""
        return _note_row(NO_ACTION, f"Option modify at {today_level.name}: no open action"
                                    f"{reach}.", "to be planned")
    if levels.target_without_plan(criteria, open_actions):
        return _note_row(NO_ACTION, f"Target {target.name if target else '-'} below today's "
                                    f"{today_level.name}, with no open action to reach it.",
                         "to be planned")
    return [OPTION_ONLY, risk.treatment_note or _OPTION_WORDS[risk.treatment_option],
            *[None] * 12]


def _note_row(item: str, text: str, status: str) -> list[Any]:
    """A gap: the item and its status shaded, the cells of actions and acceptances empty."""
    return [Marked(item, GAP_FILL), text, *[None] * 8, Marked(status, GAP_FILL), None, None,
            None]


def _action_rows(session: Session, department_id: int | None,
                 today: date) -> dict[int, list[tuple[list[Any], bool]]]:
    """risk id -> [(its action's row from Item on, whether the action is open)], soonest due
    first."""
    owner, control = aliased(Person), aliased(Control)
    deferrals = _deferrals(session, department_id)
    query = in_scope(
        select(TreatmentAction, owner.name, control.ref)
        .join(Risk, Risk.id == TreatmentAction.risk_id)
        .outerjoin(owner, owner.id == TreatmentAction.owner_id)
        .outerjoin(control, control.id == TreatmentAction.control_id)
        .where(_LIVE_RISK)
        .order_by(TreatmentAction.risk_id, TreatmentAction.due_date, TreatmentAction.id),
        Risk.department_id, department_id)
    out: dict[int, list[tuple[list[Any], bool]]] = {}
    for action, owner_name, control_ref in session.execute(query):
        is_open = action.status not in _CLOSED
        overdue = is_open and action.due_date is not None and action.due_date < today
        original = action.original_due_date or action.due_date
        out.setdefault(action.risk_id, []).append(([
            "Action", action.title, owner_name, action.priority or None,
            action.resources or None, control_ref, original,
            due_cell(action.due_date, today, is_open),
            "; ".join(deferrals.get(action.id, ())) or None, None,
            _status(action), Marked("Overdue", OVERDUE_FILL) if overdue else "No", None, None,
        ], is_open))
        session.expunge(action)
    return out


def _status(action: TreatmentAction) -> str:
    """An action's status, with the reason it was closed while its risk stayed above its
    target (``actions.close_action``)."""
    reason = closed_over_condition(action.description)
    return f"{action.status.value}; closed while the condition remained: {reason}" \
        if reason else action.status.value


def _deferrals(session: Session, department_id: int | None) -> dict[int, list[str]]:
    """action id -> each slip, oldest first: "2026-10-01 -> 2026-12-01: why (who, when)"."""
    query = in_scope(
        select(ActionDeferral.treatment_action_id, ActionDeferral.from_date,
               ActionDeferral.to_date, ActionDeferral.reason, ActionDeferral.deferred_by,
               ActionDeferral.deferred_at)
        .join(TreatmentAction, TreatmentAction.id == ActionDeferral.treatment_action_id)
        .join(Risk, Risk.id == TreatmentAction.risk_id)
        .order_by(ActionDeferral.id), Risk.department_id, department_id)
    out: dict[int, list[str]] = {}
    for action_id, was, to, reason, who, when in session.execute(query):
        out.setdefault(action_id, []).append(deferral_line(was, to, reason, who, when))
    return out


def _acceptance_rows(session: Session, department_id: int | None, today: date,
                     notes: signatures.AcceptanceNotes) -> dict[int, list[list[Any]]]:
    accepted_by, approved_by = aliased(Person), aliased(Person)
    query = in_scope(
        select(RiskAcceptance, accepted_by.name, approved_by.name)
        .join(Risk, Risk.id == RiskAcceptance.risk_id)
        .join(accepted_by, accepted_by.id == RiskAcceptance.accepted_by_id)
        .outerjoin(approved_by, approved_by.id == RiskAcceptance.approved_by_id)
        .where(_LIVE_RISK)
        .order_by(RiskAcceptance.id), Risk.department_id, department_id)
    out: dict[int, list[list[Any]]] = {}
    for acceptance, who, approver in session.execute(query):
        if acceptance.withdrawn_at is not None:
            status = f"withdrawn {acceptance.withdrawn_at:%Y-%m-%d}"
            if acceptance.withdrawn_reason:
                status += f": {acceptance.withdrawn_reason}"
        elif acceptance.expires_on is not None and acceptance.expires_on < today:
            status = "expired"
        else:
            status = "accepted"
        if acceptance.id in notes.recorded:  # recorded for the owner, confirmed by them later
            status += f" ({notes.recorded[acceptance.id]})"
        out.setdefault(acceptance.risk_id, []).append([
            "Acceptance", acceptance.rationale, who, None, None, None, None,
            acceptance.accepted_at.date(), None, acceptance.expires_on, status, None, approver,
            acceptance.approved_at.date() if acceptance.approved_at else None,
        ])
    # Recorded for someone and not confirmed yet: shown, and not counted as accepted.
    for risk_id, waiting in notes.pending.items():
        out.setdefault(risk_id, []).append([
            "Acceptance", None, None, None, None, None, None, None, None, None,
            "; ".join(waiting), None, None, None])
    return out


def plan_rows(report: Report) -> Iterator[dict[str, Any]]:
    """The plan's rows as header -> value (for tests and the CLI's JSON)."""
    headers = [column.header for column in report.columns]
    for row in report.rows:
        yield dict(zip(headers, row, strict=True))
