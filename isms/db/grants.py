"""The PostgreSQL roles and grants that make the server itself refuse what a level may not do.

:mod:`isms.db.access_guard` refuses a change before isms sends it; a login that talks to the
server some other way (psql, a script) is limited only by what the server grants it. This
module works out those grants for one register and compares them with what the server holds
(:mod:`isms.db.grant_catalog`), so the SQL it gives is only what is missing or too much, and
running it twice changes nothing. The triggers that say what grants cannot are in
:mod:`isms.db.grant_triggers`.

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

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

from ..errors import AccessDenied
from . import grant_triggers
from .access_guard import _ADMIN_TABLES, Level
from .grant_catalog import LEVELS, LOG_TABLE, Catalog, Privilege, quote

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
    "vulnerability", "action_deferral", "document_control", "requirement_control",
    "obligation_control", "obligation_evidence",
})
#: Columns only an approver sets: who approved an acceptance above appetite, and when; who
#: signed a meeting off. Editors update every other column of these tables.
APPROVAL_COLUMNS: Mapping[str, frozenset[str]] = {
    "risk_acceptance": frozenset({"approved_by_id", "approved_at"}),
    "review_meeting": frozenset({"signed_off_by_id"}),
    "controlled_document": frozenset({"approved_by_id", "approved_on"}),
}
#: Tables only an approver adds rows to (an SoA version is an approval).
APPROVER_INSERTS = frozenset({"soa_version"})

_LOG_WRITES = ("UPDATE", "DELETE", "TRUNCATE")
#: Privileges isms manages on tables and sequences (REFERENCES and TRIGGER are left alone).
_TABLE_PRIVILEGES = frozenset({"SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE"})
_SEQUENCE_PRIVILEGES = frozenset({"USAGE", "SELECT", "UPDATE"})


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
    members: list[str] = field(default_factory=list)

    @property
    def statements(self) -> list[str]:
        return [*self.roles, *self.revokes, *self.grants, *self.triggers, *self.members]


def plan(catalog: Catalog, memberships: Mapping[str, Level | None]) -> Plan:
    """What to run so the server holds exactly the levels' rights, and each login in
    ``memberships`` (a login -> its level, None: no level) its own level's role only.

    Direct rights of those logins on the register's tables are revoked: their level's role
    gives them what they may do, and a right of their own would go round it.
    """
    groups = catalog.groups
    result = Plan()
    for level in LEVELS:
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
    rank = {name: order for order, name in enumerate(groups[level] for level in LEVELS)}
    result.revokes = _statements("REVOKE", revoked, rank)
    result.grants = _statements("GRANT", missing, rank)
    result.triggers = grant_triggers.statements(catalog)
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


def _membership_statements(catalog: Catalog, memberships: Mapping[str, Level | None]) -> list[str]:
    groups = catalog.groups
    chain = {(groups[low], groups[high]) for low, high in zip(LEVELS, LEVELS[1:], strict=False)}
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
