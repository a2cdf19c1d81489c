"""Each kind of record a save or an undo writes: how its values are read, and written back
through the services the editors save with (``records``, ``assets``, ``risks``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from isms.model import (
    Asset,
    AssetStatus,
    Control,
    Department,
    Evidence,
    HandlingPractice,
    Person,
    Risk,
    Role,
    SoaEntry,
    TreatmentAction,
)

from .. import assets, local_controls, records, risks
from .values import Values

#: The fields an asset editor save may change (undo restores the ones that did change).
ASSET_FIELDS: tuple[str, ...] = tuple(sorted(assets.EDITABLE))
#: What retiring an asset changes.
RETIRE_FIELDS: tuple[str, ...] = ("status", "retired_at")
#: (name, version, values) of one record.
State = tuple[str, int, Values]


@dataclass(frozen=True)
class RecordKind:
    """How one kind of record is read and written back through its services."""

    noun: str  # "risk": in messages, and the kind's name in a recorded change
    model: type[Any]
    #: The record's editable values, in the form ``write`` takes them.
    read: Callable[[Any], Values]
    #: Set some of those values through the services (inside the caller's transaction).
    write: Callable[[Session, Any, Values], object]
    #: What the Edit menu and messages call the record ("R-012", "Alice Archer").
    name: Callable[[Any], str]
    #: The Edit menu's text for an editor save.
    edit_text: str = "Edit {noun} {name}"
    #: For a kind a change may remove (retire): all of a record's values, to make it again...
    snapshot: Callable[[Any], Values] | None = None
    #: ...with its own id (``restore(session, id, snapshot)``)...
    restore: Callable[[Session, int, Values], Any] | None = None
    #: ...and removing it (its services refuse one that must stay with a ValidationError).
    remove: Callable[[Session, Any], object] | None = None

    def state(self, record: Any) -> State:
        return self.name(record), record.version, self.read(record)

    def describe_edit(self, name: str) -> str:
        return self.edit_text.format(noun=self.noun, name=name)

    def label(self, name: str) -> str:
        """"Risk R-012", opening a sentence."""
        return f"{self.noun[:1].upper()}{self.noun[1:]} {name}"

    def put_back(self, session: Session, record_id: int, snapshot: Values) -> Any:
        """Make a removed record again, with its id; the record made."""
        if self.restore is None:
            raise TypeError(f"A {self.noun} is never removed, so never put back.")
        return self.restore(session, record_id, snapshot)

    def take_away(self, session: Session, record: Any) -> None:
        if self.remove is None:
            raise TypeError(f"A {self.noun} is never removed.")
        self.remove(session, record)

    def missing(self, name: str | None = None) -> str:
        """Why a save or an undo found no record."""
        if name:
            return f"{self.label(name)} is no longer in the register."
        return f"The {self.noun} is no longer in the register."


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


def _read_person(person: Person) -> Values:
    held = person.roles
    return {"name": person.name, "email": person.email or "",
            "department_id": person.department_id,
            # As the editor lists them: the vocabulary's order.
            "roles": [role.value for role in Role if role in held], "active": person.active}


def _read_evidence(item: Evidence) -> Values:
    values = _columns(*sorted(records.EVIDENCE_FIELDS - {"controls"}))(item)
    values["controls"] = sorted(control.id for control in item.controls)
    return values


def _write_soa(session: Session, entry: SoaEntry, values: Values) -> None:
    records.save_soa_entry(session, entry.department_id, entry.control_id, **values)


ASSET = RecordKind("asset", Asset, _columns(*ASSET_FIELDS), _write_asset, lambda a: a.ref,
                   # Asset references speak for themselves ("Edit A-001").
                   edit_text="Edit {name}")
def _read_risk(risk: Risk) -> Values:
    return {**risks.edit_values(risk),
            **{name: getattr(risk, name) for name in risks.STATUS_FIELDS}}


def _write_risk(session: Session, risk: Risk, values: Values) -> None:
    risks.save_edit(session, risk, {k: v for k, v in values.items()
                                    if k not in risks.STATUS_FIELDS})
    risks.restore_status(risk, values)


RISK = RecordKind("risk", Risk, _read_risk, _write_risk, lambda r: r.ref)
ACTION = RecordKind("treatment action", TreatmentAction, _columns(*sorted(records.ACTION_FIELDS)),
                    lambda s, action, values: records.update_action(s, action, **values),
                    lambda a: f"{a.risk.ref} \u201c{_short(a.title)}\u201d")
SOA_ENTRY = RecordKind("SoA entry", SoaEntry, _columns(*sorted(records.SOA_FIELDS)), _write_soa,
                       lambda e: f"{e.control.ref} of {e.department.code}")
EVIDENCE = RecordKind("evidence", Evidence, _read_evidence,
                      lambda s, item, values: records.update_evidence(s, item, **values),
                      lambda e: e.ref)
_read_practice = _columns(*sorted(records.PRACTICE_FIELDS))
PRACTICE = RecordKind("handling practice", HandlingPractice, _read_practice,
                      lambda s, practice, values: records.update_practice(s, practice, **values),
                      lambda p: f"{p.asset.ref} ({p.stage})",
                      snapshot=lambda p: {"asset_id": p.asset_id, **_read_practice(p)},
                      restore=lambda s, practice_id, values: records.restore_practice(
                          s, practice_id, **values),
                      remove=records.retire_practice)
PERSON = RecordKind("person", Person, _read_person,
                    lambda s, person, values: records.update_person(s, person, **values),
                    lambda p: p.name)
DEPARTMENT = RecordKind("department", Department, _columns(*sorted(records.DEPARTMENT_FIELDS)),
                        lambda s, department, values: records.update_department(
                            s, department, **values),
                        lambda d: d.code)
LOCAL_CONTROL = RecordKind("local control", Control, local_controls.values,
                          lambda s, control, values: local_controls.update_control(
                              s, control, **values),
                          lambda c: c.ref, snapshot=local_controls.values,
                          restore=lambda s, control_id, values: local_controls.restore_control(
                              s, control_id, **values),
                          remove=local_controls.retire_control)

#: Every kind, by its noun (the name a recorded change stores).
KINDS: dict[str, RecordKind] = {kind.noun: kind for kind in (
    ASSET, RISK, ACTION, SOA_ENTRY, EVIDENCE, PRACTICE, PERSON, DEPARTMENT, LOCAL_CONTROL)}


def kind_of(record: object) -> RecordKind:
    """The kind of a record of the register (KeyError for one no save edits)."""
    for kind in KINDS.values():
        if type(record) is kind.model:
            return kind
    raise KeyError(type(record).__name__)
