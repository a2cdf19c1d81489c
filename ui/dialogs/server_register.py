"""File → Open a register on a server…: a PostgreSQL register by host, port, database and user.

The password is typed here and kept in memory, or in the system keyring when "Remember the
password" is ticked (``isms.db.credentials``); it is never written to the settings, the recent
list or the log. Test connection checks the server off the UI thread with a short connect
timeout and says what is there in plain words; an empty database can be made a new register
(the same path as ``isms init``). Open and Create leave the open register in ``register`` and
its URL, without the password, in ``url_text``.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from isms.db import Register, open_register
from isms.db.credentials import (
    DEFAULT_HOST,
    DEFAULT_PORT,
    PasswordNotRemembered,
    ServerAddress,
    keyring_available,
)
from isms.db.failures import plain_problem
from isms.db.os_account import account_name
from isms.db.server import CONNECT_TIMEOUT, ServerProbe, describe, probe
from isms.errors import IsmsError, StorageError, ValidationError

from ..operations import Progress, run_with_progress
from ..settings import LAST_SERVER

log = logging.getLogger(__name__)

NO_KEYRING = ("There is no system keyring on this computer, so the password will not be "
              "remembered: you will be asked for it each time.")


class ServerRegisterDialog(QDialog):
    """Host, port, database, user and password of a server register; Test, Create, Open."""

    def __init__(self, parent: QWidget | None = None, *, address: ServerAddress | None = None,
                 problem: str | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Open a register on a server — isms")
        #: Set when Open or Create succeeded: the open register and its URL without password.
        self.register: Register | None = None
        self.url_text: str | None = None
        self.last_probe: ServerProbe | None = None

        self.host = QLineEdit(DEFAULT_HOST)
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(DEFAULT_PORT)
        self.database = QLineEdit()
        self.database.setPlaceholderText("e.g. isms")
        self.user = QLineEdit(account_name())
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.remember = QCheckBox("Remember the password in the system keyring")
        self.keyring_note = QLabel(NO_KEYRING)
        self.keyring_note.setWordWrap(True)
        if keyring_available():
            self.remember.setChecked(True)
            self.keyring_note.hide()
        else:
            self.remember.setChecked(False)
            self.remember.setEnabled(False)
        form = QFormLayout()
        form.addRow("&Host:", self.host)
        form.addRow("&Port:", self.port)
        form.addRow("&Database:", self.database)
        form.addRow("&User:", self.user)
        form.addRow("Pass&word:", self.password)
        form.addRow("", self.remember)

        self.status = QLabel(problem or "")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status.setAccessibleName("Connection status")

        buttons = QDialogButtonBox()
        self.test_button = QPushButton("&Test connection")
        self.create_button = QPushButton("&Create a new register there")
        self.create_button.setEnabled(False)
        self.create_button.setToolTip("Offered once Test connection finds an empty database")
        self.open_button = QPushButton("&Open")
        self.open_button.setDefault(True)
        buttons.addButton(self.test_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.create_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.open_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.test_button.clicked.connect(self.test_connection)
        self.create_button.clicked.connect(self.create_here)
        self.open_button.clicked.connect(self.open_here)
        buttons.rejected.connect(self.reject)
        for field in (self.host, self.database, self.user):
            field.textEdited.connect(self._address_changed)
        self.port.valueChanged.connect(self._address_changed)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.keyring_note)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.setMinimumWidth(480)

        self.set_address(address or self._last_address())
        (self.password if address and self.database.text() else self.database).setFocus()

    # --- the form ---------------------------------------------------------------------------

    @staticmethod
    def _last_address() -> ServerAddress | None:
        saved = LAST_SERVER.get()
        if not saved:
            return None
        try:
            return ServerAddress.from_url(saved)
        except IsmsError:
            return None

    def set_address(self, address: ServerAddress | None) -> None:
        if address is None:
            return
        self.host.setText(address.host)
        self.port.setValue(address.port)
        self.database.setText(address.database)
        self.user.setText(address.user)

    def address(self) -> ServerAddress:
        """The address typed in; ValidationError names the empty field."""
        for field, label in ((self.host, "host"), (self.database, "database"),
                             (self.user, "user")):
            if not field.text().strip():
                raise ValidationError(f"Give the {label} of the register.", field=label)
        return ServerAddress(self.host.text().strip(), self.port.value(),
                             self.database.text().strip(), self.user.text().strip())

    def _address_changed(self) -> None:
        self.create_button.setEnabled(False)  # what was found empty was another database
        self.last_probe = None

    def _say(self, text: str) -> None:
        self.status.setText(text)

    # --- the buttons ------------------------------------------------------------------------

    def test_connection(self) -> ServerProbe | None:
        """Connect off the UI thread and say what is there; None (and why) when it failed."""
        entered = self._entered()
        if entered is None:
            return None
        address, password = entered
        self._say(f"Connecting to {address.host}:{address.port}…")
        try:
            found = run_with_progress(
                self, "Test connection", f"Connecting to {address.url_text()}…",
                lambda _progress: probe(address, password, timeout=CONNECT_TIMEOUT))
        except IsmsError as exc:
            self.last_probe = None
            self.create_button.setEnabled(False)
            self._say(str(exc))
            return None
        self.last_probe = found
        self.create_button.setEnabled(found.is_empty)
        self._say(describe(address.database, found))
        return found

    def open_here(self) -> Register | None:
        """Open the register there (upgrading an older one) and close the dialog."""
        return self._connect(create=False)

    def create_here(self) -> Register | None:
        """Make the empty database a new register (as `isms init` does) and close the dialog."""
        return self._connect(create=True)

    def _entered(self) -> tuple[ServerAddress, str | None] | None:
        """The server and password typed in; None (having said what is wrong) if incomplete."""
        try:
            address = self.address()
        except ValidationError as exc:
            self._say(str(exc))
            return None
        return address, self.password.text() or None

    def _connect(self, *, create: bool) -> Register | None:
        entered = self._entered()
        if entered is None:
            return None
        address, password = entered

        def work(_progress: Progress) -> Register:
            # Fails fast, in plain words.
            found = probe(address, password, timeout=CONNECT_TIMEOUT)
            if create:
                if not found.is_empty:
                    raise StorageError(describe(address.database, found))
                from isms.services.setup import init_register

                register, _summary = init_register(address.location(password))
                return register
            if found.is_empty:
                raise StorageError(describe(address.database, found))
            return open_register(address.location(password))

        verb = "Creating a register in" if create else "Opening"
        try:
            register = run_with_progress(self, "Open a register on a server",
                                         f"{verb} {address.url_text()}…", work)
        except IsmsError as exc:
            self._say(plain_problem(address, exc))
            if create is False and "is empty" in str(exc):
                self.create_button.setEnabled(True)
            return None
        log.info("%s the server register %s", "created" if create else "opened",
                 address.url_text())
        self.register = register
        self.url_text = address.url_text()
        LAST_SERVER.set(self.url_text)
        self._keep_password(address, password)
        self.accept()
        return register

    def _keep_password(self, address: ServerAddress, password: str | None) -> None:
        """Remember the password that worked, or forget any remembered one when not ticked."""
        if not self.remember.isChecked() or password is None:
            if self.remember.isEnabled():
                address.forget_password()
            return
        try:
            address.store_password(password)
        except PasswordNotRemembered as exc:
            log.warning("%s", exc)
            QMessageBox.warning(self, "isms — password not remembered", str(exc))

    @classmethod
    def ask(cls, parent: QWidget | None = None, *, address: ServerAddress | None = None,
            problem: str | None = None) -> Register | None:
        """Show the dialog; the register opened or created there, or None when cancelled."""
        dialog = cls(parent, address=address, problem=problem)
        dialog.exec()
        register = dialog.register
        dialog.deleteLater()
        return register
