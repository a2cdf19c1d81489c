"""The Policies page (issue 18, 5): a document is made in its editor (a refusal names the field
and keeps what was typed), approved by the acting approver from the page, shown overdue when
its review has passed, filtered by status, kind and the toolbar's department, and withdrawn
with a reason."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QMessageBox
from sqlalchemy import select

from isms.db import Register, commit
from isms.db.session import default_actor
from isms.model import ControlledDocument, Department, DocumentStatus, Person, Role
from isms.services import policies
from tests import builders as b
from ui.dialogs.policy_editor import PolicyEditor

from .test_main_window import column_values, open_window


def _council(register: Register) -> None:
    with register.session() as s:
        b.department(s, code="HSG", name="Housing")
        b.department(s, code="ENV", name="Environment")
        b.person(s, name="Priya Shah", email="priya.shah@example.gov.uk")
        siro = b.person(s, name="Tom Hughes", username=default_actor(register.engine))
        siro.add_role(Role.SIRO)
        commit(s)


def test_a_policy_is_made_in_the_editor_then_approved_from_the_page(
        qtbot: Any, register: Register, on_modal: Any) -> None:
    _council(register)
    window = open_window(qtbot, register, page="policies")
    page = window.pages["policies"]
    editing = window.policy_editing

    def new_policy(dialog: PolicyEditor) -> None:
        dialog.title_edit.setText("Information security policy")
        dialog.version_edit.setText("3.0")
        dialog.controls_edit.setText("5.1")
        dialog.buttons.button(dialog.buttons.StandardButton.Save).click()  # refused: no owner
        assert "needs an owner" in dialog.error.text() and dialog.isVisible()
        dialog.owner_box.setCurrentText("Priya Shah")
        dialog.buttons.button(dialog.buttons.StandardButton.Save).click()

    on_modal(PolicyEditor, new_policy)
    qtbot.mouseClick(editing.new_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    assert column_values(page, "ref") == ["POL-001"]
    assert column_values(page, "status") == ["Draft"]

    page.table.setCurrentIndex(page.model.index(0, 0))

    def yes(box: QMessageBox) -> None:
        assert "Approve POL-001 Information security policy, version 3.0" in box.text()
        box.button(QMessageBox.StandardButton.Yes).click()

    on_modal(QMessageBox, yes)
    qtbot.mouseClick(editing.approve_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: column_values(page, "status") == ["Approved"])
    with register.session() as s:
        document = s.execute(select(ControlledDocument)).scalar_one()
        assert document.approved_by is not None
        assert (document.approved_by.name, document.approved_on, document.next_review) == (
            "Tom Hughes", date.today(), policies.add_months(date.today(), 12))
        assert [c.ref for c in document.controls] == ["5.1"]


def test_documents_are_filtered_flagged_overdue_and_withdrawn(
        qtbot: Any, register: Register, on_modal: Any) -> None:
    _council(register)
    with register.session() as s:
        owner = s.execute(select(Person).where(Person.name == "Priya Shah")).scalar_one()
        housing = s.execute(select(Department).where(Department.code == "HSG")).scalar_one()
        owner_id, housing_id = owner.id, housing.id
    with register.session() as s:
        first = policies.add_document(s, title="Acceptable use policy", kind="policy",
                                      owner_id=owner_id)
        policies.approve_document(s, first.document_id, 1,
                                  on=date.today() - timedelta(days=400))
    with register.session() as s:
        policies.add_document(s, title="Tenancy file handling", kind="procedure",
                              owner_id=owner_id, department_id=housing_id)
    window = open_window(qtbot, register, page="policies")
    page = window.pages["policies"]
    editing = window.policy_editing
    qtbot.waitUntil(lambda: page.model.rowCount() == 2)
    late = page.model.index(0, [c.key for c in page.model.columns].index("next_review"))
    assert page.model.data(late, Qt.ItemDataRole.BackgroundRole) is not None  # overdue

    editing.kind_filter.setCurrentText("Procedure")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    assert column_values(page, "ref") == ["PRO-001"]
    editing.kind_filter.setCurrentText("All kinds")
    editing.status_filter.setCurrentText("Approved")
    qtbot.waitUntil(lambda: column_values(page, "ref") == ["POL-001"])
    editing.status_filter.setCurrentText("All statuses")
    with register.session() as s:
        environment = s.execute(select(Department.id).where(Department.code == "ENV")
                                ).scalar_one()
    page.model.set_department(environment)
    page.refresh()
    qtbot.waitUntil(lambda: column_values(page, "ref") == ["POL-001"])  # council-wide only
    page.model.set_department(None)
    page.refresh()
    qtbot.waitUntil(lambda: page.model.rowCount() == 2)

    page.table.setCurrentIndex(page.model.index(1, 0))

    def reason(dialog: QInputDialog) -> None:
        dialog.setTextValue("merged into the records management procedure")
        dialog.accept()

    on_modal(QInputDialog, reason)
    editing.withdraw_action.trigger()
    qtbot.waitUntil(lambda: column_values(page, "status") == ["Approved", "Withdrawn"])
    with register.session() as s:
        withdrawn = s.execute(select(ControlledDocument).where(
            ControlledDocument.ref == "PRO-001")).scalar_one()
        assert withdrawn.status == DocumentStatus.WITHDRAWN
        assert "merged into the records management procedure" in withdrawn.summary


def test_the_dashboard_counts_overdue_document_reviews_and_shows_the_policies_page(
        qtbot: Any, register: Register) -> None:
    _council(register)
    with register.session() as s:
        owner = s.execute(select(Person).where(Person.name == "Priya Shah")).scalar_one()
        filed = policies.add_document(s, title="Acceptable use policy", kind="policy",
                                      owner_id=owner.id)
        policies.approve_document(s, filed.document_id, 1,
                                  on=date.today() - timedelta(days=400))
    window = open_window(qtbot, register, page="dashboard")
    button = window.dashboard.attention["documents_overdue"]
    qtbot.waitUntil(lambda: button.text() == "1 document review overdue")
    assert button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is window.pages["policies"]
