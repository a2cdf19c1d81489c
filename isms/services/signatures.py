"""Signatures are acts of the signer (issue 16).

Approving an SoA, signing off a review meeting, accepting a residual risk (and an approver's
sign-off above the appetite) and approving the risk method are done by the ACTING user: the
session's ``info["actor"]`` matched to a Person by username (:mod:`isms.db.access_guard`), who
must be active and hold the role the act needs. No caller names the signer.

Where the acting user records a decision someone else took (a secretary minuting a meeting, a
risk owner's acceptance at a meeting they did not attend), the signature is recorded for that
person and awaits them: it counts only once they, acting as themselves, confirm it
(:mod:`isms.services.awaiting`). Each act leaves a :class:`~isms.model.Signature` row, read
back here for the documents ("accepted by B on D (recorded by A on D')").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db import access_guard
from ..errors import AccessDenied
from ..model import Person, ReviewMeeting, Signature, SignatureKind, SignatureState
from ..model.base import utcnow
from .roles import can_approve

#: How the documents name each kind of signature ("approved by", "accepted by").
VERBS: dict[SignatureKind, str] = {
    SignatureKind.SOA_APPROVAL: "approved",
    SignatureKind.REVIEW_SIGN_OFF: "signed off",
    SignatureKind.RISK_ACCEPTANCE: "accepted",
    SignatureKind.ACCEPTANCE_APPROVAL: "approved above the appetite",
    SignatureKind.METHOD_APPROVAL: "approved",
}


def actor(session: Session) -> str:
    return str(session.info.get("actor") or "")


def acting_person(session: Session) -> Person | None:
    """The Person whose username is the acting user's, read fresh from the database."""
    person_id = access_guard.resolve(session).person_id
    return session.get(Person, person_id) if person_id is not None else None


def signer(session: Session, what: str, *, approver: bool = False) -> Person:
    """The acting user as the signer of ``what`` ("approve the SoA of ENV"): an active person
    of the register, holding the approver or SIRO role when ``approver``. Otherwise
    AccessDenied naming who, what and the role needed."""
    person = acting_person(session)
    who = actor(session) or "An unknown user"
    needed = "approver" if approver else "editor"
    if person is None:
        raise AccessDenied(
            f"{who} may not {what}: a signature is made by the person signing, and {who} is "
            "not a person in this register with that username. Ask an administrator to give "
            f"your person record the username {who!r}.", actor=who, needed=needed)
    if not person.active:
        raise AccessDenied(f"{person.name} may not {what}: {person.name} has left (inactive).",
                           actor=who, needed=needed)
    if approver and not can_approve(person):
        raise AccessDenied(
            f"{person.name} may not {what}: that needs the approver or siro role, which "
            f"{person.name} does not hold. Ask an administrator of the register to give you "
            "the role.", actor=who, needed="approver")
    return person


def record(session: Session, kind: SignatureKind, subject_table: str, subject_id: int,
           signer: Person, *, meeting: ReviewMeeting | None = None,
           terms: dict[str, Any] | None = None, now: datetime | None = None) -> Signature:
    """A signature by ``signer``, recorded by the acting user: confirmed when the acting user
    is the signer, else awaiting the signer's confirmation."""
    at = now or utcnow()
    by = acting_person(session)
    mine = by is not None and by.id == signer.id
    signature = Signature(
        kind=kind, subject_table=subject_table, subject_id=subject_id, signer=signer,
        recorded_by=actor(session)[:100], recorder=by, recorded_at=at,
        meeting_id=meeting.id if meeting is not None else None,
        meeting_date=meeting.meeting_date if meeting is not None else None,
        state=SignatureState.CONFIRMED if mine else SignatureState.AWAITING,
        resolved_at=at if mine else None, terms=dict(terms or {}),
    )
    session.add(signature)
    return signature


def of_subjects(session: Session, subject_table: str,
                subject_ids: Iterable[int]) -> dict[int, list[Signature]]:
    """The signatures on each record, oldest first."""
    ids = list(dict.fromkeys(subject_ids))
    found: dict[int, list[Signature]] = {}
    if not ids:
        return found
    rows = session.execute(
        select(Signature).where(Signature.subject_table == subject_table,
                                Signature.subject_id.in_(ids)).order_by(Signature.id)
    ).scalars()
    for signature in rows:
        found.setdefault(signature.subject_id, []).append(signature)
    return found


#: How the documents name what awaits or was declined ("acceptance recorded for B").
NOUNS: dict[SignatureKind, str] = {
    SignatureKind.SOA_APPROVAL: "SoA approval",
    SignatureKind.REVIEW_SIGN_OFF: "sign-off",
    SignatureKind.RISK_ACCEPTANCE: "acceptance",
    SignatureKind.ACCEPTANCE_APPROVAL: "approval above the appetite",
    SignatureKind.METHOD_APPROVAL: "method approval",
}
_ACCEPTANCE_KINDS = (SignatureKind.RISK_ACCEPTANCE, SignatureKind.ACCEPTANCE_APPROVAL)


def _day(value: datetime | date | None) -> str:
    if value is None:
        return "-"
    return value.date().isoformat() if isinstance(value, datetime) else value.isoformat()


def recorder_name(signature: Signature) -> str:
    return signature.recorder.name if signature.recorder is not None else signature.recorded_by


def words(signature: Signature) -> str:
    """"accepted by B on D (recorded by A on D')", "acceptance recorded for B, awaiting B's
    confirmation (recorded by A on D')", "acceptance not confirmed: declined by B on D: why
    (recorded by A on D')"."""
    verb = VERBS[signature.kind]
    name = signature.signer.name
    recorded = f"recorded by {recorder_name(signature)} on {_day(signature.recorded_at)}"
    meeting = (f" at the meeting of {_day(signature.meeting_date)}"
               if signature.meeting_date is not None else "")
    noun = NOUNS[signature.kind]
    if signature.state == SignatureState.AWAITING:
        return (f"{noun} recorded for {name}{meeting}, awaiting {name}'s confirmation "
                f"({recorded})")
    if signature.state == SignatureState.DECLINED:
        return f"{noun}{meeting} not confirmed: {signature.reason} ({recorded})"
    text = f"{verb} by {name} on {_day(signature.resolved_at)}{meeting}"
    return f"{text} ({recorded})" if signature.recorded_for else text


@dataclass(frozen=True)
class AcceptanceNotes:
    """What the risk register and the treatment plan add about acceptances' signatures."""

    #: Acceptance id -> "recorded by A on D'" for an acceptance recorded for its signer(s).
    recorded: dict[int, str]
    #: Risk id -> the acceptance signatures awaiting their signer: not accepted yet.
    pending: dict[int, list[str]]


def acceptance_notes(session: Session) -> AcceptanceNotes:
    """Every acceptance signature in words, in one query (there are few)."""
    rows = session.execute(
        select(Signature).where(Signature.kind.in_(_ACCEPTANCE_KINDS),
                                Signature.state != SignatureState.DECLINED)
        .order_by(Signature.id)).scalars()
    recorded: dict[int, str] = {}
    pending: dict[int, list[str]] = {}
    for signature in rows:
        if signature.state == SignatureState.AWAITING:
            pending.setdefault(signature.subject_id, []).append(words(signature))
        elif signature.outcome_id is not None and signature.recorded_for:
            note = (f"{'' if signature.kind == SignatureKind.RISK_ACCEPTANCE else 'approval '}"
                    f"recorded by {recorder_name(signature)} on {_day(signature.recorded_at)}")
            previous = recorded.get(signature.outcome_id)
            recorded[signature.outcome_id] = f"{previous}; {note}" if previous else note
    return AcceptanceNotes(recorded, pending)
