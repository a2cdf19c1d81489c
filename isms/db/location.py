"""Where a register lives: a SQLite file (the default) or any SQLAlchemy URL (PostgreSQL)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_data_path, user_log_path
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from ..errors import UsageError

APP_NAME = "isms"
ENV_URL = "ISMS_DATABASE_URL"
REGISTER_FILE = "register.isms"
DEMO_FILE = "demo.isms"


def data_dir() -> Path:
    """The user's data directory (e.g. ~/.local/share/isms). ISMS_DATA_DIR overrides it (tests)."""
    override = os.environ.get("ISMS_DATA_DIR")
    return Path(override) if override else user_data_path(APP_NAME, appauthor=False)


def log_dir() -> Path:
    override = os.environ.get("ISMS_LOG_DIR")
    return Path(override) if override else user_log_path(APP_NAME, appauthor=False)


@dataclass(frozen=True)
class Location:
    """A resolved register location. ``path`` is set for SQLite files, None for servers."""

    url: URL
    path: Path | None

    @property
    def is_sqlite(self) -> bool:
        return self.url.get_backend_name() == "sqlite"

    def display(self) -> str:
        """What to show a user: the file path, or the URL without its password."""
        if self.path is not None:
            return str(self.path)
        return url_without_password(self.url)


def url_without_password(url: URL) -> str:
    """``url`` as text with no password at all (not even ``***``): for titles, settings and
    lists, where even the fact that a password was typed into the URL is not shown."""
    bare = URL.create(
        url.drivername, username=url.username, password=None, host=url.host, port=url.port,
        database=url.database, query=url.query,
    )
    return bare.render_as_string(hide_password=False)


def resolve(db: str | None = None) -> Location:
    """``--db`` value (path or URL), else $ISMS_DATABASE_URL, else the default register file."""
    raw = db or os.environ.get(ENV_URL) or str(data_dir() / REGISTER_FILE)
    if "://" in raw:
        try:
            url = make_url(raw)
        except ArgumentError as exc:
            raise UsageError(f"'{raw}' is not a database URL or a file path: {exc}") from exc
        if url.get_backend_name() == "sqlite":
            if not url.database or url.database == ":memory:":
                raise UsageError(
                    "An in-memory SQLite database cannot hold a register; give a file."
                )
            return Location(url, Path(url.database).expanduser().resolve())
        return Location(url, None)
    path = Path(raw).expanduser().resolve()
    return Location(URL.create("sqlite+pysqlite", database=str(path)), path)


def demo_location() -> Location:
    return resolve(str(data_dir() / DEMO_FILE))
