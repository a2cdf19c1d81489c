"""Undo and redo of the changes made in the window: every record editor's save (asset, risk,
treatment action, SoA entry, evidence, handling practice, person, department) and the bulk asset
actions.

A change is recorded as plain values: for each record, the fields before and after, and the
version the record is at now. Undoing writes the "before" values back through the same services
the editors save with (``KINDS`` says, for each kind of record, how to read its values and how to
write them back), in one transaction, so the change log records an undo like any edit. It is
made only if every record is still at the version the change left it at: if someone else has
changed one since, the undo is refused with a ConflictError naming it, nothing is written and
the history stays where it was. Redo is the same the other way round.

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
from isms.errors import ConflictError, IsmsError, NotFoundError, ValidationError
from isms.model import (
    Asset,
    AssetStatus,
    Department,
    Evidence,
    HandlingPractice,
    Person,
    Risk,
    Role,
    SoaEntry,
    TreatmentAction,
)
from isms.services import assets, records
from isms.services import risks as risk_service
from isms.services.risks import STAGES

log = logging.getLogger(__name__)

#: The fields an asset editor save may change (undo restores the ones that did change).
EDITED_FIELDS: tuple[str, ...] = tuple(sorted(assets.EDITABLE))
#: What retiring changes.
RETIRE_FIELDS: tuple[str, ...] = ("status", "retired_at")
_CHUNK = 500

Values = dict[str, Any]
#: record id -> (name, version, {field: value})
States = dict[int, tuple[str, int, Values]]


def capture(session: Session, asset_ids: Iterable[int], fields: Sequence[str]) -> States:
    """The current (flushed) values of ``fields`` of these assets, with their versions.

    Column reads, not ORM objects: a bulk action may touch thousands of assets."""
    wanted = list(dict.fromkeys(asset_ids))
    columns = [getattr(Asset, name) for name in fields]
    found: States = {}
    for start in range(0, len(wanted), _CHUNK):
        query = select(Asset.id, Asset.ref, Asset.version, *columns).where(
            Asset.id.in_(wanted[start : start + _CHUNK]))
        for row in session.execute(query):
            found[row[0]] = (row[1], row[2], dict(zip(fields, row[3:], strict=True)))
    return found


# --- each kind of record: how its values are read and written back --------------------------


@dataclass(frozen=True)
class RecordKind:
    """How undo reads one kind of record and writes values back to it through its services."""

    noun: str  # "risk", in messages
    model: type[Any]
    #: The record's undoable values, in the form ``write`` takes them.
    read: Callable[[Any], Values]
    #: Set some of those values through the services (inside the undo's transaction).
    write: Callable[[Session, Any, Values], object]
    #: What the Edit menu and messages call the record ("R-012", "Alice Archer").
    name: Callable[[Any], str]
    #: The Edit menu's text for an editor save.
    edit_text: str = "Edit {noun} {name}"

    def state(self, record: Any) -> tuple[str, int, Values]:
        return self.name(record), record.version, self.read(record)

    def describe_edit(self, name: str) -> str:
        return self.edit_text.format(noun=self.noun, name=name)


def _columns(*names: str) -> Callable[[Any], Values]:
    # Lists are copied: a later change must not reach the values recorded.
    return lambda record: {n: _copied(getattr(record, n)) for n in names}


def _copied(value: object) -> object:
    return list(value) if isinstance(value, list) else value


def _short(text: str, most: int = 40) -> str:
    return text if len(text) <= most else text[: most - 1].rstrip() + "\u2026"


def _write_asset(session: Session, asset: Asset, values: Values) -> None:
    rest = {k: v for k, v in values.items() if k not in RETIRE_FIELDS}
    if "status" in values:
        if values["status"] == AssetStatus.RETIRED:
            assets.retire(session, [asset.id])
        else:
            assets.unretire(session, asset, AssetStatus(values["status"]))
    if rest:
        assets.update_asset(session, asset, **rest)


_RISK_DETAILS = ("title", "description", "owner_id")
_RISK_RATINGS = tuple(f"{stage}_{part}" for stage in STAGES for part in ("likelihood", "impact"))


def _read_risk(risk: Risk) -> Values:
    """What the risk editor edits; the review date only while it is set by hand (else the
    cadence sets it)."""
    return {
        **{name: getattr(risk, name) for name in (*_RISK_DETAILS, *_RISK_RATINGS)},
        "treatment_option": risk.treatment_option, "treatment_note": risk.treatment_note,
        "review_date": risk.next_review if risk.review_override_reason else None,
        "review_reason": risk.review_override_reason,
    }


def _write_risk(session: Session, risk: Risk, values: Values) -> None:
    """Through ``isms.services.risks``, in the order the risk editor saves."""
    now = _read_risk(risk)

    def given(name: str) -> Any:
        return values[name] if name in values else now[name]

    if values.keys() & set(_RISK_DETAILS):
        owner_id = given("owner_id")
        owner = session.get(Person, owner_id) if owner_id is not None else None
        if owner_id is not None and owner is None:
            raise ValidationError(f"The owner of {risk.ref} is no longer in the register.",
                                  field="owner")
        risk_service.update_details(risk, title=given("title"), description=given("description"),
                                    owner=owner)
    ratings = {stage: (given(f"{stage}_likelihood"), given(f"{stage}_impact"))
               for stage in STAGES if {f"{stage}_likelihood", f"{stage}_impact"} & values.keys()}
    if ratings:
        risk_service.score_risk(session, risk, inherent=ratings.get("inherent"),
                                current=ratings.get("current"), residual=ratings.get("residual"))
    # The services can choose an option but not un-choose one: a risk whose option was "not
    # decided yet" keeps the option chosen since, and gets its note back.
    option = given("treatment_option")
    if values.keys() & {"treatment_option", "treatment_note"} and option is not None:
        risk_service.set_treatment(risk, option, given("treatment_note"))
    if values.keys() & {"review_date", "review_reason"}:
        reason = given("review_reason")
        risk_service.override_review(session, risk, given("review_date") if reason else None,
                                     reason)


def _read_person(person: Person) -> Values:
    held = person.roles
    return {"name": person.name, "email": person.email or "",
            "department_id": person.department_id,
            "roles": [role.value for role in Role if role in held], "active": person.active}


def _read_evidence(item: Evidence) -> Values:
    values = _columns(*sorted(records.EVIDENCE_FIELDS - {"controls"}))(item)
    values["controls"] = sorted(control.id for control in item.controls)
    return values


def _write_soa(session: Session, entry: SoaEntry, values: Values) -> None:
    records.save_soa_entry(session, entry.department_id, entry.control_id, **values)


KINDS: dict[type[Any], RecordKind] = {kind.model: kind for kind in (
    RecordKind("asset", Asset, _columns(*EDITED_FIELDS), _write_asset, lambda a: a.ref,
               # Asset references speak for themselves ("Edit A-001").
               edit_text="Edit {name}"),
    RecordKind("risk", Risk, _read_risk, _write_risk, lambda r: r.ref),
    RecordKind("treatment action", TreatmentAction, _columns(*sorted(records.ACTION_FIELDS)),
               lambda s, action, values: records.update_action(s, action, **values),
               lambda a: f"{a.risk.ref} \u201c{_short(a.title)}\u201d"),
    RecordKind("SoA entry", SoaEntry, _columns(*sorted(records.SOA_FIELDS)), _write_soa,
               lambda e: f"{e.control.ref} of {e.department.code}"),
    RecordKind("evidence", Evidence, _read_evidence,
               lambda s, item, values: records.update_evidence(s, item, **values),
               lambda e: e.ref),
    RecordKind("handling practice", HandlingPractice, _columns(*sorted(records.PRACTICE_FIELDS)),
               lambda s, practice, values: records.update_practice(s, practice, **values),
               lambda p: f"{p.asset.ref} ({p.stage})"),
    RecordKind("person", Person, _read_person,
               lambda s, person, values: records.update_person(s, person, **values),
               lambda p: p.name),
    RecordKind("department", Department, _columns(*sorted(records.DEPARTMENT_FIELDS)),
               lambda s, department, values: records.update_department(s, department, **values),
               lambda d: d.code),
)}
ASSET = KINDS[Asset]


def kind_of(record: object) -> RecordKind:
    return KINDS[type(record)]


# --- recorded changes ------------------------------------------------------------------------


@dataclass
class Step:
    """One record's part of a change; ``version`` is what the record is at in the current state."""

    kind: RecordKind
    record_id: int
    ref: str
    before: Values
    after: Values
    version: int


@dataclass
class Change:
    """A recorded change to some records, ready to be undone."""

    text: str
    steps: list[Step] = field(default_factory=list)

    @classmethod
    def between(
        cls, text: str, before: States, after: States, kind: RecordKind = ASSET
    ) -> Change | None:
        """The fields that differ between two captures; None when nothing changed."""
        steps = []
        for record_id, (ref, _old_version, old) in before.items():
            if record_id not in after:
                continue
            _ref, version, new = after[record_id]
            changed = [name for name in old if old[name] != new[name]]
            if changed:
                steps.append(Step(kind, record_id, ref, {n: old[n] for n in changed},
                                  {n: new[n] for n in changed}, version))
        return cls(text, steps) if steps else None

    @classmethod
    def of_edit(
        cls, record: Any, before: tuple[str, int, Values], after: tuple[str, int, Values]
    ) -> Change | None:
        """An editor's save of ``record``: "Edit risk R-012"."""
        kind = kind_of(record)
        return cls.between(kind.describe_edit(after[0]), {record.id: before},
                           {record.id: after}, kind)


#: The name the bulk asset actions know a change by.
AssetChange = Change


def _load(session: Session, model: type[Any], ids: list[int]) -> dict[int, Any]:
    found: dict[int, Any] = {}
    for start in range(0, len(ids), _CHUNK):
        query = select(model).where(model.id.in_(ids[start : start + _CHUNK]))
        found.update((record.id, record) for record in session.execute(query).scalars())
    return found


def apply(register: Register, change: Change, *, undo: bool) -> None:
    """Write the change's before (``undo``) or after values in one transaction, version-checked.

    On success each step's version is the record's new version; on any error nothing is written
    and the steps are untouched.
    """
    with register.transaction() as session:
        found: dict[tuple[type[Any], int], Any] = {}
        for model in dict.fromkeys(step.kind.model for step in change.steps):
            ids = [step.record_id for step in change.steps if step.kind.model is model]
            loaded = _load(session, model, ids)
            found.update(((model, key), record) for key, record in loaded.items())
        records_of: list[Any] = []
        for step in change.steps:
            record = found.get((step.kind.model, step.record_id))
            what = f"{step.kind.noun[:1].upper()}{step.kind.noun[1:]} {step.ref}"
            if record is None:
                raise NotFoundError(f"{what} is no longer in the register.")
            records_of.append(record)
            if record.version != step.version:
                raise ConflictError(
                    f"{what} was changed by someone else after this change (it was at "
                    f"version {step.version}; it is now at version {record.version}), so "
                    f"\u201c{change.text}\u201d cannot be {'undone' if undo else 'redone'}.",
                    record=record.audit_label(), yours=step.version, theirs=record.version)
            # Also guards the moment between this read and the write.
            expect_version(record, step.version)
        with session.no_autoflush:  # one flush: one version step and log entry per record
            for step, record in zip(change.steps, records_of, strict=True):
                step.kind.write(session, record, step.before if undo else step.after)
        session.flush()
        versions = [record.version for record in records_of]
    for step, version in zip(change.steps, versions, strict=True):
        step.version = version


class _Recorded(QUndoCommand):
    """A history entry: the QUndoStack's own undo()/redo() calls do nothing (see the module)."""

    def __init__(self, change: Change) -> None:
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

    def push(self, change: Change | None) -> None:
        """Record a change that has just been saved (None: nothing changed, nothing recorded)."""
        if change is not None:
            self.stack.push(_Recorded(change))

    def clear(self) -> None:
        self.stack.clear()
        self._update_actions()

    def _command(self, index: int) -> Change | None:
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
