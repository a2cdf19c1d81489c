"""One call per editor save: load the record, check it is still the version the editor showed,
write the edited fields through its services, flush once, and record the change for undo.

The window's editors and the command line make the same calls, each inside one transaction the
caller commits (``register.transaction()``): on any error nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from isms.db import expect_version
from isms.errors import NotFoundError
from isms.model import Asset, Department, Evidence, Person, Risk, SoaEntry

from .. import actions, assets, evidence, local_controls, records, risks
from ..changed import Changed
from .changes import Change
from .history import record
from .kinds import ACTION, EVIDENCE, KINDS, LOCAL_CONTROL, PRACTICE, RISK, SOA_ENTRY, RecordKind
from .values import Values


@dataclass(frozen=True)
class Saved:
    """What a save wrote: the records (for the window to refresh) and the recorded change."""

    changed: Changed
    #: The recorded change, for undo; None when the save changed nothing that can be undone
    #: (nothing at all, or it created the record).
    change_id: int | None = None
    #: What the Edit menu calls the change ("Edit risk R-012").
    text: str | None = None
    #: The record saved (or created).
    record_id: int | None = None
    #: How many records changed (a bulk action's count).
    count: int = 0


def _save(
    session: Session, kind: RecordKind, found: Any, version: int, write: Callable[[], object],
    text: str | None = None,
) -> Saved:
    before = kind.state(found)
    expect_version(found, version)
    # One flush: the queries the services make would otherwise flush each step on its own, and
    # one save would step the version and write the change log several times over.
    with session.no_autoflush:
        write()
    session.flush()  # the values and version the save leaves (the commit flushes no more)
    change = Change.of_edit(found, before, kind.state(found))
    if change is None:  # nothing it can undo; the record is still the one to show again
        return Saved(Changed.of(kind.model, [found.id]), record_id=found.id)
    if text is not None:
        change.text = text
    return Saved(change.changed, record(session, change), change.text, found.id, 1)


def _found(session: Session, kind: RecordKind, record_id: int, name: str | None) -> Any:
    found = session.get(kind.model, record_id)
    if found is None:
        raise NotFoundError(kind.missing(name))
    return found


def save(
    session: Session, kind: str, record_id: int, expected_version: int, edited: Values,
    *, name: str | None = None,
) -> Saved:
    """Save the ``edited`` fields of a record of ``kind`` (a noun of ``KINDS``: "asset",
    "treatment action", "evidence", "handling practice", "person", "department", "risk").

    Refused with a ConflictError naming the record when it is no longer at
    ``expected_version`` (someone saved it since the editor read it), a NotFoundError (naming
    it as ``name``, when given) when it is gone, a ValidationError naming the field to fix.
    """
    what = KINDS[kind]
    found = _found(session, what, record_id, name)
    return _save(session, what, found, expected_version,
                 lambda: what.write(session, found, edited))


def save_risk(
    session: Session, risk_id: int, expected_version: int, edited: Values,
    *, name: str | None = None, today: date | None = None,
) -> Saved:
    """The risk editor's save (``risks.save_edit``: details, scores, treatment, review date);
    ``today`` starts a new review cadence."""
    found = _found(session, RISK, risk_id, name)

    def write() -> None:
        risks.save_edit(session, found, {k: v for k, v in edited.items()
                                         if k not in risks.STATUS_FIELDS}, today)
        risks.restore_status(found, edited)  # only when given: the editor gives none

    return _save(session, RISK, found, expected_version, write)


def retire_risk(
    session: Session, risk_id: int, expected_version: int, reason: str,
    *, name: str | None = None,
) -> Saved:
    """Retire a risk by hand with its reason (``risks.retire_risk``), recorded for undo and
    ``isms revert`` ("Retire risk R-012")."""
    found = _found(session, RISK, risk_id, name)
    return _save(session, RISK, found, expected_version,
                 lambda: risks.retire_risk(found, reason), text=f"Retire risk {found.ref}")


def close_action(
    session: Session, action_id: int, expected_version: int, outcome: str, note: str = "",
    *, name: str | None = None, today: date | None = None, reason: str = "",
) -> Saved:
    """Close a treatment action as done or cancelled with its note (``actions.close_action``:
    the last open one of a risk still above its target needs a ``reason``), recorded for undo
    and ``isms revert`` ("Close action R-012 “Encrypt laptops”")."""
    found = _found(session, ACTION, action_id, name)
    return _save(session, ACTION, found, expected_version,
                 lambda: actions.close_action(session, found, outcome, note, today,
                                              reason=reason),
                 text=f"Close action {ACTION.name(found)}")


def retire_practice(
    session: Session, practice_id: int, expected_version: int, *, name: str | None = None
) -> Saved:
    """Retire a handling practice the asset is no longer handled by (``records.retire_practice``:
    it stays in the register with its ``retired_at``, out of the lists and checks), recorded:
    undo puts it back in use, redo retires it again ("Retire handling practice HSG-0001
    (shared)")."""
    found = _found(session, PRACTICE, practice_id, name)
    return _save(session, PRACTICE, found, expected_version,
                 lambda: records.retire_practice(session, found),
                 text=f"Retire handling practice {PRACTICE.name(found)}")


def retire_local_control(
    session: Session, control_id: int, expected_version: int, *, name: str | None = None
) -> Saved:
    """Retire a local control nothing relies on (``local_controls.retire_control``: it stays in
    the register with its ``retired_at``; one in use is refused naming what uses it), recorded:
    undo puts it back in use, redo retires it again."""
    found = _found(session, LOCAL_CONTROL, control_id, name)
    return _save(session, LOCAL_CONTROL, found, expected_version,
                 lambda: local_controls.retire_control(session, found),
                 text=f"Retire local control {found.ref}")


def retire_evidence(
    session: Session, evidence_id: int, expected_version: int, reason: str,
    *, name: str | None = None, today: date | None = None,
) -> Saved:
    """Retire evidence (``records.retire_evidence``: it stops supporting its controls and its
    validity ends today; it stays in the register), recorded for undo ("Retire evidence
    EV-0001")."""
    found = _found(session, EVIDENCE, evidence_id, name)
    return _save(session, EVIDENCE, found, expected_version,
                 lambda: records.retire_evidence(session, found, reason, today),
                 text=f"Retire evidence {found.ref}")


def save_soa(
    session: Session, department_id: int, control_id: int, expected_version: int,
    edited: Values,
) -> Saved:
    """A department's decision on a control; ``expected_version`` 0: the editor saw no entry
    yet, and the save creates it (not undoable: the services do not delete SoA entries)."""
    entry = records.soa_entry(session, department_id, control_id)
    if entry is None:
        if expected_version:
            raise NotFoundError("The SoA entry is no longer in the register.")
        with session.no_autoflush:
            entry = records.save_soa_entry(session, department_id, control_id, **edited)
        session.flush()
        return Saved(Changed.of(SoaEntry, [entry.id]), record_id=entry.id, count=1)
    # Created by someone else after the editor opened on "no entry yet": version 0 is stale.
    return _save(session, SOA_ENTRY, entry, expected_version,
                 lambda: records.save_soa_entry(session, department_id, control_id, **edited))


def _added(session: Session, added: Asset | Person | Department | Evidence | Risk) -> Saved:
    session.flush()
    return Saved(Changed.of(type(added), [added.id]), record_id=added.id, count=1)


def add_person(session: Session, values: Values) -> Saved:
    """A new person (``records.add_person``); not undoable (undoing would need a deletion)."""
    with session.no_autoflush:
        return _added(session, records.add_person(session, **values))


def add_department(session: Session, values: Values) -> Saved:
    """A new department (``records.add_department``); not undoable."""
    with session.no_autoflush:
        return _added(session, records.add_department(session, **values))


def add_risk(session: Session, values: Values) -> Saved:
    """A new risk, identified and not yet scored (``risks.add_risk``: title, department_id,
    description, owner_id, asset_ids, threat_id, vulnerability_id, affects); not undoable."""
    with session.no_autoflush:
        return _added(session, risks.add_risk(session, **values))


def add_asset(session: Session, values: Values, *, today: date | None = None) -> Saved:
    """A new asset (``assets.create_asset``: the asset editor's fields; a blank ref takes the
    department's next, CODE-0001...); not undoable: an asset is retired, never deleted."""
    with session.no_autoflush:
        return _added(session, assets.create_asset(session, values, today))


def add_evidence_file(
    session: Session, store: Path, source: Path, *, ref: str, department_id: int | None,
    values: Values,
) -> Saved:
    """Record ``source`` as evidence, copied into the evidence ``store`` under its SHA-256
    (``evidence.attach_file``); ``values`` are the editor's (title, description, dates,
    validity, controls)."""
    given: dict[str, Any] = dict(values)
    description = str(given.pop("description", "") or "").strip()
    item = evidence.attach_file(session, store, source, ref=ref, department_id=department_id,
                                **given)
    item.description = description
    return _added(session, item)
