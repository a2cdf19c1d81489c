"""The asset as the editor reads it, and the choices its pickers offer.

Plain values, read in one short session: the editor never holds ORM objects or a session while
the user thinks. A save checks it is still the asset read here with ``isms.db.expect_version``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from isms.errors import NotFoundError
from isms.model import Asset, AssetStatus
from isms.services import classification
from isms.services.read import queries

from ..undo import EDITED_FIELDS

#: (text shown, id)
Choices = tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class AssetSnapshot:
    """The asset as the editor read it: its editable values and the version a save must match."""

    id: int
    version: int
    ref: str
    status: AssetStatus
    values: dict[str, Any]  # EDITED_FIELDS -> value
    owner_name: str | None
    custodian_name: str | None
    marking_label: str | None

    @property
    def next_review(self) -> date | None:
        value = self.values["next_review"]
        return value if isinstance(value, date) else None


@dataclass(frozen=True)
class AssetChoices:
    departments: Choices
    people: Choices
    markings: Choices  # the current scheme's, least sensitive first
    scheme: str


def load_snapshot(session: Session, asset_id: int) -> AssetSnapshot:
    asset = session.get(Asset, asset_id)
    if asset is None:
        raise NotFoundError("The asset is no longer in the register.")
    return AssetSnapshot(
        id=asset.id,
        version=asset.version,
        ref=asset.ref,
        status=AssetStatus(asset.status),
        values={name: getattr(asset, name) for name in EDITED_FIELDS},
        owner_name=asset.owner.name if asset.owner else None,
        custodian_name=asset.custodian.name if asset.custodian else None,
        marking_label=asset.marking.label if asset.marking else None,
    )


def load_choices(session: Session) -> AssetChoices:
    scheme = classification.current_scheme(session)
    return AssetChoices(
        departments=tuple((f"{d.name} ({d.code})", d.id) for d in queries.departments(session)),
        people=tuple((p.name, p.id) for p in queries.people(session)),
        markings=tuple((m.label, m.id) for m in sorted(scheme.markings, key=lambda m: m.rank)),
        scheme=scheme.name,
    )
