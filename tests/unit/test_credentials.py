"""Server register passwords in the keyring (an in-process one: no real keyring is touched)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from keyring.errors import PasswordSetError

from isms.db import os_account
from isms.db.credentials import (
    PasswordNotRemembered,
    ServerAddress,
    forget_password,
    keyring_available,
    keyring_key,
    load_password,
    store_password,
    with_stored_password,
)
from isms.db.location import resolve, url_without_password
from isms.errors import UsageError
from tests.keyrings import MemoryKeyring


class RefusingKeyring(MemoryKeyring):
    """A locked keyring: it refuses to store anything."""

    def set_password(self, service: str, username: str, password: str) -> None:
        raise PasswordSetError(f"locked; was given {password}")


@pytest.fixture
def no_keyring() -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())  # type: ignore[no-untyped-call]
    yield
    keyring.set_keyring(previous)


ADDRESS = ("db.council.local", 5433, "isms", "rsharma")


def test_the_key_names_user_server_and_database() -> None:
    assert keyring_key(*ADDRESS) == "rsharma@db.council.local:5433/isms"
    assert ServerAddress(*ADDRESS).key == "rsharma@db.council.local:5433/isms"


def test_store_load_and_forget(memory_keyring: MemoryKeyring) -> None:
    assert keyring_available()
    assert load_password(*ADDRESS) is None
    store_password(*ADDRESS, "s3cret!")
    assert memory_keyring.passwords == {("isms", "rsharma@db.council.local:5433/isms"): "s3cret!"}
    assert load_password(*ADDRESS) == "s3cret!"
    assert load_password("db.council.local", 5433, "other", "rsharma") is None
    assert forget_password(*ADDRESS) is True
    assert forget_password(*ADDRESS) is False  # nothing left to forget
    assert load_password(*ADDRESS) is None


def test_without_a_keyring_nothing_is_remembered_and_that_is_said(no_keyring: None) -> None:
    assert not keyring_available()
    with pytest.raises(PasswordNotRemembered, match="password will not be remembered"):
        store_password(*ADDRESS, "s3cret!")
    assert load_password(*ADDRESS) is None
    assert forget_password(*ADDRESS) is False


def test_a_refusing_keyring_never_repeats_the_password() -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(RefusingKeyring())
    try:
        with pytest.raises(PasswordNotRemembered) as caught:
            store_password(*ADDRESS, "s3cret!")
        assert "s3cret!" not in str(caught.value)
        assert caught.value.__cause__ is None and caught.value.__suppress_context__
    finally:
        keyring.set_keyring(previous)


def test_the_url_never_carries_the_password_unless_asked() -> None:
    address = ServerAddress(*ADDRESS)
    assert address.url_text() == "postgresql+psycopg://rsharma@db.council.local:5433/isms"
    location = address.location("s3cret!")
    assert location.url.password == "s3cret!"  # in memory, for the driver
    assert location.path is None
    assert "s3cret!" not in location.display()
    assert "s3cret!" not in str(location.url)
    assert url_without_password(location.url) == address.url_text()
    assert address.url("x", connect_timeout=5).query == {"connect_timeout": "5"}


def test_an_address_from_a_url_drops_the_password_and_fills_defaults(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    address = ServerAddress.from_url("postgresql+psycopg://rsharma:pw@db.council.local:5433/isms")
    assert address == ServerAddress(*ADDRESS)
    monkeypatch.setattr(os_account, "current_account", lambda: os_account.OsAccount("osuser", 1001))
    assert ServerAddress.from_url("postgresql+psycopg:///isms") == ServerAddress(
        "localhost", 5432, "isms", "osuser")
    with pytest.raises(UsageError, match="not a PostgreSQL register"):
        ServerAddress.from_url("sqlite:///x.isms")
    with pytest.raises(UsageError, match="names no database"):
        ServerAddress.from_url("postgresql+psycopg://u@host")


def test_with_stored_password_fills_in_server_urls_only(
    memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    url = "postgresql+psycopg://rsharma@db.council.local:5433/isms"
    assert with_stored_password(resolve(url)).url.password is None  # nothing remembered yet
    store_password(*ADDRESS, "s3cret!")
    filled = with_stored_password(resolve(url))
    assert filled.url.password == "s3cret!"
    assert filled.display() != filled.url.render_as_string(hide_password=False)
    # A password given in the URL wins; files are left alone.
    given = resolve("postgresql+psycopg://rsharma:typed@db.council.local:5433/isms")
    assert with_stored_password(given).url.password == "typed"
    file = resolve(str(tmp_path / "r.isms"))
    assert with_stored_password(file) is file
