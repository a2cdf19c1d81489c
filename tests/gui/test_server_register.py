"""Open a register on a server: the dialog, the keyring, and nothing of the password on disk.

Against the suite's own PostgreSQL server (skipped without one, unless CI is set). The server
trusts its own user; for passwords each test gets a role of its own that must give one (a line
for that role alone at the top of pg_hba.conf, removed afterwards). The keyring is an in-process
one: no real keyring is touched.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyring.backends import fail

from isms.db import Register, migrate
from isms.db.credentials import ServerAddress
from isms.db.location import log_dir
from isms.services.setup import is_initialised
from tests.keyrings import MemoryKeyring
from tests.pg import USER, Server
from tests.pg_roles import password_login
from ui import opening
from ui.dialogs.server_register import ServerRegisterDialog
from ui.dialogs.start_dialog import StartChoice, StartDialog
from ui.errors import ErrorReporter
from ui.settings import LAST_SERVER, settings

from .conftest import OnModal
from .test_opening import answer_start_dialogs


@dataclass(frozen=True)
class PasswordRegister:
    address: ServerAddress
    password: str


@pytest.fixture
def password_register(pg_server: Server) -> Iterator[PasswordRegister]:
    """A register on the server whose user must give a password."""
    name = pg_server.create_from_template()
    try:
        with password_login(pg_server, name) as login:
            yield PasswordRegister(ServerAddress("127.0.0.1", pg_server.port, name, login.role),
                                   login.password)
    finally:
        pg_server.drop(name)


def fill(dialog: ServerRegisterDialog, address: ServerAddress, password: str) -> None:
    dialog.host.setText(address.host)
    dialog.port.setValue(address.port)
    dialog.database.setText(address.database)
    dialog.user.setText(address.user)
    dialog.password.setText(password)


def new_dialog(qtbot: Any) -> ServerRegisterDialog:
    dialog = ServerRegisterDialog()
    qtbot.addWidget(dialog)
    return dialog


def files_holding(folder: Path, secret: str) -> list[Path]:
    if not folder.exists():
        return []
    return [p for p in folder.rglob("*") if p.is_file() and secret.encode() in p.read_bytes()]


def test_open_keeps_the_password_in_the_keyring_only(
    qtbot: Any, password_register: PasswordRegister, memory_keyring: MemoryKeyring,
    _isolated_qsettings: Path, caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    address, password = password_register.address, password_register.password
    dialog = new_dialog(qtbot)
    assert dialog.password.echoMode() == dialog.password.EchoMode.Password
    assert dialog.remember.isEnabled() and dialog.remember.isChecked()
    assert dialog.keyring_note.isHidden()
    fill(dialog, address, password)

    found = dialog.test_connection()
    assert found is not None
    assert dialog.status.text() == (
        f"Connected: register Council ISMS register at schema {migrate.head()}. "
        f"Access control is off: {address.user} may change everything.")
    assert found.login == address.user and found.access is not None
    assert not dialog.create_button.isEnabled()  # not an empty database

    register = dialog.open_here()
    assert register is not None
    try:
        assert dialog.result() == ServerRegisterDialog.DialogCode.Accepted
        assert dialog.url_text == (
            f"postgresql+psycopg://{address.user}@127.0.0.1:{address.port}/{address.database}")
        assert password not in register.location.display()
        assert is_initialised(register)
    finally:
        register.close()
    assert memory_keyring.passwords == {("isms", address.key): password}
    settings().sync()
    assert settings().value(LAST_SERVER.key) == dialog.url_text
    assert list(_isolated_qsettings.rglob("*.ini"))  # the settings were written...
    assert files_holding(_isolated_qsettings, password) == []  # ...without the password
    assert files_holding(log_dir(), password) == []
    assert "opened the server register" in caplog.text
    assert password not in caplog.text


def test_a_wrong_password_is_said_in_plain_words_and_nothing_is_remembered(
    qtbot: Any, password_register: PasswordRegister, memory_keyring: MemoryKeyring,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    address = password_register.address
    dialog = new_dialog(qtbot)
    fill(dialog, address, "Not-The-Password")
    assert dialog.test_connection() is None
    refused = (f"The server at 127.0.0.1:{address.port} refused the password for user "
               f"{address.user}: check the password (it is case-sensitive).")
    assert dialog.status.text() == refused
    assert dialog.open_here() is None
    assert dialog.status.text() == refused
    assert dialog.result() != ServerRegisterDialog.DialogCode.Accepted
    assert dialog.register is None
    assert memory_keyring.passwords == {}
    assert "Not-The-Password" not in caplog.text
    # No password at all is said as such too.
    dialog.password.clear()
    assert dialog.test_connection() is None
    assert "needs a password for user" in dialog.status.text()


def test_unticked_remember_leaves_the_keyring_empty(
    qtbot: Any, password_register: PasswordRegister, memory_keyring: MemoryKeyring,
) -> None:
    address, password = password_register.address, password_register.password
    memory_keyring.set_password("isms", address.key, "an-old-password")
    dialog = new_dialog(qtbot)
    fill(dialog, address, password)
    dialog.remember.setChecked(False)
    register = dialog.open_here()
    assert register is not None
    register.close()
    assert memory_keyring.passwords == {}  # and the old one is forgotten too


def test_an_empty_database_can_become_a_new_register(
    qtbot: Any, pg_empty_url: str, memory_keyring: MemoryKeyring,
) -> None:
    address = ServerAddress.from_url(pg_empty_url)
    dialog = new_dialog(qtbot)
    fill(dialog, address, "")
    assert not dialog.create_button.isEnabled()
    assert dialog.test_connection() is not None
    assert dialog.status.text() == (
        f"Connected: the database {address.database} is empty. Create a new register there, "
        "or choose another database.")
    assert dialog.create_button.isEnabled()
    assert dialog.open_here() is None  # Open does not create
    assert "is empty" in dialog.status.text()
    dialog.create_button.click()
    register = dialog.register
    assert register is not None
    try:
        assert is_initialised(register)
        assert dialog.url_text == address.url_text()
    finally:
        register.close()
    assert memory_keyring.passwords == {}  # trust: there was no password to remember


def test_without_a_keyring_it_says_so_and_still_connects(
    qtbot: Any, pg_url: str,
) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())  # type: ignore[no-untyped-call]
    try:
        dialog = new_dialog(qtbot)
        assert not dialog.keyring_note.isHidden()
        assert "the password will not be remembered" in dialog.keyring_note.text()
        assert not dialog.remember.isEnabled() and not dialog.remember.isChecked()
        fill(dialog, ServerAddress.from_url(pg_url), "typed-but-not-needed")
        register = dialog.open_here()
        assert register is not None
        register.close()
    finally:
        keyring.set_keyring(previous)


def test_an_unreachable_server_is_said_in_plain_words(qtbot: Any) -> None:
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    dialog = new_dialog(qtbot)
    fill(dialog, ServerAddress("127.0.0.1", port, "isms", "someone"), "pw")
    assert dialog.test_connection() is None
    assert dialog.status.text().startswith(f"Nothing answered at 127.0.0.1:{port}")
    dialog.database.clear()
    assert dialog.test_connection() is None
    assert dialog.status.text() == "Give the database of the register."


def test_reopening_uses_the_remembered_password_or_asks(
    qtbot: Any, on_modal: OnModal, password_register: PasswordRegister,
    memory_keyring: MemoryKeyring,
) -> None:
    address, password = password_register.address, password_register.password
    url = address.url_text()
    # Nothing remembered: the dialog opens filled in, saying why; the password is typed there.
    shown: list[tuple[str, str, str]] = []

    def type_password(dialog: ServerRegisterDialog) -> None:
        shown.append((dialog.database.text(), dialog.user.text(), dialog.status.text()))
        dialog.password.setText(password)
        dialog.open_button.click()

    on_modal(ServerRegisterDialog, type_password)
    register = opening.reopen_server_register(url)
    assert register is not None
    register.close()
    assert shown == [(address.database, address.user,
                      f"The server at 127.0.0.1:{address.port} needs a password for user "
                      f"{address.user}.")]
    assert memory_keyring.passwords == {("isms", address.key): password}
    # Now remembered: it opens without asking.
    register = opening.reopen_server_register(url)
    assert register is not None
    register.close()
    assert len(shown) == 1
    # The command line (or ISMS_DATABASE_URL) gets the remembered password too.
    register = opening.startup_register(url, False, ErrorReporter(dialogs=False))
    assert register is not None
    register.close()


def test_the_start_dialog_offers_a_server_register(
    qtbot: Any, on_modal: OnModal, monkeypatch: pytest.MonkeyPatch, register: Register,
) -> None:
    from isms.db.location import resolve

    dialog = StartDialog(resolve(None))
    qtbot.addWidget(dialog)
    assert dialog.button(StartChoice.OPEN_SERVER).text() == "Open a register on a server…"
    # Cancelled: back to the choices; then a register opened there is the one the window shows.
    answers = iter([None, register])
    monkeypatch.setattr(opening, "ask_server_register", lambda parent: next(answers))
    answer_start_dialogs(on_modal, StartChoice.OPEN_SERVER, StartChoice.OPEN_SERVER)
    assert opening.startup_register(None, False, ErrorReporter(dialogs=False)) is register


def test_the_form_starts_from_defaults_then_from_the_last_server(qtbot: Any) -> None:
    from isms.db.os_account import account_name

    dialog = new_dialog(qtbot)
    assert (dialog.host.text(), dialog.port.value(), dialog.database.text(),
            dialog.user.text()) == ("localhost", 5432, "", account_name())
    settings().setValue(LAST_SERVER.key, f"postgresql+psycopg://{USER}@db.example:5433/isms")
    dialog = new_dialog(qtbot)
    assert (dialog.host.text(), dialog.port.value(), dialog.database.text(),
            dialog.user.text()) == ("db.example", 5433, "isms", USER)
    assert dialog.password.text() == ""
