"""The bulk asset actions (assign an owner, move to a department, classify, retire), each one
call that writes through ``services.assets``, captures the fields it may change before and
after (column reads in chunks: fast for 100,000 assets) and records the change for undo.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence

from sqlalchemy.orm import Session

from isms.model import Asset

from .. import assets
from ..changed import Changed
from .changes import Change, capture
from .history import record
from .kinds import RETIRE_FIELDS
from .saves import Saved


def assets_phrase(count: int) -> str:
    """"1 asset", "1,200 assets"."""
    return f"{count:,} asset{'' if count == 1 else 's'}"


def describe(verb: str, ids: Collection[int]) -> str:
    """"Retire 3 assets", for the Edit menu."""
    return f"{verb} {assets_phrase(len(ids))}"


def _bulk(
    session: Session, ids: list[int], fields: Sequence[str], text: str,
    write: Callable[[], int],
) -> Saved:
    before = capture(session, ids, fields)
    count = write()
    session.flush()
    change = Change.between(text, before, capture(session, ids, fields))
    if change is None:
        return Saved(Changed(), count=count)
    return Saved(Changed.of(Asset, [step.record_id for step in change.steps]),
                 record(session, change), change.text, count=count)


def assign_owner(session: Session, asset_ids: list[int], owner_id: int | None) -> Saved:
    """Make one person the information asset owner of these assets."""
    return _bulk(session, asset_ids, ("owner_id",), describe("Assign an owner to", asset_ids),
                 lambda: assets.bulk_update(session, asset_ids, owner_id=owner_id))


def move_to_department(session: Session, asset_ids: list[int], department_id: int) -> Saved:
    return _bulk(session, asset_ids, ("department_id",), describe("Move", asset_ids),
                 lambda: assets.bulk_update(session, asset_ids, department_id=department_id))


def set_marking(session: Session, asset_ids: list[int], marking_id: int | None) -> Saved:
    """Give these assets one protective marking (None: no marking)."""
    return _bulk(session, asset_ids, ("marking_id",), describe("Classify", asset_ids),
                 lambda: assets.bulk_update(session, asset_ids, marking_id=marking_id))


def retire(session: Session, asset_ids: list[int]) -> Saved:
    """Retire these assets (those retired already are left as they are)."""
    return _bulk(session, asset_ids, RETIRE_FIELDS, describe("Retire", asset_ids),
                 lambda: assets.retire(session, asset_ids))
