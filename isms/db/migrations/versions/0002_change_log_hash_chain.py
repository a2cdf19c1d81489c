"""Chain the change log: each entry carries the SHA-256 of the previous one.

Existing entries are hashed in id order, so a register upgraded from 0001 gets a complete chain.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import json
from datetime import UTC

import sqlalchemy as sa
from alembic import op

from isms.db.changelog import entry_digest

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("change_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("entry_hash", sa.String(length=64), nullable=True))

    log = sa.table(
        "change_log",
        sa.column("id", sa.Integer),
        sa.column("at", sa.DateTime(timezone=True)),
        sa.column("actor", sa.String),
        sa.column("action", sa.String),
        sa.column("table_name", sa.String),
        sa.column("record_id", sa.String),
        sa.column("label", sa.String),
        sa.column("changes", sa.JSON),
        sa.column("prev_hash", sa.String),
        sa.column("entry_hash", sa.String),
    )
    connection = op.get_bind()
    prev = None
    rows = connection.execute(sa.select(log).order_by(log.c.id)).mappings().all()
    for row in rows:
        entry = dict(row)
        if isinstance(entry["changes"], str):  # some drivers hand JSON back as text
            entry["changes"] = json.loads(entry["changes"])
        if entry["at"] is not None and entry["at"].tzinfo is None:
            entry["at"] = entry["at"].replace(tzinfo=UTC)
        digest = entry_digest(prev, entry)
        connection.execute(
            log.update().where(log.c.id == row["id"]).values(prev_hash=prev, entry_hash=digest)
        )
        prev = digest


def downgrade() -> None:
    with op.batch_alter_table("change_log", schema=None) as batch_op:
        batch_op.drop_column("entry_hash")
        batch_op.drop_column("prev_hash")
