"""The window's (and any caller's) one call per change to the protective markings: a local label
for a marking of the current scheme, and choosing the register's current scheme.

Each runs inside the caller's transaction, flushes once and returns ``Saved`` with what it
changed, so the window refreshes what shows markings. Like the other creations a new label is
not undoable (undoing would need a deletion); the change log keeps both.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from isms.model import ClassificationMarking, ClassificationScheme

from .. import classification
from ..changed import Changed
from .saves import Saved


def add_local_label(session: Session, label: str, *, stands_for: str) -> Saved:
    """The words a department uses for a marking of the current scheme
    (``classification.add_local_label``); refused with a ValidationError naming ``label`` or
    ``marking``. ``record_id`` is the new marking's."""
    with session.no_autoflush:
        added = classification.add_local_label(session, label, stands_for=stands_for)
        scheme = classification.current_scheme(session)
    session.flush()
    made = classification.marking(session, added.label, scheme)
    # The markings above it moved up a rank: the scheme's markings all count as changed.
    return Saved(Changed.of(ClassificationMarking, [m.id for m in scheme.markings]),
                 record_id=made.id, count=1)


def set_current_scheme(session: Session, name: str) -> Saved:
    """Make the scheme named ``name`` current (``classification.set_current_scheme``; an
    administrator's act). ``count`` is 0 when it was current already."""
    before = {s.id for s in classification.schemes(session) if s.is_current}
    chosen = classification.set_current_scheme(session, name)
    session.flush()
    return Saved(Changed.of(ClassificationScheme, before | {chosen.id}), record_id=chosen.id,
                 count=int(before != {chosen.id}))
