"""Asset services: the owner's periodic attestation, a new asset, the editor's save, and bulk
actions."""

from __future__ import annotations

import enum
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from isms.db.locks import lock
from isms.services.read.queries import current_criteria

from ..errors import ConflictError, NotFoundError, ValidationError
from ..model import (
    Asset,
    AssetStatus,
    AssetType,
    ClassificationMarking,
    Department,
    Person,
)
from ..model.asset import CIA_MAX, CIA_MIN
from ..model.base import utcnow
from .dates import check_review_date


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


# --- editing --------------------------------------------------------------------------------


class _Unset(enum.Enum):
    UNSET = enum.auto()


#: "Leave this field as it is" (None means "clear it").
UNSET = _Unset.UNSET
#: Ids loaded per query in bulk actions.
_CHUNK = 500
#: Fields the asset editor may set, with the validation each gets below.
EDITABLE = frozenset({
    "ref", "name", "asset_type", "description", "department_id", "owner_id", "custodian_id",
    "location", "marking_id", "confidentiality", "integrity", "availability", "personal_data",
    "special_category", "next_review",
})


def _load(session: Session, asset_ids: list[int]) -> list[Asset]:
    """The assets, loaded in chunks; an id that is not in the register is an error."""
    wanted = list(dict.fromkeys(asset_ids))
    found: list[Asset] = []
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        found.extend(session.execute(select(Asset).where(Asset.id.in_(chunk))).scalars())
    if len(found) != len(wanted):
        raise NotFoundError(
            f"{len(wanted) - len(found)} of the selected assets are no longer in the register; "
            "refresh and try again."
        )
    return found


def _check_owner(session: Session, owner_id: int | None, field: str = "owner_id") -> None:
    if owner_id is None:
        return
    who = session.get(Person, owner_id)
    if who is None:
        raise ValidationError(f"There is no person with id {owner_id}.", field=field)
    if not who.active:
        raise ValidationError(f"{who.name} has left (inactive) and cannot be chosen.", field=field)


def _check_department(session: Session, department_id: int | None) -> None:
    _department(session, department_id)


def _department(session: Session, department_id: object) -> int:
    """The id of the department an asset is to belong to; refused when there is none."""
    if not isinstance(department_id, int) or session.get(Department, department_id) is None:
        raise ValidationError(
            "Choose a department: every asset belongs to one.", field="department_id"
        )
    return department_id


def _check_marking(session: Session, marking_id: int | None) -> None:
    if marking_id is None:
        return
    marking = session.get(ClassificationMarking, marking_id)
    if marking is None:
        raise ValidationError(f"There is no marking with id {marking_id}.", field="marking_id")
    if not marking.scheme.is_current:
        raise ValidationError(
            f"{marking.label} belongs to the {marking.scheme.name} scheme, which is not the "
            "register's current scheme.",
            field="marking_id",
        )


def bulk_update(
    session: Session,
    asset_ids: list[int],
    *,
    owner_id: int | None | _Unset = UNSET,
    department_id: int | _Unset = UNSET,
    marking_id: int | None | _Unset = UNSET,
) -> int:
    """Set owner, department and/or marking on many assets through the ORM, so each change is
    change-logged and versioned; returns how many assets changed. The caller commits."""
    values: dict[str, Any] = {}
    if not isinstance(owner_id, _Unset):
        _check_owner(session, owner_id)
        values["owner_id"] = owner_id
    if not isinstance(department_id, _Unset):
        _check_department(session, department_id)
        values["department_id"] = department_id
    if not isinstance(marking_id, _Unset):
        _check_marking(session, marking_id)
        values["marking_id"] = marking_id
    changed = 0
    for asset in _load(session, asset_ids) if values else []:
        differs = {k: v for k, v in values.items() if getattr(asset, k) != v}
        for key, value in differs.items():
            setattr(asset, key, value)
        changed += bool(differs)
    return changed


def retire(session: Session, asset_ids: list[int]) -> int:
    """Retire the assets (already retired ones are skipped); returns how many were retired."""
    now = utcnow()
    retired = 0
    for asset in _load(session, asset_ids):
        if asset.status != AssetStatus.RETIRED:
            asset.status = AssetStatus.RETIRED
            asset.retired_at = now
            retired += 1
    return retired


def unretire(session: Session, asset: Asset, status: AssetStatus = AssetStatus.ACTIVE) -> None:
    """Take back a retirement (an undo): the asset returns to ``status`` (active or pending
    verification). Refused when the asset is no longer retired, so a stale undo changes nothing."""
    if asset.status != AssetStatus.RETIRED:
        raise ConflictError(
            f"Asset {asset.ref} is no longer retired; there is nothing to undo.",
            record=asset.audit_label(), yours=None, theirs=asset.version,
        )
    if status == AssetStatus.RETIRED:
        raise ValidationError("Unretiring needs a live status (active or pending).",
                              field="status")
    asset.status = status
    asset.retired_at = None


#: The longest text each column holds (model.asset): longer is refused, not cut or crashed on.
_LONGEST = {"ref": 40, "name": 300, "location": 200}


def _rating(field: str, value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(
            f"{field.capitalize()} must be a whole number from {CIA_MIN} to {CIA_MAX}, or blank; "
            f"{value!r} is not.",
            field=field,
        )
    if not CIA_MIN <= value <= CIA_MAX:
        raise ValidationError(
            f"{field.capitalize()} {value} is outside the scale {CIA_MIN}-{CIA_MAX}.", field=field
        )
    return value


def _clean(session: Session, asset: Asset, fields: dict[str, Any]) -> dict[str, Any]:
    """Validated, normalised values for ``fields``; a ValidationError names the field."""
    clean = dict(fields)
    for key in ("ref", "name"):
        if key in clean:
            clean[key] = str(clean[key] or "").strip()
            if not clean[key]:
                raise ValidationError(f"The asset's {key} cannot be blank.", field=key)
    for key, longest in _LONGEST.items():
        if key in clean and len(str(clean[key] or "").strip()) > longest:
            raise ValidationError(
                f"The asset's {key} is longer than {longest} characters.", field=key
            )
    if "ref" in clean and clean["ref"] != asset.ref:
        same_ref = func.lower(Asset.ref) == clean["ref"].lower()
        taken = session.execute(select(Asset.id).where(same_ref, Asset.id != asset.id)).first()
        if taken:
            raise ValidationError(f"Another asset is already {clean['ref']}.", field="ref")
    if "asset_type" in clean:
        try:
            clean["asset_type"] = AssetType(clean["asset_type"])
        except ValueError as exc:
            raise ValidationError(
                f"'{clean['asset_type']}' is not an asset type; choose one of "
                f"{', '.join(t.value for t in AssetType)}.",
                field="asset_type",
            ) from exc
    for key in ("description", "location"):
        if key in clean:
            clean[key] = str(clean[key] or "").strip()
    for key in ("confidentiality", "integrity", "availability"):
        if key in clean:
            clean[key] = _rating(key, clean[key])
    if "department_id" in clean:
        _check_department(session, clean["department_id"])
    for key in ("owner_id", "custodian_id"):
        if key in clean and clean[key] != getattr(asset, key):
            _check_owner(session, clean[key], key)
    if "marking_id" in clean and clean["marking_id"] != asset.marking_id:
        _check_marking(session, clean["marking_id"])
    for key in ("personal_data", "special_category"):
        if key in clean:
            clean[key] = bool(clean[key])
    if clean.get("next_review") is not None and clean["next_review"] != asset.next_review:
        check_review_date(clean["next_review"], "the next review", "next_review")
    personal = clean.get("personal_data", asset.personal_data)
    if clean.get("special_category", asset.special_category) and not personal:
        raise ValidationError(
            "Special category data is personal data: tick personal data too.",
            field="special_category",
        )
    return clean


def update_asset(session: Session, asset: Asset, **fields: Any) -> list[str]:
    """The asset editor's save: validate ``fields`` (column names, see EDITABLE), then set them.

    Nothing is set if any field is invalid. Returns the names of the fields that changed; the
    caller commits (with :func:`isms.db.session.expect_version` for the editor's version).
    """
    unknown = set(fields) - EDITABLE
    if unknown:
        raise TypeError(f"update_asset() cannot set {', '.join(sorted(unknown))}")
    if asset.status == AssetStatus.RETIRED:
        raise ValidationError(f"{asset.ref} is retired and can no longer be edited.")
    changed = []
    for key, value in _clean(session, asset, fields).items():
        if getattr(asset, key) != value:
            setattr(asset, key, value)
            changed.append(key)
    return changed


# --- creating -------------------------------------------------------------------------------


def next_refs(session: Session) -> Callable[[int], str]:
    """Reference generator per department: CODE-0001 upwards, after the highest in use (an
    import numbers its new assets with it, a new asset made by hand takes the next one)."""
    codes = dict(session.execute(select(Department.id, Department.code)).all())
    highest: dict[int, int] = {}

    def next_ref(dept_id: int) -> str:
        code = codes[dept_id]
        if dept_id not in highest:
            refs = session.execute(select(Asset.ref).where(Asset.ref.like(f"{code}-%"))).scalars()
            numbers = [int(r[len(code) + 1 :]) for r in refs if r[len(code) + 1 :].isdigit()]
            highest[dept_id] = max(numbers, default=0)
        highest[dept_id] += 1
        return f"{code}-{highest[dept_id]:04d}"

    return next_ref


def create_asset(session: Session, fields: dict[str, Any], today: date | None = None) -> Asset:
    """A new asset, made by hand (no import batch: its provenance is the change log's insert,
    with the actor). ``fields`` are the editor's (column names, see EDITABLE), checked as an
    edit checks them; a department and a name are required. A blank ``ref`` takes the
    department's next (CODE-0001...).

    It is active when it has an owner, else pending verification (an asset without an owner
    has nobody to confirm it; its owner's attestation makes it active). Its first attestation
    falls due on the criteria's interval unless ``next_review`` is given. The caller commits.
    """
    unknown = set(fields) - EDITABLE
    if unknown:
        raise TypeError(f"create_asset() cannot set {', '.join(sorted(unknown))}")
    if not str(fields.get("name") or "").strip():
        raise ValidationError("The asset needs a name.", field="name")
    department_id = _department(session, fields.get("department_id"))
    # As an import into the department does (the same locks, in the same order): two people
    # adding assets to one department, or an import running meanwhile, never take one ref, and
    # the import's ids (chosen from the highest in use) never meet this one's.
    lock(session, "import", department_id)
    lock(session, "import", "asset ids")
    given = dict(fields)
    ref = str(given.pop("ref", "") or "").strip() or next_refs(session)(department_id)
    asset = Asset(
        ref="", name="", asset_type=AssetType.INFORMATION, description="", location="",
        owner_id=None, custodian_id=None, marking_id=None, confidentiality=None,
        integrity=None, availability=None, personal_data=False, special_category=False,
        status=AssetStatus.ACTIVE, next_review=None,
    )
    update_asset(session, asset, ref=ref, **given)
    if asset.owner_id is None:
        asset.status = AssetStatus.PENDING_VERIFICATION
    if asset.next_review is None:
        asset.next_review = attestation_due(session, today or date.today())
    session.add(asset)
    return asset
