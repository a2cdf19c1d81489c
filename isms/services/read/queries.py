"""Read side of the registers, shared by the CLI lists and the window's tables.

Large tables are read "ids first, rows on demand": one query returns the ordered ids for a filter
and sort (done in SQL), and rows are built only for the ids being shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, func, literal_column, or_, select
from sqlalchemy.orm import Session, aliased

from isms.errors import NotFoundError, ValidationError
from isms.method.criteria import Criteria
from isms.model import (
    Asset,
    AssetStatus,
    ChangeLogEntry,
    ClassificationMarking,
    Control,
    ControlEdition,
    Department,
    Person,
    RegisterSetting,
    Risk,
    RiskCriteria,
    RiskStatus,
)
from isms.services.read.search import condition as search_condition


def current_criteria_id(session: Session) -> int:
    setting = session.get(RegisterSetting, "criteria")
    if setting is None:
        raise NotFoundError("This register has no risk criteria; it was not initialised.")
    return int(setting.value["current_id"])


def current_criteria_row(session: Session) -> RiskCriteria:
    row = session.get(RiskCriteria, current_criteria_id(session))
    if row is None:
        raise NotFoundError("The register's current risk criteria are missing.")
    return row


def current_criteria(session: Session) -> Criteria:
    return Criteria.from_definition(current_criteria_row(session).definition)


def register_name(session: Session) -> str:
    """The name the register was given at ``isms init`` (shown in titles and document headers)."""
    setting = session.get(RegisterSetting, "register")
    return str(setting.value.get("name") or "Register") if setting else "Register"


def departments(session: Session) -> list[Department]:
    """Every department, by name (pickers, templates)."""
    return list(session.execute(select(Department).order_by(Department.name)).scalars())


def department_id(session: Session, code_or_name: str) -> int:
    """The id of a department given by code ("ENV") or name, case-insensitively."""
    wanted = code_or_name.strip().lower()
    found = session.execute(
        select(Department.id).where(
            or_(func.lower(Department.code) == wanted, func.lower(Department.name) == wanted)
        )
    ).scalar()
    if found is None:
        raise NotFoundError(f"No department '{code_or_name}' in this register.")
    return found


# --- assets ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class AssetRow:
    id: int
    ref: str
    name: str
    asset_type: str
    department: str
    owner: str | None
    marking: str | None
    confidentiality: int | None
    integrity: int | None
    availability: int | None
    personal_data: bool
    status: str
    next_review: date | None

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["next_review"] = self.next_review.isoformat() if self.next_review else None
        return data


_owner = aliased(Person)
#: Sortable columns of the asset table: name -> SQL expression.
ASSET_SORT: dict[str, Any] = {
    "ref": Asset.ref,
    "name": Asset.name,
    "asset_type": Asset.asset_type,
    "department": Department.code,
    "owner": _owner.name,
    "marking": ClassificationMarking.rank,
    "confidentiality": Asset.confidentiality,
    "integrity": Asset.integrity,
    "availability": Asset.availability,
    "personal_data": Asset.personal_data,
    "status": Asset.status,
    "next_review": Asset.next_review,
}


def _asset_select(*columns: Any) -> Select[Any]:
    return (
        select(*columns)
        .join(Department, Asset.department_id == Department.id)
        .outerjoin(_owner, Asset.owner_id == _owner.id)
        .outerjoin(ClassificationMarking, Asset.marking_id == ClassificationMarking.id)
    )


def _asset_id_select(order_by: str, search: str | None) -> Select[Any]:
    """The ids query with only the joins its sort or search needs.

    Sorting 100,000 ids on an asset column then reads nothing but a (partial) index: the joins
    would make SQLite visit every asset row (PERFORMANCE: sort <= 200 ms).
    """
    query = select(Asset.id)
    if order_by == "department":
        query = query.join(Department, Asset.department_id == Department.id)
    if order_by == "owner" or search:
        query = query.outerjoin(_owner, Asset.owner_id == _owner.id)
    if order_by == "marking":
        query = query.outerjoin(ClassificationMarking, Asset.marking_id == ClassificationMarking.id)
    return query


#: "Not retired", written as a literal so SQLite can use the partial indexes declared with the
#: same condition (a bound parameter would hide the value from the query planner).
LIVE_ASSET = literal_column("asset.status") != literal_column("'retired'")
#: The same condition hidden from those indexes (SQLite's unary "+" opts a term out of index
#: use). Sorting on a column they don't cover, SQLite would otherwise walk a partial index and
#: fetch each asset row in index order: ~200 ms of random reads on 100k assets, against ~60 ms
#: for one scan of the table and a sort in memory.
LIVE_ASSET_SCAN = literal_column("+asset.status") != literal_column("'retired'")
#: Sorts that one of the live partial indexes (migration 0005) or the unique ref index serves.
_INDEXED_SORTS = frozenset({"ref", "name", "next_review"})


def _asset_filters(
    session: Session,
    department: int | None,
    search: str | None,
    include_retired: bool,
    order_by: str,
) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if department is not None:
        conditions.append(Asset.department_id == department)
    if not include_retired:
        # The unary "+" trick is SQLite's alone (PostgreSQL has no "+" for text); PostgreSQL's
        # planner weighs the partial indexes against a scan by itself.
        scan = order_by not in _INDEXED_SORTS and session.get_bind().dialect.name == "sqlite"
        conditions.append(LIVE_ASSET_SCAN if scan else LIVE_ASSET)
    found = search_condition(
        session,
        search,
        Asset.id,
        "asset_fts",
        Asset.ref,
        Asset.name,
        Asset.description,
        _owner.name,
    )
    if found is not None:
        conditions.append(found)
    return conditions


def _order(sort_map: dict[str, Any], order_by: str, descending: bool, tiebreak: Any) -> list[Any]:
    if order_by not in sort_map:
        raise ValidationError(
            f"Cannot sort by '{order_by}'; choose one of {', '.join(sort_map)}.", field="sort"
        )
    column = sort_map[order_by]
    # Spelled out so PostgreSQL (NULLs last ascending) sorts blanks as SQLite does by default;
    # SQLite still reads its indexes in order with its own default spelled out.
    primary = column.desc().nulls_last() if descending else column.asc().nulls_first()
    return [primary, tiebreak.desc() if descending else tiebreak.asc()]


def asset_ids(
    session: Session,
    *,
    department: int | None = None,
    search: str | None = None,
    order_by: str = "ref",
    descending: bool = False,
    include_retired: bool = False,
    limit: int | None = None,
) -> list[int]:
    query = (
        _asset_id_select(order_by, search)
        .where(*_asset_filters(session, department, search, include_retired, order_by))
        .order_by(*_order(ASSET_SORT, order_by, descending, Asset.id))
        .limit(limit)
    )
    return list(session.execute(query).scalars())


def asset_rows(session: Session, ids: Sequence[int]) -> list[AssetRow]:
    """Rows for ``ids``, in the order given (ids not found are left out)."""
    if not ids:
        return []
    query = _asset_select(
        Asset.id,
        Asset.ref,
        Asset.name,
        Asset.asset_type,
        Department.code,
        _owner.name,
        ClassificationMarking.label,
        Asset.confidentiality,
        Asset.integrity,
        Asset.availability,
        Asset.personal_data,
        Asset.status,
        Asset.next_review,
    ).where(Asset.id.in_(list(ids)))
    by_id = {}
    for r in session.execute(query):
        by_id[r[0]] = AssetRow(
            r[0],
            r[1],
            r[2],
            str(r[3]),
            r[4],
            r[5],
            r[6],
            r[7],
            r[8],
            r[9],
            bool(r[10]),
            str(r[11]),
            r[12],
        )
    return [by_id[i] for i in ids if i in by_id]


def asset_by_ref(session: Session, ref: str) -> Asset:
    asset = session.execute(
        select(Asset).where(func.lower(Asset.ref) == ref.strip().lower())
    ).scalar()
    if asset is None:
        raise NotFoundError(f"No asset '{ref}' in this register.")
    return asset


# --- risks ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RiskRow:
    id: int
    ref: str
    title: str
    department: str
    owner: str | None
    inherent_likelihood: int | None
    inherent_impact: int | None
    inherent_level: str | None
    #: Today's exposure with the controls in place: what the appetite is tested on (issue 17).
    current_likelihood: int | None
    current_impact: int | None
    current_level: str | None
    residual_likelihood: int | None
    residual_impact: int | None
    residual_level: str | None
    treatment: str | None
    status: str
    next_review: date | None

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["next_review"] = self.next_review.isoformat() if self.next_review else None
        return data


_risk_owner = aliased(Person)
RISK_SORT: dict[str, Any] = {
    "ref": Risk.ref,
    "title": Risk.title,
    "department": Department.code,
    "owner": _risk_owner.name,
    "inherent": Risk.inherent_likelihood * Risk.inherent_impact,
    "current": Risk.current_likelihood * Risk.current_impact,
    "residual": Risk.residual_likelihood * Risk.residual_impact,
    "treatment": Risk.treatment_option,
    "status": Risk.status,
    "next_review": Risk.next_review,
}


def _risk_select(*columns: Any) -> Select[Any]:
    return (
        select(*columns)
        .join(Department, Risk.department_id == Department.id)
        .outerjoin(_risk_owner, Risk.owner_id == _risk_owner.id)
    )


def risk_ids(
    session: Session,
    *,
    department: int | None = None,
    search: str | None = None,
    order_by: str = "ref",
    descending: bool = False,
    include_retired: bool = False,
    limit: int | None = None,
) -> list[int]:
    conditions: list[ColumnElement[bool]] = []
    if department is not None:
        conditions.append(Risk.department_id == department)
    if not include_retired:
        conditions.append(Risk.status != RiskStatus.RETIRED)
    found = search_condition(
        session,
        search,
        Risk.id,
        "risk_fts",
        Risk.ref,
        Risk.title,
        Risk.description,
        _risk_owner.name,
    )
    if found is not None:
        conditions.append(found)
    query = (
        _risk_select(Risk.id)
        .where(*conditions)
        .order_by(*_order(RISK_SORT, order_by, descending, Risk.id))
        .limit(limit)
    )
    return list(session.execute(query).scalars())


def risk_rows(
    session: Session, ids: Sequence[int], criteria: Criteria | None = None
) -> list[RiskRow]:
    if not ids:
        return []
    criteria = criteria or current_criteria(session)
    query = _risk_select(
        Risk.id,
        Risk.ref,
        Risk.title,
        Department.code,
        _risk_owner.name,
        Risk.inherent_likelihood,
        Risk.inherent_impact,
        Risk.current_likelihood,
        Risk.current_impact,
        Risk.residual_likelihood,
        Risk.residual_impact,
        Risk.treatment_option,
        Risk.status,
        Risk.next_review,
    ).where(Risk.id.in_(list(ids)))
    by_id = {}
    for r in session.execute(query):
        inherent = criteria.level(r[5], r[6])
        current = criteria.level(r[7], r[8])
        residual = criteria.level(r[9], r[10])
        by_id[r[0]] = RiskRow(
            r[0],
            r[1],
            r[2],
            r[3],
            r[4],
            r[5],
            r[6],
            inherent.name if inherent else None,
            r[7],
            r[8],
            current.name if current else None,
            r[9],
            r[10],
            residual.name if residual else None,
            str(r[11]) if r[11] else None,
            str(r[12]),
            r[13],
        )
    return [by_id[i] for i in ids if i in by_id]


def people(session: Session, *, active_only: bool = True) -> list[Person]:
    """People in name order, for owner pickers."""
    query = select(Person).order_by(Person.name)
    if active_only:
        query = query.where(Person.active.is_(True))
    return list(session.execute(query).scalars())


def person(session: Session, name_or_email: str) -> Person:
    """A person by full name or e-mail, case-insensitively; ambiguity is an error, not a guess."""
    wanted = name_or_email.strip().lower()
    found = list(
        session.execute(
            select(Person).where(
                # SQLite's lower() folds ASCII letters only: a Greek or Czech name written
                # exactly as stored is found by itself.
                or_(func.lower(Person.name) == wanted, func.lower(Person.email) == wanted,
                    Person.name == name_or_email.strip())
            )
        ).scalars()
    )
    if not found:
        raise NotFoundError(f"No person '{name_or_email}' in this register.")
    if len(found) > 1:
        raise ValidationError(
            f"{len(found)} people are called '{name_or_email}'; give their e-mail instead.",
            field="person",
        )
    return found[0]


def next_risk_ref(session: Session, prefix: str = "R-") -> str:
    """The next free reference in the R-0001 series."""
    refs = session.execute(select(Risk.ref).where(Risk.ref.like(f"{prefix}%"))).scalars()
    numbers = [int(r[len(prefix) :]) for r in refs if r[len(prefix) :].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:04d}"


def risk_by_ref(session: Session, ref: str) -> Risk:
    risk = session.execute(select(Risk).where(func.lower(Risk.ref) == ref.strip().lower())).scalar()
    if risk is None:
        raise NotFoundError(f"No risk '{ref}' in this register.")
    return risk


# --- controls -------------------------------------------------------------------------------


def controls(
    session: Session, edition: ControlEdition = ControlEdition.ISO27001_2022,
    *, include_retired: bool = False,
) -> list[Control]:
    """A catalogue's controls in natural clause order (5.1, 5.2 ... 8.3 ... 8.12 ... 8.34); the
    local edition's retired controls only when asked for (they stay off the SoA and the
    pick-lists)."""
    query = select(Control).where(Control.edition == edition)
    if not include_retired:
        query = query.where(Control.retired_at.is_(None))
    return list(session.execute(query.order_by(Control.sort_key)).scalars())


def control_by_ref(session: Session, ref: str, edition: ControlEdition | None = None) -> Control:
    wanted = ref.strip()
    query = select(Control).where(Control.ref == wanted)
    if edition is not None:
        query = query.where(Control.edition == edition)
    found = list(session.execute(query).scalars())
    if not found:
        raise NotFoundError(f"No control '{ref}' in this register.")
    # A bare "5.1" means the 2022 control when a local control happens to share the number.
    found.sort(key=lambda c: c.edition != ControlEdition.ISO27001_2022)
    return found[0]


def counts(session: Session, *, department: int | None = None) -> dict[str, int]:
    """Headline counts for status bars and summaries: live (not retired) assets and risks, of
    one department or the whole council, and the number of departments."""
    assets = select(func.count()).select_from(Asset).where(Asset.status != AssetStatus.RETIRED)
    risks = select(func.count()).select_from(Risk).where(Risk.status != RiskStatus.RETIRED)
    if department is not None:
        assets = assets.where(Asset.department_id == department)
        risks = risks.where(Risk.department_id == department)
    return {
        "assets": session.execute(assets).scalar_one(),
        "risks": session.execute(risks).scalar_one(),
        "departments": session.execute(select(func.count()).select_from(Department)).scalar_one(),
    }


def last_change_id(session: Session) -> int:
    """The newest change-log entry's id (0 for none): every write adds entries, so a window
    that saw this number can tell cheaply (the primary key's last value) that someone wrote."""
    return int(session.execute(select(func.max(ChangeLogEntry.id))).scalar() or 0)
