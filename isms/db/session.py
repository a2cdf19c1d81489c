"""The register's session class: change log, retirement guard, and conflict-aware commit."""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event, inspect, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from ..errors import ConflictError, ValidationError
from ..model.asset import Asset
from ..model.base import Versioned
from ..model.risk import Risk
from . import access_guard, changelog, review_guard
from .grants import server_refusal
from .os_account import account_name

#: The database login of each open server register, asked once per engine.
_logins: weakref.WeakKeyDictionary[Engine, str] = weakref.WeakKeyDictionary()


def database_login(engine: Engine) -> str:
    """Who the server says we are (``current_user``): the name access control knows us by.

    Asked rather than read from the URL, which may name no user at all (peer authentication
    logs in as the OS user) and is not what the server checks.
    """
    login = _logins.get(engine)
    if login is None:
        with engine.connect() as connection:
            login = str(connection.execute(text("SELECT current_user")).scalar() or "unknown")
        _logins[engine] = login
    return login


def default_actor(bind: Any = None) -> str:
    """Who is acting when nobody said: the database login on a server register (who the server
    checked), else the operating-system account running isms (whoever can open a register
    file). Never an environment variable: ``LOGNAME=root`` must not make anyone root."""
    if isinstance(bind, Engine) and bind.dialect.name == "postgresql":
        return database_login(bind)
    return account_name()


class RegisterSession(Session):
    """A Session whose every flush is change-logged. ``info['actor']`` names who is writing."""

    def __init__(self, *args: Any, actor: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.info["actor"] = actor or default_actor(self.bind)

    def __exit__(self, type_: Any, value: Any, traceback: Any) -> None:
        # A stale save that a service flushed itself, inside a plain ``with register.session()``
        # block rather than ``transaction()`` or ``commit()``, is named as a ConflictError too:
        # the reader learns which record moved, and a one-shot command can retry it.
        if isinstance(value, StaleDataError):
            try:
                conflict = _conflict(self, self.info.pop("flushing", []), value)
            finally:
                super().__exit__(type_, value, traceback)
            raise conflict from value
        super().__exit__(type_, value, traceback)


#: Kinds of record that are retired, never deleted, so history and links survive.
_RETIRE_ONLY = (Asset, Risk)


@event.listens_for(RegisterSession, "before_flush")
def _before_flush(session: Session, _ctx: UOWTransaction, _instances: Any) -> None:
    # Remember what each record's version was: if the flush fails as stale, the records are
    # expired and can no longer say which version the save was made from.
    session.info["flushing"] = _watched(session)
    for obj in session.deleted:
        if isinstance(obj, _RETIRE_ONLY):
            raise ValidationError(
                f"{obj.audit_label()} cannot be deleted: retire it instead, so its history stays."
            )
    review_guard.refuse_signed_off(session)
    access_guard.refuse_flush(session)
    # Every flush writes change-log entries: take the append lock before the flush's own rows,
    # so a writer waiting for it holds no row another one needs (no deadlock on PostgreSQL).
    changelog.hold_append_lock(session.connection())


@event.listens_for(RegisterSession, "do_orm_execute")
def _before_execute(state: ORMExecuteState) -> None:
    # Bulk writes run through session.execute bypass the flush: the same access rule applies.
    access_guard.refuse_statement(state)


event.listen(RegisterSession, "after_flush", changelog.after_flush)


def expect_version(record: Versioned, version: int) -> None:
    """Save ``record`` only if it is still at ``version`` (the version an editor showed).

    Every versioned UPDATE says ``WHERE version = <loaded version>``; telling the session the
    record was loaded at the editor's version turns "someone saved since the editor opened"
    into a ConflictError naming the record, however fresh this session's copy is.
    """
    set_committed_value(record, "version", version)


def _watched(session: Session) -> list[tuple[type[Any], Any, int, str]]:
    """Pending versioned records with the version each was loaded at."""
    return [
        (type(obj), inspect(obj).identity, obj.version, changelog.label_of(obj))
        for obj in (*session.dirty, *session.deleted)
        if isinstance(obj, Versioned) and inspect(obj).identity is not None
    ]


def _conflict(
    session: Session, watched: list[tuple[type[Any], Any, int, str]], exc: StaleDataError
) -> ConflictError:
    """Roll back and ask the database which watched record moved."""
    session.rollback()
    for cls, identity, yours, label in watched:
        pk = inspect(cls).primary_key
        query = select(cls.version).where(
            *(col == val for col, val in zip(pk, identity or (), strict=True))
        )
        theirs = session.execute(query).scalar()
        if theirs != yours:
            state = "was deleted" if theirs is None else f"is now at version {theirs}"
            return ConflictError(
                f"{label[:1].upper()}{label[1:]} was changed by someone else after you "
                f"opened it (you had version {yours}; it {state}). Reload it and make your "
                "change again.",
                record=label,
                yours=yours,
                theirs=theirs,
            )
    return ConflictError(
        "Someone else changed a record you were saving. Reload and try again.",
        record="",
        yours=None,
        theirs=None,
    )


@contextmanager
def conflicts_named(session: Session) -> Iterator[None]:
    """Turn a stale save anywhere in the block (a flush a query set off, or the commit) into a
    ConflictError naming the record, and a constraint the database refused into a
    ValidationError. The session is rolled back either way."""
    try:
        yield
    except StaleDataError as exc:
        raise _conflict(session, session.info.pop("flushing", []), exc) from exc
    except IntegrityError as exc:
        session.rollback()
        raise ValidationError(f"The register refused the change: {exc.orig}") from exc
    except DBAPIError as exc:  # the server's grants or triggers (isms access grants)
        refused = server_refusal(exc)
        if refused is None:
            raise
        session.rollback()
        raise refused from exc


def commit(session: Session) -> None:
    """Commit, turning a stale save into a ConflictError that names the record.

    Every versioned UPDATE carries ``WHERE version = <the version you loaded>``; if someone else
    saved first it matches no row and SQLAlchemy raises StaleDataError. We remember what each
    pending record's version was, then ask the database which one moved.
    """
    with conflicts_named(session):
        session.commit()
