"""Approved versions of a Statement of Applicability, and what changed between them
(ISO/IEC 27001 7.5: documented information is versioned, approved, dated and retained).

A version freezes the SoA's rows (:func:`.soa.row_record`) as JSON in ``SoaVersion.snapshot``;
numbers run 1, 2, 3 ... per scope: each department, and council-wide (``department_id``
None). The document is a draft while its current rows differ from the latest snapshot.

Approval is refused while a blocking check is left (an exclusion without a justification, a
control with no decision: see :mod:`.checks`). The other warnings may stand, but only when the
approver acknowledges them: the approval names how many they read (``acknowledged``), is
refused unless that is the number standing now (so nothing new slipped in since they read
them), and the version keeps the warnings' text (``SoaVersion.acknowledged_warnings``); the
document then reads "approved with N warnings acknowledged". Approving an unchanged SoA again
is allowed: it records the periodic re-approval of the same content.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby
from operator import attrgetter
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from isms.catalogue import natural_key
from isms.errors import NotFoundError, ValidationError
from isms.io.exports.report import Column, Report
from isms.model import Department, SignatureKind, SoaVersion
from isms.services.signatures import record, signer
from isms.services.soa.checks import SoaWarning, soa_checks
from isms.services.soa.document import (
    FIELD_LABELS,
    document_marking,
    latest_version,
    snapshot,
    soa_rows,
    version_scope,
)

#: How many control references a refusal lists per problem before "and N more".
_SHOWN = 8


@dataclass(frozen=True)
class Approval:
    version: SoaVersion
    #: The non-blocking warnings the SoA was approved with (the approver acknowledged them).
    warnings: list[SoaWarning]


def warning_record(warning: SoaWarning) -> dict[str, str]:
    """A warning as the version keeps it."""
    return {"department": warning.department, "control": warning.control,
            "check": warning.check.value, "message": warning.message}


def _unacknowledged(scope: str, standing: int, acknowledged: int | None) -> str:
    told = (f"{scope} has {standing:,} warning{'s' if standing != 1 else ''} standing "
            "(isms soa check lists them)")
    if acknowledged is None:
        return (f"{told}: approving with them needs the approver to acknowledge them (isms soa "
                f"approve --acknowledge-warnings {standing}; in the window, tick 'I have read "
                f"the {standing:,} warnings'), or fix them first.")
    return (f"{told}, not the {acknowledged:,} acknowledged: read them again and acknowledge "
            f"{standing:,}.")


def _refusal(blocking: list[SoaWarning]) -> str:
    parts = []
    key = attrgetter("department", "check")
    for (code, check), group in groupby(sorted(blocking, key=key), key=key):
        refs = sorted((w.control for w in group), key=natural_key)
        more = f" and {len(refs) - _SHOWN} more" if len(refs) > _SHOWN else ""
        parts.append(f"{code}: {check.value} for {', '.join(refs[:_SHOWN])}{more}")
    return ("The SoA cannot be approved until every control is decided and every exclusion "
            f"justified ({'; '.join(parts)}). See `isms soa check`.")


def approve_soa(
    session: Session,
    department_id: int | None,
    note: str,
    now: datetime,
    *,
    acknowledged: int | None = None,
) -> Approval:
    """The acting user approves the current SoA of the department (None: council-wide),
    freezing it as the next version.

    Approving is an act of the approver: the acting user must be an active person of the
    register holding the approver or SIRO role (else AccessDenied naming who, what and the
    role). Blocking warnings refuse it; the others must be acknowledged: ``acknowledged`` is
    how many the approver read, and must be the number standing (ValidationError otherwise,
    saying how many stand). The caller commits.
    """
    department = session.get(Department, department_id) if department_id is not None else None
    scope = f"the SoA of {department.code}" if department else "the council-wide SoA"
    approver = signer(session, f"approve {scope}", approver=True)
    warnings = soa_checks(session, department_id, now.date())
    blocking = [w for w in warnings if w.blocking]
    if blocking:
        raise ValidationError(_refusal(blocking), field="soa")
    standing = [w for w in warnings if not w.blocking]
    if (standing or acknowledged) and acknowledged != len(standing):
        scope_text = scope[0].upper() + scope[1:]
        raise ValidationError(_unacknowledged(scope_text, len(standing), acknowledged),
                              field="acknowledged_warnings")
    previous = session.execute(
        select(func.max(SoaVersion.number)).where(version_scope(department_id))
    ).scalar()
    version = SoaVersion(
        department_id=department_id,
        number=(previous or 0) + 1,
        approved_by=approver,
        approved_at=now,
        note=note.strip(),
        snapshot=snapshot(soa_rows(session, department_id)),
        acknowledged_warnings=[warning_record(w) for w in standing],
    )
    session.add(version)
    session.flush()
    record(session, SignatureKind.SOA_APPROVAL, "soa_version", version.id, approver, now=now)
    session.flush()
    return Approval(version, standing)


def approval_words(version: SoaVersion) -> str:
    """"approved with 93 warnings acknowledged": what the approver acknowledged, as the SoA's
    own document control says it ("no warnings" also for versions approved before the
    warnings were recorded, when none was acknowledged)."""
    count = len(version.acknowledged_warnings)
    return (f"approved with {count:,} warning{'s' if count != 1 else ''} acknowledged"
            if count else "approved with no warnings acknowledged")


def soa_versions(session: Session, department_id: int | None) -> list[SoaVersion]:
    """The approved versions of one scope, oldest first."""
    return list(session.execute(
        select(SoaVersion).where(version_scope(department_id)).order_by(SoaVersion.number)
    ).scalars())


def soa_version(session: Session, department_id: int | None, number: int) -> SoaVersion:
    found = session.execute(
        select(SoaVersion).where(version_scope(department_id), SoaVersion.number == number)
    ).scalar()
    if found is None:
        raise NotFoundError(f"There is no approved SoA version {number} for this scope; list "
                            "them with `isms soa versions`.")
    return found


def is_draft(session: Session, department_id: int | None) -> bool:
    """The current rows differ from the latest approved version (or none was approved)."""
    latest = latest_version(session, department_id)
    return latest is None or latest.snapshot != snapshot(soa_rows(session, department_id))


# --- changes between versions ---------------------------------------------------------------


@dataclass(frozen=True)
class SoaChange:
    control: str  #: clause reference
    field: str  #: a key of FIELD_LABELS
    before: str
    after: str

    @property
    def label(self) -> str:
        return FIELD_LABELS.get(self.field, self.field)


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def compare(before: Sequence[dict[str, Any]], after: Sequence[dict[str, Any]]) -> list[SoaChange]:
    """Field by field, per control in clause order; a control only on one side (a catalogue
    change) shows every field against blank."""
    old = {record["ref"]: record for record in before}
    new = {record["ref"]: record for record in after}
    changes = []
    for ref in sorted(old.keys() | new.keys(), key=natural_key):
        was, now = old.get(ref, {}), new.get(ref, {})
        for field in FIELD_LABELS:
            if field != "ref" and _shown(was.get(field)) != _shown(now.get(field)):
                changes.append(SoaChange(ref, field, _shown(was.get(field)),
                                         _shown(now.get(field))))
    return changes


def soa_changes(
    session: Session, department_id: int | None, from_number: int, to_number: int | None = None
) -> list[SoaChange]:
    """What changed from version ``from_number`` to ``to_number`` (None: the current draft)."""
    before = soa_version(session, department_id, from_number).snapshot
    after = (soa_version(session, department_id, to_number).snapshot if to_number is not None
             else snapshot(soa_rows(session, department_id)))
    return compare(before, after)


_CHANGE_COLUMNS = (Column("Control", 8), Column("Field", 22), Column("Before", 45, wrap=True),
                   Column("After", 45, wrap=True))


def soa_changes_report(
    session: Session,
    department_id: int | None,
    from_number: int,
    to_number: int | None = None,
    *,
    generated: datetime,
) -> Report:
    """The change list as an exportable table, dated and marked like the SoA itself."""
    changes = soa_changes(session, department_id, from_number, to_number)
    department = session.get(Department, department_id) if department_id is not None else None
    scope = department.name if department else "council-wide"
    target = f"version {to_number}" if to_number is not None else "the current draft"

    def approved(number: int) -> str:
        version = soa_version(session, department_id, number)
        return (f"{version.approved_by.name}, {version.approved_at.date().isoformat()}; "
                f"{approval_words(version)}")

    control = [("From", f"version {from_number} (approved by {approved(from_number)})"),
               ("To", target if to_number is None
                else f"{target} (approved by {approved(to_number)})")]
    return Report(
        title=f"SoA changes - {scope}: version {from_number} to {target}",
        columns=_CHANGE_COLUMNS,
        rows=[(c.control, c.label, c.before, c.after) for c in changes],
        generated=generated,
        row_count=len(changes),
        document_control=control,
        marking=document_marking(session),
    )



def soa_versions_report(session: Session, department_id: int | None,
                        generated: datetime) -> Report:
    """Every approved version with who approved it, when, what warnings they acknowledged and
    how many entries changed since the one before; the last row says whether the current SoA
    is a draft (the audit pack's item 5). Marked by the caller, like the SoA."""
    versions = soa_versions(session, department_id)
    rows: list[list[object]] = []
    previous: list[dict[str, Any]] = []
    for version in versions:  # oldest first
        changed = len(compare(previous, version.snapshot)) if previous else None
        rows.append([version.number, version.approved_by.name, version.approved_at,
                     approval_words(version), version.note,
                     "first version" if changed is None else changed])
        previous = version.snapshot
    if versions and is_draft(session, department_id):
        current = snapshot(soa_rows(session, department_id))
        rows.append(["draft", "", None, "not approved yet", "",
                     len(compare(previous, current))])
    return Report(
        title="Statement of Applicability - approved versions",
        columns=[Column("Version", 9), Column("Approved by", 24),
                 Column("Approved at", 18, "date"), Column("Approval", 26, wrap=True),
                 Column("Note", 40, wrap=True), Column("Changes from the previous", 14)],
        rows=rows, generated=generated, row_count=len(rows),
        notes=["No SoA has been approved yet."] if not versions else (),
    )
