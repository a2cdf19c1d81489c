"""The document register's editor: a new policy, procedure, standard, guidance note or plan,
or a change to one. Its save is ONE call into ``isms.services.policies`` (the call `isms
policies add` / `update` makes), which checks the values and names the field it refuses; the
dialog stays open on a refusal, saying why, so nothing typed is lost. Approving is not here:
it is the approver's own act, from the page's Approve button.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from isms.db import Register
from isms.errors import IsmsError, ValidationError
from isms.model import ControlledDocument, DocumentKind
from isms.services import policies
from isms.services.changed import Changed
from isms.services.read import queries

from .base import RememberedDialog

#: The department choice meaning "no department".
COUNCIL_WIDE = "(council-wide)"


class PolicyEditor(RememberedDialog):
    """A new document (``document_id`` None), or a change to one."""

    geometry_key = "policy_editor"

    def __init__(self, register: Register, document_id: int | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.register = register
        self.document_id = document_id
        #: What the save wrote (None until saved).
        self.changed: Changed | None = None
        self.setWindowTitle(("Document" if document_id else "New document") + " — isms")
        document: ControlledDocument | None = None
        with register.session() as session:
            people = [p.name for p in queries.people(session, active_only=True)]
            departments = [d.code for d in queries.departments(session)]
            if document_id is not None:
                document = session.get_one(ControlledDocument, document_id)
                self._version = document.version
                current = _current(document)
        self.ref_edit = QLineEdit()
        self.ref_edit.setPlaceholderText("blank: the next POL-001, PRO-001…")
        self.title_edit = QLineEdit()
        self.title_edit.setMaxLength(300)
        self.kind_box = QComboBox()
        self.kind_box.addItems([kind.value for kind in DocumentKind])
        self.version_edit = QLineEdit()
        self.version_edit.setMaxLength(20)
        self.version_edit.setPlaceholderText("as its cover shows it, e.g. 2.1")
        self.summary_edit = QPlainTextEdit()
        self.summary_edit.setTabChangesFocus(True)
        self.summary_edit.setFixedHeight(self.summary_edit.fontMetrics().lineSpacing() * 3 + 12)
        self.owner_box = QComboBox()
        self.owner_box.addItems(["", *people])
        self.department_box = QComboBox()
        self.department_box.addItems([COUNCIL_WIDE, *departments])
        self.months_box = QSpinBox()
        self.months_box.setRange(1, 60)
        self.months_box.setValue(policies.DEFAULT_REVIEW_MONTHS)
        self.months_box.setSuffix(" months")
        self.review_edit = QLineEdit()
        self.review_edit.setPlaceholderText("YYYY-MM-DD (blank: from the approval)")
        self.link_edit = QLineEdit()
        self.link_edit.setPlaceholderText("https://… where it is published")
        self.controls_edit = QLineEdit()
        self.controls_edit.setPlaceholderText("e.g. 5.1, 5.10")
        if document is not None:
            self.ref_edit.setText(document.ref)
            self.ref_edit.setReadOnly(True)
            self.title_edit.setText(current["title"])
            self.kind_box.setCurrentText(current["kind"])
            self.version_edit.setText(current["version_label"])
            self.summary_edit.setPlainText(current["summary"])
            self.owner_box.setCurrentText(current["owner"])
            self.department_box.setCurrentText(current["department"] or COUNCIL_WIDE)
            self.months_box.setValue(current["review_months"])
            self.review_edit.setText(current["next_review"])
            self.link_edit.setText(current["url"])
            self.controls_edit.setText(current["controls"])
        self.status_label = QLabel(current["said"] if document is not None else
                                   "A new document is a draft until an approver approves it.")
        self.status_label.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.status_label)
        for label, widget in (("&Reference:", self.ref_edit), ("&Title:", self.title_edit),
                              ("&Kind:", self.kind_box), ("&Version:", self.version_edit),
                              ("&Summary:", self.summary_edit), ("&Owner:", self.owner_box),
                              ("&Department:", self.department_box),
                              ("Review &every:", self.months_box),
                              ("&Next review:", self.review_edit), ("&Link:", self.link_edit),
                              ("&Controls supported:", self.controls_edit)):
            widget.setAccessibleName(label.replace("&", "").rstrip(":"))
            form.addRow(label, widget)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #a61c00")
        self.error.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.restore_or_resize(600, 460)

    def values(self, session: Any) -> dict[str, Any]:
        """The form as the service takes it; a name or date that is not one is refused
        naming the field."""
        owner = self.owner_box.currentText()
        department = self.department_box.currentText()
        review = self.review_edit.text().strip()
        try:
            next_review = date.fromisoformat(review) if review else None
        except ValueError:
            raise ValidationError(f"Next review: '{review}' is not a date (YYYY-MM-DD).",
                                  field="next_review") from None
        values: dict[str, Any] = {
            "title": self.title_edit.text(), "kind": self.kind_box.currentText(),
            "version_label": self.version_edit.text(),
            "summary": self.summary_edit.toPlainText(),
            "owner_id": queries.person(session, owner).id if owner else None,
            "department_id": (None if department == COUNCIL_WIDE
                              else queries.department_id(session, department)),
            "review_months": self.months_box.value(), "url": self.link_edit.text(),
            "controls": [queries.control_by_ref(session, ref.strip()).id
                         for ref in self.controls_edit.text().split(",") if ref.strip()],
        }
        if next_review is not None:  # blank: worked out from the approval
            values["next_review"] = next_review
        return values

    def _save(self) -> None:
        try:
            with self.register.session() as session:
                values = self.values(session)
                if self.document_id is None:
                    filed = policies.add_document(session, ref=self.ref_edit.text(), **values)
                else:
                    filed = policies.update_document(session, self.document_id,
                                                     self._version, **values)
        except IsmsError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        self.document_id = filed.document_id
        self.changed = filed.changed
        self.accept()


def _current(document: ControlledDocument) -> dict[str, Any]:
    """What the form shows of a document, read while its session is open."""
    approved = (f"Approved by {document.approved_by.name} on {document.approved_on}."
                if document.approved_by is not None else "Never approved.")
    return {
        "title": document.title, "kind": document.kind.value,
        "version_label": document.version_label, "summary": document.summary,
        "owner": document.owner.name if document.owner else "",
        "department": document.department.code if document.department else "",
        "review_months": document.review_months,
        "next_review": document.next_review.isoformat() if document.next_review else "",
        "url": document.url or "",
        "controls": ", ".join(c.ref for c in sorted(document.controls,
                                                    key=lambda c: c.sort_key)),
        "said": f"{document.ref} is {document.status.value}. {approved}",
    }
