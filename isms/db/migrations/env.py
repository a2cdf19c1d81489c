"""Alembic environment: always run on a connection handed over by isms.db.migrate."""

from __future__ import annotations

from alembic import context

from isms.db.migrate import is_model_table
from isms.model import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("isms migrations run through isms.db.migrate, not the alembic command")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    # SQLite cannot ALTER most things; batch mode copies the table, and is a no-op elsewhere.
    render_as_batch=True,
    compare_type=True,
    include_name=is_model_table,
)
with context.begin_transaction():
    context.run_migrations()
