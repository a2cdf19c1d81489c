"""Read side of the smaller registers: treatment actions, the SoA, data handling, evidence,
reviews and the change log.

Each list follows ``queries``: ``*_ids`` gives the ordered ids for a department, a search and a
sort (all done in SQL), ``*_rows`` builds rows only for the ids being shown, and ``*_SORT`` maps
sort keys to SQL expressions. ``totals`` counts every list for a department (status bars and
"3 of 70 match" summaries).

Department filters, in one place:
- treatment actions follow their risk's department; data handling its asset's department (and
  practices of retired assets are left out, as the asset table leaves those assets out);
- evidence of a department includes the council-wide evidence (no department);
- a review's department is in its scope, and an empty scope is the whole council;
- the change log shows, for a department, changes to its assets, risks, treatment actions,
  handling practices, SoA entries, evidence and the department itself. Register-wide events and
  records deleted since cannot be traced to a department and show only for the whole council.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    Select,
    String,
    and_,
    case,
    cast,
    distinct,
    exists,
    func,
    or_,
    select,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from isms.model import (
    ActionStatus,
    AgendaItem,
    Applicability,
    Asset,
    AssetStatus,
    ChangeAction,
    ChangeLogEntry,
    Control,
    ControlEdition,
    Department,
    Evidence,
    HandlingPractice,
    HandlingStage,
    ImplementationStatus,
    InclusionReason,
    Person,
    ReviewDecision,
    ReviewMeeting,
    Risk,
    SoaEntry,
    TreatmentAction,
)
from isms.model.evidence import evidence_control
from isms.model.review import review_scope
from isms.services.read.queries import _order
from isms.services.read.search import like_any


def _search(search: str | None, *columns: Any) -> list[ColumnElement[bool]]:
    term = (search or "").strip()
    return [like_any(term, *columns)] if term else []


def _ids(query: Select[Any], sort: dict[str, Any], order_by: str, descending: bool,
         tiebreak: Any, session: Session) -> list[int]:
    return list(session.execute(query.order_by(*_order(sort, order_by, descending, tiebreak)))
                .scalars())


def _count(session: Session, query: Select[Any]) -> int:
    return int(session.execute(select(func.count()).select_from(query.subquery())).scalar_one())


def _in_order(rows: Iterable[Any], ids: Sequence[int]) -> list[Any]:
    by_id = {row.id: row for row in rows}
    return [by_id[i] for i in ids if i in by_id]


# --- treatment actions ----------------------------------------------------------------------

#: Action statuses still to be done (as the dashboard's overdue list).
OPEN_ACTION = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


@dataclass(frozen=True)
class ActionRow:
    id: int
    risk_ref: str
    title: str
    owner: str | None
    due_date: date | None
    status: str
    overdue: bool


_action_owner = aliased(Person)
ACTION_SORT: dict[str, Any] = {
    "risk_ref": Risk.ref,
    "title": TreatmentAction.title,
    "owner": _action_owner.name,
    "due_date": TreatmentAction.due_date,
    "status": TreatmentAction.status,
}


def _action_select(department: int | None, search: str | None, *columns: Any) -> Select[Any]:
    query = (
        select(*columns)
        .join(Risk, TreatmentAction.risk_id == Risk.id)
        .outerjoin(_action_owner, TreatmentAction.owner_id == _action_owner.id)
    )
    if department is not None:
        query = query.where(Risk.department_id == department)
    return query.where(*_search(search, Risk.ref, TreatmentAction.title, _action_owner.name))


def action_ids(
    session: Session, *, department: int | None = None, search: str | None = None,
    order_by: str = "due_date", descending: bool = False,
) -> list[int]:
    query = _action_select(department, search, TreatmentAction.id)
    return _ids(query, ACTION_SORT, order_by, descending, TreatmentAction.id, session)


def action_rows(session: Session, ids: Sequence[int], today: date | None = None) -> list[ActionRow]:
    """Rows for ``ids``; an open or in-progress action due before ``today`` is overdue."""
    if not ids:
        return []
    today = today or date.today()
    query = _action_select(
        None, None, TreatmentAction.id, Risk.ref, TreatmentAction.title, _action_owner.name,
        TreatmentAction.due_date, TreatmentAction.status,
    ).where(TreatmentAction.id.in_(list(ids)))
    rows = (
        ActionRow(r[0], r[1], r[2], r[3], r[4], str(r[5]),
                  r[5] in OPEN_ACTION and r[4] is not None and r[4] < today)
        for r in session.execute(query)
    )
    return _in_order(rows, ids)


# --- controls and the SoA -------------------------------------------------------------------

#: Council-wide applicability: the strongest claim of any in-scope department wins.
_APPLICABILITY_RANK = (Applicability.APPLICABLE, Applicability.THIRD_PARTY, Applicability.EXCLUDED)
#: Weakest first: the council-wide status is the weakest of the departments that apply it.
_STATUS_RANK = (
    ImplementationStatus.NOT_IMPLEMENTED, ImplementationStatus.PLANNED,
    ImplementationStatus.PARTIAL, ImplementationStatus.IMPLEMENTED,
)


def _rank(column: Any, values: Sequence[Any]) -> Any:
    return case(*((column == value, n) for n, value in enumerate(values)), else_=None)


@dataclass(frozen=True)
class ControlRow:
    """One Annex A 2022 control in the SoA of a department, or council-wide.

    Council-wide (``department`` None), over the in-scope departments' entries:
    ``applicability`` is "applicable" if any department applies it, else "provided by a third
    party" if any has it so provided, else "excluded"; ``status`` is the weakest implementation
    status among the departments that do not exclude it; ``reasons`` are all their reasons;
    ``owner`` is the one owner they share, or "N owners". Blank when no department decided yet.
    """

    id: int
    ref: str
    title: str
    applicability: str | None
    reasons: str
    status: str | None
    owner: str | None
    evidence: int


_soa_owner = aliased(Person)
_council = (
    select(
        SoaEntry.control_id.label("control_id"),
        func.min(_rank(SoaEntry.applicability, _APPLICABILITY_RANK)).label("applicability"),
        func.min(case(
            (SoaEntry.applicability != Applicability.EXCLUDED,
             _rank(SoaEntry.implementation_status, _STATUS_RANK)),
            else_=None,
        )).label("status"),
        func.count(distinct(SoaEntry.owner_id)).label("owners"),
        func.min(SoaEntry.owner_id).label("owner_id"),
    )
    .join(Department, SoaEntry.department_id == Department.id)
    .where(Department.in_scope.is_(True))
    .group_by(SoaEntry.control_id)
    .subquery("council_soa")
)
_council_owner = aliased(Person)
#: Sort keys of the SoA table (the evidence count depends on the department: ``control_sort``).
CONTROL_SORT_KEYS = ("ref", "title", "applicability", "status", "owner", "evidence")


def _evidence_count(department: int | None) -> Any:
    """SQL: evidence linked to the control (of the department, or council-wide evidence)."""
    query = (
        select(func.count())
        .select_from(evidence_control)
        .join(Evidence, evidence_control.c.evidence_id == Evidence.id)
        .where(evidence_control.c.control_id == Control.id)
    )
    if department is not None:
        query = query.where(or_(Evidence.department_id == department,
                                Evidence.department_id.is_(None)))
    return query.correlate(Control).scalar_subquery()


def control_sort(department: int | None) -> dict[str, Any]:
    """Sort keys -> SQL for the SoA of ``department`` (None: council-wide)."""
    if department is None:
        applicability, status, owner = (_council.c.applicability, _council.c.status,
                                        _council_owner.name)
    else:
        applicability = _rank(SoaEntry.applicability, _APPLICABILITY_RANK)
        status = _rank(SoaEntry.implementation_status, _STATUS_RANK)
        owner = _soa_owner.name
    return {
        "ref": Control.sort_key, "title": Control.title, "applicability": applicability,
        "status": status, "owner": owner, "evidence": _evidence_count(department),
    }


def _control_select(department: int | None, search: str | None, *columns: Any) -> Select[Any]:
    # The SoA's controls: Annex A 2022, then the council's local ones in use (their refs sort
    # after; a retired local control stays in the register, off the SoA).
    query = select(*columns).where(
        Control.edition.in_((ControlEdition.ISO27001_2022, ControlEdition.LOCAL)),
        Control.retired_at.is_(None))
    if department is None:
        query = query.outerjoin(_council, _council.c.control_id == Control.id).outerjoin(
            _council_owner, and_(_council.c.owners == 1, _council_owner.id == _council.c.owner_id))
    else:
        query = query.outerjoin(
            SoaEntry, and_(SoaEntry.control_id == Control.id, SoaEntry.department_id == department)
        ).outerjoin(_soa_owner, SoaEntry.owner_id == _soa_owner.id)
    return query.where(*_search(search, Control.ref, Control.title))


def control_ids(
    session: Session, *, department: int | None = None, search: str | None = None,
    order_by: str = "ref", descending: bool = False,
) -> list[int]:
    """Annex A 2022 controls and local ones, in natural clause order by default (8.3 before
    8.12)."""
    query = _control_select(department, search, Control.id)
    return _ids(query, control_sort(department), order_by, descending, Control.sort_key, session)


def _reasons(values: Iterable[str]) -> str:
    order = {reason.value: n for n, reason in enumerate(InclusionReason)}
    return ", ".join(sorted(set(values), key=lambda r: (order.get(r, len(order)), r)))


def control_rows(
    session: Session, ids: Sequence[int], department: int | None = None
) -> list[ControlRow]:
    if not ids:
        return []
    wanted = Control.id.in_(list(ids))
    evidence = _evidence_count(department)
    rows: list[ControlRow] = []
    if department is not None:
        query = _control_select(
            department, None, Control.id, Control.ref, Control.title, SoaEntry.applicability,
            SoaEntry.reasons, SoaEntry.implementation_status, _soa_owner.name, evidence,
        ).where(wanted)
        rows = [ControlRow(r[0], r[1], r[2], _text(r[3]), _reasons(r[4] or ()), _text(r[5]),
                           r[6], r[7]) for r in session.execute(query)]
        return _in_order(rows, ids)
    reasons: dict[int, list[str]] = {}
    entries = (
        select(SoaEntry.control_id, SoaEntry.reasons)
        .join(Department, SoaEntry.department_id == Department.id)
        .where(Department.in_scope.is_(True), SoaEntry.control_id.in_(list(ids)),
               SoaEntry.applicability != Applicability.EXCLUDED)
    )
    for control_id, found in session.execute(entries):
        reasons.setdefault(control_id, []).extend(found or ())
    query = _control_select(
        None, None, Control.id, Control.ref, Control.title, _council.c.applicability,
        _council.c.status, _council.c.owners, _council_owner.name, evidence,
    ).where(wanted)
    for r in session.execute(query):
        owners = r[5] or 0
        owner = r[6] if owners == 1 else (f"{owners} owners" if owners > 1 else None)
        rows.append(ControlRow(
            r[0], r[1], r[2], _pick(_APPLICABILITY_RANK, r[3]), _reasons(reasons.get(r[0], ())),
            _pick(_STATUS_RANK, r[4]), owner, r[7],
        ))
    return _in_order(rows, ids)


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _pick(values: Sequence[Any], rank: int | None) -> str | None:
    return None if rank is None else str(values[rank])


# --- data handling --------------------------------------------------------------------------


@dataclass(frozen=True)
class HandlingRow:
    id: int
    asset_ref: str
    asset_name: str
    stage: str
    channel: str | None
    safeguards: str
    third_party: str
    agreement: bool | None
    retention_months: int | None
    #: When the practice was retired (listed only when asked for); None while in use.
    retired_at: datetime | None = None


HANDLING_SORT: dict[str, Any] = {
    "asset_ref": Asset.ref,
    "asset_name": Asset.name,
    # An asset's life in order (collected ... disposed), not alphabetically.
    "stage": _rank(HandlingPractice.stage, tuple(HandlingStage)),
    "channel": HandlingPractice.channel,
    "third_party": HandlingPractice.third_party,
    "agreement": HandlingPractice.has_agreement,
    "retention_months": HandlingPractice.retention_months,
}


def _handling_select(
    department: int | None, search: str | None, *columns: Any, include_retired: bool = False
) -> Select[Any]:
    # Practices of live assets; retired practices only when asked for.
    query = (
        select(*columns)
        .join(Asset, HandlingPractice.asset_id == Asset.id)
        .where(Asset.status != AssetStatus.RETIRED)
    )
    if not include_retired:
        query = query.where(HandlingPractice.retired_at.is_(None))
    if department is not None:
        query = query.where(Asset.department_id == department)
    return query.where(*_search(search, Asset.ref, Asset.name, HandlingPractice.third_party))


def handling_ids(
    session: Session, *, department: int | None = None, search: str | None = None,
    order_by: str = "asset_ref", descending: bool = False, include_retired: bool = False,
) -> list[int]:
    query = _handling_select(department, search, HandlingPractice.id,
                             include_retired=include_retired)
    # Within an asset, its practices stay in life-cycle order.
    tiebreak = HANDLING_SORT["stage"] * 1_000_000 + HandlingPractice.id
    return _ids(query, HANDLING_SORT, order_by, descending, tiebreak, session)


def handling_rows(session: Session, ids: Sequence[int]) -> list[HandlingRow]:
    if not ids:
        return []
    query = _handling_select(
        None, None, HandlingPractice.id, Asset.ref, Asset.name, HandlingPractice.stage,
        HandlingPractice.channel, HandlingPractice.safeguards, HandlingPractice.third_party,
        HandlingPractice.has_agreement, HandlingPractice.retention_months,
        HandlingPractice.retired_at, include_retired=True,  # the ids say which
    ).where(HandlingPractice.id.in_(list(ids)))
    rows = (
        HandlingRow(r[0], r[1], r[2], str(r[3]), _text(r[4]), ", ".join(r[5] or ()), r[6],
                    r[7], r[8], r[9])
        for r in session.execute(query)
    )
    return _in_order(rows, ids)


# --- evidence -------------------------------------------------------------------------------


@dataclass(frozen=True)
class EvidenceRow:
    id: int
    ref: str
    title: str
    kind: str
    evidence_date: date
    valid_until: date | None
    stale: bool
    controls: int


_linked_controls = (
    select(func.count())
    .select_from(evidence_control)
    .where(evidence_control.c.evidence_id == Evidence.id)
    .correlate(Evidence)
    .scalar_subquery()
)
class day_number(FunctionElement[float]):  # noqa: N801 - reads as the SQL function it is
    """A date as a number of days, for sorting by a date plus a number of days.

    Each database has its own day arithmetic: SQLite stores dates as text and counts with
    julianday(); PostgreSQL subtracts dates. Only differences and order matter here."""

    type = Float()
    name = "day_number"
    inherit_cache = True


@compiles(day_number)
def _day_number_sqlite(element: day_number, compiler: SQLCompiler, **kw: Any) -> str:
    return f"julianday({compiler.process(element.clauses, **kw)})"


@compiles(day_number, "postgresql")
def _day_number_postgresql(element: day_number, compiler: SQLCompiler, **kw: Any) -> str:
    return f"(({compiler.process(element.clauses, **kw)}) - DATE '2000-01-01')"


EVIDENCE_SORT: dict[str, Any] = {
    "ref": Evidence.ref,
    "title": Evidence.title,
    "kind": Evidence.kind,
    "evidence_date": Evidence.evidence_date,
    # Evidence without a validity period (NULL) sorts first.
    "valid_until": day_number(Evidence.evidence_date) + Evidence.valid_days,
    "controls": _linked_controls,
}


def _evidence_select(department: int | None, search: str | None, *columns: Any) -> Select[Any]:
    query = select(*columns).select_from(Evidence)
    if department is not None:
        query = query.where(or_(Evidence.department_id == department,
                                Evidence.department_id.is_(None)))
    return query.where(*_search(search, Evidence.ref, Evidence.title, Evidence.description))


def evidence_ids(
    session: Session, *, department: int | None = None, search: str | None = None,
    order_by: str = "ref", descending: bool = False,
) -> list[int]:
    query = _evidence_select(department, search, Evidence.id)
    return _ids(query, EVIDENCE_SORT, order_by, descending, Evidence.id, session)


def evidence_rows(
    session: Session, ids: Sequence[int], today: date | None = None
) -> list[EvidenceRow]:
    """Rows for ``ids``; evidence is stale once its validity ran out before ``today``."""
    if not ids:
        return []
    today = today or date.today()
    query = _evidence_select(
        None, None, Evidence.id, Evidence.ref, Evidence.title, Evidence.kind,
        Evidence.evidence_date, Evidence.valid_days, _linked_controls,
    ).where(Evidence.id.in_(list(ids)))
    rows = []
    for r in session.execute(query):
        until = r[4] + timedelta(days=r[5]) if r[5] is not None else None
        rows.append(EvidenceRow(r[0], r[1], r[2], str(r[3]), r[4], until,
                                until is not None and until < today, r[6]))
    return _in_order(rows, ids)


# --- reviews --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewRow:
    id: int
    ref: str
    meeting_date: date
    title: str
    status: str
    chair: str | None
    items: int
    decided: int


_chair = aliased(Person)
_items = (
    select(func.count()).select_from(AgendaItem)
    .where(AgendaItem.meeting_id == ReviewMeeting.id).correlate(ReviewMeeting).scalar_subquery()
)
_decided = (
    select(func.count()).select_from(ReviewDecision)
    .join(AgendaItem, ReviewDecision.agenda_item_id == AgendaItem.id)
    .where(AgendaItem.meeting_id == ReviewMeeting.id).correlate(ReviewMeeting).scalar_subquery()
)
REVIEW_SORT: dict[str, Any] = {
    "ref": ReviewMeeting.ref,
    "meeting_date": ReviewMeeting.meeting_date,
    "title": ReviewMeeting.title,
    "status": ReviewMeeting.status,
    "chair": _chair.name,
    "items": _items,
    "decided": _decided,
}


def _review_select(department: int | None, search: str | None, *columns: Any) -> Select[Any]:
    query = select(*columns).outerjoin(_chair, ReviewMeeting.chair_id == _chair.id)
    if department is not None:
        scoped = review_scope.c.meeting_id == ReviewMeeting.id
        query = query.where(or_(
            ~exists().where(scoped),
            exists().where(scoped, review_scope.c.department_id == department),
        ))
    return query.where(*_search(search, ReviewMeeting.ref, ReviewMeeting.title, _chair.name))


def review_ids(
    session: Session, *, department: int | None = None, search: str | None = None,
    order_by: str = "ref", descending: bool = False,
) -> list[int]:
    query = _review_select(department, search, ReviewMeeting.id)
    return _ids(query, REVIEW_SORT, order_by, descending, ReviewMeeting.id, session)


def review_rows(session: Session, ids: Sequence[int]) -> list[ReviewRow]:
    if not ids:
        return []
    query = _review_select(
        None, None, ReviewMeeting.id, ReviewMeeting.ref, ReviewMeeting.meeting_date,
        ReviewMeeting.title, ReviewMeeting.status, _chair.name, _items, _decided,
    ).where(ReviewMeeting.id.in_(list(ids)))
    rows = (ReviewRow(r[0], r[1], r[2], r[3], str(r[4]), r[5], r[6], r[7])
            for r in session.execute(query))
    return _in_order(rows, ids)


# --- change log -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ChangeRow:
    id: int
    at: datetime
    actor: str
    action: str
    label: str
    fields: str


CHANGE_SORT: dict[str, Any] = {
    "at": ChangeLogEntry.at,
    "actor": ChangeLogEntry.actor,
    "action": ChangeLogEntry.action,
    "label": ChangeLogEntry.label,
}


def _department_records(department: int) -> ColumnElement[bool]:
    """SQL: the change-log entry is about a record of ``department`` that still exists."""

    def of(table: str, query: Select[Any]) -> ColumnElement[bool]:
        return and_(ChangeLogEntry.table_name == table, ChangeLogEntry.record_id.in_(query))

    def ids(column: Any) -> Select[Any]:
        return select(cast(column, String))

    return or_(
        of("asset", ids(Asset.id).where(Asset.department_id == department)),
        of("risk", ids(Risk.id).where(Risk.department_id == department)),
        of("treatment_action", ids(TreatmentAction.id).join(Risk).where(
            Risk.department_id == department)),
        of("handling_practice", ids(HandlingPractice.id).join(Asset).where(
            Asset.department_id == department)),
        of("soa_entry", ids(SoaEntry.id).where(SoaEntry.department_id == department)),
        of("evidence", ids(Evidence.id).where(Evidence.department_id == department)),
        and_(ChangeLogEntry.table_name == "department",
             ChangeLogEntry.record_id == str(department)),
    )


def _change_select(department: int | None, search: str | None, *columns: Any) -> Select[Any]:
    query = select(*columns).select_from(ChangeLogEntry)
    if department is not None:
        query = query.where(_department_records(department))
    return query.where(*_search(search, ChangeLogEntry.label, ChangeLogEntry.actor))


def change_ids(
    session: Session, *, department: int | None = None, search: str | None = None,
    order_by: str = "at", descending: bool = True,
) -> list[int]:
    """Change-log entries, newest first by default."""
    query = _change_select(department, search, ChangeLogEntry.id)
    return _ids(query, CHANGE_SORT, order_by, descending, ChangeLogEntry.id, session)


def change_summary(action: str, changes: dict[str, Any]) -> str:
    """'owner_id, status' for an update; what an insert set or an event did, briefly."""
    # "_" keys are the log's own bookkeeping (row digests, seals: isms.db.row_form), not fields.
    changes = {k: v for k, v in changes.items() if not k.startswith("_")}
    if action == ChangeAction.UPDATE:
        return ", ".join(changes)
    if action == ChangeAction.EVENT:
        text = "; ".join(f"{key}: {value}" for key, value in changes.items())
        return text if len(text) <= 120 else text[:119] + "…"
    verb = "created" if action == ChangeAction.INSERT else "deleted"
    return f"{verb} ({len(changes)} field{'' if len(changes) == 1 else 's'})"


def change_rows(session: Session, ids: Sequence[int]) -> list[ChangeRow]:
    if not ids:
        return []
    query = select(
        ChangeLogEntry.id, ChangeLogEntry.at, ChangeLogEntry.actor, ChangeLogEntry.action,
        ChangeLogEntry.label, ChangeLogEntry.changes,
    ).where(ChangeLogEntry.id.in_(list(ids)))
    rows = (ChangeRow(r[0], r[1], r[2], str(r[3]), r[4], change_summary(str(r[3]), r[5] or {}))
            for r in session.execute(query))
    return _in_order(rows, ids)


# --- totals ---------------------------------------------------------------------------------


def totals(session: Session, *, department: int | None = None) -> dict[str, int]:
    """Rows in each list for ``department`` (None: whole council), keyed as the pages are."""
    return {
        "actions": _count(session, _action_select(department, None, TreatmentAction.id)),
        "controls": _count(session, _control_select(department, None, Control.id)),
        "handling": _count(session, _handling_select(department, None, HandlingPractice.id)),
        "evidence": _count(session, _evidence_select(department, None, Evidence.id)),
        "reviews": _count(session, _review_select(department, None, ReviewMeeting.id)),
        "changes": _count(session, _change_select(department, None, ChangeLogEntry.id)),
    }
