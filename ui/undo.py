"""Undo and redo of asset changes made in the window (the editor's save, the bulk actions).

A change is recorded as plain values: for each asset, the fields before and after, and the
version the asset is at now. Undoing writes the "before" values back through
``isms.services.assets`` in one transaction, but only if every asset is still at the version the
change left it at: if someone else has changed one since, the undo is refused with a
ConflictError naming it, nothing is written and the history stays where it was. Redo is the same
the other way round.

The QUndoStack only keeps the history (texts, position, the Edit menu's state): the commands'
own undo()/redo() do nothing, because the database work must be able to fail *before* the
stack moves, and a Python exception cannot escape QUndoStack.undo().
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence, QUndoCommand, QUndoStack
from sqlalchemy import select
from sqlalchemy.orm import Session

from isms.db import Register, expect_version
from isms.errors import ConflictError, IsmsError, NotFoundError
from isms.model import Asset, AssetStatus
from isms.services import assets

log = logging.getLogger(__name__)

#: The fields an editor save may change (undo restores the ones that did change).
EDITED_FIELDS: tuple[str, ...] = tuple(sorted(assets.EDITABLE))
#: What retiring changes.
RETIRE_FIELDS: tuple[str, ...] = ("status", "retired_at")
_CHUNK = 500

#: asset id -> (ref, version, {field: value})
States = dict[int, tuple[str, int, dict[str, Any]]]


def capture(session: Session, asset_ids: Iterable[int], fields: Sequence[str]) -> States:
    """The current (flushed) values of ``fields`` of these assets, with their versions."""
    wanted = list(dict.fromkeys(asset_ids))
    columns = [getattr(Asset, name) for name in fields]
    found: States = {}
    for start in range(0, len(wanted), _CHUNK):
        query = select(Asset.id, Asset.ref, Asset.version, *columns).where(
            Asset.id.in_(wanted[start : start + _CHUNK]))
        for row in session.execute(query):
            found[row[0]] = (row[1], row[2], dict(zip(fields, row[3:], strict=True)))
    return found


@dataclass
class Step:
    """One asset's part of a change; ``version`` is what the asset is at in the current state."""

    asset_id: int
    ref: str
    before: dict[str, Any]
    after: dict[str, Any]
    version: int


@dataclass
class AssetChange:
    """A recorded change to some assets, ready to be undone."""

    text: str
    steps: list[Step] = field(default_factory=list)

    @classmethod
    def between(cls, text: str, before: States, after: States) -> AssetChange | None:
        """The fields that differ between two captures; None when nothing changed."""
        steps = []
        for asset_id, (ref, _old_version, old) in before.items():
            if asset_id not in after:
                continue
            _ref, version, new = after[asset_id]
            changed = [name for name in old if old[name] != new[name]]
            if changed:
                steps.append(Step(asset_id, ref, {n: old[n] for n in changed},
                                  {n: new[n] for n in changed}, version))
        return cls(text, steps) if steps else None


def _load(session: Session, ids: list[int]) -> dict[int, Asset]:
    found: dict[int, Asset] = {}
    for start in range(0, len(ids), _CHUNK):
        query = select(Asset).where(Asset.id.in_(ids[start : start + _CHUNK]))
        found.update((a.id, a) for a in session.execute(query).scalars())
    return found


def _set(session: Session, asset: Asset, values: dict[str, Any]) -> None:
    """Write ``values`` to the asset through the asset services."""
    rest = {k: v for k, v in values.items() if k not in RETIRE_FIELDS}
    if "status" in values:
        if values["status"] == AssetStatus.RETIRED:
            assets.retire(session, [asset.id])
        else:
            assets.unretire(session, asset, AssetStatus(values["status"]))
    if rest:
        assets.update_asset(session, asset, **rest)


def apply(register: Register, change: AssetChange, *, undo: bool) -> None:
    """Write the change's before (``undo``) or after values in one transaction, version-checked.

    On success each step's version is the asset's new version; on any error nothing is written
    and the steps are untouched.
    """
    ids = [step.asset_id for step in change.steps]
    with register.transaction() as session:
        found = _load(session, ids)
        for step in change.steps:
            asset = found.get(step.asset_id)
            if asset is None:
                raise NotFoundError(f"Asset {step.ref} is no longer in the register.")
            if asset.version != step.version:
                raise ConflictError(
                    f"Asset {step.ref} was changed by someone else after this change (it was at "
                    f"version {step.version}; it is now at version {asset.version}), so "
                    f"\u201c{change.text}\u201d cannot be {'undone' if undo else 'redone'}.",
                    record=asset.audit_label(), yours=step.version, theirs=asset.version)
            # Also guards the moment between this read and the write.
            expect_version(asset, step.version)
        with session.no_autoflush:  # one flush: one version step and log entry per asset
            for step in change.steps:
                _set(session, found[step.asset_id], step.before if undo else step.after)
        session.flush()
        versions = {asset_id: asset.version for asset_id, asset in found.items()}
    for step in change.steps:
        step.version = versions[step.asset_id]


class _Recorded(QUndoCommand):
    """A history entry: the QUndoStack's own undo()/redo() calls do nothing (see the module)."""

    def __init__(self, change: AssetChange) -> None:
        super().__init__(change.text)
        self.change = change

    def undo(self) -> None:
        pass

    def redo(self) -> None:
        pass


class UndoHistory(QObject):
    """The window's undo history and its Edit → Undo / Redo actions.

    ``register`` gives the register open now; ``changed`` is called after an undo or redo wrote
    to it (refresh the pages); ``refused`` is called with the expected error when one could not
    be made.
    """

    def __init__(
        self, register: Callable[[], Register], changed: Callable[[str], object],
        refused: Callable[[IsmsError], object], parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._register = register
        self._changed = changed
        self._refused = refused
        self.stack = QUndoStack(self)
        self.stack.setUndoLimit(100)
        self.undo_action = QAction("&Undo", self)
        self.undo_action.setShortcut(QKeySequence("Ctrl+Z"))
        self.undo_action.triggered.connect(self.undo)
        self.redo_action = QAction("&Redo", self)
        self.redo_action.setShortcut(QKeySequence("Ctrl+Shift+Z"))
        self.redo_action.triggered.connect(self.redo)
        self.stack.indexChanged.connect(self._update_actions)
        self._update_actions()

    def push(self, change: AssetChange | None) -> None:
        """Record a change that has just been saved (None: nothing changed, nothing recorded)."""
        if change is not None:
            self.stack.push(_Recorded(change))

    def clear(self) -> None:
        self.stack.clear()
        self._update_actions()

    def _command(self, index: int) -> AssetChange | None:
        if not 0 <= index < self.stack.count():
            return None
        command = self.stack.command(index)
        return command.change if isinstance(command, _Recorded) else None

    def undo(self) -> bool:
        """Undo the last change; False (with the reason reported) when it could not be."""
        return self._move(self.stack.index() - 1, undo=True)

    def redo(self) -> bool:
        return self._move(self.stack.index(), undo=False)

    def _move(self, index: int, *, undo: bool) -> bool:
        change = self._command(index)
        if change is None:
            return False
        try:
            apply(self._register(), change, undo=undo)
        except IsmsError as exc:
            log.info("%s of %r refused: %s", "undo" if undo else "redo", change.text, exc)
            self._refused(exc)
            return False
        if undo:
            self.stack.undo()
        else:
            self.stack.redo()
        self._changed(f"{'Undid' if undo else 'Redid'}: {change.text}.")
        return True

    def _update_actions(self) -> None:
        for action, word, can, text in (
            (self.undo_action, "&Undo", self.stack.canUndo(), self.stack.undoText()),
            (self.redo_action, "&Redo", self.stack.canRedo(), self.stack.redoText()),
        ):
            action.setEnabled(can)
            action.setText(f"{word} {text}" if can and text else word)


def assets_phrase(count: int) -> str:
    return f"{count:,} asset{'' if count == 1 else 's'}"


def describe(verb: str, ids: Collection[int]) -> str:
    """"Retire 3 assets", for the Edit menu."""
    return f"{verb} {assets_phrase(len(ids))}"
