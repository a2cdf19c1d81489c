"""The PostgreSQL roles and grants that make the server itself refuse what a level may not do.

:mod:`isms.db.access_guard` refuses a change before isms sends it; a login that talks to the
server some other way (psql, a script) is limited only by what the server grants it. This
module works out those grants for one register and compares them with what the server holds,
so the SQL it gives is only what is missing or too much, and running it twice changes nothing.

* **Group roles**, one per level, named from the database (``isms_<db>_viewer``, ``_editor``,
  ``_approver``, ``_administrator``) so two registers on one server never share them; NOLOGIN;
  each is a member of the one below, so a login needs only its own level's role.
* **viewer**: CONNECT on the database, USAGE on the schema, SELECT on every table.
* **editor**: INSERT and UPDATE on the record tables, DELETE only where isms deletes (links,
  a meeting's and a risk's own rows, what an import undo removes); no write to the tables
  an administrator keeps (:data:`ADMIN_TABLES`); USAGE, SELECT and UPDATE on the id sequences
  (the id-sequence trigger of migration 0006 moves them with setval).
* **approver**: the approval columns (:data:`APPROVAL_COLUMNS`: an acceptance's approver, a
  meeting's signer) and new SoA versions, on top of the editor's rights. A trigger on
  ``risk_acceptance`` and ``review_meeting`` refuses an approval (an acceptance given an
  approver, a meeting set to "signed off") by a login without the approver's role, inserted
  or updated: column grants cannot say "any status but signed off".
* **administrator**: INSERT, UPDATE and DELETE on every table but the append-only ones.
* **The change log** (and the seals of bulk writes: :data:`APPEND_ONLY`) is INSERT only for
  every level; UPDATE, DELETE and TRUNCATE are revoked from every role that holds them, and
  triggers on the change log refuse them even to the tables' owner. A BEFORE INSERT trigger
  refuses an entry whose ``actor`` is not the login writing it (isms on a server register
  names the login, ``isms.db.session.default_actor``); the owner is exempt, as it writes on
  others' behalf (copying a register keeps the original names) and could drop the trigger
  anyway.
* **Signatures**: a trigger refuses a signature recorded in another login's name, and a
  signature confirmed (inserted confirmed, moved to confirmed, or given another signer) by a
  login that is not the signer's.
* **Department limits**: statement-level triggers on assets, risks, a risk's actions and
  acceptances and an asset's handling practices (:data:`LIMITED_TABLES`) refuse a statement
  that writes, moves or deletes a row of a department outside the login's limits (row-level
  security would refuse COPY, the imports' bulk path, outright).

What stays in isms alone: the department limits of other records (evidence, SoA entries and
versions, import batches), and that assets and risks are retired rather than deleted (an
import undo deletes the rows it made).
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import Connection, text

from ..errors import AccessDenied
from .access_guard import _ADMIN_TABLES, Level

#: The change log: INSERT only, whoever you are.
LOG_TABLE = "change_log"
#: Tables rows are only ever added to: the change log, and the seals of bulk writes that the
#: log's chain vouches for (migration 0012). No level updates or deletes there, and those rights
#: are revoked from whoever holds them.
APPEND_ONLY = frozenset({LOG_TABLE, "record_seal"})
#: Alembic's bookkeeping: read by every opener, written only by the owner's upgrades.
VERSION_TABLE = "alembic_version"
#: Who is who and how the register works: written by administrators only (the same list
#: isms checks before a write, so client and server never disagree).
ADMIN_TABLES = frozenset(_ADMIN_TABLES)
#: Record tables an editor deletes rows from through isms: link tables, a risk's and a
#: meeting's own rows, and what an import undo removes (assets, risks, handling practices,
#: threats and vulnerabilities the import made).
EDITOR_DELETES = frozenset({
    "risk_asset", "risk_control", "evidence_control", "evidence_risk", "asset_dependency",
    "review_scope", "review_attendee", "agenda_item", "review_decision", "review_action",
    "treatment_action", "risk_acceptance", "asset", "risk", "handling_practice", "threat",
    "vulnerability",
})
#: Columns only an approver sets: who approved an acceptance above appetite, and when; who
#: signed a meeting off. Editors update every other column of these tables.
APPROVAL_COLUMNS: Mapping[str, frozenset[str]] = {
    "risk_acceptance": frozenset({"approved_by_id", "approved_at"}),
    "review_meeting": frozenset({"signed_off_by_id"}),
}
#: Tables only an approver adds rows to (an SoA version is an approval).
APPROVER_INSERTS = frozenset({"soa_version"})

_LOG_WRITES = ("UPDATE", "DELETE", "TRUNCATE")
#: Privileges isms manages on tables and sequences (REFERENCES and TRIGGER are left alone).
_TABLE_PRIVILEGES = frozenset({"SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE"})
_SEQUENCE_PRIVILEGES = frozenset({"USAGE", "SELECT", "UPDATE"})
_LEVELS = (Level.VIEWER, Level.EDITOR, Level.APPROVER, Level.ADMINISTRATOR)
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
    return {level: f"isms_{stem}_{level.label}" for level in _LEVELS}


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


# --- what each level should hold ---------------------------------------------------------------


def wanted(catalog: Catalog) -> set[Privilege]:
    """Every right the four group roles should hold, each given to the lowest level it belongs
    to (the levels above inherit it)."""
    groups = catalog.groups
    viewer, editor = groups[Level.VIEWER], groups[Level.EDITOR]
    approver, administrator = groups[Level.APPROVER], groups[Level.ADMINISTRATOR]
    rights = {Privilege(viewer, "database", catalog.database, "CONNECT"),
              Privilege(viewer, "schema", catalog.schema, "USAGE")}
    for table, columns in catalog.tables.items():
        rights.add(Privilege(viewer, "table", table, "SELECT"))
        if table == VERSION_TABLE:
            continue
        if table in APPEND_ONLY:
            rights.add(Privilege(editor, "table", table, "INSERT"))
            continue
        if table in ADMIN_TABLES:
            rights |= {Privilege(administrator, "table", table, p)
                       for p in ("INSERT", "UPDATE", "DELETE")}
            continue
        rights.add(Privilege(editor if table not in APPROVER_INSERTS else approver,
                             "table", table, "INSERT"))
        approval = APPROVAL_COLUMNS.get(table, frozenset())
        if approval:
            rights |= {Privilege(editor if column not in approval else approver,
                                 "table", table, "UPDATE", column) for column in columns}
        else:
            rights.add(Privilege(editor if table not in APPROVER_INSERTS else approver,
                                 "table", table, "UPDATE"))
        rights.add(Privilege(editor if table in EDITOR_DELETES else administrator,
                             "table", table, "DELETE"))
    for sequence in catalog.sequences:
        rights |= {Privilege(editor, "sequence", sequence, p) for p in _SEQUENCE_PRIVILEGES}
    return rights


def _managed(right: Privilege, catalog: Catalog, logins: Collection[str]) -> bool:
    """Whether isms decides this right: any right of a group role or of a person's login on
    the register's tables and sequences, and anyone's write to the change log."""
    if right.kind in ("table", "sequence"):
        if (right.kind == "table" and right.target in APPEND_ONLY
                and right.privilege in _LOG_WRITES):
            return True
        managed = _TABLE_PRIVILEGES if right.kind == "table" else _SEQUENCE_PRIVILEGES
        if right.privilege not in managed:
            return False
        return right.role in catalog.groups.values() or right.role in logins
    return right.role in catalog.groups.values() and right.kind in ("schema", "database")


@dataclass
class Plan:
    """The statements that bring the server to the levels' grants, in the order to run them."""

    roles: list[str] = field(default_factory=list)
    revokes: list[str] = field(default_factory=list)
    grants: list[str] = field(default_factory=list)
    triggers: list[str] = field(default_factory=list)
    limits: list[str] = field(default_factory=list)
    members: list[str] = field(default_factory=list)

    @property
    def statements(self) -> list[str]:
        return [*self.roles, *self.revokes, *self.grants, *self.triggers, *self.limits,
                *self.members]


def plan(catalog: Catalog, memberships: Mapping[str, Level | None]) -> Plan:
    """What to run so the server holds exactly the levels' rights, and each login in
    ``memberships`` (a login -> its level, None: no level) its own level's role only.

    Direct rights of those logins on the register's tables are revoked: their level's role
    gives them what they may do, and a right of their own would go round it.
    """
    groups = catalog.groups
    result = Plan()
    for level in _LEVELS:
        name = groups[level]
        if name not in catalog.roles:
            result.roles.append(f"CREATE ROLE {quote(name)} NOLOGIN")
        elif catalog.roles[name][0]:
            result.roles.append(f"ALTER ROLE {quote(name)} NOLOGIN")
    target = wanted(catalog)
    held = {r for r in catalog.privileges if _managed(r, catalog, memberships)}
    revoked = sorted(held - target)
    # Revoking a table-wide right takes the same right off every column too: those column
    # rights must be given again.
    wiped = {(r.role, r.target, r.privilege) for r in revoked if r.kind == "table" and not r.column}
    missing = sorted(r for r in target if r not in held
                     or (r.column and (r.role, r.target, r.privilege) in wiped))
    # Lowest level first, so the script reads the way the levels build on each other.
    rank = {name: order for order, name in enumerate(groups[level] for level in _LEVELS)}
    result.revokes = _statements("REVOKE", revoked, rank)
    result.grants = _statements("GRANT", missing, rank)
    result.triggers = _trigger_statements(catalog)
    result.limits = _limit_statements(catalog)
    result.members = _membership_statements(catalog, memberships)
    return result


def _object(right: Privilege) -> str:
    kind = right.kind.upper()
    return f"{kind} {quote(right.target)}"


def _statements(verb: str, rights: Iterable[Privilege], rank: Mapping[str, int]) -> list[str]:
    """GRANT / REVOKE statements, one per role and object (and per privilege for columns)."""
    grouped: dict[tuple[str, str, str, str], list[Privilege]] = defaultdict(list)
    for right in rights:
        key = (right.role, right.kind, right.target, right.privilege if right.column else "")
        grouped[key].append(right)
    lines = []
    for (role, _kind, _target, column_privilege), group in sorted(
            grouped.items(), key=lambda item: (rank.get(item[0][0], len(rank)), item[0])):
        if column_privilege:
            columns = ", ".join(quote(r.column) for r in sorted(group))
            what = f"{column_privilege} ({columns})"
        else:
            order = ["CONNECT", "USAGE", "SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE"]
            what = ", ".join(sorted({r.privilege for r in group}, key=order.index))
        grantee = role if role == "PUBLIC" else quote(role)
        direction = "TO" if verb == "GRANT" else "FROM"
        lines.append(f"{verb} {what} ON {_object(group[0])} {direction} {grantee}")
    return lines


# --- the change log's triggers -------------------------------------------------------------

#: Function name -> its body. No percent signs or colons: the statements go through the driver.
_FUNCTIONS = {
    "isms_change_log_append_only": """
BEGIN
    RAISE EXCEPTION USING
        ERRCODE = 'insufficient_privilege',
        MESSAGE = 'The change log is append-only: ' || TG_OP || ' of change_log by '
            || current_user || ' refused.',
        HINT = 'Entries are added, never changed or removed; see isms audit verify.';
END
""",
    "isms_change_log_actor_is_login": """
BEGIN
    IF NEW.actor IS DISTINCT FROM current_user::text
       AND NOT pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID),
                           'MEMBER') THEN
        RAISE EXCEPTION USING
            ERRCODE = 'insufficient_privilege',
            MESSAGE = 'A change log entry in the name of ' || coalesce(NEW.actor, 'nobody')
                || ' written by ' || current_user || ' refused: entries name the login '
                || 'that writes them.';
    END IF;
    RETURN NEW;
END
""",
}

_TRIGGERS = {
    "isms_change_log_no_update_delete":
        "BEFORE UPDATE OR DELETE ON {table} FOR EACH ROW "
        "EXECUTE FUNCTION {schema}.isms_change_log_append_only()",
    "isms_change_log_no_truncate":
        "BEFORE TRUNCATE ON {table} FOR EACH STATEMENT "
        "EXECUTE FUNCTION {schema}.isms_change_log_append_only()",
    "isms_change_log_actor":
        "BEFORE INSERT ON {table} FOR EACH ROW "
        "EXECUTE FUNCTION {schema}.isms_change_log_actor_is_login()",
}


#: An approval made in a row an editor may otherwise write: an acceptance given an approver,
#: a meeting signed off. Column grants cannot say "any status but signed off", so a trigger
#: on each table asks whether the login holds the approver's role (the owner is exempt). The
#: approver role's name is filled in per register ({approver}, a quoted SQL string).
_APPROVALS = """
DECLARE
    approving boolean;
BEGIN
    IF TG_TABLE_NAME = 'risk_acceptance' THEN
        approving := NEW.approved_by_id IS NOT NULL AND (TG_OP = 'INSERT'
            OR OLD.approved_by_id IS DISTINCT FROM NEW.approved_by_id);
    ELSE
        approving := NEW.status = 'signed off' AND (TG_OP = 'INSERT'
            OR OLD.status IS DISTINCT FROM NEW.status);
    END IF;
    IF approving
       AND NOT pg_has_role(current_user, {approver}, 'MEMBER')
       AND NOT pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID),
                           'MEMBER') THEN
        RAISE EXCEPTION USING
            ERRCODE = 'insufficient_privilege',
            MESSAGE = 'Only an approver approves: ' || TG_TABLE_NAME || ' ' || NEW.id
                || ' approved by ' || current_user || ' refused (needs ' || {approver} || ').';
    END IF;
    RETURN NEW;
END
"""
#: Tables whose approvals the trigger above guards.
_APPROVAL_TABLES = ("risk_acceptance", "review_meeting")


#: A signature is the signer's act: a row is recorded in the name of the login writing it, and
#: only the signer's own login confirms it (inserted confirmed, or moved to confirmed) or
#: changes whose a confirmed signature is. Declining stays open to the recorder (declining one
#: signature of a decision declines the others awaiting). The owner is exempt.
_SIGNATURES = """
BEGIN
    IF pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID),
                   'MEMBER') THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'INSERT' AND NEW.recorded_by IS DISTINCT FROM current_user::text THEN
        RAISE EXCEPTION USING
            ERRCODE = 'insufficient_privilege',
            MESSAGE = 'A signature recorded in the name of ' || coalesce(NEW.recorded_by, 'nobody')
                || ' by ' || current_user || ' refused: signatures name the login that '
                || 'records them.';
    END IF;
    IF NEW.state = 'confirmed' AND (TG_OP = 'INSERT' OR OLD.state IS DISTINCT FROM 'confirmed'
                                    OR OLD.signer_id IS DISTINCT FROM NEW.signer_id)
       AND NOT EXISTS (SELECT 1 FROM {schema}.person WHERE id = NEW.signer_id
                       AND lower(username) = lower(current_user::text)) THEN
        RAISE EXCEPTION USING
            ERRCODE = 'insufficient_privilege',
            MESSAGE = 'Only the signer confirms a signature: ' || NEW.kind || ' signature of '
                || coalesce((SELECT name FROM {schema}.person WHERE id = NEW.signer_id), '?')
                || ' confirmed by ' || current_user || ' refused.';
    END IF;
    RETURN NEW;
END
"""


def _functions(catalog: Catalog) -> dict[str, str]:
    approver = "'" + catalog.groups[Level.APPROVER].replace("'", "''") + "'"
    return {**_FUNCTIONS,
            "isms_approvals": _APPROVALS.replace("{approver}", approver),
            "isms_signatures": _SIGNATURES.replace("{schema}", quote(catalog.schema))}


def _trigger_statements(catalog: Catalog) -> list[str]:
    schema = quote(catalog.schema)
    lines = [
        f"CREATE OR REPLACE FUNCTION {schema}.{name}() RETURNS trigger LANGUAGE plpgsql "
        f"AS $isms${body}$isms$"
        for name, body in _functions(catalog).items()
        if catalog.functions.get(name) != body
    ]
    table = f"{schema}.{quote(LOG_TABLE)}"
    lines += [
        f"CREATE TRIGGER {name} {how.format(table=table, schema=schema)}"
        for name, how in _TRIGGERS.items() if name not in catalog.triggers
    ]
    lines += [
        f"CREATE TRIGGER isms_approvals BEFORE INSERT OR UPDATE ON {schema}.{quote(approved)} "
        f"FOR EACH ROW EXECUTE FUNCTION {schema}.isms_approvals()"
        for approved in _APPROVAL_TABLES
        if approved in catalog.tables and (approved, "isms_approvals") not in catalog.table_triggers
    ]
    if "signature" in catalog.tables and ("signature", "isms_signatures") not in \
            catalog.table_triggers:
        lines.append(f"CREATE TRIGGER isms_signatures BEFORE INSERT OR UPDATE ON "
                     f"{schema}.{quote('signature')} FOR EACH ROW EXECUTE FUNCTION "
                     f"{schema}.isms_signatures()")
    return lines


# --- department limits ------------------------------------------------------------------------

#: Tables whose rows belong to a department, directly (None) or through a parent row (the
#: parent table and the column naming it): a risk's actions and acceptances, an asset's
#: handling practices. The client applies the same rule (isms.db.access_guard).
LIMITED_TABLES: Mapping[str, tuple[str, str] | None] = {
    "asset": None,
    "risk": None,
    "treatment_action": ("risk", "risk_id"),
    "risk_acceptance": ("risk", "risk_id"),
    "handling_practice": ("asset", "asset_id"),
}
#: Trigger name -> (event, the transition tables it sees).
_LIMIT_TRIGGERS = {
    "isms_limits_insert": ("INSERT", "NEW TABLE AS isms_new"),
    "isms_limits_update": ("UPDATE", "OLD TABLE AS isms_old NEW TABLE AS isms_new"),
    "isms_limits_delete": ("DELETE", "OLD TABLE AS isms_old"),
}


def _limits_body(schema: str) -> str:
    """The department-limits trigger: after each statement, refuse it if a row it wrote (or
    the row before an update, or a row it deleted) belongs to a department outside the
    login's limits. Once per statement, over the statement's rows: COPY (the imports' bulk
    path) is checked too, which row-level security would refuse outright."""
    checks = []
    for rows, when in (("isms_new", "TG_OP <> 'DELETE'"), ("isms_old", "TG_OP <> 'INSERT'")):
        sources: dict[str, list[str]] = defaultdict(list)
        for table, parent in LIMITED_TABLES.items():
            if parent is None:
                sources[f"{rows} AS x"].append(f"'{table}'")
            else:
                above, column = parent
                sources[f"{rows} AS r JOIN {schema}.{quote(above)} AS x ON x.id = r.{column}"
                        ].append(f"'{table}'")
        checks += [f"""
    IF NOT FOUND AND {when} AND TG_TABLE_NAME IN ({', '.join(tables)}) THEN
        SELECT x.department_id INTO outside FROM {source}
        WHERE NOT coalesce(x.department_id = ANY (limits), false) LIMIT 1;
    END IF;""" for source, tables in sources.items()]
    return f"""
DECLARE
    limits integer[];
    outside integer;
BEGIN
    IF pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID),
                   'MEMBER') THEN
        RETURN NULL;
    END IF;
    SELECT array_agg(pd.department_id) INTO limits
    FROM {schema}.person_department pd JOIN {schema}.person p ON p.id = pd.person_id
    WHERE lower(p.username) = lower(current_user::text);
    IF limits IS NULL THEN
        RETURN NULL;
    END IF;
    -- FOUND stays false until a check finds a row outside the limits.
    PERFORM 1 WHERE false;{''.join(checks)}
    IF FOUND THEN
        RAISE EXCEPTION USING
            ERRCODE = 'insufficient_privilege',
            MESSAGE = current_user || ' may change only the records of '
                || (SELECT string_agg('department ' || code, ', ' ORDER BY code)
                    FROM {schema}.department WHERE id = ANY (limits))
                || ': ' || TG_OP || ' of ' || TG_TABLE_NAME || ' in '
                || coalesce((SELECT 'department ' || code FROM {schema}.department
                             WHERE id = outside), 'the whole council (no department)')
                || ' refused.';
    END IF;
    RETURN NULL;
END
"""


def _limit_statements(catalog: Catalog) -> list[str]:
    """Triggers so a login limited to departments changes only their records."""
    schema = quote(catalog.schema)
    body = _limits_body(schema)
    lines = []
    if catalog.functions.get("isms_department_limits") != body:
        lines.append(f"CREATE OR REPLACE FUNCTION {schema}.isms_department_limits() "
                     f"RETURNS trigger LANGUAGE plpgsql AS $isms${body}$isms$")
    for table in LIMITED_TABLES:
        if table not in catalog.tables:
            continue
        lines += [
            f"CREATE TRIGGER {name} AFTER {event} ON {schema}.{quote(table)} REFERENCING "
            f"{seen} FOR EACH STATEMENT EXECUTE FUNCTION {schema}.isms_department_limits()"
            for name, (event, seen) in _LIMIT_TRIGGERS.items()
            if (table, name) not in catalog.table_triggers
        ]
    return lines


def _membership_statements(catalog: Catalog, memberships: Mapping[str, Level | None]) -> list[str]:
    groups = catalog.groups
    chain = {(groups[low], groups[high]) for low, high in zip(_LEVELS, _LEVELS[1:], strict=False)}
    want = set(chain)
    for login, level in memberships.items():
        if level is not None:
            want.add((groups[level], login))
    # Anyone else in a level's role loses it: a person whose username or roles were removed.
    lines = [f"REVOKE {quote(group)} FROM {quote(member)}"
             for group, member in sorted(catalog.members - want)]
    lines += [f"GRANT {quote(group)} TO {quote(member)}"
              for group, member in sorted(want - catalog.members)]
    return lines


# --- a refusal from the server, in words -----------------------------------------------------

#: SQLSTATE of "permission denied" and of the triggers' refusals.
_INSUFFICIENT_PRIVILEGE = "42501"


def server_refusal(error: BaseException) -> AccessDenied | None:
    """What the server refused, as an AccessDenied; None for any other error.

    isms checks a change against the register's roles before sending it, so a refusal from
    the server means its grants give the login less than those roles (someone's roles changed
    since the grants were last applied), or a trigger refused it (the change log, approvals).
    """
    orig = getattr(error, "orig", None)
    if getattr(orig, "sqlstate", None) != _INSUFFICIENT_PRIVILEGE:
        return None
    diag = getattr(orig, "diag", None)
    said = str(getattr(diag, "message_primary", None) or orig).strip().splitlines()[0]
    message = f"The server refused the change: {said.rstrip('.')}."
    if said.startswith("permission denied"):
        message += (" The server's grants give your login less than your roles in the "
                    "register: ask the register's owner to run `isms access grants --apply`.")
    return AccessDenied(message + " Nothing was written.", actor="", needed="server")
