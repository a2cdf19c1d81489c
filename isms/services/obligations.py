"""The obligations register (ISO/IEC 27001 A.5.31; 4.2 c): the laws, regulations, contracts,
standards, agreements and codes of practice the council must meet, who owns each, what it
requires, the controls (Annex A or local) that meet it and the evidence that shows it is met.

Written as the context register is (:mod:`isms.services.context`, whose value checks it
shares): every write is one call and one transaction (it commits), checks its values first (a
ValidationError names the field) and returns :class:`Changed`. Values come as a mapping of
field -> value; a person is named by name or e-mail, a department by code or name (blank:
council-wide), controls by reference ("5.34", "PSN-3"), evidence by reference ("EV-012").
Obligations are retired, never deleted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..db import commit
from ..errors import ValidationError
from ..model import Evidence
from ..model.obligation import Obligation, ObligationKind, ObligationStatus
from .changed import Changed
from .record_values import (
    by_ref,
    controls_in_use,
    dated,
    department_id,
    next_ref,
    person_id,
    refuse_unknown,
)

KINDS = tuple(kind.value for kind in ObligationKind)
FIELDS = frozenset({"title", "kind", "source", "requirement", "owner", "department",
                    "review_date", "controls", "evidence"})
_LONGEST = {"title": 300, "source": 300}


def obligation_by_ref(session: Session, ref: str) -> Obligation:
    return by_ref(session, Obligation, ref, "obligation", "isms obligations list")


def _text(values: Mapping[str, Any], field: str, *, required: bool) -> str:
    text = str(values.get(field) or "").strip()
    if required and not text:
        raise ValidationError(f"An obligation needs its {field}.", field=field)
    longest = _LONGEST.get(field)
    if longest is not None and len(text) > longest:
        raise ValidationError(f"The {field} is longer than {longest} characters.", field=field)
    return text


def _kind(value: Any) -> ObligationKind:
    try:
        return ObligationKind(str(value or "").strip().lower().replace("-", " "))
    except ValueError:
        raise ValidationError(f"'{value}' is not a kind of obligation: give one of "
                              f"{', '.join(KINDS)}.", field="kind") from None


def _evidence(session: Session, refs: Iterable[str]) -> list[Evidence]:
    found: list[Evidence] = []
    for ref in refs:
        row = session.execute(select(Evidence).where(
            func.upper(Evidence.ref) == str(ref).strip().upper())).scalar_one_or_none()
        if row is None:
            raise ValidationError(f"No evidence '{ref}' in this register (see `isms evidence "
                                  "list`).", field="evidence")
        if row not in found:
            found.append(row)
    return found


def _set(session: Session, obligation: Obligation, values: Mapping[str, Any]) -> None:
    refuse_unknown(values, FIELDS, "An obligation")
    if "title" in values:
        obligation.title = _text(values, "title", required=True)
    if "kind" in values:
        obligation.kind = _kind(values["kind"])
    if "source" in values:
        obligation.source = _text(values, "source", required=False)
    if "requirement" in values:
        obligation.requirement = _text(values, "requirement", required=False)
    if "owner" in values:
        obligation.owner_id = person_id(session, values["owner"], "owner")
    if "department" in values:
        obligation.department_id = department_id(session, values["department"])
    if "review_date" in values:
        obligation.review_date = dated(values["review_date"], "review_date",
                                       "the obligation's review")
    if "controls" in values:
        obligation.controls = controls_in_use(session, values["controls"] or ())
    if "evidence" in values:
        obligation.evidence = _evidence(session, values["evidence"] or ())


def add_obligation(session: Session, values: Mapping[str, Any]) -> Changed:
    """A new obligation (OB-001, OB-002 ...): title and kind required."""
    for field in ("title", "kind"):
        if not str(values.get(field) or "").strip():
            raise ValidationError(f"An obligation needs its {field}.", field=field)
    obligation = Obligation(ref=next_ref(session, Obligation.ref, "OB"), source="",
                            requirement="", status=ObligationStatus.CURRENT)
    _set(session, obligation, values)
    session.add(obligation)
    session.flush()
    changed = Changed.of(Obligation, [obligation.id])
    commit(session)
    return changed


def _current(obligation: Obligation) -> None:
    if obligation.status == ObligationStatus.RETIRED:
        raise ValidationError(f"Obligation {obligation.ref} is retired and can no longer be "
                              "changed.", field="status")


def update_obligation(session: Session, obligation: Obligation,
                      values: Mapping[str, Any]) -> Changed:
    """Change the fields given; ``controls`` and ``evidence`` replace the links."""
    _current(obligation)
    _set(session, obligation, values)
    commit(session)
    return Changed.of(Obligation, [obligation.id])


def retire_obligation(session: Session, obligation: Obligation) -> Changed:
    """An obligation that no longer applies (repealed, contract ended): kept, off the lists."""
    _current(obligation)
    obligation.status = ObligationStatus.RETIRED
    commit(session)
    return Changed.of(Obligation, [obligation.id])


def obligations(session: Session, *, department: int | None = None, kind: str | None = None,
                include_retired: bool = False) -> list[Obligation]:
    """Obligations by reference; ``department`` gives that department's and the council-wide
    ones."""
    query = select(Obligation).order_by(Obligation.ref)
    if department is not None:
        query = query.where((Obligation.department_id == department)
                            | Obligation.department_id.is_(None))
    if kind:
        query = query.where(Obligation.kind == _kind(kind))
    if not include_retired:
        query = query.where(Obligation.status == ObligationStatus.CURRENT)
    return list(session.execute(query).scalars())


@dataclass(frozen=True)
class Finding:
    """Something an obligation lacks: ``ref`` names it ("" for the register)."""

    ref: str
    text: str


def check(session: Session, today: date | None = None) -> list[Finding]:
    """What an auditor asks of A.5.31 first: no obligation recorded; an obligation no control
    meets, with no evidence it is met, or past its review."""
    today = today or date.today()
    held = obligations(session)
    if not held:
        return [Finding("", "No legal, regulatory or contractual obligation recorded (A.5.31): "
                            "add them with `isms obligations add`.")]
    found: list[Finding] = []
    for obligation in held:
        if not obligation.controls:
            found.append(Finding(obligation.ref, f"'{obligation.title}' is met by no control."))
        if not obligation.evidence:
            found.append(Finding(obligation.ref, f"'{obligation.title}' has no evidence that "
                                                 "it is met."))
        if obligation.review_date is None:
            found.append(Finding(obligation.ref, f"'{obligation.title}' has no review date."))
        elif obligation.review_date < today:
            found.append(Finding(obligation.ref, f"Review of '{obligation.title}' was due on "
                                                 f"{obligation.review_date.isoformat()}."))
    return found


def record_id(changed: Changed) -> int:
    """The obligation a write above touched (what the CLI shows next)."""
    return min(changed.ids[str(Obligation.__tablename__)])


# --- what the management review reads (9.3.2 b) -------------------------------------------------


def obligations_reading(session: Session, since: datetime | None, scope: list[int],
                        as_of: date) -> str:
    """Input b's obligations part (legal and regulatory requirements are external issues,
    4.1 and 4.2 c): what stands by kind, the gaps (no control, no evidence), reviews overdue and
    what changed ``since`` the last review (None: there was none); "" while none is held."""
    query = select(Obligation).order_by(Obligation.ref)
    if scope:
        query = query.where(Obligation.department_id.in_(scope)
                            | Obligation.department_id.is_(None))
    every = list(session.execute(query).scalars())
    if not every:
        return ""
    current = [o for o in every if o.status == ObligationStatus.CURRENT]
    kinds = Counter(str(o.kind) for o in current)
    parts = [f"{len(current)} current obligations ("
             + ", ".join(f"{kinds[k]} {k}" for k in KINDS if kinds[k]) + ")"
             if current else "no current obligation"]
    for words, refs in (
            ("met by no control", [o.ref for o in current if not o.controls]),
            ("with no evidence", [o.ref for o in current if not o.evidence]),
            ("review overdue", [o.ref for o in current
                                if o.review_date is not None and o.review_date < as_of])):
        if refs:
            parts.append(f"{words}: {', '.join(refs)}")
    if since is not None:
        for verb, rows in (("added", [o for o in every if o.created_at >= since]),
                           ("changed", [o for o in every
                                        if o.created_at < since <= o.updated_at])):
            if rows:
                parts.append(f"{verb} since the last review: " + ", ".join(
                    f"{o.ref} ({o.title}" + (", retired" if o.status == ObligationStatus.RETIRED
                                             else "") + ")" for o in rows))
    return "; ".join(parts)
