"""Settings → Risk criteria: the register's scales, matrix, levels, appetite and cadence, who
may accept a risk at each level, and who owns the method and how often it is reviewed.

Two steps. First the user edits the criteria while a heat map previews the matrix and
``Criteria.validate()`` (the register's own rules) says, inline, what is wrong and where; Save is
off while anything is. Then a review step maps old scale points onto new ones when a scale changed
size and previews every risk's levels; Apply makes a new criteria version and re-scores every risk
in one transaction (``services.method.change_criteria``).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QStackedWidget,
    QStyle,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from isms.db import Register
from isms.errors import IsmsError, ValidationError
from isms.method.criteria import AUTHORITIES, AUTHORITY_WORDS, Authority, Criteria
from isms.services import method
from isms.services.method import CriteriaChange
from isms.services.read import queries

from ..operations import Progress, run_with_progress
from ..widgets.criteria_form import LevelsEditor, ScaleEditor
from ..widgets.heat_map import HeatMap, level_or_none
from ..widgets.message_bar import MessageBar
from .base import RememberedDialog
from .criteria_review import ChangeReview

JSON_FILTER = "Risk criteria (*.json);;All files (*)"
#: How a ValidationError's ``field`` reads to the user, and the tab that holds it.
FIELDS = {
    "likelihood": ("Likelihood scale", 0),
    "impact": ("Impact scale", 0),
    "levels": ("Risk levels", 1),
    "matrix": ("Matrix", 1),
    "appetite": ("Risk appetite", 1),
    "cadence_days": ("Review cadence", 1),
    "attestation_days": ("Owner attestation", 1),
    "acceptance_authority": ("Who may accept", 1),
    "method_review_days": ("Method review", 1),
}
MATRIX_KINDS = {
    "product": "Product — likelihood × impact, banded by the levels' scores",
    "lookup": "Lookup — a level chosen for each cell (click a cell in the preview)",
}


def ask_open_path(parent: QWidget) -> str | None:
    path, _ = QFileDialog.getOpenFileName(parent, "Import risk criteria", "", JSON_FILTER)
    return path or None


def ask_save_path(parent: QWidget, suggested: str) -> str | None:
    path, _ = QFileDialog.getSaveFileName(parent, "Export risk criteria", suggested, JSON_FILTER)
    return path or None


class CriteriaDialog(RememberedDialog):
    """Edit, review and apply a change of the risk criteria; ``ask()`` opens it modally."""

    geometry_key = "criteria_dialog"

    def __init__(self, register: Register, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Risk criteria — isms")
        self._register = register
        with register.session() as session:
            self.saved = queries.current_criteria(session)
            self.saved_version = queries.current_criteria_row(session).version_number
        self.change: CriteriaChange | None = None
        self.error: ValidationError | None = None
        #: For a lookup matrix: level position per cell, [likelihood - 1][impact - 1].
        self._cells: list[list[int]] = []
        self._impact_areas: tuple[str, ...] = ()
        #: Level name -> who may accept it, as chosen (kept while levels are renamed or added).
        self._authority: dict[str, Authority] = {}
        self._loading = False

        self.message = MessageBar()
        self.note = QLineEdit()
        self.note.setPlaceholderText("Why the criteria change (kept with the new version)")
        self.note.setAccessibleName("Note for this version")
        self.review = ChangeReview(register)
        self.pages = QStackedWidget()
        self.pages.addWidget(self._edit_page())
        self.pages.addWidget(self.review)

        self.buttons = QDialogButtonBox()
        self.export_button = self.buttons.addButton("Export…",
                                                    QDialogButtonBox.ButtonRole.ActionRole)
        self.export_button.setToolTip(
            f"Save the register's criteria (version {self.saved_version}) as a JSON file"
        )
        self.import_button = self.buttons.addButton("Import…",
                                                    QDialogButtonBox.ButtonRole.ActionRole)
        self.import_button.setToolTip("Load criteria from a JSON file into this form to review")
        self.back_button = self.buttons.addButton("Back", QDialogButtonBox.ButtonRole.ActionRole)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = QPushButton("Save…")
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ApplyRole)
        self.apply_button = self.buttons.addButton("Apply",
                                                   QDialogButtonBox.ButtonRole.ApplyRole)
        self.export_button.clicked.connect(self.export_criteria)
        self.import_button.clicked.connect(self.import_criteria)
        self.back_button.clicked.connect(self.back)
        self.save_button.clicked.connect(self.save)
        self.apply_button.clicked.connect(self.apply)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.message)
        note_row = QFormLayout()
        note_row.addRow("&Note:", self.note)
        layout.addLayout(note_row)
        layout.addWidget(self.buttons)

        self.load(self.saved)
        self._show_step(0)
        self.restore_or_resize(1080, 700)

    # --- building ------------------------------------------------------------------------

    def _edit_page(self) -> QWidget:
        self.likelihood = ScaleEditor("likelihood")
        self.impact = ScaleEditor("impact")
        self.levels = LevelsEditor()
        self.matrix_kind = QComboBox()
        for kind, words in MATRIX_KINDS.items():
            self.matrix_kind.addItem(words, kind)
        self.appetite = QComboBox()
        self.appetite.setToolTip("The highest level a risk owner may accept without escalation")
        self.attestation = QSpinBox()
        self.attestation.setRange(0, 3650)
        self.attestation.setSuffix(" days")
        self.attestation.setToolTip("How often information asset owners confirm their assets")
        self.attestation.setMaximumWidth(self.fontMetrics().horizontalAdvance("3650 days") + 60)

        scales = QWidget()
        scales_layout = QVBoxLayout(scales)
        for title, editor in (("Likelihood (how often it could happen)", self.likelihood),
                              ("Impact (how bad it would be)", self.impact)):
            box = QGroupBox(title)
            QVBoxLayout(box).addWidget(editor)
            scales_layout.addWidget(box)
        scales_layout.addStretch(1)

        levels = QWidget()
        levels_layout = QVBoxLayout(levels)
        levels_box = QGroupBox("Risk levels, mildest first")
        QVBoxLayout(levels_box).addWidget(self.levels)
        levels_layout.addWidget(levels_box)
        method_box = QGroupBox("Matrix, appetite and attestation")
        form = QFormLayout(method_box)
        form.addRow("&Matrix:", self.matrix_kind)
        form.addRow("Risk &appetite:", self.appetite)
        form.addRow("Owner a&ttestation every:", self.attestation)
        levels_layout.addWidget(method_box)
        levels_layout.addWidget(self._acceptance_box())
        levels_layout.addStretch(1)

        self.tabs = QTabWidget()
        for page, title in ((scales, "&Scales"), (levels, "&Levels and review")):
            scroll = QScrollArea()
            scroll.setWidgetResizable(True)
            scroll.setFrameShape(QScrollArea.Shape.NoFrame)
            scroll.setWidget(page)
            self.tabs.addTab(scroll, title)

        self.heat_map = HeatMap(cell_size=40, clickable=True)
        self.heat_map.cellClicked.connect(self._cell_clicked)
        self.legend = QLabel()
        self.legend.setWordWrap(True)
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        preview = QGroupBox("Matrix preview")
        preview_layout = QVBoxLayout(preview)
        preview_layout.addWidget(self.heat_map, 1)
        preview_layout.addWidget(self.legend)

        self.likelihood.changed.connect(self._form_changed)
        self.impact.changed.connect(self._form_changed)
        self.levels.changed.connect(self._form_changed)
        self.levels.removed.connect(self._level_removed)
        self.matrix_kind.currentIndexChanged.connect(self._kind_changed)
        self.appetite.currentIndexChanged.connect(self._form_changed)
        self.attestation.valueChanged.connect(self._form_changed)
        self.method_owner.textChanged.connect(self._form_changed)
        self.method_review.valueChanged.connect(self._form_changed)

        page = QWidget()
        row = QHBoxLayout(page)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.tabs, 3)
        row.addWidget(preview, 2)
        return page

    def _acceptance_box(self) -> QGroupBox:
        """Who may accept a risk at each level (one choice a level, rebuilt as levels change),
        and the method's owner and review interval (shown in the method document)."""
        box = QGroupBox("Who may accept, and the method")
        layout = QVBoxLayout(box)
        self.authority_form = QFormLayout()
        self.authority_boxes: dict[str, QComboBox] = {}
        layout.addLayout(self.authority_form)
        self.method_owner = QLineEdit()
        self.method_owner.setPlaceholderText("e.g. Head of Information Governance")
        self.method_owner.setToolTip("Who owns the risk method (a post or a name); the method "
                                     "document names them")
        self.method_review = QSpinBox()
        self.method_review.setRange(0, 3650)
        self.method_review.setSuffix(" days")
        self.method_review.setToolTip("How often the method itself is reviewed after approval")
        self.method_review.setMaximumWidth(self.attestation.maximumWidth())
        form = QFormLayout()
        form.addRow("Method o&wner:", self.method_owner)
        form.addRow("Method re&viewed every:", self.method_review)
        layout.addLayout(form)
        return box

    def _fill_authority(self) -> None:
        """One choice per level, in the levels' order, keeping what was chosen for a name; a
        level above the appetite needs at least an approver (the owner alone is not offered
        as its choice: it moves up)."""
        names = self.levels.names()
        probe = replace(self.form_criteria(), acceptance_authority={})  # the default choices
        default = probe.acceptance_authority
        appetite = self.appetite.currentText()
        above = names.index(appetite) if appetite in names else len(names)
        wanted = {name: self._authority.get(name) or default.get(name, "owner")
                  for name in names}
        for rank, name in enumerate(names):
            if rank > above and wanted[name] == "owner":
                wanted[name] = "approver"
        if list(self.authority_boxes) != names:
            while self.authority_form.rowCount():
                self.authority_form.removeRow(0)
            self.authority_boxes = {}
            for name in names:
                choice = QComboBox()
                for authority in AUTHORITIES:
                    words = AUTHORITY_WORDS[authority]
                    choice.addItem(words[:1].upper() + words[1:], authority)
                choice.setAccessibleName(f"Who may accept a {name} risk")
                choice.currentIndexChanged.connect(self._authority_chosen)
                self.authority_boxes[name] = choice
                self.authority_form.addRow(f"{name or '(unnamed)'}:", choice)
        for name, choice in self.authority_boxes.items():
            choice.blockSignals(True)
            choice.setCurrentIndex(choice.findData(wanted[name]))
            choice.blockSignals(False)
        self._authority = dict(wanted)

    def _authority_chosen(self) -> None:
        self._authority = {name: choice.currentData()
                           for name, choice in self.authority_boxes.items()}
        self._form_changed()

    def set_authority(self, level: str, authority: Authority) -> None:
        """Choose who may accept a risk at ``level`` (as picking it in the form does)."""
        choice = self.authority_boxes[level]
        choice.setCurrentIndex(choice.findData(authority))

    # --- the form ------------------------------------------------------------------------

    def load(self, criteria: Criteria) -> None:
        """Show ``criteria`` in the form (the saved ones, or imported ones to review)."""
        self._loading = True
        try:
            self.likelihood.set_points(criteria.likelihood)
            self.impact.set_points(criteria.impact)
            self.levels.set_levels(criteria.levels, criteria.cadence_days)
            self._fill_appetite(criteria.appetite)
            self.attestation.setValue(criteria.attestation_days)
            self.matrix_kind.setCurrentIndex(self.matrix_kind.findData(criteria.matrix_kind))
            names = [level.name for level in criteria.levels]
            self._cells = [[names.index(c) if c in names else 0 for c in row]
                           for row in criteria.cells]
            self._impact_areas = criteria.impact_areas
            self._authority = dict(criteria.acceptance_authority)
            self.authority_boxes = {}  # rebuilt for these levels
            self.method_owner.setText(criteria.method_owner)
            self.method_review.setValue(criteria.method_review_days)
        finally:
            self._loading = False
        self._form_changed()

    def form_criteria(self) -> Criteria:
        """The criteria as the form stands, not yet validated."""
        names = self.levels.names()
        lookup = self.matrix_kind.currentData() == "lookup"
        return Criteria(
            likelihood=self.likelihood.points(),
            impact=self.impact.points(),
            levels=self.levels.levels(),
            appetite=self.appetite.currentText(),
            cadence_days=self.levels.cadence(),
            attestation_days=self.attestation.value(),
            matrix_kind="lookup" if lookup else "product",
            cells=tuple(tuple(names[min(n, len(names) - 1)] for n in row)
                        for row in self._cells) if lookup else (),
            impact_areas=self._impact_areas,
            acceptance_authority={name: self._authority[name] for name in names
                                  if name in self._authority},
            method_owner=self.method_owner.text().strip(),
            method_review_days=self.method_review.value(),
        )

    def _fill_appetite(self, wanted: str | None = None) -> None:
        """The appetite choices follow the level names as they are edited."""
        keep = wanted if wanted is not None else self.appetite.currentText()
        position = self.appetite.currentIndex()
        names = self.levels.names()
        self.appetite.blockSignals(True)
        self.appetite.clear()
        self.appetite.addItems(names)
        index = names.index(keep) if keep in names else min(max(position, 0), len(names) - 1)
        self.appetite.setCurrentIndex(index)
        self.appetite.blockSignals(False)

    def _form_changed(self) -> None:
        if self._loading:
            return
        if self.appetite.count() != len(self.levels.rows) or any(
            self.appetite.itemText(n) != name for n, name in enumerate(self.levels.names())
        ):
            self._fill_appetite()
        self._fill_authority()
        lookup = self.matrix_kind.currentData() == "lookup"
        self.levels.set_scores_editable(not lookup)
        if lookup:
            self._fit_cells()
        criteria = self.form_criteria()
        self.heat_map.set_criteria(criteria)
        self.legend.setText(_legend(criteria))
        self._validate(criteria)

    def _validate(self, criteria: Criteria) -> None:
        """Say what is wrong, and where, or make Save available for a real change."""
        try:
            criteria.validate()
            self.error = None
        except ValidationError as exc:
            self.error = exc
        warning = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        wrong_tab = FIELDS.get(self.error.field or "", ("", -1))[1] if self.error else -1
        for tab in range(self.tabs.count()):
            self.tabs.setTabIcon(tab, warning if tab == wrong_tab else QIcon())
        unchanged = criteria.to_definition() == self.saved.to_definition()
        if self.error is not None:
            where = FIELDS.get(self.error.field or "", ("", 0))[0]
            self.message.error(f"{where}: {self.error}" if where else str(self.error))
        elif self.message.kind == "error":
            self.message.clear()
        self.save_button.setEnabled(self.error is None and not unchanged)
        self.save_button.setToolTip(
            "Fix the problem shown first" if self.error
            else "No changes to save" if unchanged
            else "Review what the change does to the register's risks, then apply it"
        )

    # --- lookup matrices -----------------------------------------------------------------

    def _kind_changed(self) -> None:
        if self.matrix_kind.currentData() == "lookup" and not self._cells:
            self._cells = self._cells_from_thresholds()
        self._form_changed()

    def _cells_from_thresholds(self) -> list[list[int]]:
        """Start a lookup matrix from what the score thresholds give each cell."""
        product = replace(self.form_criteria(), matrix_kind="product", cells=())
        positions = {level.name: n for n, level in enumerate(product.levels)}

        def position(likelihood: int, impact: int) -> int:
            level = level_or_none(product, likelihood, impact)
            return positions.get(level.name, 0) if level else 0

        return [[position(li, im) for im in range(1, len(product.impact) + 1)]
                for li in range(1, len(product.likelihood) + 1)]

    def _fit_cells(self) -> None:
        """Keep the lookup cells the shape of the scales as points come and go."""
        rows, columns = len(self.likelihood.rows), len(self.impact.rows)
        if len(self._cells) == rows and all(len(r) == columns for r in self._cells):
            return
        fresh = self._cells_from_thresholds()
        self._cells = [[self._cells[li][im] if li < len(self._cells)
                        and im < len(self._cells[li]) else fresh[li][im]
                        for im in range(columns)] for li in range(rows)]

    def _level_removed(self, position: int) -> None:
        # Cells on the removed level take the one below it; those above move down one place.
        self._cells = [[c - 1 if c > position or (c == position and c > 0) else c for c in row]
                       for row in self._cells]

    def set_cell(self, likelihood: int, impact: int, level: int) -> None:
        """Give a lookup cell the level at position ``level`` (mildest is 0)."""
        self._cells[likelihood - 1][impact - 1] = level
        self._form_changed()

    def _cell_clicked(self, likelihood: int, impact: int) -> None:
        if self.matrix_kind.currentData() != "lookup":
            self.message.info("Cells follow the level scores in a product matrix. Choose the "
                              "lookup matrix to set a level per cell.")
            return
        menu = QMenu(self)
        for n, level in enumerate(self.levels.levels()):
            swatch = QPixmap(12, 12)
            swatch.fill(QColor(level.colour))
            action = menu.addAction(QIcon(swatch), level.name)
            action.setData(n)
        rect = self.heat_map.cell_rect(likelihood, impact)
        chosen = menu.exec(self.heat_map.mapToGlobal(rect.center() + QPoint(4, 4)))
        if chosen is not None:
            self.set_cell(likelihood, impact, int(chosen.data()))

    # --- steps ---------------------------------------------------------------------------

    def _show_step(self, step: int) -> None:
        self.pages.setCurrentIndex(step)
        editing = step == 0
        for button in (self.export_button, self.import_button, self.save_button):
            button.setVisible(editing)
        self.back_button.setVisible(not editing)
        self.apply_button.setVisible(not editing)
        (self.save_button if editing else self.apply_button).setDefault(True)

    def save(self) -> bool:
        """Go on to the review step (mapping and preview); False while the form is invalid."""
        criteria = self.form_criteria()
        self._validate(criteria)
        if not self.save_button.isEnabled():
            return False
        try:
            self.review.start(self.saved, criteria, self.saved_version + 1)
        except IsmsError as exc:
            self.message.error(str(exc))
            return False
        self.message.clear()
        self._show_step(1)
        return True

    def back(self) -> None:
        self._show_step(0)

    def apply(self) -> CriteriaChange | None:
        """Make the new version and re-score every risk, in one transaction."""
        new, mapping, note = self.form_criteria(), self.review.mapping(), self.note.text()
        expected = self.saved_version

        def work(progress: Progress) -> CriteriaChange:
            progress("Re-scoring the register's risks…", 0, 0)
            with self._register.transaction() as session:
                # The mapping and preview were made against the version this dialog read: a
                # register that has moved on since is refused (ConflictError).
                return method.change_criteria(session, new, note=note,
                                              actor=str(session.info["actor"]), mapping=mapping,
                                              expected_version=expected)

        try:
            self.change = run_with_progress(self, "Saving the risk criteria",
                                            "Re-scoring the register's risks…", work)
        except IsmsError as exc:
            self.message.error(str(exc))
            return None
        self.accept()
        return self.change

    # --- files ---------------------------------------------------------------------------

    def export_criteria(self) -> Path | None:
        path = ask_save_path(self, f"risk-criteria-v{self.saved_version}.json")
        if path is None:
            return None
        try:
            with self._register.session() as session:
                text = method.export_json(session)
            Path(path).write_text(text, encoding="utf-8")
        except (IsmsError, OSError) as exc:
            self.message.error(f"Could not export the criteria: {exc}")
            return None
        self.message.info(f"Exported version {self.saved_version} to {path}.")
        return Path(path)

    def import_criteria(self) -> bool:
        path = ask_open_path(self)
        if path is None:
            return False
        try:
            text = Path(path).read_text(encoding="utf-8-sig")
            criteria = method.parse_json(text, source=Path(path).name)
        except (ValidationError, OSError, UnicodeDecodeError) as exc:
            self.message.error(f"Could not import {Path(path).name}: {exc}")
            return False
        self.load(criteria)
        if self.error is None:
            self.message.info(f"Loaded the criteria from {Path(path).name}. Review them, then "
                              "Save to make them the register's.")
        return True

    @classmethod
    def ask(cls, register: Register, parent: QWidget | None = None) -> CriteriaChange | None:
        """Open the dialog modally; what changed when the user applied a new version."""
        dialog = cls(register, parent)
        dialog.run()
        return dialog.change


def _legend(criteria: Criteria) -> str:
    """The levels with their colours, scores and cadence, and the appetite, as rich text."""
    lines = []
    product = criteria.matrix_kind == "product"
    for level in reversed(criteria.levels):
        scores = f" {level.min_score}–{level.max_score}" if product else ""
        days = criteria.cadence_days.get(level.name)
        cadence = f" · review every {days} days" if days else ""
        appetite = " · <i>appetite</i>" if level.name == criteria.appetite else ""
        lines.append(f'<span style="color:{level.colour}">■</span> <b>{level.name}</b>'
                     f"{scores}{cadence}{appetite}")
    return "<br>".join(lines)
