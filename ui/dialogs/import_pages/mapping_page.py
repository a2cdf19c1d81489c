"""Third page: which column of the file goes into which field of the register."""

from __future__ import annotations

import copy

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QWidget,
)

from isms.errors import Cancelled, IsmsError, ValidationError
from isms.io.importing.mapping import column_letter
from isms.io.importing.plan import ImportPlan
from isms.io.importing.value_map import ValueMap

from ...operations import run_with_progress
from ...widgets.message_bar import MessageBar
from .base import ImportPage
from .state import ImportState, SheetLook, origin_text, plan_import, save_mapping

NOT_IMPORTED = "— not imported —"


class MappingPage(ImportPage):
    def __init__(self, state: ImportState, parent: QWidget | None = None) -> None:
        super().__init__(state, "Match the columns",
                         "Each column of the file goes into one field of the register, or is "
                         "left out. Save the mapping to have it used when the same layout "
                         "comes back.", parent)
        #: column index -> its "Import as" combo
        self.combos: dict[int, QComboBox] = {}
        self._built_for: tuple[object, ...] | None = None
        self._origin = ""

        self.origin = QLabel()
        self.origin.setAccessibleName("Where the mapping came from")
        self.grid_host = QWidget()
        self.grid = QGridLayout(self.grid_host)
        self.grid.setHorizontalSpacing(16)
        self.grid.setVerticalSpacing(4)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.StyledPanel)
        scroll.setWidget(self.grid_host)
        self.required = MessageBar()

        self.profile_name = QLineEdit()
        self.profile_name.setAccessibleName("Name of the saved mapping")
        self.profile_name.setPlaceholderText("e.g. env-iar")
        self.profile_name.returnPressed.connect(self.save_mapping)
        save_label = QLabel("Sa&ve this mapping as:")
        save_label.setBuddy(self.profile_name)
        self.save_button = QPushButton("&Save mapping")
        self.save_button.setToolTip("Remember this mapping for files with the same column names")
        self.save_button.clicked.connect(self.save_mapping)
        save_row = QHBoxLayout()
        save_row.addWidget(save_label)
        save_row.addWidget(self.profile_name)
        save_row.addWidget(self.save_button)
        save_row.addStretch(1)

        self.body.addWidget(self.origin)
        self.body.addWidget(scroll, 1)
        self.body.addWidget(self.required)
        self.body.addLayout(save_row)

    def initializePage(self) -> None:  # noqa: N802 - Qt API
        """Build the rows for the sheet chosen; coming back to the same sheet keeps the edits."""
        state = self.state
        look = state.look
        assert look is not None
        key = (state.path, state.kind, look.sheet, look.header, state.department_id)
        if key != self._built_for:
            self._built_for = key
            state.mapping, state.mapping_changed = dict(look.mapping), False
            state.value_map = copy.deepcopy(look.value_map)
            self._origin = look.origin
            self._build(look)
            if look.origin.startswith("profile "):
                self.profile_name.setText(look.origin.removeprefix("profile "))
                state.profile_name = self.profile_name.text()
        self._show_state()

    def _build(self, look: SheetLook) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.combos = {}
        for column, title in enumerate(("Column", "Heading in the file", "Import as",
                                        "Sample values")):
            self.grid.addWidget(QLabel(f"<b>{title}</b>"), 0, column)
        names = look.header.names
        muted = self.palette()
        text = muted.color(QPalette.ColorRole.WindowText)
        text.setAlphaF(0.7)
        muted.setColor(QPalette.ColorRole.WindowText, text)
        shown = [i for i in range(len(names))
                 if names[i] or look.samples.get(i) or i in self.state.mapping]
        for line, index in enumerate(shown, start=1):
            letter = QLabel(column_letter(index))
            letter.setAlignment(Qt.AlignmentFlag.AlignCenter)
            heading = QLabel(names[index] or "(no heading)")
            heading.setEnabled(bool(names[index]))
            samples = QLabel(" · ".join(look.samples.get(index, [])))
            samples.setPalette(muted)  # examples to recognise the column by, not to act on
            combo = self._combo(index, names[index])
            self.combos[index] = combo
            for column, part in enumerate((letter, heading, combo, samples)):
                self.grid.addWidget(part, line, column)
        self.grid.setColumnStretch(3, 1)
        self.grid.setRowStretch(len(shown) + 1, 1)

    def _combo(self, index: int, heading: str) -> QComboBox:
        combo = QComboBox()
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        combo.setAccessibleName(f"Import column {column_letter(index)} as")
        combo.addItem(NOT_IMPORTED, "")
        for f in self.state.fields:
            combo.addItem(f.label + (" (required)" if f.required else ""), f.key)
            combo.setItemData(combo.count() - 1, f.help, Qt.ItemDataRole.ToolTipRole)
        combo.setCurrentIndex(max(combo.findData(self.state.mapping.get(index, "")), 0))
        combo.setToolTip(f"Which field column {column_letter(index)} ({heading or 'no heading'})"
                         " fills in")
        combo.currentIndexChanged.connect(lambda _n: self.set_field(index, combo.currentData()))
        return combo

    # --- changing the mapping --------------------------------------------------------------

    def set_field(self, index: int, key: str) -> None:
        """Column ``index`` now fills ``key`` ("" for none); a field comes from one column only,
        so a column that held it before is left out (and the user told)."""
        state = self.state
        self.message.clear()
        if key:
            for other, held in list(state.mapping.items()):
                if held == key and other != index:
                    del state.mapping[other]
                    combo = self.combos.get(other)
                    if combo is not None:
                        combo.blockSignals(True)
                        combo.setCurrentIndex(0)
                        combo.blockSignals(False)
                    self.message.info(f"{self._label(key)} now comes from column "
                                      f"{column_letter(index)}; column {column_letter(other)} "
                                      "is no longer imported.")
            state.mapping[index] = key
        else:
            state.mapping.pop(index, None)
        if index in self.combos and self.combos[index].currentData() != key:
            self.combos[index].setCurrentIndex(max(self.combos[index].findData(key), 0))
        state.mapping_changed = True
        state.plan = None
        self._show_state()

    def _label(self, key: str) -> str:
        return next((f.label for f in self.state.fields if f.key == key), key)

    def _show_state(self) -> None:
        self.origin.setText(origin_text(self._origin, self.state.mapping_changed))
        missing = self.state.missing()
        if missing:
            self.required.error("Not mapped yet, and needed: " + "; ".join(missing) + ".")
        else:
            self.required.clear()
        self.completeChanged.emit()

    def save_mapping(self) -> None:
        state, look = self.state, self.state.look
        assert look is not None
        name = self.profile_name.text().strip()
        if not name:
            self.message.error("Give the mapping a name to save it under.",
                               focus=self.profile_name)
            return
        try:
            save_mapping(state, name)
        except IsmsError as exc:
            self.message.error(str(exc), focus=self.profile_name)
            return
        self._origin, state.mapping_changed = f"profile {name}", False
        state.profile_name = name
        self._show_state()
        self.message.info(f"Saved the mapping '{name}': files with these column headings will "
                          "use it.")

    # --- leaving the page ------------------------------------------------------------------

    def isComplete(self) -> bool:  # noqa: N802 - Qt API
        return not self.state.missing()

    def validatePage(self) -> bool:  # noqa: N802 - Qt API
        """Read every row against the mapping (nothing is written): the preview.

        Value choices that no longer fit the register (a saved profile's marking since
        renamed...) are dropped and the file read again, so the values page lists those values
        to be chosen afresh, rather than leaving the user stuck on a page with no way to fix
        them."""
        state = self.state
        try:
            state.plan = self._plan()
        except ValidationError as exc:
            if exc.field != "value" or not state.value_map:
                self.message.error(str(exc))
                return False
            state.value_map = ValueMap()
            try:
                state.plan = self._plan()
            except Cancelled:
                self.message.info("Stopped reading the file. Nothing was changed.")
                return False
            except IsmsError as again:
                self.message.error(str(again))
                return False
            self.message.clear()
            state.values_note = (f"The value choices saved with the mapping no longer fit the "
                                 f"register ({exc}); they are left out: choose again below.")
            return True
        except Cancelled:
            self.message.info("Stopped reading the file. Nothing was changed.")
            return False
        except IsmsError as exc:
            self.message.error(str(exc))
            return False
        self.message.clear()
        return True

    def _plan(self) -> ImportPlan:
        request = self.state.request()
        return run_with_progress(
            self, "Checking the file", f"Reading {request.path.name}…",
            lambda progress: plan_import(request, progress), cancellable=True,
        )
