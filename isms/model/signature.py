"""Signatures: a sign-off made by the person who signs, or recorded for them and awaiting them.

Approving an SoA, signing off a review meeting, accepting a residual risk (and an approver's
sign-off above appetite) and approving the risk method are acts of the signer. Each one made
through the services leaves a row here naming what was signed (``kind`` + ``subject_table`` /
``subject_id``), who signs (``signer_id``), who recorded it (``recorded_by``: the acting user)
and when, and for a decision taken at a meeting, the meeting and its date.

When the acting user records a decision taken by someone else (a secretary at a meeting, a risk
owner's acceptance when the owner was not there), the row is ``awaiting`` the signer: nothing
it would do counts until the signer, acting as themselves, confirms it (``confirmed``, with the
time) or declines it (``declined``, with a reason). ``terms`` holds what confirming does (the
acceptance's rationale and expiry); ``outcome_id`` the record confirming made.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, Versioned, str_enum, utcnow
from .org import Person


class SignatureKind(enum.StrEnum):
    SOA_APPROVAL = "soa approval"
    REVIEW_SIGN_OFF = "review sign-off"
    RISK_ACCEPTANCE = "risk acceptance"
    ACCEPTANCE_APPROVAL = "acceptance approval"
    METHOD_APPROVAL = "method approval"


class SignatureState(enum.StrEnum):
    CONFIRMED = "confirmed"
    AWAITING = "awaiting"
    DECLINED = "declined"


class Signature(Versioned, Base):
    """One signature: made by the signer (confirmed), or recorded for them (awaiting them)."""

    __tablename__ = "signature"
    __table_args__ = (
        Index("ix_signature_signer_state", "signer_id", "state"),
        Index("ix_signature_subject", "subject_table", "subject_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[SignatureKind] = mapped_column(str_enum(SignatureKind, "signature_kind"))
    #: What is signed: "soa_version", "review_meeting", "risk", "risk_acceptance",
    #: "risk_criteria", and its id.
    subject_table: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int]
    #: Who signs (B).
    signer_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    #: Who recorded it (A): the acting user's login, and the Person it matched, if any.
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: The meeting where the decision was taken, and its date (kept if the meeting goes).
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("review_meeting.id", ondelete="SET NULL")
    )
    meeting_date: Mapped[date | None]
    state: Mapped[SignatureState] = mapped_column(
        str_enum(SignatureState, "signature_state"), default=SignatureState.CONFIRMED
    )
    #: When the signer confirmed (or declined) it; for a signature made by the signer, when made.
    resolved_at: Mapped[datetime | None]
    #: Why it was declined.
    reason: Mapped[str] = mapped_column(Text, default="")
    #: What confirming does, e.g. {"rationale": ..., "expires_on": "2027-01-31"}.
    terms: Mapped[dict[str, Any]] = mapped_column(default=dict)
    #: The record confirming made (the risk acceptance), once confirmed.
    outcome_id: Mapped[int | None]

    signer: Mapped[Person] = relationship(foreign_keys=[signer_id])
    recorder: Mapped[Person | None] = relationship(foreign_keys=[recorded_by_id])

    @property
    def recorded_for(self) -> bool:
        """Recorded by someone other than the signer."""
        return self.recorded_by_id != self.signer_id

    def audit_label(self) -> str:
        return f"signature {self.id} ({self.kind.value})"
