"""Where a register stands on the way to a working ISMS: the steps of onboarding a department.

A new register is empty, and its dashboard has nothing to show. These steps say what to do
first and how far it has got, each judged on a count read from the register:

1. departments   — at least one department;
2. people        — at least one active person (to own assets and risks);
3. assets        — at least one live asset (the department's first import);
4. risk          — at least one live risk assessed (given an inherent rating);
5. soa           — at least one Statement of Applicability decision;
6. climate       — the decision whether climate change is a relevant issue (4.1, Amd 1:2024),
                   council-wide;
7. review        — at least one review meeting held (completed or signed off).

For one department the counts are that department's (its people, assets, risks, SoA entries,
and the reviews whose scope takes it in, the whole council's included); the departments step
always counts the whole register. The window's dashboard shows the steps until every one is
done; nothing here is Qt.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Mapped, Session

from isms.model import (
    Asset,
    AssetStatus,
    Department,
    Person,
    ReviewMeeting,
    ReviewStatus,
    Risk,
    RiskStatus,
    SoaEntry,
)
from isms.model.base import Base
from isms.model.context import ContextIssue, IssueKind
from isms.model.review import review_scope

_LIVE_RISK = (RiskStatus.RETIRED, RiskStatus.CLOSED)
_HELD = (ReviewStatus.COMPLETED, ReviewStatus.SIGNED_OFF)

#: The step keys, in the order they are taken.
STEP_KEYS = ("departments", "people", "assets", "risk", "soa", "climate", "review")


@dataclass(frozen=True)
class Step:
    """One step: what to do, and whether the register shows it done."""

    key: str  # one of STEP_KEYS
    title: str  # what to do, e.g. "Add the departments"
    count: int  # what the step is judged on
    counted: str  # the count in words, e.g. "2 departments", "0 assets"
    done: bool
    hint: str  # how, in a sentence
    #: Records begun but not yet counted (risks identified, not scored; reviews planned, not
    #: held): the step goes on with those rather than with new ones.
    begun: int = 0


@dataclass(frozen=True)
class Onboarding:
    steps: tuple[Step, ...]

    @property
    def done(self) -> bool:
        return all(step.done for step in self.steps)

    @property
    def done_count(self) -> int:
        return sum(step.done for step in self.steps)

    @property
    def next_step(self) -> Step | None:
        """The first step not yet done (None when all are)."""
        return next((step for step in self.steps if not step.done), None)

    def step(self, key: str) -> Step:
        return next(step for step in self.steps if step.key == key)


def _plural(count: int, noun: str, plural: str | None = None) -> str:
    return f"{count:,} {noun if count == 1 else plural or noun + 's'}"


def _count(session: Session, model: type[Base], *conditions: ColumnElement[bool]) -> int:
    query = select(func.count()).select_from(model).where(*conditions)
    return int(session.execute(query).scalar_one())


def onboarding(session: Session, *, department: int | None = None) -> Onboarding:
    """The seven steps with their counts, for the whole register or one department."""
    def within(column: Mapped[int] | Mapped[int | None]) -> list[ColumnElement[bool]]:
        return [] if department is None else [column == department]

    departments = _count(session, Department)
    people = _count(session, Person, Person.active.is_(True), *within(Person.department_id))
    assets = _count(session, Asset, Asset.status != AssetStatus.RETIRED,
                    *within(Asset.department_id))
    live_risk = [Risk.status.not_in(_LIVE_RISK), *within(Risk.department_id)]
    risks = _count(session, Risk, *live_risk)
    assessed = _count(session, Risk, *live_risk, Risk.inherent_likelihood.is_not(None),
                      Risk.inherent_impact.is_not(None))
    decisions = _count(session, SoaEntry, *within(SoaEntry.department_id))
    climate = _count(session, ContextIssue, ContextIssue.kind == IssueKind.CLIMATE)
    meetings = select(ReviewMeeting.status, func.count()).group_by(ReviewMeeting.status)
    if department is not None:
        # A meeting with no scope reviews the whole council, so every department.
        in_scope = select(review_scope.c.meeting_id).where(
            review_scope.c.department_id == department)
        scoped = select(review_scope.c.meeting_id)
        meetings = meetings.where(or_(ReviewMeeting.id.in_(in_scope),
                                      ReviewMeeting.id.not_in(scoped)))
    by_status = {status: int(n) for status, n in session.execute(meetings)}
    held = sum(by_status.get(status, 0) for status in _HELD)
    planned = sum(by_status.values()) - held

    risk_text = _plural(assessed, "risk") + " assessed"
    if risks > assessed:
        risk_text += f" ({risks - assessed:,} not yet scored)"
    review_text = _plural(held, "review") + " held"
    if planned:
        review_text += f" ({planned:,} planned)"
    return Onboarding((
        Step("departments", "Add the departments", departments,
             _plural(departments, "department"), departments > 0,
             "The departments (and services under them) whose information the ISMS covers."),
        Step("people", "Add the people", people, _plural(people, "person", "people"),
             people > 0,
             "Who owns assets and risks: add them, or let an import create the owners it "
             "names."),
        Step("assets", "Import the department's assets", assets, _plural(assets, "asset"),
             assets > 0,
             "Bring in the department's asset register from its own spreadsheet."),
        Step("risk", "Assess a first risk", assessed, risk_text, assessed > 0,
             "A risk to an asset, with its likelihood and impact.", risks - assessed),
        Step("soa", "Decide the Statement of Applicability", decisions,
             _plural(decisions, "SoA decision"), decisions > 0,
             "Which Annex A controls apply, and why: on the Controls & SoA page."),
        Step("climate", "Decide whether climate change is relevant", climate,
             "decided" if climate else "no decision", climate > 0,
             "ISO/IEC 27001 4.1 (Amendment 1:2024): record the decision and why, on the "
             "Context issues page."),
        Step("review", "Hold a first review", held, review_text, held > 0,
             "Plan a Security Managers Group review meeting, then hold it.", planned),
    ))
