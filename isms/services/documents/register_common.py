"""What the register reports share: their scope (one department or the whole council), their
document control, and how a risk level or an overdue date is shown."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy.orm import Session

from isms.errors import NotFoundError
from isms.io.exports.report import Marked
from isms.method.criteria import Criteria, Level
from isms.model import Department, RiskCriteria
from isms.services.read.queries import current_criteria_id, register_name

#: The fill of a date or action that is past due (a pale red that black text reads on).
OVERDUE_FILL = "#F4CCCC"
#: Rows fetched per round trip for the large registers.
CHUNK = 2000


@dataclass(frozen=True)
class Scope:
    department_id: int | None
    #: "Finance" or the register's name for a council-wide report.
    name: str
    description: str


def scope(session: Session, department_id: int | None) -> Scope:
    council = register_name(session)
    if department_id is None:
        return Scope(None, council, f"Whole council ({council}): every department")
    dept = session.get(Department, department_id)
    if dept is None:
        raise NotFoundError(f"No department with id {department_id} in this register.")
    return Scope(department_id, dept.name, f"{dept.name} ({dept.code}), {council}")


def generated_at(today: date, generated: datetime | None) -> datetime:
    """The moment a report states it was produced: given, or the start of ``today`` (so a
    report rebuilt from the same register on the same day is the same document)."""
    return generated if generated is not None else datetime.combine(today, time())


def document_control(where: Scope, today: date, *extra: tuple[str, str]) -> list[tuple[str, str]]:
    return [("Scope", where.description), ("As at", today.isoformat()), *extra]


class CriteriaCache:
    """Criteria by version id: each risk is shown with the levels of the version it was scored
    with (the versions are few; each is parsed once)."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self.current_id = current_criteria_id(session)
        self._parsed: dict[int, Criteria] = {}
        self._versions: dict[int, int] = {}

    def get(self, criteria_id: int | None) -> Criteria:
        key = criteria_id if criteria_id is not None else self.current_id
        if key not in self._parsed:
            row = self._session.get(RiskCriteria, key)
            if row is None:
                raise NotFoundError(f"Risk criteria version id {key} is missing.")
            self._parsed[key] = Criteria.from_definition(row.definition)
            self._versions[key] = row.version_number
        return self._parsed[key]

    @property
    def current(self) -> Criteria:
        return self.get(None)

    def current_version(self) -> int:
        self.get(None)
        return self._versions[self.current_id]


def level_cell(level: Level | None) -> Marked | None:
    return Marked(level.name, level.colour) if level else None


def due_cell(due: date | None, today: date, open_: bool = True) -> Any:
    """A due or review date, marked when it has passed and the item is still open."""
    if due is not None and open_ and due < today:
        return Marked(due, OVERDUE_FILL)
    return due


def levels_note(criteria: Criteria, version: int) -> str:
    if criteria.matrix_kind == "product":
        bands = ", ".join(f"{lv.name} {lv.min_score}-{lv.max_score}" for lv in criteria.levels)
        how = "score = likelihood x impact"
    else:
        bands = ", ".join(lv.name for lv in criteria.levels)
        how = "levels read from the matrix"
    return (f"Risk criteria version {version} ({how}): {bands}. Risk appetite: "
            f"{criteria.appetite}. Dates shaded red are past due.")


def grouped(session: Session, query: Any) -> dict[int, list[str]]:
    """(key, text) rows -> key: [text, ...] in query order (a risk's assets, its controls)."""
    out: dict[int, list[str]] = {}
    for key, text in session.execute(query):
        out.setdefault(key, []).append(text)
    return out


def in_scope(query: Any, column: Any, department_id: int | None) -> Any:
    return query if department_id is None else query.where(column == department_id)

