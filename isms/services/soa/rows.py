"""The rows of the Statement of Applicability: one per Annex A 2022 control and then one per
local control (the council's additional controls, ISO/IEC 27001 6.1.3 d), for one
department or council-wide, read from the register in a few queries (:class:`SoaFacts`).

Council-wide, over the in-scope departments (``Department.in_scope``):

- applicability: applicable if any department applies it; else provided by a third party if
  any has it so provided; else undecided if any department has not decided; else excluded.
- implementation status: the weakest among the departments that do not exclude it, an
  undecided department counting as "not implemented" (nothing is known to be in place there).
- reasons, risks, evidence, owners: all of theirs; texts are kept once per distinct text,
  prefixed with the departments that wrote it; the target date is the latest of the planned
  ones (when it is planned to be in place everywhere); last and next review are the earliest.
- exclusion justification: every excluding department's, also where the council applies the
  control (named, "CHS: ..."); a department that gave none is listed as "NO JUSTIFICATION",
  first, so a mixed decision never reads as a plain "applicable" with a blank justification.
- ``departments`` carries each department's own applicability, status and justification.

The row's fields hold everything (a version's snapshot freezes them, so they must not lose
detail); ``SoaRow.cells`` is what a council-wide document prints: with ~15 departments the
full texts run to a page per control, so it shows the most common texts and owners and
points the reader to the departments' own SoAs for the rest.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload

from isms.catalogue import natural_key
from isms.errors import NotFoundError
from isms.model import (
    Applicability,
    Control,
    ControlEdition,
    Department,
    Evidence,
    ImplementationStatus,
    InclusionReason,
    Risk,
    SoaEntry,
    evidence_control,
    risk_control,
)
from isms.services.read.dashboard import live_risk
from isms.services.read.queries import controls

#: Weakest first: the council-wide status is the weakest of the departments that apply it.
STATUS_ORDER = (
    ImplementationStatus.NOT_IMPLEMENTED,
    ImplementationStatus.PLANNED,
    ImplementationStatus.PARTIAL,
    ImplementationStatus.IMPLEMENTED,
)
#: Council-wide cells show this many distinct texts, and this many owners, before "more".
SHOWN_TEXTS = 3
SHOWN_OWNERS = 3


@dataclass(frozen=True)
class EvidenceRef:
    ref: str
    #: evidence_date + valid_days; None when the evidence does not run out.
    valid_until: date | None

    def stale(self, today: date) -> bool:
        return self.valid_until is not None and self.valid_until < today


@dataclass(frozen=True)
class DepartmentDecision:
    """One in-scope department's own decision on a control (council-wide rows only)."""

    code: str
    applicability: Applicability | None
    status: ImplementationStatus | None
    #: The department's justification when it excludes the control ("" when it gave none).
    justification: str = ""

    @property
    def excluded(self) -> bool:
        return self.applicability == Applicability.EXCLUDED

    def label(self) -> str:
        """The decision without the department: the group it is listed under."""
        if self.applicability is None:
            return "Undecided"
        if self.applicability == Applicability.EXCLUDED:
            return "Excluded"
        status = self.status.value if self.status else "status not set"
        if self.applicability == Applicability.THIRD_PARTY:
            return f"Provided by a third party ({status})"
        return status[:1].upper() + status[1:]

    def rank(self) -> tuple[int, int]:
        """Where the group stands in the breakdown: strongest status first, then third-party
        provision, exclusions and undecided last."""
        kinds = (Applicability.APPLICABLE, Applicability.THIRD_PARTY, Applicability.EXCLUDED,
                 None)
        strength = (len(STATUS_ORDER) - STATUS_ORDER.index(self.status) if self.status
                    else len(STATUS_ORDER) + 1)
        return kinds.index(self.applicability), strength

    def record(self) -> str:
        """The decision as a version snapshot stores it ("ASC: applicable/implemented"):
        kept as it was, so approved versions still match the rows they froze."""
        if self.applicability is None:
            return f"{self.code}: undecided"
        if self.applicability == Applicability.EXCLUDED:
            return f"{self.code}: excluded"
        return f"{self.code}: {self.applicability.value}/{self.status.value if self.status else ''}"


@dataclass(frozen=True)
class CouncilCells:
    """The compact texts a council-wide document prints in place of the row's full ones."""

    inclusion_note: str
    exclusion_justification: str
    implementation: str
    owner: str | None


@dataclass(frozen=True)
class SoaRow:
    control_id: int
    ref: str
    title: str
    theme: str
    #: None: undecided (no department decided it, or this department has no entry).
    applicability: Applicability | None
    #: InclusionReason values, in the vocabulary's order.
    reasons: tuple[str, ...]
    #: Live risks whose chosen controls include this one (the "risk assessment" reason).
    risk_refs: tuple[str, ...]
    inclusion_note: str
    exclusion_justification: str
    decided_by: str | None
    decided_on: date | None
    status: ImplementationStatus | None
    implementation: str
    target_date: date | None
    evidence: tuple[EvidenceRef, ...]
    owner: str | None
    last_review: date | None
    next_review: date | None
    #: Council-wide only: each in-scope department's decision, by code.
    departments: tuple[DepartmentDecision, ...] = ()
    #: Council-wide only: the compact texts to print.
    council: CouncilCells | None = None

    @property
    def excluded(self) -> bool:
        return self.applicability == Applicability.EXCLUDED

    @property
    def excluded_by(self) -> tuple[DepartmentDecision, ...]:
        """Council-wide: the departments that exclude the control, whatever the row says."""
        return tuple(d for d in self.departments if d.excluded)

    @property
    def unjustified_exclusion(self) -> bool:
        """A department excludes the control without saying why (6.1.3 d)."""
        return any(not d.justification.strip() for d in self.excluded_by) or (
            self.excluded and not self.exclusion_justification.strip())

    @property
    def cells(self) -> SoaRow | CouncilCells:
        """Where the printed texts (notes, implementation, owner) come from."""
        return self.council or self

    def breakdown(self) -> str:
        """The departments grouped by decision: "Implemented: ASC, CCC; Excluded: HIG"."""
        groups: dict[str, list[DepartmentDecision]] = {}
        for decision in sorted(self.departments, key=DepartmentDecision.rank):
            groups.setdefault(decision.label(), []).append(decision)
        return "; ".join(f"{label}: {', '.join(d.code for d in who)}"
                         for label, who in groups.items())


# --- what the rows are made of --------------------------------------------------------------


@dataclass(frozen=True)
class SoaFacts:
    """Everything the rows and the checks read, loaded in a few queries."""

    departments: list[Department]
    controls: list[Control]
    entries: dict[tuple[int, int], SoaEntry]
    #: control id -> (department id or None for council-wide evidence, reference)
    evidence: dict[int, list[tuple[int | None, EvidenceRef]]]
    #: (department id, control id) -> live risk references
    risks: dict[tuple[int, int], list[str]]

    def evidence_for(self, control_id: int, department_ids: set[int]) -> tuple[EvidenceRef, ...]:
        found = {ref for dept, ref in self.evidence.get(control_id, ())
                 if dept is None or dept in department_ids}
        return tuple(sorted(found, key=lambda e: natural_key(e.ref)))

    def risks_for(self, control_id: int, department_ids: Iterable[int]) -> tuple[str, ...]:
        found = {ref for dept in department_ids for ref in self.risks.get((dept, control_id), ())}
        return tuple(sorted(found, key=natural_key))


def scope_departments(session: Session, department_id: int | None) -> list[Department]:
    """The department asked for, or every in-scope department (by code) for council-wide."""
    if department_id is not None:
        department = session.get(Department, department_id)
        if department is None:
            raise NotFoundError(f"There is no department with id {department_id}.")
        return [department]
    return list(session.execute(
        select(Department).where(Department.in_scope.is_(True)).order_by(Department.code)
    ).scalars())


def load_facts(session: Session, department_id: int | None) -> SoaFacts:
    departments = scope_departments(session, department_id)
    ids = [d.id for d in departments]
    entries = session.execute(
        select(SoaEntry)
        .options(joinedload(SoaEntry.owner), joinedload(SoaEntry.decided_by))
        .where(SoaEntry.department_id.in_(ids))
    ).scalars()
    evidence: dict[int, list[tuple[int | None, EvidenceRef]]] = {}
    linked = select(
        evidence_control.c.control_id, Evidence.department_id, Evidence.ref,
        Evidence.evidence_date, Evidence.valid_days,
    ).join(Evidence, Evidence.id == evidence_control.c.evidence_id).where(
        or_(Evidence.department_id.in_(ids), Evidence.department_id.is_(None))
    )
    for control_id, dept, ref, when, days in session.execute(linked):
        until = when + timedelta(days=days) if days is not None else None
        evidence.setdefault(control_id, []).append((dept, EvidenceRef(ref, until)))
    risks: dict[tuple[int, int], list[str]] = {}
    chosen = select(Risk.department_id, risk_control.c.control_id, Risk.ref).join(
        risk_control, risk_control.c.risk_id == Risk.id
    ).where(*live_risk(), Risk.department_id.in_(ids))
    for dept, control_id, ref in session.execute(chosen):
        risks.setdefault((dept, control_id), []).append(ref)
    return SoaFacts(
        departments, [*controls(session), *controls(session, ControlEdition.LOCAL)],
        {(e.department_id, e.control_id): e for e in entries}, evidence, risks,
    )


# --- rows -----------------------------------------------------------------------------------


def _department_row(facts: SoaFacts, control: Control, department: Department) -> SoaRow:
    entry = facts.entries.get((department.id, control.id))
    evidence = facts.evidence_for(control.id, {department.id})
    risks = facts.risks_for(control.id, [department.id])
    if entry is None:
        return SoaRow(control.id, control.ref, control.title, control.theme, None, (), risks,
                      "", "", None, None, None, "", None, evidence, None, None, None)
    return SoaRow(
        control.id, control.ref, control.title, control.theme, entry.applicability,
        _ordered_reasons(entry.reasons or ()), risks, entry.inclusion_note,
        entry.exclusion_justification, entry.decided_by.name if entry.decided_by else None,
        entry.decided_on, entry.implementation_status, entry.implementation, entry.target_date,
        evidence, entry.owner.name if entry.owner else None, entry.last_review,
        entry.next_review,
    )


def _ordered_reasons(values: Iterable[str]) -> tuple[str, ...]:
    given = set(values)
    return tuple(reason.value for reason in InclusionReason if reason.value in given)


def council_applicability(decisions: Sequence[Applicability | None]) -> Applicability | None:
    for wanted in (Applicability.APPLICABLE, Applicability.THIRD_PARTY):
        if wanted in decisions:
            return wanted
    if not decisions or None in decisions:
        return None
    return Applicability.EXCLUDED


#: What a council-wide justification says for a department that excluded without one.
NO_JUSTIFICATION = "NO JUSTIFICATION"


class _Texts:
    """One field's texts across departments: each distinct text once, with the departments
    that wrote it (in department order).

    With ``blank`` set, the departments that wrote nothing are listed under it, first, and
    the departments are always named: a missing justification must show, not vanish. With
    ``named``, the departments are named even when they all wrote the same.
    """

    def __init__(self, texts: Iterable[tuple[str, str]], *, blank: str | None = None,
                 named: bool = False) -> None:
        self.codes: dict[str, list[str]] = {}
        self.blank = blank
        self.named = named
        if blank is not None:
            self.codes[blank] = []
        for code, text in texts:
            if text.strip() or blank is not None:
                self.codes.setdefault(text.strip() or blank or "", []).append(code)
        if blank is not None and not self.codes[blank]:
            del self.codes[blank]

    def _lines(self, groups: Iterable[tuple[str, list[str]]]) -> list[str]:
        # No prefix when every department that wrote one wrote the same.
        if len(self.codes) == 1 and self.blank not in self.codes and not self.named:
            return list(self.codes)
        return [f"{', '.join(who)}: {text}" for text, who in groups]

    def full(self) -> str:
        """Every distinct text: what the row (and a version's snapshot) holds."""
        return "\n".join(self._lines(self.codes.items()))

    def compact(self) -> str:
        """The SHOWN_TEXTS texts most departments share, then how many departments are left
        out: the reader finds those in the departments' own SoAs."""
        # The blank group (first in ``codes``) is a gap: it is always shown.
        common = sorted(self.codes.items(),
                        key=lambda item: (item[0] != self.blank, -len(item[1])))[:SHOWN_TEXTS]
        lines = self._lines(common)
        left = sum(len(who) for who in self.codes.values()) - sum(len(who) for _, who in common)
        if left:
            lines.append(f"… and {left} more department{'s' if left > 1 else ''} "
                         "(see their own SoAs)")
        return "\n".join(lines)


def _names(names: Sequence[str]) -> str:
    shown = ", ".join(names[:SHOWN_OWNERS])
    return shown + (f" +{len(names) - SHOWN_OWNERS} more" if len(names) > SHOWN_OWNERS else "")


def _council_row(facts: SoaFacts, control: Control) -> SoaRow:
    decided = [(d, facts.entries.get((d.id, control.id))) for d in facts.departments]
    decisions = tuple(
        DepartmentDecision(d.code, e.applicability if e else None,
                           e.implementation_status if e else None,
                           e.exclusion_justification.strip()
                           if e and e.applicability == Applicability.EXCLUDED else "")
        for d, e in decided
    )
    applicability = council_applicability([x.applicability for x in decisions])
    excluded = applicability == Applicability.EXCLUDED
    # The entries the row speaks for: the exclusions when excluded, else those including it.
    speaking = [(d, e) for d, e in decided if e is not None
                and (e.applicability == Applicability.EXCLUDED) == excluded]
    entries = [e for _, e in speaking]
    status = None
    if applicability is not None and not excluded:
        status = min((x.status or ImplementationStatus.NOT_IMPLEMENTED for x in decisions
                      if x.applicability != Applicability.EXCLUDED), key=STATUS_ORDER.index)
    latest = max((e for e in entries if e.decided_on), key=lambda e: e.decided_on or date.min,
                 default=None)
    owners = sorted({e.owner.name for e in entries if e.owner})
    ids = [d.id for d in facts.departments]
    notes = _Texts((d.code, e.inclusion_note) for d, e in speaking if not excluded)
    # Every department that excludes the control, also where the council applies it: an
    # exclusion is shown with its justification, or with NO JUSTIFICATION, never dropped.
    justifications = _Texts(((x.code, x.justification) for x in decisions if x.excluded),
                            blank=NO_JUSTIFICATION, named=not excluded)
    how = _Texts((d.code, e.implementation) for d, e in speaking if not excluded)
    return SoaRow(
        control.id, control.ref, control.title, control.theme, applicability,
        _ordered_reasons(r for e in entries if not excluded for r in e.reasons or ()),
        facts.risks_for(control.id, ids),
        notes.full(),
        justifications.full(),
        latest.decided_by.name if latest and latest.decided_by else None,
        latest.decided_on if latest else None,
        status,
        how.full(),
        max((e.target_date for e in entries
             if e.implementation_status == ImplementationStatus.PLANNED and e.target_date),
            default=None),
        facts.evidence_for(control.id, set(ids)),
        ", ".join(owners) or None,
        min((e.last_review for e in entries if e.last_review), default=None),
        min((e.next_review for e in entries if e.next_review), default=None),
        decisions,
        CouncilCells(notes.compact(), justifications.compact(), how.compact(),
                     _names(owners) or None),
    )


def soa_rows(session: Session, department_id: int | None) -> tuple[SoaRow, ...]:
    """One row per Annex A 2022 control, in natural clause order."""
    facts = load_facts(session, department_id)
    if department_id is None:
        return tuple(_council_row(facts, control) for control in facts.controls)
    department = facts.departments[0]
    return tuple(_department_row(facts, control, department) for control in facts.controls)
