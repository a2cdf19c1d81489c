"""What the risk method document says, as plain data: assembled from the register by
``isms.services.method.method_document`` and laid out by ``method_pdf`` (kept apart so building
it does not load reportlab)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from ...method.criteria import Criteria
from ...method.handling import Rule
from ...model import TreatmentOption

#: The three levels a risk is rated at, as the method defines them (6.1.2 d, 6.1.3).
LEVEL_TERMS: tuple[tuple[str, str], ...] = (
    ("Inherent", "The level before any control: what could happen if nothing were done."),
    ("Current", "Today's exposure, with the controls in place now. It is the level compared "
                "with the risk appetite, shown to the SIRO above the appetite, and the one "
                "that sets how often the risk is reviewed. A risk not yet assessed with its "
                "controls is taken at its inherent level."),
    ("Residual (target)", "The level the treatment plan is to reach. It is a plan until the "
                          "treatment actions are done: a residual within the appetite while "
                          "the current level is above it, with no open action to reach it, is "
                          "flagged \"target without a plan\"."),
)

#: The treatment options (ISO/IEC 27001 6.1.3 a, ISO/IEC 27005 8.5), in the order offered.
TREATMENT_TERMS: dict[TreatmentOption, str] = {
    TreatmentOption.MODIFY: "Modify: change the likelihood or the impact with controls "
                            "(Annex A or local), through treatment actions with an owner and "
                            "a due date.",
    TreatmentOption.RETAIN: "Retain: accept the risk as it is, by an informed decision of "
                            "those the acceptance authority names, recorded with its "
                            "rationale and an expiry.",
    TreatmentOption.AVOID: "Avoid: stop or change the activity that gives rise to the risk.",
    TreatmentOption.SHARE: "Share: pass part of the risk to another party (a supplier, an "
                           "insurer); the council remains accountable.",
}

#: How accepting a target differs from accepting today's exposure.
ACCEPTING_TARGETS = (
    "An acceptance is of the residual (target) level. While the current level is higher and "
    "above the appetite, the target can be accepted only once the treatment plan is complete "
    "(actions planned, none still open); otherwise the owner accepts the current level, and "
    "the acceptance says \"accepted at current level ...\". Re-scoring an accepted risk or "
    "changing its owner withdraws the acceptance.")


@dataclass(frozen=True)
class MethodDocument:
    register_name: str
    #: The criteria version in force and who made it when, with their note.
    version_number: int
    created_at: datetime
    created_by: str
    note: str
    criteria: Criteria
    #: The active data-handling rules, in code order.
    rules: Sequence[Rule]
    #: Who owns the method: the criteria's ``method_owner``, else the register's SIRO(s).
    owner: str = ""
    #: Who approved this version (their confirmed signature), and when; "" / None if nobody.
    approved_by: str = ""
    approved_at: datetime | None = None

    @property
    def next_review(self) -> date:
        """When the method is next reviewed: its interval after approval (else after the
        version was made)."""
        start = (self.approved_at or self.created_at).date()
        return date.fromordinal(start.toordinal() + self.criteria.method_review_days)
