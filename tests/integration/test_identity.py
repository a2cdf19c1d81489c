"""Who acts is decided by the operating system or the server, and any administrator runs
access control (issue 16, points 1 and 7)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from isms.db import Register, commit, os_account
from isms.db.audit_chain import verify_chain
from isms.db.session import database_login
from isms.errors import AccessDenied
from isms.model import ChangeLogEntry, Department, Role
from isms.services import access, records
from isms.services.read import queries
from tests.integration.test_cli import isms, run

pytestmark = pytest.mark.both_backends

#: The variables getpass.getuser() reads before it asks the system.
USER_VARIABLES = ("LOGNAME", "USER", "LNAME", "USERNAME")
#: The template register's creator (tests/conftest.py).
CREATOR = "template"


def _me(register: Register, backend: str) -> str:
    """Who isms says we are: the OS account on a file, the database login on a server."""
    return os_account.account_name() if backend == "sqlite" else database_login(register.engine)


@pytest.fixture
def me(register: Register, backend: str) -> str:
    return _me(register, backend)


@pytest.fixture
def impostor(me: str) -> str:
    """The name an attacker puts in LOGNAME: "root", unless that is who we really are."""
    return "root" if me != "root" else "ada"


@pytest.fixture
def pretending(impostor: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """Every variable getpass.getuser() reads set to the impostor's name, here and for
    child processes."""
    variables = dict.fromkeys(USER_VARIABLES, impostor)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    yield variables


def _log_size(register: Register) -> int:
    with register.session() as session:
        return int(session.execute(select(func.count(ChangeLogEntry.id))).scalar_one())


def _last_actor(register: Register) -> str:
    with register.session() as session:
        return str(session.execute(
            select(ChangeLogEntry.actor).order_by(ChangeLogEntry.id.desc()).limit(1)
        ).scalar_one())


def _people(register: Register, *people: tuple[str, str, set[Role]]) -> None:
    """Add people with usernames and roles, as the register's creator (access control on)."""
    with register.transaction(actor=CREATOR) as session:
        for name, username, roles in people:
            person = records.add_person(session, name=name, roles=roles)
            access.set_username(session, person, username)


# --- point 1: identity from the operating system or the server -------------------------------


def test_the_actor_whoami_and_the_change_log_name_the_real_account(
    register: Register, register_db: str, backend: str, me: str, impostor: str,
    pretending: dict[str, str], capsys: pytest.CaptureFixture[str],
) -> None:
    with register.session() as session:
        assert session.info["actor"] == me != impostor
    code, out, _ = run(capsys, "whoami", "--json", "--db", register_db)
    data = json.loads(out)
    assert (code, data["actor"]) == (0, me)
    if backend == "sqlite":
        assert (data["identity_source"], data["uid"]) == ("os-account", os.geteuid())
    else:
        assert data["identity_source"] == "database-login" and "uid" not in data
    code, out, _ = run(capsys, "whoami", "--db", register_db)
    why = (f"You are {me}: the operating-system account running isms (uid {os.geteuid()}), on "
           "a register file." if backend == "sqlite" else
           f"You are {me}: the database login the server reports, on a PostgreSQL register.")
    assert (code, out.splitlines()[0]) == (0, why)
    assert run(capsys, "departments", "add", "ENV", "Environment", "--db", register_db)[0] == 0
    assert _last_actor(register) == me


def test_a_viewer_cannot_make_themself_administrator_by_setting_logname(
    register: Register, register_db: str, me: str, impostor: str, pretending: dict[str, str],
) -> None:
    """The issue's attack, run as a user would: ``LOGNAME=root isms people update NAME --role
    administrator`` in a child process whose environment names the administrator."""
    _people(register, ("Ada Admin", impostor, {Role.ADMINISTRATOR}), ("Vera Viewer", me, set()))
    logged = _log_size(register)
    attack = isms("people", "update", "Vera Viewer", "--role", "administrator",
                  "--db", register_db, env=pretending)
    assert attack.returncode == 1, attack.stdout
    assert attack.stderr == (
        "isms: error: Vera Viewer may not give Vera Viewer the administrator role: that needs "
        "the administrator role (Vera Viewer is a viewer). Ask an administrator of the "
        "register to give you the role.\n")
    with register.session() as session:
        assert queries.person(session, "Vera Viewer").roles == set()
    assert _log_size(register) == logged
    whoami = isms("whoami", "--json", "--db", register_db, env=pretending)
    assert whoami.returncode == 0, whoami.stderr
    data = json.loads(whoami.stdout)
    assert (data["actor"], data["person"], data["level"]) == (me, "Vera Viewer", "viewer")


@pytest.mark.sqlite_only(reason="a server register's actor is its login, named by the server")
def test_an_account_name_is_stored_as_it_is_never_parsed(
    register: Register, register_db: str, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    odd = '=HYPERLINK("http://x","y")|\x1b[2J;\r\x07 "quoted" \\ uid:1'
    monkeypatch.setattr(os_account, "current_account", lambda: os_account.OsAccount(odd, 4242))
    with register.transaction() as session:
        assert session.info["actor"] == odd
        records.add_department(session, code="ENV", name="Environment")
    assert _last_actor(register) == odd
    with register.session() as session:
        assert verify_chain(session).intact
    code, out, _ = run(capsys, "whoami", "--json", "--db", register_db)
    assert (code, json.loads(out)["actor"], json.loads(out)["uid"]) == (0, odd, 4242)


@pytest.mark.sqlite_only(reason="acts as other OS accounts; a server register acts as its login")
def test_an_account_whose_name_only_looks_like_a_username_is_not_that_person(
    register: Register, monkeypatch: pytest.MonkeyPatch,
) -> None:
    _people(register, ("Ada Admin", "ada", {Role.ADMINISTRATOR}))
    for lookalike in ("ada ", " ada", "ada\t", "ada\n"):
        monkeypatch.setattr(os_account, "current_account",
                            lambda name=lookalike: os_account.OsAccount(name, 4242))
        with register.session() as session:
            who = access.who(session)
            assert (who.actor, who.person_id, who.level) == (lookalike, None, access.Level.VIEWER)


# --- point 7: any administrator turns access control on and off -----------------------------


def _enforced(register: Register) -> bool:
    with register.session() as session:
        return access.enforced(session)


def test_an_administrator_who_did_not_create_the_register_turns_access_off_and_on(
    register: Register, register_db: str, me: str, capsys: pytest.CaptureFixture[str],
) -> None:
    _people(register, ("Ada Admin", me, {Role.ADMINISTRATOR}),
            ("Ed Editor", "ed", {Role.SMG_MEMBER}))
    with register.session() as session:
        assert not access.who(session).creator
    assert _enforced(register)
    assert run(capsys, "access", "off", "--db", register_db)[0] == 0
    assert not _enforced(register)
    code, out, err = run(capsys, "access", "on", "--db", register_db)
    assert (code, err) == (0, "")
    assert out == "Access control is on: people change only what their roles allow.\n"
    assert _enforced(register)
    assert _last_actor(register) == me


def test_an_editor_is_refused_naming_who_what_and_the_role(
    register: Register, register_db: str, me: str, capsys: pytest.CaptureFixture[str],
) -> None:
    _people(register, ("Ada Admin", "ada", {Role.ADMINISTRATOR}),
            ("Ed Editor", me, {Role.SMG_MEMBER}))
    logged = _log_size(register)
    code, out, err = run(capsys, "access", "off", "--db", register_db)
    assert (code, out) == (1, "")
    assert err == (
        "isms: error: Ed Editor may not turn access control off: that needs the administrator "
        "role (Ed Editor is an editor). Ask an administrator of the register to give you the "
        "role.\n")
    assert _enforced(register) and _log_size(register) == logged


def test_turning_access_on_still_refuses_to_lock_the_actor_out(
    register: Register, register_db: str, me: str, capsys: pytest.CaptureFixture[str],
) -> None:
    _people(register, ("Ed Editor", me, {Role.SMG_MEMBER}))
    with register.transaction(actor=CREATOR) as session:
        access.set_enforced(session, False)
    code, _, err = run(capsys, "access", "on", "--db", register_db)
    assert code == 1
    assert f"would leave you ({me}) unable to give roles out" in err
    assert not _enforced(register)


def test_an_administrator_role_given_in_another_session_counts_without_reopening(
    register: Register,
) -> None:
    _people(register, ("Ada Admin", "ada", {Role.ADMINISTRATOR}),
            ("Ed Editor", "ed", {Role.SMG_MEMBER}))
    with register.session(actor="ed") as eds:
        # Ed's window has read who he is, and holds his person record with its roles.
        assert access.who(eds).level == access.Level.EDITOR
        assert queries.person(eds, "Ed Editor").roles == {Role.SMG_MEMBER}
        with register.transaction(actor="ada") as adas:
            records.update_person(adas, queries.person(adas, "Ed Editor"),
                                  roles={Role.SMG_MEMBER, Role.ADMINISTRATOR})
        access.set_enforced(eds, False)
        commit(eds)
        assert access.who(eds).level == access.Level.ADMINISTRATOR
        access.set_enforced(eds, True)
        commit(eds)
    assert _enforced(register)


def test_an_administrator_role_taken_away_in_another_session_counts_at_once(
    register: Register,
) -> None:
    _people(register, ("Ada Admin", "ada", {Role.ADMINISTRATOR}),
            ("Bea Admin", "bea", {Role.ADMINISTRATOR}))
    with register.session(actor="bea") as beas:
        assert access.who(beas).level == access.Level.ADMINISTRATOR
        with register.transaction(actor="ada") as adas:
            records.update_person(adas, queries.person(adas, "Bea Admin"), roles=set())
        records.add_department(beas, code="HR", name="Human Resources")
        with pytest.raises(AccessDenied, match="Bea Admin may not add department HR: that "
                           r"needs the administrator role \(Bea Admin is a viewer\)"):
            beas.flush()
        beas.rollback()
        with pytest.raises(AccessDenied, match="Bea Admin may not turn access control off: "
                           "that needs the administrator role"):
            access.set_enforced(beas, False)
        beas.rollback()
    assert _enforced(register)
    with register.session() as session:
        assert session.execute(select(Department.code)).scalars().all() == []
