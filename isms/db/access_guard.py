"""Who may change what: the access levels, enforced on every write whatever path it takes.

The window hides what a user may not do, but the rule lives here, on the register's session
class: before every flush (:func:`refuse_flush`) and before every INSERT / UPDATE / DELETE a
service runs through ``session.execute`` (:func:`refuse_statement`, the bulk paths: imports,
undo, bulk edits), the acting user's level is compared with what the change needs. A refusal is
an AccessDenied naming the actor, the change and the role it needs; the caller's transaction is
rolled back, so nothing is written.

The rules:

* **Who acts** is the session's ``info['actor']``: the OS user on a register file, the database
  login on a server register (``isms.db.session.default_actor``). It is matched to a Person by
  ``username``, whatever its case.
* **Single-user registers**: until access control is turned on (the ``access`` register
  setting, ``{"enforced": true}``), whoever can open the register may do everything; the file's
  own permissions protect it. Giving someone a username through the services
  (``isms.services.access.set_username``, ``isms people add|update --username``) turns it on;
  usernames written as plain data (the demo council, registers made before access control)
  do not, so no existing register locks its users out on upgrade. ``isms access on|off``
  switches it explicitly (off needs an administrator).
* **Levels**: administrator (people, roles, departments, the risk method, handling rules,
  classification schemes, register settings) > approver (approve an SoA, sign off residual
  risk, sign off a review meeting) > editor (everything else: assets, risks, actions, SoA
  entries, evidence, handling practices, imports, reviews) > viewer (reads and exports only).
  Roles give levels: administrator -> administrator; approver and SIRO -> approver; SMG member,
  information asset owner, risk owner and control owner -> editor; no role (or no person
  matching the actor) -> viewer. The register's creator (``created_by`` of the ``register``
  setting, recorded at ``isms init``) is always an administrator, so turning access control on
  can never lock everyone out.
* **Department limits**: a person with department limits may change only records of those
  departments (a risk's actions and acceptances and an asset's handling practices count as
  the risk's or asset's department). Council-wide records (no department) are outside every
  limit. Administration is council-wide by nature and is not limited.

The level is read from the database, never from the people a session has loaded, once per
transaction: at its first write, just after the transaction has taken the change log's append
lock (:func:`isms.db.changelog.hold_append_lock`, held to its end). Every other writer has then
committed or waits, so the roles read include a role given or taken away in another session a
moment before (no reopening needed), and no one can change them under the transaction; the
flushes of one long transaction (the demo build, an import) do not ask again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from sqlalchemy import Table, func, inspect, select
from sqlalchemy.orm import ORMExecuteState, Session

from ..errors import AccessDenied
from ..model import (
    ActionDeferral,
    Asset,
    ClassificationMarking,
    ClassificationScheme,
    ControlledDocument,
    Department,
    DocumentStatus,
    HandlingPractice,
    HandlingRule,
    Person,
    PersonDepartment,
    PersonRole,
    RegisterSetting,
    ReviewMeeting,
    ReviewStatus,
    Risk,
    RiskAcceptance,
    RiskCriteria,
    Role,
    Signature,
    SignatureState,
    SoaVersion,
    TreatmentAction,
)
from ..model.audit import ChangeLogEntry
from . import changelog


class Level(IntEnum):
    """Access levels, each including everything the ones below it may do."""

    VIEWER = 0
    EDITOR = 1
    APPROVER = 2
    ADMINISTRATOR = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @property
    def with_article(self) -> str:
        return f"{'a' if self == Level.VIEWER else 'an'} {self.label}"


#: The level each role gives; the highest of a person's roles counts.
ROLE_LEVELS: Mapping[Role, Level] = {
    Role.ADMINISTRATOR: Level.ADMINISTRATOR,
    Role.APPROVER: Level.APPROVER,
    Role.SIRO: Level.APPROVER,
    Role.SMG_MEMBER: Level.EDITOR,
    Role.INFORMATION_ASSET_OWNER: Level.EDITOR,
    Role.RISK_OWNER: Level.EDITOR,
    Role.CONTROL_OWNER: Level.EDITOR,
}

#: How a refusal names the roles that give a level.
NEEDS: Mapping[Level, str] = {
    Level.EDITOR: "an editing role (smg member, information asset owner, risk owner or "
    "control owner)",
    Level.APPROVER: "the approver or siro role",
    Level.ADMINISTRATOR: "the administrator role",
}

#: The register setting saying whether access control is on.
ACCESS_SETTING = "access"

#: Records only an administrator changes: who is who, and how the register works.
_ADMIN_MODELS: tuple[type[Any], ...] = (
    Person,
    PersonRole,
    PersonDepartment,
    Department,
    RiskCriteria,
    RegisterSetting,
    HandlingRule,
    ClassificationScheme,
    ClassificationMarking,
)
_ADMIN_TABLES = frozenset(str(model.__tablename__) for model in _ADMIN_MODELS)
#: Signatures: written only through the flush, where the signer is checked.
_SIGNATURE_TABLE = str(Signature.__tablename__)
#: Written by the change-log hook itself, never a user's change.
_BOOKKEEPING_TABLES = frozenset({str(ChangeLogEntry.__tablename__)})


@dataclass(frozen=True)
class Access:
    """What the acting user may do in this register."""

    actor: str
    #: The Person whose username is the actor, if any.
    person_id: int | None
    person_name: str | None
    level: Level
    #: Department ids the person's changes are limited to; None = every department.
    departments: frozenset[int] | None
    #: False until access control is turned on: a single-user register, everything allowed.
    controlled: bool
    #: The actor created the register (`isms init`) and so is an administrator.
    creator: bool

    def allows(self, level: Level, department_id: int | None = None) -> bool:
        if self.level < level:
            return False
        return self.departments is None or department_id in self.departments


def _creator(session: Session) -> str:
    setting = session.get(RegisterSetting, "register")
    return str(setting.value.get("created_by") or "") if setting is not None else ""


def enforced(session: Session) -> bool:
    """Whether access control is on in this register (as the database holds it)."""
    value = session.execute(
        select(RegisterSetting.value).where(RegisterSetting.key == ACCESS_SETTING)
    ).scalar()
    return bool(value and value.get("enforced"))


def resolve(session: Session, *, assume_enforced: bool = False) -> Access:
    """The acting user's access, read fresh from the database (no caching); with
    ``assume_enforced``, the access they would have if access control were on."""
    actor = str(session.info.get("actor") or "")
    wanted = actor.lower()  # the name as the system gave it: compared, never trimmed
    # Column queries, not entities: the answer is what the database holds, never an in-memory
    # edit still pending in this session (an administrator changing their own roles).
    controlled = assume_enforced or enforced(session)
    row = (
        session.execute(
            select(Person.id, Person.name, Person.active).where(
                func.lower(Person.username) == wanted
            )
        ).first()
        if wanted
        else None
    )
    creator = bool(wanted) and _creator(session).lower() == wanted
    person_id, person_name = (row[0], row[1]) if row is not None else (None, None)
    if not controlled:
        return Access(actor, person_id, person_name, Level.ADMINISTRATOR, None, False, creator)
    level = Level.VIEWER
    departments: frozenset[int] | None = None
    if row is not None and row[2]:  # someone who has left keeps no rights
        roles = session.execute(
            select(PersonRole.role).where(PersonRole.person_id == person_id)
        ).scalars()
        level = max((ROLE_LEVELS.get(Role(r), Level.VIEWER) for r in roles), default=level)
        limits = frozenset(
            session.execute(
                select(PersonDepartment.department_id).where(
                    PersonDepartment.person_id == person_id
                )
            ).scalars()
        )
        departments = limits or None
    if creator:
        level, departments = Level.ADMINISTRATOR, None
    return Access(actor, person_id, person_name, level, departments, True, creator)


def current(session: Session) -> Access:
    """The actor's access for this session's current transaction (resolved once per
    transaction, by the writer holding the append lock: see the module's note)."""
    transaction = session.get_transaction()
    cached = session.info.get("access")
    if transaction is not None and cached is not None and cached[0] is transaction:
        return cached[1]  # type: ignore[no-any-return]
    access = resolve(session)
    if transaction is not None:
        session.info["access"] = (transaction, access)
    return access


# --- what a change needs ------------------------------------------------------------------------


def _department_of(session: Session, obj: Any) -> tuple[bool, set[int | None]]:
    """(belongs to a department, the department ids before and after the change)."""
    if isinstance(obj, ActionDeferral) and (obj.treatment_action is not None
                                            or obj.treatment_action_id is not None):
        # A deferral of a risk's action belongs to the risk's department.
        obj = obj.treatment_action or session.get(TreatmentAction, obj.treatment_action_id)
    if isinstance(obj, TreatmentAction | RiskAcceptance):
        risk = obj.risk if obj.risk_id is None else session.get(Risk, obj.risk_id)
        return True, {risk.department_id if risk is not None else None}
    if isinstance(obj, HandlingPractice):
        asset = obj.asset if obj.asset_id is None else session.get(Asset, obj.asset_id)
        return True, {asset.department_id if asset is not None else None}
    mapper = inspect(obj).mapper
    if "department_id" not in mapper.column_attrs:
        return False, set()
    history = inspect(obj).attrs["department_id"].history
    ids: set[int | None] = {obj.department_id, *history.deleted}
    return True, ids


def _needs(session: Session, obj: Any, verb: str) -> Level:
    if isinstance(obj, _ADMIN_MODELS):
        return Level.ADMINISTRATOR
    if isinstance(obj, SoaVersion) and verb == "add":
        return Level.APPROVER
    if isinstance(obj, RiskAcceptance) and obj.approved_by_id is not None:
        if verb == "add" or inspect(obj).attrs["approved_by_id"].history.has_changes():
            return Level.APPROVER
    if isinstance(obj, ControlledDocument) and (
            verb == "add" and obj.status == DocumentStatus.APPROVED
            or any(inspect(obj).attrs[name].history.has_changes()
                   for name in ("approved_by_id", "approved_on"))
            or obj.status == DocumentStatus.APPROVED
            and inspect(obj).attrs["status"].history.has_changes()):
        return Level.APPROVER  # approving a document is an approver's act
    if isinstance(obj, ReviewMeeting) and obj.status == ReviewStatus.SIGNED_OFF:
        if inspect(obj).attrs["status"].history.has_changes():
            return Level.APPROVER
    return Level.EDITOR


def _what(obj: Any, verb: str) -> str:
    """The change in the user's words: "change risk R-0012", "give Ann Lee the approver role"."""
    if isinstance(obj, PersonRole | PersonDepartment):
        person = obj.person.name if obj.person is not None else "a person"
        if isinstance(obj, PersonRole):
            return f"{'give' if verb == 'add' else 'take away'} {person} the {obj.role} role"
        return f"change the departments {person} may change"
    return f"{verb} {changelog.label_of(obj)}"


def _changes(session: Session) -> Iterable[tuple[Any, str]]:
    for obj in session.new:
        yield obj, "add"
    for obj in session.dirty:
        if session.is_modified(obj):
            yield obj, "change"
    for obj in session.deleted:
        yield obj, "delete"


def _refuse(access: Access, what: str, needed: Level) -> AccessDenied:
    who = access.person_name or access.actor or "An unknown user"
    if access.person_id is None and access.actor:
        held = f"{access.actor} is not a person in this register with that username, so a viewer"
    else:
        held = f"{who} is {access.level.with_article}"
    return AccessDenied(
        f"{who} may not {what}: that needs {NEEDS[needed]} ({held}). "
        "Ask an administrator of the register to give you the role.",
        actor=access.actor,
        needed=needed.label,
    )


def _refuse_signing_for_another(access: Access, pending: Iterable[tuple[Any, str]]) -> None:
    """A signature is confirmed only by its signer, acting as themselves, whatever path writes
    it and whether or not access control is on (see isms.services.signatures): one recorded
    for someone else stays awaiting them."""
    for obj, verb in pending:
        if not isinstance(obj, Signature) or verb == "delete":
            continue
        if obj.state != SignatureState.CONFIRMED or (
                verb == "change" and not inspect(obj).attrs["state"].history.has_changes()):
            continue
        signer_id = obj.signer.id if obj.signer is not None else obj.signer_id
        if signer_id != access.person_id:
            who = access.person_name or access.actor or "An unknown user"
            raise AccessDenied(
                f"{who} may not confirm a {obj.kind.value} signature for someone else: only "
                "its signer can, acting as themselves.", actor=access.actor, needed="signer")


def _refuse_department(access: Access, what: str, department: str) -> AccessDenied:
    who = access.person_name or access.actor
    return AccessDenied(
        f"{who} may not {what}: it belongs to {department}, outside the departments {who} "
        "may change. Ask an administrator of the register to extend your departments.",
        actor=access.actor,
        needed="department",
    )


def _department_name(session: Session, department_id: int | None) -> str:
    if department_id is None:
        return "the whole council (no department)"
    code = session.execute(
        select(Department.code).where(Department.id == department_id)
    ).scalar()
    return f"department {code}" if code else f"department {department_id}"


def check(session: Session, access: Access, what: str, needed: Level,
          departments: Iterable[int | None] = ()) -> None:
    """Raise AccessDenied unless ``access`` allows a change needing ``needed`` to records of
    ``departments`` (empty: the change belongs to no department)."""
    if not access.controlled:
        return
    if access.level < needed:
        raise _refuse(access, what, needed)
    if access.departments is None or needed == Level.ADMINISTRATOR:
        return
    for department_id in departments:
        if department_id not in access.departments:
            raise _refuse_department(access, what, _department_name(session, department_id))


def refuse_flush(session: Session) -> None:
    """Before-flush hook: raise AccessDenied if the actor may not make a pending change."""
    pending = [(obj, verb) for obj, verb in _changes(session)
               if str(inspect(obj).mapper.local_table.name) not in _BOOKKEEPING_TABLES]
    if not pending:
        return
    # The write will take the append lock anyway; taking it before reading the roles means no
    # writer can commit a role change between the check and this transaction's end.
    changelog.hold_append_lock(session.connection())
    access = current(session)
    _refuse_signing_for_another(access, pending)
    if not access.controlled:
        return
    for obj, verb in pending:
        needed = _needs(session, obj, verb)
        has_department, ids = _department_of(session, obj)
        check(session, access, _what(obj, verb), needed,
              ids if has_department else ())


def refuse_statement(state: ORMExecuteState) -> None:
    """do_orm_execute hook: the same rule for an INSERT / UPDATE / DELETE run through the
    session (bulk writes that bypass the flush)."""
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if not isinstance(table, Table) or table.name in _BOOKKEEPING_TABLES:
        return
    changelog.hold_append_lock(state.session.connection())  # as in refuse_flush
    access = current(state.session)
    verb = "add to" if state.is_insert else "change" if state.is_update else "delete from"
    if table.name == _SIGNATURE_TABLE:
        # Signatures are made one at a time by their signer (checked on the flush): no bulk
        # statement may write one, whoever runs it and whether or not access control is on.
        raise AccessDenied(
            f"{access.person_name or access.actor or 'An unknown user'} may not {verb} the "
            "signature records in bulk: a signature is made one at a time, by its signer.",
            actor=access.actor, needed="signer")
    if not access.controlled:
        return
    needed = Level.ADMINISTRATOR if table.name in _ADMIN_TABLES else Level.EDITOR
    departments: list[int | None] = []
    if "department_id" in table.c:
        params = state.parameters
        rows: list[Mapping[str, Any]] = (
            list(params) if isinstance(params, list)
            else [params] if isinstance(params, Mapping) and params else []
        )
        departments = [row["department_id"] for row in rows if "department_id" in row]
    check(state.session, access, f"{verb} the {table.name.replace('_', ' ')} records", needed,
          departments)
