"""Protective-marking schemes: which is current, local labels, and marking an asset."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import catalogue
from ..errors import NotFoundError, ValidationError
from ..model import Asset, ClassificationMarking, ClassificationScheme

#: The longest label the register stores (classification_marking.label).
LABEL_LENGTH = 60


def schemes(session: Session) -> list[ClassificationScheme]:
    return list(
        session.execute(select(ClassificationScheme).order_by(ClassificationScheme.id)).scalars()
    )


def current_scheme(session: Session) -> ClassificationScheme:
    scheme = session.execute(
        select(ClassificationScheme).where(ClassificationScheme.is_current.is_(True))
    ).scalar()
    if scheme is None:
        raise NotFoundError("This register has no current classification scheme.")
    return scheme


def set_current_scheme(session: Session, name: str) -> ClassificationScheme:
    """Make the scheme named ``name`` (any case) the one assets are marked against; an
    administrator's act (the access guard refuses anyone else when the session flushes)."""
    wanted = _scheme_named(session, name)
    for scheme in schemes(session):
        scheme.is_current = scheme.id == wanted.id
    return wanted


def _scheme_named(session: Session, name: str) -> ClassificationScheme:
    scheme = session.execute(
        select(ClassificationScheme).where(
            func.lower(ClassificationScheme.name) == name.strip().lower()
        )
    ).scalar()
    if scheme is None:
        known = ", ".join(s.name for s in schemes(session))
        raise NotFoundError(f"No classification scheme '{name}' (the register has: {known}).")
    return scheme


def add_marking(
    session: Session,
    label: str,
    *,
    after: str | None = None,
    scheme: ClassificationScheme | None = None,
) -> ClassificationMarking:
    """A local label (e.g. "OFFICIAL-SENSITIVE PERSONAL"), placed just above ``after`` in
    sensitivity (or at the top); the labels above it move up one rank."""
    scheme = scheme or current_scheme(session)
    label = label.strip().upper()
    if not label:
        raise ValidationError("A marking needs a label.", field="label")
    if len(label) > LABEL_LENGTH:
        raise ValidationError(
            f"The label is longer than {LABEL_LENGTH} characters.", field="label"
        )
    if any(m.label == label for m in scheme.markings):
        raise ValidationError(f"{scheme.name} already has the marking {label}.", field="label")
    rank = len(scheme.markings) + 1
    if after is not None:
        rank = marking(session, after, scheme).rank + 1
        # Shift from the top down so the (scheme, rank) uniqueness holds at every step.
        for existing in sorted(scheme.markings, key=lambda m: -m.rank):
            if existing.rank >= rank:
                existing.rank += 1
                session.flush()
    new = ClassificationMarking(label=label, rank=rank)
    scheme.markings.append(new)
    session.flush()
    session.expire(scheme, ["markings"])  # reload in rank order
    return new


@dataclass(frozen=True)
class MarkingRow:
    label: str
    rank: int
    #: For a local label: the scheme's own marking it stands for; None for the scheme's own.
    stands_for: str | None


def markings(session: Session) -> list[MarkingRow]:
    """The current scheme's markings, least to most sensitive, with the local labels among
    them: labels not in the preset the scheme came from, each standing for the nearest preset
    marking below it. A scheme that is no preset has only its own markings."""
    scheme = current_scheme(session)
    preset = catalogue.CLASSIFICATION_PRESETS.get(scheme.name)
    rows, below = [], None
    for m in scheme.markings:
        own = preset is None or m.label in preset
        if own:
            below = m.label
        rows.append(MarkingRow(m.label, m.rank, None if own else below))
    return rows


def add_local_label(session: Session, label: str, *, stands_for: str) -> MarkingRow:
    """The words a department uses for a marking of the current scheme (e.g. "COUNCIL
    CONFIDENTIAL" for OFFICIAL-SENSITIVE): a marking placed just above the one it stands for,
    so every handling rule that applies to that marking applies to the label too. Given
    another local label, the new one stands for the same marking."""
    added = add_marking(session, label, after=stands_for)
    return next(row for row in markings(session) if row.label == added.label)


def marking(
    session: Session, label: str, scheme: ClassificationScheme | None = None
) -> ClassificationMarking:
    """The marking of the (current) scheme with this label, case-insensitively."""
    scheme = scheme or current_scheme(session)
    wanted = label.strip().upper()
    for candidate in scheme.markings:
        if candidate.label.upper() == wanted:
            return candidate
    labels = ", ".join(m.label for m in scheme.markings)
    raise ValidationError(
        f"'{label}' is not a marking of the {scheme.name} scheme ({labels}).", field="marking"
    )


def mark_asset(session: Session, asset: Asset, label: str | None) -> None:
    asset.marking = marking(session, label) if label else None
