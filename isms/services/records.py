"""Editing the smaller records: treatment actions, SoA entries, evidence, handling practices,
people and departments.

Each function takes keyword fields named as the record's columns, checks them against the rules
of the register, applies them to the ORM object (so the change log records it) and leaves the
commit to the caller: one save, one transaction. A broken rule is a ValidationError whose
``field`` names the column to fix; an unknown field name is a programming error (TypeError).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from ..errors import ConflictError, ValidationError
from ..method.handling import SAFEGUARDS
from ..model import (
    AccreditationStatus,
    ActionStatus,
    Applicability,
    Asset,
    AssetStatus,
    Control,
    ControlEdition,
    Department,
    Evidence,
    HandlingChannel,
    HandlingPractice,
    HandlingStage,
    ImplementationStatus,
    InclusionReason,
    Person,
    PersonRole,
    Role,
    SoaEntry,
    TreatmentAction,
)
from ..model.base import utcnow
from ..model.risk import ACTION_PRIORITIES
from . import local_controls
from .dates import check_valid_days
from .risks import set_action_status

E = TypeVar(
    "E",
    ActionStatus,
    Applicability,
    ImplementationStatus,
    HandlingStage,
    HandlingChannel,
    AccreditationStatus,
    Role,
)

ACTION_FIELDS = frozenset({"title", "description", "owner_id", "due_date", "status", "priority",
                           "resources"})
SOA_FIELDS = frozenset(
    {
        "applicability",
        "reasons",
        "inclusion_note",
        "exclusion_justification",
        "decided_by_id",
        "decided_on",
        "implementation_status",
        "implementation",
        "owner_id",
        "target_date",
        "last_review",
        "next_review",
    }
)
EVIDENCE_FIELDS = frozenset(
    {
        "title",
        "description",
        "evidence_date",
        "period_start",
        "period_end",
        "valid_days",
        "controls",
    }
)
PRACTICE_FIELDS = frozenset(
    {
        "stage",
        "channel",
        "safeguards",
        "description",
        "third_party",
        "has_agreement",
        "retention_months",
        "offshore",
    }
)
PERSON_FIELDS = frozenset({"name", "email", "department_id", "roles", "active", "verified"})
DEPARTMENT_FIELDS = frozenset(
    {
        "code",
        "name",
        "parent_id",
        "in_scope",
        "accreditation_status",
        "description",
    }
)
#: Enough of an e-mail address's shape to catch a slip: one @, no spaces, a dot in the domain.
EMAIL_SHAPE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
#: The stages at which information moves, and so the only ones with a channel.
CHANNEL_STAGES = frozenset({HandlingStage.TRANSFERRED, HandlingStage.SHARED})


def _known(fields: Mapping[str, Any], allowed: frozenset[str], what: str) -> None:
    unknown = sorted(set(fields) - allowed)
    if unknown:
        raise TypeError(f"{what} has no editable field {', '.join(unknown)}")


def _text(fields: Mapping[str, Any], name: str) -> str:
    return str(fields[name] or "").strip()


def _words(record: TreatmentAction | Evidence, fields: Mapping[str, Any], untitled: str) -> None:
    """The title (required: ``untitled`` says so) and description, trimmed."""
    if "title" in fields:
        title = _text(fields, "title")
        if not title:
            raise ValidationError(untitled, field="title")
        record.title = title
    if "description" in fields:
        record.description = _text(fields, "description")


def _person(session: Session, person_id: int | None, field: str, role: str) -> Person | None:
    """The person chosen for ``role``; someone who has left cannot be newly given it."""
    if person_id is None:
        return None
    person = session.get(Person, person_id)
    if person is None:
        raise ValidationError(f"There is no person with id {person_id}.", field=field)
    if not person.active:
        raise ValidationError(
            f"{person.name} has left (inactive) and cannot be {role}.", field=field
        )
    return person


def _enum(kind: type[E], value: object, field: str, what: str) -> E:
    try:
        return kind(str(value))
    except ValueError:
        allowed = ", ".join(member.value for member in kind)
        raise ValidationError(f"{value!r} is not a {what} ({allowed}).", field=field) from None


# --- treatment actions ----------------------------------------------------------------------


def action_priority(value: Any) -> str:
    """A treatment action's priority as stored: high, medium, low, or '' (not set)."""
    text = str(value or "").strip().lower()
    if text and text not in ACTION_PRIORITIES:
        raise ValidationError(f"{value!r} is not a priority ({', '.join(ACTION_PRIORITIES)}).",
                              field="priority")
    return text


def update_action(
    session: Session, action: TreatmentAction, *, today: date | None = None, **fields: Any
) -> None:
    """Change an action's title, description, owner_id, due_date, status, priority (high,
    medium, low or '') or resources.

    Marking it done records ``completed_on`` (today); any other status clears it. The first
    due date given is kept as the original one (``actions.defer_action`` records a slip).
    """
    _known(fields, ACTION_FIELDS, "A treatment action")
    _words(action, fields, "A treatment action needs a title.")
    if "owner_id" in fields and fields["owner_id"] != action.owner_id:
        action.owner = _person(session, fields["owner_id"], "owner_id", "an action owner")
    if "due_date" in fields:
        action.due_date = fields["due_date"]
        if action.original_due_date is None:
            action.original_due_date = action.due_date
    if "priority" in fields:
        action.priority = action_priority(fields["priority"])
    if "resources" in fields:
        action.resources = _text(fields, "resources")
    if "status" in fields:
        status = _enum(ActionStatus, fields["status"], "status", "treatment action status")
        if status != action.status:
            set_action_status(action, status, today)


# --- Statement of Applicability -------------------------------------------------------------


def soa_entry(session: Session, department_id: int, control_id: int) -> SoaEntry | None:
    """The department's entry for the control, if it has one yet."""
    return session.execute(
        select(SoaEntry).where(
            SoaEntry.department_id == department_id, SoaEntry.control_id == control_id
        )
    ).scalar()


def _reasons(values: Iterable[object]) -> list[str]:
    given = [str(value) for value in values]
    allowed = {reason.value for reason in InclusionReason}
    wrong = [value for value in given if value not in allowed]
    if wrong:
        raise ValidationError(
            f"{', '.join(map(repr, wrong))} is not a reason for including a control "
            f"({', '.join(sorted(allowed))}).",
            field="reasons",
        )
    # Stored in the vocabulary's order, each once, so equal choices compare equal.
    return [reason.value for reason in InclusionReason if reason.value in given]


def save_soa_entry(
    session: Session, department_id: int, control_id: int, **fields: Any
) -> SoaEntry:
    """Set the department's decision on a control, creating its entry if it has none yet.

    An exclusion needs a justification (ISO/IEC 27001 6.1.3 d); a planned implementation needs
    a target date; reasons come from InclusionReason; a new owner or decider must be active.
    """
    _known(fields, SOA_FIELDS, "An SoA entry")
    department = session.get(Department, department_id)
    if department is None:
        raise ValidationError(
            f"There is no department with id {department_id}.", field="department_id"
        )
    control = session.get(Control, control_id)
    if control is None or control.edition == ControlEdition.ISO27001_2013:
        raise ValidationError(
            f"There is no current control with id {control_id}.", field="control_id"
        )
    entry = soa_entry(session, department_id, control_id)
    if entry is None:
        local_controls.refuse_retired([control], "control_id")
        entry = SoaEntry(
            department=department,
            control=control,
            applicability=Applicability.APPLICABLE,
            reasons=[],
            implementation_status=ImplementationStatus.NOT_IMPLEMENTED,
        )
        session.add(entry)
    if "applicability" in fields:
        entry.applicability = _enum(
            Applicability, fields["applicability"], "applicability", "applicability"
        )
    if "implementation_status" in fields:
        entry.implementation_status = _enum(
            ImplementationStatus,
            fields["implementation_status"],
            "implementation_status",
            "implementation status",
        )
    if "reasons" in fields:
        entry.reasons = _reasons(fields["reasons"] or ())
    for name in ("inclusion_note", "exclusion_justification", "implementation"):
        if name in fields:
            setattr(entry, name, _text(fields, name))
    if "owner_id" in fields and fields["owner_id"] != entry.owner_id:
        entry.owner = _person(session, fields["owner_id"], "owner_id", "a control owner")
    if "decided_by_id" in fields and fields["decided_by_id"] != entry.decided_by_id:
        entry.decided_by = _person(
            session, fields["decided_by_id"], "decided_by_id", "recorded as deciding"
        )
    for name in ("decided_on", "target_date", "last_review", "next_review"):
        if name in fields:
            setattr(entry, name, fields[name])
    _check_soa(entry, control)
    return entry


def _check_soa(entry: SoaEntry, control: Control) -> None:
    """The rules on the entry as it now stands (whichever fields this save changed)."""
    if entry.applicability == Applicability.EXCLUDED and not entry.exclusion_justification:
        raise ValidationError(
            f"Say why control {control.ref} is excluded: an exclusion needs a justification.",
            field="exclusion_justification",
        )
    if entry.implementation_status == ImplementationStatus.PLANNED and entry.target_date is None:
        raise ValidationError(
            f"Give a target date for the planned implementation of control {control.ref}.",
            field="target_date",
        )
    if entry.last_review and entry.next_review and entry.next_review < entry.last_review:
        raise ValidationError(
            f"The next review ({entry.next_review}) is before the last ({entry.last_review}).",
            field="next_review",
        )


# --- evidence -------------------------------------------------------------------------------


def next_evidence_ref(session: Session, prefix: str = "EV-") -> str:
    """The next free reference in the EV-0001 series."""
    refs = session.execute(select(Evidence.ref).where(Evidence.ref.like(f"{prefix}%"))).scalars()
    numbers = [int(r[len(prefix) :]) for r in refs if r[len(prefix) :].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:04d}"


def update_evidence(session: Session, evidence: Evidence, **fields: Any) -> None:
    """Change an evidence record's title, description, evidence_date, period_start,
    period_end, valid_days or controls (ids). The stored file or link is not changed."""
    _known(fields, EVIDENCE_FIELDS, "An evidence record")
    _words(evidence, fields, "The evidence needs a title.")
    if "evidence_date" in fields:
        if fields["evidence_date"] is None:
            raise ValidationError("The evidence needs a date.", field="evidence_date")
        evidence.evidence_date = fields["evidence_date"]
    for name in ("period_start", "period_end"):
        if name in fields:
            setattr(evidence, name, fields[name])
    if (
        evidence.period_start
        and evidence.period_end
        and (evidence.period_start > evidence.period_end)
    ):
        raise ValidationError(
            f"The period starts ({evidence.period_start}) after it ends ({evidence.period_end}).",
            field="period_end",
        )
    if "valid_days" in fields:
        days = fields["valid_days"]
        if days is not None and days <= 0:
            raise ValidationError(
                "Valid for must be a number of days above 0, or blank.", field="valid_days"
            )
        if days is not None and days != evidence.valid_days:
            check_valid_days(evidence.evidence_date, days)
        evidence.valid_days = days
    if "controls" in fields:
        wanted = list(dict.fromkeys(fields["controls"]))
        found = {
            c.id: c
            for c in session.execute(select(Control).where(Control.id.in_(wanted))).scalars()
        }
        missing = [str(i) for i in wanted if i not in found]
        if missing:
            raise ValidationError(
                f"There is no control with id {', '.join(missing)}.", field="controls"
            )
        held = {c.id for c in evidence.controls}
        local_controls.refuse_retired([found[i] for i in wanted if i not in held], "controls")
        if {c.id for c in evidence.controls} != set(wanted):
            evidence.controls = [found[i] for i in wanted]
            # Links live in another table: mark the record changed so its version moves (and a
            # stale copy's save is refused) even when no column of its own changed.
            flag_modified(evidence, "title")


def retire_evidence(
    session: Session, evidence: Evidence, reason: str, today: date | None = None
) -> None:
    """Retire evidence that no longer shows its controls operating: it stops supporting them,
    its validity ends the day before ``today`` (so it reads as stale from today) and the reason
    is kept, dated, in its description. It stays in the register: an auditor may ask what was
    shown.
    """
    reason = reason.strip()
    if not reason:
        raise ValidationError("Say why the evidence is retired.", field="reason")
    day = today or date.today()
    said = f"Retired on {day.isoformat()}: {reason}"
    update_evidence(
        session, evidence, controls=[],
        # Valid for at least a day (the register keeps a validity above 0): evidence dated
        # today or yesterday reads as stale from tomorrow.
        valid_days=max((day - evidence.evidence_date).days - 1, 1),
        description=f"{evidence.description}\n\n{said}" if evidence.description else said)


# --- data handling practices ----------------------------------------------------------------


def _safeguards(values: Iterable[object]) -> list[str]:
    given = [str(value) for value in values]
    wrong = [value for value in given if value not in SAFEGUARDS]
    if wrong:
        raise ValidationError(
            f"{', '.join(map(repr, wrong))} is not a safeguard ({', '.join(SAFEGUARDS)}).",
            field="safeguards",
        )
    # Stored in the vocabulary's order, each once, so equal choices compare equal.
    return [code for code in SAFEGUARDS if code in given]


def update_practice(session: Session, practice: HandlingPractice, **fields: Any) -> None:
    """Change a handling practice's stage, channel, safeguards, description, third_party,
    has_agreement (True, False or None for unknown), retention_months or offshore.

    Safeguards come from ``isms.method.handling.SAFEGUARDS``; only a transferred or shared
    stage has a channel; a retention period is a number of months, 0 or more, or None.
    """
    _known(fields, PRACTICE_FIELDS, "A handling practice")
    if practice.retired_at is not None:
        raise ValidationError(f"{_practice_name(practice)} is retired and can no longer be "
                              "edited.", field="retired_at")
    if "stage" in fields:
        practice.stage = _enum(HandlingStage, fields["stage"], "stage", "handling stage")
    if "channel" in fields:
        channel = fields["channel"]
        practice.channel = (
            None
            if channel in (None, "")
            else _enum(HandlingChannel, channel, "channel", "handling channel")
        )
    if practice.channel is not None and practice.stage not in CHANNEL_STAGES:
        raise ValidationError(
            f"Only information transferred or shared has a channel: a practice at stage "
            f"{practice.stage} cannot be by {practice.channel}.",
            field="channel",
        )
    if "safeguards" in fields:
        practice.safeguards = _safeguards(fields["safeguards"] or ())
    for name in ("description", "third_party"):
        if name in fields:
            setattr(practice, name, _text(fields, name))
    if len(practice.third_party) > 200:
        raise ValidationError(
            "The third party's name is longer than 200 characters.", field="third_party"
        )
    if "has_agreement" in fields:
        agreement = fields["has_agreement"]
        practice.has_agreement = None if agreement is None else bool(agreement)
    if "retention_months" in fields:
        months = fields["retention_months"]
        if months is not None and (not isinstance(months, int) or months < 0):
            raise ValidationError(
                "Retention must be a number of months, 0 or more, or blank.",
                field="retention_months",
            )
        practice.retention_months = months
    if "offshore" in fields:
        practice.offshore = bool(fields["offshore"])


def add_practice(session: Session, asset_id: int, **fields: Any) -> HandlingPractice:
    """A new handling practice of the asset, checked by the same rules as an edit (a stage is
    required); a retired asset takes none."""
    asset = session.get(Asset, asset_id)
    if asset is None:
        raise ValidationError(f"There is no asset with id {asset_id}.", field="asset_id")
    if asset.status == AssetStatus.RETIRED:
        raise ValidationError(f"Asset {asset.ref} is retired: it takes no new handling practices.",
                              field="asset_id")
    if fields.get("stage") in (None, ""):
        raise ValidationError("A handling practice needs a stage.", field="stage")
    practice = HandlingPractice(safeguards=[], description="", third_party="", offshore=False)
    update_practice(session, practice, **fields)
    practice.asset = asset
    session.add(practice)
    return practice


def _practice_name(practice: HandlingPractice) -> str:
    return f"Handling practice {practice.id} of {practice.asset.ref}"


def retire_practice(
    session: Session, practice: HandlingPractice, at: datetime | None = None
) -> None:
    """Retire a practice the asset is no longer handled by: it stays in the register with when
    it was retired (``at``, now unless a redo gives the recorded time; the change log says by
    whom), out of the lists and the handling checks, and its id is never given to another."""
    if practice.retired_at is not None:
        raise ValidationError(f"{_practice_name(practice)} is retired already.",
                              field="retired_at")
    practice.retired_at = at or utcnow()


def unretire_practice(practice: HandlingPractice) -> None:
    """Take back a retirement (an undo): the practice is in use again. Refused when it is not
    retired, so a stale undo changes nothing."""
    if practice.retired_at is None:
        raise ConflictError(
            f"{_practice_name(practice)} is no longer retired; there is nothing to undo.",
            record=practice.audit_label(), yours=None, theirs=practice.version)
    practice.retired_at = None


# --- people and departments -----------------------------------------------------------------


def _taken(session: Session, column: Any, value: str, own: Any, own_id: int) -> bool:
    """Whether another record already has ``value`` in ``column`` (case-insensitively)."""
    return (
        session.execute(
            select(own.id).where(func.lower(column) == value.lower(), own.id != own_id).limit(1)
        ).first()
        is not None
    )


def update_person(session: Session, person: Person, **fields: Any) -> None:
    """Change a person's name, email (blank for none), department_id (None for none), roles
    (Role values; the set replaces the one held) or active.

    The name is required; an e-mail address is unique, whatever its case.
    """
    _known(fields, PERSON_FIELDS, "A person")
    if "name" in fields:
        name = _text(fields, "name")
        if not name:
            raise ValidationError("A person needs a name.", field="name")
        if len(name) > 200:
            raise ValidationError("The name is longer than 200 characters.", field="name")
        person.name = name
    if "email" in fields:
        email = _text(fields, "email")
        if email and (len(email) > 254 or not EMAIL_SHAPE.match(email)):
            raise ValidationError(f"{email!r} is not an e-mail address.", field="email")
        if email and _taken(session, Person.email, email, Person, person.id):
            raise ValidationError(
                f"Someone else already has the e-mail address {email}.", field="email"
            )
        person.email = email or None
    if "department_id" in fields and fields["department_id"] != person.department_id:
        department_id = fields["department_id"]
        department = None if department_id is None else session.get(Department, department_id)
        if department_id is not None and department is None:
            raise ValidationError(
                f"There is no department with id {department_id}.", field="department_id"
            )
        person.department = department
    if "roles" in fields:
        wanted = {_enum(Role, value, "roles", "role") for value in fields["roles"] or ()}
        if wanted != person.roles:
            person.role_rows = [row for row in person.role_rows if row.role in wanted] + [
                PersonRole(role=role) for role in Role if role in wanted - person.roles
            ]
            # Roles live in another table: mark the person changed so the version moves.
            flag_modified(person, "name")
    if "active" in fields:
        person.active = bool(fields["active"])
    if "verified" in fields:  # someone confirmed who an imported name (a job title) is
        person.verified = bool(fields["verified"])


def update_department(session: Session, department: Department, **fields: Any) -> None:
    """Change a department's code, name, parent_id (None for a top-level one), in_scope,
    accreditation_status or description.

    Code and name are required and unique (whatever their case); the parent must exist and
    cannot be the department itself or one of the departments under it.
    """
    _known(fields, DEPARTMENT_FIELDS, "A department")
    for name, what, longest in (("code", "code", 16), ("name", "name", 200)):
        if name not in fields:
            continue
        value = _text(fields, name)
        if not value:
            raise ValidationError(f"A department needs a {what}.", field=name)
        if len(value) > longest:
            raise ValidationError(f"The {what} is longer than {longest} characters.", field=name)
        if _taken(session, getattr(Department, name), value, Department, department.id):
            raise ValidationError(f"Another department already has the {what} {value}.", field=name)
        setattr(department, name, value)
    if "parent_id" in fields and fields["parent_id"] != department.parent_id:
        parent_id = fields["parent_id"]
        parent = None if parent_id is None else session.get(Department, parent_id)
        if parent_id is not None and parent is None:
            raise ValidationError(f"There is no department with id {parent_id}.", field="parent_id")
        ancestor, seen = parent, set()
        while ancestor is not None and ancestor.id not in seen:
            if ancestor is department:
                where = "itself" if parent is department else "one of its own sub-departments"
                raise ValidationError(
                    f"{department.name} cannot be placed under {where}: a department cannot "
                    "be its own ancestor.",
                    field="parent_id",
                )
            seen.add(ancestor.id)
            ancestor = ancestor.parent
        department.parent = parent
    if "in_scope" in fields:
        department.in_scope = bool(fields["in_scope"])
    if "accreditation_status" in fields:
        department.accreditation_status = _enum(
            AccreditationStatus,
            fields["accreditation_status"],
            "accreditation_status",
            "accreditation status",
        )
    if "description" in fields:
        department.description = _text(fields, "description")


def add_department(session: Session, **fields: Any) -> Department:
    """A new department, checked by the same rules as an edit (code and name required)."""
    for required in ("code", "name"):
        if not str(fields.get(required) or "").strip():
            raise ValidationError(f"A department needs a {required}.", field=required)
    department = Department(code="", name="", in_scope=True, description="")
    update_department(session, department, **fields)
    session.add(department)
    return department


def add_person(session: Session, **fields: Any) -> Person:
    """A new person, checked by the same rules as an edit (a name is required)."""
    if not str(fields.get("name") or "").strip():
        raise ValidationError("A person needs a name.", field="name")
    person = Person(name="", job_title="", active=True)
    update_person(session, person, **fields)
    session.add(person)
    return person
