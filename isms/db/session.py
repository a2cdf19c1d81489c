"""The register's session class: change log, retirement guard, and conflict-aware commit."""

from __future__ import annotations

import getpass
from typing import Any

from sqlalchemy import event, inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, UOWTransaction
from sqlalchemy.orm.exc import StaleDataError

from ..errors import ConflictError, ValidationError
from ..model.asset import Asset
from ..model.base import Versioned
from ..model.risk import Risk
from . import changelog


def default_actor() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (some containers)
        return "unknown"


class RegisterSession(Session):
    """A Session whose every flush is change-logged. ``info['actor']`` names who is writing."""

    def __init__(self, *args: Any, actor: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.info["actor"] = actor or default_actor()


#: Kinds of record that are retired, never deleted, so history and links survive.
_RETIRE_ONLY = (Asset, Risk)


@event.listens_for(RegisterSession, "before_flush")
def _refuse_deletion(session: Session, _ctx: UOWTransaction, _instances: Any) -> None:
    for obj in session.deleted:
        if isinstance(obj, _RETIRE_ONLY):
            raise ValidationError(
                f"{obj.audit_label()} cannot be deleted: retire it instead, so its history stays."
            )


event.listen(RegisterSession, "after_flush", changelog.after_flush)


def commit(session: Session) -> None:
    """Commit, turning a stale save into a ConflictError that names the record.

    Every versioned UPDATE carries ``WHERE version = <the version you loaded>``; if someone else
    saved first it matches no row and SQLAlchemy raises StaleDataError. We remember what each
    pending record's version was, then ask the database which one moved.
    """
    watched = [
        (type(obj), inspect(obj).identity, obj.version, changelog.label_of(obj))
        for obj in (*session.dirty, *session.deleted)
        if isinstance(obj, Versioned) and inspect(obj).identity is not None
    ]
    try:
        session.commit()
    except StaleDataError as exc:
        session.rollback()
        for cls, identity, yours, label in watched:
            pk = inspect(cls).primary_key
            query = select(cls.version).where(
                *(col == val for col, val in zip(pk, identity or (), strict=True))
            )
            theirs = session.execute(query).scalar()
            if theirs != yours:
                state = "was deleted" if theirs is None else f"is now at version {theirs}"
                raise ConflictError(
                    f"{label[:1].upper()}{label[1:]} was changed by someone else after you "
                    "opened it "
                    f"(you had version {yours}; it {state}). Reload it and make your change again.",
                    record=label,
                    yours=yours,
                    theirs=theirs,
                ) from exc
        raise ConflictError(
            "Someone else changed a record you were saving. Reload and try again.",
            record="",
            yours=None,
            theirs=None,
        ) from exc
    except IntegrityError as exc:
        session.rollback()
        raise ValidationError(f"The register refused the change: {exc.orig}") from exc
