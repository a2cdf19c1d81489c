"""Local controls: requirements the council holds itself to beyond Annex A (PSN, CAF, DSPT, a
contract...), kept as controls of the local edition so the SoA and risk treatments can use them
like Annex A controls.

A local control has a reference of its own ("PSN-3", "LC-12"), a title, a description and its
source, kept in the control's ``theme`` (what Annex A uses for its four themes). Annex A
controls are the standard's text: they are never changed here. Each function checks its values
first (a ValidationError names the field) and leaves the commit to the caller.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..catalogue import natural_key
from ..errors import ConflictError, NotFoundError, ValidationError
from ..model import (
    Control,
    ControlEdition,
    Department,
    Evidence,
    Risk,
    SoaEntry,
    TreatmentAction,
    evidence_control,
    risk_control,
)
from ..model.base import utcnow

#: What a local control's editor and ``isms controls update`` change.
FIELDS = frozenset({"ref", "title", "description", "source"})
#: Sources offered for a local control; any other short text is taken as well.
SOURCES = ("PSN", "CAF", "DSPT", "Cyber Essentials", "PCI DSS", "contract", "law", "policy")
#: Column limits (model.control).
_LONGEST = {"ref": 20, "title": 300, "source": 40}
#: What a blank required field is refused with.
_NEEDED = {
    "ref": "A local control needs a reference (e.g. PSN-3).",
    "title": "A local control needs a title.",
    "source": f"Say where the requirement comes from ({', '.join(SOURCES)}...).",
}


def _text(fields: dict[str, Any], name: str) -> str:
    text = str(fields[name] or "").strip()
    if not text and name in _NEEDED:
        raise ValidationError(_NEEDED[name], field=name)
    if len(text) > _LONGEST.get(name, len(text)):
        raise ValidationError(
            f"The {name} is longer than {_LONGEST[name]} characters.", field=name)
    return text


def _check_ref(session: Session, ref: str, own_id: int | None) -> None:
    # A bare "5.15" means the Annex A control wherever a control is named, so a local control
    # cannot take an Annex A number; nor the reference of another local control.
    found = session.execute(
        select(Control.edition, Control.retired_at).where(func.lower(Control.ref) == ref.lower(),
                                                          Control.id != (own_id or 0))
    ).first()
    clash, retired_at = found if found is not None else (None, None)
    if clash == ControlEdition.LOCAL:
        # A retired control keeps its reference: what was said of it stays unambiguous.
        retired = (f" (retired on {retired_at.astimezone().date().isoformat()})"
                   if retired_at is not None else "")
        raise ValidationError(f"Another local control is already {ref}{retired}.", field="ref")
    if clash is not None:
        raise ValidationError(
            f"{ref} is an Annex A control's number: give a local reference (e.g. PSN-3).",
            field="ref")


def local_control(session: Session, control_id: int) -> Control:
    """The local control with this id; an Annex A control is refused (never edited here)."""
    control = session.get(Control, control_id)
    if control is None:
        raise ValidationError(f"There is no control with id {control_id}.", field="control_id")
    if control.edition != ControlEdition.LOCAL:
        raise ValidationError(
            f"Control {control.ref} is an Annex A control: only local controls are changed.",
            field="ref")
    return control


def local_control_by_ref(session: Session, ref: str) -> Control:
    """The local control with this reference, whatever its case; an Annex A one is refused."""
    found = session.execute(
        select(Control).where(func.lower(Control.ref) == ref.strip().lower())
    ).scalars().all()
    local = [control for control in found if control.edition == ControlEdition.LOCAL]
    if local:
        return local[0]
    if found:
        raise ValidationError(
            f"Control {found[0].ref} is an Annex A control: only local controls are changed "
            "or retired.", field="ref")
    raise NotFoundError(f"No local control '{ref}' in this register "
                        "(see `isms controls list --edition local`).")


def values(control: Control) -> dict[str, Any]:
    """A local control's editable values, as :func:`update_control` takes them."""
    return {"ref": control.ref, "title": control.title, "description": control.description,
            "source": control.theme}


def update_control(session: Session, control: Control, **fields: Any) -> None:
    """Change a local control's ref, title, description or source (PSN, CAF, a contract...)."""
    unknown = sorted(set(fields) - FIELDS)
    if unknown:
        raise TypeError(f"A local control has no editable field {', '.join(unknown)}")
    if control.edition != ControlEdition.LOCAL:
        raise ValidationError(
            f"Control {control.ref} is an Annex A control: only local controls are changed.",
            field="ref")
    if control.retired_at is not None:
        raise ValidationError(
            f"Local control {control.ref} is retired and can no longer be edited.", field="ref")
    if "ref" in fields:
        ref = _text(fields, "ref")
        _check_ref(session, ref, control.id)
        control.ref, control.sort_key = ref, natural_key(ref)
    if "title" in fields:
        control.title = _text(fields, "title")
    if "description" in fields:
        control.description = str(fields["description"] or "").strip()
    if "source" in fields:
        control.theme = _text(fields, "source")


def add_control(session: Session, **fields: Any) -> Control:
    """A new local control: ref, title and source required, description optional."""
    for required, message in _NEEDED.items():
        if not str(fields.get(required) or "").strip():
            raise ValidationError(message, field=required)
    control = Control(edition=ControlEdition.LOCAL, ref="", sort_key="", theme="", title="",
                      description="")
    update_control(session, control, **fields)
    session.add(control)
    return control


def refuse_retired(controls: Iterable[Control], field: str) -> None:
    """Nothing new relies on a retired local control (a treatment, evidence, an action, an SoA
    decision): it was retired because nothing did. ``field`` names the link refused."""
    retired = [control.ref for control in controls if control.retired_at is not None]
    if retired:
        raise ValidationError(
            f"Local control {', '.join(retired)} is retired: nothing new can rely on it.",
            field=field)


def _uses(session: Session, control: Control) -> list[str]:
    """What relies on the control: "risk R-0003", "evidence EV-0001", "action 4", "the SoA of
    HSG"."""
    found = [f"risk {ref}" for ref in session.execute(
        select(Risk.ref).join(risk_control, risk_control.c.risk_id == Risk.id)
        .where(risk_control.c.control_id == control.id).order_by(Risk.ref)).scalars()]
    found += [f"evidence {ref}" for ref in session.execute(
        select(Evidence.ref).join(evidence_control, evidence_control.c.evidence_id == Evidence.id)
        .where(evidence_control.c.control_id == control.id).order_by(Evidence.ref)).scalars()]
    found += [f"action {number}" for number in session.execute(
        select(TreatmentAction.id).where(TreatmentAction.control_id == control.id)
        .order_by(TreatmentAction.id)).scalars()]
    found += [f"the SoA of {code}" for code in session.execute(
        select(Department.code).join(SoaEntry, SoaEntry.department_id == Department.id)
        .where(SoaEntry.control_id == control.id).order_by(Department.code)).scalars()]
    return found


def retire_control(session: Session, control: Control, at: datetime | None = None) -> None:
    """Retire a local control nothing relies on: it stays in the register with when it was
    retired (``at``, now unless a redo gives the recorded time; the change log says by whom),
    out of the lists, the SoA and the pick-lists, and its id and reference are never given to
    another. One that a risk, evidence, an action or an SoA decision relies on is refused: the
    SoA states why a control is excluded, and a retired control would leave that unsaid."""
    if control.edition != ControlEdition.LOCAL:
        raise ValidationError(
            f"Control {control.ref} is an Annex A control: only local controls are retired.",
            field="ref")
    if control.retired_at is not None:
        raise ValidationError(f"Local control {control.ref} is retired already.", field="ref")
    uses = _uses(session, control)
    if uses:
        shown = ", ".join(uses[:5]) + (f" and {len(uses) - 5} more" if len(uses) > 5 else "")
        raise ValidationError(
            f"{control.ref} is in use ({shown}): it cannot be retired while anything relies on "
            "it; exclude it in the SoA, with why, instead.", field="ref")
    control.retired_at = at or utcnow()


def unretire_control(control: Control) -> None:
    """Take back a retirement (an undo): the local control is in use again. Refused when it is
    not retired, so a stale undo changes nothing."""
    if control.retired_at is None:
        raise ConflictError(
            f"Local control {control.ref} is no longer retired; there is nothing to undo.",
            record=control.audit_label(), yours=None, theirs=control.version)
    control.retired_at = None
