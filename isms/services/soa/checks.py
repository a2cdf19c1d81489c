"""Pre-flight checks of a Statement of Applicability: what an auditor would find, each named
by department and control and saying what to do.

Two kinds block approval (:func:`.versions.approve_soa` refuses while any is left): an
exclusion without a justification (ISO/IEC 27001 6.1.3 d; the classic Stage 1 failure) and a
control with no decision at all (the SoA must state, for every Annex A control, whether it is
included). The others are for the approver to weigh, and an approval with any of them left
records that the approver acknowledged them: an exclusion that risks or open treatment actions
rely on; an applicable control without an owner; one not (fully) implemented with no target
date (6.1.3 e, 6.2: when will it be in place?); one recorded as implemented, or partially, with
no evidence that it operates (a claim an auditor tests first), or one not yet in place without
evidence; evidence past its validity (``evidence_date + valid_days`` before today;
``period_end`` is the span the evidence covers, not how long it stays current, so it does not
make evidence stale); and a decision whose review (``next_review``) is past.

"Applicable" here includes "provided by a third party": the council still needs someone who
owns the control and evidence (supplier assurance) that it operates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from isms.catalogue import natural_key
from isms.model import (
    ActionStatus,
    Applicability,
    Control,
    Department,
    ImplementationStatus,
    Risk,
    SoaEntry,
    TreatmentAction,
)
from isms.services.read.dashboard import live_risk
from isms.services.soa.document import SoaFacts, load_facts


class SoaCheck(StrEnum):
    UNDECIDED = "no decision"
    EXCLUSION_UNJUSTIFIED = "exclusion without justification"
    EXCLUDED_BUT_RELIED_ON = "excluded but relied on"
    NO_OWNER = "no owner"
    NO_TARGET_DATE = "not implemented, no target date"
    IMPLEMENTED_NO_EVIDENCE = "implemented without evidence"
    NO_EVIDENCE = "no evidence"
    STALE_EVIDENCE = "stale evidence"
    REVIEW_OVERDUE = "review overdue"

    @property
    def evidence_gap(self) -> bool:
        """No evidence, or none current, whatever the status claims: what the review agenda
        and an action's subject count as a gap in evidence."""
        return self in _EVIDENCE_GAPS


_EVIDENCE_GAPS = frozenset({SoaCheck.IMPLEMENTED_NO_EVIDENCE, SoaCheck.NO_EVIDENCE,
                            SoaCheck.STALE_EVIDENCE})


#: What stops an approval: the SoA would not say what it must say about every control.
BLOCKING = frozenset({SoaCheck.UNDECIDED, SoaCheck.EXCLUSION_UNJUSTIFIED})
_OPEN = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)
#: Statuses that claim the control operates, at least in part: evidence should show it.
_CLAIMS = (ImplementationStatus.IMPLEMENTED, ImplementationStatus.PARTIAL)


@dataclass(frozen=True)
class SoaWarning:
    check: SoaCheck
    department: str  #: department code
    control: str  #: clause reference
    message: str

    @property
    def blocking(self) -> bool:
        return self.check in BLOCKING


def _relying_actions(
    session: Session, department_ids: list[int]
) -> dict[tuple[int, int], set[str]]:
    """(department id, control id) -> risks with an open treatment action on the control."""
    query = (
        select(Risk.department_id, TreatmentAction.control_id, Risk.ref)
        .join(Risk, TreatmentAction.risk_id == Risk.id)
        .where(*live_risk(), TreatmentAction.status.in_(_OPEN),
               TreatmentAction.control_id.is_not(None), Risk.department_id.in_(department_ids))
    )
    found: dict[tuple[int, int], set[str]] = {}
    for dept, control_id, ref in session.execute(query):
        if control_id is not None:  # filtered in SQL; this tells the type checker
            found.setdefault((dept, control_id), set()).add(ref)
    return found


def _refs(refs: set[str] | tuple[str, ...]) -> str:
    return ", ".join(sorted(refs, key=natural_key))


class _Checker:
    def __init__(self, facts: SoaFacts, actions: dict[tuple[int, int], set[str]],
                 today: date) -> None:
        self.facts, self.actions, self.today = facts, actions, today

    def control(self, department: Department, control: Control) -> list[SoaWarning]:
        code, ref = department.code, control.ref
        entry = self.facts.entries.get((department.id, control.id))
        if entry is None:
            return [SoaWarning(SoaCheck.UNDECIDED, code, ref,
                               f"{code} has not decided on control {ref} ({control.title}): "
                               "record whether it applies, or exclude it with a justification.")]
        if entry.applicability == Applicability.EXCLUDED:
            return [*self._exclusion(department, control, entry.exclusion_justification),
                    *self._review(code, ref, entry)]
        found: list[SoaWarning] = []
        status = entry.implementation_status
        if entry.owner_id is None:
            found.append(SoaWarning(SoaCheck.NO_OWNER, code, ref,
                                    f"Control {ref} applies in {code} but has no owner: name a "
                                    "control owner."))
        if status != ImplementationStatus.IMPLEMENTED and entry.target_date is None:
            found.append(SoaWarning(SoaCheck.NO_TARGET_DATE, code, ref,
                                    f"Control {ref} applies in {code} but is {status.value} and "
                                    "has no target date: set the date by which it will be in "
                                    "place, or record its real status."))
        evidence = self.facts.evidence_for(control.id, {department.id})
        stale = tuple(e.ref for e in evidence if e.stale(self.today))
        if not evidence and status in _CLAIMS:
            found.append(SoaWarning(SoaCheck.IMPLEMENTED_NO_EVIDENCE, code, ref,
                                    f"Control {ref} is recorded as {status.value} in {code} but "
                                    "has no evidence that it operates: link evidence, or record "
                                    "its real status."))
        elif not evidence:
            found.append(SoaWarning(SoaCheck.NO_EVIDENCE, code, ref,
                                    f"Control {ref} applies in {code} but has no evidence: link "
                                    "evidence that it operates."))
        elif stale:
            left = "" if len(stale) < len(evidence) else " and no current evidence is left"
            found.append(SoaWarning(SoaCheck.STALE_EVIDENCE, code, ref,
                                    f"Evidence {_refs(stale)} for control {ref} in {code} is "
                                    f"out of date{left}: add current evidence."))
        return [*found, *self._review(code, ref, entry)]

    def _review(self, code: str, ref: str, entry: SoaEntry) -> list[SoaWarning]:
        """The decision's review is past due (due today is not yet overdue)."""
        due = entry.next_review
        if due is None or due >= self.today:
            return []
        days = (self.today - due).days
        excluded = entry.applicability == Applicability.EXCLUDED
        what, act = (("the exclusion of control", "the decision") if excluded
                     else ("control", "the control"))
        return [SoaWarning(SoaCheck.REVIEW_OVERDUE, code, ref,
                           f"The review of {what} {ref} in {code} was due on {due.isoformat()} "
                           f"({days} day{'s' if days != 1 else ''} ago): review {act} and set "
                           "the next review date.")]

    def _exclusion(self, department: Department, control: Control,
                   justification: str) -> list[SoaWarning]:
        code, ref = department.code, control.ref
        found: list[SoaWarning] = []
        if not justification.strip():
            found.append(SoaWarning(SoaCheck.EXCLUSION_UNJUSTIFIED, code, ref,
                                    f"Control {ref} is excluded in {code} with no justification: "
                                    "say why (ISO/IEC 27001 6.1.3 d), or make it applicable."))
        risks = self.facts.risks_for(control.id, [department.id])
        actions = self.actions.get((department.id, control.id), set())
        relying = [text for text in (f"risks {_refs(risks)}" if risks else "",
                                     f"open treatment actions of {_refs(actions)}" if actions
                                     else "") if text]
        if relying:
            found.append(SoaWarning(SoaCheck.EXCLUDED_BUT_RELIED_ON, code, ref,
                                    f"Control {ref} is excluded in {code}, but "
                                    f"{' and '.join(relying)} rely on it: make it applicable, "
                                    "or treat them with other controls."))
        return found


def soa_checks(session: Session, department_id: int | None, today: date) -> list[SoaWarning]:
    """The warnings for one department's SoA, or for every in-scope department's
    (``department_id`` None), by department code and then clause order."""
    facts = load_facts(session, department_id)
    checker = _Checker(facts, _relying_actions(session, [d.id for d in facts.departments]), today)
    return [warning for department in facts.departments for control in facts.controls
            for warning in checker.control(department, control)]
