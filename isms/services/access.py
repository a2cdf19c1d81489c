"""Who is acting and what they may do: for screens to hide or disable what would be refused.

The rule itself is enforced on every write by the register's session
(:mod:`isms.db.access_guard`, which explains the levels); these helpers only ask it. Setting
people's usernames, roles and department limits is :func:`isms.services.records.update_person`
plus :func:`set_department_limits` here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from ..db import os_account
from ..db.access_guard import (
    ACCESS_SETTING,
    NEEDS,
    ROLE_LEVELS,
    Access,
    Level,
    check,
    enforced,
    resolve,
)
from ..errors import ValidationError
from ..model import Department, Person, PersonDepartment, RegisterSetting
from ..model.base import utcnow

__all__ = [
    "NEEDS",
    "ROLE_LEVELS",
    "Access",
    "Level",
    "can",
    "describe",
    "identity",
    "enforced",
    "set_enforced",
    "set_department_limits",
    "set_username",
    "who",
]


def who(session: Session) -> Access:
    """The acting user (``session.info['actor']``), their person, level and department limits."""
    return resolve(session)


def can(session: Session, level: Level, department_id: int | None = None) -> bool:
    """Whether the actor may make changes needing ``level`` (to a record of ``department_id``,
    if given; administration is never department-limited)."""
    access = who(session)
    if not access.controlled:
        return True
    if access.level < level:
        return False
    if access.departments is None or level == Level.ADMINISTRATOR or department_id is None:
        return True
    return department_id in access.departments


def identity(session: Session) -> dict[str, Any]:
    """Where the actor's name comes from: ``database-login`` on a server register (the login
    the server reports, which it checked), else ``os-account`` (the operating-system account
    running isms, with its ``uid`` on POSIX). Never an environment variable."""
    if session.get_bind().dialect.name == "postgresql":
        return {"identity_source": "database-login"}
    uid = os_account.current_account().uid
    return {"identity_source": "os-account", **({"uid": uid} if uid is not None else {})}


def describe(session: Session) -> dict[str, Any]:
    """``who`` for people and scripts: department codes rather than ids, and where the name
    comes from (:func:`identity`)."""
    access = who(session)
    codes: list[str] | None = None
    if access.departments is not None:
        codes = sorted(
            session.execute(
                select(Department.code).where(Department.id.in_(access.departments))
            ).scalars()
        )
    return {
        "actor": access.actor,
        "person": access.person_name,
        "level": access.level.label,
        "departments": codes,
        "access_control": access.controlled,
        "creator": access.creator,
        **identity(session),
    }


def set_username(session: Session, person: Person, username: str | None) -> None:
    """Give ``person`` the login they act under (blank: none). Unique, whatever its case.

    Giving a username turns access control on if it is not yet (see isms.db.access_guard).
    """
    name = (username or "").strip() or None
    if name is not None:
        if len(name) > 100 or any(ch.isspace() for ch in name):
            raise ValidationError(
                f"{name!r} is not a login name: no spaces, at most 100 characters.",
                field="username",
            )
        others = select(Person.name).where(func.lower(Person.username) == name.lower())
        if person.id is not None:
            others = others.where(Person.id != person.id)
        taken = session.execute(others.limit(1)).scalar()
        if taken is not None:
            raise ValidationError(
                f"{taken} already has the username {name}.", field="username"
            )
    person.username = name
    if name is not None and not enforced(session):
        set_enforced(session, True)


def _stays_administrator(session: Session) -> bool:
    """Whether the actor is an administrator once access control is on: the register's creator,
    or an active person with their username and the administrator role, as the database holds
    it (with this transaction's changes, flushed by the caller)."""
    return resolve(session, assume_enforced=True).level == Level.ADMINISTRATOR


def set_enforced(session: Session, on: bool) -> None:
    """Turn access control on or off (off: anyone who can open the register may do anything).

    While access control is on, only an administrator (by role, or the register's creator)
    switches it. Turning it on is refused if it would leave the actor unable to administer the
    register: nobody could then give the roles out. Both are asked of the database, not of
    the people this session happens to have loaded.
    """
    # Sessions do not autoflush: a username or role given earlier in this transaction
    # (``isms people add NAME --username me --role administrator``) must be in the database
    # for the checks below to see it.
    session.flush()
    now = who(session)
    if now.controlled:
        check(session, now, f"turn access control {'on' if on else 'off'}", Level.ADMINISTRATOR)
    if on and not _stays_administrator(session):
        actor = who(session).actor
        raise ValidationError(
            f"Turning access control on would leave you ({actor}) unable to give roles out: "
            f"first give yourself the username {actor} and the administrator role "
            f"(`isms people add|update NAME --username {actor} --role administrator`).",
            field="username",
        )
    setting = session.get(RegisterSetting, ACCESS_SETTING)
    value = {"enforced": on, "changed_by": now.actor, "changed_at": utcnow().isoformat()}
    if setting is None:
        session.add(RegisterSetting(key=ACCESS_SETTING, value=value))
    else:
        setting.value = value


def set_department_limits(
    session: Session, person: Person, department_ids: Iterable[int] | None
) -> None:
    """Limit ``person``'s changes to records of these departments (None or empty: all)."""
    wanted = set(department_ids or ())
    for department_id in wanted:
        if session.get(Department, department_id) is None:
            raise ValidationError(
                f"There is no department with id {department_id}.", field="departments"
            )
    held = {row.department_id for row in person.department_limits}
    if wanted == held:
        return
    person.department_limits = [
        row for row in person.department_limits if row.department_id in wanted
    ] + [PersonDepartment(department_id=d) for d in sorted(wanted - held)]
    # The limits live in another table: mark the person changed so the version moves.
    flag_modified(person, "name")
