"""A risk in full, as `isms risks show` prints it and the risk editor shows it.

Plain values read in one short session: nobody holds ORM objects or a session while a user
thinks. ``version`` is what a save must still match (``isms.db.expect_version``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from isms.errors import NotFoundError
from isms.method.criteria import Criteria
from isms.model import (
    Asset,
    AssetStatus,
    ControlEdition,
    Risk,
    RiskStatus,
    Threat,
    TreatmentOption,
    Vulnerability,
)
from isms.services.read import queries
from isms.services.risks import (
    STAGES,
    TARGET_WITHOUT_PLAN,
    Rating,
    levels,
    open_actions,
    pending_acceptances,
    rating,
)
from isms.services.signatures import words


@dataclass(frozen=True)
class Score:
    """One stage's rating and the level the register's criteria give it."""

    likelihood: int | None
    impact: int | None
    level: str | None

    def as_json(self) -> dict[str, Any]:
        return {"likelihood": self.likelihood, "impact": self.impact, "level": self.level}


@dataclass(frozen=True)
class ActionLine:
    id: int
    title: str
    owner: str | None
    due: date | None
    status: str

    def as_json(self) -> dict[str, Any]:
        # The id is the number `isms actions update | close` take.
        return {"id": self.id, "title": self.title, "owner": self.owner,
                "due": self.due.isoformat() if self.due else None, "status": self.status}


@dataclass(frozen=True)
class Acceptance:
    """Who accepted the residual risk, while that acceptance stands."""

    by: str
    at: datetime
    rationale: str
    expires: date | None

    def as_json(self) -> dict[str, Any]:
        return {"by": self.by, "at": self.at.isoformat(), "rationale": self.rationale,
                "expires": self.expires.isoformat() if self.expires else None}


@dataclass(frozen=True)
class LinkedAsset:
    id: int
    ref: str
    name: str
    status: str


@dataclass(frozen=True)
class LinkedControl:
    """A control chosen to treat the risk (its planned controls)."""

    id: int
    ref: str
    title: str


@dataclass(frozen=True)
class RiskRecord:
    """The risk as it was read: every fact the CLI prints and the editor shows."""

    id: int
    version: int
    ref: str
    title: str
    description: str
    department_id: int
    department_code: str
    department_name: str
    owner: str | None
    owner_id: int | None
    threat: str | None
    vulnerability: str | None
    threat_id: int | None
    vulnerability_id: int | None
    affects: str
    linked_assets: tuple[LinkedAsset, ...]
    scores: dict[str, Score]  # STAGES -> score
    existing_controls: str
    treatment: TreatmentOption | None
    treatment_note: str
    linked_controls: tuple[LinkedControl, ...]  # in clause order
    actions: tuple[ActionLine, ...]
    accepted: Acceptance | None
    status: str
    next_review: date | None
    override_reason: str  # why the review date was set by hand ("" when it follows the cadence)
    #: Acceptances recorded for someone and awaiting their confirmation, in words (they do not
    #: count yet: isms.services.signatures).
    awaiting: tuple[str, ...] = ()
    #: Whether today's exposure (the current level, else the inherent) is above the appetite.
    above_appetite: bool = False
    #: What is wrong with the risk's levels, in words ("target without a plan").
    flags: tuple[str, ...] = ()

    @property
    def department(self) -> str:
        """The department as the editor names it: code and name ("ENV Environment")."""
        return f"{self.department_code} {self.department_name}"

    @property
    def assets(self) -> tuple[str, ...]:
        """The linked assets as "ref name"."""
        return tuple(f"{a.ref} {a.name}" for a in self.linked_assets)

    @property
    def controls(self) -> tuple[str, ...]:
        """The refs of the controls chosen to treat the risk, in clause order."""
        return tuple(c.ref for c in self.linked_controls)

    @property
    def ratings(self) -> dict[str, Rating]:
        """STAGES -> (likelihood, impact)."""
        return {stage: (s.likelihood, s.impact) for stage, s in self.scores.items()}

    @property
    def acceptance(self) -> str | None:
        """The standing acceptance in a sentence, or None."""
        if self.accepted is None:
            return None
        return (f"{self.accepted.by} accepted the residual risk on "
                f"{self.accepted.at.date().isoformat()}")

    def as_json(self) -> dict[str, Any]:
        """What `isms risks show --json` prints (its keys in this order make the text form)."""
        return {
            "ref": self.ref,
            "title": self.title,
            "description": self.description,
            "department": self.department_name,
            "owner": self.owner,
            "threat": self.threat,
            "vulnerability": self.vulnerability,
            "affects": self.affects,
            "assets": [a.ref for a in self.linked_assets],
            "inherent": self.scores["inherent"].as_json(),
            "existing_controls": self.existing_controls,
            "current": self.scores["current"].as_json(),
            "treatment_option": str(self.treatment) if self.treatment else None,
            "controls": list(self.controls),
            "actions": [a.as_json() for a in self.actions],
            "residual": self.scores["residual"].as_json(),
            "above_appetite": self.above_appetite,
            "flags": list(self.flags),
            "acceptance": self.accepted.as_json() if self.accepted else None,
            "awaiting": list(self.awaiting),
            "status": self.status,
            "next_review": self.next_review.isoformat() if self.next_review else None,
            "version": self.version,
        }


def _score(criteria: Criteria, risk: Risk, stage: str) -> Score:
    likelihood, impact = rating(risk, stage)
    level = criteria.level(likelihood, impact)
    return Score(likelihood, impact, level.name if level else None)


def _record(session: Session, risk: Risk) -> RiskRecord:
    criteria = queries.current_criteria(session)
    accepted = risk.current_acceptance
    found = levels(criteria, risk)
    return RiskRecord(
        id=risk.id,
        version=risk.version,
        ref=risk.ref,
        title=risk.title,
        description=risk.description,
        department_id=risk.department_id,
        department_code=risk.department.code,
        department_name=risk.department.name,
        owner=risk.owner.name if risk.owner else None,
        owner_id=risk.owner_id,
        threat=risk.threat.name if risk.threat else None,
        vulnerability=risk.vulnerability.name if risk.vulnerability else None,
        threat_id=risk.threat_id,
        vulnerability_id=risk.vulnerability_id,
        affects=risk.affects,
        linked_assets=tuple(LinkedAsset(a.id, a.ref, a.name, str(a.status))
                            for a in sorted(risk.assets, key=lambda a: a.ref)),
        scores={stage: _score(criteria, risk, stage) for stage in STAGES},
        existing_controls=risk.existing_controls,
        treatment=risk.treatment_option,
        treatment_note=risk.treatment_note,
        linked_controls=tuple(LinkedControl(c.id, c.ref, c.title)
                              for c in sorted(risk.controls, key=lambda c: c.sort_key)),
        actions=tuple(
            ActionLine(a.id, a.title, a.owner.name if a.owner else None, a.due_date, str(a.status))
            for a in risk.actions
        ),
        accepted=None if accepted is None else Acceptance(
            accepted.accepted_by.name, accepted.accepted_at, accepted.rationale,
            accepted.expires_on,
        ),
        status=str(risk.status),
        next_review=risk.next_review,
        override_reason=risk.review_override_reason,
        awaiting=tuple(words(signature) for signature in
                       pending_acceptances(session, [risk.id]).get(risk.id, [])),
        above_appetite=criteria.above_appetite(found.governing),
        flags=(TARGET_WITHOUT_PLAN,) if found.target_without_plan(
            criteria, len(open_actions(risk))) else (),
    )


def _risk(session: Session, risk_id: int) -> Risk:
    risk = session.get(Risk, risk_id)
    if risk is None:
        raise NotFoundError("The risk is no longer in the register.")
    return risk


def risk_record(session: Session, risk_id: int) -> RiskRecord:
    """The risk with this id in full; NotFoundError when it is no longer in the register."""
    return _record(session, _risk(session, risk_id))


def risk_record_by_ref(session: Session, ref: str) -> RiskRecord:
    """The risk with this reference (e.g. R-0001) in full."""
    return _record(session, queries.risk_by_ref(session, ref))


def risk_ratings(session: Session, risk_id: int) -> dict[str, Rating]:
    """Just the (likelihood, impact) of each stage: cheaper than the risk in full."""
    risk = _risk(session, risk_id)
    return {stage: rating(risk, stage) for stage in STAGES}


def risk_owners(session: Session) -> tuple[tuple[int, str], ...]:
    """(id, name) of the people who can own a risk (the active ones), in name order."""
    return tuple((person.id, person.name) for person in queries.people(session))


@dataclass(frozen=True)
class Catalogued:
    """A threat or vulnerability to choose: "T09 Malware", its id, the C/I/A it affects."""

    text: str
    id: int
    affects: str


@dataclass(frozen=True)
class RiskChoices:
    """What the risk editor's pickers offer: (text, id) pairs, in the order shown."""

    threats: tuple[Catalogued, ...]
    vulnerabilities: tuple[Catalogued, ...]
    assets: tuple[tuple[str, int], ...]  # the department's live assets, by reference
    controls: tuple[tuple[str, int], ...]  # Annex A 2022, then the local controls


def risk_choices(session: Session, department_id: int) -> RiskChoices:
    """The threats, vulnerabilities, assets (of the risk's department, not retired) and
    controls (the 2022 catalogue and the local edition) a risk can be made of."""
    threats = tuple(Catalogued(f"{t.code} {t.name}", t.id, t.affects) for t in
                    session.execute(select(Threat).order_by(Threat.code)).scalars())
    vulnerabilities = tuple(
        Catalogued(f"{v.code} {v.name}", v.id, "") for v in
        session.execute(select(Vulnerability).order_by(Vulnerability.code)).scalars())
    assets = tuple((f"{ref} {name}", asset_id) for asset_id, ref, name in session.execute(
        select(Asset.id, Asset.ref, Asset.name).where(
            Asset.department_id == department_id, Asset.status != AssetStatus.RETIRED,
        ).order_by(Asset.ref)))
    controls = tuple(
        (f"{c.ref} {c.title}" if c.edition != ControlEdition.LOCAL else
         f"{c.ref} {c.title} (local)", c.id)
        for edition in (ControlEdition.ISO27001_2022, ControlEdition.LOCAL)
        for c in queries.controls(session, edition))
    return RiskChoices(threats, vulnerabilities, assets, controls)


def live_risks(session: Session, department_id: int | None = None) -> tuple[tuple[str, int], ...]:
    """("R-0001 Title", id) of the risks not retired (of one department, when given), by
    reference: what a new treatment action can be added to."""
    query = select(Risk.id, Risk.ref, Risk.title).where(Risk.status != RiskStatus.RETIRED)
    if department_id is not None:
        query = query.where(Risk.department_id == department_id)
    return tuple((f"{ref} {title}", risk_id)
                 for risk_id, ref, title in session.execute(query.order_by(Risk.ref)))
