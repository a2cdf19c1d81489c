"""Every edit the window and the command line make, and taking it back.

- ``saves``: one call per editor save (``save``, ``save_risk``, ``save_soa``, ``retire_risk``,
  ``close_action``, ``retire_evidence``, ``retire_practice``, ``retire_local_control``)
  and per new record (``add_asset``, ``add_person``, ``add_department``, ``add_risk``,
  ``add_evidence_file``); a save returns what it changed and the change it recorded for undo.
- ``creations``: new records of the smaller kinds (``add_action``, ``add_practice``,
  ``add_evidence_link``, ``add_local_control``).
- ``bulk``: the bulk asset actions (assign owner, move department, classify, retire).
- ``history``: recorded changes, kept in the register: ``undo_change`` / ``redo_change`` (the
  Edit menu, ``isms revert``) and ``recent`` (``isms changes``).
- ``changes``: a change as plain values and the version-checked write back or forth.
- ``kinds``: each kind of record, read and written back through its services.
- ``reads``: what an editor shows of its record.
- ``values``: field values as JSON and back, exactly.
"""

from __future__ import annotations

from .creations import add_action, add_evidence_link, add_local_control, add_practice
from .history import ChangeSummary, Moved, recent, redo_change, undo_change
from .saves import (
    Saved,
    add_asset,
    add_department,
    add_evidence_file,
    add_person,
    add_risk,
    close_action,
    retire_evidence,
    retire_local_control,
    retire_practice,
    retire_risk,
    save,
    save_risk,
    save_soa,
)

__all__ = [
    "ChangeSummary",
    "Moved",
    "Saved",
    "add_action",
    "add_asset",
    "add_department",
    "add_evidence_file",
    "add_evidence_link",
    "add_local_control",
    "add_person",
    "add_practice",
    "add_risk",
    "close_action",
    "recent",
    "redo_change",
    "retire_evidence",
    "retire_local_control",
    "retire_practice",
    "retire_risk",
    "save",
    "save_risk",
    "save_soa",
    "undo_change",
]
