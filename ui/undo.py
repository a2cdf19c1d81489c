"""The window's undo history: Edit → Undo / Redo over the changes the register keeps.

Every record editor's save and every bulk asset action is recorded by the services
(``isms.services.edits``) in the register itself, so a change made here can also be taken back
with ``isms revert``. This history holds the ids of the changes made in this window, in order;
undoing or redoing one is one service call (``edits.undo_change`` / ``redo_change``) in one
``register.transaction()``, version-checked: if someone has changed a record since, the undo is
refused with the service's words, nothing is written and the history stays where it was.

The QUndoStack only keeps the history (texts, position, the Edit menu's state): the commands'
own undo()/redo() do nothing, because the database work must be able to fail *before* the
stack moves, and a Python exception cannot escape QUndoStack.undo().
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence, QUndoCommand, QUndoStack

from isms.db import Register
from isms.errors import IsmsError
from isms.services.changed import Changed
from isms.services.edits import Saved, redo_change, undo_change

log = logging.getLogger(__name__)


class _Recorded(QUndoCommand):
    """A history entry: the QUndoStack's own undo()/redo() calls do nothing (see the module)."""

    def __init__(self, change_id: int, text: str) -> None:
        super().__init__(text)
        self.change_id = change_id

    def undo(self) -> None:
        pass

    def redo(self) -> None:
        pass


class UndoHistory(QObject):
    """The window's undo history and its Edit → Undo / Redo actions.

    ``register`` gives the register open now; ``changed`` is called after an undo or redo wrote
    to it, with the message to show and what it changed (refresh those pages); ``refused`` is
    called with the expected error when one could not be made.
    """

    def __init__(
        self, register: Callable[[], Register], changed: Callable[[str, Changed], object],
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

    def push(self, saved: Saved | None) -> None:
        """Keep a save's recorded change (None, or a save that recorded none: nothing to undo)."""
        if saved is not None and saved.change_id is not None:
            self.stack.push(_Recorded(saved.change_id, saved.text or "change"))

    def clear(self) -> None:
        self.stack.clear()
        self._update_actions()

    def _command(self, index: int) -> _Recorded | None:
        if not 0 <= index < self.stack.count():
            return None
        command = self.stack.command(index)
        return command if isinstance(command, _Recorded) else None

    def undo(self) -> bool:
        """Undo the last change; False (with the reason reported) when it could not be."""
        return self._move(self.stack.index() - 1, undo=True)

    def redo(self) -> bool:
        return self._move(self.stack.index(), undo=False)

    def _move(self, index: int, *, undo: bool) -> bool:
        command = self._command(index)
        if command is None:
            return False
        try:
            with self._register().transaction() as session:
                moved = (undo_change if undo else redo_change)(session, command.change_id)
        except IsmsError as exc:
            log.info("%s of %r refused: %s", "undo" if undo else "redo", command.text(), exc)
            self._refused(exc)
            return False
        if undo:
            self.stack.undo()
        else:
            self.stack.redo()
        self._changed(moved.message, moved.changed)
        return True

    def _update_actions(self) -> None:
        for action, word, can, text in (
            (self.undo_action, "&Undo", self.stack.canUndo(), self.stack.undoText()),
            (self.redo_action, "&Redo", self.stack.canRedo(), self.stack.redoText()),
        ):
            action.setEnabled(can)
            action.setText(f"{word} {text}" if can and text else word)
