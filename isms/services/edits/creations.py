"""One call per new record of the smaller kinds: a treatment action, a handling practice, a
piece of evidence kept as a link, a local control.

Each checks its values through the record's service (a ValidationError names the field to
fix), adds the record and flushes once, inside the caller's transaction. Like the other
creations (``saves.add_asset``...) a new record is not undoable: undoing would need a deletion;
its later edits are (``saves.save`` with the kind's noun).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from isms.model import Risk

from .. import actions, evidence, local_controls, records
from ..changed import Changed
from .saves import Saved
from .values import Values


def _added(session: Session, added: Any) -> Saved:
    session.flush()
    return Saved(Changed.of(type(added), [added.id]), record_id=added.id, count=1)


def add_action(
    session: Session, risk_id: int, values: Values, *, today: date | None = None
) -> Saved:
    """A new treatment action of the risk (``actions.new_action``: title, description,
    owner_id, due_date, status, control_id). The window refreshes the action (and its risk's
    list: the risk is in ``changed`` too)."""
    with session.no_autoflush:
        action = actions.new_action(session, risk_id, today=today, **values)
    saved = _added(session, action)
    return Saved(saved.changed | Changed.of(Risk, [risk_id]),
                 record_id=saved.record_id, count=1)


def add_practice(session: Session, asset_id: int, values: Values) -> Saved:
    """A new handling practice of the asset (``records.add_practice``: stage, channel,
    safeguards, description, third_party, has_agreement, retention_months, offshore)."""
    with session.no_autoflush:
        return _added(session, records.add_practice(session, asset_id, **values))


def add_evidence_link(
    session: Session, url: str, *, ref: str, department_id: int | None, values: Values,
) -> Saved:
    """Record evidence kept elsewhere (an intranet page, a shared folder) by its address
    (``evidence.add_link``); ``values`` as for ``saves.add_evidence_file`` (title,
    description, evidence_date, period_start, period_end, valid_days, controls)."""
    given: dict[str, Any] = dict(values)
    description = str(given.pop("description", "") or "").strip()
    with session.no_autoflush:
        item = evidence.add_link(session, ref=ref, url=url, department_id=department_id, **given)
        item.description = description
    return _added(session, item)


def add_local_control(session: Session, values: Values) -> Saved:
    """A new local control (``local_controls.add_control``: ref, title, source, description)."""
    with session.no_autoflush:
        return _added(session, local_controls.add_control(session, **values))
