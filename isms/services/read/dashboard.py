"""The dashboard's figures: heat map, risks by level and department, overdue work, appetite.

Every figure is a few GROUP BY queries; levels are applied to the (at most 100) rated cells of
the matrix in Python, never to risks one by one, so the figures stay fast on a council register.

"Live" risks are those neither retired nor closed; live assets are those not retired.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, select, tuple_
from sqlalchemy.orm import Session

from isms.errors import ValidationError
from isms.method.criteria import Criteria
from isms.model import (
    Asset,
    AssetStatus,
    Department,
    Risk,
    RiskStatus,
    TreatmentAction,
)
from isms.services.policies import due_for_review
from isms.services.read.queries import current_criteria
from isms.services.risks import OPEN_ACTION, STAGES

Cell = tuple[int, int]
_DEAD_RISK = (RiskStatus.RETIRED, RiskStatus.CLOSED)
_OPEN_ACTION = OPEN_ACTION


def live_risk(department: int | None = None) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [Risk.status.not_in(_DEAD_RISK)]
    if department is not None:
        conditions.append(Risk.department_id == department)
    return conditions


def _stage_columns(stage: str) -> tuple[Any, Any]:
    if stage not in STAGES:
        raise ValidationError(
            f"Unknown rating stage '{stage}'; choose one of {', '.join(STAGES)}.", field="stage"
        )
    return getattr(Risk, f"{stage}_likelihood"), getattr(Risk, f"{stage}_impact")


def heat_map(
    session: Session, *, department: int | None = None, stage: str = "residual"
) -> dict[Cell, int]:
    """Live risks per (likelihood, impact) cell, counting only risks rated at ``stage``."""
    likelihood, impact = _stage_columns(stage)
    query = (
        select(likelihood, impact, func.count())
        .where(*live_risk(department), likelihood.is_not(None), impact.is_not(None))
        .group_by(likelihood, impact)
    )
    return {(int(lk), int(im)): int(n) for lk, im, n in session.execute(query)}


def risk_ids_in_cell(
    session: Session,
    likelihood: int,
    impact: int,
    *,
    department: int | None = None,
    stage: str = "residual",
) -> list[int]:
    """The live risks in one heat-map cell, by reference."""
    lk, im = _stage_columns(stage)
    query = (
        select(Risk.id)
        .where(*live_risk(department), lk == likelihood, im == impact)
        .order_by(Risk.ref)
    )
    return list(session.execute(query).scalars())


def _on_scale(criteria: Criteria, cell: Cell) -> bool:
    """Scores left from an older, larger scale have no level under the current criteria."""
    return 1 <= cell[0] <= len(criteria.likelihood) and 1 <= cell[1] <= len(criteria.impact)


def _by_level(criteria: Criteria, cells: dict[Cell, int]) -> dict[str, int]:
    counts = {level.name: 0 for level in criteria.levels}
    for cell, n in cells.items():
        level = criteria.level(*cell) if _on_scale(criteria, cell) else None
        if level is not None:
            counts[level.name] += n
    return counts


def risks_by_level(
    session: Session, *, department: int | None = None, stage: str = "residual"
) -> dict[str, int]:
    """Live risks rated at ``stage`` per level, every level of the criteria present (zero
    included), in the criteria's order: least severe first."""
    return _by_level(
        current_criteria(session), heat_map(session, department=department, stage=stage)
    )


def risks_by_department(
    session: Session, *, stage: str = "residual"
) -> list[tuple[str, dict[str, int]]]:
    """(department code, risks by level) for every department, by code; see risks_by_level."""
    criteria = current_criteria(session)
    likelihood, impact = _stage_columns(stage)
    query = (
        select(Risk.department_id, likelihood, impact, func.count())
        .where(*live_risk(), likelihood.is_not(None), impact.is_not(None))
        .group_by(Risk.department_id, likelihood, impact)
    )
    cells: dict[int, dict[Cell, int]] = {}
    for dept, lk, im, n in session.execute(query):
        cells.setdefault(dept, {})[(int(lk), int(im))] = int(n)
    departments = session.execute(select(Department.id, Department.code).order_by(Department.code))
    return [(code, _by_level(criteria, cells.get(dept_id, {}))) for dept_id, code in departments]


# --- overdue and appetite -------------------------------------------------------------------


@dataclass(frozen=True)
class Overdue:
    """What is past its date, most overdue first within each list."""

    risk_ids: list[int]
    action_ids: list[int]
    asset_ids: list[int]
    #: The risks the overdue actions belong to (each once, in the actions' order), so a list
    #: of risks can show them until there is a page of treatment actions.
    action_risk_ids: list[int]
    #: Policies and procedures (the document register) past their next review.
    document_ids: list[int] = field(default_factory=list)

    @property
    def risks(self) -> int:
        return len(self.risk_ids)

    @property
    def actions(self) -> int:
        return len(self.action_ids)

    @property
    def assets(self) -> int:
        return len(self.asset_ids)

    @property
    def documents(self) -> int:
        return len(self.document_ids)

    @property
    def total(self) -> int:
        return self.risks + self.actions + self.assets + self.documents


def overdue(session: Session, *, today: date, department: int | None = None) -> Overdue:
    """Live risks whose review date has passed; open or in-progress treatment actions past
    their due date; live assets whose owner attestation (next_review) has passed; documents in
    force or in draft past their next review (a department's and the council-wide ones)."""
    risks = select(Risk.id).where(*live_risk(department), Risk.next_review < today)
    actions = (
        select(TreatmentAction.id, TreatmentAction.risk_id)
        .join(Risk, TreatmentAction.risk_id == Risk.id)
        .where(TreatmentAction.status.in_(_OPEN_ACTION), TreatmentAction.due_date < today)
    )
    assets = select(Asset.id).where(Asset.status != AssetStatus.RETIRED, Asset.next_review < today)
    if department is not None:
        actions = actions.where(Risk.department_id == department)
        assets = assets.where(Asset.department_id == department)
    late_actions = session.execute(
        actions.order_by(TreatmentAction.due_date, TreatmentAction.id)
    ).all()
    return Overdue(
        list(session.execute(risks.order_by(Risk.next_review, Risk.id)).scalars()),
        [action_id for action_id, _ in late_actions],
        list(session.execute(assets.order_by(Asset.next_review, Asset.id)).scalars()),
        list(dict.fromkeys(risk_id for _, risk_id in late_actions)),
        [document.id for document in due_for_review(
            session, today - timedelta(days=1), [department] if department is not None else [])],
    )


def rated(stage: str) -> ColumnElement[bool]:
    """SQL: the risk has both parts of its ``stage`` rating."""
    lk, im = _stage_columns(stage)
    return and_(lk.is_not(None), im.is_not(None))


def governing_rating() -> tuple[Any, Any]:
    """SQL for the rating of today's exposure, the one compared with the appetite: the current
    once rated, else the inherent (as services.risks.Levels.governing; never the residual,
    which is the treatment's target)."""

    def pick(part: str) -> Any:
        return case(
            (rated("current"), getattr(Risk, f"current_{part}")),
            else_=getattr(Risk, f"inherent_{part}"),
        )

    return pick("likelihood"), pick("impact")


def _cells(criteria: Criteria, above: bool) -> list[Cell]:
    """The matrix cells whose level is above the appetite (``above``) or within it."""
    return [
        (lk, im)
        for lk in range(1, len(criteria.likelihood) + 1)
        for im in range(1, len(criteria.impact) + 1)
        if criteria.above_appetite(criteria.level(lk, im)) == above
    ]


def above_appetite(session: Session, *, department: int | None = None) -> list[int]:
    """Live risks whose exposure today (current level, else inherent) is above the criteria's
    appetite, by reference: the SIRO's view, whatever level their treatment aims at."""
    cells = _cells(current_criteria(session), above=True)
    if not cells:
        return []
    query = (
        select(Risk.id)
        .where(*live_risk(department), tuple_(*governing_rating()).in_(cells))
        .order_by(Risk.ref)
    )
    return list(session.execute(query).scalars())


def targets_without_plan(session: Session, *, department: int | None = None) -> list[int]:
    """Live risks flagged "target without a plan", by reference: above the appetite today,
    with a residual (target) level within it and no open treatment action to get there
    (as services.risks.Levels.target_without_plan)."""
    criteria = current_criteria(session)
    above, within = _cells(criteria, above=True), _cells(criteria, above=False)
    if not above or not within:
        return []
    planned = (
        select(TreatmentAction.id)
        .where(TreatmentAction.risk_id == Risk.id, TreatmentAction.status.in_(_OPEN_ACTION))
        .exists()
    )
    query = (
        select(Risk.id)
        .where(
            *live_risk(department),
            tuple_(*governing_rating()).in_(above),
            tuple_(Risk.residual_likelihood, Risk.residual_impact).in_(within),
            ~planned,
        )
        .order_by(Risk.ref)
    )
    return list(session.execute(query).scalars())


# --- council-wide coverage ------------------------------------------------------------------


@dataclass(frozen=True)
class DepartmentCoverage:
    """How far one in-scope department is towards accreditation. Percentages are None where
    there is nothing to divide by (no assets)."""

    department_id: int
    code: str
    name: str
    assets: int
    classified: int
    owned: int
    risks_assessed: int
    risks: int
    soa_complete: int
    soa_controls: int
    reviews_overdue: int
    evidence_missing: int

    @property
    def classified_pct(self) -> float | None:
        return _pct(self.classified, self.assets)

    @property
    def owned_pct(self) -> float | None:
        return _pct(self.owned, self.assets)

    @property
    def soa_pct(self) -> float | None:
        return _pct(self.soa_complete, self.soa_controls)


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _count_if(condition: ColumnElement[bool]) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _per_department(session: Session, query: Any) -> dict[int, tuple[int, ...]]:
    return {row[0]: tuple(int(v) for v in row[1:]) for row in session.execute(query)}


def coverage(session: Session, *, today: date) -> list[DepartmentCoverage]:
    """One row per in-scope department, by name.

    - assets: live assets; classified: with a marking; owned: with an owner.
    - risks: live risks; risks_assessed: those with an inherent rating.
    - soa_complete, of the Annex A 2022 controls (soa_controls, 93): controls whose SoA entry for
      the department is decided - applicable with an implementation status other than "not
      implemented", excluded with a written justification, or provided by a third party (the
      supplier implements it). A control with no entry, or applicable but not implemented, or
      excluded without a justification, is not complete.
    - reviews_overdue: live risks and live assets whose next review is before ``today``.
    - evidence_missing: controls applicable in the department's SoA with no evidence linked to
      the control, counting evidence of that department or council-wide (no department).
    """
    from isms.model import (
        Applicability,
        Control,
        ControlEdition,
        Evidence,
        ImplementationStatus,
        SoaEntry,
        evidence_control,
    )

    assets = _per_department(
        session,
        select(
            Asset.department_id,
            func.count(),
            func.count(Asset.marking_id),
            func.count(Asset.owner_id),
            _count_if(Asset.next_review < today),
        )
        .where(Asset.status != AssetStatus.RETIRED)
        .group_by(Asset.department_id),
    )
    risks = _per_department(
        session,
        select(
            Risk.department_id,
            func.count(),
            _count_if(rated("inherent")),
            _count_if(Risk.next_review < today),
        )
        .where(*live_risk())
        .group_by(Risk.department_id),
    )
    decided = case(
        (
            SoaEntry.applicability == Applicability.APPLICABLE,
            SoaEntry.implementation_status != ImplementationStatus.NOT_IMPLEMENTED,
        ),
        (
            SoaEntry.applicability == Applicability.EXCLUDED,
            func.trim(SoaEntry.exclusion_justification) != "",
        ),
        else_=SoaEntry.applicability == Applicability.THIRD_PARTY,
    )
    has_evidence = (
        select(evidence_control.c.control_id)
        .join(Evidence, Evidence.id == evidence_control.c.evidence_id)
        .where(
            evidence_control.c.control_id == SoaEntry.control_id,
            (Evidence.department_id == SoaEntry.department_id) | Evidence.department_id.is_(None),
        )
        .exists()
    )
    soa = _per_department(
        session,
        select(
            SoaEntry.department_id,
            _count_if(decided),
            _count_if(and_(SoaEntry.applicability == Applicability.APPLICABLE, ~has_evidence)),
        )
        .join(Control, Control.id == SoaEntry.control_id)
        .where(Control.edition == ControlEdition.ISO27001_2022)
        .group_by(SoaEntry.department_id),
    )
    annex_a = session.execute(
        select(func.count()).where(Control.edition == ControlEdition.ISO27001_2022)
    ).scalar_one()
    result = []
    departments = session.execute(
        select(Department.id, Department.code, Department.name)
        .where(Department.in_scope.is_(True))
        .order_by(Department.name)
    )
    for dept_id, code, name in departments:
        n_assets, classified, owned, assets_overdue = assets.get(dept_id, (0, 0, 0, 0))
        n_risks, assessed, risks_overdue = risks.get(dept_id, (0, 0, 0))
        complete, missing = soa.get(dept_id, (0, 0))
        result.append(
            DepartmentCoverage(
                dept_id, code, name, n_assets, classified, owned, assessed, n_risks,
                complete, annex_a, assets_overdue + risks_overdue, missing,
            )
        )
    return result
