"""The account running isms comes from the operating system, never from the environment."""

from __future__ import annotations

import os

import pytest

from isms.db import os_account
from isms.db.session import default_actor

# POSIX: where the account is a passwd entry (Windows asks the process token instead).
pwd = pytest.importorskip("pwd")

#: The variables getpass.getuser() reads before it asks the system.
USER_VARIABLES = ("LOGNAME", "USER", "LNAME", "USERNAME")


def _impostor() -> str:
    """A name that is not the account running the tests ("root" unless that is who we are)."""
    real = pwd.getpwuid(os.geteuid()).pw_name
    return "root" if real != "root" else "ada"


def test_the_account_is_the_passwd_entry_of_the_effective_uid() -> None:
    account = os_account.current_account()
    assert account == os_account.OsAccount(pwd.getpwuid(os.geteuid()).pw_name, os.geteuid())
    assert os_account.account_name() == account.name


def test_user_variables_do_not_change_who_acts(monkeypatch: pytest.MonkeyPatch) -> None:
    real = os_account.account_name()
    for variable in USER_VARIABLES:
        monkeypatch.setenv(variable, _impostor())
    assert os_account.account_name() == real
    assert default_actor() == real


def test_an_account_without_a_passwd_entry_is_named_by_its_uid(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_entry(uid: int) -> object:
        raise KeyError(f"getpwuid(): uid not found: {uid}")

    monkeypatch.setenv("LOGNAME", _impostor())
    monkeypatch.setattr(pwd, "getpwuid", no_entry)
    assert os_account.current_account() == os_account.OsAccount(
        f"uid:{os.geteuid()}", os.geteuid())

