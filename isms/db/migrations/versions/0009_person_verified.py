"""Unverified people: a person an import created from a name written in a file (an owner given
as a job title) is marked unverified until someone confirms who they are.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Everyone already in the register was entered by hand: verified. A plain ADD COLUMN (with
    # its default, SQLite allows NOT NULL): rebuilding the table would break the search views.
    op.add_column(
        "person", sa.Column("verified", sa.Boolean(), server_default=sa.true(), nullable=False)
    )


def downgrade() -> None:
    op.drop_column("person", "verified")
