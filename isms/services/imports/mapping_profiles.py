"""Named column mappings, remembered per department and reused when a layout comes back."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from isms.errors import NotFoundError, ValidationError
from isms.io.importing.mapping import Mapping, by_name, from_names, signature
from isms.io.importing.value_map import ValueMap
from isms.model import MappingProfile


def save_profile(
    session: Session,
    *,
    kind: str,
    name: str,
    names: Sequence[str],
    mapping: Mapping,
    department_id: int | None = None,
    value_map: ValueMap | None = None,
) -> MappingProfile:
    """Save (or replace) the mapping under ``name``, with the value choices made for it."""
    if not name.strip():
        raise ValidationError("Give the mapping a name.", field="name")
    profile = session.execute(
        select(MappingProfile).where(
            MappingProfile.kind == kind, MappingProfile.name == name.strip()
        )
    ).scalar()
    if profile is None:
        profile = MappingProfile(kind=kind, name=name.strip())
        session.add(profile)
    profile.department_id = department_id
    profile.header_signature = signature(names)
    stored: dict[str, object] = dict(by_name(mapping, names))
    choices = value_map.as_json() if value_map is not None else {}
    if choices:
        stored[VALUES] = choices
    profile.mapping = stored
    return profile


def profile_named(session: Session, kind: str, name: str) -> MappingProfile:
    profile = session.execute(
        select(MappingProfile).where(MappingProfile.kind == kind, MappingProfile.name == name)
    ).scalar()
    if profile is None:
        known = (
            session.execute(select(MappingProfile.name).where(MappingProfile.kind == kind))
            .scalars()
            .all()
        )
        listed = f" (saved: {', '.join(known)})" if known else " (none saved yet)"
        raise NotFoundError(f"No saved mapping '{name}' for {kind}{listed}.")
    return profile


def matching_profile(
    session: Session, kind: str, names: Sequence[str], department_id: int | None = None
) -> MappingProfile | None:
    """A saved mapping for exactly this header layout; the department's own one first."""
    candidates = (
        session.execute(
            select(MappingProfile)
            .where(MappingProfile.kind == kind, MappingProfile.header_signature == signature(names))
            .order_by(MappingProfile.updated_at.desc())
        )
        .scalars()
        .all()
    )
    for profile in candidates:
        if profile.department_id == department_id:
            return profile
    return candidates[0] if candidates else None


#: Where the value choices are kept in a profile's JSON, beside the columns (header name ->
#: field); apply_profile leaves it out, so a column headed "Values" is never taken for it.
VALUES = "@values"


def apply_profile(profile: MappingProfile, names: Sequence[str]) -> Mapping:
    columns = {k: v for k, v in profile.mapping.items() if k != VALUES and isinstance(v, str)}
    return from_names(columns, names)


def profile_values(profile: MappingProfile) -> ValueMap:
    """The value choices saved with a profile (none in a profile saved before they were)."""
    return ValueMap.from_json(profile.mapping.get(VALUES))


def matching_values(
    session: Session, kind: str, names: Sequence[str], department_id: int | None = None
) -> ValueMap:
    """The value choices saved for this header layout (none when no profile matches): for a
    caller that sets the mapping itself (the import wizard) but reuses the saved choices."""
    match = matching_profile(session, kind, names, department_id)
    return profile_values(match) if match is not None else ValueMap()
