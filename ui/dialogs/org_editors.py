"""The person and department editors, on the shared record editor.

A person: name, e-mail, department, roles (ticked from ``Role``) and whether they are still
here (active). A department: code, name, the department it sits under, whether it is in the
ISMS scope, its accreditation status and a description. Saved through
``isms.services.records.update_person`` and ``update_department``; opened from the lists under
Settings → People… and Departments… (``ui.dialogs.org_lists``), each save one call into
``isms.services.edits``. Given no id, each editor makes a new record instead, through
``add_person`` / ``add_department`` (the same checks: a unique e-mail, a unique code and name);
``created`` is then its id.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QWidget,
)

from isms.db import Register
from isms.model import AccreditationStatus, Role
from isms.services import edits
from isms.services.edits import reads
from isms.services.read import queries

from ..widgets.check_list import tick, ticked
from .record_editor import Choices, RecordEditor, fill_combo, select, text_box

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


class _NewOrEdit(RecordEditor):
    """A record editor that, given no id, makes a new record (every field is then saved)."""

    #: The id of the record a "new" editor saved (None until then, and for an edit).
    created: int | None = None

    def __init__(
        self, register: Register, record_id: int | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(register, parent)
        self.record_id = record_id
        if record_id is None:
            self.save_button.setText("&Add")

    @property
    def is_new(self) -> bool:
        return self.record_id is None

    def edited(self) -> dict[str, Any]:
        return self.values() if self.is_new else super().edited()

    def window_title(self, what: str, name: str) -> str:
        return f"New {what.lower()} — isms" if self.is_new else f"{what} — {name} — isms"


class PersonEditor(_NewOrEdit):
    geometry_key = "person_editor"

    def __init__(
        self, register: Register, person_id: int | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(register, person_id, parent)
        self._read()
        self.name_edit = QLineEdit()
        self.name_edit.setMaxLength(200)
        self.name_edit.textChanged.connect(self.update_hints)
        self.email_edit = QLineEdit()
        self.email_edit.setMaxLength(254)
        self.department_combo = QComboBox()
        self.roles_list = QListWidget()
        self.roles_list.setToolTip("Tick the roles the person holds")
        self.active_check = QCheckBox("Still with the council (active)")
        self.active_check.setToolTip("Someone who has left cannot be newly given an owner's "
                                     "or decider's part")
        self.verified_check = QCheckBox("Verified (who this is has been confirmed)")
        self.verified_check.setToolTip("An import makes a person of a name or job title it does "
                                       "not know, unverified: tick once you know who it is")
        for widget, name in ((self.name_edit, "Name"), (self.email_edit, "E-mail"),
                             (self.department_combo, "Department"),
                             (self.roles_list, "Roles"), (self.active_check, "Active"),
                             (self.verified_check, "Verified")):
            widget.setAccessibleName(name)
        form = QFormLayout()
        form.addRow("&Name:", self.name_edit)
        form.addRow("&E-mail:", self.email_edit)
        form.addRow("&Department:", self.department_combo)
        form.addRow("&Roles:", self.roles_list)
        form.addRow("", self.active_check)
        form.addRow("", self.verified_check)
        self.finish(form, self.name_edit, 480, 440)

    @property
    def person_id(self) -> int | None:
        return self.record_id

    def _read(self) -> None:
        with self._register.session() as session:
            self.departments: Choices = tuple(
                (f"{d.code} {d.name}", d.id) for d in queries.departments(session))
            read = reads.person(session, self.person_id)
        self.version, self.saved_values = read.version, dict(read.values)

    def _show(self) -> None:
        values = self.saved_values
        self.setWindowTitle(self.window_title("Person", values["name"]))
        self.name_edit.setText(values["name"])
        self.email_edit.setText(values["email"])
        fill_combo(self.department_combo, self.departments, "None")
        select(self.department_combo, values["department_id"])
        self.roles_list.clear()
        for role in Role:
            item = QListWidgetItem(role.value.capitalize())
            item.setData(Qt.ItemDataRole.UserRole, role.value)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if role.value in values["roles"]
                               else Qt.CheckState.Unchecked)
            self.roles_list.addItem(item)
        self.active_check.setChecked(values["active"])
        self.verified_check.setChecked(values["verified"])

    def ticked_roles(self) -> list[str]:
        return [str(v) for v in ticked(self.roles_list)]

    def tick_role(self, role: Role, on: bool = True) -> None:
        tick(self.roles_list, role.value, on)

    def values(self) -> dict[str, Any]:
        return {
            "name": self.name_edit.text().strip(),
            "email": self.email_edit.text().strip(),
            "department_id": self.department_combo.currentData(),
            "roles": self.ticked_roles(),
            "active": self.active_check.isChecked(),
            "verified": self.verified_check.isChecked(),
        }

    def problems(self) -> list[tuple[str, QWidget]]:
        if not self.name_edit.text().strip():
            return [("A person needs a name.", self.name_edit)]
        return []

    def field_widgets(self) -> dict[str, QWidget]:
        return {"name": self.name_edit, "email": self.email_edit,
                "department_id": self.department_combo, "roles": self.roles_list,
                "active": self.active_check, "verified": self.verified_check}

    def record_name(self) -> str:
        return str(self.saved_values.get("name") or "the person")

    def _save(self, session: Session, edited: dict[str, Any]) -> edits.Saved:
        if self.person_id is None:
            added = edits.add_person(session, edited)
            self.created = added.record_id
            return added
        return edits.save(session, "person", self.person_id, self.version, edited)

    @classmethod
    def ask(
        cls, register: Register, person_id: int | None = None, parent: QWidget | None = None
    ) -> bool:
        """Edit the person (or, given no id, add one) modally; True when a save was made."""
        return cls(register, person_id, parent).run()


class DepartmentEditor(_NewOrEdit):
    geometry_key = "department_editor"

    def __init__(
        self, register: Register, department_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(register, department_id, parent)
        self._read()
        self.code_edit = QLineEdit()
        self.code_edit.setMaxLength(16)
        self.code_edit.textChanged.connect(self.update_hints)
        self.name_edit = QLineEdit()
        self.name_edit.setMaxLength(200)
        self.name_edit.textChanged.connect(self.update_hints)
        self.parent_combo = QComboBox()
        self.parent_combo.setToolTip("The department this one sits under")
        self.in_scope_check = QCheckBox("In the scope of the ISMS")
        self.accreditation_combo = QComboBox()
        for status in AccreditationStatus:
            self.accreditation_combo.addItem(status.value.capitalize(), status.value)
        self.description_edit = text_box(3, self)
        for widget, name in ((self.code_edit, "Code"), (self.name_edit, "Name"),
                             (self.parent_combo, "Parent"), (self.in_scope_check, "In scope"),
                             (self.accreditation_combo, "Accreditation"),
                             (self.description_edit, "Description")):
            widget.setAccessibleName(name)
        form = QFormLayout()
        form.addRow("&Code:", self.code_edit)
        form.addRow("&Name:", self.name_edit)
        form.addRow("&Under:", self.parent_combo)
        form.addRow("", self.in_scope_check)
        form.addRow("&Accreditation:", self.accreditation_combo)
        form.addRow("&Description:", self.description_edit)
        self.finish(form, self.code_edit, 520, 360)

    @property
    def department_id(self) -> int | None:
        return self.record_id

    def _read(self) -> None:
        with self._register.session() as session:
            # Every other department is offered; the services refuse one under this one.
            self.parents: Choices = tuple(
                (f"{d.code} {d.name}", d.id) for d in queries.departments(session)
                if d.id != self.department_id)
            read = reads.department(session, self.department_id)
        self.version, self.saved_values = read.version, dict(read.values)

    def _show(self) -> None:
        values = self.saved_values
        self.setWindowTitle(self.window_title("Department", f"{values['code']} {values['name']}"))
        self.code_edit.setText(values["code"])
        self.name_edit.setText(values["name"])
        fill_combo(self.parent_combo, self.parents, "None (top level)")
        select(self.parent_combo, values["parent_id"])
        self.in_scope_check.setChecked(values["in_scope"])
        select(self.accreditation_combo, values["accreditation_status"])
        self.description_edit.setPlainText(values["description"])

    def values(self) -> dict[str, Any]:
        return {
            "code": self.code_edit.text().strip(),
            "name": self.name_edit.text().strip(),
            "parent_id": self.parent_combo.currentData(),
            "in_scope": self.in_scope_check.isChecked(),
            "accreditation_status": self.accreditation_combo.currentData(),
            "description": self.description_edit.toPlainText().strip(),
        }

    def problems(self) -> list[tuple[str, QWidget]]:
        if not self.code_edit.text().strip():
            return [("A department needs a code.", self.code_edit)]
        if not self.name_edit.text().strip():
            return [("A department needs a name.", self.name_edit)]
        return []

    def field_widgets(self) -> dict[str, QWidget]:
        return {"code": self.code_edit, "name": self.name_edit, "parent_id": self.parent_combo,
                "in_scope": self.in_scope_check,
                "accreditation_status": self.accreditation_combo,
                "description": self.description_edit}

    def record_name(self) -> str:
        return f"department {self.saved_values.get('code', '')}".strip()

    def _save(self, session: Session, edited: dict[str, Any]) -> edits.Saved:
        if self.department_id is None:
            added = edits.add_department(session, edited)
            self.created = added.record_id
            return added
        return edits.save(session, "department", self.department_id, self.version, edited)

    @classmethod
    def ask(
        cls, register: Register, department_id: int | None = None,
        parent: QWidget | None = None,
    ) -> bool:
        """Edit the department (or, given no id, add one) modally; True when a save was
        made."""
        return cls(register, department_id, parent).run()
