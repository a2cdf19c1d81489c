"""A change as plain values, and writing it back or forth, version-checked.

A change is, for each record it touched, the fields before and after and the version the record
is at now. Undoing writes the "before" values back through the record's kind (``kinds``), in
the caller's transaction, so the change log records an undo like any edit. It is made only if
every record is still at the version the change left it at: if someone has changed one since,
it is refused with a ConflictError naming it, and nothing is written. Redo is the same the
other way round.

No change removes a record: retiring one (an asset, a risk, a handling practice, a local control)
is a save of its ``retired_at``, so undo puts the record back in use where it always was.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from isms.db import expect_version
from isms.errors import ConflictError, NotFoundError
from isms.model import Asset

from ..changed import Changed
from .kinds import ASSET, KINDS, RecordKind, State, kind_of
from .values import Values, decode_values, encode_values

#: Ids read per query: a bulk action may touch 100,000 assets.
CHUNK = 500
#: record id -> (name, version, {field: value})
States = dict[int, State]


def capture(session: Session, asset_ids: Iterable[int], fields: Sequence[str]) -> States:
    """The current (flushed) values of ``fields`` of these assets, with their versions.

    Column reads, not ORM objects: a bulk action may touch thousands of assets."""
    wanted = list(dict.fromkeys(asset_ids))
    columns = [getattr(Asset, name) for name in fields]
    found: States = {}
    for start in range(0, len(wanted), CHUNK):
        query = select(Asset.id, Asset.ref, Asset.version, *columns).where(
            Asset.id.in_(wanted[start : start + CHUNK]))
        for row in session.execute(query):
            found[row[0]] = (row[1], row[2], dict(zip(fields, row[3:], strict=True)))
    return found


@dataclass
class Step:
    """One record's part of a change; ``version`` is what the record is at in the change's
    current state (done or undone), ``base`` what it was at before the change last wrote it."""

    kind: RecordKind
    record_id: int
    ref: str
    before: Values
    after: Values
    version: int
    base: int

    @property
    def key(self) -> tuple[str, int]:
        return self.kind.noun, self.record_id

    def stored(self) -> dict[str, Any]:
        """The step as JSON (see :mod:`.values`)."""
        return {"kind": self.kind.noun, "id": self.record_id, "ref": self.ref,
                "before": encode_values(self.before), "after": encode_values(self.after),
                "version": self.version, "base": self.base}

    @classmethod
    def from_stored(cls, stored: dict[str, Any]) -> Step:
        # A register made by a development build between migrations 0008 and 0010 may hold a
        # step that removed a practice or local control ("removed": true). It is read with no
        # values to write: undoing it finds no record and says so; nothing else it can do.
        legacy = bool(stored.get("removed"))
        return cls(KINDS[str(stored["kind"])], int(stored["id"]), str(stored["ref"]),
                   {} if legacy else decode_values(stored["before"]),
                   {} if legacy else decode_values(stored["after"]),
                   int(stored["version"]), int(stored["base"]))


@dataclass
class Change:
    """A change to some records, ready to be undone."""

    text: str
    steps: list[Step] = field(default_factory=list)

    @classmethod
    def between(
        cls, text: str, before: States, after: States, kind: RecordKind = ASSET
    ) -> Change | None:
        """The fields that differ between two captures; None when nothing changed."""
        steps = []
        for record_id, (ref, old_version, old) in before.items():
            if record_id not in after:
                continue
            _ref, version, new = after[record_id]
            changed = [name for name in old if old[name] != new[name]]
            if changed:
                steps.append(Step(kind, record_id, ref, {n: old[n] for n in changed},
                                  {n: new[n] for n in changed}, version, old_version))
        return cls(text, steps) if steps else None

    @classmethod
    def of_edit(cls, record: Any, before: State, after: State) -> Change | None:
        """An editor's save of ``record``: "Edit risk R-012"."""
        kind = kind_of(record)
        return cls.between(kind.describe_edit(after[0]), {record.id: before},
                           {record.id: after}, kind)

    @property
    def changed(self) -> Changed:
        """The records the change touches, for the window to refresh."""
        found = Changed()
        for step in self.steps:
            found = found | Changed.of(step.kind.model, [step.record_id])
        return found


def _load(session: Session, model: type[Any], ids: list[int]) -> dict[int, Any]:
    found: dict[int, Any] = {}
    for start in range(0, len(ids), CHUNK):
        query = select(model).where(model.id.in_(ids[start : start + CHUNK]))
        found.update((record.id, record) for record in session.execute(query).scalars())
    return found


def apply(session: Session, change: Change, *, undo: bool) -> None:
    """Write the change's before (``undo``) or after values, version-checked, in ``session``.

    Each step's version becomes the record's new version (and its base the version it was
    at). On any error (raised before or while writing) the caller rolls its transaction back,
    so nothing is written; the steps are then untouched.
    """
    found: dict[tuple[type[Any], int], Any] = {}
    for model in dict.fromkeys(step.kind.model for step in change.steps):
        ids = [step.record_id for step in change.steps if step.kind.model is model]
        loaded = _load(session, model, ids)
        found.update(((model, key), record) for key, record in loaded.items())
    records_of: list[Any] = []
    for step in change.steps:
        record = found.get((step.kind.model, step.record_id))
        if record is None:
            raise NotFoundError(step.kind.missing(step.ref))
        records_of.append(record)
        if record.version != step.version:
            raise ConflictError(
                f"{step.kind.label(step.ref)} was changed by someone else after this change "
                f"(it was at version {step.version}; it is now at version {record.version}), "
                f"so \u201c{change.text}\u201d cannot be {'undone' if undo else 'redone'}.",
                record=record.audit_label(), yours=step.version, theirs=record.version)
        # Also guards the moment between this read and the write.
        expect_version(record, step.version)
    with session.no_autoflush:  # one flush: one version step and log entry per record
        for step, record in zip(change.steps, records_of, strict=True):
            step.kind.write(session, record, step.before if undo else step.after)
    session.flush()
    versions = [record.version for record in records_of]
    for step, version in zip(change.steps, versions, strict=True):
        step.base, step.version = step.version, version
