"""SoA → Approve the SoA…: the real dialog approves through the service, or shows its refusal."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from sqlalchemy import select

from isms.db import Register
from isms.db.session import default_actor
from isms.model import Applicability, Person, Role, SoaEntry, SoaVersion
from isms.services import records
from isms.services.read import queries
from isms.services.soa.checks import soa_checks
from ui.dialogs.soa_approval import SoaApprovalDialog
from ui.errors import ErrorReporter
from ui.views.main_window import MainWindow

from .conftest import shown


def _department_without_blockers(register: Register) -> int:
    with register.session() as session:
        for department in queries.departments(session):
            if not any(w.blocking for w in soa_checks(session, department.id, date.today())):
                return department.id
    raise AssertionError("the demo should have a department ready for approval")


def _act_as_an_approver(register: Register) -> str:
    """The window acts as the account running it: make that account an approver's; the name."""
    with register.transaction() as session:
        person = next(p for p in queries.people(session)
                      if Role.APPROVER in p.roles or Role.SIRO in p.roles)
        person.username = default_actor()
        return person.name


def test_menu_approves_the_toolbar_department_as_version_one(
    qtbot: Any, demo: Register, on_modal: Any
) -> None:
    department = _department_without_blockers(demo)
    approver = _act_as_an_approver(demo)
    window = shown(qtbot, MainWindow(demo, ErrorReporter(dialogs=False)))
    window.department_filter.select(department)

    def approve(dialog: SoaApprovalDialog) -> None:
        assert dialog.chosen_scope() == department
        assert "this will be version 1" in dialog.state.text()
        # The signer is the acting user, shown, not chosen.
        assert dialog.approver.text() == f"{approver} (you)"
        dialog.note.setText("Stage 1")
        # The demo's SoAs have warnings: approving with them needs the tick.
        assert not dialog.approve_button.isEnabled()
        dialog.acknowledge.click()
        dialog.approve_button.click()

    on_modal(SoaApprovalDialog, approve)
    window.approve_soa_action.trigger()
    with demo.session() as session:
        versions = [(v.number, v.note, v.approved_by.name) for v in session.execute(
            select(SoaVersion).where(SoaVersion.department_id == department)).scalars()]
    assert versions == [(1, "Stage 1", approver)]
    assert "version 1" in window.statusBar().currentMessage()


def test_approving_with_warnings_needs_the_tick_and_records_them(
    qtbot: Any, demo: Register
) -> None:
    """Finding (issue 17): "a department SoA can be approved with 95 warnings" unacknowledged."""
    department = _department_without_blockers(demo)
    _act_as_an_approver(demo)
    with demo.session() as session:
        standing = len(soa_checks(session, department, date.today()))
    assert standing > 0
    dialog = shown(qtbot, SoaApprovalDialog(demo, department, ErrorReporter(dialogs=False)))
    assert dialog.warnings.count() == standing
    assert dialog.acknowledge.isVisible()
    assert dialog.acknowledge.text().replace("&", "").startswith(
        f"I have read the {standing:,} warnings")
    assert not dialog.approve_button.isEnabled()
    dialog.acknowledge.click()
    assert dialog.approve_button.isEnabled()
    # Another scope's warnings are read afresh: the tick does not carry over.
    dialog.scope.setCurrentIndex(0)
    assert not dialog.acknowledge.isChecked() and not dialog.approve_button.isEnabled()
    dialog.scope.setCurrentIndex(dialog.scope.findData(department))
    qtbot.keyClick(dialog.acknowledge, Qt.Key.Key_Space)
    dialog.approve_button.click()
    assert dialog.approved == 1
    with demo.session() as session:
        version = session.execute(select(SoaVersion)).scalar_one()
        assert len(version.acknowledged_warnings) == standing


def test_an_unjustified_exclusion_refuses_approval_and_nothing_is_written(
    qtbot: Any, demo: Register
) -> None:
    department = _department_without_blockers(demo)
    _act_as_an_approver(demo)
    with demo.transaction() as session:
        entry = session.execute(select(SoaEntry).where(
            SoaEntry.department_id == department).limit(1)).scalar_one()
        entry.applicability = Applicability.EXCLUDED
        entry.exclusion_justification = ""
    dialog = shown(qtbot, SoaApprovalDialog(demo, department, ErrorReporter(dialogs=False)))
    assert "Refuses approval" in dialog.warnings.item(0).text()
    dialog.approve_button.click()
    assert dialog.approved is None
    with demo.session() as session:
        assert session.execute(select(SoaVersion)).first() is None


def test_without_the_approver_role_the_button_is_disabled(
    qtbot: Any, demo: Register
) -> None:
    me = _act_as_an_approver(demo)
    with demo.transaction() as session:
        for person in session.execute(select(Person)).scalars():
            if Role.APPROVER in person.roles or Role.SIRO in person.roles:
                records.update_person(session, person, roles=[
                    r for r in person.roles if r not in (Role.APPROVER, Role.SIRO)])
    dialog = shown(qtbot, SoaApprovalDialog(demo, None, ErrorReporter(dialogs=False)))
    assert not dialog.approve_button.isEnabled()
    assert f"You ({me}) do not hold the approver or SIRO role" in dialog.state.text()
