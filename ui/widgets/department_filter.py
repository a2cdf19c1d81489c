"""The toolbar's department filter: "Whole council" or one department, for every page."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QSizePolicy, QWidget

from isms.db import Register
from isms.services.read import queries

from ..settings import DEPARTMENT

if TYPE_CHECKING:
    from PySide6.QtCore import QSettings

WHOLE_COUNCIL = "Whole council"


class DepartmentFilter(QComboBox):
    """Lists the register's departments; remembers the choice (by code) in the UI settings."""

    #: The chosen department's id, or None for the whole council.
    departmentChanged = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Department filter")
        self.setToolTip("Show the whole council or one department on every page")
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.currentIndexChanged.connect(self._changed)
        self._codes: list[str | None] = []

    def load(self, register: Register) -> None:
        """Fill the list from ``register`` and select the department chosen last time (quietly:
        the caller queries once with ``department()`` afterwards)."""
        with register.session() as session:
            departments = [(d.id, d.code, d.name) for d in queries.departments(session)]
        saved = DEPARTMENT.get()
        self.blockSignals(True)
        try:
            self.clear()
            self._codes = [None]
            self.addItem(WHOLE_COUNCIL, None)
            for department_id, code, name in departments:
                self.addItem(f"{name} ({code})", department_id)
                self._codes.append(code)
            self.setCurrentIndex(self._codes.index(saved) if saved in self._codes else 0)
        finally:
            self.blockSignals(False)

    def department(self) -> int | None:
        value = self.currentData()
        return value if isinstance(value, int) else None

    def department_code(self) -> str | None:
        index = self.currentIndex()
        return self._codes[index] if 0 <= index < len(self._codes) else None

    def select(self, department_id: int | None) -> None:
        """Choose a department by id (None: the whole council); emits ``departmentChanged``."""
        index = self.findData(department_id) if department_id is not None else 0
        self.setCurrentIndex(max(index, 0))

    def save(self, store: QSettings | None = None) -> None:
        DEPARTMENT.set(self.department_code() or "", store)

    def _changed(self, _index: int) -> None:
        self.departmentChanged.emit(self.department())
