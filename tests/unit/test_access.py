"""Access control: who may change what, refused by the register whatever the window shows."""

from __future__ import annotations

import argparse
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from isms.cli import access_commands, main
from isms.db import Register
from isms.db.os_account import account_name
from isms.errors import AccessDenied
from isms.method.criteria import Criteria
from isms.model import Asset, ChangeLogEntry, Department, Person, Risk, Role
from isms.services import access, assets, records, risks
from isms.services.access import Level
from isms.services.method import change_criteria
from isms.services.read import queries
from isms.services.soa.versions import approve_soa
from tests import builders
from tests.unit.test_soa import decide_all

pytestmark = pytest.mark.both_backends

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
#: The template register's creator (tests/conftest.py): its administrator.
CREATOR = "template"


@dataclass(frozen=True)
class Council:
    env: int
    chs: int
    env_asset: int
    chs_asset: int
    risk: int
    approver: int


def _person(session: Session, name: str, username: str, *roles: Role) -> Person:
    who = builders.person(session, name=name)
    for role in roles:
        who.add_role(role)
    access.set_username(session, who, username)  # the first one turns access control on
    return who


@pytest.fixture
def council(register: Register) -> Council:
    """Two departments and their records, and a person at every level (access control on)."""
    with register.transaction(actor=CREATOR) as session:
        env = builders.department(session, code="ENV", name="Environment")
        chs = builders.department(session, code="CHS", name="Children's Services")
        env_asset = builders.asset(session, env)
        chs_asset = builders.asset(session, chs)
        risk = builders.risk(session, env, ref="R-0012", title="Flooding of the depot")
        _person(session, "Ada Admin", "ada", Role.ADMINISTRATOR)
        approver = _person(session, "April Approver", "april", Role.APPROVER)
        _person(session, "Ed Editor", "ed", Role.SMG_MEMBER)
        _person(session, "Vera Viewer", "vera")
        limited = _person(session, "Liz Limited", "liz", Role.INFORMATION_ASSET_OWNER)
        session.flush()
        access.set_department_limits(session, limited, [env.id])
    return Council(env.id, chs.id, env_asset.id, chs_asset.id, risk.id, approver.id)


def _rename_risk(session: Session, risk_id: int, title: str) -> None:
    risk = session.get(Risk, risk_id)
    assert risk is not None
    risks.update_details(risk, title=title, description=risk.description, owner=risk.owner)


def test_a_single_user_register_lets_anyone_change_everything(register: Register) -> None:
    with register.transaction(actor="someone") as session:
        dept = builders.department(session, code="ENV", name="Environment")
        builders.risk(session, dept, ref="R-0001")
        records.add_person(session, name="Pat", roles={Role.RISK_OWNER})
        assert access.who(session).level == Level.ADMINISTRATOR
        assert not access.who(session).controlled
        assert access.can(session, Level.ADMINISTRATOR)


def test_a_viewers_save_is_refused_and_nothing_is_written(
    register: Register, council: Council
) -> None:
    with register.session() as session:
        logged = session.execute(select(ChangeLogEntry.id)).scalars().all()
    with pytest.raises(AccessDenied) as refused, register.transaction(actor="Vera") as session:
        _rename_risk(session, council.risk, "Renamed by a viewer")
    message = str(refused.value)
    assert "Vera Viewer may not change risk R-0012" in message
    assert "editing role" in message and "viewer" in message
    assert refused.value.exit_code == 1
    with register.session() as session:
        assert session.get(Risk, council.risk).title == "Flooding of the depot"  # type: ignore[union-attr]
        assert session.execute(select(ChangeLogEntry.id)).scalars().all() == logged


def test_an_unknown_login_is_a_viewer(register: Register, council: Council) -> None:
    with register.session(actor="mallory") as session:
        who = access.who(session)
        assert (who.level, who.person_id, who.controlled) == (Level.VIEWER, None, True)
        assert not access.can(session, Level.EDITOR)
    with pytest.raises(AccessDenied, match="mallory is not a person in this register"), \
            register.transaction(actor="mallory") as session:
        asset = session.get(Asset, council.env_asset)
        assert asset is not None
        assets.update_asset(session, asset, name="Renamed")


def test_bulk_writes_that_bypass_the_flush_are_refused_too(
    register: Register, council: Council
) -> None:
    with pytest.raises(AccessDenied, match="may not change the asset records"), \
            register.transaction(actor="vera") as session:
        session.execute(update(Asset).where(Asset.id == council.env_asset).values(name="x"))
    with pytest.raises(AccessDenied, match="administrator"), \
            register.transaction(actor="ed") as session:
        session.execute(update(Department).values(description="x"))


def test_an_editor_edits_assets_and_risks_but_not_people_or_the_method(
    register: Register, council: Council
) -> None:
    with register.transaction(actor="ed") as session:
        assert access.who(session).level == Level.EDITOR
        _rename_risk(session, council.risk, "Flooding of the main depot")
        asset = session.get(Asset, council.chs_asset)
        assert asset is not None
        assets.update_asset(session, asset, name="Case files")
    with pytest.raises(AccessDenied, match="needs the administrator role"), \
            register.transaction(actor="ed") as session:
        records.add_person(session, name="New Starter")
    with pytest.raises(AccessDenied, match="may not change department ENV"), \
            register.transaction(actor="ed") as session:
        env = session.get(Department, council.env)
        assert env is not None
        records.update_department(session, env, description="Roads")
    with pytest.raises(AccessDenied, match="may not add risk criteria v2"), \
            register.transaction(actor="ed") as session:
        data = queries.current_criteria(session).to_definition()
        data["cadence_days"]["Medium"] = 120
        change_criteria(session, Criteria.from_definition(data), note="x", actor="ed")
    with register.transaction(actor="ada") as session:
        records.add_person(session, name="New Starter")


def test_an_approver_approves_the_soa_and_an_editor_cannot(
    register: Register, council: Council
) -> None:
    with register.transaction(actor=CREATOR) as session:
        env = session.get(Department, council.env)
        assert env is not None
        decide_all(session, env)
    with pytest.raises(AccessDenied, match="needs the approver or siro role"), \
            register.transaction(actor="ed") as session:
        approve_soa(session, council.env, "", NOW)
    with register.transaction(actor="april") as session:
        # No owners, no evidence: 2 x 93 warnings, acknowledged (tests/unit/test_soa_truth.py).
        approval = approve_soa(session, council.env, "", NOW, acknowledged=186)
        # Signed by the acting approver, not by whoever a caller names.
        assert approval.version.number == 1
        assert approval.version.approved_by_id == council.approver


def test_a_department_limited_editor_cannot_edit_another_departments_records(
    register: Register, council: Council
) -> None:
    with register.transaction(actor="liz") as session:
        assert access.who(session).departments == frozenset({council.env})
        assert access.can(session, Level.EDITOR, council.env)
        assert not access.can(session, Level.EDITOR, council.chs)
        asset = session.get(Asset, council.env_asset)
        assert asset is not None
        assets.update_asset(session, asset, name="Gritting routes")
    with pytest.raises(AccessDenied, match="belongs to department CHS"), \
            register.transaction(actor="liz") as session:
        asset = session.get(Asset, council.chs_asset)
        assert asset is not None
        assets.update_asset(session, asset, name="Case files")
    with pytest.raises(AccessDenied, match="belongs to department CHS"), \
            register.transaction(actor="liz") as session:
        asset = session.get(Asset, council.env_asset)
        assert asset is not None
        asset.department_id = council.chs  # moving it out of ENV changes CHS's records too


def test_the_creator_is_an_administrator(register: Register, council: Council) -> None:
    with register.transaction(actor=CREATOR.upper()) as session:
        who = access.who(session)
        assert (who.level, who.creator, who.person_id) == (Level.ADMINISTRATOR, True, None)
        records.add_department(session, code="HR", name="Human Resources")


def test_a_person_who_left_keeps_no_rights(register: Register, council: Council) -> None:
    with register.transaction(actor="ada") as session:
        records.update_person(session, queries.person(session, "Ed Editor"), active=False)
    with register.session(actor="ed") as session:
        assert access.who(session).level == Level.VIEWER


def test_usernames_are_unique_whatever_their_case(register: Register, council: Council) -> None:
    with pytest.raises(Exception, match="Ada Admin already has the username ADA"), \
            register.transaction(actor="ada") as session:
        access.set_username(session, queries.person(session, "Vera Viewer"), "ADA")


def test_a_server_register_acts_as_the_database_login(register: Register, backend: str) -> None:
    with register.session() as session:
        expected = "isms" if backend == "postgresql" else account_name()
        assert session.info["actor"] == expected


def _whoami(capsys: pytest.CaptureFixture[str], db: str, actor_json: bool = True) -> str:
    parser = argparse.ArgumentParser()
    access_commands.add_commands(parser.add_subparsers())
    args = parser.parse_args(["whoami", "--db", db, *(["--json"] if actor_json else [])])
    capsys.readouterr()  # only what whoami prints
    assert args.handler(args) == 0
    return capsys.readouterr().out


def test_whoami_and_people_commands(
    capsys: pytest.CaptureFixture[str], register_db: str, backend: str
) -> None:
    me = "isms" if backend == "postgresql" else account_name()
    source = ({"identity_source": "database-login"} if backend == "postgresql"
              else {"identity_source": "os-account", "uid": os.geteuid()})
    data = json.loads(_whoami(capsys, register_db))
    assert data == {"actor": me, "person": None, "level": "administrator", "departments": None,
                    "access_control": False, "creator": False, **source}
    assert main(["departments", "add", "ENV", "Environment", "--db", register_db]) == 0
    # Turning access control on must not leave the one doing it unable to give roles out.
    assert main(["people", "add", "Me Myself", "--username", me.upper(), "--role", "smg member",
                 "--db", register_db]) == 1
    assert f"would leave you ({me}) unable to give roles out" in capsys.readouterr().err
    assert main(["people", "add", "Me Myself", "--username", me.upper(), "--role",
                 "administrator", "--db", register_db]) == 0
    data = json.loads(_whoami(capsys, register_db))
    assert data == {"actor": me, "person": "Me Myself", "level": "administrator",
                    "departments": None, "access_control": True, "creator": False, **source}
    assert main(["people", "update", "Me Myself", "--role", "smg member", "--departments", "ENV",
                 "--db", register_db]) == 0
    capsys.readouterr()
    assert main(["people", "list", "--access", "--json", "--db", register_db]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert (listed[0]["username"], listed[0]["limited_to"]) == (me.upper(), ["ENV"])
    data = json.loads(_whoami(capsys, register_db))
    assert (data["level"], data["departments"]) == ("editor", ["ENV"])
    assert "Your changes are limited to: ENV." in _whoami(capsys, register_db, actor_json=False)
    # An editor can neither make themselves an administrator nor turn access control off.
    assert main(["people", "update", "Me Myself", "--role", "administrator",
                 "--db", register_db]) == 1
    err = capsys.readouterr().err
    assert "Me Myself may not give Me Myself the administrator role: that needs the " \
        "administrator role (Me Myself is an editor)" in err
    parser = argparse.ArgumentParser()
    access_commands.add_commands(parser.add_subparsers())
    args = parser.parse_args(["access", "off", "--db", register_db])
    with pytest.raises(AccessDenied, match="Me Myself may not turn access control off: that "
                       "needs the administrator role"):
        args.handler(args)
