"""The asset register of the demo council, written in bulk, and the dependencies between assets."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..model import Asset, AssetStatus, AssetType, Role, asset_dependency
from ..model.asset import CIA_MAX, CIA_MIN
from .asset_templates import TEMPLATES, AssetTemplate
from .context import Build, at, versioned
from .names import AREAS, LOCATIONS, VARIANTS
from .org import Org

#: Size of the register when no size is asked for: a department-realistic council register.
DEFAULT_ASSETS = 400

#: Where each kind of asset tends to live (indexes into names.LOCATIONS).
_PLACES: dict[AssetType, tuple[int, ...]] = {
    AssetType.INFORMATION: (0, 1, 2, 3, 5, 8, 8, 9),
    AssetType.SOFTWARE: (6, 8, 9),
    AssetType.HARDWARE: (0, 1, 2, 6, 7),
    AssetType.SERVICE: (6, 9),
    AssetType.SUPPLIER: (9,),
    AssetType.SITE: (0, 1, 2, 3, 4),
    AssetType.PEOPLE: (0, 1, 2, 3),
}
_SYSTEM_KINDS = (AssetType.SOFTWARE, AssetType.HARDWARE, AssetType.SERVICE, AssetType.SITE)


@dataclass(frozen=True, slots=True)
class AssetInfo:
    """What later stages (handling, risks, reviews) need to know of an asset, kept in memory."""

    id: int
    ref: str
    name: str
    kind: AssetType
    department: str
    #: Rank of its marking in the current scheme; 0 = unmarked.
    marking_rank: int
    personal: bool
    special: bool
    cia: tuple[int, int, int]
    status: AssetStatus
    owner_id: int | None
    retention_months: int
    #: When it was registered: its handling practices were recorded with it.
    created: datetime


def split(total: int, weights: dict[str, float]) -> dict[str, int]:
    """``total`` shared out by weight, exactly (largest remainder; ties go in key order)."""
    share = sum(weights.values())
    exact = {code: total * w / share for code, w in weights.items()}
    counts = {code: int(x) for code, x in exact.items()}
    left = total - sum(counts.values())
    by_remainder = sorted(weights, key=lambda c: (-(exact[c] - counts[c]), list(weights).index(c)))
    for code in by_remainder[:left]:
        counts[code] += 1
    return counts


def asset_name(template: AssetTemplate, cycle: int) -> str:
    """Repeats of a template are told apart by area, then by area and variant."""
    if cycle == 0:
        return template.name
    area = AREAS[(cycle - 1) % len(AREAS)]
    if cycle <= len(AREAS):
        return f"{template.name} ({area})"
    variant = VARIANTS[((cycle - 1) // len(AREAS)) % len(VARIANTS)]
    return f"{template.name} ({area}, {variant})"


def _cia(template: AssetTemplate, rng: random.Random) -> tuple[int, int, int]:
    """Owners rate the same kind of asset a little differently: nudge one rating now and then."""
    ratings = list(template.cia)
    if rng.random() < 0.3:
        k = rng.randrange(3)
        ratings[k] = min(CIA_MAX, max(CIA_MIN, ratings[k] + rng.choice((-1, 1))))
    return ratings[0], ratings[1], ratings[2]


def _description(template: AssetTemplate, department: str) -> str:
    data = ("Holds special-category personal data." if template.special
            else "Holds personal data." if template.personal else "")
    return f"{template.kind.value.capitalize()} asset of {department}. {data}".strip()


class _AssetWriter:
    """Turns templates into asset rows for one build, remembering an AssetInfo per row."""

    def __init__(self, build: Build, org: Org) -> None:
        self.build = build
        self.org = org
        self.rng = build.rng("assets")
        self.infos: list[AssetInfo] = []
        # Custodians of systems sit in IT; of information, in the department itself.
        self.it_custodians = org.with_role(Role.CONTROL_OWNER, "ITS")

    def rows(self, counts: dict[str, int], first_id: int) -> Iterator[dict[str, Any]]:
        next_id = first_id
        for code, count in counts.items():
            templates = list(TEMPLATES[code])
            self.rng.shuffle(templates)
            owners = self.org.with_role(Role.INFORMATION_ASSET_OWNER, code)
            staff = self.org.staff(code)
            name = self.org.specs[code].name
            for n in range(count):
                template = templates[n % len(templates)]
                yield self._row(next_id, f"{code}-{n + 1:04d}", code, name,
                                asset_name(template, n // len(templates)), template, owners, staff)
                next_id += 1

    def _row(self, asset_id: int, ref: str, code: str, department: str, name: str,
             template: AssetTemplate, owners: list[int], staff: list[int]) -> dict[str, Any]:
        rng, build = self.rng, self.build
        age = int(rng.triangular(0, 1000, 700))  # most assets were registered a while ago
        status = AssetStatus.ACTIVE
        if age < 90 and rng.random() < 0.5:
            status = AssetStatus.PENDING_VERIFICATION  # recently imported, owner not yet confirmed
        elif age > 180 and rng.random() < 0.03:
            status = AssetStatus.RETIRED
        # Real gaps the SMG must chase: a few assets without an owner or a marking.
        owner = rng.choice(owners) if owners and rng.random() > 0.03 else None
        custodians = self.it_custodians if template.kind in _SYSTEM_KINDS else staff
        custodian = rng.choice(custodians) if rng.random() > 0.1 else None
        unmarked = rng.random() < (0.05 if template.kind is AssetType.INFORMATION else 0.03)
        rank = 0 if unmarked else (2 if template.sensitive else 1)
        cia = _cia(template, rng)
        created = at(build.days_ago(age), rng)
        touched = rng.randrange(0, age + 1)
        updated = at(build.days_ago(touched), rng) if touched < age else created
        next_review = None
        if status is AssetStatus.ACTIVE:
            next_review = build.days_ahead(rng.randrange(-75, 366))  # ~1 in 6 attestations late
        elif status is AssetStatus.PENDING_VERIFICATION:
            next_review = build.days_ahead(rng.randrange(0, 31))
        self.infos.append(AssetInfo(
            asset_id, ref, name, template.kind, code, rank, template.personal, template.special,
            cia, status, owner, template.retention_months, created,
        ))
        return versioned(
            created, updated,
            id=asset_id, ref=ref, name=name, asset_type=template.kind,
            description=_description(template, department),
            department_id=self.org.department_id[code], owner_id=owner, custodian_id=custodian,
            location=LOCATIONS[rng.choice(_PLACES[template.kind])],
            marking_id=build.reference.marking_by_rank.get(rank),
            confidentiality=cia[0], integrity=cia[1], availability=cia[2],
            personal_data=template.personal, special_category=template.special,
            status=status,
            retired_at=updated if status is AssetStatus.RETIRED else None,
            next_review=next_review, import_batch_id=None,
        )


def build_assets(build: Build, org: Org, total: int) -> list[AssetInfo]:
    weights = {code: org.specs[code].weight for code in TEMPLATES}
    writer = _AssetWriter(build, org)
    rows = writer.rows(split(total, weights), build.next_id(Asset))
    build.insert(Asset, rows, stage="assets", total=total)
    build_dependencies(build, writer.infos)
    return writer.infos


def build_dependencies(build: Build, infos: list[AssetInfo]) -> None:
    """Information rests on its department's systems, systems on IT's kit, services on suppliers."""
    rng = build.rng("dependencies")
    by_kind: dict[tuple[str, AssetType], list[int]] = {}
    for a in infos:
        if a.status is not AssetStatus.RETIRED:
            by_kind.setdefault((a.department, a.kind), []).append(a.id)

    def pick(department: str, kind: AssetType) -> int | None:
        pool = by_kind.get((department, kind)) or by_kind.get(("ITS", kind))
        return rng.choice(pool) if pool else None

    # What each kind depends on, and how often the register records it.
    needs = {
        AssetType.INFORMATION: ((AssetType.SOFTWARE, 0.6),),
        AssetType.SOFTWARE: ((AssetType.HARDWARE, 0.7), (AssetType.SERVICE, 0.3)),
        AssetType.SERVICE: ((AssetType.SUPPLIER, 0.5),),
        AssetType.HARDWARE: ((AssetType.SITE, 0.4),),
    }
    pairs: set[tuple[int, int]] = set()
    rows: list[dict[str, Any]] = []
    for a in infos:
        for kind, chance in needs.get(a.kind, ()):
            if rng.random() < chance:
                target = pick(a.department, kind)
                if target is not None and target != a.id and (a.id, target) not in pairs:
                    pairs.add((a.id, target))
                    rows.append({"asset_id": a.id, "depends_on_id": target})
    build.insert(asset_dependency, rows, stage="dependencies", total=len(rows))

