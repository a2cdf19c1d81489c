"""`isms access grants`: which server login gets which level, and the SQL that makes the
PostgreSQL server itself refuse what a level may not do (:mod:`isms.db.grants`).

Each person with a username that is a login on the server gets the group role of their level
(the highest of their roles, as isms works it out: :data:`isms.db.access_guard.ROLE_LEVELS`);
the register's creator is an administrator; someone who has left gets none. Logins holding a
level's role that no person names any more lose it. Logins the register does not name get
nothing: they cannot even read the register.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from ..db import access_guard
from ..db.access_guard import ROLE_LEVELS, Level
from ..db.grant_catalog import Catalog, quote, read_catalog
from ..db.grants import APPEND_ONLY, Plan, plan
from ..errors import ValidationError
from ..model import Department, Person, PersonDepartment, PersonRole, RegisterSetting, Role

#: What the server cannot enforce, said with every plan.
CLIENT_SIDE = (
    "Enforced by isms only, not by the server: the department limits of records other than "
    "assets, risks, their actions, acceptances and handling practices (evidence, SoA entries "
    "and versions, import batches), and that assets and risks are retired rather than "
    "deleted (an editor's login may delete them, as an import undo does)."
)


@dataclass(frozen=True)
class LoginLevel:
    """One login's level and what the plan does to it."""

    username: str
    person: str | None  # None: a login no person in the register names any more
    login: str | None  # the server's login; None: there is no such login
    level: Level | None  # None: no level (has left, or named by nobody)
    #: "grant", "revoke", "unchanged" or "no login"
    action: str

    def describe(self, role: str | None) -> str:
        who = f"{self.person} ({self.username})" if self.person else self.username
        level = self.level.label if self.level is not None else "no level"
        if self.action == "no login":
            return (f"{who}: {level}, refused: the server has no login {self.username}; create "
                    f"it with CREATE ROLE {quote(self.username)} LOGIN PASSWORD '...'; then run "
                    "`isms access grants --apply` again")
        if self.level is None:
            reason = "has left" if self.person else "no person in the register has this username"
            verb = "loses every level" if self.action == "revoke" else "no level"
            return f"{who}: {verb} ({reason})"
        verb = "granted" if self.action == "grant" else "already holds"
        return f"{who}: {level}, {verb} {role}"


@dataclass
class GrantsReport:
    """What `isms access grants` prints or applies."""

    database: str
    roles: dict[Level, str]
    statements: list[str]
    logins: list[LoginLevel]
    notes: list[str] = field(default_factory=list)
    applied: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "database": self.database,
            "roles": {level.label: name for level, name in self.roles.items()},
            "applied": self.applied,
            "statements": self.statements,
            "logins": [
                {"username": x.username, "person": x.person, "login": x.login,
                 "level": x.level.label if x.level is not None else None,
                 "role": self.roles[x.level] if x.level is not None else None,
                 "action": x.action}
                for x in self.logins
            ],
            "notes": self.notes,
        }


def _require_server(session: Session) -> None:
    bind = session.get_bind()
    if bind.dialect.name != "postgresql":
        raise ValidationError(
            "A register file has no server to enforce roles: only isms limits what each person "
            "changes, and whoever can write the file can change it.")


@dataclass(frozen=True)
class _Person:
    name: str
    username: str
    active: bool
    level: Level
    limited: tuple[str, ...]


def _people(session: Session) -> list[_Person]:
    levels: dict[int, Level] = defaultdict(lambda: Level.VIEWER)
    for person_id, role in session.execute(select(PersonRole.person_id, PersonRole.role)):
        levels[person_id] = max(levels[person_id], ROLE_LEVELS.get(Role(role), Level.VIEWER))
    limits: dict[int, list[str]] = defaultdict(list)
    for person_id, code in session.execute(
            select(PersonDepartment.person_id, Department.code)
            .join(Department, Department.id == PersonDepartment.department_id)):
        limits[person_id].append(code)
    rows = session.execute(
        select(Person.id, Person.name, Person.username, Person.active)
        .where(Person.username.is_not(None), Person.username != "").order_by(Person.name))
    return [_Person(name, str(username).strip(), bool(active), levels[pid],
                    tuple(sorted(limits[pid]))) for pid, name, username, active in rows]


def _creator(session: Session) -> str:
    setting = session.get(RegisterSetting, "register")
    return str(setting.value.get("created_by") or "").strip() if setting is not None else ""


def _login(catalog: Catalog, username: str) -> str | None:
    """The server login a username names: the same name, else the only one equal ignoring
    case (isms matches the login to a username whatever its case)."""
    logins = [name for name, (can_login, _) in catalog.roles.items() if can_login]
    if username in logins:
        return username
    same = [name for name in logins if name.lower() == username.lower()]
    return same[0] if len(same) == 1 else None


def _levels(session: Session, catalog: Catalog) -> tuple[list[LoginLevel], dict[str, Level | None]]:
    """Each person's login and level; and login -> level for the plan."""
    groups = catalog.groups
    rows: list[LoginLevel] = []
    memberships: dict[str, Level | None] = {}
    creator = _creator(session)
    for person in _people(session):
        level: Level | None = person.level if person.active else None
        if creator and person.username.lower() == creator.lower():
            level = Level.ADMINISTRATOR
        login = _login(catalog, person.username)
        if login is None:
            rows.append(LoginLevel(person.username, person.name, None, level, "no login"))
            continue
        memberships[login] = level
        rows.append(LoginLevel(person.username, person.name, login, level,
                               _action(catalog, login, level)))
    if creator and (login := _login(catalog, creator)) and login not in memberships:
        memberships[login] = Level.ADMINISTRATOR
        rows.append(LoginLevel(creator, "the register's creator", login, Level.ADMINISTRATOR,
                               _action(catalog, login, Level.ADMINISTRATOR)))
    for _group, member in sorted(catalog.members):
        if member not in memberships and member not in groups.values():
            memberships[member] = None
            rows.append(LoginLevel(member, None, member, None, "revoke"))
    return rows, memberships


def _action(catalog: Catalog, login: str, level: Level | None) -> str:
    held = {group for group, member in catalog.members if member == login}
    want = {catalog.groups[level]} if level is not None else set()
    if held == want:
        return "unchanged"
    return "grant" if want else "revoke"


def _notes(session: Session, catalog: Catalog, logins: list[LoginLevel]) -> list[str]:
    notes = []
    if not access_guard.enforced(session):
        notes.append("Access control is off in this register (`isms access on` turns it on): "
                     "isms lets anyone change everything, the server only what each level may.")
    limited = [f"{p.name} ({', '.join(p.limited)})" for p in _people(session) if p.limited]
    if limited:
        notes.append(f"Department limits ({'; '.join(limited)}): the server enforces them "
                     "for assets, risks, their actions, acceptances and handling practices.")
    for row in logins:
        if row.login and catalog.roles.get(row.login, (False, False))[1]:
            notes.append(f"{row.login} is a superuser: the server refuses it nothing but the "
                         "change log's triggers.")
    if catalog.owner:
        notes.append(f"{catalog.owner} owns the register's tables: it keeps every right, except "
                     "that the change log's triggers refuse its UPDATE, DELETE and TRUNCATE too.")
    people_logins = {row.login for row in logins if row.login}
    others = sorted({f"{r.role} ({r.privilege} on {r.target})" for r in catalog.privileges
                     if r.kind == "table" and r.privilege in ("INSERT", "UPDATE", "DELETE")
                     and r.role not in catalog.groups.values() and r.role not in people_logins
                     and r.target not in APPEND_ONLY})
    if others:
        notes.append("Rights held outside the levels (revoke them if they should not be): "
                     + ", ".join(others[:10]) + (" ..." if len(others) > 10 else ""))
    notes.append(CLIENT_SIDE)
    notes.append("Run `isms access grants --apply` again after roles change or isms is upgraded "
                 "(new tables and columns get their grants).")
    return notes


def _report(session: Session) -> tuple[GrantsReport, Plan]:
    _require_server(session)
    catalog = read_catalog(session.connection())
    logins, memberships = _levels(session, catalog)
    todo = plan(catalog, memberships)
    report = GrantsReport(catalog.database, catalog.groups, todo.statements, logins,
                          _notes(session, catalog, logins))
    return report, todo


def grants(session: Session) -> GrantsReport:
    """What the server needs so it enforces the levels (nothing written)."""
    return _report(session)[0]


def apply_grants(session: Session) -> GrantsReport:
    """Run the statements in the caller's transaction (the caller commits): as a login that may
    create roles and grant on the register's tables (its owner). Needs an administrator."""
    access = access_guard.current(session)
    access_guard.check(session, access, "set the server's grants", Level.ADMINISTRATOR)
    report, _ = _report(session)
    connection = session.connection()
    for statement in report.statements:
        try:
            connection.exec_driver_sql(statement)
        except DBAPIError as exc:
            session.rollback()
            problem = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            raise ValidationError(
                f"The server refused `{statement}`: {problem}. Run `isms access grants --apply` "
                "as the register's owner (a login that may create roles and grant on its "
                "tables); nothing was changed.") from None
    report.applied = True
    return report
