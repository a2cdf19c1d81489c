"""An asset in full, as `isms assets show` prints it and the asset editor shows it, and the
choices the editor's pickers offer.

Plain values read in one short session: nobody holds ORM objects or a session while a user
thinks. ``version`` is what a save must still match (``isms.db.expect_version``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from isms.errors import NotFoundError
from isms.model import Asset, AssetStatus, AssetType
from isms.services import classification
from isms.services.assets import EDITABLE
from isms.services.read import queries

#: (text shown, id)
Choices = tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class HandlingLine:
    """One way the asset is handled: at which stage, by what channel, with what safeguards."""

    id: int
    stage: str
    channel: str | None
    safeguards: tuple[str, ...]
    third_party: str | None

    def as_json(self) -> dict[str, Any]:
        return {"stage": self.stage, "channel": self.channel,
                "safeguards": list(self.safeguards), "third_party": self.third_party}


@dataclass(frozen=True)
class RiskLine:
    """A risk the asset is linked to, as the asset editor lists it."""

    id: int
    ref: str
    title: str
    status: str


@dataclass(frozen=True)
class AssetRecord:
    """The asset as it was read. Fields named as the asset's columns hold the stored values
    (``values`` gives the ones the editor can change)."""

    id: int
    version: int
    ref: str
    name: str
    asset_type: AssetType
    description: str
    department_id: int
    department_name: str
    owner_id: int | None
    owner_name: str | None
    custodian_id: int | None
    custodian_name: str | None
    location: str
    marking_id: int | None
    marking_label: str | None
    confidentiality: int | None
    integrity: int | None
    availability: int | None
    personal_data: bool
    special_category: bool
    status: AssetStatus
    next_review: date | None
    depends_on: tuple[str, ...]  # refs of the assets it depends on
    linked_risks: tuple[RiskLine, ...]  # by reference
    handling: tuple[HandlingLine, ...]

    @property
    def risks(self) -> tuple[str, ...]:
        """The refs of the risks it is linked to, sorted."""
        return tuple(r.ref for r in self.linked_risks)

    @property
    def values(self) -> dict[str, Any]:
        """The editable fields (``isms.services.assets.EDITABLE``) -> their stored values."""
        return {name: getattr(self, name) for name in sorted(EDITABLE)}

    def as_json(self) -> dict[str, Any]:
        """What `isms assets show --json` prints (its keys in this order make the text form)."""
        return {
            "ref": self.ref,
            "name": self.name,
            "type": str(self.asset_type),
            "description": self.description,
            "department": self.department_name,
            "owner": self.owner_name,
            "custodian": self.custodian_name,
            "location": self.location,
            "marking": self.marking_label,
            "confidentiality": self.confidentiality,
            "integrity": self.integrity,
            "availability": self.availability,
            "personal_data": self.personal_data,
            "special_category": self.special_category,
            "status": str(self.status),
            "next_review": self.next_review.isoformat() if self.next_review else None,
            "depends_on": list(self.depends_on),
            "risks": list(self.risks),
            "handling": [h.as_json() for h in self.handling],
            "version": self.version,
        }


def _record(asset: Asset) -> AssetRecord:
    # ``risks`` and ``handling_practices`` are backrefs (declared on Risk / HandlingPractice).
    risks: list[Any] = getattr(asset, "risks", [])
    practices: list[Any] = getattr(asset, "handling_practices", [])
    return AssetRecord(
        id=asset.id,
        version=asset.version,
        ref=asset.ref,
        name=asset.name,
        asset_type=asset.asset_type,
        description=asset.description,
        department_id=asset.department_id,
        department_name=asset.department.name,
        owner_id=asset.owner_id,
        owner_name=asset.owner.name if asset.owner else None,
        custodian_id=asset.custodian_id,
        custodian_name=asset.custodian.name if asset.custodian else None,
        location=asset.location,
        marking_id=asset.marking_id,
        marking_label=asset.marking.label if asset.marking else None,
        confidentiality=asset.confidentiality,
        integrity=asset.integrity,
        availability=asset.availability,
        personal_data=asset.personal_data,
        special_category=asset.special_category,
        status=AssetStatus(asset.status),
        next_review=asset.next_review,
        depends_on=tuple(a.ref for a in asset.depends_on),
        linked_risks=tuple(RiskLine(r.id, r.ref, r.title, str(r.status))
                           for r in sorted(risks, key=lambda r: r.ref)),
        handling=tuple(
            HandlingLine(p.id, str(p.stage), str(p.channel) if p.channel else None,
                         tuple(p.safeguards), p.third_party or None)
            for p in practices if p.retired_at is None  # a retired one is no longer how
        ),
    )


def asset_record(session: Session, asset_id: int) -> AssetRecord:
    """The asset with this id in full; NotFoundError when it is no longer in the register."""
    asset = session.get(Asset, asset_id)
    if asset is None:
        raise NotFoundError("The asset is no longer in the register.")
    return _record(asset)


def asset_record_by_ref(session: Session, ref: str) -> AssetRecord:
    """The asset with this reference in full."""
    return _record(queries.asset_by_ref(session, ref))


@dataclass(frozen=True)
class AssetChoices:
    """What the asset editor's pickers offer."""

    departments: Choices
    people: Choices
    markings: Choices  # the current scheme's, least sensitive first
    scheme: str


def asset_choices(session: Session) -> AssetChoices:
    scheme = classification.current_scheme(session)
    return AssetChoices(
        departments=tuple((f"{d.name} ({d.code})", d.id) for d in queries.departments(session)),
        people=tuple((p.name, p.id) for p in queries.people(session)),
        markings=tuple((m.label, m.id) for m in sorted(scheme.markings, key=lambda m: m.rank)),
        scheme=scheme.name,
    )


def live_assets(
    session: Session, department_id: int | None = None, *, most: int | None = None
) -> tuple[tuple[str, int], ...] | None:
    """("A-001 Payroll records", id) of the assets not retired (of one department, when
    given), by reference; None when there are more than ``most`` (too many to pick from a
    list: the caller asks for a department first)."""
    query = select(Asset.id, Asset.ref, Asset.name).where(Asset.status != AssetStatus.RETIRED)
    if department_id is not None:
        query = query.where(Asset.department_id == department_id)
    if most is not None:
        count = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
        if count > most:
            return None
    return tuple((f"{ref} {name}", asset_id)
                 for asset_id, ref, name in session.execute(query.order_by(Asset.ref)))
