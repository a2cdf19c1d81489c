"""Council-wide coverage: one row per in-scope department, how far its ISMS work has got.

Rows come from ``services.dashboard.coverage`` (a few dozen departments at most, so they are held
in memory and sorted by a proxy). Percentages carry their value in ``PercentRole`` for the bar
delegate and sort as numbers through ``SortRole``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QSortFilterProxyModel, Qt

from isms.services.read.dashboard import DepartmentCoverage

from .list_table import ListColumn, ListTableModel
from .register_table import ModelIndex

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


@dataclass(frozen=True)
class CoverageColumn:
    header: str
    value: Callable[[DepartmentCoverage], Any]  # what sorts (numbers as numbers)
    text: Callable[[DepartmentCoverage], str]
    tooltip: str = ""
    percent: bool = False
    number: bool = False


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}%"


def _sort_pct(value: float | None) -> float:
    return -1.0 if value is None else float(value)


COLUMNS: tuple[CoverageColumn, ...] = (
    CoverageColumn("Code", lambda c: c.code, lambda c: c.code),
    CoverageColumn("Department", lambda c: c.name, lambda c: c.name),
    CoverageColumn("Assets", lambda c: c.assets, lambda c: f"{c.assets:,}",
                   "Live assets registered", number=True),
    CoverageColumn("Classified", lambda c: _sort_pct(c.classified_pct),
                   lambda c: _pct(c.classified_pct),
                   "Share of the assets with a protective marking", percent=True),
    CoverageColumn("With owner", lambda c: _sort_pct(c.owned_pct), lambda c: _pct(c.owned_pct),
                   "Share of the assets with an information asset owner", percent=True),
    CoverageColumn("Risks assessed", lambda c: c.risks_assessed,
                   lambda c: f"{c.risks_assessed:,} of {c.risks:,}",
                   "Risks assessed (inherent rating given), of all the department's live risks",
                   number=True),
    CoverageColumn("SoA", lambda c: _sort_pct(c.soa_pct), lambda c: _pct(c.soa_pct),
                   "Statement of Applicability entries complete", percent=True),
    CoverageColumn("Reviews overdue", lambda c: c.reviews_overdue,
                   lambda c: f"{c.reviews_overdue:,}",
                   "Risk reviews and asset attestations past their date", number=True),
    CoverageColumn("Evidence missing", lambda c: c.evidence_missing,
                   lambda c: f"{c.evidence_missing:,}",
                   "Applicable controls without current evidence", number=True),
)


class CoverageModel(ListTableModel[DepartmentCoverage]):
    """Coverage rows; ``PercentRole`` is a percentage cell's value (float) for the bar."""

    PercentRole = Qt.ItemDataRole.UserRole + 2
    SortRole = Qt.ItemDataRole.UserRole + 3

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__([ListColumn(c.header, c.text, c.tooltip) for c in COLUMNS],
                         parent=parent)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.TextAlignmentRole and index.isValid():
            column = COLUMNS[index.column()]
            return _RIGHT if column.percent or column.number else _LEFT
        return super().data(index, role)

    def cell_data(self, row: DepartmentCoverage, column: int, role: int) -> Any:
        spec = COLUMNS[column]
        if role == self.SortRole:
            return spec.value(row)
        if spec.percent and role in (self.PercentRole, Qt.ItemDataRole.ToolTipRole):
            value = spec.value(row)
            if role == self.PercentRole:
                return float(value) if value >= 0 else None
            return f"{spec.tooltip}: {value:.0f}%" if value >= 0 else "Nothing to count yet"
        return None


def sorted_coverage(model: CoverageModel, parent: QObject | None = None) -> QSortFilterProxyModel:
    proxy = QSortFilterProxyModel(parent)
    proxy.setSourceModel(model)
    proxy.setSortRole(CoverageModel.SortRole)
    proxy.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    return proxy
