"""A realistic demo register: an invented county council part-way to ISO/IEC 27001 council-wide.

``build_demo`` fills a freshly initialised register with departments, people, assets, handling
practices, risks and their treatment, Statements of Applicability, evidence and review meetings,
with the gaps real registers have. Everything derives from the seed and ``today``: the same pair
gives the same register, and review dates fall due relative to ``today``.

Bulk tables are written with Core ``INSERT`` in chunks (see shared/design/PERFORMANCE.md): a
100,000-asset register builds in seconds. The few dozen hand-written records (departments,
people, meetings) go through the ORM and so into the change log one by one; the bulk is recorded
as one ``demo register built`` event.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..db import Register
from ..db.audit_seal import Seals, sealable_tables, sealed_event
from ..errors import StorageError, ValidationError
from ..model import Asset, Department, RegisterSetting
from .assets import DEFAULT_ASSETS, build_assets
from .context import Build, Progress, Reference
from .council_context import build_council_context
from .evidence import build_evidence
from .handling import build_handling
from .org import build_org
from .reviews import Findings, build_reviews
from .risks import build_risks, risk_count
from .soa import build_soa

__all__ = ["DEFAULT_ASSETS", "DemoSummary", "Progress", "build_demo"]


@dataclass(frozen=True)
class DemoSummary:
    departments: int
    people: int
    assets: int
    handling_practices: int
    risks: int
    treatment_actions: int
    soa_entries: int
    evidence: int
    reviews: int
    seconds: float


def _refuse_unless_fresh(session: Session, register: Register) -> None:
    """Demo data must never land in a register that holds real data."""
    where = register.location.display()
    if session.get(RegisterSetting, "criteria") is None:
        raise StorageError(f"{where} is not an initialised register; run `isms init` first.")
    held = [
        f"{n} {what}{'s' if n != 1 else ''}"
        for what, model in (("department", Department), ("asset", Asset))
        if (n := session.execute(select(func.count()).select_from(model)).scalar_one())
    ]
    if held:
        raise StorageError(
            f"{where} already holds {' and '.join(held)}; demo data goes only into a new, empty "
            "register (for example `isms demo`, which writes its own file)."
        )


def build_demo(
    register: Register,
    *,
    seed: int = 2026,
    assets: int | None = None,
    today: date | None = None,
    progress: Progress | None = None,
) -> DemoSummary:
    """Fill a freshly initialised ``register`` with a demo council, all in one transaction.

    Args:
        register: an open register straight from ``init_register``; one holding departments or
            assets is refused with a StorageError.
        seed: the same seed and ``today`` give the same content.
        assets: exactly this many assets; None gives a department-realistic register (~400).
        today: the date review and due dates are relative to (default: the real today).
        progress: called as progress(stage, done, total) after each chunk written.
    """
    started = time.perf_counter()
    total = DEFAULT_ASSETS if assets is None else assets
    if total < 0:
        raise ValidationError(f"A demo register cannot have {total} assets.", field="assets")
    with register.transaction() as session:
        _refuse_unless_fresh(session, register)
        build = Build(session, seed, today or date.today(), Reference.load(session), progress)
        org = build_org(build)
        asset_infos = build_assets(build, org, total)
        breaches = build_handling(build, asset_infos)
        risks = build_risks(build, org, asset_infos, risk_count(total))
        gaps = build_soa(build, org, risks)
        evidence = build_evidence(build, org, risks)
        build_council_context(build, org)  # before the reviews: their inputs quote it
        build_reviews(build, org, Findings(asset_infos, risks, breaches, gaps, evidence))
        counts = build.counts
        details = {"seed": seed, "today": build.today, "assets": counts.get("assets", 0),
                   **{k: v for k, v in sorted(counts.items()) if k != "assets"}}
        # Written in bulk: every row sealed, so `isms audit verify` can replay it (audit_seal).
        session.flush()
        seals = Seals()
        seals.tables(session.connection(), sealable_tables())
        sealed_event(session.connection(), seals, actor=str(session.info["actor"]),
                     table_name="register", label="demo register built", details=details)
    return DemoSummary(
        departments=counts.get("departments", 0),
        people=counts.get("people", 0),
        assets=counts.get("assets", 0),
        handling_practices=counts.get("handling", 0),
        risks=counts.get("risks", 0),
        treatment_actions=counts.get("treatment actions", 0),
        soa_entries=counts.get("soa", 0),
        evidence=counts.get("evidence", 0),
        reviews=counts.get("reviews", 0),
        seconds=round(time.perf_counter() - started, 3),
    )
