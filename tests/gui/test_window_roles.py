"""The window disables what the acting user's role may not do (the register refuses it anyway)."""

from __future__ import annotations

from typing import Any

from isms.db import Register
from isms.db.session import default_actor
from isms.model import Person, Role
from isms.services import access
from ui.dialogs.asset_editor import AssetEditor
from ui.errors import ErrorReporter
from ui.views.main_window import MainWindow

from .conftest import Sample, shown

ADMIN = "ada-admin"


def with_roles(register: Register, roles: list[Role]) -> None:
    """Access control on, run by an administrator; the OS user (the window's actor) gets
    ``roles``."""
    with register.transaction(actor=ADMIN) as session:
        admin = Person(name="Ada Admin", email="ada@council.example")
        admin.add_role(Role.ADMINISTRATOR)
        me = Person(name="Me", email="me@council.example")
        for role in roles:
            me.add_role(role)
        session.add_all([admin, me])
        session.flush()
        access.set_username(session, admin, ADMIN)
        access.set_username(session, me, default_actor())
        access.set_enforced(session, True)


def test_a_viewer_cannot_open_editors_and_sees_their_role(
    qtbot: Any, register: Register, sample: Sample
) -> None:
    with_roles(register, [])
    window = shown(qtbot, MainWindow(register, ErrorReporter(dialogs=False)))
    assert f"{default_actor()}: viewer" == window.role_label.text()
    for action in (window.edit_asset_action, window.edit_risk_action,
                   window.approve_soa_action):
        assert not action.isEnabled()
    assert not window.import_menu.isEnabled()
    assert not window.record_editing.add_evidence_button.isEnabled()
    assert not any(a.isEnabled() for a in window._menus["&Settings"].actions())
    opened = window.run_editor(lambda: AssetEditor(register, 1, window), "asset")
    assert not opened and "viewer" in window.statusBar().currentMessage()


def test_an_editor_edits_but_cannot_approve_or_administer(
    qtbot: Any, register: Register, sample: Sample
) -> None:
    with_roles(register, [Role.SMG_MEMBER])
    window = shown(qtbot, MainWindow(register, ErrorReporter(dialogs=False)))
    assert window.role_label.text().endswith(": editor")
    assert window.edit_risk_action.isEnabled() and window.import_menu.isEnabled()
    assert not window.approve_soa_action.isEnabled()
    assert not any(a.isEnabled() for a in window._menus["&Settings"].actions())


def test_without_access_control_everything_is_available(
    qtbot: Any, register: Register, sample: Sample
) -> None:
    window = shown(qtbot, MainWindow(register, ErrorReporter(dialogs=False)))
    assert window.role_label.text() == ""
    assert window.approve_soa_action.isEnabled() and window.import_menu.isEnabled()
    assert all(a.isEnabled() for a in window._menus["&Settings"].actions())
