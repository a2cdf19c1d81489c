"""Between the mapping and the preview: the values the register does not recognise as written.

Each distinct value of a fixed-vocabulary column (marking, type, owner, department, ratings,
yes/no...) that the register does not know is listed once, with how many rows have it and what
it most likely is (``isms.services.imports.value_choices``: the 2014 transition guidance for
"PROTECT", the nearest person, "a new person" for a job title...). The user confirms the
proposal, picks another target, has the person or department created, or leaves the value
unmapped. The choices (a ``ValueMap``) are read into the preview, and saved with the mapping.

The table is a model; its Map to cells show a combo box each while there are few values, and
one only in the cell being edited when there are many (a council file can name thousands of
owners, far too many for a combo box per row). The combo boxes of one field share one list of
targets.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from isms.errors import Cancelled, IsmsError
from isms.io.importing.value_map import (
    NEW_DEPARTMENT,
    NEW_PERSON,
    Target,
    UnrecognisedValue,
    ValueMap,
)
from isms.services.imports import value_choices

from ...operations import run_with_progress
from .base import ImportPage
from .state import ImportState, plan_import, rows_text, save_mapping

UNMAPPED = "— leave unmapped —"
#: Up to this many values each Map to cell shows its combo box; beyond, the edited one only.
OPEN_COMBOS = 300
#: How the targets that create a record are offered.
CREATING = {NEW_PERSON: "Create as a new person (unverified)",
            NEW_DEPARTMENT: "Create as a new department"}
COLUMNS = ("Column", "Value as written", "Rows", "Proposal", "Map to")
COLUMN, WRITTEN, ROWS, PROPOSAL, MAP_TO = range(len(COLUMNS))
#: The role under which a target list's items hold their target ("" for unmapped).
TARGET_ROLE = Qt.ItemDataRole.UserRole

Index = QModelIndex | QPersistentModelIndex


@dataclass
class ValueRow:
    value: UnrecognisedValue
    choice: str | None  # a target's value; None: left unmapped


class ValuesModel(QAbstractTableModel):
    """One row per unrecognised value; the Map to column is the user's choice."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[ValueRow] = []
        #: field key -> target value -> how it is shown
        self.labels: dict[str, dict[str, str]] = {}

    def set_values(self, found: Sequence[UnrecognisedValue],
                   labels: dict[str, dict[str, str]]) -> None:
        """Show ``found``, each chosen as the plan read it (a saved choice, or unmapped)."""
        self.beginResetModel()
        self.rows = [ValueRow(value, value.chosen) for value in found]
        self.labels = labels
        self.endResetModel()

    def label(self, field_key: str, target: str | None) -> str:
        if target is None:
            return UNMAPPED
        return CREATING.get(target) or self.labels.get(field_key, {}).get(target) or target

    # --- Qt model ------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(  # noqa: N802 - Qt API
        self, section: int, orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        value, column = row.value, index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (f"{value.column}  {value.header}", value.written, f"{value.rows:,}",
                    self.label(value.field, value.proposal) if value.proposal else "",
                    self.label(value.field, row.choice))[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == PROPOSAL and value.proposal:
                return value.proposal_reason or None
            if column in (WRITTEN, MAP_TO):
                return value.problem
        if role == Qt.ItemDataRole.EditRole and column == MAP_TO:
            return row.choice or ""
        if role == Qt.ItemDataRole.TextAlignmentRole and column == ROWS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        return flags | Qt.ItemFlag.ItemIsEditable if index.column() == MAP_TO else flags

    def setData(  # noqa: N802 - Qt API
        self, index: Index, value: object, role: int = Qt.ItemDataRole.EditRole
    ) -> bool:
        if role != Qt.ItemDataRole.EditRole or index.column() != MAP_TO:
            return False
        self.choose(index.row(), str(value) if value else None)
        return True

    # --- choices -------------------------------------------------------------------------

    def choose(self, row: int, target: str | None) -> None:
        self.rows[row].choice = target
        changed = self.index(row, MAP_TO)
        self.dataChanged.emit(changed, changed)

    def accept_proposals(self) -> int:
        """Choose every proposal; how many choices that changed."""
        return self._choose_all(lambda row: row.value.proposal or row.choice)

    def leave_all_unmapped(self) -> int:
        return self._choose_all(lambda row: None)

    def _choose_all(self, choice: Callable[[ValueRow], str | None]) -> int:
        """Set every row's choice at once (one repaint, however many rows)."""
        changed = 0
        for row in self.rows:
            chosen = choice(row)
            if row.choice != chosen:
                row.choice = chosen
                changed += 1
        if changed:
            self.dataChanged.emit(self.index(0, MAP_TO), self.index(len(self.rows) - 1, MAP_TO))
        return changed

    def value_map(self) -> ValueMap:
        chosen = ValueMap()
        for row in self.rows:
            if row.choice is not None:
                chosen.choose(row.value.field, row.value.written, row.choice)
        return chosen

    def mapped(self) -> int:
        return sum(row.choice is not None for row in self.rows)


class TargetDelegate(QStyledItemDelegate):
    """The Map to cell, while edited: a combo box of the field's targets."""

    def __init__(self, page: ValuesPage) -> None:
        super().__init__(page)
        self._page = page

    def createEditor(  # noqa: N802 - Qt API
        self, parent: QWidget, option: QStyleOptionViewItem, index: Index
    ) -> QWidget:
        combo = QComboBox(parent)
        row = self._page.model.rows[index.row()]
        combo.setAccessibleName(f"Map '{row.value.written}' (column {row.value.column}) to")
        combo.setModel(self._page.targets_model(row.value.field, row.value.proposal))
        combo.activated.connect(lambda _n: self._chosen(combo))
        return combo

    def _chosen(self, combo: QComboBox) -> None:
        self.commitData.emit(combo)
        self.closeEditor.emit(combo)

    def setEditorData(self, editor: QWidget, index: Index) -> None:  # noqa: N802 - Qt API
        assert isinstance(editor, QComboBox)
        current = index.data(Qt.ItemDataRole.EditRole) or ""
        editor.setCurrentIndex(max(editor.findData(current, TARGET_ROLE), 0))

    def setModelData(  # noqa: N802 - Qt API
        self, editor: QWidget, model: QAbstractItemModel, index: Index
    ) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData(TARGET_ROLE) or "")


class ValuesPage(ImportPage):
    def __init__(self, state: ImportState, parent: QWidget | None = None) -> None:
        super().__init__(state, "Match the values",
                         "Values the register does not recognise as written, each listed once. "
                         "Confirm the proposal, choose what the value is, or leave it unmapped "
                         "(its rows then keep the problem the preview shows).", parent)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        # A council file can name thousands of owners: find one, or see what is left to do.
        self.find_edit = QLineEdit()
        self.find_edit.setAccessibleName("Find a value")
        self.find_edit.setPlaceholderText("Find a value or column")
        self.find_edit.setClearButtonEnabled(True)
        self.find_edit.textChanged.connect(lambda _text: self.filter_rows())
        self.only_unmapped = QCheckBox("Only those left &unmapped")
        self.only_unmapped.toggled.connect(lambda _on: self.filter_rows())
        find_row = QHBoxLayout()
        find_label = QLabel("&Find:")
        find_label.setBuddy(self.find_edit)
        find_row.addWidget(find_label)
        find_row.addWidget(self.find_edit, 1)
        find_row.addWidget(self.only_unmapped)
        self.model = ValuesModel(self)
        self.model.dataChanged.connect(lambda *_: self._show_counts())
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Values not recognised")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        self.table.setItemDelegateForColumn(MAP_TO, TargetDelegate(self))
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.table.selectionModel().currentRowChanged.connect(self._show_details)
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setAccessibleName("The selected value in full")

        self.accept_button = QPushButton("&Accept all proposals")
        self.accept_button.setToolTip("Map every value that has a proposal to it (people and "
                                      "departments proposed as new are created on import)")
        self.accept_button.clicked.connect(self.accept_proposals)
        self.clear_button = QPushButton("&Leave all unmapped")
        self.clear_button.clicked.connect(self.leave_all_unmapped)
        self.profile_name = QLineEdit()
        self.profile_name.setAccessibleName("Name of the saved mapping")
        self.profile_name.setPlaceholderText("e.g. env-iar")
        self.profile_name.returnPressed.connect(self.save_mapping)
        save_label = QLabel("Sa&ve the mapping and these values as:")
        save_label.setBuddy(self.profile_name)
        self.save_button = QPushButton("&Save mapping")
        self.save_button.setToolTip("Remember the columns and these value choices for files "
                                    "with the same column names")
        self.save_button.clicked.connect(self.save_mapping)
        buttons = QHBoxLayout()
        buttons.addWidget(self.accept_button)
        buttons.addWidget(self.clear_button)
        buttons.addStretch(1)
        buttons.addWidget(save_label)
        buttons.addWidget(self.profile_name)
        buttons.addWidget(self.save_button)

        self.body.addWidget(self.summary)
        self.body.addLayout(find_row)
        self.body.addWidget(self.table, 1)
        self.body.addWidget(self.details)
        self.body.addLayout(buttons)
        #: field key -> its targets, shared by the combo boxes of that field
        self._targets: dict[str, QStandardItemModel] = {}

    def initializePage(self) -> None:  # noqa: N802 - Qt API
        plan = self.state.plan
        assert plan is not None
        self.message.clear()
        if self.state.values_note:
            self.message.info(self.state.values_note)
            self.state.values_note = ""
        found = plan.unrecognised
        fields = sorted({value.field for value in found})
        try:
            with self.state.register.session() as session:
                targets = {key: value_choices.targets(session, self.state.kind, key)
                           for key in fields}
        except IsmsError as exc:
            self.message.error(f"Could not read what the values can be mapped to: {exc}")
            targets = {}
        self._targets = {key: self._target_list(listed) for key, listed in targets.items()}
        self.model.set_values(found, {key: {t.value: t.label for t in listed}
                                      for key, listed in targets.items()})
        if not self.profile_name.text():
            self.profile_name.setText(self.state.profile_name)
        if len(found) <= OPEN_COMBOS:
            for row in range(len(found)):
                self.table.openPersistentEditor(self.model.index(row, MAP_TO))
        self._fit_columns()
        self._show_counts()
        self.filter_rows()
        if self.model.rows:
            self.table.selectRow(0)

    @staticmethod
    def _target_list(targets: Sequence[Target]) -> QStandardItemModel:
        model = QStandardItemModel()
        for value, label in (("", UNMAPPED),
                             *((t.value, CREATING.get(t.value, t.label)) for t in targets)):
            item = QStandardItem(label)
            item.setData(value, TARGET_ROLE)
            model.appendRow(item)
        return model

    def targets_model(self, field_key: str, proposal: str | None) -> QStandardItemModel:
        """The targets of ``field_key`` for a combo box, the proposal among them."""
        model = self._targets.setdefault(field_key, self._target_list(()))
        if proposal and not model.findItems(self.model.label(field_key, proposal)):
            item = QStandardItem(self.model.label(field_key, proposal))
            item.setData(proposal, TARGET_ROLE)
            model.appendRow(item)
        return model

    def _fit_columns(self) -> None:
        metrics = self.table.fontMetrics()
        for column, sample in ((COLUMN, "AA  Security Classification"),
                               (WRITTEN, "Democratic Services Manager"), (ROWS, "Rows 00"),
                               (PROPOSAL, "Create as a new person (unverified)")):
            self.table.setColumnWidth(column, metrics.horizontalAdvance(sample) + 24)

    def _show_counts(self) -> None:
        rows = self.model.rows
        columns = len({row.value.column for row in rows})
        proposals = sum(row.value.proposal is not None for row in rows)
        mapped = self.model.mapped()
        self.summary.setText(
            f"{len(rows):,} value{'' if len(rows) == 1 else 's'} in {columns} "
            f"column{'' if columns == 1 else 's'} not recognised as written; "
            f"{proposals:,} with a proposal. {mapped:,} mapped, {len(rows) - mapped:,} left "
            "unmapped.")
        self.accept_button.setEnabled(any(row.value.proposal is not None
                                          and row.choice != row.value.proposal for row in rows))
        self.clear_button.setEnabled(mapped > 0)

    def filter_rows(self) -> None:
        """Show the values whose column or text holds what Find says (and, when ticked, only
        those left unmapped: looked at when the filter changes, so a value just mapped stays
        in view)."""
        wanted = self.find_edit.text().strip().casefold()
        unmapped_only = self.only_unmapped.isChecked()
        for number, row in enumerate(self.model.rows):
            value = row.value
            shown = (not wanted or wanted in f"{value.column} {value.header} {value.written}"
                     .casefold()) and not (unmapped_only and row.choice is not None)
            self.table.setRowHidden(number, not shown)

    def _show_details(self, current: QModelIndex) -> None:
        if not current.isValid():
            self.details.clear()
            return
        value = self.model.rows[current.row()].value
        text = (f"'{value.written}' in column {value.column} ({value.header}), "
                f"{rows_text(value.rows)}: {value.problem}")
        if value.proposal:
            text += (f"\nProposed: {self.model.label(value.field, value.proposal)}"
                     + (f" — {value.proposal_reason}." if value.proposal_reason else "."))
        if value.candidates:
            text += ("\nMore than one person has this name: " + "; ".join(value.candidates)
                     + ". Choose which, or leave it unmapped.")
        self.details.setText(text)

    # --- choosing ------------------------------------------------------------------------

    def choose(self, written: str, target: str | None, field_key: str | None = None) -> None:
        """Map the value ``written`` (of ``field_key``, when two fields have it) to ``target``
        (a target's value; None leaves it unmapped)."""
        for number, row in enumerate(self.model.rows):
            if row.value.written == written and field_key in (None, row.value.field):
                self.model.choose(number, target)

    def accept_proposals(self) -> None:
        changed = self.model.accept_proposals()
        self.message.info(f"Accepted {changed:,} proposal{'' if changed == 1 else 's'}: "
                          "Next shows the rows read with them.")

    def leave_all_unmapped(self) -> None:
        self.model.leave_all_unmapped()

    # --- reading the file again with the choices -------------------------------------------

    def _planned_with_choices(self) -> bool:
        """Read the rows again with the values as chosen, unless the preview already was;
        False (with the reason shown) when refused or cancelled."""
        state = self.state
        chosen = self.model.value_map()
        state.value_map = chosen
        if state.plan is not None and state.plan.value_map.as_json() == chosen.as_json():
            return True
        request = state.request()
        try:
            state.plan = run_with_progress(
                self, "Checking the file", f"Reading {request.path.name} with these values…",
                lambda progress: plan_import(request, progress), cancellable=True,
            )
        except Cancelled:
            self.message.info("Stopped reading the file. Nothing was changed.")
            return False
        except IsmsError as exc:  # e.g. a target the register no longer has
            self.message.error(str(exc))
            return False
        return True

    def save_mapping(self) -> None:
        name = self.profile_name.text().strip()
        if not name:
            self.message.error("Give the mapping a name to save it under.",
                               focus=self.profile_name)
            return
        if not self._planned_with_choices():
            return
        try:
            save_mapping(self.state, name)
        except IsmsError as exc:
            self.message.error(str(exc), focus=self.profile_name)
            return
        self.state.profile_name = name
        self.message.info(f"Saved the mapping '{name}' with these values: files with these "
                          "column headings will use them.")

    def cleanupPage(self) -> None:  # noqa: N802 - Qt API
        """Back to the mapping: the choices made so far are kept for when the page comes
        again (the mapping page reads the file with them)."""
        self.state.value_map = self.model.value_map()

    def validatePage(self) -> bool:  # noqa: N802 - Qt API
        if not self._planned_with_choices():
            return False
        self.message.clear()
        return True
