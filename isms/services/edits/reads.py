"""What an editor shows of its record: the editable values (as the save takes them), the
version a save must match, and the few facts it shows beside them. Plain values read in one
short session: an editor holds no ORM object or session while the user thinks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from isms.errors import NotFoundError
from isms.method.handling import SAFEGUARDS
from isms.model import (
    AccreditationStatus,
    Applicability,
    Control,
    Department,
    HandlingPractice,
    ImplementationStatus,
    InclusionReason,
    Risk,
)

from .. import records, risks
from .kinds import ACTION, DEPARTMENT, EVIDENCE, PERSON, RecordKind
from .values import Values


@dataclass(frozen=True)
class EditorRecord:
    """A record as an editor reads it; ``version`` 0 for one not saved yet."""

    version: int
    values: Values
    #: What the editor shows beside the fields (names of people who left, the risk...).
    facts: Mapping[str, Any] = field(default_factory=dict)


def _get(session: Session, kind: RecordKind, record_id: int) -> Any:
    found = session.get(kind.model, record_id)
    if found is None:
        raise NotFoundError(kind.missing())
    return found


def action(session: Session, action_id: int) -> EditorRecord:
    """Facts: ``risk`` ("R-012 Title"), ``owner`` (name or None), ``completed_on``."""
    found = _get(session, ACTION, action_id)
    values = ACTION.read(found)
    values["status"] = str(found.status)
    return EditorRecord(found.version, values, {
        "risk": f"{found.risk.ref} {found.risk.title}",
        "owner": found.owner.name if found.owner else None,
        "completed_on": found.completed_on,
    })


def evidence(session: Session, evidence_id: int) -> EditorRecord:
    """Facts: ``ref``, ``source`` (the file and its SHA-256, or the link)."""
    found = _get(session, EVIDENCE, evidence_id)
    source = (f"File {found.file_name} (SHA-256 {found.sha256})" if found.sha256
              else f"Link {found.url}")
    return EditorRecord(found.version, EVIDENCE.read(found), {"ref": found.ref, "source": source})


def practice(session: Session, practice_id: int) -> EditorRecord:
    """Facts: ``asset`` ("A-001 Payroll records")."""
    found = session.get(HandlingPractice, practice_id)
    if found is None:
        raise NotFoundError("The handling practice is no longer in the register.")
    stored = list(found.safeguards or ())
    return EditorRecord(found.version, {
        "stage": str(found.stage),
        "channel": str(found.channel) if found.channel else None,
        # As the list shows them: the vocabulary's order, then any it lacks.
        "safeguards": [code for code in SAFEGUARDS if code in stored]
        + [code for code in stored if code not in SAFEGUARDS],
        "description": found.description, "third_party": found.third_party,
        "has_agreement": found.has_agreement,
        "retention_months": found.retention_months, "offshore": found.offshore,
    }, {"asset": f"{found.asset.ref} {found.asset.name}"})


def soa(session: Session, department_id: int, control_id: int) -> EditorRecord:
    """A department's entry for a control (version 0 and the defaults when it has none yet).
    Facts: ``title`` ("5.1 Policies — Environment"), ``owner_id`` and ``decided_by_id`` (the
    names of the people chosen)."""
    department = session.get(Department, department_id)
    control = session.get(Control, control_id)
    if department is None or control is None:
        raise NotFoundError("The department or control is no longer in the register.")
    title = f"{control.ref} {control.title} — {department.name}"
    entry = records.soa_entry(session, department_id, control_id)
    if entry is None:
        return EditorRecord(0, {
            "applicability": Applicability.APPLICABLE.value, "reasons": [],
            "inclusion_note": "", "exclusion_justification": "",
            "decided_by_id": None, "decided_on": None,
            "implementation_status": ImplementationStatus.NOT_IMPLEMENTED.value,
            "implementation": "", "owner_id": None, "target_date": None,
            "last_review": None, "next_review": None,
        }, {"title": title, "owner_id": None, "decided_by_id": None})
    values = {name: getattr(entry, name) for name in records.SOA_FIELDS}
    values["applicability"] = str(entry.applicability)
    values["implementation_status"] = str(entry.implementation_status)
    saved = [str(reason) for reason in entry.reasons or []]
    # In the order the check boxes give them, so an unchanged choice compares equal.
    values["reasons"] = [r.value for r in InclusionReason if r.value in saved]
    return EditorRecord(entry.version, values, {
        "title": title,
        "owner_id": entry.owner.name if entry.owner else None,
        "decided_by_id": entry.decided_by.name if entry.decided_by else None,
    })


def person(session: Session, person_id: int | None) -> EditorRecord:
    """A person (None: the values a new one starts from)."""
    if person_id is None:
        return EditorRecord(0, {"name": "", "email": "", "department_id": None, "roles": [],
                                "active": True, "verified": True})
    found = _get(session, PERSON, person_id)
    return EditorRecord(found.version, PERSON.read(found))


def department(session: Session, department_id: int | None) -> EditorRecord:
    """A department (None: the values a new one starts from)."""
    if department_id is None:
        return EditorRecord(0, {
            "code": "", "name": "", "parent_id": None, "in_scope": True,
            "accreditation_status": AccreditationStatus.NOT_STARTED.value, "description": "",
        })
    found = _get(session, DEPARTMENT, department_id)
    values = DEPARTMENT.read(found)
    values["accreditation_status"] = str(found.accreditation_status)
    return EditorRecord(found.version, values)


def suggested_impact(session: Session, risk_id: int) -> int | None:
    """The inherent impact the risk's assets' highest C/I/A rating suggests (None: none)."""
    found = session.get(Risk, risk_id)
    return risks.suggest_impact(session, found) if found is not None else None
