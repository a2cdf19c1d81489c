"""Alembic owns the schema. This module drives it on a live connection, without an alembic.ini.

Developers make a new revision with::

    .venv/bin/python -m isms.db.migrate revision "what changed"
"""

from __future__ import annotations

import sys
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, create_engine, inspect, text

from ..errors import StorageError

if TYPE_CHECKING:
    from alembic.config import Config

#: The newest revision. Opening a current register compares against this constant, so Alembic
#: (about a tenth of a second to import) is loaded only when a register needs upgrading.
#: tests/unit/test_migrations.py checks it against Alembic's own view of the history.
HEAD = "0018"


def _config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(files("isms.db") / "migrations"))
    return cfg


def head() -> str:
    return HEAD


def alembic_heads() -> list[str]:
    from alembic.script import ScriptDirectory

    return list(ScriptDirectory.from_config(_config()).get_heads())


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {rev.revision for rev in ScriptDirectory.from_config(_config()).walk_revisions()}


def current(connection: Connection) -> str | None:
    """The schema revision recorded in the register (Alembic's own table), or None."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def has_user_tables(connection: Connection) -> bool:
    return bool(inspect(connection).get_table_names())


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Upgrade in one transaction, on an engine from ``make_engine(..., for_migration=True)``.

    DDL is transactional on SQLite and PostgreSQL, so a failure leaves the register as it was.
    Foreign keys are checked before the commit because SQLite migrations run with them off.
    """
    from alembic import command

    try:
        with engine.begin() as connection:
            cfg = _config()
            cfg.attributes["connection"] = connection
            command.upgrade(cfg, revision)
            if connection.dialect.name == "sqlite":
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise StorageError(f"the upgrade would break {len(broken)} foreign key(s)")
    except Exception as exc:
        raise StorageError(f"Upgrading the register failed and was rolled back: {exc}") from exc


#: Tables the models do not describe: the SQLite full-text indexes (0004) and their shadow tables.
SEARCH_TABLES = ("asset_fts", "risk_fts")


def is_model_table(name: str | None, type_: str, *_: object) -> bool:
    """Alembic ``include_name`` hook: leave the search indexes out of model comparisons."""
    return not (type_ == "table" and name is not None and name.startswith(SEARCH_TABLES))


def check(connection: Connection) -> list[str]:
    """Differences between the database schema and the models (empty list = in step)."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from ..model import Base

    ctx = MigrationContext.configure(
        connection, opts={"compare_type": True, "include_name": is_model_table}
    )
    return [str(diff) for diff in compare_metadata(ctx, Base.metadata)]


def _revision(message: str) -> None:  # pragma: no cover - developer tool
    """Autogenerate a revision against a scratch database upgraded to head."""
    import tempfile

    from alembic import command

    with tempfile.TemporaryDirectory() as tmp:
        engine = create_engine(f"sqlite:///{Path(tmp) / 'scratch.db'}")
        upgrade(engine)  # a scratch file: plain engine is enough
        with engine.begin() as connection:
            cfg = _config()
            cfg.attributes["connection"] = connection
            command.revision(cfg, message=message, autogenerate=True)


if __name__ == "__main__":  # pragma: no cover
    if len(sys.argv) == 3 and sys.argv[1] == "revision":
        _revision(sys.argv[2])
    else:
        sys.exit("usage: python -m isms.db.migrate revision MESSAGE")
