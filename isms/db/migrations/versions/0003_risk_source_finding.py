"""Risks remember the handling-rule finding they were made from.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("risk", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source_finding", sa.String(length=60), nullable=True))
        batch_op.create_index(batch_op.f("ix_risk_source_finding"), ["source_finding"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("risk", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_risk_source_finding"))
        batch_op.drop_column("source_finding")
