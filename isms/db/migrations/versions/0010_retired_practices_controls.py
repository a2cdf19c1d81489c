"""Retired handling practices and local controls stay in the register: ``retired_at`` says when
(the change log says by whom), and their ids are never given to another record.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_TABLES = ("handling_practice", "control")


def upgrade() -> None:
    # A plain ADD COLUMN of a nullable column on both SQLite and PostgreSQL (everything in the
    # register is live): rebuilding the tables would break the search views (see 0009).
    for table in _TABLES:
        op.add_column(table, sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    for table in _TABLES:
        op.drop_column(table, "retired_at")
