"""Evidence that controls operate: links to reports on the council intranet, some gone stale."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from ..model import Evidence, EvidenceKind, Role, evidence_control, evidence_risk
from .context import Build, at, versioned
from .names import INTRANET
from .org import Org
from .risks import RiskRegister

#: (title, controls it shows operating, days it stays current)
EVIDENCE: tuple[tuple[str, tuple[str, ...], int], ...] = (
    ("Quarterly access rights review", ("5.18", "8.2"), 90),
    ("Laptop encryption compliance report", ("8.1", "8.24"), 90),
    ("Backup restore test record", ("8.13",), 180),
    ("Information security e-learning completion report", ("6.3",), 365),
    ("IT health check (penetration test) report", ("8.8", "8.29"), 365),
    ("Business continuity exercise report", ("5.29", "5.30"), 365),
    ("Supplier security assurance questionnaires", ("5.19", "5.20", "5.22"), 365),
    ("Data-sharing agreements register", ("5.14", "5.34"), 365),
    ("Clear desk and clear screen spot checks", ("7.7",), 180),
    ("Security incident log and lessons learned", ("5.24", "5.26", "5.27"), 180),
    ("Patch compliance dashboard export", ("8.8",), 30),
    ("Certificates of secure disposal", ("7.14", "8.10"), 365),
    ("Firewall rule review", ("8.20", "8.22"), 180),
    ("DBS check register extract", ("6.1",), 365),
    ("Information asset owner attestations", ("5.9", "5.12"), 365),
    ("Information security policy approval minutes", ("5.1",), 365),
    ("Leavers' account removal reconciliation", ("5.18", "6.5"), 90),
    ("Physical access card audit", ("7.2",), 180),
)


@dataclass(frozen=True)
class EvidenceInfo:
    id: int
    ref: str
    title: str
    department: str
    evidence_date: date
    valid_days: int

    def stale(self, today: date) -> bool:
        return self.evidence_date + timedelta(days=self.valid_days) < today


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def build_evidence(build: Build, org: Org, register: RiskRegister) -> list[EvidenceInfo]:
    rng = build.rng("evidence")
    risks_by_control = register.controls_by_department()
    rows: list[dict[str, Any]] = []
    control_links: list[dict[str, Any]] = []
    risk_links: list[dict[str, Any]] = []
    risk_ids = {r.ref: r.id for r in register.risks}
    found: list[EvidenceInfo] = []
    next_id = build.next_id(Evidence)
    for dept in org.in_scope():
        providers = org.with_role(Role.CONTROL_OWNER, dept) or org.staff(dept)
        # IT Service is certified and keeps the most evidence; others are catching up.
        for title, controls, valid_days in rng.sample(EVIDENCE, 10 if dept == "ITS" else 5):
            ref = f"EV-{len(found) + 1:04d}"
            when = build.days_ago(rng.randrange(5, 2 * valid_days + 60))
            rows.append(versioned(
                at(when, rng), id=next_id, ref=ref, title=f"{title} - {org.specs[dept].name}",
                description="", kind=EvidenceKind.LINK, file_name=None, stored_name=None,
                sha256=None, size_bytes=None,
                url=f"{INTRANET}/isms/{dept.lower()}/evidence/{_slug(title)}-{when:%Y-%m}.pdf",
                evidence_date=when, period_start=when - timedelta(days=valid_days),
                period_end=when, valid_days=valid_days, department_id=org.department_id[dept],
                provided_by_id=rng.choice(providers),
            ))
            control_links.extend({"evidence_id": next_id,
                                  "control_id": build.reference.control_by_ref[c]}
                                 for c in controls)
            # Evidence that a treated risk's controls now operate is filed against the risk too.
            selected = risks_by_control.get(dept, {})
            treated = sorted({r for c in controls for r in selected.get(c, [])})
            risk_links.extend({"evidence_id": next_id, "risk_id": risk_ids[r]} for r in treated[:2])
            found.append(EvidenceInfo(next_id, ref, title, dept, when, valid_days))
            next_id += 1
    build.insert(Evidence, rows, stage="evidence", total=len(rows))
    build.insert(evidence_control, control_links, stage="evidence controls",
                 total=len(control_links))
    build.insert(evidence_risk, risk_links, stage="evidence risks", total=len(risk_links))
    return found
