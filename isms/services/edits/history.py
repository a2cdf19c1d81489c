"""Recorded changes, kept in the register: written in the same transaction as the save, taken
back (undone) and made again (redone) by the window's Edit menu and by ``isms revert`` alike.

The rows are written with plain INSERT / UPDATE statements, not through the ORM's flush: the
records a change touches are change-logged already (its save, its undo), and a bulk action's
steps would otherwise be copied whole into the change log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from isms.errors import ConflictError, NotFoundError
from isms.model import ChangeState, RecordedChange
from isms.model.base import utcnow

from ..changed import Changed
from .changes import Change, Step, apply
from .kinds import KINDS

_TABLE = RecordedChange.__table__
#: How many of a change's records a listing names (a bulk action may touch 100,000).
LISTED = 10
#: How many of the latest changes an undo brings up to date (the window's history holds 100).
REBASED = 100


@dataclass(frozen=True)
class ChangeSummary:
    """A recorded change as ``isms changes`` lists it."""

    id: int
    at: datetime
    actor: str
    text: str
    state: ChangeState
    #: How many records the change touches.
    count: int
    #: "Risk R-012", for the first LISTED of them.
    records: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "at": self.at.isoformat(), "actor": self.actor,
                "text": self.text, "state": self.state.value, "count": self.count,
                "records": list(self.records)}


@dataclass(frozen=True)
class Moved:
    """An undo or redo made: which change, and what it wrote."""

    change_id: int
    text: str
    undone: bool
    changed: Changed

    @property
    def message(self) -> str:
        """"Undid: Edit A-001."."""
        return f"{'Undid' if self.undone else 'Redid'}: {self.text}."


def record(session: Session, change: Change) -> int:
    """Keep ``change`` (just saved in ``session``'s transaction) so it can be taken back; its id."""
    result = session.execute(insert(RecordedChange).values(
        at=utcnow(), actor=str(session.info.get("actor", "unknown"))[:100],
        text=change.text[:300], state=ChangeState.DONE,
        steps=[step.stored() for step in change.steps],
    ).returning(RecordedChange.id))
    return int(result.scalar_one())


def load_change(session: Session, change_id: int) -> tuple[Change, ChangeState]:
    """A recorded change as plain values, and whether it stands (done) or was undone."""
    row = session.execute(
        select(_TABLE.c.text, _TABLE.c.state, _TABLE.c.steps).where(_TABLE.c.id == change_id)
    ).first()
    if row is None:
        raise NotFoundError(f"There is no recorded change {change_id}: see isms changes.")
    text, state, steps = row
    return Change(text, [Step.from_stored(step) for step in steps]), ChangeState(state)


def _move(session: Session, change_id: int, *, undo: bool) -> Moved:
    change, state = load_change(session, change_id)
    wanted = ChangeState.DONE if undo else ChangeState.UNDONE
    if state != wanted:
        raise ConflictError(
            f"Change {change_id} (\u201c{change.text}\u201d) has already been undone."
            if undo else
            f"Change {change_id} (\u201c{change.text}\u201d) stands: it was not undone, so "
            "there is nothing to redo.",
            record=f"change {change_id}", yours=None, theirs=None)
    # The version each record was at before this change last wrote it: the undo (or redo)
    # puts the record back as it was then, so what other changes say of that version is
    # true of the new one.
    bases = {step.key: step.base for step in change.steps}
    apply(session, change, undo=undo)
    _rebase(session, change_id,
            {step.key: (bases[step.key], step.version) for step in change.steps})
    result = session.execute(
        update(RecordedChange)
        .where(RecordedChange.id == change_id, RecordedChange.state == wanted)
        .values(state=ChangeState.UNDONE if undo else ChangeState.DONE,
                steps=[step.stored() for step in change.steps])
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        # Someone else undid or redid it at the same moment; roll back with this error.
        raise ConflictError(
            f"Change {change_id} (\u201c{change.text}\u201d) was just "
            f"{'undone' if undo else 'redone'} by someone else.",
            record=f"change {change_id}", yours=None, theirs=None)
    return Moved(change_id, change.text, undo, change.changed)


def _rebase(
    session: Session, moved_change: int, moved: dict[tuple[str, int], tuple[int, int]]
) -> None:
    """After an undo or redo put records back as they were at an earlier version, let the
    changes that left them there know the new version, so that they can be undone or redone in
    turn (Ctrl+Z twice on one record), while a record someone else changed since still refuses.

    ``moved``: (kind, id) -> (the version the record was at before the change last wrote it,
    the version the undo or redo left it at). Only the latest changes are looked at: an undo
    history is at most that deep.
    """
    rows = session.execute(
        select(_TABLE.c.id, _TABLE.c.steps).where(_TABLE.c.id != moved_change)
        .order_by(_TABLE.c.id.desc()).limit(REBASED)
    )
    for change_id, steps in rows:
        touched = False
        for step in steps:
            versions = moved.get((str(step["kind"]), int(step["id"])))
            if versions is not None and int(step["version"]) == versions[0]:
                step["version"] = versions[1]
                touched = True
        if touched:
            session.execute(update(RecordedChange).where(RecordedChange.id == change_id)
                            .values(steps=steps))


def undo_change(session: Session, change_id: int) -> Moved:
    """Take back a recorded change, version-checked (ConflictError naming the record when it
    changed since, or when the change is undone already; NotFoundError when it is gone).
    The caller commits; on an error it rolls back and nothing is written."""
    return _move(session, change_id, undo=True)


def redo_change(session: Session, change_id: int) -> Moved:
    """Make an undone change again, version-checked like :func:`undo_change`."""
    return _move(session, change_id, undo=False)


def recent(session: Session, limit: int = 20) -> list[ChangeSummary]:
    """The latest recorded changes, newest first."""
    rows = session.execute(
        select(_TABLE.c.id, _TABLE.c.at, _TABLE.c.actor, _TABLE.c.text, _TABLE.c.state,
               _TABLE.c.steps).order_by(_TABLE.c.id.desc()).limit(limit)
    )
    return [
        ChangeSummary(change_id, at, actor, text, ChangeState(state), len(steps),
                      tuple(KINDS[str(step["kind"])].label(str(step["ref"]))
                            for step in steps[:LISTED]))
        for change_id, at, actor, text, state, steps in rows
    ]
