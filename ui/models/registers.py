"""The asset and risk tables: which columns they show and which queries fill them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from isms.db import Register
from isms.method.criteria import Criteria
from isms.services.read import dashboard, queries
from isms.services.read.queries import RiskRow
from isms.services.risks import TARGET_WITHOUT_PLAN

from .register_table import Column, RegisterTableModel

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def _sentence(value: object) -> str:
    """Stored vocabulary ("in treatment") as a label ("In treatment")."""
    text = str(value)
    return text[:1].upper() + text[1:]


_CIA = "rating, 1 (low) to 5 (very high)"

ASSET_COLUMNS: tuple[Column, ...] = (
    Column("ref", "Reference", sample="ASC-00000"),
    Column("name", "Name", sample="Adult social care case records", stretch=True),
    Column("asset_type", "Type", sample="Information", text=_sentence),
    Column("department", "Department", sample="ENV", tooltip="Department code"),
    Column("owner", "Owner", sample="Christopher Evans", tooltip="Information asset owner"),
    Column("marking", "Marking", sample="OFFICIAL-SENSITIVE",
           tooltip="Protective marking (classification)"),
    # C, I and A are the SMG's own words for the ratings (their spreadsheets use them) and keep
    # room for the asset's name; the tooltips spell them out.
    Column("confidentiality", "C", sample="0", tooltip=f"Confidentiality {_CIA}"),
    Column("integrity", "I", sample="0", tooltip=f"Integrity {_CIA}"),
    Column("availability", "A", sample="0", tooltip=f"Availability {_CIA}"),
    Column("personal_data", "Personal data", sample="No", tooltip="Holds personal data"),
    Column("status", "Status", sample="Pending verification", text=_sentence),
    Column("next_review", "Next review", tooltip="Date of the next owner review"),
)


def asset_model(register: Register, parent: QObject | None = None) -> RegisterTableModel:
    return RegisterTableModel(register.reading, ASSET_COLUMNS, queries.asset_ids,
                              queries.asset_rows, parent)


class RiskLevels:
    """The register's current risk criteria, for the level colours and score explanations.

    Reloaded with every id query, so a change of method shows at the next refresh.
    """

    def __init__(self) -> None:
        self.criteria: Criteria | None = None
        self._colours: dict[str, str] = {}
        #: Risks flagged "target without a plan" (issue 17), read with the ids.
        self.unplanned: set[int] = set()

    def ids(
        self, session: Session, *, department: int | None, search: str | None, order_by: str,
        descending: bool,
    ) -> list[int]:
        self.criteria = queries.current_criteria(session)
        self._colours = {level.name: level.colour for level in self.criteria.levels}
        self.unplanned = set(dashboard.targets_without_plan(session, department=department))
        return queries.risk_ids(session, department=department, search=search,
                                order_by=order_by, descending=descending)

    def rows(self, session: Session, ids: Sequence[int]) -> list[RiskRow]:
        return queries.risk_rows(session, ids, self.criteria)

    def flag(self, risk_id: int) -> str:
        """"Target without a plan" for a risk so flagged, else nothing."""
        return _sentence(TARGET_WITHOUT_PLAN) if risk_id in self.unplanned else ""

    def colour(self, level: str | None) -> str | None:
        return self._colours.get(level) if level else None

    def explain(self, likelihood: int | None, impact: int | None) -> str | None:
        """'Likelihood 4 (Likely) x impact 3 (Moderate) = 12' for a score's tooltip."""
        if self.criteria is None or likelihood is None or impact is None:
            return None
        scales = self.criteria.likelihood, self.criteria.impact
        if not (0 < likelihood <= len(scales[0]) and 0 < impact <= len(scales[1])):
            return None
        return (f"Likelihood {likelihood} ({scales[0][likelihood - 1].label}) × impact {impact} "
                f"({scales[1][impact - 1].label}) = {likelihood * impact}")


def _risk_columns(levels: RiskLevels) -> tuple[Column, ...]:
    def level_column(stage: str, header: str, tooltip: str) -> Column:
        def colour(row: RiskRow) -> str | None:
            return levels.colour(getattr(row, f"{stage}_level"))

        def detail(row: RiskRow) -> str | None:
            return levels.explain(getattr(row, f"{stage}_likelihood"),
                                  getattr(row, f"{stage}_impact"))

        return Column(f"{stage}_level", header, sort_key=stage, sample="Very high",
                      tooltip=tooltip, colour=colour, detail=detail)

    return (
        Column("ref", "Reference", sample="RSK-00000"),
        Column("title", "Title", sample="Personal data sent to the wrong person",
               stretch=True),
        Column("department", "Department", sample="ENV", tooltip="Department code"),
        Column("owner", "Owner", sample="Christopher Evans", tooltip="Risk owner"),
        level_column("inherent", "Inherent risk", "Risk level before any controls"),
        level_column("current", "Current risk", "Risk level today with the controls in place: "
                     "what the appetite is tested on"),
        level_column("residual", "Residual risk", "Risk level expected after treatment"),
        Column("treatment", "Treatment", sample="Modify", text=_sentence,
               tooltip="Treatment option: modify, retain, avoid or share"),
        Column("status", "Status", sample="In treatment", text=_sentence),
        Column("next_review", "Next review", tooltip="Date of the next risk review"),
        Column("id", "Flag", sortable=False, sample="Target without a plan", text=levels.flag,
               tooltip="Target without a plan: above the appetite today, with a residual "
                       "level within it and no open treatment action to reach it"),
    )


def risk_model(register: Register, parent: QObject | None = None) -> RegisterTableModel:
    levels = RiskLevels()
    return RegisterTableModel(register.reading, _risk_columns(levels), levels.ids, levels.rows,
                              parent)

