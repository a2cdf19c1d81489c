"""Server register passwords: kept in the OS keyring, never in a URL that is written anywhere.

A server register is named by a URL without its password (``postgresql+psycopg://user@host:port/
database``): that is what settings, recent lists, logs and messages hold. The password lives in
the system keyring (service ``isms``, user ``user@host:port/database``) when the user asks for it
to be remembered, and otherwise only in memory; it joins the URL only in the ``Location`` handed
to ``open_register`` at connect time (``Location.display()`` never shows it).

Without a keyring backend (a headless Linux box with no Secret Service) nothing is remembered:
``store_password`` raises ``PasswordNotRemembered`` with a plain reason, ``load_password`` returns
None, and connecting still works with the password typed in.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from ..errors import IsmsError, UsageError
from .location import Location
from .os_account import account_name

log = logging.getLogger(__name__)

#: The keyring service every isms password is filed under.
SERVICE = "isms"
DRIVER = "postgresql+psycopg"
DEFAULT_HOST = "localhost"
DEFAULT_PORT = 5432


class PasswordNotRemembered(IsmsError):
    """The keyring could not keep the password; the connection itself is unaffected."""


def keyring_key(host: str, port: int, database: str, user: str) -> str:
    """The keyring "username" a server register's password is stored under."""
    return f"{user}@{host}:{port}/{database}"


def keyring_available() -> bool:
    """False when keyring has no usable backend (it would only raise or do nothing)."""
    try:
        import keyring
        from keyring.backends import fail, null

        backend = keyring.get_keyring()
    except Exception:  # any backend failure means "not available"
        return False
    return not isinstance(backend, fail.Keyring | null.Keyring)


def store_password(host: str, port: int, database: str, user: str, password: str) -> None:
    """Remember ``password`` in the system keyring; PasswordNotRemembered says why it could not."""
    key = keyring_key(host, port, database, user)
    if not keyring_available():
        raise PasswordNotRemembered(
            "There is no system keyring on this computer, so the password will not be "
            "remembered; you will be asked for it next time."
        )
    try:
        import keyring

        keyring.set_password(SERVICE, key, password)
    except Exception as exc:  # backends raise their own kinds of error
        raise PasswordNotRemembered(
            f"The system keyring refused to keep the password ({type(exc).__name__}), so it "
            "will not be remembered; you will be asked for it next time."
        ) from None  # the backend's message could quote what it was given
    log.info("remembered the password for %s in the system keyring", key)


def load_password(host: str, port: int, database: str, user: str) -> str | None:
    """The remembered password, or None (none stored, or no keyring available)."""
    if not keyring_available():
        return None
    key = keyring_key(host, port, database, user)
    try:
        import keyring

        return keyring.get_password(SERVICE, key)
    except Exception as exc:  # a locked or broken keyring is "not remembered"
        log.info("could not read the password for %s from the keyring: %s",
                 key, type(exc).__name__)
        return None


def forget_password(host: str, port: int, database: str, user: str) -> bool:
    """Remove a remembered password; False when there was none (or no keyring)."""
    if not keyring_available():
        return False
    key = keyring_key(host, port, database, user)
    try:
        import keyring
        from keyring.errors import PasswordDeleteError

        try:
            keyring.delete_password(SERVICE, key)
        except PasswordDeleteError:
            return False
    except Exception as exc:
        log.info("could not remove the password for %s from the keyring: %s",
                 key, type(exc).__name__)
        return False
    log.info("forgot the password for %s", key)
    return True


@dataclass(frozen=True)
class ServerAddress:
    """Where a server register is, and as whom to connect: everything but the password."""

    host: str
    port: int
    database: str
    user: str

    @classmethod
    def from_url(cls, url: str | URL) -> ServerAddress:
        """The address in a PostgreSQL URL (any password in it is dropped)."""
        try:
            parsed = make_url(url) if isinstance(url, str) else url
        except ArgumentError as exc:
            raise UsageError(f"That is not a database URL: {exc}") from None
        if parsed.get_backend_name() != "postgresql":
            raise UsageError(
                f"{parsed.render_as_string(hide_password=True)} is not a PostgreSQL register."
            )
        if not parsed.database:
            raise UsageError(
                f"{parsed.render_as_string(hide_password=True)} names no database."
            )
        return cls(
            host=parsed.host or DEFAULT_HOST,
            port=parsed.port or DEFAULT_PORT,
            database=parsed.database,
            user=parsed.username or account_name(),
        )

    @property
    def key(self) -> str:
        return keyring_key(self.host, self.port, self.database, self.user)

    def url(self, password: str | None = None, *, connect_timeout: int | None = None) -> URL:
        """The SQLAlchemy URL; with ``password`` only for connecting (keep it in memory)."""
        query = {"connect_timeout": str(connect_timeout)} if connect_timeout else {}
        return URL.create(
            DRIVER, username=self.user, password=password or None, host=self.host,
            port=self.port, database=self.database, query=query,
        )

    def url_text(self) -> str:
        """``postgresql+psycopg://user@host:port/database``: safe to save, list and log."""
        return self.url().render_as_string(hide_password=False)

    def location(self, password: str | None = None, *,
                 connect_timeout: int | None = None) -> Location:
        """A Location for ``open_register``: the password rides along in memory only."""
        return Location(self.url(password, connect_timeout=connect_timeout), None)

    # The keyring, for this address.

    def store_password(self, password: str) -> None:
        store_password(self.host, self.port, self.database, self.user, password)

    def load_password(self) -> str | None:
        return load_password(self.host, self.port, self.database, self.user)

    def forget_password(self) -> bool:
        return forget_password(self.host, self.port, self.database, self.user)


def with_stored_password(location: Location) -> Location:
    """``location`` with the remembered password added when its URL has none.

    For server URLs given on the command line, by ``$ISMS_DATABASE_URL`` or from a recent list.
    Files, URLs that carry a password already and servers with nothing remembered come back as
    they are (the driver may still find a password in ~/.pgpass or $PGPASSWORD).
    """
    if location.path is not None or location.url.password is not None:
        return location
    if location.url.get_backend_name() != "postgresql" or not location.url.database:
        return location
    address = ServerAddress.from_url(location.url)
    password = address.load_password()
    if password is None:
        return location
    return Location(location.url.set(password=password), None)
