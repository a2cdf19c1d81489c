"""What every stage of the demo build shares: the transaction, seed, date, and bulk writes."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import islice
from typing import Any, cast

from sqlalchemy import Connection, Table, func, select
from sqlalchemy.orm import Session

from ..catalogue import annex_a_2022
from ..db.bulk import insert_dicts
from ..errors import NotFoundError
from ..method.criteria import Criteria
from ..model import (
    Base,
    ClassificationMarking,
    ClassificationScheme,
    Control,
    ControlEdition,
    RegisterSetting,
    RiskCriteria,
    Threat,
    Vulnerability,
)

#: progress(stage, done, total): called after each chunk so a CLI or window can show progress.
Progress = Callable[[str, int, int], None]

#: A model class or a bare association table.
Target = type[Base] | Table

#: Rows per INSERT batch: large enough that per-statement overhead vanishes, small enough that
#: progress moves and the parameter lists stay modest in memory.
CHUNK = 10_000


@dataclass(frozen=True)
class Reference:
    """Ids of the reference data ``init_register`` seeded, looked up once."""

    #: Markings of the current scheme by rank (1 = least sensitive).
    marking_by_rank: dict[int, int]
    control_by_ref: dict[str, int]
    threat_by_code: dict[str, int]
    vulnerability_by_code: dict[str, int]
    criteria_id: int
    criteria: Criteria

    @classmethod
    def load(cls, session: Session) -> Reference:
        setting = session.get(RegisterSetting, "criteria")
        criteria_row = session.get(RiskCriteria, setting.value["current_id"]) if setting else None
        if criteria_row is None:
            raise NotFoundError("This register has no risk criteria; initialise it first.")
        markings = session.execute(
            select(ClassificationMarking.rank, ClassificationMarking.id)
            .join(ClassificationScheme)
            .where(ClassificationScheme.is_current)
        ).all()
        controls = session.execute(
            select(Control.ref, Control.id).where(Control.edition == ControlEdition.ISO27001_2022)
        ).all()
        return cls(
            marking_by_rank={rank: mid for rank, mid in markings},
            control_by_ref={ref: cid for ref, cid in controls},
            threat_by_code={code: tid for code, tid in session.execute(
                select(Threat.code, Threat.id))},
            vulnerability_by_code={code: vid for code, vid in session.execute(
                select(Vulnerability.code, Vulnerability.id))},
            criteria_id=criteria_row.id,
            criteria=Criteria.from_definition(criteria_row.definition),
        )

    @property
    def control_refs(self) -> list[str]:
        """The 2022 controls in clause order (the catalogue's order, never dict order)."""
        return [c.ref for c in annex_a_2022() if c.ref in self.control_by_ref]


@dataclass
class Build:
    """One demo build: the open transaction plus the seed and date everything derives from."""

    session: Session
    seed: int
    today: date
    reference: Reference
    progress: Progress | None = None
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def connection(self) -> Connection:
        return self.session.connection()

    def rng(self, stage: str) -> random.Random:
        """An independent stream per stage, seeded from text (stable across runs, unlike hash()),
        so changing one stage's draws never reshuffles the others."""
        return random.Random(f"isms-demo:{self.seed}:{stage}")

    def report(self, stage: str, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(stage, done, total)

    def days_ago(self, days: int) -> date:
        return self.today - timedelta(days=days)

    def days_ahead(self, days: int) -> date:
        return self.today + timedelta(days=days)

    def review_due(self, rng: random.Random, cadence_days: int, slack: int = 45) -> date:
        """Next review after a last review somewhere in the past cadence (+ slack: a few late)."""
        last = self.days_ago(rng.randrange(0, cadence_days + slack))
        return last + timedelta(days=cadence_days)

    def next_id(self, target: Target) -> int:
        """First free id: rows get explicit ids so later stages can link to them without
        reading them back (no RETURNING round trips on 100k rows)."""
        top = func.coalesce(func.max(table_of(target).c.id), 0)
        return int(self.connection.execute(select(top)).scalar_one()) + 1

    def insert(
        self, target: Target, rows: Iterable[dict[str, Any]], *, stage: str, total: int
    ) -> int:
        """Bulk INSERT in chunks (multi-row statements), reporting progress; returns the rows
        written.

        ``total`` may be an estimate where rows are drawn as they are written: a report never
        says more done than its total, and the last one gives the true count.
        """
        done = 0
        for chunk in chunked(rows, CHUNK):
            insert_dicts(self.connection, table_of(target), chunk)
            done += len(chunk)
            self.report(stage, done, max(total, done))
        if done != total:
            self.report(stage, done, done)
        self.counts[stage] = self.counts.get(stage, 0) + done
        return done


def table_of(target: Target) -> Table:
    # Declarative classes type __table__ as a FromClause; on these models it is always a Table.
    return target if isinstance(target, Table) else cast(Table, target.__table__)


def chunked(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def at(day: date, rng: random.Random) -> datetime:
    """A UTC time in office hours on ``day``: demo timestamps follow ``today``, not the clock."""
    minutes = rng.randrange(8 * 60, 18 * 60)
    return datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=UTC)


def versioned(created: datetime, updated: datetime | None = None, **values: Any) -> dict[str, Any]:
    """A Core row for a Versioned + Timestamped table (the ORM defaults do not run for Core)."""
    return {"version": 1, "created_at": created, "updated_at": updated or created, **values}


def initial_lower(text: str) -> str:
    """A name to use mid-sentence: 'Council tax payments' -> 'council tax payments', 'E-mail
    gateway' -> 'e-mail gateway'; acronyms and proper names ('CCTV footage', 'County Hall data
    centre', 'Microsoft 365 tenancy') stay as they are."""
    first, _, rest = text.partition(" ")
    acronym = any(ch.isupper() for ch in first[1:])
    proper = rest[:1].isupper() or rest[:1].isdigit()
    if not first or acronym or proper:
        return text
    return first[0].lower() + text[1:]
