"""The local control editor: a requirement the council holds itself to beyond Annex A (PSN, CAF,
DSPT, a contract...), kept as a control of the local edition that the SoA and risk treatments
use like an Annex A one.

A new one (``LocalControlEditor.new``) is added with ``edits.add_local_control``; an edit is
``edits.save`` of the "local control" kind, recorded so Edit > Undo (and ``isms revert``) takes
it back. Annex A controls are the standard's text and are never edited here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QComboBox, QFormLayout, QLineEdit, QWidget

from isms.db import Register
from isms.services import edits, local_controls

from .record_editor import RecordEditor, text_box

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


class LocalControlEditor(RecordEditor):
    geometry_key = "local_control_editor"

    def __init__(
        self, register: Register, control_id: int | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(register, parent)
        self.control_id = control_id
        self._read()
        self.ref_edit = QLineEdit()
        self.ref_edit.setMaxLength(20)
        self.ref_edit.setPlaceholderText("Its own reference, e.g. PSN-3 (not an Annex A number)")
        self.title_edit = QLineEdit()
        self.title_edit.setMaxLength(300)
        self.source_combo = QComboBox()
        self.source_combo.setEditable(True)  # any other short source is taken as well
        self.source_combo.addItems(local_controls.SOURCES)
        self.source_combo.setToolTip("Where the requirement comes from (PSN, CAF, a contract…)")
        self.description_edit = text_box(4, self)
        for widget, name in ((self.ref_edit, "Reference"), (self.title_edit, "Title"),
                             (self.source_combo, "Source"),
                             (self.description_edit, "Description")):
            widget.setAccessibleName(name)
        for line in (self.ref_edit, self.title_edit):
            line.textChanged.connect(self.update_hints)
        self.source_combo.currentTextChanged.connect(self.update_hints)
        form = QFormLayout()
        form.addRow("&Reference:", self.ref_edit)
        form.addRow("&Title:", self.title_edit)
        form.addRow("&Source:", self.source_combo)
        form.addRow("&Description:", self.description_edit)
        if control_id is None:
            self.save_button.setText("&Add")
        self.finish(form, self.ref_edit if control_id is None else self.title_edit, 560, 320)

    @classmethod
    def new(cls, register: Register, parent: QWidget | None = None) -> LocalControlEditor:
        """The editor on an empty form: Add makes a local control."""
        return cls(register, None, parent)

    def _read(self) -> None:
        if self.control_id is None:
            self.version = 0
            self.saved_values = {"ref": "", "title": "", "description": "", "source": ""}
            return
        with self._register.session() as session:
            control = local_controls.local_control(session, self.control_id)
            self.version = control.version
            self.saved_values = local_controls.values(control)

    def record_name(self) -> str:
        return str(self.saved_values["ref"]) or "the new local control"

    def _show(self) -> None:
        values = self.saved_values
        self.setWindowTitle(f"Local control {values['ref']} — isms" if self.control_id
                            else "New local control — isms")
        self.ref_edit.setText(values["ref"])
        self.title_edit.setText(values["title"])
        self.title_edit.setCursorPosition(0)
        self.source_combo.setCurrentText(values["source"])
        self.description_edit.setPlainText(values["description"])

    def values(self) -> dict[str, Any]:
        return {"ref": self.ref_edit.text().strip(), "title": self.title_edit.text().strip(),
                "source": self.source_combo.currentText().strip(),
                "description": self.description_edit.toPlainText().strip()}

    def problems(self) -> list[tuple[str, QWidget]]:
        """What is missing (the services check again, and the rest: a reference taken...)."""
        values = self.values()
        return [(message, widget) for name, message, widget in (
            ("ref", "Give the control a reference of its own (e.g. PSN-3).", self.ref_edit),
            ("title", "Give the control a title.", self.title_edit),
            ("source", "Say where the requirement comes from.", self.source_combo),
        ) if not values[name]]

    def field_widgets(self) -> dict[str, QWidget]:
        return {"ref": self.ref_edit, "title": self.title_edit, "source": self.source_combo,
                "description": self.description_edit}

    def _save(self, session: Session, edited: dict[str, Any]) -> edits.Saved:
        if self.control_id is None:
            return edits.add_local_control(session, self.values())
        return edits.save(session, "local control", self.control_id, self.version, edited,
                          name=str(self.saved_values["ref"]))
