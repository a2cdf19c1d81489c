"""Opening a register: create, recognise, upgrade (after a backup), and hand out sessions."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.orm import sessionmaker

from ..errors import NotFoundError, StorageError
from . import migrate, soundness
from .backup import backup_sqlite, default_backup_path
from .engine import make_engine
from .failures import ConnectionFailed, plain_problem, read_errors
from .location import Location, resolve
from .session import RegisterSession
from .soundness import damage_message

log = logging.getLogger(__name__)


class Register:
    """An open register: its location, engine and session factory.

    One session per user action (``with register.session() as s``); sessions never cross threads.
    """

    def __init__(self, location: Location, engine: Engine) -> None:
        self.location = location
        self.engine = engine
        # No autoflush: a save is one flush at commit, so one version step and one change-log
        # entry per record, however many queries the services make on the way.
        self._sessions = sessionmaker(
            bind=engine, class_=RegisterSession, expire_on_commit=False, autoflush=False
        )
        #: Set when opening upgraded an older register: where its backup went.
        self.upgrade_backup: Path | None = None
        #: Set when the file failed its quick check: the one message saying so and what to do.
        #: The register is then open read-only (every write refused with this message).
        self.damaged: str | None = None

    def session(self, actor: str | None = None) -> RegisterSession:
        return self._sessions(actor=actor)

    @contextmanager
    def reading(self, actor: str | None = None) -> Iterator[RegisterSession]:
        """A session for reads whose database failures come out as StorageError in plain words
        (for screens that show what failed instead of crashing: a page of rows, a check)."""
        with read_errors(self.location), self.session(actor) as session:
            yield session

    @contextmanager
    def transaction(self, actor: str | None = None) -> Iterator[RegisterSession]:
        """A session whose work is committed on success and rolled back on any error."""
        from .session import conflicts_named

        with self.session(actor) as session:
            try:
                with conflicts_named(session):
                    yield session
                    session.commit()
            except BaseException:
                session.rollback()
                raise

    def backup(self, target: Path | None = None) -> Path:
        if self.location.path is None:
            raise StorageError(
                "Backups of a server register are taken on the server (pg_dump); "
                "`isms db copy` can copy it to a file."
            )
        return backup_sqlite(
            self.location.path, target or default_backup_path(self.location.path, "backup")
        )

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Register:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def quick_check(engine: Engine) -> str | None:
    """The first problem SQLite's quick check finds in a register file, or None if it is sound.
    (It reads every page: ~0.3 s for a 100,000-asset register.)"""
    try:
        with engine.connect() as connection:
            return soundness.quick_check(connection)
    except DatabaseError as exc:  # too damaged to connect at all
        return str(exc.orig)


def _probe(engine: Engine, location: Location) -> tuple[str | None, bool]:
    """(alembic revision, has tables) of whatever is at the location."""
    try:
        with engine.connect() as connection:
            return migrate.current(connection), migrate.has_user_tables(connection)
    except (DatabaseError, OperationalError) as exc:
        if location.path is None:  # a server: say what to fix, never the driver's jargon
            raise ConnectionFailed(plain_problem(location, exc)) from exc
        raise StorageError(
            f"{location.display()} cannot be opened as a register: {exc.orig}"
        ) from exc


def _upgrade(location: Location) -> None:
    engine = make_engine(location, for_migration=True)
    try:
        migrate.upgrade(engine)
    finally:
        engine.dispose()


def open_register(
    db: str | Location | None = None,
    *,
    create: bool = False,
    upgrade: bool = True,
    read_only: bool = False,
) -> Register:
    """Open the register at ``db`` (path, URL, or the default).

    ``create``: make an empty register if nothing is there (the caller then seeds it).
    ``upgrade``: bring an older register to the current schema, after a backup copy.
    ``read_only``: a file is opened so that nothing can change it (``isms db check``).

    An existing file is looked at read-only first: an empty file or another application's
    database is refused unchanged, and a register that fails SQLite's quick check opens
    read-only with ``Register.damaged`` saying so (writes refused with that message).
    """
    location = db if isinstance(db, Location) else resolve(db)
    if location.path is not None:
        if not location.path.exists():
            if not create:
                raise NotFoundError(
                    f"No register at {location.path}. Create one with "
                    f"`isms init --db {location.path}`."
                )
            location.path.parent.mkdir(parents=True, exist_ok=True)
        elif location.path.is_dir():
            raise StorageError(f"{location.path} is a folder, not a register file.")
    # A large file is checked before its first write rather than now (isms.db.soundness).
    check_later = not read_only and not soundness.checked_on_opening(location)
    if location.path is not None and location.path.exists():
        looked = _look_at_file(location, create=create, read_only=read_only,
                               check=not check_later)
        if looked is not None:
            return looked
    engine = make_engine(location, read_only=read_only)
    register = Register(location, engine)
    if check_later:
        soundness.check_before_first_write(engine, location)
    try:
        revision, has_tables = _probe(engine, location)
        head = migrate.head()
        if revision is None:
            if has_tables:
                raise StorageError(
                    f"{location.display()} holds a database that is not an isms register."
                )
            if not create:
                raise NotFoundError(
                    f"{location.display()} is empty. Create a register there with `isms init`."
                )
            _upgrade(location)
        elif revision != head:
            if revision not in migrate.known_revisions():
                raise StorageError(
                    f"{location.display()} was written by a newer version of isms "
                    f"(schema {revision}); update isms to open it."
                )
            if not upgrade:
                raise StorageError(
                    f"{location.display()} needs upgrading (schema {revision} -> {head}): "
                    "run `isms db upgrade`."
                )
            if location.path is not None:
                register.upgrade_backup = backup_sqlite(
                    location.path, default_backup_path(location.path, f"before-upgrade-{revision}")
                )
                log.info(
                    "backed up %s to %s before upgrading", location.path, register.upgrade_backup
                )
            _upgrade(location)
        return register
    except BaseException:
        engine.dispose()
        raise


def _look_at_file(location: Location, *, create: bool, read_only: bool,
                  check: bool) -> Register | None:
    """Look at an existing register file without changing it: refuse what is not a register,
    open a damaged one (or any, for ``read_only``) read-only; None: open it as usual.
    ``check``: run SQLite's quick check now."""
    engine = make_engine(location, read_only=True)
    try:
        revision, has_tables = _probe(engine, location)
        if revision is None and has_tables:
            raise StorageError(
                f"{location.display()} holds a database that is not an isms register "
                "(nothing in it was changed)."
            )
        if revision is None and not create:
            raise NotFoundError(
                f"{location.display()} is empty. Create a register there with `isms init` "
                "(nothing in it was changed)."
            )
        finding = quick_check(engine) if check and revision is not None else None
    except BaseException:
        engine.dispose()
        raise
    if finding is None and not read_only:
        engine.dispose()
        return None  # a sound register (or an empty file to create one in): opened as usual
    register = Register(location, engine)
    if finding is not None:
        register.damaged = damage_message(location, finding)
        soundness.refuse_writes(engine, register.damaged)
        log.warning("%s", register.damaged)
    return register


def peek_revision(location: Location) -> str | None:
    """The schema revision of whatever is at ``location``, without upgrading or creating it."""
    if location.path is not None and not location.path.exists():
        raise NotFoundError(f"No register at {location.path}.")
    engine = make_engine(location)
    try:
        return _probe(engine, location)[0]
    finally:
        engine.dispose()


def schema_revision(register: Register) -> str | None:
    with register.engine.connect() as connection:
        return migrate.current(connection)


def integrity_problems(register: Register) -> list[str]:
    """Foreign-key and integrity check results on SQLite (empty = clean)."""
    if not register.location.is_sqlite:
        return []
    problems: list[str] = []
    with register.engine.connect() as connection:
        for row in connection.execute(text("PRAGMA foreign_key_check")):
            problems.append(f"foreign key: table {row[0]} row {row[1]} -> {row[2]}")
        for (result,) in connection.execute(text("PRAGMA integrity_check")):
            if result != "ok":
                problems.append(f"integrity: {result}")
    return problems
