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

from .. import actions, assets, local_controls, records, risks
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

    def state(self, record: Any) -> State:
        return self.name(record), record.version, self.read(record)

    def describe_edit(self, name: str) -> str:
        return self.edit_text.format(noun=self.noun, name=name)

    def label(self, name: str) -> str:
        """"Risk R-012", opening a sentence."""
        return f"{self.noun[:1].upper()}{self.noun[1:]} {name}"

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
            "roles": [role.value for role in Role if role in held], "active": person.active,
            # Confirming a person an import made is an edit undo can take back.
            "verified": person.verified}


def _read_evidence(item: Evidence) -> Values:
    values = _columns(*sorted(records.EVIDENCE_FIELDS - {"controls"}))(item)
    values["controls"] = sorted(control.id for control in item.controls)
    return values


def _write_soa(session: Session, entry: SoaEntry, values: Values) -> None:
    records.save_soa_entry(session, entry.department_id, entry.control_id, **values)


#: When a handling practice or local control was retired: not in their editors, but a
#: retirement is a recorded save of it, which undo takes back and redo makes again.
RETIRED_AT = "retired_at"


def _retirement(
    values: Values, record: Any, retire: Callable[[Any], object],
    unretire: Callable[[Any], object], write: Callable[[Values], object],
) -> None:
    """Write ``values`` that may hold ``retired_at``: an undo puts the record back in use before
    its other values are written, a redo retires it after (a retired record is not edited)."""
    rest = {k: v for k, v in values.items() if k != RETIRED_AT}
    retired_at = values.get(RETIRED_AT, record.retired_at)
    if retired_at is None and record.retired_at is not None:
        unretire(record)
    if rest:
        write(rest)
    if retired_at is not None and record.retired_at is None:
        retire(retired_at)


def _read_practice(practice: HandlingPractice) -> Values:
    return {**_columns(*sorted(records.PRACTICE_FIELDS))(practice),
            RETIRED_AT: practice.retired_at}


def _write_practice(session: Session, practice: HandlingPractice, values: Values) -> None:
    _retirement(values, practice, lambda at: records.retire_practice(session, practice, at),
                records.unretire_practice,
                lambda rest: records.update_practice(session, practice, **rest))


def _read_local_control(control: Control) -> Values:
    return {**local_controls.values(control), RETIRED_AT: control.retired_at}


def _write_local_control(session: Session, control: Control, values: Values) -> None:
    _retirement(values, control, lambda at: local_controls.retire_control(session, control, at),
                local_controls.unretire_control,
                lambda rest: local_controls.update_control(session, control, **rest))


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
                    # Checked: closing over the condition needs the reason's line.
                    lambda s, action, values: actions.update_checked(s, action, **values),
                    lambda a: f"{a.risk.ref} \u201c{_short(a.title)}\u201d")
SOA_ENTRY = RecordKind("SoA entry", SoaEntry, _columns(*sorted(records.SOA_FIELDS)), _write_soa,
                       lambda e: f"{e.control.ref} of {e.department.code}")
EVIDENCE = RecordKind("evidence", Evidence, _read_evidence,
                      lambda s, item, values: records.update_evidence(s, item, **values),
                      lambda e: e.ref)
PRACTICE = RecordKind("handling practice", HandlingPractice, _read_practice, _write_practice,
                      lambda p: f"{p.asset.ref} ({p.stage})")
PERSON = RecordKind("person", Person, _read_person,
                    lambda s, person, values: records.update_person(s, person, **values),
                    lambda p: p.name)
DEPARTMENT = RecordKind("department", Department, _columns(*sorted(records.DEPARTMENT_FIELDS)),
                        lambda s, department, values: records.update_department(
                            s, department, **values),
                        lambda d: d.code)
LOCAL_CONTROL = RecordKind("local control", Control, _read_local_control, _write_local_control,
                          lambda c: c.ref)

#: Every kind, by its noun (the name a recorded change stores).
KINDS: dict[str, RecordKind] = {kind.noun: kind for kind in (
    ASSET, RISK, ACTION, SOA_ENTRY, EVIDENCE, PRACTICE, PERSON, DEPARTMENT, LOCAL_CONTROL)}


def kind_of(record: object) -> RecordKind:
    """The kind of a record of the register (KeyError for one no save edits)."""
    for kind in KINDS.values():
        if type(record) is kind.model:
            return kind
    raise KeyError(type(record).__name__)
