"""The risk as the editor reads it, and the people who can own it.

Plain values, read in one short session: the editor never holds ORM objects or a session while
the user thinks. A save checks it is still the risk read here with ``isms.db.expect_version``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from isms.errors import NotFoundError
from isms.model import Risk, TreatmentOption
from isms.services import risks as risk_service
from isms.services.read import queries
from isms.services.risks import STAGES, Rating


@dataclass(frozen=True)
class RiskSnapshot:
    """The risk as the editor read it: what it shows, and the version a save must still match."""

    id: int
    version: int
    ref: str
    title: str
    description: str
    department: str
    owner: str | None
    owner_id: int | None
    status: str
    assets: tuple[str, ...]
    ratings: dict[str, Rating]
    treatment: TreatmentOption | None
    treatment_note: str
    next_review: date | None
    override_reason: str
    acceptance: str | None  # who accepted the residual risk, while the acceptance stands


def load_snapshot(session: Session, risk_id: int) -> RiskSnapshot:
    risk = session.get(Risk, risk_id)
    if risk is None:
        raise NotFoundError("The risk is no longer in the register.")
    accepted = risk.current_acceptance
    return RiskSnapshot(
        id=risk.id,
        version=risk.version,
        ref=risk.ref,
        title=risk.title,
        description=risk.description,
        department=f"{risk.department.code} {risk.department.name}",
        owner=risk.owner.name if risk.owner else None,
        owner_id=risk.owner_id,
        status=str(risk.status),
        assets=tuple(f"{a.ref} {a.name}" for a in risk.assets),
        ratings={stage: risk_service.rating(risk, stage) for stage in STAGES},
        treatment=risk.treatment_option,
        treatment_note=risk.treatment_note,
        next_review=risk.next_review,
        override_reason=risk.review_override_reason,
        acceptance=(f"{accepted.accepted_by.name} accepted the residual risk on "
                    f"{accepted.accepted_at.date().isoformat()}") if accepted else None,
    )


def load_people(session: Session) -> tuple[tuple[int, str], ...]:
    """(id, name) of the people who can own a risk (the active ones), in name order."""
    return tuple((person.id, person.name) for person in queries.people(session))
