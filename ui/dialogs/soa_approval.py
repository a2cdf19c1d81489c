"""SoA → Approve the SoA…: freeze the SoA of one department (or the council) as its next numbered
version, as ``isms soa approve`` does, with the versions so far and the pre-flight warnings shown.

Approving is the approver's own act: the version is approved by the acting user (shown, never
chosen), who must hold the approver or SIRO role; an unjustified exclusion or an undecided
control refuses the approval. The other warnings are listed, and approving with them needs the
tick "I have read the N warnings": the version records them as acknowledged. The service
decides all of it (it refuses a count that is no longer the number standing); this dialog
only shows its answer.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QVBoxLayout,
    QWidget,
)

from isms.db import Register
from isms.errors import IsmsError
from isms.model.base import utcnow
from isms.services.read import queries
from isms.services.roles import can_approve
from isms.services.signatures import acting_person
from isms.services.soa.checks import soa_checks
from isms.services.soa.versions import approve_soa, is_draft, soa_versions

from ..errors import ErrorReporter


class SoaApprovalDialog(QDialog):
    """Choose whose SoA and why; the acting user approves. ``approved`` is the new version's
    number."""

    def __init__(self, register: Register, department_id: int | None,
                 reporter: ErrorReporter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Approve the Statement of Applicability")
        self.register = register
        self.reporter = reporter
        self.approved: int | None = None
        self.scope = QComboBox()
        self.scope.setAccessibleName("Whose SoA")
        self.scope.addItem("Whole council", None)
        with register.session() as session:
            for d in queries.departments(session):
                self.scope.addItem(f"{d.name} ({d.code})", d.id)
                if d.id == department_id:
                    self.scope.setCurrentIndex(self.scope.count() - 1)
            me = acting_person(session)
            #: Why the acting user cannot approve ("" when they can).
            self.cannot = (
                f"You ({session.info.get('actor')}) are not a person of this register with that "
                "username, so you cannot approve." if me is None
                else f"You ({me.name}) have left, so you cannot approve." if not me.active
                else f"You ({me.name}) do not hold the approver or SIRO role, so you cannot "
                "approve." if not can_approve(me) else "")
            self.approver = QLabel(f"{me.name} (you)" if me is not None else "-")
        self.approver.setAccessibleName("Approved by")
        self.note = QLineEdit()
        self.note.setAccessibleName("Note")
        self.note.setPlaceholderText("What this version is for, e.g. Stage 1 audit")
        self.state = QLabel()
        self.state.setWordWrap(True)
        self.warnings = QListWidget()
        self.warnings.setAccessibleName("Pre-flight warnings")
        # Each warning ends with what to fix: wrapped, never cut at the dialog's edge.
        self.warnings.setWordWrap(True)
        self.warnings.setResizeMode(QListView.ResizeMode.Adjust)
        self.warnings.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        #: How many non-blocking warnings stand for the chosen scope: what the tick confirms.
        self.standing = 0
        self.acknowledge = QCheckBox()
        self.acknowledge.setAccessibleName("Acknowledge the warnings")
        self.acknowledge.toggled.connect(self._enable)
        form = QFormLayout()
        form.addRow("&SoA of:", self.scope)
        form.addRow("&Approved by:", self.approver)
        form.addRow("&Note:", self.note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.approve_button = buttons.addButton("A&pprove",
                                                QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.approve)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.state)
        layout.addWidget(self.warnings, 1)
        layout.addWidget(self.acknowledge)
        layout.addWidget(buttons)
        self.resize(720, 480)
        self.scope.currentIndexChanged.connect(self._show_state)
        self._show_state()

    def chosen_scope(self) -> int | None:
        value = self.scope.currentData()
        return value if isinstance(value, int) else None

    def _show_state(self) -> None:
        department_id = self.chosen_scope()
        with self.register.session() as session:
            versions = soa_versions(session, department_id)
            draft = is_draft(session, department_id)
            warnings = soa_checks(session, department_id, date.today())
        latest = max(versions, key=lambda v: v.number) if versions else None
        if latest is None:
            text = "No version approved yet: this will be version 1."
        else:
            text = (f"Version {latest.number} approved by {latest.approved_by.name} on "
                    f"{latest.approved_at:%Y-%m-%d}; "
                    + ("changed since (a draft)." if draft else "unchanged since."))
        blocking = sum(w.blocking for w in warnings)
        if self.cannot:
            text += f" {self.cannot}"
        text += (f" {len(warnings):,} pre-flight warning(s)"
                 + (f", {blocking:,} of which refuse the approval." if blocking else ".")
                 + (" Approving with the others needs your tick below: the version records "
                    "them as acknowledged." if len(warnings) > blocking else ""))
        self.state.setText(text)
        self.warnings.clear()
        for warning in sorted(warnings, key=lambda w: not w.blocking):
            mark = "Refuses approval - " if warning.blocking else ""
            self.warnings.addItem(f"{mark}{warning.department} {warning.control}: "
                                  f"{warning.message}")
        # Read again for every scope: a tick given for another SoA's warnings does not count.
        self.standing = len(warnings) - blocking
        self.acknowledge.setChecked(False)
        self.acknowledge.setText(
            f"&I have read the {self.standing:,} warning{'s' if self.standing != 1 else ''} "
            "and approve with them (the version records them as acknowledged)")
        self.acknowledge.setVisible(self.standing > 0)
        self._enable()

    def _enable(self) -> None:
        """Approve needs the role, and the tick while warnings stand."""
        self.approve_button.setEnabled(
            not self.cannot and (self.standing == 0 or self.acknowledge.isChecked()))

    def approve(self) -> None:
        try:
            with self.register.transaction() as session:
                approval = approve_soa(
                    session, self.chosen_scope(), self.note.text(), utcnow(),
                    acknowledged=self.standing if self.acknowledge.isChecked() else None)
                number = approval.version.number
        except IsmsError as exc:
            self.reporter.expected(self, exc, "isms — the SoA cannot be approved")
            return
        self.approved = number
        self.accept()
