"""The second step of changing the risk criteria: map old scale points, preview every risk.

When a scale changes size the user says where each old point lands on the new scale (prefilled
with ``services.method.suggest_mapping``), and sees what each live risk's levels become
(``services.method.preview``) before anything is written.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from isms.db import Register
from isms.method.criteria import Criteria, ScalePoint
from isms.services import method

from ..models.rescore import RescoreModel
from ..widgets.tables import read_only_table


class ChangeReview(QWidget):
    """Mapping combos for the scales that changed size, and the before/after table."""

    def __init__(self, register: Register, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._register = register
        self._old: Criteria | None = None
        self._new: Criteria | None = None
        #: scale name -> one combo per old point (value = new point)
        self.mapping_combos: dict[str, list[QComboBox]] = {"likelihood": [], "impact": []}

        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.mapping_box = QGroupBox("Where the old scale points go")
        self._mapping_layout = QHBoxLayout(self.mapping_box)
        self.summary = QLabel()
        self.only_changed = QCheckBox("Show only risks whose level changes")
        self.model = RescoreModel(self)
        self.only_changed.toggled.connect(self.model.set_only_changed)
        self.table = read_only_table(self.model, "Risk levels before and after")
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)

        summary_row = QHBoxLayout()
        summary_row.addWidget(self.summary, 1)
        summary_row.addWidget(self.only_changed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.intro)
        layout.addWidget(self.mapping_box)
        layout.addLayout(summary_row)
        layout.addWidget(self.table, 1)

    def start(self, old: Criteria, new: Criteria, version: int) -> None:
        """Show the mapping (for scales that changed size) and the preview of ``new``."""
        self._old, self._new = old, new
        self.intro.setText(
            f"Saving makes these criteria version {version} of the register's risk method. "
            "Every live risk is re-scored with them; here is what each one's levels become."
        )
        suggested = method.suggest_mapping(old, new)
        while self._mapping_layout.count():
            item = self._mapping_layout.takeAt(0)
            old_group = item.widget() if item is not None else None
            if old_group is not None:
                old_group.deleteLater()
        self.mapping_combos = {"likelihood": [], "impact": []}
        for name, before, after, table in (
            ("likelihood", old.likelihood, new.likelihood, suggested.likelihood),
            ("impact", old.impact, new.impact, suggested.impact),
        ):
            if len(before) != len(after):
                self._mapping_layout.addWidget(self._mapping_group(name, before, after, table))
        self.mapping_box.setVisible(bool(self._mapping_layout.count()))
        self.refresh_preview()

    def _mapping_group(self, name: str, before: tuple[ScalePoint, ...],
                       after: tuple[ScalePoint, ...], suggested: dict[int, int]) -> QWidget:
        group = QWidget()
        grid = QGridLayout(group)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(QLabel(f"<b>Old {name}</b>"), 0, 0)
        grid.addWidget(QLabel(f"<b>New {name}</b>"), 0, 2)
        for row, point in enumerate(before, start=1):
            grid.addWidget(QLabel(f"{point.value} — {point.label}"), row, 0)
            grid.addWidget(QLabel("→"), row, 1)
            combo = QComboBox()
            combo.setAccessibleName(f"New {name} for old {point.value}")
            for target in after:
                combo.addItem(f"{target.value} — {target.label}", target.value)
            combo.setCurrentIndex(combo.findData(suggested[point.value]))
            combo.currentIndexChanged.connect(self.refresh_preview)
            grid.addWidget(combo, row, 2)
            self.mapping_combos[name].append(combo)
        grid.setColumnStretch(3, 1)
        return group

    def mapping(self) -> method.ScaleMapping | None:
        """The user's mapping; a scale without combos is left for the service to suggest."""
        if not any(self.mapping_combos.values()):
            return None
        return method.ScaleMapping(
            {n: c.currentData() for n, c in enumerate(self.mapping_combos["likelihood"], 1)},
            {n: c.currentData() for n, c in enumerate(self.mapping_combos["impact"], 1)},
        )

    def refresh_preview(self) -> None:
        """Work out every risk's levels under the new criteria (reads, never writes)."""
        assert self._new is not None
        with self._register.session() as session:
            rows = method.preview(session, self._new, self.mapping())
        self.model.set_preview(rows, self._new)
        changed, total = self.model.changed, self.model.total
        if total == 0:
            self.summary.setText("The register has no live risks to re-score.")
        elif changed == 0:
            self.summary.setText(f"No risk changes level ({total:,} re-scored); review dates "
                                 "follow the new cadence.")
        else:
            self.summary.setText(f"{changed:,} of {total:,} risks change level.")
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().resizeSection(
            0, self.fontMetrics().horizontalAdvance("RSK-000000") + 16
        )
        self.table.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft)
