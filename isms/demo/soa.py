"""Statements of Applicability for the in-scope departments.

Every in-scope department gets one entry per 2022 Annex A control. Controls its risks selected are
applicable "by risk assessment"; the rest follow what a council department typically decides,
with a few exclusions (one or two without the justification an auditor will ask for).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from ..model import (
    Applicability,
    ImplementationStatus,
    InclusionReason,
    Role,
    SoaEntry,
)
from .context import Build, at, versioned
from .org import Org
from .risks import RiskRegister

_R, _IS = InclusionReason, ImplementationStatus

#: Why a council includes a control, besides its own risks: law and contracts first.
_REASONS: dict[str, tuple[InclusionReason, ...]] = {
    "5.5": (_R.LEGAL,), "5.31": (_R.LEGAL,), "5.32": (_R.LEGAL,), "5.33": (_R.LEGAL,),
    "5.34": (_R.LEGAL,), "6.1": (_R.LEGAL,), "6.4": (_R.LEGAL,), "6.2": (_R.CONTRACTUAL,),
    "5.19": (_R.CONTRACTUAL,), "5.20": (_R.CONTRACTUAL,), "5.21": (_R.CONTRACTUAL,),
    "5.22": (_R.CONTRACTUAL,), "5.23": (_R.CONTRACTUAL,), "8.20": (_R.CONTRACTUAL,),
    "8.21": (_R.CONTRACTUAL,), "8.22": (_R.CONTRACTUAL,),
}
_NOTES: dict[InclusionReason, str] = {
    _R.LEGAL: "UK GDPR, Data Protection Act 2018 and the council's statutory duties.",
    _R.CONTRACTUAL: "PSN code of connection and supplier contracts.",
    _R.BUSINESS: "Needed to run the service safely.",
    _R.BEST_PRACTICE: "Council information security policy.",
}
#: Controls IT Service provides to every other department (so "provided by a third party").
_PROVIDED_BY_IT = frozenset({
    "7.11", "7.12", "8.4", "8.6", "8.9", "8.14", "8.16", "8.17", "8.18", "8.20", "8.21", "8.22",
    "8.23", "8.25", "8.26", "8.27", "8.28", "8.29", "8.31", "8.33", "8.34",
})
#: Controls a service department may reasonably exclude: the reason it gives, and the
#: departments that run the control for everyone (and so never exclude it).
_EXCLUDABLE: dict[str, tuple[str, frozenset[str]]] = {
    "8.30": ("The department commissions no software development; IT Service procures all "
             "development under its own SoA.", frozenset({"ITS"})),
    "8.11": ("No system of the department shows data to people not entitled to the whole "
             "record.", frozenset({"ITS"})),
    "7.4": ("Monitoring of council buildings is run by Property & Facilities (Finance) and "
            "covered by its SoA.", frozenset({"ITS", "FIN"})),
    "5.7": ("Threat intelligence is gathered and shared for the council by IT Service.",
            frozenset({"ITS"})),
}
#: Exclusions left without justification: the gaps a Stage 1 audit finds (5.19 excluded while
#: suppliers hold council data is the classic one). Tried in order until two land.
_UNJUSTIFIED = (("CCC", "5.19"), ("ENV", "7.4"), ("HRD", "5.19"), ("FIN", "8.11"),
                ("LDS", "7.4"))

_IMPLEMENTATION = {
    _IS.IMPLEMENTED: "In place and operating; see the evidence listed.",
    _IS.PARTIAL: "In place for the main systems; paper records and older systems still to follow.",
    _IS.PLANNED: "Planned in the department's treatment plan.",
    _IS.NOT_IMPLEMENTED: "",
}
#: IT Service is certified, so nearly everything is implemented there.
_MATURITY = {
    "ITS": ((_IS.IMPLEMENTED, 88), (_IS.PARTIAL, 9), (_IS.PLANNED, 3)),
    "default": ((_IS.IMPLEMENTED, 50), (_IS.PARTIAL, 28), (_IS.PLANNED, 14),
                (_IS.NOT_IMPLEMENTED, 8)),
}


@dataclass(frozen=True)
class SoaGap:
    """An SoA entry the review agenda will raise."""

    id: int
    department: str
    control: str


def _unjustified(org: Org, risk_controls: dict[str, dict[str, list[str]]]) -> set[tuple[str, str]]:
    chosen: set[tuple[str, str]] = set()
    for dept, ref in _UNJUSTIFIED:
        if len(chosen) == 2:
            break
        in_scope = dept in org.specs and org.specs[dept].in_scope
        if in_scope and ref not in risk_controls.get(dept, {}):
            chosen.add((dept, ref))
    return chosen


class _SoaWriter:
    def __init__(self, build: Build, org: Org, register: RiskRegister) -> None:
        self.build, self.org = build, org
        self.rng: random.Random = build.rng("soa")
        self.risk_controls = register.controls_by_department()
        self.unjustified = _unjustified(org, self.risk_controls)
        self.gaps: list[SoaGap] = []
        self.next_id = build.next_id(SoaEntry)

    def rows(self) -> Iterator[dict[str, Any]]:
        for dept in self.org.in_scope():
            owners = self.org.with_role(Role.CONTROL_OWNER, dept)
            it_owners = self.org.with_role(Role.CONTROL_OWNER, "ITS")
            deciders = (self.org.with_role(Role.SMG_MEMBER, dept)
                        or self.org.with_role(Role.SMG_MEMBER))
            for ref in self.build.reference.control_refs:
                yield self._entry(dept, ref, owners or it_owners, it_owners, deciders)
                self.next_id += 1

    def _entry(self, dept: str, ref: str, owners: list[int], it_owners: list[int],
               deciders: list[int]) -> dict[str, Any]:
        rng, build = self.rng, self.build
        risks = self.risk_controls.get(dept, {}).get(ref, [])
        applicability, reasons, note, justification = self._decide(dept, ref, risks)
        if applicability is Applicability.EXCLUDED:
            status = _IS.NOT_IMPLEMENTED
        else:
            tier = _MATURITY.get(dept, _MATURITY["default"])
            status = rng.choices(*zip(*tier, strict=True))[0]
        decided = build.days_ago(rng.randrange(60, 420))
        last = build.days_ago(rng.randrange(0, 420))
        owner_pool = it_owners if applicability is Applicability.THIRD_PARTY else owners
        return versioned(
            at(decided, rng), at(last, rng) if last > decided else None,
            id=self.next_id, department_id=self.org.department_id[dept],
            control_id=build.reference.control_by_ref[ref], applicability=applicability,
            reasons=[r.value for r in reasons], inclusion_note=note,
            exclusion_justification=justification, decided_by_id=rng.choice(deciders),
            decided_on=decided, implementation_status=status,
            implementation=("Provided by IT Service under its certified ISMS."
                            if applicability is Applicability.THIRD_PARTY
                            else _IMPLEMENTATION[status]),
            owner_id=rng.choice(owner_pool) if rng.random() > 0.03 else None,
            target_date=(build.days_ahead(rng.randrange(30, 271)) if status is _IS.PLANNED
                         else None),
            last_review=last, next_review=last + timedelta(days=365),
        )

    def _decide(self, dept: str, ref: str, risks: list[str]
                ) -> tuple[Applicability, list[InclusionReason], str, str]:
        """(applicability, reasons, inclusion note, exclusion justification)."""
        if risks:
            # A control a risk treatment selected is applicable, whatever else is true.
            shown = ", ".join(risks[:5]) + (f" and {len(risks) - 5} more" if len(risks) > 5 else "")
            reasons = [_R.RISK_ASSESSMENT, *_REASONS.get(ref, ())]
            return Applicability.APPLICABLE, reasons, f"Treats {shown}.", ""
        if (dept, ref) in self.unjustified:
            self.gaps.append(SoaGap(self.next_id, dept, ref))
            return Applicability.EXCLUDED, [], "", ""
        if ref in _EXCLUDABLE and dept not in _EXCLUDABLE[ref][1] and self.rng.random() < 0.4:
            return Applicability.EXCLUDED, [], "", _EXCLUDABLE[ref][0]
        reasons = list(_REASONS.get(ref, ())) or [
            self.rng.choice((_R.BUSINESS, _R.BEST_PRACTICE, _R.BEST_PRACTICE))
        ]
        if dept != "ITS" and ref in _PROVIDED_BY_IT:
            return Applicability.THIRD_PARTY, reasons, _NOTES[reasons[0]], ""
        return Applicability.APPLICABLE, reasons, _NOTES[reasons[0]], ""


def build_soa(build: Build, org: Org, register: RiskRegister) -> list[SoaGap]:
    writer = _SoaWriter(build, org, register)
    total = len(org.in_scope()) * len(build.reference.control_refs)
    build.insert(SoaEntry, writer.rows(), stage="soa", total=total)
    return writer.gaps
