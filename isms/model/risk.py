"""Risks, their treatment actions and the risk owners' acceptances."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .asset import Asset
from .base import Base, Timestamped, Versioned, str_enum
from .control import Control
from .enums import ActionStatus, RiskStatus, TreatmentOption
from .method import RiskCriteria
from .org import Department, Person
from .threat import Threat, Vulnerability

risk_asset = Table(
    "risk_asset",
    Base.metadata,
    Column("risk_id", ForeignKey("risk.id", ondelete="CASCADE"), primary_key=True),
    Column("asset_id", ForeignKey("asset.id", ondelete="CASCADE"), primary_key=True, index=True),
)

risk_control = Table(
    "risk_control",
    Base.metadata,
    Column("risk_id", ForeignKey("risk.id", ondelete="CASCADE"), primary_key=True),
    Column("control_id", ForeignKey("control.id"), primary_key=True, index=True),
)

_SCORES = (
    "inherent_likelihood",
    "inherent_impact",
    "current_likelihood",
    "current_impact",
    "residual_likelihood",
    "residual_impact",
)


class Risk(Versioned, Timestamped, Base):
    """A risk to C, I or A within scope. Scores are scale positions (1 = lowest) of the criteria
    version in ``criteria_id``; levels are derived from them by the method, never stored twice."""

    __tablename__ = "risk"
    __table_args__ = (
        *(CheckConstraint(f"{c} IS NULL OR {c} >= 1", name=f"{c}_positive") for c in _SCORES),
        Index("ix_risk_department_status", "department_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(300), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    threat_id: Mapped[int | None] = mapped_column(ForeignKey("threat.id"))
    vulnerability_id: Mapped[int | None] = mapped_column(ForeignKey("vulnerability.id"))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    #: Which of C, I, A the risk is to, e.g. "CA".
    affects: Mapped[str] = mapped_column(String(3), default="")
    criteria_id: Mapped[int | None] = mapped_column(ForeignKey("risk_criteria.id"))
    inherent_likelihood: Mapped[int | None]
    inherent_impact: Mapped[int | None]
    existing_controls: Mapped[str] = mapped_column(Text, default="")
    current_likelihood: Mapped[int | None]
    current_impact: Mapped[int | None]
    treatment_option: Mapped[TreatmentOption | None] = mapped_column(
        str_enum(TreatmentOption, "treatment_option")
    )
    treatment_note: Mapped[str] = mapped_column(Text, default="")
    residual_likelihood: Mapped[int | None]
    residual_impact: Mapped[int | None]
    status: Mapped[RiskStatus] = mapped_column(
        str_enum(RiskStatus, "risk_status"), default=RiskStatus.IDENTIFIED
    )
    next_review: Mapped[date | None] = mapped_column(index=True)
    #: Why next_review departs from the cadence of the risk's level (blank = follows cadence).
    review_override_reason: Mapped[str] = mapped_column(Text, default="")
    retired_at: Mapped[datetime | None]
    #: "HR-01:580" when the risk was made from a handling-rule finding (rule code : practice id),
    #: so the finding knows its risk whatever the risk is later called.
    source_finding: Mapped[str | None] = mapped_column(String(60), index=True)

    department: Mapped[Department] = relationship()
    owner: Mapped[Person | None] = relationship()
    threat: Mapped[Threat | None] = relationship()
    vulnerability: Mapped[Vulnerability | None] = relationship()
    criteria: Mapped[RiskCriteria | None] = relationship()
    assets: Mapped[list[Asset]] = relationship(secondary=risk_asset, backref="risks")
    controls: Mapped[list[Control]] = relationship(secondary=risk_control)
    actions: Mapped[list[TreatmentAction]] = relationship(
        back_populates="risk", order_by="TreatmentAction.id", cascade="all, delete-orphan"
    )
    acceptances: Mapped[list[RiskAcceptance]] = relationship(
        back_populates="risk", order_by="RiskAcceptance.id", cascade="all, delete-orphan"
    )

    @property
    def current_acceptance(self) -> RiskAcceptance | None:
        live = [a for a in self.acceptances if a.withdrawn_at is None]
        return live[-1] if live else None

    def audit_label(self) -> str:
        return f"risk {self.ref}"


#: A treatment action's priorities, most urgent first ('' = not set yet).
ACTION_PRIORITIES = ("high", "medium", "low")


class TreatmentAction(Versioned, Timestamped, Base):
    __tablename__ = "treatment_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    risk_id: Mapped[int] = mapped_column(ForeignKey("risk.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    due_date: Mapped[date | None] = mapped_column(index=True)
    status: Mapped[ActionStatus] = mapped_column(
        str_enum(ActionStatus, "action_status"), default=ActionStatus.OPEN
    )
    completed_on: Mapped[date | None]
    control_id: Mapped[int | None] = mapped_column(ForeignKey("control.id"))
    #: "high", "medium" or "low" ("" = not set yet): the order the plan is worked in.
    priority: Mapped[str] = mapped_column(String(10), default="")
    #: What the action needs (people, money, tools), in words (6.1.3 e, 7.1).
    resources: Mapped[str] = mapped_column(Text, default="")
    #: The due date first planned; deferrals move ``due_date`` and are kept in ``deferrals``.
    original_due_date: Mapped[date | None]

    risk: Mapped[Risk] = relationship(back_populates="actions")
    owner: Mapped[Person | None] = relationship()
    control: Mapped[Control | None] = relationship()
    deferrals: Mapped[list[ActionDeferral]] = relationship(
        back_populates="treatment_action", order_by="ActionDeferral.id",
        cascade="all, delete-orphan",
    )

    def audit_label(self) -> str:
        return f"treatment action {self.id} of risk {self.risk_id}"


class ActionDeferral(Base):
    """One slip of an action's due date: from when, to when, why, who and when it was
    recorded. Rows are only added: the history of a plan's slippage stays visible."""

    __tablename__ = "action_deferral"
    __table_args__ = (
        CheckConstraint("(treatment_action_id IS NULL) <> (review_action_id IS NULL)",
                        name="one_action"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    treatment_action_id: Mapped[int | None] = mapped_column(
        ForeignKey("treatment_action.id", ondelete="CASCADE"), index=True)
    review_action_id: Mapped[int | None] = mapped_column(
        ForeignKey("review_action.id", ondelete="CASCADE"), index=True)
    from_date: Mapped[date | None]
    to_date: Mapped[date]
    reason: Mapped[str] = mapped_column(Text)
    deferred_by: Mapped[str] = mapped_column(String(100))
    deferred_at: Mapped[datetime]

    treatment_action: Mapped[TreatmentAction | None] = relationship(back_populates="deferrals")

    def audit_label(self) -> str:
        action = (f"treatment action {self.treatment_action_id}"
                  if self.treatment_action_id is not None
                  else f"review action {self.review_action_id}")
        return f"deferral {self.id} of {action}"


class RiskAcceptance(Versioned, Timestamped, Base):
    """A risk owner's acceptance of residual risk (6.1.3 f); above appetite an approver signs."""

    __tablename__ = "risk_acceptance"

    id: Mapped[int] = mapped_column(primary_key=True)
    risk_id: Mapped[int] = mapped_column(ForeignKey("risk.id", ondelete="CASCADE"), index=True)
    accepted_by_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    accepted_at: Mapped[datetime]
    rationale: Mapped[str] = mapped_column(Text)
    expires_on: Mapped[date | None]
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    approved_at: Mapped[datetime | None]
    withdrawn_at: Mapped[datetime | None]
    withdrawn_reason: Mapped[str] = mapped_column(Text, default="")

    risk: Mapped[Risk] = relationship(back_populates="acceptances")
    accepted_by: Mapped[Person] = relationship(foreign_keys=[accepted_by_id])
    approved_by: Mapped[Person | None] = relationship(foreign_keys=[approved_by_id])

    def audit_label(self) -> str:
        return f"acceptance {self.id} of risk {self.risk_id}"
