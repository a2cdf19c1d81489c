"""Asset life-cycle services: the information asset owner's periodic attestation."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from ..errors import ValidationError
from ..model import Asset, AssetStatus, Person
from .queries import current_criteria


def attestation_due(session: Session, start: date) -> date:
    """When an owner attestation made (or an asset registered) on ``start`` falls due again."""
    return start + timedelta(days=current_criteria(session).attestation_days)


def attest(session: Session, asset: Asset, by: Person, today: date | None = None) -> date:
    """The owner confirms the asset's entry is right. A pending asset (e.g. from a department
    import) becomes active; the next attestation is set by the criteria's interval."""
    if asset.status == AssetStatus.RETIRED:
        raise ValidationError(f"{asset.ref} is retired; there is nothing to attest.")
    if asset.owner_id is None:
        raise ValidationError(
            f"{asset.ref} has no owner: assign one before attesting.", field="owner"
        )
    if by.id != asset.owner_id:
        owner = asset.owner.name if asset.owner else "its owner"
        raise ValidationError(
            f"Only the asset's owner ({owner}) can attest {asset.ref}; {by.name} is not.",
            field="by",
        )
    if asset.status == AssetStatus.PENDING_VERIFICATION:
        asset.status = AssetStatus.ACTIVE
    asset.next_review = attestation_due(session, today or date.today())
    return asset.next_review
