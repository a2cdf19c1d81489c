"""The risk editor: title, description and owner, and scores with their level, colour,
heat-map position and review date, live; what the risk is made of (its threat and
vulnerability, the C/I/A it affects, its assets, the controls in place and those chosen to
treat it) and its treatment actions, each opening the action editor ("Add action…" too).

Everything shown live is worked out with the register's own criteria (``isms.method``), and
everything saved is one call, ``isms.services.edits.save_risk`` (``risks.save_edit``), in one
transaction, links to assets and controls included (Edit > Undo takes them back with the
rest), so the window and the CLI score a risk the same way; the live "Next review" is
``risks.planned_review``, the rule a save applies. A save made from a stale copy (someone else
saved the risk after the editor opened it) is refused with a ConflictError naming the risk, a
Reload button and the conflict dialog (``RecordEditor``), and nothing is written. An action is
saved on its own, at once, by the action editor.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from isms.db import Register
from isms.method.criteria import Criteria, Level, ScalePoint
from isms.model import TreatmentOption
from isms.services import edits
from isms.services import risks as risk_service
from isms.services.edits import reads
from isms.services.read import queries
from isms.services.read.risk_record import RiskChoices, risk_choices
from isms.services.read.risk_record import RiskRecord as RiskSnapshot
from isms.services.read.risk_record import risk_owners as load_people
from isms.services.read.risk_record import risk_record as load_snapshot
from isms.services.risks import OPEN_ACTION, STAGES, Levels, Rating

from ..widgets.heat_map import STAGE_LETTERS, HeatMap
from ..widgets.level_chip import LevelChip
from .record_editor import WARNING_TEXT, RecordEditor
from .risk_parts import LinkList, RecordList, RunEditor, run_here

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

STAGE_HINTS = {
    "inherent": "before any controls",
    "current": "with the controls in place today",
    "residual": "expected once the treatment is done",
}
TREATMENT_WORDS = {
    TreatmentOption.MODIFY: "Modify — reduce the likelihood or impact with controls",
    TreatmentOption.RETAIN: "Retain — accept the risk as it is",
    TreatmentOption.AVOID: "Avoid — stop the activity that gives rise to it",
    TreatmentOption.SHARE: "Share — pass part of it on (insurance, a contract)",
}
CIA_WORDS = {"C": "&Confidentiality", "I": "&Integrity", "A": "Availa&bility"}


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _fill_rating_combo(combo: QComboBox, scale: tuple[ScalePoint, ...]) -> None:
    """'Not rated', then each point as "3 — Possible" with its description as the tooltip."""
    combo.blockSignals(True)
    combo.clear()
    combo.addItem("Not rated", None)
    for point in scale:
        combo.addItem(f"{point.value} — {point.label}", point.value)
        if point.description:
            combo.setItemData(combo.count() - 1, point.description, Qt.ItemDataRole.ToolTipRole)
    combo.blockSignals(False)
    # The label is the point's meaning ("5 — Almost certain"): never cut it to fit the grid.
    # A combo's own minimum size hint ignores its items, so the longest label sets the minimum
    # (plus room for the frame and the arrow).
    longest = max(combo.fontMetrics().horizontalAdvance(combo.itemText(i))
                  for i in range(combo.count()))
    combo.setMinimumWidth(longest + 4 * combo.fontMetrics().averageCharWidth() + 16)


def _select_data(combo: QComboBox, value: object) -> None:
    index = combo.findData(value)
    combo.setCurrentIndex(max(index, 0))


def _select_rating(combo: QComboBox, value: int | None) -> None:
    """Show a stored rating, even one the current scale lacks (a risk scored with older
    criteria and not re-mapped): showing "Not rated" instead would quietly lose it on save."""
    if value is not None and combo.findData(value) < 0:
        combo.addItem(f"{value} — not on the current scale", value)
    _select_data(combo, value)


class RiskEditor(RecordEditor):
    """Edit one risk's title, description, owner, scores, treatment and review date;
    ``ask()`` opens it modally."""

    geometry_key = "risk_editor"

    def __init__(
        self, register: Register, risk_id: int, parent: QWidget | None = None,
        *, today: date | None = None, run_editor: RunEditor | None = None,
    ) -> None:
        super().__init__(register, parent)
        self._risk_id = risk_id
        self.today = today or date.today()
        #: Opens another record's editor (an action's): the window's, so its save goes into
        #: the undo history and the pages refresh.
        self.run_editor: RunEditor = run_editor or run_here
        self._read()
        self.save_button.setToolTip("Save the changes (Ctrl+S or Enter)")
        form = self._details_form()
        self._boxes = (self._assessment_box(), self._review_box(), self._matrix_box(),
                       self._treatment_box())
        self.tabs = QTabWidget()
        self.tabs.tabBar().setAccessibleName("Parts of the risk")
        self.tabs.addTab(self._assessment_tab(), "Assess&ment")
        self.tabs.addTab(self._analysis_tab(), "&Threat and assets")
        self.tabs.addTab(self._controls_tab(), "Contro&ls")
        self.tabs.addTab(self._treatment_tab(), "T&reatment")
        # Scoring is what the editor is opened for most: start there, not in the title.
        self.finish(form, self.likelihood["inherent"], 900, 660)

    def lay_out(self, layout: QVBoxLayout, form: QFormLayout) -> None:
        """The details, then the tabs: the assessment first."""
        layout.addLayout(form)
        layout.addWidget(self.tabs, 1)

    def _assessment_tab(self) -> QWidget:
        """The assessment and review beside the matrix."""
        assessment, review, matrix, _treatment = self._boxes
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.setContentsMargins(4, 4, 4, 4)  # room for the matrix
        left = QVBoxLayout()
        left.addWidget(assessment, 1)
        left.addWidget(review)
        top = QHBoxLayout()
        top.addLayout(left, 3)
        top.addWidget(matrix, 2)
        layout.addLayout(top, 1)
        return tab

    def _analysis_tab(self) -> QWidget:
        """The threat, the vulnerability it exploits, the C/I/A it affects and the assets."""
        tab = QWidget()
        self.threat = QComboBox()
        self.threat.setAccessibleName("Threat")
        self.threat.setToolTip("What could act against the assets (the catalogue's threats)")
        self.threat.currentIndexChanged.connect(self._threat_chosen)
        self.vulnerability = QComboBox()
        self.vulnerability.setAccessibleName("Vulnerability")
        self.vulnerability.setToolTip("The weakness the threat would exploit")
        self.affects: dict[str, QCheckBox] = {}
        #: The three boxes as one field (its name in the conflict dialog; focus goes to C).
        self.affects_row = QWidget()
        self.affects_row.setAccessibleName("Affects")
        cia_row = QHBoxLayout(self.affects_row)
        cia_row.setContentsMargins(0, 0, 0, 0)
        for letter, words in CIA_WORDS.items():
            self.affects[letter] = QCheckBox(words)
            cia_row.addWidget(self.affects[letter])
        cia_row.addStretch(1)
        self.affects_row.setFocusProxy(self.affects["C"])
        self.asset_list = LinkList(
            "Assets", "Add &asset…", "Link the risk to this asset of its department:",
            lambda: self.choices.assets)
        self.asset_list.changed.connect(self._assets_changed)
        form = QFormLayout(tab)
        threat_label = QLabel("T&hreat:")
        threat_label.setBuddy(self.threat)
        vulnerability_label = QLabel("&Vulnerability:")
        vulnerability_label.setBuddy(self.vulnerability)
        form.addRow(threat_label, self.threat)
        form.addRow(vulnerability_label, self.vulnerability)
        form.addRow("Affects:", self.affects_row)
        form.addRow("Assets:", self.asset_list)
        return tab

    def _controls_tab(self) -> QWidget:
        """The controls in place today (words) and those chosen to treat the risk."""
        tab = QWidget()
        self.existing_controls = QPlainTextEdit()
        self.existing_controls.setAccessibleName("Existing controls")
        self.existing_controls.setPlaceholderText(
            "What already reduces the risk today (the current rating assumes it)")
        self.existing_controls.setTabChangesFocus(True)
        self.existing_controls.setFixedHeight(self.fontMetrics().height() * 4 + 12)
        self.control_list = LinkList(
            "Planned controls", "Add co&ntrol…",
            "Treat the risk with this control (it becomes applicable in the department's "
            "SoA):", lambda: self.choices.controls)
        existing_label = QLabel("&In place today:")
        existing_label.setBuddy(self.existing_controls)
        form = QFormLayout(tab)
        form.addRow(existing_label, self.existing_controls)
        form.addRow("Planned:", self.control_list)
        return tab

    def _treatment_tab(self) -> QWidget:
        """The treatment option and note, then the risk's treatment actions: each opens in
        the action editor; Add action… makes one."""
        *_rest, treatment = self._boxes
        self.action_list = RecordList("Treatment actions", ("Action", "Owner", "Due", "Status"),
                                      self.open_action)
        self.add_action_button = self.action_list.add_button("Add a&ction…", self.new_action)
        self.add_action_button.setToolTip("A new treatment action of this risk, saved at once")
        self.action_list.buttons.addStretch(1)
        actions = QGroupBox("Treatment actions")
        QVBoxLayout(actions).addWidget(self.action_list)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(treatment)
        layout.addWidget(actions, 1)
        return tab

    def _read(self) -> None:
        """Read the criteria, the risk and the people who can own it, in one short session."""
        with self._register.session() as session:
            self.criteria: Criteria = queries.current_criteria(session)
            self.snapshot: RiskSnapshot = load_snapshot(session, self._risk_id)
            self.people = load_people(session)
            self.choices: RiskChoices = risk_choices(session, self.snapshot.department_id)
        snap = self.snapshot
        self.version = snap.version
        #: Treatment actions still to do: none while the target is below today's level flags
        #: the residual "target without a plan".
        self._open_actions = _open_actions(snap)
        self.saved_values = {
            "title": snap.title, "description": snap.description, "owner_id": snap.owner_id,
            **{f"{stage}_{part}": value for stage in STAGES
               for part, value in zip(("likelihood", "impact"), snap.ratings[stage], strict=True)},
            "treatment_option": snap.treatment, "treatment_note": snap.treatment_note,
            "review_date": snap.next_review if snap.override_reason else None,
            "review_reason": snap.override_reason,
            "threat_id": snap.threat_id, "vulnerability_id": snap.vulnerability_id,
            "affects": snap.affects, "existing_controls": snap.existing_controls,
            "asset_ids": sorted(a.id for a in snap.linked_assets),
            "control_ids": sorted(c.id for c in snap.linked_controls),
        }

    def record_name(self) -> str:
        return self.snapshot.ref

    # --- building --------------------------------------------------------------------------

    def _details_form(self) -> QFormLayout:
        """The reference and title as the heading, then the owner, description and assets."""
        self.ref_label = QLabel()
        heading = QFont(self.font())
        heading.setPointSizeF(self.font().pointSizeF() * 1.25)
        heading.setBold(True)
        self.ref_label.setFont(heading)
        self.title_edit = QLineEdit()
        self.title_edit.setFont(heading)
        self.title_edit.setAccessibleName("Title")
        self.title_edit.setMaxLength(300)  # what the register keeps
        self.title_edit.setPlaceholderText("What could go wrong, in a line")
        self.title_edit.textChanged.connect(self.update_hints)
        self.title_hint = QLabel()
        self.title_hint.setStyleSheet(f"color: {WARNING_TEXT};")
        self.owner = QComboBox()
        self.owner.setAccessibleName("Owner")
        self.owner.setToolTip("Who is accountable for the risk and can accept it")
        self.owner.currentIndexChanged.connect(self.update_hints)
        self.facts_label = QLabel()
        self.description_edit = QPlainTextEdit()
        self.description_edit.setAccessibleName("Description")
        self.description_edit.setPlaceholderText(
            "What could happen, how, and what it would harm"
        )
        self.description_edit.setTabChangesFocus(True)
        self.description_edit.setFixedHeight(self.fontMetrics().height() * 2 + 12)  # then scrolls
        self.facts_label.setWordWrap(True)
        self.facts_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        title_row = QHBoxLayout()
        title_row.addWidget(self.title_edit, 1)
        title_row.addWidget(self.title_hint)
        owner_row = QHBoxLayout()
        owner_row.addWidget(self.owner)
        owner_row.addSpacing(12)
        owner_row.addWidget(self.facts_label, 1)
        owner_label = QLabel("O&wner:")
        owner_label.setBuddy(self.owner)
        form = QFormLayout()
        form.addRow(self.ref_label, title_row)
        form.addRow(owner_label, owner_row)
        form.addRow("&Description:", self.description_edit)
        return form

    def _assessment_box(self) -> QGroupBox:
        box = QGroupBox("Assessment")
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        for column, heading in enumerate(("", "Likelihood", "Impact", "Level"), start=0):
            header = QLabel(f"<b>{heading}</b>")
            grid.addWidget(header, 0, column)
        self.likelihood: dict[str, QComboBox] = {}
        self.impact: dict[str, QComboBox] = {}
        self.chips: dict[str, LevelChip] = {}
        self.appetite_labels: dict[str, QLabel] = {}
        for row, stage in enumerate(STAGES, start=1):
            name = QLabel(f"{_sentence(stage)} ({STAGE_LETTERS[stage]})")
            name.setToolTip(f"The {stage} rating: {STAGE_HINTS[stage]}")
            self.likelihood[stage] = QComboBox()
            self.likelihood[stage].setAccessibleName(f"{_sentence(stage)} likelihood")
            self.impact[stage] = QComboBox()
            self.impact[stage].setAccessibleName(f"{_sentence(stage)} impact")
            name.setBuddy(self.likelihood[stage])
            self.chips[stage] = LevelChip()
            grid.addWidget(name, row, 0)
            grid.addWidget(self.likelihood[stage], row, 1)
            grid.addWidget(self.impact[stage], row, 2)
            grid.addWidget(self.chips[stage], row, 3)
            self.appetite_labels[stage] = QLabel()
            self.appetite_labels[stage].setStyleSheet(f"color: {WARNING_TEXT};")
            grid.addWidget(self.appetite_labels[stage], row, 4)
            for combo in (self.likelihood[stage], self.impact[stage]):
                combo.currentIndexChanged.connect(self.update_hints)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 1)

        self.suggest_button = QPushButton("Suggest impact from assets")
        self.suggest_button.setToolTip(
            "Set the inherent impact from the highest C, I or A rating of the risk's assets"
        )
        self.suggest_button.clicked.connect(self.suggest_impact)
        self.suggestion_label = QLabel()
        self.suggestion_label.setWordWrap(True)
        suggest_row = QHBoxLayout()
        suggest_row.addWidget(self.suggest_button)
        suggest_row.addWidget(self.suggestion_label, 1)
        grid.addLayout(suggest_row, len(STAGES) + 1, 0, 1, 5)
        # Where the live checks say what is not right yet, before any save is tried.
        grid.addWidget(self.hint_label, len(STAGES) + 2, 0, 1, 5)
        grid.setRowStretch(len(STAGES) + 3, 1)

        box.setLayout(grid)
        return box

    def _matrix_box(self) -> QGroupBox:
        box = QGroupBox("Risk matrix")
        self.heat_map = HeatMap(cell_size=34)
        self.heat_map.set_criteria(self.criteria)
        legend = QLabel("I inherent · C current · R residual")
        legend.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.appetite_note = QLabel()
        self.appetite_note.setWordWrap(True)
        layout = QVBoxLayout(box)
        layout.addWidget(self.heat_map, 1)
        layout.addWidget(legend)
        layout.addWidget(self.appetite_note)
        return box

    def _treatment_box(self) -> QGroupBox:
        box = QGroupBox("Treatment")
        self.treatment = QComboBox()
        self.treatment.setAccessibleName("Treatment option")
        self.treatment_note = QPlainTextEdit()
        self.treatment_note.setAccessibleName("Treatment note")
        self.treatment_note.setTabChangesFocus(True)  # Tab moves on, as in the other fields
        self.treatment_note.setFixedHeight(self.fontMetrics().height() * 3 + 12)
        self.treatment.currentIndexChanged.connect(self._update_treatment)
        form = QFormLayout(box)
        form.addRow("&Option:", self.treatment)
        form.addRow("&Note:", self.treatment_note)
        return box

    def _review_box(self) -> QGroupBox:
        box = QGroupBox("Next review")
        self.review_value = QLabel()
        bold = QFont(self.font())
        bold.setBold(True)
        self.review_value.setFont(bold)
        self.review_value.setAccessibleName("Next review date")
        self.review_why = QLabel()
        self.review_why.setWordWrap(True)
        self.override = QCheckBox("Review on &another date:")
        self.override.setAccessibleName("Review on another date")
        self.override_date = QDateEdit()
        self.override_date.setCalendarPopup(True)
        self.override_date.setDisplayFormat("yyyy-MM-dd")
        self.override_date.setAccessibleName("Review date")
        self.override_reason = QLineEdit()
        self.override_reason.setPlaceholderText("Why (required)")
        self.override_reason.setAccessibleName("Reason for the review date")
        self.acceptance_note = QLabel()
        self.acceptance_note.setWordWrap(True)
        self.override.toggled.connect(self.update_hints)
        self.override_date.dateChanged.connect(self.update_hints)
        self.override_reason.textChanged.connect(self.update_hints)

        layout = QVBoxLayout(box)
        value_row = QHBoxLayout()
        value_row.addWidget(self.review_value)
        value_row.addWidget(self.review_why, 1)
        layout.addLayout(value_row)
        override_row = QHBoxLayout()
        override_row.addWidget(self.override)
        override_row.addWidget(self.override_date)
        override_row.addStretch(1)
        layout.addLayout(override_row)
        layout.addWidget(self.override_reason)
        layout.addWidget(self.acceptance_note)
        layout.addStretch(1)
        return box

    # --- showing the risk ------------------------------------------------------------------

    def _show(self) -> None:
        snap = self.snapshot
        self.heat_map.set_criteria(self.criteria)  # a reload may bring other criteria
        self.setWindowTitle(f"{snap.ref} — {snap.title} — isms")
        self.ref_label.setText(snap.ref)
        self.title_edit.setText(snap.title)
        self.title_edit.setCursorPosition(0)  # a long title shows its start
        self._fill_owner()
        self.facts_label.setText(
            f"Department: {snap.department}   ·   Status: {_sentence(snap.status)}"
        )
        self.description_edit.setPlainText(snap.description)
        self.suggestion_label.clear()
        self.appetite_note.setText(
            f"Risk appetite: {self.criteria.appetite}. A residual risk above it needs an "
            "approver's sign-off to be accepted."
        )

        for stage in STAGES:
            # Filled here, not once: a reload may bring criteria with other scales.
            _fill_rating_combo(self.likelihood[stage], self.criteria.likelihood)
            _fill_rating_combo(self.impact[stage], self.criteria.impact)
            likelihood, impact = snap.ratings[stage]
            _select_rating(self.likelihood[stage], likelihood)
            _select_rating(self.impact[stage], impact)

        self.treatment.blockSignals(True)
        self.treatment.clear()
        if snap.treatment is None:  # the service can set an option, not unset one
            self.treatment.addItem("Not decided yet", None)
        for option, words in TREATMENT_WORDS.items():
            self.treatment.addItem(words, option)
        _select_data(self.treatment, snap.treatment)
        self.treatment.blockSignals(False)
        self.treatment_note.setPlainText(snap.treatment_note)
        self._update_treatment()
        self._show_analysis()

        overridden = bool(snap.override_reason)
        self.override.setChecked(overridden)
        start = snap.next_review if overridden and snap.next_review else self.today
        self.override_date.setDate(QDate(start.year, start.month, start.day))
        self.override_reason.setText(snap.override_reason)
        self.message.clear()
        self.update_hints()

    def _show_analysis(self) -> None:
        """The threat, vulnerability, C/I/A, assets, controls and actions as read."""
        snap = self.snapshot
        for combo, items, chosen, name in (
            (self.threat, self.choices.threats, snap.threat_id, snap.threat),
            (self.vulnerability, self.choices.vulnerabilities, snap.vulnerability_id,
             snap.vulnerability),
        ):
            combo.blockSignals(True)
            combo.clear()
            combo.addItem("Not chosen", None)
            for item in items:
                combo.addItem(item.text, item.id)
            if chosen is not None and combo.findData(chosen) < 0:
                combo.addItem(str(name), chosen)
            _select_data(combo, chosen)
            combo.blockSignals(False)
        for letter, box in self.affects.items():
            box.setChecked(letter in snap.affects)
        self.asset_list.set_items(
            [(f"{a.ref} {a.name}" + (" (retired)" if a.status == "retired" else ""), a.id)
             for a in snap.linked_assets])
        self.existing_controls.setPlainText(snap.existing_controls)
        self.control_list.set_items([(f"{c.ref} {c.title}", c.id)
                                     for c in snap.linked_controls])
        self._show_actions(snap)

    def _show_actions(self, snap: RiskSnapshot) -> None:
        self.action_list.set_rows([
            (a.id, (a.title, a.owner or "—", a.due.isoformat() if a.due else "—",
                    _sentence(a.status)))
            for a in snap.actions])
        retired = snap.status == "retired"
        self.add_action_button.setEnabled(not retired)
        if retired:
            self.add_action_button.setToolTip("A retired risk takes no new treatment actions")

    def _threat_chosen(self) -> None:
        """A threat says what it usually affects: tick that while nothing is ticked yet."""
        chosen = self.threat.currentData()
        if chosen is None or any(box.isChecked() for box in self.affects.values()):
            return
        for item in self.choices.threats:
            if item.id == chosen:
                for letter, box in self.affects.items():
                    box.setChecked(letter in item.affects)

    def _assets_changed(self) -> None:
        """The impact is suggested from the assets as saved: say so once they are changed."""
        saved = self.asset_list.ids() == self.saved_values["asset_ids"]
        self.suggest_button.setEnabled(bool(self.snapshot.assets) and saved)
        self.suggest_button.setToolTip(
            "Save the new assets first: the suggestion reads the assets as saved" if not saved
            else "Set the inherent impact from the highest C, I or A rating of the risk's assets"
            if self.snapshot.assets else "The risk is not linked to any asset to suggest from")

    def affects_letters(self) -> str:
        return "".join(letter for letter, box in self.affects.items() if box.isChecked())

    def _fill_owner(self) -> None:
        """"No owner", then the people who can own the risk; an owner who has left is shown as
        such rather than dropped (the services refuse them as the owner of a changed risk)."""
        snap = self.snapshot
        self.owner.blockSignals(True)
        self.owner.clear()
        self.owner.addItem("No owner", None)
        for person_id, name in self.people:
            self.owner.addItem(name, person_id)
        if snap.owner_id is not None and self.owner.findData(snap.owner_id) < 0:
            self.owner.addItem(f"{snap.owner} (has left)", snap.owner_id)
            self.owner.setItemData(self.owner.count() - 1, "No longer active: choose a new owner",
                                   Qt.ItemDataRole.ToolTipRole)
        _select_data(self.owner, snap.owner_id)
        self.owner.blockSignals(False)

    def details(self) -> tuple[str, str, int | None]:
        """Title, description and owner id as the fields stand (words trimmed, as saved)."""
        return (self.title_edit.text().strip(), self.description_edit.toPlainText().strip(),
                self.owner.currentData())

    def ratings(self) -> dict[str, Rating]:
        """The ratings as the combos stand (likelihood, impact), per stage."""
        return {stage: (self.likelihood[stage].currentData(), self.impact[stage].currentData())
                for stage in STAGES}

    def levels(self) -> Levels:
        """The levels of the ratings as they stand (None for a stage not rated, or half rated)."""
        found: list[Level | None] = []
        for likelihood, impact in self.ratings().values():
            both = likelihood is not None and impact is not None
            found.append(self.criteria.level(likelihood, impact) if both else None)
        return Levels(*found)

    def problems(self) -> list[tuple[str, QWidget]]:
        """What a save would be refused for that is cheap to see now: (message, field)."""
        found: list[tuple[str, QWidget]] = []
        if not self.title_edit.text().strip():
            found.append(("Give the risk a title.", self.title_edit))
        for stage, (likelihood, impact) in self.ratings().items():
            if (likelihood is None) != (impact is None):
                missing = self.impact[stage] if impact is None else self.likelihood[stage]
                found.append((f"Give both likelihood and impact for the {stage} rating, "
                              "or neither.", missing))
        if self.override.isChecked() and not self.override_reason.text().strip():
            found.append(("Say why the review departs from the cadence.", self.override_reason))
        return found

    def update_hints(self) -> None:
        ratings = self.ratings()
        levels = self.levels()
        for stage in STAGES:
            likelihood, impact = ratings[stage]
            half = (likelihood is None) != (impact is None)
            level = getattr(levels, stage)
            self.chips[stage].set_level(level, "Incomplete" if half else "Not rated")
            above = self.criteria.above_appetite(level)
            self.appetite_labels[stage].setText("Above appetite" if above else "")
            self.appetite_labels[stage].setToolTip("")
        if levels.target_without_plan(self.criteria, self._open_actions):
            label = self.appetite_labels["residual"]
            label.setText("Target without a plan")
            label.setToolTip("Today's level is above the appetite and no open treatment action "
                             "is to bring it to this target: add actions, re-score the current "
                             "level once the actions done have worked, or accept the risk at "
                             "its current level.")
        self.heat_map.set_marks({
            stage: (li, im) if li is not None and im is not None else None
            for stage, (li, im) in ratings.items()
        })
        self.override_date.setEnabled(self.override.isChecked())
        self.override_reason.setEnabled(self.override.isChecked())
        when, why = self.planned_review(levels)
        self.review_value.setText(when.isoformat() if when else "—")
        self.review_why.setText(why)
        # Each problem is said beside its field: the title's in the heading, the rest here.
        problems = self.problems()
        self.title_hint.setText(" ".join(t for t, field in problems if field is self.title_edit))
        self.title_hint.setVisible(bool(self.title_hint.text()))
        self.hint_label.setText("\n".join(t for t, field in problems
                                          if field is not self.title_edit))
        self.hint_label.setVisible(bool(self.hint_label.text()))  # no gap while all is well
        withdrawing = " and ".join(what for what, changed in (
            ("new scores", ratings != self.snapshot.ratings),
            ("a new owner", self.owner.currentData() != self.snapshot.owner_id),
        ) if changed)
        if self.snapshot.acceptance:
            self.acceptance_note.setText(
                f"{self.snapshot.acceptance}. Saving {withdrawing} withdraws that acceptance."
                if withdrawing else f"{self.snapshot.acceptance}."
            )
            self.acceptance_note.setStyleSheet(f"color: {WARNING_TEXT};" if withdrawing else "")
        elif self.snapshot.awaiting:  # recorded for the owner, not accepted until they confirm
            self.acceptance_note.setText("; ".join(
                text[:1].upper() + text[1:] for text in self.snapshot.awaiting) + ".")
        self.acceptance_note.setVisible(bool(self.snapshot.acceptance or self.snapshot.awaiting))

    def planned_review(self, levels: Levels) -> tuple[date | None, str]:
        """The next review a save would give, and why (``services.risks.planned_review``)."""
        override: date | None = (self.override_date.date().toPython()  # type: ignore[assignment]
                                 if self.override.isChecked() else None)
        unchanged = self.ratings() == self.snapshot.ratings and not self.snapshot.override_reason
        return risk_service.planned_review(
            self.criteria, levels, self.today, override=override, rescored=not unchanged,
            scheduled=self.snapshot.next_review)

    def _update_treatment(self) -> None:
        decided = self.treatment.currentData() is not None
        self.treatment_note.setEnabled(decided)
        self.treatment_note.setPlaceholderText(
            "How the risk is treated, or why it is retained" if decided
            else "Choose an option first"
        )

    # --- actions ---------------------------------------------------------------------------

    def suggest_impact(self) -> None:
        """Set the inherent impact from the risk's assets (``services.risks.suggest_impact``)."""
        with self._register.session() as session:
            suggested = reads.suggested_impact(session, self._risk_id)
        if suggested is None:
            self.suggestion_label.setText("None of the risk's assets has a C, I or A rating yet.")
            return
        _select_data(self.impact["inherent"], suggested)
        label = self.criteria.impact[suggested - 1].label
        self.suggestion_label.setText(
            f"Inherent impact set to {suggested} ({label}) from the assets' highest C/I/A rating."
        )

    def values(self) -> dict[str, Any]:
        """What the form would save, field by field (for the conflict dialog)."""
        title, description, owner_id = self.details()
        overridden = self.override.isChecked()
        review: date | None = (self.override_date.date().toPython()  # type: ignore[assignment]
                               if overridden else None)
        return {
            "title": title, "description": description, "owner_id": owner_id,
            **{f"{stage}_{part}": value for stage, rating in self.ratings().items()
               for part, value in zip(("likelihood", "impact"), rating, strict=True)},
            "treatment_option": self.treatment.currentData(),
            "treatment_note": self.treatment_note.toPlainText().strip(),
            "review_date": review,
            "review_reason": self.override_reason.text().strip() if overridden else "",
            "threat_id": self.threat.currentData(),
            "vulnerability_id": self.vulnerability.currentData(),
            "affects": self.affects_letters(),
            "existing_controls": self.existing_controls.toPlainText().strip(),
            "asset_ids": self.asset_list.ids(),
            "control_ids": self.control_list.ids(),
        }

    def edited(self) -> dict[str, Any]:
        """Everything: the risk services work out what changed (scores, review, acceptance),
        and a save always checks the version."""
        return self.values()

    def field_widgets(self) -> dict[str, QWidget]:
        return {
            "title": self.title_edit, "description": self.description_edit,
            "owner_id": self.owner,
            **{f"{stage}_likelihood": self.likelihood[stage] for stage in STAGES},
            **{f"{stage}_impact": self.impact[stage] for stage in STAGES},
            "treatment_option": self.treatment, "treatment_note": self.treatment_note,
            "review_date": self.override_date, "review_reason": self.override_reason,
            "threat_id": self.threat, "vulnerability_id": self.vulnerability,
            "affects": self.affects_row, "existing_controls": self.existing_controls,
            "asset_ids": self.asset_list.list, "control_ids": self.control_list.list,
        }

    def _save(self, session: Session, edited: dict[str, Any]) -> edits.Saved:
        return edits.save_risk(session, self._risk_id, self.version, edited,
                               name=self.snapshot.ref, today=self.today)

    def field_widget(self, name: str) -> QWidget | None:
        """The input a ValidationError's ``field`` names ("residual_impact", "owner"...), on
        the tab it is on."""
        stage, _, part = name.partition("_")
        if stage in STAGES:
            found: QWidget | None = (self.likelihood[stage] if part == "likelihood"
                                     else self.impact[stage])
        else:
            found = {
                "title": self.title_edit, "description": self.description_edit,
                "owner": self.owner, "reason": self.override_reason,
            }.get(name) or self.field_widgets().get(name)
        self._show_tab_of(found)
        return found

    def describe(self, name: str, value: object) -> str:
        """Linked assets and controls by their reference and name, also those not listed in
        this editor (linked by someone else meanwhile)."""
        links = {"asset_ids": (self.asset_list, self.choices.assets),
                 "control_ids": (self.control_list, self.choices.controls)}
        if name in links and isinstance(value, list):
            shown, choices = links[name]
            known = {record_id: text for text, record_id in choices}
            known.update({record_id: text for text, record_id in shown.listed()})
            return "; ".join(known.get(i, f"no. {i}") for i in value) or "None"
        return super().describe(name, value)

    def _show_tab_of(self, widget: QWidget | None) -> None:
        for number in range(self.tabs.count()):
            page = self.tabs.widget(number)
            if widget is not None and page is not None and page.isAncestorOf(widget):
                self.tabs.setCurrentIndex(number)

    # --- treatment actions (saved at once, each its own change) -----------------------------

    def new_action(self) -> None:
        """Add action…: the action editor on an empty form; once saved, listed here."""
        from .action_editor import ActionEditor

        risk_id = self._risk_id
        if self.run_editor(lambda: ActionEditor.new(self._register, risk_id, self),
                           "treatment action"):
            self._reread_actions()

    def open_action(self, action_id: int) -> None:
        from .action_editor import ActionEditor

        if self.run_editor(lambda: ActionEditor(self._register, action_id, self),
                           "treatment action"):
            self._reread_actions()

    def _reread_actions(self) -> None:
        """The actions as saved now; the rest of the form keeps the user's edits (an action's
        save does not change the risk's version)."""
        with self._register.session() as session:
            snap = load_snapshot(session, self._risk_id)
        self._show_actions(snap)
        self._open_actions = _open_actions(snap)
        self.update_hints()

    @classmethod
    def ask(cls, register: Register, risk_id: int, parent: QWidget | None = None) -> bool:
        """Edit the risk modally; True when the user saved a change."""
        return cls(register, risk_id, parent).run()


def _open_actions(snap: RiskSnapshot) -> int:
    """How many of the risk's treatment actions are still to do (open or in progress)."""
    still = {str(status) for status in OPEN_ACTION}
    return sum(action.status in still for action in snap.actions)
