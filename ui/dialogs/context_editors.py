"""The context register's editors (ISO/IEC 27001 4.1, 4.2 with Amd 1:2024): an issue, the
climate-change decision, an interested party and one of its requirements.

Each is a form; its save is ONE call into ``isms.services.context`` (the same call the
``isms context`` commands make), which checks the values and names the field it refuses. The
dialog stays open on a refusal, saying why, so nothing typed is lost.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from isms.db import Register
from isms.errors import IsmsError
from isms.model.context import ContextIssue, InterestedParty
from isms.services import context
from isms.services.changed import Changed
from isms.services.read import queries

#: The department choice meaning "no department".
COUNCIL_WIDE = "(council-wide)"


def _text_box(lines: int) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)
    box.setFixedHeight(box.fontMetrics().lineSpacing() * lines + 12)
    return box


class ContextForm(QDialog):
    """A form with Save/Cancel; ``save`` (given by the subclass) makes the one service call."""

    def __init__(self, register: Register, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.register = register
        self.setWindowTitle(f"{title} — isms")
        self.form = QFormLayout()
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #a61c00")
        self.error.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        #: What the save wrote (None until saved).
        self.changed: Changed | None = None
        with register.session() as session:
            self._people = [p.name for p in queries.people(session)]
            self._departments = [d.code for d in queries.departments(session)]

    def people_box(self, current: str | None) -> QComboBox:
        box = QComboBox()
        box.addItems(["", *self._people])
        box.setCurrentText(current or "")
        return box

    def department_box(self, current: str | None) -> QComboBox:
        box = QComboBox()
        box.addItems([COUNCIL_WIDE, *self._departments])
        box.setCurrentText(current or COUNCIL_WIDE)
        return box

    @staticmethod
    def department_of(box: QComboBox) -> str:
        return "" if box.currentText() == COUNCIL_WIDE else box.currentText()

    def save(self, session: Any) -> Changed:
        raise NotImplementedError

    def _save(self) -> None:
        try:
            with self.register.session() as session:
                self.changed = self.save(session)
        except IsmsError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        self.accept()


class IssueEditor(ContextForm):
    """A new internal or external issue (``issue_id`` None), or a change to one."""

    def __init__(self, register: Register, issue_id: int | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(register, "Context issue" if issue_id else "New context issue", parent)
        self.issue_id = issue_id
        issue: ContextIssue | None = None
        owner = department = None
        with register.session() as session:
            if issue_id is not None:
                issue = session.get_one(ContextIssue, issue_id)
                owner = issue.owner.name if issue.owner else None
                department = issue.department.code if issue.department else None
        self.kind_box = QComboBox()
        self.kind_box.addItems(["external", "internal"])
        self.category_box = QComboBox()
        self.category_box.addItems(context.CATEGORIES)
        self.issue_edit = QLineEdit()
        self.issue_edit.setMaxLength(300)
        self.effect_edit = _text_box(3)
        self.owner_box = self.people_box(owner)
        self.department_box_ = self.department_box(department)
        self.review_edit = QLineEdit()
        self.review_edit.setPlaceholderText("YYYY-MM-DD (blank: none)")
        if issue is not None:
            self.kind_box.setCurrentText(str(issue.kind))
            self.category_box.setCurrentText(issue.category)
            self.issue_edit.setText(issue.issue)
            self.effect_edit.setPlainText(issue.effect)
            self.review_edit.setText(issue.review_date.isoformat() if issue.review_date else "")
        for label, widget in (("&Kind:", self.kind_box), ("&Category:", self.category_box),
                              ("&Issue:", self.issue_edit),
                              ("&Effect on the ISMS:", self.effect_edit),
                              ("&Owner:", self.owner_box),
                              ("&Department:", self.department_box_),
                              ("Next &review:", self.review_edit)):
            widget.setAccessibleName(label.replace("&", "").rstrip(":"))
            self.form.addRow(label, widget)
        self.resize(560, 340)

    def values(self) -> dict[str, Any]:
        return {"kind": self.kind_box.currentText(),
                "category": self.category_box.currentText(),
                "issue": self.issue_edit.text(), "effect": self.effect_edit.toPlainText(),
                "owner": self.owner_box.currentText(),
                "department": self.department_of(self.department_box_),
                "review_date": self.review_edit.text().strip()}

    def save(self, session: Any) -> Changed:
        if self.issue_id is None:
            return context.add_issue(session, self.values())
        issue = session.get_one(ContextIssue, self.issue_id)
        return context.update_issue(session, issue, self.values())


class ClimateEditor(ContextForm):
    """The climate-change decision (4.1 as amended in 2024): relevant or not, and why."""

    def __init__(self, register: Register, parent: QWidget | None = None) -> None:
        super().__init__(register, "Climate-change decision", parent)
        with register.session() as session:
            issue = context.climate_decision(session)
            decided_by = issue.decided_by.name if issue and issue.decided_by else None
        intro = QLabel("ISO/IEC 27001 4.1 (Amendment 1:2024): the council shall determine "
                       "whether climate change is a relevant issue. Record the decision and "
                       "why; it is reviewed like any other issue.")
        intro.setWordWrap(True)
        self.form.addRow(intro)
        self.decision_box = QComboBox()
        self.decision_box.addItems(["relevant", "not relevant"])
        self.justification_edit = _text_box(4)
        self.decided_by_box = self.people_box(decided_by)
        self.review_edit = QLineEdit()
        self.review_edit.setPlaceholderText("YYYY-MM-DD (blank: none)")
        if issue is not None and issue.decision is not None:
            self.decision_box.setCurrentText(str(issue.decision))
            self.justification_edit.setPlainText(issue.justification)
            self.review_edit.setText(issue.review_date.isoformat() if issue.review_date else "")
        for label, widget in (("&Decision:", self.decision_box),
                              ("&Justification:", self.justification_edit),
                              ("Decided &by:", self.decided_by_box),
                              ("Next &review:", self.review_edit)):
            widget.setAccessibleName(label.replace("&", "").rstrip(":"))
            self.form.addRow(label, widget)
        self.resize(560, 320)

    def save(self, session: Any) -> Changed:
        return context.decide_climate(
            session, relevant=self.decision_box.currentText() == "relevant",
            justification=self.justification_edit.toPlainText(),
            decided_by=self.decided_by_box.currentText() or None,
            review_date=self.review_edit.text().strip() or None)


class PartyEditor(ContextForm):
    """A new interested party (``party_id`` None), or a change to one."""

    def __init__(self, register: Register, party_id: int | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(register, "Interested party" if party_id else "New interested party",
                         parent)
        self.party_id = party_id
        party: InterestedParty | None = None
        owner = department = None
        with register.session() as session:
            if party_id is not None:
                party = session.get_one(InterestedParty, party_id)
                owner = party.owner.name if party.owner else None
                department = party.department.code if party.department else None
                shown = [f"{row.id}. {row.text} → "
                         + (", ".join(c.ref for c in row.controls) or "no control yet")
                         for row in context.current_requirements(party)]
        self.name_edit = QLineEdit()
        self.name_edit.setMaxLength(200)
        self.kind_box = QComboBox()
        self.kind_box.setEditable(True)  # any other short kind is taken as well
        self.kind_box.addItems(context.PARTY_KINDS)
        self.notes_edit = _text_box(3)
        self.owner_box = self.people_box(owner)
        self.department_box_ = self.department_box(department)
        self.review_edit = QLineEdit()
        self.review_edit.setPlaceholderText("YYYY-MM-DD (blank: none)")
        if party is not None:
            self.name_edit.setText(party.name)
            self.kind_box.setCurrentText(party.kind)
            self.notes_edit.setPlainText(party.notes)
            self.review_edit.setText(party.review_date.isoformat() if party.review_date else "")
        for label, widget in (("&Name:", self.name_edit), ("&Kind:", self.kind_box),
                              ("N&otes:", self.notes_edit), ("&Owner:", self.owner_box),
                              ("&Department:", self.department_box_),
                              ("Next &review:", self.review_edit)):
            widget.setAccessibleName(label.replace("&", "").rstrip(":"))
            self.form.addRow(label, widget)
        if party is not None:
            listing = QLabel("\n".join(shown) or "No requirement recorded yet.")
            listing.setWordWrap(True)
            self.form.addRow("Requirements:", listing)
        self.resize(560, 360)

    def values(self) -> dict[str, Any]:
        return {"name": self.name_edit.text(), "kind": self.kind_box.currentText(),
                "notes": self.notes_edit.toPlainText(), "owner": self.owner_box.currentText(),
                "department": self.department_of(self.department_box_),
                "review_date": self.review_edit.text().strip()}

    def save(self, session: Any) -> Changed:
        if self.party_id is None:
            return context.add_party(session, self.values())
        party = session.get_one(InterestedParty, self.party_id)
        return context.update_party(session, party, self.values())


class RequirementEditor(ContextForm):
    """A requirement of a party (new when ``requirement_id`` is None): its text, where it is
    written, the controls answering it."""

    def __init__(self, register: Register, party_id: int, parent: QWidget | None = None,
                 requirement_id: int | None = None) -> None:
        shown = ("", "", "")
        with register.session() as session:
            party = session.get_one(InterestedParty, party_id)
            name = f"{party.ref} {party.name}"
            if requirement_id is not None:
                row = context.requirement(session, requirement_id)
                shown = (row.text, row.source, ", ".join(c.ref for c in row.controls))
        title = (f"Requirement {requirement_id} of {name}" if requirement_id is not None
                 else f"New requirement of {name}")
        super().__init__(register, title, parent)
        self.party_id, self.requirement_id = party_id, requirement_id
        self.text_edit = _text_box(3)
        self.source_edit = QLineEdit()
        self.source_edit.setMaxLength(300)
        self.source_edit.setPlaceholderText("A law, a contract, a code of connection…")
        self.controls_edit = QLineEdit()
        self.controls_edit.setPlaceholderText("Controls that answer it, e.g. 5.24, 5.26, PSN-3")
        self.text_edit.setPlainText(shown[0])
        self.source_edit.setText(shown[1])
        self.controls_edit.setText(shown[2])
        for label, widget in (("&Requirement:", self.text_edit), ("&Source:", self.source_edit),
                              ("&Answered by:", self.controls_edit)):
            widget.setAccessibleName(label.replace("&", "").rstrip(":"))
            self.form.addRow(label, widget)
        self.resize(560, 260)

    def save(self, session: Any) -> Changed:
        refs = [ref.strip() for ref in self.controls_edit.text().split(",") if ref.strip()]
        values = {"text": self.text_edit.toPlainText(), "source": self.source_edit.text(),
                  "controls": refs}
        if self.requirement_id is not None:
            return context.update_requirement(
                session, context.requirement(session, self.requirement_id), values)
        return context.add_requirement(session, session.get_one(InterestedParty, self.party_id),
                                       values)


#: What makes an editor (the window runs them through ``ContextEditing``).
Editor = Callable[[], ContextForm]
