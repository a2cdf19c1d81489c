"""What awaits my confirmation: signatures recorded for me by someone else, confirmed or
declined by me, acting as myself (issue 16).

Only a decision recorded for someone (a risk owner's acceptance, an approver's sign-off above
the appetite) can await; an SoA approval or a meeting's sign-off is always made by its signer.
An acceptance counts once all its signatures are confirmed (the acceptance record is made
then); a declined one never counts, and its other signatures stop awaiting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import AccessDenied, NotFoundError, ValidationError
from ..model import Risk, RiskAcceptance, Signature, SignatureKind, SignatureState
from ..model.base import utcnow
from . import risks, signatures
from .changed import Changed

_ACCEPTANCE_KINDS = (SignatureKind.RISK_ACCEPTANCE, SignatureKind.ACCEPTANCE_APPROVAL)


@dataclass(frozen=True)
class Awaiting:
    """One signature awaiting the acting user, in words."""

    id: int
    kind: str
    #: "R-0012 Loss of the payroll file"
    subject: str
    #: What confirming agrees to.
    detail: str
    recorded_by: str
    recorded_at: datetime
    meeting_date: date | None


def _subject(session: Session, signature: Signature) -> str:
    if signature.subject_table == "risk":
        risk = session.get(Risk, signature.subject_id)
        return f"{risk.ref} {risk.title}" if risk is not None else f"risk {signature.subject_id}"
    return f"{signature.subject_table.replace('_', ' ')} {signature.subject_id}"


def _detail(signature: Signature) -> str:
    terms = signature.terms
    until = f" until {terms['expires_on']}" if terms.get("expires_on") else ""
    what = ("accept the residual risk" if signature.kind == SignatureKind.RISK_ACCEPTANCE
            else "sign off the acceptance above the appetite")
    return f"{what}{until}: {terms.get('rationale', '')}".rstrip(": ")


def awaiting_me(session: Session) -> list[Awaiting]:
    """The signatures awaiting the acting user, oldest first (empty for an unknown user)."""
    me = signatures.acting_person(session)
    if me is None:
        return []
    rows = session.execute(
        select(Signature).where(Signature.signer_id == me.id,
                                Signature.state == SignatureState.AWAITING)
        .order_by(Signature.recorded_at, Signature.id)
    ).scalars()
    return [Awaiting(s.id, s.kind.value, _subject(session, s), _detail(s),
                     signatures.recorder_name(s), s.recorded_at, s.meeting_date) for s in rows]


def count_awaiting_me(session: Session) -> int:
    return len(awaiting_me(session))


def signature_words(session: Session, signature_id: int) -> str:
    """A signature in words ("accepted by B on D (recorded by A on D')")."""
    signature = session.get(Signature, signature_id)
    if signature is None:
        raise NotFoundError(f"There is no signature {signature_id}.")
    return signatures.words(signature)


def _mine(session: Session, signature_id: int, doing: str) -> Signature:
    signature = session.get(Signature, signature_id)
    if signature is None:
        raise NotFoundError(f"There is no signature {signature_id}; list what awaits you with "
                            "`isms awaiting`.")
    what = f"{doing} signature {signature_id} ({signatures.words(signature)})"
    if signature.state != SignatureState.AWAITING:
        raise ValidationError(f"Signature {signature_id} is {signature.state.value} already; "
                              "there is nothing to confirm or decline.", field="state")
    me = signatures.signer(session, what,
                           approver=signature.kind == SignatureKind.ACCEPTANCE_APPROVAL)
    if me.id != signature.signer_id:
        raise AccessDenied(
            f"{me.name} may not {what}: only {signature.signer.name} can, acting as "
            "themselves.", actor=signatures.actor(session), needed="signer")
    return signature


def confirm(session: Session, signature_id: int, *, today: date | None = None,
            now: datetime | None = None) -> Changed:
    """The acting user confirms a signature recorded for them; the acceptance it completes is
    made (and counts) from now."""
    signature = _mine(session, signature_id, "confirm")
    signature.state = SignatureState.CONFIRMED
    signature.resolved_at = now or utcnow()
    changed = Changed.of(Signature, [signature.id])
    if signature.kind in _ACCEPTANCE_KINDS:
        group = risks.acceptance_group(session, signature)
        if all(s.state == SignatureState.CONFIRMED for s in group):
            risk = session.get(Risk, signature.subject_id)
            if risk is None:
                raise NotFoundError(f"Risk {signature.subject_id} is no longer in the register.")
            acceptance = risks.complete_acceptance(session, risk, group, today)
            changed = changed | Changed.of(Risk, [risk.id]) | Changed.of(
                RiskAcceptance, [acceptance.id])
    session.flush()
    return changed


def decline(session: Session, signature_id: int, reason: str = "", *,
            now: datetime | None = None) -> Changed:
    """The acting user declines a signature recorded for them: it never counts, and the other
    signatures of the same acceptance no longer count either."""
    signature = _mine(session, signature_id, "decline")
    at = now or utcnow()
    name = signature.signer.name
    why = reason.strip()
    signature.state = SignatureState.DECLINED
    signature.resolved_at = at
    signature.reason = f"declined by {name} on {at.date().isoformat()}" + (
        f": {why}" if why else "")
    ids = [signature.id]
    if signature.kind in _ACCEPTANCE_KINDS:
        for other in risks.acceptance_group(session, signature):
            if other.id != signature.id and other.outcome_id is None and other.state in (
                    SignatureState.AWAITING, SignatureState.CONFIRMED):
                other.state = SignatureState.DECLINED
                other.resolved_at = at
                other.reason = f"{name} declined the acceptance on {at.date().isoformat()}"
                ids.append(other.id)
    session.flush()
    return Changed.of(Signature, ids)
