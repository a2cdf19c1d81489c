"""What a PostgreSQL server holds for one register's access levels: the group roles' names,
every right granted in the register's schema and database, role memberships, and isms's
triggers and functions. Read only: :mod:`isms.db.grants` compares it with what the levels need.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Connection, text

from .access_guard import Level

#: The change log's table.
LOG_TABLE = "change_log"
#: The levels, lowest first.
LEVELS = (Level.VIEWER, Level.EDITOR, Level.APPROVER, Level.ADMINISTRATOR)
#: PostgreSQL truncates names at 63 bytes; the longest suffix is "_administrator".
_NAME_LIMIT = 63


def quote(name: str) -> str:
    """An SQL identifier, quoted (a login name may hold any character)."""
    return '"' + name.replace('"', '""') + '"'


def group_names(database: str) -> dict[Level, str]:
    """The group role of each level for the register in ``database``.

    Lower case letters, digits and underscores only; a database name that had to be changed to
    fit (other characters, or too long) gets a short digest of the real name, so two registers
    never share a role.
    """
    stem = re.sub(r"[^a-z0-9_]", "_", database.lower())
    room = _NAME_LIMIT - len("isms__administrator")
    if stem != database or len(stem) > room:
        digest = hashlib.sha256(database.encode()).hexdigest()[:8]
        stem = f"{stem[: room - 9]}_{digest}"
    return {level: f"isms_{stem}_{level.label}" for level in LEVELS}


@dataclass(frozen=True, order=True)
class Privilege:
    """One right one role holds on one object (a column, when ``column`` is set)."""

    role: str  # a role name, or "PUBLIC"
    kind: str  # "table", "sequence", "schema" or "database"
    target: str
    privilege: str
    column: str = ""


@dataclass
class Catalog:
    """What the server holds now, for the register in the connection's database and schema."""

    database: str
    schema: str
    #: The owner of the register's tables (the change log's owner).
    owner: str
    #: Table -> its columns; sequences of the schema.
    tables: dict[str, tuple[str, ...]]
    sequences: list[str]
    #: Every right a role other than the object's owner holds in this schema and database.
    privileges: set[Privilege]
    #: role name -> (may log in, superuser)
    roles: dict[str, tuple[bool, bool]]
    #: (group, member) for every membership in one of this register's group roles; memberships
    #: held WITH ADMIN OPTION (the role's creator) are not listed: they are not a level.
    members: set[tuple[str, str]]
    #: The change log's triggers and the source of this schema's isms functions.
    triggers: set[str]
    functions: dict[str, str]
    #: (table, trigger) for isms's triggers on the other tables (approvals, department limits).
    table_triggers: set[tuple[str, str]] = field(default_factory=set)

    @property
    def groups(self) -> dict[Level, str]:
        return group_names(self.database)


def read_catalog(connection: Connection) -> Catalog:
    """Read the roles, grants and triggers the register's database holds (nothing written)."""
    one = connection.execute(text(
        "SELECT current_database(), current_schema(), "
        "(SELECT pg_get_userbyid(c.relowner) FROM pg_class c "
        " WHERE c.relname = 'change_log' AND c.relnamespace = "
        " (SELECT oid FROM pg_namespace WHERE nspname = current_schema()))"
    )).one()
    database, schema, owner = str(one[0]), str(one[1]), str(one[2] or "")
    tables: dict[str, list[str]] = defaultdict(list)
    sequences: list[str] = []
    for name, kind, column in connection.execute(text(
        "SELECT c.relname, c.relkind, a.attname FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 "
        "  AND NOT a.attisdropped AND c.relkind IN ('r', 'p') "
        "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'S') "
        "ORDER BY c.relname, a.attnum"
    )):
        if kind == "S":
            sequences.append(str(name))
        else:
            tables[str(name)].append(str(column))
    privileges = {Privilege(str(role), str(kind), str(target), str(privilege), str(column or ""))
                  for role, kind, target, privilege, column in connection.execute(text(_RIGHTS))}
    roles = {str(name): (bool(login), bool(superuser)) for name, login, superuser in
             connection.execute(text("SELECT rolname, rolcanlogin, rolsuper FROM pg_roles"))}
    groups = list(group_names(database).values())
    members = {(str(group), str(member)) for group, member in connection.execute(text(
        "SELECT g.rolname, m.rolname FROM pg_auth_members am "
        "JOIN pg_roles g ON g.oid = am.roleid JOIN pg_roles m ON m.oid = am.member "
        "WHERE g.rolname = ANY(:groups) AND NOT am.admin_option"
    ), {"groups": groups})}
    triggers = {str(name) for (name,) in connection.execute(text(
        "SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "WHERE c.relname = 'change_log' AND NOT t.tgisinternal AND c.relnamespace = "
        "(SELECT oid FROM pg_namespace WHERE nspname = current_schema())"
    ))}
    functions = {str(name): str(source) for name, source in connection.execute(text(
        "SELECT p.proname, p.prosrc FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
        "WHERE n.nspname = current_schema() AND (p.proname LIKE 'isms\\_change\\_log\\_%' "
        "OR p.proname IN ('isms_approvals', 'isms_signatures', 'isms_department_limits'))"
    ))}
    table_triggers = {(str(table), str(name)) for table, name in connection.execute(text(
        "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "WHERE t.tgname LIKE 'isms\\_%' AND NOT t.tgisinternal AND c.relnamespace = "
        "(SELECT oid FROM pg_namespace WHERE nspname = current_schema())"
    ))}
    return Catalog(database, schema, owner, {t: tuple(c) for t, c in tables.items()}, sequences,
                   privileges, roles, members, triggers, functions, table_triggers)


#: Every right held by a role other than the object's owner: tables, sequences, columns, the
#: schema and the database ("PUBLIC" for rights everyone holds).
_RIGHTS = """
SELECT coalesce(r.rolname, 'PUBLIC'), CASE c.relkind WHEN 'S' THEN 'sequence' ELSE 'table' END,
       c.relname, a.privilege_type, NULL
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
CROSS JOIN LATERAL aclexplode(c.relacl) a LEFT JOIN pg_roles r ON r.oid = a.grantee
WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'S') AND a.grantee <> c.relowner
UNION ALL
SELECT coalesce(r.rolname, 'PUBLIC'), 'table', c.relname, a.privilege_type, att.attname
FROM pg_attribute att JOIN pg_class c ON c.oid = att.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
CROSS JOIN LATERAL aclexplode(att.attacl) a LEFT JOIN pg_roles r ON r.oid = a.grantee
WHERE n.nspname = current_schema() AND att.attnum > 0 AND NOT att.attisdropped
  AND a.grantee <> c.relowner
UNION ALL
SELECT coalesce(r.rolname, 'PUBLIC'), 'schema', n.nspname, a.privilege_type, NULL
FROM pg_namespace n CROSS JOIN LATERAL aclexplode(n.nspacl) a
LEFT JOIN pg_roles r ON r.oid = a.grantee
WHERE n.nspname = current_schema() AND a.grantee <> n.nspowner
UNION ALL
SELECT coalesce(r.rolname, 'PUBLIC'), 'database', d.datname, a.privilege_type, NULL
FROM pg_database d CROSS JOIN LATERAL aclexplode(d.datacl) a
LEFT JOIN pg_roles r ON r.oid = a.grantee
WHERE d.datname = current_database() AND a.grantee <> d.datdba
"""
