"""Settings → Handling rules: the marking x stage/channel -> safeguards matrix, rule by rule.

The table lists every rule; the form below edits the selected one (or a new one) and saves it
through ``services.handling.save_rule``, whose errors name the field to fix.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from isms.db import Register
from isms.errors import IsmsError, ValidationError
from isms.method.handling import SAFEGUARDS
from isms.model import HandlingChannel, HandlingStage
from isms.services import classification, handling

from ..models.handling_rules import HandlingRulesModel, RuleRow, load_rules
from ..widgets.check_list import ticked
from ..widgets.message_bar import MessageBar
from ..widgets.tables import read_only_table
from .base import RememberedDialog

NEW_RULE = RuleRow("", "", None, None, None, False, False, (), False, True)


def _sentence(value: object) -> str:
    text = str(value)
    return text[:1].upper() + text[1:]


class HandlingRulesDialog(RememberedDialog):
    """List, edit and add handling rules; ``ask()`` opens it and says whether any was saved."""

    geometry_key = "handling_rules_dialog"

    def __init__(self, register: Register, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Handling rules — isms")
        self._register = register
        self.saved_any = False
        self.loaded: RuleRow = NEW_RULE  # what the form showed before the user's edits

        self.model = HandlingRulesModel(self)
        self.table = self._make_table()
        self.message = MessageBar()
        form_box = self._form_box()

        self.new_button = QPushButton("&New rule")
        self.save_button = QPushButton("&Save rule")
        self.save_button.setToolTip("Save the rule (Ctrl+S)")
        self.revert_button = QPushButton("&Revert")
        self.new_button.clicked.connect(self.new_rule)
        self.save_button.clicked.connect(self.save_rule)
        self.revert_button.clicked.connect(lambda: self._show_rule(self.loaded))
        QShortcut(QKeySequence.StandardKey.Save, self, self.save_rule)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.new_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.revert_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ApplyRole)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(form_box)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.save_button.setDefault(True)  # Enter saves the rule being edited

        self._reload()
        if self.model.rowCount():
            self.table.selectRow(0)
            self.table.setFocus()  # arrow keys move through the rules from the start
        else:
            self.new_rule()
        self.restore_or_resize(1100, 640)

    # --- building ------------------------------------------------------------------------

    def _make_table(self) -> QTableView:
        table = read_only_table(self.model, "Handling rules", single=True)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        table.selectionModel().selectionChanged.connect(self._selection_changed)
        return table

    def _form_box(self) -> QGroupBox:
        self.form_box = QGroupBox("Rule")
        self.code = QLineEdit()
        self.code.setMaxLength(40)
        self.code.setPlaceholderText("e.g. HR-10")
        self.title = QLineEdit()
        self.title.setPlaceholderText("What the rule requires, in one sentence")
        self.marking = QComboBox()
        self.stage = QComboBox()
        self.stage.addItem("Any stage", None)
        for stage in HandlingStage:
            self.stage.addItem(_sentence(stage), stage)
        self.channel = QComboBox()
        self.channel.addItem("Any channel", None)
        for channel in HandlingChannel:
            self.channel.addItem(_sentence(channel), channel)
        self.personal = QCheckBox("Only assets holding &personal data")
        self.special = QCheckBox("Only assets holding special-&category data")
        self.prohibited = QCheckBox("&Not allowed at all, whatever the safeguards")
        self.active = QCheckBox("&Active (checked against the practices)")
        self.safeguards = QListWidget()
        self.safeguards.setAccessibleName("Required safeguards")
        for code, words in SAFEGUARDS.items():
            item = QListWidgetItem(_sentence(words))
            item.setData(Qt.ItemDataRole.UserRole, code)
            item.setToolTip(code)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.safeguards.addItem(item)
        self.safeguards.setFixedHeight(self.safeguards.sizeHintForRow(0) * len(SAFEGUARDS) + 6)

        for edit in (self.code, self.title):
            edit.textChanged.connect(self._update_state)
        for combo in (self.marking, self.stage, self.channel):
            combo.currentIndexChanged.connect(self._update_state)
        for box in (self.personal, self.special, self.prohibited, self.active):
            box.toggled.connect(self._update_state)
        self.safeguards.itemChanged.connect(self._update_state)

        covers = QFormLayout()
        covers.addRow("&Code:", self.code)
        covers.addRow("&Title:", self.title)
        covers.addRow("&Marking from:", self.marking)
        covers.addRow("Sta&ge:", self.stage)
        covers.addRow("C&hannel:", self.channel)
        covers.addRow("", self.personal)
        covers.addRow("", self.special)
        asks = QFormLayout()
        asks.addRow("Re&quires:", self.safeguards)
        asks.addRow("", self.prohibited)
        asks.addRow("", self.active)
        row = QHBoxLayout(self.form_box)
        row.addLayout(covers, 1)
        row.addSpacing(16)
        row.addLayout(asks, 1)
        return self.form_box

    # --- showing -------------------------------------------------------------------------

    def _reload(self, select: str | None = None) -> None:
        with self._register.session() as session:
            rows = load_rules(session)
            scheme = classification.current_scheme(session)
            labels = [m.label for m in scheme.markings]
            scheme_name = scheme.name
        self.model.set_rows(rows)
        self.marking.blockSignals(True)
        self.marking.clear()
        self.marking.addItem("Any marking", None)
        for label in labels:
            self.marking.addItem(f"{label} and above", label)
        self.marking.setToolTip(f"Markings of the {scheme_name} scheme, least sensitive first")
        self.marking.blockSignals(False)
        if select is not None:
            row = self.model.row_of(select)
            if row is not None:
                self.table.selectRow(row)

    def _selection_changed(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        rows = selected.indexes()
        if rows:
            self._show_rule(self.model.row(rows[0].row()))

    def _show_rule(self, rule: RuleRow) -> None:
        self.loaded = rule
        self.form_box.setTitle(f"Rule {rule.code}" if rule.code else "New rule")
        self.code.setText(rule.code)
        # The code is the rule's identity: changing it would make another rule, not rename.
        self.code.setReadOnly(bool(rule.code))
        self.title.setText(rule.title)
        self.title.setCursorPosition(0)
        if rule.min_marking and self.marking.findData(rule.min_marking) < 0:
            self.marking.addItem(f"{rule.min_marking} (not in the current scheme)",
                                 rule.min_marking)
        self.marking.setCurrentIndex(max(self.marking.findData(rule.min_marking), 0))
        self.stage.setCurrentIndex(max(self.stage.findData(rule.stage), 0))
        self.channel.setCurrentIndex(max(self.channel.findData(rule.channel), 0))
        self.personal.setChecked(rule.personal_data)
        self.special.setChecked(rule.special_category)
        self.prohibited.setChecked(rule.prohibited)
        self.active.setChecked(rule.active)
        for n in range(self.safeguards.count()):
            item = self.safeguards.item(n)
            wanted = item.data(Qt.ItemDataRole.UserRole) in rule.required
            item.setCheckState(Qt.CheckState.Checked if wanted else Qt.CheckState.Unchecked)
        self._update_state()

    def form_rule(self) -> RuleRow:
        """The rule as the form stands."""
        required = tuple(ticked(self.safeguards))
        return RuleRow(self.code.text().strip(), self.title.text().strip(),
                       self.marking.currentData(), self.stage.currentData(),
                       self.channel.currentData(), self.personal.isChecked(),
                       self.special.isChecked(), required, self.prohibited.isChecked(),
                       self.active.isChecked())

    def is_dirty(self) -> bool:
        return self.form_rule() != self.loaded

    def _update_state(self) -> None:
        dirty = self.is_dirty()
        self.save_button.setEnabled(dirty)
        self.revert_button.setEnabled(dirty)
        # While a rule has unsaved edits the list is held still, so they cannot be lost by a
        # stray click on another rule: save or revert first.
        self.table.setEnabled(not dirty)
        self.table.setToolTip("Save or revert the rule below first" if dirty else "")

    # --- actions -------------------------------------------------------------------------

    def new_rule(self) -> None:
        self.table.clearSelection()
        self._show_rule(NEW_RULE)
        self.code.setFocus()

    def save_rule(self) -> bool:
        rule = self.form_rule()
        try:
            with self._register.transaction() as session:
                saved = handling.save_rule(
                    session, rule.code, title=rule.title, stage=rule.stage,
                    channel=rule.channel, min_marking=rule.min_marking,
                    personal_data=rule.personal_data, special_category=rule.special_category,
                    required=list(rule.required), prohibited=rule.prohibited, active=rule.active,
                )
                code = saved.code
        except IsmsError as exc:
            self.message.error(str(exc), focus=self._field_widget(exc))
            return False
        self.saved_any = True
        self.loaded = rule  # no longer dirty, so the list may move again
        self._reload(select=code)
        self.message.info(f"Saved rule {code}. The findings list shows the effect at its next "
                          "refresh (F5).")
        return True

    def _field_widget(self, error: IsmsError) -> QWidget | None:
        if not isinstance(error, ValidationError):
            return None
        widgets: dict[str, QWidget] = {
            "code": self.code if not self.code.text().strip() else self.title,
            "required_safeguards": self.safeguards,
            "marking": self.marking,
        }
        return widgets.get(error.field or "")

    def reject(self) -> None:
        if self.is_dirty():
            answer = QMessageBox.question(
                self, "Unsaved rule", "Discard the changes to this rule?",
                QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Discard:
                return
        super().reject()

    @classmethod
    def ask(cls, register: Register, parent: QWidget | None = None) -> bool:
        """Open the dialog modally; True when a rule was saved (findings may have changed)."""
        dialog = cls(register, parent)
        dialog.run()
        return dialog.saved_any
